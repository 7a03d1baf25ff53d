"""Distribution functions used by the tests, with scipy imported on first use.

``import promocore.stats`` must stay cheap, so scipy is only imported inside
these functions. After the first call the import is a dictionary look-up.
"""

from __future__ import annotations

import numpy as np

from promocore.stats._validate import FloatArray


def norm_cdf(x: FloatArray) -> FloatArray:
    """Standard normal distribution function."""
    from scipy import special

    return np.asarray(special.ndtr(x), dtype=np.float64)


def norm_sf(x: FloatArray) -> FloatArray:
    """Standard normal survival function, ``1 - cdf(x)`` without cancellation."""
    from scipy import special

    return np.asarray(special.ndtr(-x), dtype=np.float64)


def norm_ppf(q: FloatArray | float) -> FloatArray:
    """Standard normal quantile function."""
    from scipy import special

    return np.asarray(special.ndtri(q), dtype=np.float64)


def t_sf(x: FloatArray, df: FloatArray) -> FloatArray:
    """Student t survival function with ``df`` degrees of freedom (any real df > 0)."""
    from scipy import special

    return np.asarray(special.stdtr(df, -x), dtype=np.float64)


def t_ppf(q: float, df: FloatArray) -> FloatArray:
    """Student t quantile function."""
    from scipy import special

    return np.asarray(special.stdtrit(df, q), dtype=np.float64)


def chi2_sf(x: FloatArray, df: FloatArray | float) -> FloatArray:
    """Chi-square survival function."""
    from scipy import special

    return np.asarray(special.chdtrc(df, x), dtype=np.float64)


def z_critical(alpha: float, alternative: str) -> float:
    """Normal critical value: ``z(1 - alpha/2)`` two-sided, ``z(1 - alpha)`` one-sided."""
    tail = alpha / 2 if alternative == "two-sided" else alpha
    return float(norm_ppf(1 - tail))


def p_from_z(z: FloatArray, alternative: str) -> FloatArray:
    """P-value of a normal statistic (positive ``z`` favours B over A)."""
    if alternative == "greater":
        return norm_sf(z)
    if alternative == "less":
        return norm_cdf(z)
    return np.minimum(2 * norm_sf(np.abs(z)), 1.0)


def p_from_t(t: FloatArray, df: FloatArray, alternative: str) -> FloatArray:
    """P-value of a Student t statistic (positive ``t`` favours B over A)."""
    if alternative == "greater":
        return t_sf(t, df)
    if alternative == "less":
        return t_sf(-t, df)
    return np.minimum(2 * t_sf(np.abs(t), df), 1.0)
