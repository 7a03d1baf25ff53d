"""Paid orders as commissions see them, and building one from a priced cart."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

import attrs

from promocore._typed import tuple_of, typed_fields
from promocore.campaign import Campaign
from promocore.cart import Cart, LineItem, check_aware
from promocore.errors import ValidationError
from promocore.games.commission.params import DEFAULT_ACTIVITY_TAGS, CommissionParams
from promocore.money import Money, allocate, total
from promocore.quote import Quote
from promocore.validation import Checks


@attrs.frozen
@typed_fields
class OrderLine:
    """One paid line of an order.

    Attributes:
        line_id: The line's id, unique within the order.
        sku: The sku bought.
        quantity: Units bought.
        payable: What the buyer paid for the line after every discount.
        shipping: The line's share of the shipping fee, or ``None`` for none.
        activity: The activity that priced the line (``"bargain"``), or ``None``.
        excluded: Why the line is outside the program (out of scope), or ``None``.
    """

    line_id: str
    sku: str
    quantity: int
    payable: Money
    shipping: Money | None = None
    activity: str | None = None
    excluded: str | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.line_id.strip()), "line_id", "must not be empty")
        checks.check(bool(self.sku.strip()), "sku", "must not be empty")
        checks.check(
            not isinstance(self.quantity, bool) and self.quantity >= 1,
            "quantity",
            "must be a whole number >= 1",
        )
        checks.check(self.payable.amount >= 0, "payable", "must be >= 0")
        if self.shipping is not None:
            checks.check(self.shipping.amount >= 0, "shipping", "must be >= 0")
            checks.check(
                self.shipping.currency == self.payable.currency,
                "shipping",
                f"must be in {self.payable.currency}",
            )
        checks.raise_if_any()

    @property
    def paid(self) -> Money:
        """What the buyer paid for the line: payable plus its shipping share."""
        if self.shipping is None:
            return self.payable
        return self.payable + self.shipping


def _line_tuple(items: Iterable[OrderLine]) -> tuple[OrderLine, ...]:
    return tuple_of(items)


@attrs.frozen
@typed_fields
class PaidOrder:
    """An order the buyer has paid for.

    Attributes:
        order_id: The order's id.
        buyer: The customer who paid.
        currency: The currency of every amount.
        paid_at: When payment completed; the return window counts from here.
        lines: The lines, each with a unique ``line_id``.
    """

    order_id: str
    buyer: str
    currency: str
    paid_at: datetime
    lines: tuple[OrderLine, ...] = attrs.field(converter=_line_tuple)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.order_id.strip()), "order_id", "must not be empty")
        checks.check(bool(self.buyer.strip()), "buyer", "must not be empty")
        checks.check(bool(self.lines), "lines", "an order needs at least one line")
        check_aware(checks, "paid_at", self.paid_at)
        seen: set[str] = set()
        for i, line in enumerate(self.lines):
            if line.payable.currency != self.currency:
                checks.add(f"lines[{i}].payable", f"must be in {self.currency}")
            if line.line_id in seen:
                checks.add(f"lines[{i}].line_id", f"duplicate line id {line.line_id!r}")
            seen.add(line.line_id)
        checks.raise_if_any()

    @property
    def paid(self) -> Money:
        """What the buyer paid for the whole order, shipping included."""
        return total((line.paid for line in self.lines), self.currency)

    def line(self, line_id: str) -> OrderLine:
        """The line called ``line_id``.

        Raises:
            KeyError: no such line.
        """
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise KeyError(line_id)


def activity_of(line: LineItem, tags: Collection[str] = DEFAULT_ACTIVITY_TAGS) -> str | None:
    """The activity a cart line belongs to: a tag or a ``refs`` name listed in ``tags``."""
    marks = sorted((line.tags | {name for name, _ in line.refs}) & set(tags))
    return marks[0] if marks else None


def paid_order_from_quote(
    order_id: str,
    cart: Cart,
    quote: Quote,
    *,
    paid_at: datetime,
    campaign: Campaign | None = None,
    shipping: Money | None = None,
    activity_campaigns: Collection[str] = (),
) -> PaidOrder:
    """Build the paid order of a priced cart.

    Line ids are the cart positions (``"0"``, ``"1"``, ...); gift lines are left
    out (nothing was paid for them).

    Args:
        order_id: The order's id.
        cart: The cart that was priced; its customer is the buyer.
        quote: The quote the buyer paid.
        paid_at: When payment completed.
        campaign: The commission campaign; lines outside its scope, or every line
            if it did not apply to the quote, are marked excluded, and its
            ``activity_tags`` mark activity items.
        shipping: The shipping fee paid, shared over the lines by what they paid.
        activity_campaigns: Ids of activity campaigns (bargain, group buy, flash
            sale); a line one of them adjusted is an activity item.

    Raises:
        ValidationError: the cart has no customer, or the quote is not the cart's.
    """
    checks = Checks()
    if cart.customer is None:
        checks.add("cart.customer", "the buyer must be identified")
    if len(quote.lines) < len(cart.lines) or quote.currency != cart.currency:
        checks.add("quote", "is not a quote of this cart")
    checks.raise_if_any()
    assert cart.customer is not None
    params = campaign.params if campaign is not None else None
    tags = params.activity_tags if isinstance(params, CommissionParams) else DEFAULT_ACTIVITY_TAGS
    excluded_all = _not_applied(campaign, quote)
    payables = [quote.lines[i].total for i in range(len(cart.lines))]
    shares = _shipping_shares(shipping, payables, cart)
    lines = []
    for i, item in enumerate(cart.lines):
        activity = activity_of(item, tags)
        if activity is None:
            for adjustment in quote.lines[i].adjustments:
                if adjustment.campaign in activity_campaigns:
                    activity = adjustment.campaign
                    break
        excluded = excluded_all
        if excluded is None and campaign is not None and not campaign.scope.includes(item):
            excluded = "out of the campaign's scope"
        lines.append(
            OrderLine(str(i), item.sku, item.quantity, payables[i], shares[i], activity, excluded)
        )
    return PaidOrder(order_id, cart.customer.id, cart.currency, paid_at, tuple(lines))


def _not_applied(campaign: Campaign | None, quote: Quote) -> str | None:
    if campaign is None or any(a.campaign == campaign.id for a in quote.applied):
        return None
    for item in quote.not_applied:
        if item.campaign == campaign.id:
            return f"the campaign did not apply: {item.message}"
    return "the campaign was not priced with this order"


def _shipping_shares(
    shipping: Money | None, payables: list[Money], cart: Cart
) -> list[Money | None]:
    if shipping is None or shipping.amount == 0:
        return [None] * len(payables)
    if shipping.currency != cart.currency or shipping.amount < 0:
        raise ValidationError.single("shipping", f"must be >= 0 and in {cart.currency}")
    weights: list[int | Money] = list(payables)
    if not any(p.amount for p in payables):
        weights = [line.quantity for line in cart.lines]
    return list(allocate(shipping, weights))
