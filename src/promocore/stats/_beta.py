"""Exact comparisons of two independent Beta posteriors, vectorised over experiments.

For ``A ~ Beta(a1, b1)`` and ``B ~ Beta(a2, b2)`` this computes ``P(B > A)`` and the
expected losses ``E[max(B − A, 0)]`` (of choosing A) and ``E[max(A − B, 0)]`` (of choosing
B) to about 1e-10, three ways by the size of the parameters:

* every parameter at least [`REGULAR`][promocore.stats._beta.REGULAR]: Gauss–Hermite
  quadrature (24 nodes) over the logit of the narrower posterior, where its density is
  close to normal, of the other posterior's exact tail (``scipy.special.betaincc``);
* a smaller parameter, all parameters whole numbers (the usual case: a uniform or
  whole-number prior plus counts): the closed-form finite sum for ``P(X > Y)`` of Betas,
  summed over the smallest parameter (fewer than ``REGULAR`` terms);
* a smaller parameter that is not a whole number (a fractional informative prior and few
  conversions): Gauss–Hermite with 128 nodes, good to about 1e-8.

The losses use ``E[B·1(B > A)] = E[B]·P(B⁺ > A)`` with ``B⁺ ~ Beta(a2 + 1, b2)``, and the
same for A, so they need nothing but ``P(X > Y)`` for shifted parameters.
"""

from __future__ import annotations

import numpy as np

from promocore._arrays import BoolArray, FloatArray

#: Parameters from which the 24-node quadrature is used.
REGULAR = 30.0
_NODES = 24
_FRACTIONAL_NODES = 128


def _hermite(count: int) -> tuple[FloatArray, FloatArray]:
    nodes, weights = np.polynomial.hermite.hermgauss(count)
    return nodes, weights * np.exp(nodes * nodes)  # weights for ∫ f(u) du


def _quadrature(
    a1: FloatArray, b1: FloatArray, a2: FloatArray, b2: FloatArray, count: int
) -> tuple[FloatArray, FloatArray]:
    """``P(Y > X)`` and ``E[max(Y − X, 0)]`` integrating over ``X ~ Beta(a1, b1)``."""
    from scipy import special

    nodes, weights = _hermite(count)
    centre = special.digamma(a1) - special.digamma(b1)
    spread = np.sqrt(special.polygamma(1, a1) + special.polygamma(1, b1))
    y = centre[..., None] + np.sqrt(2.0) * spread[..., None] * nodes
    log_t, log_s = -np.logaddexp(0.0, -y), -np.logaddexp(0.0, y)
    t = np.exp(log_t)
    norm_x = special.betaln(a1, b1)[..., None]
    norm_y = (np.log(a2) + special.betaln(a2, b2))[..., None]
    mean_y = (a2 / (a2 + b2))[..., None]
    a1, b1, a2, b2 = (x[..., None] for x in (a1, b1, a2, b2))
    with np.errstate(under="ignore"):
        density = np.exp(a1 * log_t + b1 * log_s - norm_x)
        w = weights * np.sqrt(2.0) * spread[..., None] * density
        # 1 − I is four times cheaper than scipy's betaincc; the absolute error stays ~1e-16.
        tail = 1.0 - special.betainc(a2, b2, t)
        # P(Y⁺ > t) = P(Y > t) + t^a2 (1 − t)^b2 / (a2 B(a2, b2)), Y⁺ ~ Beta(a2 + 1, b2).
        tail_up = tail + np.exp(a2 * log_t + b2 * log_s - norm_y)
    chance = np.sum(w * tail, axis=-1)
    loss = np.sum(w * (mean_y * tail_up - t * tail), axis=-1)
    return np.clip(chance, 0.0, 1.0), np.maximum(loss, 0.0)


def _sum_greater(a1: FloatArray, b1: FloatArray, a2: FloatArray, b2: FloatArray) -> FloatArray:
    """``P(X2 > X1)`` for ``X1 ~ Beta(a1, b1)``, ``X2 ~ Beta(a2, b2)``, whole ``a2``.

    ``Σ_{i < a2} B(a1 + i, b1 + b2) / ((b2 + i) B(1 + i, b2) B(a1, b1))``.
    """
    from scipy import special

    terms = int(np.max(a2)) if a2.size else 0
    i = np.arange(terms, dtype=np.float64)
    a1, b1, a2, b2 = (x[..., None] for x in (a1, b1, a2, b2))
    with np.errstate(under="ignore"):
        log_terms = (
            special.betaln(a1 + i, b1 + b2)
            - np.log(b2 + i)
            - special.betaln(1 + i, b2)
            - special.betaln(a1, b1)
        )
        values = np.where(i < a2, np.exp(log_terms), 0.0)
    total: FloatArray = np.clip(np.sum(values, axis=-1), 0.0, 1.0)
    return total


def _closed_chance(a1: FloatArray, b1: FloatArray, a2: FloatArray, b2: FloatArray) -> FloatArray:
    """``P(B > A)`` by the finite sum over the smallest (whole) parameter."""
    params = np.stack([a2, a1, b1, b2])
    pick = np.argmin(params, axis=0)
    out = np.empty(a1.shape)
    for choice in range(4):
        where = pick == choice
        if not where.any():
            continue
        p1, q1, p2, q2 = (x[where] for x in (a1, b1, a2, b2))
        if choice == 0:  # sum over a2
            out[where] = _sum_greater(p1, q1, p2, q2)
        elif choice == 1:  # over a1
            out[where] = 1 - _sum_greater(p2, q2, p1, q1)
        elif choice == 2:  # over b1: P(1 − A > 1 − B)
            out[where] = _sum_greater(q2, p2, q1, p1)
        else:  # over b2
            out[where] = 1 - _sum_greater(q1, p1, q2, p2)
    clipped: FloatArray = np.clip(out, 0.0, 1.0)
    return clipped


def _subset(mask: BoolArray, *arrays: FloatArray) -> tuple[FloatArray, ...]:
    return tuple(np.asarray(x[mask]) for x in arrays)


def compare_betas(
    a1: FloatArray, b1: FloatArray, a2: FloatArray, b2: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``P(B > A)``, ``E[max(B − A, 0)]`` and ``E[max(A − B, 0)]`` for 1-D parameter arrays."""
    count = a1.shape[0]
    chance, loss_a, loss_b = np.empty(count), np.empty(count), np.empty(count)
    mean_a, mean_b = a1 / (a1 + b1), a2 / (a2 + b2)
    smallest = np.minimum(np.minimum(a1, b1), np.minimum(a2, b2))
    whole = (
        (a1 == np.floor(a1)) & (b1 == np.floor(b1)) & (a2 == np.floor(a2)) & (b2 == np.floor(b2))
    )
    regular = smallest >= REGULAR
    closed = ~regular & whole
    fractional = ~regular & ~whole
    if (regular | fractional).any():
        from scipy import special

        # Integrate over the posterior that is narrower on the logit scale.
        spread_a = special.polygamma(1, a1) + special.polygamma(1, b1)
        spread_b = special.polygamma(1, a2) + special.polygamma(1, b2)
        over_a = spread_a <= spread_b
    for mask, nodes in ((regular, _NODES), (fractional, _FRACTIONAL_NODES)):
        for narrow_a in (True, False):
            part = mask & (over_a == narrow_a) if mask.any() else mask
            if not part.any():
                continue
            p1, q1, p2, q2, ma, mb = _subset(part, a1, b1, a2, b2, mean_a, mean_b)
            if narrow_a:
                c, lost = _quadrature(p1, q1, p2, q2, nodes)  # P(B > A), E[max(B − A, 0)]
                chance[part] = c
                loss_a[part] = lost
                loss_b[part] = np.maximum(lost - (mb - ma), 0.0)
            else:
                c, lost = _quadrature(p2, q2, p1, q1, nodes)  # P(A > B), E[max(A − B, 0)]
                chance[part] = 1 - c
                loss_b[part] = lost
                loss_a[part] = np.maximum(lost + (mb - ma), 0.0)
    if closed.any():
        p1, q1, p2, q2, ma, mb = _subset(closed, a1, b1, a2, b2, mean_a, mean_b)
        chance[closed] = _closed_chance(p1, q1, p2, q2)
        upper_b = _closed_chance(p1, q1, p2 + 1, q2)  # P(B⁺ > A)
        upper_a = _closed_chance(p1 + 1, q1, p2, q2)  # P(B > A⁺)
        lost = np.maximum(mb * upper_b - ma * upper_a, 0.0)
        loss_a[closed] = lost
        loss_b[closed] = np.maximum(lost - (mb - ma), 0.0)
    return chance, loss_a, loss_b
