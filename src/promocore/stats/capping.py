"""Capping (winsorising) heavy-tailed metrics such as revenue per user.

A handful of very large orders can swamp the variance of a revenue test. Capping
every value at a high quantile trades a little bias for much less variance.
Choose the cap from both arms pooled (or from a pre-period), never from one arm,
so that both arms are treated alike.
"""

from __future__ import annotations

import numpy as np

from promocore._arrays import FloatArray, Inputs, quiet


@quiet
def capping_threshold(*samples: object, quantile: float = 0.99) -> float:
    """Return the ``quantile`` of all samples pooled, to be used as a common cap.

    Args:
        *samples: One or more arrays of raw values (e.g. control and treatment).
        quantile: The pooled quantile to cap at, strictly between 0 and 1.

    Returns:
        The threshold, as a float.

    Raises:
        ValidationError: no sample or no value was given, a value is not finite,
            or ``quantile`` is outside (0, 1).

    Examples:
        >>> capping_threshold([1, 2, 3], [4, 5, 100], quantile=0.8)
        5.0
    """
    v = Inputs()
    arrays = [v.number(f"samples[{i}]", s).reshape(-1) for i, s in enumerate(samples)]
    level = v.probability("quantile", quantile)
    if not arrays or sum(a.size for a in arrays) == 0:
        v.checks.add("samples", "needs at least one value")
    v.done()
    return float(np.quantile(np.concatenate(arrays), float(level)))


@quiet
def winsorize(
    values: object, *, upper: float | None = None, lower: float | None = None
) -> FloatArray:
    """Clip ``values`` into ``[lower, upper]`` (either bound may be omitted).

    Args:
        values: Raw values (any shape).
        upper: Values above this are set to it.
        lower: Values below this are set to it.

    Returns:
        A new float array of the same shape.

    Raises:
        ValidationError: a value or bound is not finite, or ``lower > upper``.

    Examples:
        >>> winsorize([1.0, 5.0, 250.0], upper=100.0).tolist()
        [1.0, 5.0, 100.0]
    """
    v = Inputs()
    array = v.number("values", values)
    hi = float(v.number("upper", upper)) if upper is not None else np.inf
    lo = float(v.number("lower", lower)) if lower is not None else -np.inf
    if lo > hi:
        v.checks.add("lower", f"must be <= upper ({lo:g} > {hi:g})")
    v.done()
    return np.clip(array, lo, hi)
