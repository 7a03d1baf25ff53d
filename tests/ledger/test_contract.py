"""The contract every ledger backend keeps (run once per backend)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from promocore.errors import PromocoreError, ValidationError
from promocore.ledger import (
    MAX_AMOUNT,
    AccountConflictError,
    AccountKind,
    AccountSpec,
    CapacityError,
    Draw,
    IdempotencyKeyReusedError,
    Ledger,
    ManualClock,
    Reservation,
    ReservationClosedError,
    ReservationRefusedError,
    ReservationStatus,
    Shortfall,
    UnknownAccountError,
    UnknownReservationError,
)
from promocore.money import Money

TTL = timedelta(minutes=15)


def setup_accounts(ledger: Ledger) -> None:
    ledger.define(AccountSpec.budget("budget", Money(10_000, "CNY")))
    ledger.define(AccountSpec.stock("stock", 5))
    ledger.define(AccountSpec.usage("usage", 2))


def available(ledger: Ledger, account: str, subject: str | None = None) -> int:
    return ledger.balance(account, subject).available


# -- accounts -----------------------------------------------------------------------------------


def test_define_creates_and_keeps_existing_limit(ledger: Ledger) -> None:
    spec = AccountSpec.budget("budget", Money(10_000, "CNY"))
    assert ledger.define(spec) == spec
    again = ledger.define(AccountSpec.budget("budget", Money(99, "CNY")))
    assert again.limit == 10_000
    balance = ledger.balance("budget")
    assert (balance.kind, balance.limit, balance.currency) == (AccountKind.BUDGET, 10_000, "CNY")
    assert balance.money() == Money(10_000, "CNY")


@pytest.mark.parametrize(
    "other",
    [AccountSpec.stock("budget", 5), AccountSpec.budget("budget", Money(1, "USD"))],
)
def test_define_refuses_another_kind_or_currency(ledger: Ledger, other: AccountSpec) -> None:
    ledger.define(AccountSpec.budget("budget", Money(10_000, "CNY")))
    with pytest.raises(AccountConflictError) as info:
        ledger.define(other)
    assert isinstance(info.value, ValueError)


def test_define_refuses_a_non_spec(ledger: Ledger) -> None:
    with pytest.raises(ValidationError, match=r"^spec: must be an AccountSpec"):
        ledger.define("budget")  # type: ignore[arg-type]


def test_top_up_is_idempotent(ledger: Ledger) -> None:
    setup_accounts(ledger)
    assert ledger.top_up("t1", "stock", 3).limit == 8
    assert ledger.top_up("t1", "stock", 3).limit == 8
    assert ledger.balance("stock").limit == 8
    assert ledger.top_up("t2", "usage", 1).limit == 3
    assert ledger.balance("usage", "c1").available == 3
    with pytest.raises(IdempotencyKeyReusedError):
        ledger.top_up("t1", "stock", 4)


def test_top_up_refusals(ledger: Ledger) -> None:
    setup_accounts(ledger)
    with pytest.raises(UnknownAccountError):
        ledger.top_up("t1", "nope", 3)
    with pytest.raises(ValidationError, match=r"amount: must be > 0"):
        ledger.top_up("t1", "stock", 0)
    with pytest.raises(CapacityError):
        ledger.top_up("t2", "stock", MAX_AMOUNT)
    assert ledger.balance("stock").limit == 5


# -- reserve, commit, release -------------------------------------------------------------------


def test_reserve_draws_every_item(ledger: Ledger) -> None:
    setup_accounts(ledger)
    r = ledger.reserve(
        "k1",
        [
            Draw.budget("budget", Money(3_000, "CNY")),
            Draw.stock("stock", 2),
            Draw.use("usage", "alice"),
        ],
        TTL,
    )
    assert r.status is ReservationStatus.HELD
    assert [g.amount for g in r.grants] == [3_000, 2, 1]
    assert r.granted("usage", "alice") == 1
    budget = ledger.balance("budget")
    assert (budget.reserved, budget.committed, budget.available) == (3_000, 0, 7_000)
    assert ledger.balance("usage", "alice").reserved == 1
    assert ledger.balance("usage", "bob").reserved == 0


def test_reserve_is_all_or_nothing(ledger: Ledger) -> None:
    setup_accounts(ledger)
    with pytest.raises(ReservationRefusedError) as info:
        ledger.reserve(
            "k1",
            [
                Draw.budget("budget", Money(3_000, "CNY")),
                Draw.stock("stock", 6),
                Draw.use("usage", "alice", 3),
            ],
            TTL,
        )
    assert info.value.shortfalls == (
        Shortfall(1, "stock", 6, 5),
        Shortfall(2, "usage", 3, 2, "alice"),
    )
    assert "items[1]" in str(info.value)
    assert isinstance(info.value, PromocoreError)
    assert available(ledger, "budget") == 10_000
    assert available(ledger, "stock") == 5
    assert ledger.reservation("k1") is None


def test_refused_key_can_be_tried_again(ledger: Ledger) -> None:
    setup_accounts(ledger)
    with pytest.raises(ReservationRefusedError):
        ledger.reserve("k1", [Draw.stock("stock", 6)], TTL)
    ledger.top_up("more", "stock", 1)
    assert ledger.reserve("k1", [Draw.stock("stock", 6)], TTL).grants[0].amount == 6


def test_partial_draw_takes_exactly_the_rest(ledger: Ledger) -> None:
    setup_accounts(ledger)
    ledger.reserve("k1", [Draw.budget("budget", Money(7_000, "CNY"))], TTL)
    r = ledger.reserve("k2", [Draw.budget("budget", Money(5_000, "CNY"), partial=True)], TTL)
    assert (r.grants[0].amount, r.grants[0].asked, r.grants[0].short) == (3_000, 5_000, True)
    assert available(ledger, "budget") == 0
    with pytest.raises(ReservationRefusedError) as info:
        ledger.reserve("k3", [Draw.budget("budget", Money(1, "CNY"), partial=True)], TTL)
    assert info.value.shortfalls[0].available == 0


def test_partial_draw_with_enough_takes_what_it_asked(ledger: Ledger) -> None:
    setup_accounts(ledger)
    r = ledger.reserve("k1", [Draw.stock("stock", 2, partial=True)], TTL)
    assert r.grants[0].amount == 2 and not r.grants[0].short


def test_retried_reserve_returns_the_first_result(ledger: Ledger) -> None:
    setup_accounts(ledger)
    items = [Draw.budget("budget", Money(8_000, "CNY"), partial=True), Draw.stock("stock", 1)]
    first = ledger.reserve("k1", items, TTL)
    second = ledger.reserve("k1", items, TTL)
    assert first == second
    assert available(ledger, "budget") == 2_000
    assert available(ledger, "stock") == 4
    ledger.commit("k1")
    third = ledger.reserve("k1", items, TTL)
    assert third.status is ReservationStatus.COMMITTED
    assert third.grants == first.grants
    assert ledger.balance("budget").committed == 8_000


def test_reused_key_with_other_items_is_refused(ledger: Ledger) -> None:
    setup_accounts(ledger)
    ledger.reserve("k1", [Draw.stock("stock", 1)], TTL)
    with pytest.raises(IdempotencyKeyReusedError) as info:
        ledger.reserve("k1", [Draw.stock("stock", 2)], TTL)
    assert isinstance(info.value, ValueError)
    assert available(ledger, "stock") == 4


def test_commit_spends_and_is_idempotent(ledger: Ledger) -> None:
    setup_accounts(ledger)
    ledger.reserve("k1", [Draw.stock("stock", 2), Draw.use("usage", "alice")], TTL)
    committed = ledger.commit("k1")
    assert committed.status is ReservationStatus.COMMITTED
    assert ledger.commit("k1") == committed
    stock = ledger.balance("stock")
    assert (stock.reserved, stock.committed, stock.available) == (0, 2, 3)
    assert ledger.balance("usage", "alice").committed == 1
    with pytest.raises(ReservationClosedError) as info:
        ledger.release("k1")
    assert info.value.status is ReservationStatus.COMMITTED
    assert ledger.balance("stock").committed == 2


def test_release_gives_back_and_is_idempotent(ledger: Ledger) -> None:
    setup_accounts(ledger)
    ledger.reserve("k1", [Draw.stock("stock", 2)], TTL)
    released = ledger.release("k1")
    assert released.status is ReservationStatus.RELEASED
    assert ledger.release("k1") == released
    assert available(ledger, "stock") == 5
    with pytest.raises(ReservationClosedError) as info:
        ledger.commit("k1")
    assert info.value.status is ReservationStatus.RELEASED
    assert isinstance(info.value, RuntimeError)
    assert ledger.balance("stock").committed == 0


def test_unknown_reservation(ledger: Ledger) -> None:
    assert ledger.reservation("nope") is None
    for call in (ledger.commit, ledger.release):
        with pytest.raises(UnknownReservationError) as info:
            call("nope")
        assert isinstance(info.value, LookupError)


def test_unknown_account_draws_nothing(ledger: Ledger) -> None:
    setup_accounts(ledger)
    with pytest.raises(UnknownAccountError, match=r"items\[1\]\.account: unknown account 'nope'"):
        ledger.reserve("k1", [Draw.stock("stock", 1), Draw.stock("nope", 1)], TTL)
    assert available(ledger, "stock") == 5
    with pytest.raises(UnknownAccountError):
        ledger.balance("nope")


def test_usage_limits_each_subject(ledger: Ledger) -> None:
    setup_accounts(ledger)
    ledger.reserve("a1", [Draw.use("usage", "alice", 2)], TTL)
    with pytest.raises(ReservationRefusedError):
        ledger.reserve("a2", [Draw.use("usage", "alice")], TTL)
    ledger.reserve("b1", [Draw.use("usage", "bob")], TTL)
    assert available(ledger, "usage", "alice") == 0
    assert available(ledger, "usage", "bob") == 1


def test_items_must_fit_their_accounts(ledger: Ledger) -> None:
    setup_accounts(ledger)
    with pytest.raises(ValidationError) as info:
        ledger.reserve(
            "k1",
            [
                Draw("budget", 5, subject="alice"),
                Draw("usage", 1),
                Draw("stock", 1, currency="CNY"),
            ],
            TTL,
        )
    paths = [p.path for p in info.value.problems]
    assert paths == ["items[0].subject", "items[1].subject", "items[2].currency"]
    with pytest.raises(
        ValidationError, match=r"items\[0\]\.currency: 'budget' counts CNY, got USD"
    ):
        ledger.reserve("k1", [Draw.budget("budget", Money(5, "USD"))], TTL)
    with pytest.raises(ValidationError, match=r"^subject: is required"):
        ledger.balance("usage")
    with pytest.raises(ValidationError, match=r"^subject: must be None"):
        ledger.balance("stock", "alice")
    assert available(ledger, "budget") == 10_000


def test_reserve_validates_arguments(ledger: Ledger, clock: ManualClock) -> None:
    setup_accounts(ledger)
    with pytest.raises(ValidationError) as info:
        ledger.reserve(
            "",
            [Draw.stock("stock", 1), "x", Draw.stock("stock", 2)],  # type: ignore[list-item]
            timedelta(0),
            now=clock().replace(tzinfo=None),
        )
    assert [str(p) for p in info.value.problems] == [
        "key: must not be empty",
        "items[1]: must be a Draw, got str",
        "items[2]: draws from the same counter as items[0]",
        "ttl: must be > 0",
        "now: must be timezone-aware",
    ]
    with pytest.raises(ValidationError, match=r"^items: must not be empty$"):
        ledger.reserve("k", [], TTL)
    assert available(ledger, "stock") == 5


def test_large_amounts_are_exact(ledger: Ledger) -> None:
    ledger.define(AccountSpec.budget("big", Money(MAX_AMOUNT, "CNY")))
    ledger.reserve("k1", [Draw.budget("big", Money(MAX_AMOUNT - 1, "CNY"))], TTL)
    ledger.commit("k1")
    r = ledger.reserve("k2", [Draw.budget("big", Money(MAX_AMOUNT, "CNY"), partial=True)], TTL)
    assert r.grants[0].amount == 1
    balance = ledger.balance("big")
    assert (balance.committed, balance.reserved, balance.available) == (MAX_AMOUNT - 1, 1, 0)


def test_names_may_hold_separators_and_unicode(ledger: Ledger) -> None:
    ledger.define(AccountSpec.usage("coupon:满300减50:r:", 1))
    ledger.define(AccountSpec.usage("coupon:满300减50", 1))
    ledger.reserve("order:1 ✓", [Draw.use("coupon:满300减50:r:", "c:顾客")], TTL)
    assert available(ledger, "coupon:满300减50:r:", "c:顾客") == 0
    assert available(ledger, "coupon:满300减50", "c:顾客") == 1
    assert available(ledger, "coupon:满300减50:r:", "c") == 1
    assert ledger.commit("order:1 ✓").grants[0].subject == "c:顾客"


# -- expiry -------------------------------------------------------------------------------------


def test_expired_reservation_is_reclaimed_on_access(ledger: Ledger, clock: ManualClock) -> None:
    setup_accounts(ledger)
    r = ledger.reserve("k1", [Draw.stock("stock", 5)], timedelta(seconds=60))
    assert r.expires_at == clock() + timedelta(seconds=60)
    clock.advance(timedelta(seconds=59))
    assert ledger.balance("stock").reserved == 5
    clock.advance(timedelta(seconds=1))
    assert ledger.balance("stock").reserved == 0
    view = ledger.reservation("k1")
    assert view is not None and view.status is ReservationStatus.EXPIRED
    with pytest.raises(ReservationClosedError) as info:
        ledger.commit("k1")
    assert info.value.status is ReservationStatus.EXPIRED
    assert ledger.release("k1").status is ReservationStatus.EXPIRED
    assert ledger.balance("stock").committed == 0


def test_reserve_reclaims_expired_holds_first(ledger: Ledger, clock: ManualClock) -> None:
    setup_accounts(ledger)
    ledger.reserve("k1", [Draw.stock("stock", 5)], timedelta(seconds=60))
    with pytest.raises(ReservationRefusedError):
        ledger.reserve("k2", [Draw.stock("stock", 1)], TTL)
    clock.advance(timedelta(seconds=61))
    assert ledger.reserve("k2", [Draw.stock("stock", 5)], TTL).grants[0].amount == 5
    view = ledger.reservation("k1")
    assert view is not None and view.status is ReservationStatus.EXPIRED


def test_commit_after_expiry_is_refused_even_before_any_sweep(
    ledger: Ledger, clock: ManualClock
) -> None:
    setup_accounts(ledger)
    ledger.reserve("k1", [Draw.stock("stock", 2), Draw.use("usage", "a")], timedelta(seconds=5))
    with pytest.raises(ReservationClosedError):
        ledger.commit("k1", now=clock() + timedelta(seconds=5))
    assert available(ledger, "stock") == 5
    assert available(ledger, "usage", "a") == 2


def test_retried_reserve_after_expiry_reports_it(ledger: Ledger, clock: ManualClock) -> None:
    setup_accounts(ledger)
    items = [Draw.stock("stock", 2)]
    ledger.reserve("k1", items, timedelta(seconds=5))
    clock.advance(timedelta(seconds=10))
    again = ledger.reserve("k1", items, timedelta(seconds=5))
    assert again.status is ReservationStatus.EXPIRED
    assert available(ledger, "stock") == 5


def test_sweep_releases_expired_reservations(ledger: Ledger, clock: ManualClock) -> None:
    setup_accounts(ledger)
    for i in range(5):
        ledger.reserve(f"k{i}", [Draw.stock("stock", 1)], timedelta(seconds=10 + i))
    ledger.commit("k0")
    later = clock() + timedelta(seconds=13)
    assert ledger.sweep(now=later, limit=2) == 2
    assert ledger.sweep(now=later) == 1
    assert ledger.sweep(now=later) == 0
    statuses = [ledger.reservation(f"k{i}", now=later) for i in range(5)]
    assert [s.status.value for s in statuses if s] == [
        "committed", "expired", "expired", "expired", "held",
    ]  # fmt: skip
    stock = ledger.balance("stock", now=later)
    assert (stock.reserved, stock.committed) == (1, 1)


def test_sweep_validates(ledger: Ledger) -> None:
    with pytest.raises(ValidationError, match=r"^limit: must be > 0$"):
        ledger.sweep(limit=0)


def test_explicit_now_overrides_the_clock(ledger: Ledger, clock: ManualClock) -> None:
    setup_accounts(ledger)
    later = clock() + timedelta(hours=1)
    r = ledger.reserve("k1", [Draw.stock("stock", 1)], TTL, now=later)
    assert r.expires_at == later + TTL
    assert ledger.balance("stock").reserved == 1


# -- settled at once, batches -------------------------------------------------------------------


def test_reserve_and_commit_spends_at_once(ledger: Ledger, clock: ManualClock) -> None:
    setup_accounts(ledger)
    items = [
        Draw.budget("budget", Money(3_000, "CNY")),
        Draw.stock("stock", 2),
        Draw.use("usage", "alice"),
    ]
    r = ledger.reserve_and_commit("k1", items)
    assert r.status is ReservationStatus.COMMITTED
    assert [g.amount for g in r.grants] == [3_000, 2, 1]
    assert r.expires_at == clock()
    budget = ledger.balance("budget")
    assert (budget.reserved, budget.committed, budget.available) == (0, 3_000, 7_000)
    assert ledger.balance("usage", "alice").committed == 1
    assert ledger.reserve_and_commit("k1", items) == r
    assert ledger.reserve("k1", items, TTL) == r
    assert ledger.commit("k1") == r
    with pytest.raises(ReservationClosedError):
        ledger.release("k1")
    with pytest.raises(IdempotencyKeyReusedError):
        ledger.reserve_and_commit("k1", [Draw.stock("stock", 1)])
    assert ledger.balance("stock").committed == 2


def test_reserve_and_commit_is_all_or_nothing(ledger: Ledger) -> None:
    setup_accounts(ledger)
    with pytest.raises(ReservationRefusedError) as info:
        ledger.reserve_and_commit(
            "k1", [Draw.budget("budget", Money(100, "CNY")), Draw.stock("stock", 6)]
        )
    assert info.value.shortfalls == (Shortfall(1, "stock", 6, 5),)
    assert ledger.balance("budget").committed == 0
    assert ledger.reservation("k1") is None
    partial = ledger.reserve_and_commit(
        "k1", [Draw.budget("budget", Money(12_000, "CNY"), partial=True)]
    )
    assert partial.grants[0].amount == 10_000 and partial.grants[0].short
    assert ledger.balance("budget").available == 0


def test_reserve_and_commit_commits_a_held_reservation(ledger: Ledger, clock: ManualClock) -> None:
    setup_accounts(ledger)
    items = [Draw.stock("stock", 2)]
    held = ledger.reserve("k1", items, TTL)
    done = ledger.reserve_and_commit("k1", items)
    assert done.status is ReservationStatus.COMMITTED and done.grants == held.grants
    stock = ledger.balance("stock")
    assert (stock.reserved, stock.committed) == (0, 2)
    ledger.reserve("k2", items, timedelta(seconds=5))
    clock.advance(timedelta(seconds=6))
    with pytest.raises(ReservationClosedError) as info:
        ledger.reserve_and_commit("k2", items)
    assert info.value.status is ReservationStatus.EXPIRED
    assert ledger.balance("stock").available == 3


def test_reserve_many_answers_each_request(ledger: Ledger) -> None:
    setup_accounts(ledger)
    results = ledger.reserve_many(
        [
            ("a", [Draw.stock("stock", 2)]),
            ("b", [Draw.stock("stock", 4)]),
            ("c", [Draw.stock("nope", 1)]),
            ("d", [Draw.stock("stock", 3), Draw.use("usage", "x")]),
        ],
        TTL,
    )
    a, b, c, d = results
    assert isinstance(a, Reservation) and a.status is ReservationStatus.HELD
    assert isinstance(b, ReservationRefusedError) and b.shortfalls[0].available == 3
    assert isinstance(c, UnknownAccountError)
    assert isinstance(d, Reservation) and [g.amount for g in d.grants] == [3, 1]
    assert ledger.balance("stock").reserved == 5
    again = ledger.reserve_many([("a", [Draw.stock("stock", 2)])], TTL)
    assert again == [a]
    spent = ledger.reserve_many(
        [("e", [Draw.use("usage", "y")]), ("a", [Draw.stock("stock", 2)])], commit=True
    )
    assert all(isinstance(r, Reservation) for r in spent)
    assert [r.status for r in spent if isinstance(r, Reservation)] == [
        ReservationStatus.COMMITTED,
        ReservationStatus.COMMITTED,
    ]
    assert ledger.balance("stock").committed == 2
    assert ledger.reserve_many([], TTL) == []


def test_reserve_many_validates_every_request_first(ledger: Ledger) -> None:
    setup_accounts(ledger)
    with pytest.raises(ValidationError) as info:
        ledger.reserve_many(
            [
                ("a", [Draw.stock("stock", 1)]),
                ("a", []),
                ("", [Draw.stock("stock", 1), Draw.stock("stock", 1)]),
            ],
            TTL,
        )
    assert [p.path for p in info.value.problems] == [
        "requests[1].items",
        "requests[1].key",
        "requests[2].key",
        "requests[2].items[1]",
    ]
    with pytest.raises(ValidationError, match=r"^ttl: "):
        ledger.reserve_many([("a", [Draw.stock("stock", 1)])])
    assert ledger.reservation("a") is None


# -- housekeeping -------------------------------------------------------------------------------


def test_purge_deletes_only_settled_reservations_past_the_window(
    ledger: Ledger, clock: ManualClock
) -> None:
    setup_accounts(ledger)
    ledger.reserve_and_commit("spent", [Draw.stock("stock", 1)])
    ledger.reserve("released", [Draw.stock("stock", 1)], TTL)
    ledger.release("released")
    ledger.reserve("expired", [Draw.stock("stock", 1)], timedelta(seconds=30))
    ledger.reserve("held", [Draw.use("usage", "a")], timedelta(days=30))
    clock.advance(timedelta(minutes=1))
    assert ledger.sweep() == 1
    ledger.reserve_and_commit("recent", [Draw.use("usage", "b")])
    assert ledger.purge(timedelta(hours=1)) == 0
    clock.advance(timedelta(hours=2))
    archived: list[Reservation] = []
    assert ledger.purge(timedelta(hours=1), batch=2, archive=archived.extend) == 4
    assert sorted(r.key for r in archived) == ["expired", "recent", "released", "spent"]
    assert {r.status for r in archived} == {
        ReservationStatus.COMMITTED,
        ReservationStatus.RELEASED,
        ReservationStatus.EXPIRED,
    }
    for key in ("spent", "released", "expired", "recent"):
        assert ledger.reservation(key) is None
    held = ledger.reservation("held")
    assert held is not None and held.status is ReservationStatus.HELD
    stock = ledger.balance("stock")
    assert (stock.reserved, stock.committed) == (0, 1)
    assert ledger.purge(timedelta(hours=1)) == 0


def test_purge_keeps_a_batch_whose_archive_failed(ledger: Ledger, clock: ManualClock) -> None:
    setup_accounts(ledger)
    ledger.reserve_and_commit("spent", [Draw.stock("stock", 1)])
    clock.advance(timedelta(days=2))

    def refuse(batch: Sequence[Reservation]) -> None:
        raise OSError("archive unavailable")

    with pytest.raises(OSError, match="archive unavailable"):
        ledger.purge(timedelta(days=1), archive=refuse)
    assert ledger.reservation("spent") is not None
    assert ledger.purge(timedelta(days=1)) == 1


def test_purge_validates(ledger: Ledger) -> None:
    with pytest.raises(ValidationError) as info:
        ledger.purge(timedelta(seconds=-1), batch=0)
    assert [p.path for p in info.value.problems] == ["older_than", "batch"]
