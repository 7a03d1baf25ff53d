"""Checking raw per-user samples."""

from __future__ import annotations

from promocore._arrays import FloatArray, Inputs


def samples(v: Inputs, name: str, values: object, *, min_size: int = 2) -> FloatArray:
    """Convert one arm's raw values to a 1-D float array; problems go to ``v``."""
    array = v.number(name, values)
    if array.ndim != 1:
        v.checks.add(name, f"must be a one-dimensional array of values (got shape {array.shape})")
    elif array.size < min_size:
        v.checks.add(name, f"needs at least {min_size} values (got {array.size})")
    return array.reshape(-1)
