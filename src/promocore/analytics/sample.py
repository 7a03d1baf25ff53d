"""A small sample campaign to try the analytics on (used by the campaign review how-to).

The sample is a coupon campaign (¥30 off orders over ¥200) run from
2026-11-01 to 2026-11-12 (UTC+8), reviewed on 2026-11-08, with three CSV files
shipped in ``promocore/analytics/sample_data/``:

* ``events.csv``: one row per event: ``at``, ``user_id``, ``segment`` (new or
  returning), ``event`` (exposure, click, claim, order, paid), and for orders
  ``amount``, ``discount`` and ``commission`` in fen. A claim is a coupon
  claimed; a paid order redeemed it.
* ``referrals.csv``: the referral tree of the campaign's share-to-earn
  activity: ``user_id``, ``inviter_id`` (empty for seeds), ``invitations`` sent.
* ``members.csv``: the member base: ``customer_id``, ``last_order_at`` (empty if
  never), ``orders``, ``spend`` in fen and the current ``tier`` (empty if none).

Each loader returns a list of dicts with typed values: aware datetimes, ints,
and None for empty cells.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from importlib import resources

__all__ = ["sample_events", "sample_members", "sample_referrals"]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("promocore.analytics").joinpath("sample_data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _when(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def sample_events() -> list[dict[str, object]]:
    """Return the sample event log, oldest first.

    Returns:
        Dicts with ``at`` (aware datetime), ``user_id``, ``segment``, ``event``
        (str) and ``amount``, ``discount``, ``commission`` (int fen).
    """
    return [
        {
            "at": _when(row["at"]),
            "user_id": row["user_id"],
            "segment": row["segment"],
            "event": row["event"],
            "amount": int(row["amount"]),
            "discount": int(row["discount"]),
            "commission": int(row["commission"]),
        }
        for row in _rows("events.csv")
    ]


def sample_referrals() -> list[dict[str, object]]:
    """Return the sample referral tree.

    Returns:
        Dicts with ``user_id`` (str), ``inviter_id`` (str, None for seeds) and
        ``invitations`` (int).
    """
    return [
        {
            "user_id": row["user_id"],
            "inviter_id": row["inviter_id"] or None,
            "invitations": int(row["invitations"]),
        }
        for row in _rows("referrals.csv")
    ]


def sample_members() -> list[dict[str, object]]:
    """Return the sample member base.

    Returns:
        Dicts with ``customer_id`` (str), ``last_order_at`` (aware datetime or
        None), ``orders`` (int), ``spend`` (int fen) and ``tier`` (str or None).
    """
    return [
        {
            "customer_id": row["customer_id"],
            "last_order_at": _when(row["last_order_at"]),
            "orders": int(row["orders"]),
            "spend": int(row["spend"]),
            "tier": row["tier"] or None,
        }
        for row in _rows("members.csv")
    ]
