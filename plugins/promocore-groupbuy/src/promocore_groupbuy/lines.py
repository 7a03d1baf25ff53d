"""How a cart line says it joins or opens a team.

Pricing is pure, so the team reaches the mechanic through the line's refs:

* ``group_buy``: the id of the group-buy campaign (activity) the line is bought in;
* ``group_buy.team``: the team the customer joins; without it the customer opens a
  new team and, as its leader, pays the leader price.

Whether the team can still be joined is checked when the order is placed, by
[`GroupBuyService`][promocore_groupbuy.service.GroupBuyService].
"""

from __future__ import annotations

from collections.abc import Iterable

from promocore import LineItem, Money

#: Line ref naming the group-buy campaign.
ACTIVITY_REF = "group_buy"
#: Line ref naming the team joined (absent when opening one).
TEAM_REF = "group_buy.team"


def group_buy_line(
    activity: str,
    sku: str,
    unit_price: Money,
    quantity: int = 1,
    *,
    team: str | None = None,
    categories: Iterable[str] = (),
) -> LineItem:
    """Return a cart line buying ``sku`` in a team of ``activity``.

    Args:
        activity: The group-buy campaign's id.
        sku: The sku.
        unit_price: The sku's list price (the mechanic prices it down).
        quantity: Units.
        team: The team to join; ``None`` opens a new one.
        categories: The sku's categories, for other campaigns' scopes.
    """
    refs = {ACTIVITY_REF: activity}
    if team is not None:
        refs[TEAM_REF] = team
    return LineItem(sku, unit_price, quantity, categories=frozenset(categories), refs=refs)


def opens_team(line: LineItem) -> bool:
    """Whether the line opens a new team (it names no team to join)."""
    return line.ref(TEAM_REF) is None
