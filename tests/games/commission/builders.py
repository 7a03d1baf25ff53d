"""Builders and hypothesis strategies for the commission tests."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from promocore.games.commission import (
    CommissionParams,
    ComplianceProfile,
    ComplianceWarning,
    OrderLine,
    PaidOrder,
    Rate,
)
from promocore.games.commission.strategies import commission_params
from promocore.money import Money

CST = timezone(timedelta(hours=8))
AT = datetime(2026, 6, 18, 20, 0, tzinfo=CST)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def pct(*values: str) -> tuple[Rate, ...]:
    return tuple(Rate(percent=Decimal(v)) for v in values)


@contextmanager
def quiet() -> Iterator[None]:
    """Silence compliance warnings (for tests about something else)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ComplianceWarning)
        yield


def program(*rates: str, **options: Any) -> CommissionParams:
    """A program paying ``rates`` (percent strings), one per level."""
    options.setdefault("levels", len(rates))
    options.setdefault("compliance", ComplianceProfile.OFF)
    return CommissionParams(rates=pct(*rates), **options)


def line(line_id: str, sku: str, qty: int, payable: str, **options: Any) -> OrderLine:
    return OrderLine(line_id, sku, qty, cny(payable), **options)


def order(order_id: str, buyer: str, *lines: OrderLine, at: datetime = AT) -> PaidOrder:
    return PaidOrder(order_id, buyer, "CNY", at, lines)


# -- strategies --------------------------------------------------------------------------


def programs() -> st.SearchStrategy[CommissionParams]:
    return commission_params()


def paid(lines: Sequence[OrderLine], order_id: str = "o-1", buyer: str = "buyer") -> PaidOrder:
    return PaidOrder(order_id, buyer, "CNY", AT, lines)
