"""Units of lines ranked by what one of them has left to pay, shared by the unit shapes.

Bundles, multibuys and add-on deals pick units, not lines: the dearest units of a group, the
cheapest unit of each set. A line's units all have the same value (what the line has left to
pay for them, over their number); ranking lines by it ranks their units. Picking ``k`` units
of a line takes ``view.take(k).base`` of its base (rounded down), the same share the engine
checks the discount against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from promocore.mechanic import LineDiscount, LineView
from promocore.money import Money, allocate

#: Units picked per line, by position of the line in the context.
Picked = dict[int, int]


def unit_value(view: LineView) -> Fraction:
    """What one offered unit of the line has left to pay, exactly."""
    return Fraction(view.base.amount, view.units)


def ranked(views: Iterable[LineView], *, dearest_first: bool = True) -> list[LineView]:
    """The lines, their units dearest first (or cheapest first); ties by line index."""
    sign = -1 if dearest_first else 1
    return sorted(views, key=lambda v: (sign * unit_value(v), v.index))


def spans(lines: Sequence[LineView]) -> list[tuple[LineView, int, int]]:
    """Each line with the positions ``[start, stop)`` its units take in ``lines``' order."""
    out = []
    at = 0
    for view in lines:
        out.append((view, at, at + view.units))
        at += view.units
    return out


def first(lines: Sequence[LineView], count: int) -> Picked:
    """The first ``count`` units of ``lines`` (in their order), per line index."""
    picked: Picked = {}
    for view in lines:
        if count <= 0:
            break
        k = min(view.units, count)
        picked[view.index] = picked.get(view.index, 0) + k
        count -= k
    return picked


def base_of(view: LineView, units: int) -> Money:
    """What ``units`` of the line's offered units have left to pay (rounded down)."""
    return view.take(units).base


def merge(*parts: Mapping[int, int]) -> Picked:
    """Units picked per line, summed over ``parts``."""
    out: Picked = {}
    for part in parts:
        for index, units in part.items():
            if units:
                out[index] = out.get(index, 0) + units
    return out


def spread_over_units(
    amount: Money, views: Sequence[LineView], picked: Mapping[int, int], *, keep_zero: bool
) -> tuple[LineDiscount, ...]:
    """Allocate ``amount`` over the picked units by what they have left to pay, exactly.

    With ``keep_zero`` a line whose share is zero is still listed (its units are taken by an
    exclusive campaign even though they save nothing).
    """
    chosen = [(view, picked[view.index]) for view in views if picked.get(view.index)]
    bases = [base_of(view, units) for view, units in chosen]
    if not chosen:
        return ()
    parts = allocate(amount, bases, caps=bases) if amount.amount else [b - b for b in bases]
    return tuple(
        LineDiscount(view.index, part, units, base)
        for (view, units), part, base in zip(chosen, parts, bases, strict=True)
        if part.amount or keep_zero
    )


def taken(
    views: Sequence[LineView], picked: Mapping[int, int], already: Mapping[int, int]
) -> tuple[LineDiscount, ...]:
    """Zero discounts that take the ``picked`` units beyond the ``already`` discounted ones.

    Used by exclusive campaigns for units a set uses without discounting them (the paid
    units of 买二免一): they are not offered to another exclusive campaign of the stage.
    """
    out = []
    for view in views:
        units = picked.get(view.index, 0)
        if not units:
            continue
        before = already.get(view.index, 0)
        base = base_of(view, before + units) - base_of(view, before)
        out.append(LineDiscount(view.index, base - base, units, base))
    return tuple(out)
