"""The how-to's program loads, and its worked example gives the figures it shows."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta

import pytest

from promocore.config import campaign_from_dict
from promocore.games.commission import (
    CommissionParams,
    CommissionService,
    ComplianceWarning,
    OrderLine,
    PaidOrder,
    Refund,
    RefundLine,
)
from promocore.money import Money, Rounding
from promocore.state import MemoryStore
from tests.docs.snippets import ROOT, blocks
from tests.games.commission.builders import CST, cny

HOW_TO = ROOT / "docs" / "how-to" / "commission.md"


def program_block() -> str:
    (program,) = [b for b in blocks(HOW_TO) if b.saved_as == "share-and-earn.toml"]
    return program.body


def tea(order_id: str, buyer: str, at: datetime) -> PaidOrder:
    return PaidOrder(order_id, buyer, "CNY", at, [OrderLine("1", "tea", 2, cny("398.00"))])


def test_the_worked_example() -> None:
    with pytest.warns(ComplianceWarning, match="禁止传销条例"):
        campaign = campaign_from_dict(tomllib.loads(program_block())["campaigns"][0])
    assert isinstance(campaign.params, CommissionParams)
    service = CommissionService.for_campaign(MemoryStore(), campaign, sleep=lambda _: None)
    start = datetime(2026, 6, 1, 10, 0, tzinfo=CST)
    for promoter in ("dan", "cai", "amy"):
        service.join(promoter, now=start)
    for customer, referrer in (("cai", "dan"), ("amy", "cai"), ("bo", "amy"), ("eve", "amy")):
        service.bind(customer, referrer, now=start)
    service.record_order(tea("o-0", "eve", start), now=start)
    service.sweep(now=start + timedelta(days=7))
    amy = service.account("amy")
    assert amy is not None and (amy.rank, amy.sales) == ("gold", cny("398.00"))

    paid_at = datetime(2026, 6, 18, 20, 0, tzinfo=CST)
    state = service.record_order(tea("o-1", "bo", paid_at), now=paid_at).state
    assert state.capped
    shown = [(r.beneficiary, r.rank, r.rate.describe(), r.amount.display()) for r in state.records]
    assert shown == [
        ("amy", "gold", "12%", "¥37.71"),
        ("cai", None, "5%", "¥15.71"),
        ("dan", None, "2%", "¥6.28"),
    ]
    one_box = Refund("r-1", [RefundLine("1", cny("199.00"))])
    state = service.refund("o-1", one_box, now=paid_at + timedelta(days=2)).state
    assert [r.amount.display() for r in state.records] == ["¥18.85", "¥7.86", "¥3.14"]
    assert state.total == cny("29.85")

    text = HOW_TO.read_text(encoding="utf-8")
    for figure in ("¥47.76", "¥19.90", "¥7.96", "¥75.62", "¥59.70", "¥37.71", "¥18.85"):
        assert figure in text
    assert Money.parse("123.45", "CNY").percent(12, Rounding.DOWN).display() == "¥14.81"
