"""Contexts the laws derive from a drawn one: grown, with a line more, with fewer units."""

from __future__ import annotations

import attrs

from promocore.cart import Cart, LineItem
from promocore.mechanic import Context, LineView
from promocore.money import Money


def _with_line(context: Context, position: int, line: LineItem, view: LineView) -> Context:
    """``context`` with the cart line at ``position`` replaced by ``line``, seen as ``view``."""
    lines = list(context.cart.lines)
    if view.index == len(lines):
        lines.append(line)
    else:
        lines[view.index] = line
    cart: Cart = attrs.evolve(context.cart, lines=tuple(lines))
    views = list(context.lines)
    if position == len(views):
        views.append(view)
    else:
        views[position] = view
    return attrs.evolve(context, cart=cart, lines=tuple(views))


def grown(context: Context, position: int) -> Context:
    """The same context with one more unit of the line at ``position``, at its list price."""
    view = context.lines[position]
    line = attrs.evolve(view.line, quantity=view.line.quantity + 1)
    price = view.line.unit_price
    bigger = attrs.evolve(
        view, line=line, payable=view.payable + price, units=view.units + 1, base=view.base + price
    )
    return _with_line(context, position, line, bigger)


def with_copy(context: Context, position: int, unit_price: Money, quantity: int = 1) -> Context:
    """The context with a new cart line like the one at ``position``, nothing paid off yet.

    The new line has the same sku, categories, tags and refs, so whatever made the
    original line take part makes the copy take part too; it comes last in the cart.
    """
    template = context.lines[position]
    line = attrs.evolve(template.line, unit_price=unit_price, quantity=quantity)
    paid = unit_price * quantity
    view = LineView(len(context.cart.lines), line, paid, quantity, paid)
    return _with_line(context, len(context.lines), line, view)


def variants(context: Context) -> list[Context]:
    """A few other contexts of the same campaign: its first line alone, half the units.

    Equal contexts are left out; ``context`` itself is not among them.
    """
    found: list[Context] = []
    candidates = [
        attrs.evolve(context, lines=context.lines[:1]),
        attrs.evolve(context, lines=tuple(v.take(max(1, v.units // 2)) for v in context.lines)),
        attrs.evolve(context, lines=context.lines[::-1]),
    ]
    for candidate in candidates:
        if candidate.lines and candidate != context and candidate not in found:
            found.append(candidate)
    return found
