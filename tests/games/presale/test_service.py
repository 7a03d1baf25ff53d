from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from promocore.engine import Engine
from promocore.games.presale import (
    ORDER_KIND,
    Compensated,
    IdempotencyConflictError,
    IllegalTransitionError,
    OrderNotFoundError,
    Party,
    PresaleError,
    PresaleService,
    RefundExceedsPaidError,
    Status,
    UnavailableError,
    quote_final,
)
from promocore.games.presale.holds import customer_account, hold_key, stock_account
from promocore.ledger import Ledger, MemoryLedger, ReservationStatus
from promocore.state import JSONObject, MemoryStore, Record
from tests.games.presale.builders import (
    DEPOSIT_CLOSES,
    FINAL_CLOSES,
    IN_DEPOSIT,
    IN_FINAL,
    cny,
    every_300_off_30,
    presale,
    terms,
)

CAMPAIGN = presale()
STOCK = stock_account(CAMPAIGN.id)
PER_CUSTOMER = customer_account(CAMPAIGN.id)


def make_service(store: MemoryStore | None = None, ledger: Ledger | None = None) -> PresaleService:
    return PresaleService(store or MemoryStore(), ledger or MemoryLedger(), sleep=lambda _: None)


@pytest.fixture
def service() -> PresaleService:
    return make_service()


def stock(service: PresaleService) -> tuple[int, int, int]:
    balance = service.ledger.balance(STOCK, now=IN_DEPOSIT)
    return balance.limit, balance.reserved, balance.committed


def test_the_whole_journey(service: PresaleService) -> None:
    created = service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT, order_id="o-1")
    assert created.state.status is Status.CREATED
    assert stock(service) == (100, 1, 0)
    service.pay_deposit("o-1", "d-1", cny("50"), now=IN_DEPOSIT)
    quote = quote_final(Engine([CAMPAIGN, every_300_off_30()]), service.get("o-1"), at=IN_FINAL)
    paid = service.pay_final("o-1", "f-1", quote.final_amount, now=IN_FINAL)
    assert paid.state.paid == cny("839")
    assert stock(service) == (100, 0, 1)
    shipped = service.fulfill("o-1", now=IN_FINAL)
    assert shipped.state.status is Status.FULFILLED
    refunded = service.refund("o-1", "r-1", cny("839"), now=IN_FINAL, reason="returned")
    assert refunded.state.status is Status.REFUNDED
    assert stock(service) == (100, 0, 1)  # shipped goods do not go back into presale stock


def test_orders_are_stored_as_records_with_due_times(service: PresaleService) -> None:
    service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT, order_id="o-1")
    record = service.store.get(ORDER_KIND, "o-1")
    assert record is not None
    assert record.due == DEPOSIT_CLOSES
    assert record.payload["status"] == "created"
    service.pay_deposit("o-1", "d-1", cny("50"), now=IN_DEPOSIT)
    assert service.orders.require("o-1").due == FINAL_CLOSES


class TestIdempotency:
    def test_creating_twice_gives_the_first_order(self, service: PresaleService) -> None:
        first = service.create(CAMPAIGN, "amy", 2, now=IN_DEPOSIT, order_id="o-1")
        again = service.create(CAMPAIGN, "amy", 2, now=IN_DEPOSIT, order_id="o-1")
        assert again.state == first.state
        assert again.events == ()
        assert stock(service) == (100, 2, 0)

    def test_a_retry_after_the_window_closed_still_finds_the_order(
        self, service: PresaleService
    ) -> None:
        first = service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT, order_id="o-1")
        again = service.create(CAMPAIGN, "amy", 1, now=IN_FINAL, order_id="o-1")
        assert again.state == first.state

    def test_an_order_id_names_one_order(self, service: PresaleService) -> None:
        service.create(CAMPAIGN, "amy", 2, now=IN_DEPOSIT, order_id="o-1")
        with pytest.raises(IdempotencyConflictError):
            service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT, order_id="o-1")

    def test_payments_count_once(self, service: PresaleService) -> None:
        service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT, order_id="o-1")
        service.pay_deposit("o-1", "d-1", cny("50"), now=IN_DEPOSIT)
        again = service.pay_deposit("o-1", "d-1", cny("50"), now=IN_DEPOSIT)
        assert again.events == ()
        assert service.orders.require("o-1").version == 2
        service.pay_final("o-1", "f-1", cny("789"), now=IN_FINAL)
        assert service.pay_final("o-1", "f-1", cny("789"), now=IN_FINAL).events == ()
        assert stock(service) == (100, 0, 1)

    def test_new_ids_are_made_when_none_is_given(self, service: PresaleService) -> None:
        first = service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT)
        second = service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT)
        assert first.state.id != second.state.id


class TestLimits:
    def test_stock_runs_out(self, service: PresaleService) -> None:
        campaign = presale(terms(stock=3, per_customer_limit=None))
        service.create(campaign, "amy", 2, now=IN_DEPOSIT, order_id="o-1")
        with pytest.raises(UnavailableError, match="sold out \\(1 left, asked 2\\)"):
            service.create(campaign, "bob", 2, now=IN_DEPOSIT, order_id="o-2")
        assert service.find("o-2") is None
        service.create(campaign, "bob", 1, now=IN_DEPOSIT, order_id="o-3")

    def test_the_per_customer_limit_spans_orders(self, service: PresaleService) -> None:
        service.create(CAMPAIGN, "amy", 2, now=IN_DEPOSIT, order_id="o-1")
        with pytest.raises(UnavailableError, match="at most 3 unit"):
            service.create(CAMPAIGN, "amy", 2, now=IN_DEPOSIT, order_id="o-2")
        service.create(CAMPAIGN, "bob", 2, now=IN_DEPOSIT, order_id="o-3")
        balance = service.ledger.balance(PER_CUSTOMER, "amy", now=IN_DEPOSIT)
        assert balance.reserved == 2

    def test_cancelling_before_the_final_payment_gives_units_back(
        self, service: PresaleService
    ) -> None:
        service.create(CAMPAIGN, "amy", 3, now=IN_DEPOSIT, order_id="o-1")
        service.cancel("o-1", Party.CUSTOMER, now=IN_DEPOSIT)
        assert stock(service) == (100, 0, 0)
        service.create(CAMPAIGN, "amy", 3, now=IN_DEPOSIT, order_id="o-2")

    def test_cancelling_after_the_final_payment_restocks(self, service: PresaleService) -> None:
        service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT, order_id="o-1")
        service.pay_deposit("o-1", "d-1", cny("50"), now=IN_DEPOSIT)
        service.pay_final("o-1", "f-1", cny("789"), now=IN_FINAL)
        outcome = service.cancel("o-1", Party.MERCHANT, now=IN_FINAL, reason="out of stock")
        assert outcome.state.returned == cny("889")
        assert Compensated("o-1", IN_FINAL, cny("50")) in outcome.events
        assert stock(service) == (101, 0, 1)
        # a retried payment re-runs the hold bookkeeping without restocking twice
        assert service.pay_final("o-1", "f-1", cny("789"), now=IN_FINAL).events == ()
        assert stock(service) == (101, 0, 1)


class TestSweep:
    def test_the_sweep_closes_what_is_due(self, service: PresaleService) -> None:
        service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT, order_id="unpaid")
        service.create(CAMPAIGN, "bob", 1, now=IN_DEPOSIT, order_id="no-final")
        service.pay_deposit("no-final", "d-1", cny("50"), now=IN_DEPOSIT)
        service.create(CAMPAIGN, "cat", 1, now=IN_DEPOSIT, order_id="paid")
        service.pay_deposit("paid", "d-2", cny("50"), now=IN_DEPOSIT)
        service.pay_final("paid", "f-2", cny("849"), now=IN_FINAL)

        assert service.sweep(now=IN_DEPOSIT) == []
        swept = service.sweep(now=DEPOSIT_CLOSES)
        assert [(o.state.id, o.state.status) for o in swept] == [("unpaid", Status.EXPIRED)]
        swept = service.sweep(now=FINAL_CLOSES + timedelta(minutes=1))
        assert [(o.state.id, o.state.status) for o in swept] == [("no-final", Status.FORFEITED)]
        assert service.sweep(now=FINAL_CLOSES + timedelta(days=30)) == []
        assert stock(service) == (100, 0, 1)
        reservation = service.ledger.reservation(hold_key(service.get("unpaid")), now=IN_DEPOSIT)
        assert reservation is not None
        assert reservation.status is ReservationStatus.RELEASED

    def test_the_sweep_respects_its_limit(self, service: PresaleService) -> None:
        for i in range(5):
            service.create(CAMPAIGN, f"c{i}", 1, now=IN_DEPOSIT, order_id=f"o-{i}")
        assert len(service.sweep(now=DEPOSIT_CLOSES, limit=2)) == 2
        assert len(service.sweep(now=DEPOSIT_CLOSES)) == 3


class TestErrors:
    def test_an_unknown_order(self, service: PresaleService) -> None:
        with pytest.raises(OrderNotFoundError):
            service.pay_deposit("nope", "d-1", cny("50"), now=IN_DEPOSIT)
        with pytest.raises(LookupError):
            service.get("nope")

    def test_an_illegal_move_changes_nothing(self, service: PresaleService) -> None:
        service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT, order_id="o-1")
        with pytest.raises(IllegalTransitionError):
            service.fulfill("o-1", now=IN_DEPOSIT)
        assert service.orders.require("o-1").version == 1
        assert stock(service) == (100, 1, 0)


class TestConcurrency:
    def test_racing_refunds_never_exceed_what_was_paid(self) -> None:
        service = PresaleService(MemoryStore(), MemoryLedger())
        service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT, order_id="o-1")
        service.pay_deposit("o-1", "d-1", cny("50"), now=IN_DEPOSIT)
        service.pay_final("o-1", "f-1", cny("789"), now=IN_FINAL)
        errors: list[Exception] = []

        def refund(i: int) -> None:
            try:
                service.refund("o-1", f"r-{i}", cny("100"), now=IN_FINAL)
            except PresaleError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=refund, args=(i,)) for i in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        order = service.get("o-1")
        assert order.refunded == cny("800")
        assert len(order.refunds) == 8
        assert len(errors) == 4
        assert all(isinstance(e, RefundExceedsPaidError) for e in errors)

    def test_racing_creates_never_oversell(self) -> None:
        service = PresaleService(MemoryStore(), MemoryLedger())
        campaign = presale(terms(stock=5, per_customer_limit=None))
        made: list[str] = []
        refused: list[Exception] = []

        def create(i: int) -> None:
            try:
                made.append(service.create(campaign, f"c{i}", 1, now=IN_DEPOSIT).state.id)
            except UnavailableError as exc:
                refused.append(exc)

        threads = [threading.Thread(target=create, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(made) == 5
        assert len(refused) == 11

    def test_a_writer_that_loses_a_race_retries_on_the_new_state(self) -> None:
        store = MemoryStore()
        service = make_service(store)
        service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT, order_id="o-1")
        service.pay_deposit("o-1", "d-1", cny("50"), now=IN_DEPOSIT)
        service.pay_final("o-1", "f-1", cny("789"), now=IN_FINAL)
        rival = make_service(store, service.ledger)
        raced: list[bool] = []
        original = store.save

        def save_after_a_rival(
            kind: str,
            id: str,
            payload: JSONObject,
            *,
            expected_version: int,
            due: datetime | None = None,
        ) -> Record:
            if not raced:
                raced.append(True)
                rival.refund("o-1", "rival", cny("800"), now=IN_FINAL)
            return original(kind, id, payload, expected_version=expected_version, due=due)

        store.save = save_after_a_rival  # type: ignore[method-assign]
        with pytest.raises(RefundExceedsPaidError):
            service.refund("o-1", "mine", cny("100"), now=IN_FINAL)
        order = service.get("o-1")
        assert [r.id for r in order.refunds] == ["rival"]
