"""Checked inputs shared by several tests: conversion counts and mean statistics."""

from __future__ import annotations

import attrs
import numpy as np

from promocore._arrays import BoolArray, FloatArray, Inputs, is_scalar


@attrs.frozen(eq=False)
class Conversions:
    """Conversion counts of two arms, broadcast to one shape and checked."""

    n_a: FloatArray
    x_a: FloatArray
    n_b: FloatArray
    x_b: FloatArray
    scalar: bool

    @property
    def p_a(self) -> FloatArray:
        """Conversion rate of A."""
        return self.x_a / self.n_a

    @property
    def p_b(self) -> FloatArray:
        """Conversion rate of B."""
        return self.x_b / self.n_b


def conversions(
    v: Inputs, n_a: object, successes_a: object, n_b: object, successes_b: object, *, min_n: int = 1
) -> Conversions:
    """Convert and check two arms of conversion counts; problems go to ``v``."""
    arrays = {
        "n_a": v.count("n_a", n_a),
        "successes_a": v.count("successes_a", successes_a),
        "n_b": v.count("n_b", n_b),
        "successes_b": v.count("successes_b", successes_b),
    }
    scalar = is_scalar(*arrays.values())
    na, xa, nb, xb = v.broadcast(**arrays)
    for name, n in (("n_a", na), ("n_b", nb)):
        v.flag(name, np.isfinite(n) & (n < min_n), f"must be >= {min_n}", n)
    v.compare("successes_a", xa, "n_a", na, "<=")
    v.compare("successes_b", xb, "n_b", nb, "<=")
    return Conversions(na, xa, nb, xb, scalar)


@attrs.frozen(eq=False)
class MeanStats:
    """Sufficient statistics of a metric in two arms, checked, with derived moments."""

    n_a: FloatArray
    mean_a: FloatArray
    var_a: FloatArray
    n_b: FloatArray
    mean_b: FloatArray
    var_b: FloatArray
    scalar: bool

    @property
    def ill_conditioned(self) -> BoolArray:
        """Experiments where an arm's mean is at least 1e4 times its standard deviation.

        There the one-pass variance ``(sumsq − sum²/n) / (n − 1)`` keeps only about
        ``16 − 2·log10(mean/sd)`` digits (none from 1e8 on). Arms whose variance comes out
        exactly 0 get the zero-variance answer instead.
        """
        flagged = np.zeros(np.shape(self.mean_a), dtype=bool)
        for mean, var in ((self.mean_a, self.var_a), (self.mean_b, self.var_b)):
            with np.errstate(invalid="ignore", over="ignore"):
                flagged |= (var > 0) & (mean * mean >= CONDITION_LIMIT * var)
        return flagged


#: ``mean² / variance`` from which the one-pass variance is flagged (mean/sd >= 1e4).
CONDITION_LIMIT = 1e8


def sample_variance(n: FloatArray, total: FloatArray, total_sq: FloatArray) -> FloatArray:
    """Unbiased variance from ``n``, the sum and the sum of squares (clipped at 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        return np.maximum((total_sq - total * mean) / (n - 1), 0.0)


def mean_stats(
    v: Inputs,
    n_a: object,
    sum_a: object,
    sumsq_a: object,
    n_b: object,
    sum_b: object,
    sumsq_b: object,
) -> MeanStats:
    """Convert and check two arms of ``(n, sum, sum of squares)``; problems go to ``v``."""
    arrays = {
        "n_a": v.count("n_a", n_a),
        "sum_a": v.number("sum_a", sum_a),
        "sumsq_a": v.number("sumsq_a", sumsq_a),
        "n_b": v.count("n_b", n_b),
        "sum_b": v.number("sum_b", sum_b),
        "sumsq_b": v.number("sumsq_b", sumsq_b),
    }
    scalar = is_scalar(*arrays.values())
    na, sa, qa, nb, sb, qb = v.broadcast(**arrays)
    for arm, n, s, q in (("a", na, sa, qa), ("b", nb, sb, qb)):
        finite = np.isfinite(n)
        v.flag(f"n_{arm}", finite & (n < 2), "must be >= 2 to estimate a variance", n)
        with np.errstate(invalid="ignore", divide="ignore"):
            floor = s * s / n
        slack = 1e-9 * np.maximum(np.abs(q), 1.0)
        ok = ~(finite & (n >= 2) & np.isfinite(s) & np.isfinite(q)) | (q >= floor - slack)
        v.flag(
            f"sumsq_{arm}",
            ~ok,
            f"must be >= sum_{arm}**2 / n_{arm} (the squares cannot sum to less)",
            q,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        return MeanStats(
            na,
            sa / na,
            sample_variance(na, sa, qa),
            nb,
            sb / nb,
            sample_variance(nb, sb, qb),
            scalar,
        )
