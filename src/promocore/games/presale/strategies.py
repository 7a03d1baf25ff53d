"""Hypothesis strategies for presales: valid terms, campaigns that fit them, and carts.

The ``presale`` mechanic names this module in its ``testing_profile``; `promocore.testing`
imports it and it registers its profile, so the mechanic conformance laws see priced presale
lines of both phases, not only refusals. Only the tests import it (it needs hypothesis).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from promocore.campaign import Campaign, Scope, Stage
from promocore.cart import Cart, Customer, LineItem
from promocore.games.presale.lines import Phase, presale_line
from promocore.games.presale.mechanic import pricing_stage
from promocore.games.presale.params import (
    NAME,
    DepositPolicy,
    ExcessDeposit,
    PresaleParams,
    ThresholdBase,
    Window,
)
from promocore.money import Money, Rounding
from promocore.plugins import PluginHost
from promocore.testing.profiles import register_profile

#: When drawn deposit windows open.
_EPOCH = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
_CUSTOMERS = ("ann", "bo", "cy")
_OTHER_SKUS = ("cup", "pot", "tray")
_MOSTLY = st.integers(0, 4).map(lambda n: n != 4)


@st.composite
def presale_params(
    draw: st.DrawFn, *, currency: str = "CNY", sku: str = "gift-box"
) -> PresaleParams:
    """Draw valid `PresaleParams` in ``currency``.

    Deposits are mostly within the legal cap; above it the excess is a prepayment.
    """
    price = draw(st.integers(5, 500_000))
    excess = draw(st.sampled_from(ExcessDeposit))
    top = price if excess is ExcessDeposit.PREPAYMENT else price // 5
    deposit = draw(st.integers(1, top))
    deduction = draw(st.integers(deposit, price))
    opens = _EPOCH + timedelta(hours=draw(st.integers(0, 48)))
    deposit_window = Window(opens, opens + timedelta(hours=draw(st.integers(1, 240))))
    final_opens = opens + timedelta(hours=draw(st.integers(0, 300)))
    final_closes = max(final_opens, deposit_window.ends_at) + timedelta(
        hours=draw(st.integers(1, 96))
    )
    stock = draw(st.integers(1, 1_000))
    return PresaleParams(
        sku=sku,
        presale_price=Money(price, currency),
        deposit=Money(deposit, currency),
        deduction=Money(deduction, currency),
        deposit_window=deposit_window,
        final_window=Window(final_opens, final_closes),
        stock=stock,
        per_customer_limit=draw(st.none() | st.integers(1, 5)),
        stacks=draw(st.booleans()),
        threshold_base=draw(st.sampled_from(ThresholdBase)),
        deposit_policy=draw(st.sampled_from(DepositPolicy)),
        compensation_rounding=draw(st.sampled_from(Rounding)),
        excess_deposit=excess,
    )


@st.composite
def presale_campaigns(draw: st.DrawFn, host: PluginHost | None = None) -> Campaign:
    """Draw presale campaigns at the stage their terms need, in CNY or JPY.

    ``host`` is accepted for the conformance laws and not used.
    """
    del host
    currency = draw(st.sampled_from(["CNY", "JPY"]))
    params = draw(presale_params(currency=currency))
    stage = pricing_stage(params)
    scoped = draw(st.booleans())
    return Campaign(
        id=draw(st.sampled_from(["d11", "presale-1", "618"])),
        name="定金膨胀",
        mechanic=NAME,
        params=params,
        currency=currency,
        stage=stage if stage is not Stage.ITEM else None,
        scope=Scope(skus=frozenset({params.sku})) if scoped else Scope(),
        priority=draw(st.integers(-1, 1)),
        exclusive_group=draw(st.none() | st.just("presale")),
    )


def _moment_in(window: Window) -> st.SearchStrategy[datetime]:
    minutes = int((window.ends_at - window.starts_at) / timedelta(minutes=1))
    return st.integers(0, max(minutes - 1, 0)).map(
        lambda n: window.starts_at + timedelta(minutes=n)
    )


@st.composite
def presale_carts(draw: st.DrawFn, campaign: Campaign) -> Cart:
    """Draw carts for a presale ``campaign``: mostly one presale line priced in its window.

    Sometimes the line is in the other phase's window, at another price, without its
    order id, or missing; other lines come and go.
    """
    params: PresaleParams = campaign.params
    currency = campaign.currency
    phase = draw(st.sampled_from(Phase))
    window = params.deposit_window if phase is Phase.DEPOSIT else params.final_window
    other = params.final_window if phase is Phase.DEPOSIT else params.deposit_window
    at = draw(_moment_in(window) if draw(_MOSTLY) else _moment_in(other))
    limit = min(params.stock, params.per_customer_limit or params.stock, 5)
    # A deposit above the limits is declined; a final payment above them claims a deduction
    # no order can hold, which pricing refuses with an error, so it is not drawn here.
    quantity = draw(st.integers(1, limit + 1 if phase is Phase.DEPOSIT else limit))
    lines: list[LineItem] = []
    if draw(_MOSTLY):
        order_id = "order-1" if phase is Phase.FINAL and draw(_MOSTLY) else None
        line = (
            presale_line(params, quantity, Phase.DEPOSIT, order_id=order_id)
            if order_id is None and phase is Phase.DEPOSIT
            else LineItem(
                params.sku,
                params.presale_price,
                quantity,
                refs=_refs(phase, order_id),
            )
        )
        if not draw(_MOSTLY):
            line = LineItem(
                line.sku,
                Money(params.presale_price.amount + 1, currency),
                line.quantity,
                refs=line.refs,
            )
        lines.append(line)
    for sku in draw(st.lists(st.sampled_from(_OTHER_SKUS), max_size=2, unique=True)):
        price = Money(draw(st.integers(1, 200_000)), currency)
        lines.append(LineItem(sku, price, draw(st.integers(1, 3))))
    if not lines:
        lines.append(LineItem(_OTHER_SKUS[0], Money(100, currency)))
    customer = Customer(draw(st.sampled_from(_CUSTOMERS)))
    return Cart(currency, tuple(draw(st.permutations(lines))), customer, at)


def _refs(phase: Phase, order_id: str | None) -> dict[str, Any]:
    refs = {"presale_phase": phase.value}
    if order_id is not None:
        refs["presale"] = order_id
    return refs


def _params(currency: str) -> st.SearchStrategy[PresaleParams]:
    return presale_params(currency=currency)


register_profile(NAME, params=_params, campaigns=presale_campaigns, carts=presale_carts)
