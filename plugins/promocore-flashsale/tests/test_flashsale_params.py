from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flashsale_builders import BETWEEN, IN_SESSION, campaign, cny, params
from promocore_flashsale import FlashItem, Slot

from promocore import Money, ValidationError, campaign_from_dict, campaign_to_dict, make_host


def test_a_session_runs_daily_in_the_sale_s_time_zone() -> None:
    session = params().session_at(IN_SESSION)
    assert session is not None
    assert session.slot == Slot("10:00", "10:30")
    assert session.starts_at == datetime(2026, 11, 11, 2, 0, tzinfo=UTC)
    assert session.ends_at == datetime(2026, 11, 11, 2, 30, tzinfo=UTC)
    assert params().session_at(IN_SESSION + timedelta(days=3)) is not None
    assert params().session_at(BETWEEN) is None
    assert params().session_at(datetime(2026, 11, 11, 2, 30, tzinfo=UTC)) is None  # end excluded


def test_the_next_session_may_be_tomorrow() -> None:
    assert params().next_session(BETWEEN).starts_at == datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
    late = datetime(2026, 11, 11, 14, 0, tzinfo=UTC)  # 22:00 in Beijing
    assert params().next_session(late).starts_at == datetime(2026, 11, 12, 2, 0, tzinfo=UTC)


def test_another_offset_moves_the_sessions() -> None:
    utc = params(utc_offset="+00:00")
    assert utc.session_at(datetime(2026, 11, 11, 10, 10, tzinfo=UTC)) is not None
    assert utc.session_at(IN_SESSION) is None
    assert params(utc_offset="-05:30").zone.utcoffset(None) == -timedelta(hours=5, minutes=30)


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"items": ()}, "items"),
        ({"slots": ()}, "slots"),
        ({"slots": (Slot("10:00", "11:00"), Slot("10:30", "12:00"))}, "slots[1].starts"),
        ({"slots": (Slot("20:00", "21:00"), Slot("10:00", "11:00"))}, "slots[1].starts"),
        ({"utc_offset": "8"}, "utc_offset"),
        ({"per_customer_limit": 0}, "per_customer_limit"),
        ({"hold_minutes": 0}, "hold_minutes"),
        (
            {"items": (FlashItem("a", cny("1.00"), 1), FlashItem("a", cny("2.00"), 1))},
            "items[1].sku",
        ),
        (
            {"items": (FlashItem("a", cny("1.00"), 1), FlashItem("b", Money(1, "USD"), 1))},
            "items[1].price",
        ),
    ],
)
def test_bad_terms_are_refused_naming_the_field(changes: dict[str, object], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        params(**changes)
    assert path in [p.path for p in caught.value.problems]


@pytest.mark.parametrize(
    ("starts", "ends"), [("10:00", "10:00"), ("9:00", "10:00"), ("23:00", "24:00")]
)
def test_bad_slots_are_refused(starts: str, ends: str) -> None:
    with pytest.raises(ValidationError):
        Slot(starts, ends)


def test_a_flash_item_needs_stock() -> None:
    with pytest.raises(ValidationError, match="stock"):
        FlashItem("phone", cny("1.00"), 0)


def test_a_campaign_round_trips_through_config() -> None:
    original = campaign(per_customer_limit=2, one_sku_per_order=True, utc_offset="+09:00")
    assert campaign_from_dict(campaign_to_dict(original), host=make_host()) == original
