"""Distribution functions used by the tests, with scipy imported on first use.

``import promocore.stats`` must stay cheap, so scipy is only imported inside
these functions. After the first call the import is a dictionary look-up.
"""

from __future__ import annotations

import numpy as np

from promocore._arrays import FloatArray


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


#: Degrees of freedom from which [`t_sf`][promocore.stats._dist.t_sf] uses Hill's normal
#: approximation.
LARGE_DF = 2000.0


def t_sf(x: FloatArray, df: FloatArray) -> FloatArray:
    """Student t survival function with ``df`` degrees of freedom (any real df > 0).

    Large ``df`` (>= [`LARGE_DF`][promocore.stats._dist.LARGE_DF], the usual case for A/B tests on
    thousands of users) use Hill's asymptotic normalising transformation (Hill 1970, ACM algorithm
    395): from 2000 degrees of freedom it agrees with the exact function to 1e-13 relative for
    p-values above 1e-30 (and to 4e-9 down to 1e-300), at a tenth of the cost of the incomplete beta
    function. Smaller ``df`` use ``scipy.special.stdtr``.
    """
    from scipy import special

    x, df = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(df, dtype=np.float64))
    large = df >= LARGE_DF
    if large.all():
        return _hill_sf(x, df)
    out = np.empty(x.shape)
    out[large] = _hill_sf(x[large], df[large])
    out[~large] = special.stdtr(df[~large], -x[~large])
    return out


def _hill_sf(x: FloatArray, df: FloatArray) -> FloatArray:
    """Upper tail of Student's t by Hill's transformation to a normal deviate."""
    from scipy import special

    a = df - 0.5
    b = 48 * a * a
    with np.errstate(invalid="ignore", over="ignore"):
        w = a * np.log1p(x * x / df)
        y = ((((-0.4 * w - 3.3) * w - 24) * w - 85.5) / (0.8 * w * w + 100 + b) + w + 3) / b + 1
        tail = np.asarray(special.ndtr(-np.sign(x) * y * np.sqrt(w)), dtype=np.float64)
    tail = np.where(np.isinf(df), special.ndtr(-x), tail)  # infinite df: the normal
    return np.where(np.isinf(x), (x < 0).astype(np.float64), tail)


def t_ppf(q: float, df: FloatArray) -> FloatArray:
    """Student t quantile function.

    From [`LARGE_DF`][promocore.stats._dist.LARGE_DF] degrees of freedom the Cornish–Fisher
    expansion of the t quantile around the normal one (Abramowitz and Stegun 26.7.5, four terms) is
    used; its error there is below 1e-12 relative. Smaller ``df`` use ``scipy.special.stdtrit``.
    """
    from scipy import special

    df = np.asarray(df, dtype=np.float64)
    large = df >= LARGE_DF
    out = np.empty(df.shape)
    z = float(special.ndtri(q))
    v = df[large]
    z2 = z * z
    g1 = (z2 + 1) * z / 4
    g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
    g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
    g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
    out[large] = z + g1 / v + g2 / v**2 + g3 / v**3 + g4 / v**4
    out[~large] = special.stdtrit(df[~large], q)
    return out


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
