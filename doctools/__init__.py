"""Tooling for building promocore's documentation site (not part of the package)."""
