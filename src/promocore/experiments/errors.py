"""Errors of the experiments package."""

from __future__ import annotations

from promocore.errors import PromocoreError


class UnknownExperimentError(PromocoreError, LookupError):
    """An experiment, arm or holdout id names nothing that was defined."""
