"""The game runtime: optimistic versions, retries, idempotent commands, sweeps and observers."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from promocore.errors import (
    IdempotencyConflictError,
    IllegalTransitionError,
    NotFoundError,
    RetriesExhaustedError,
    ValidationError,
    VersionConflictError,
)
from promocore.games import CommandId, Game, GameEvent, RetryPolicy, Runner, hook_observer
from promocore.games.runtime import LOG_KEY
from promocore.hookspecs import hookimpl
from promocore.money import Money
from promocore.plugins import make_host
from promocore.state import Codec, JSONObject, MemoryStore, Record, Store
from promocore.state import VersionConflictError as Lost

T0 = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)


@attrs.frozen
class Session:
    owner: str
    price: Money
    floor: Money
    won: bool = False
    helpers: tuple[str, ...] = ()
    expires_at: datetime = T0 + timedelta(hours=24)
    expired: bool = False


@attrs.frozen
class Cut:
    helper: str
    amount: int


@attrs.frozen
class Pay:
    payment_id: str
    amount: int


@attrs.frozen
class Expire:
    pass


@attrs.frozen
class CutMade:
    helper: str
    price: Money


@attrs.frozen
class Won:
    price: Money


@attrs.frozen
class Paid:
    payment_id: str


@attrs.frozen
class Expired:
    at: datetime


class Closed(IllegalTransitionError):
    pass


Command = Cut | Pay | Expire
Event = CutMade | Won | Paid | Expired


def move(session: Session, command: Command, now: datetime) -> tuple[Session, tuple[Event, ...]]:
    if session.expired:
        raise Closed("the session expired")
    if isinstance(command, Cut):
        if command.amount < 0:
            raise KeyError("a domain error")
        price = (session.price - Money(command.amount, "CNY")).max(session.floor)
        after = attrs.evolve(
            session,
            price=price,
            won=price == session.floor,
            helpers=(*session.helpers, command.helper),
        )
        return after, (CutMade(command.helper, price),) + ((Won(price),) if after.won else ())
    if isinstance(command, Pay):
        return session, (Paid(command.payment_id),)
    if now < session.expires_at:
        raise Closed("not due")
    return attrs.evolve(session, expired=True), (Expired(now),)


def identify(command: Command) -> CommandId | None:
    return (
        CommandId(f"pay:{command.payment_id}", command.amount) if isinstance(command, Pay) else None
    )


GAME: Game[Session, Command, Event] = Game(
    kind="test.session",
    state=Session,
    transition=move,
    events=(CutMade, Won, Paid, Expired),
    due=lambda s: None if s.expired else s.expires_at,
    on_due=lambda s, now: Expire(),
    identify=identify,
)


def new_session() -> Session:
    return Session("ann", Money(10_000, "CNY"), Money(9_000, "CNY"))


def no_sleep(_: float) -> None:
    pass


@pytest.fixture
def store() -> Store:
    return MemoryStore()


@pytest.fixture
def runner(store: Store) -> Runner[Session, Command, Event]:
    return Runner(store, GAME, clock=lambda: T0, retry=RetryPolicy(sleep=no_sleep))


def test_apply_runs_a_transition_with_events(runner: Runner[Session, Command, Event]) -> None:
    created = runner.create("s1", new_session())
    assert created.version == 1 and not created.replayed
    saved = runner.apply("s1", Cut("bo", 300))
    assert saved.events == (CutMade("bo", Money(9_700, "CNY")),) and saved.version == 2
    saved = runner.apply("s1", Cut("cy", 5_000))
    assert saved.events == (CutMade("cy", Money(9_000, "CNY")), Won(Money(9_000, "CNY")))
    assert saved.state.price == Money(9_000, "CNY")
    assert runner.require("s1").version == 3 and runner.find("s1") == saved.state


def test_a_lost_race_is_retried_on_the_new_state(runner: Runner[Session, Command, Event]) -> None:
    runner.create("s1", new_session())
    interfered = False

    def cut_me(session: Session) -> tuple[Command]:
        nonlocal interfered
        if not interfered:
            interfered = True
            runner.apply("s1", Cut("rival", 100))
        return (Cut("me", 1),)

    saved = runner.apply_with("s1", cut_me)
    assert saved.state.helpers == ("rival", "me")
    assert saved.version == 3


def test_it_gives_up_after_its_attempts(store: Store) -> None:
    runner = Runner(store, GAME, retry=RetryPolicy(attempts=3, sleep=no_sleep))
    runner.create("s1", new_session())

    def always_interfere(session: Session) -> tuple[Command]:
        current = runner.require("s1")
        runner.replace("s1", current.value, expected_version=current.version)
        return (Cut("me", 1),)

    with pytest.raises(RetriesExhaustedError) as info:
        runner.apply_with("s1", always_interfere, now=T0)
    assert isinstance(info.value, VersionConflictError) and isinstance(info.value.__cause__, Lost)
    assert runner.require("s1").version == 4


def test_errors_pass_through_and_change_nothing(runner: Runner[Session, Command, Event]) -> None:
    with pytest.raises(NotFoundError) as missing:
        runner.apply("nope", Cut("bo", 1))
    assert isinstance(missing.value, LookupError)
    runner.create("s1", new_session())
    calls = 0

    def boom(session: Session) -> tuple[Command]:
        nonlocal calls
        calls += 1
        return (Cut("bo", -1),)

    with pytest.raises(KeyError):
        runner.apply_with("s1", boom)
    assert calls == 1 and runner.require("s1").version == 1


def test_the_retry_policy_validates() -> None:
    with pytest.raises(ValidationError, match=r"^attempts: "):
        RetryPolicy(attempts=0)
    with pytest.raises(ValidationError, match=r"^base_delay: "):
        RetryPolicy(base_delay=-1)
    assert RetryPolicy(base_delay=0.01, max_delay=0.05).backoff(4) == 0.05


def test_the_runner_validates(store: Store) -> None:
    with pytest.raises(ValidationError) as info:
        Runner("store", "game", log_size=0)  # type: ignore[arg-type]
    assert [p.path for p in info.value.problems] == ["store", "game", "log_size"]
    with pytest.raises(ValidationError, match=r"^now: "):
        Runner(store, GAME).apply("s1", Cut("bo", 1), now=datetime(2025, 1, 1))


def test_a_repeated_command_returns_the_recorded_outcome(
    runner: Runner[Session, Command, Event],
) -> None:
    runner.create("s1", new_session())
    first = runner.apply("s1", Pay("p-1", 500))
    assert first.events == (Paid("p-1"),) and not first.replayed
    again = runner.apply("s1", Pay("p-1", 500))
    assert again.replayed and again.events == () and again.recorded == (Paid("p-1"),)
    assert again.version == first.version  # nothing was written
    with pytest.raises(IdempotencyConflictError, match="p-1"):
        runner.apply("s1", Pay("p-1", 600))
    assert runner.store.get(GAME.kind, "s1").payload[LOG_KEY][0]["key"] == "pay:p-1"  # type: ignore[union-attr]


def test_the_command_log_is_kept_in_the_record_and_bounded(store: Store) -> None:
    runner = Runner(store, GAME, log_size=2, retry=RetryPolicy(sleep=no_sleep))
    runner.create("s1", new_session())
    for n in range(4):
        runner.apply("s1", Pay(f"p-{n}", n), now=T0)
    record = store.get(GAME.kind, "s1")
    assert record is not None
    assert [e["key"] for e in record.payload[LOG_KEY]] == ["pay:p-2", "pay:p-3"]
    assert runner.find("s1") == new_session()  # the log is not part of the state
    assert not runner.apply("s1", Pay("p-0", 0), now=T0).replayed  # fell out of the log


def test_several_commands_apply_in_one_write(runner: Runner[Session, Command, Event]) -> None:
    runner.create("s1", new_session())
    outcome = runner.apply("s1", Cut("bo", 100), Pay("p-1", 9_900))
    assert [type(e) for e in outcome.events] == [CutMade, Paid] and outcome.version == 2
    assert runner.apply_with("s1", lambda _: ()).version == 2  # nothing chosen, nothing written


def test_creating_again_returns_what_is_stored(runner: Runner[Session, Command, Event]) -> None:
    runner.create("s1", new_session(), (Won(Money(1, "CNY")),))
    again = runner.create("s1", attrs.evolve(new_session(), owner="bo"))
    assert again.replayed and again.state.owner == "ann" and again.events == ()


def test_a_sweep_sends_due_states_their_command(runner: Runner[Session, Command, Event]) -> None:
    runner.create("soon", new_session())
    runner.create("late", attrs.evolve(new_session(), expires_at=T0 + timedelta(days=2)))
    at = T0 + timedelta(days=1)
    done = runner.sweep(now=at)
    assert [(o.id, o.events) for o in done] == [("soon", (Expired(at),))]
    assert runner.sweep(now=at) == []  # not due any more
    assert runner.due(T0 + timedelta(days=3))[0].id == "late"


def test_a_sweep_skips_states_another_writer_moved_on(store: Store) -> None:
    runner = Runner(store, GAME)
    runner.create("s1", new_session(), now=T0)
    runner.create("s2", new_session(), now=T0)
    # another writer closed s1 (still listed as due) before the sweep got to it
    closed = Codec(Session, GAME.kind).dump(attrs.evolve(new_session(), expired=True))
    store.save(GAME.kind, "s1", closed, expected_version=1, due=T0)
    at = T0 + timedelta(days=1)
    assert [o.id for o in runner.sweep(now=at)] == ["s2"]


def test_observers_see_saved_events_and_cannot_break_a_move(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[GameEvent] = []

    def observe(event: GameEvent) -> None:
        seen.append(event)
        raise RuntimeError("the observer is down")

    runner = Runner(store, GAME, observer=observe)
    runner.create("s1", new_session(), now=T0)
    with caplog.at_level(logging.ERROR, logger="promocore.games"):
        outcome = runner.apply("s1", Cut("bo", 1_000), now=T0)
    assert outcome.state.won
    assert seen == [
        GameEvent(GAME.kind, "s1", CutMade("bo", Money(9_000, "CNY")), T0, 2),
        GameEvent(GAME.kind, "s1", Won(Money(9_000, "CNY")), T0, 2),
    ]
    assert "observer of test.session 's1' failed" in caplog.text
    runner.apply("s1", Pay("p", 1), now=T0)
    runner.apply("s1", Pay("p", 1), now=T0)  # a replay is not sent again
    assert [type(e.event) for e in seen] == [CutMade, Won, Paid]


class Audit:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, object]] = []

    @hookimpl
    def promocore_game_event(self, game: str, record_id: str, event: object) -> None:
        self.seen.append((game, record_id, event))


class Broken:
    @hookimpl
    def promocore_game_event(self, game: str) -> None:
        raise RuntimeError(f"cannot log {game}")


def test_the_plugin_hook_hears_every_event_even_if_a_plugin_fails(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    audit = Audit()
    host = make_host(autoload=False, plugins=[audit, Broken()])
    runner = Runner(store, GAME, observer=hook_observer(host))
    runner.create("s1", new_session(), now=T0)
    with caplog.at_level(logging.ERROR, logger="promocore.plugins"):
        runner.apply("s1", Pay("p", 1), now=T0)
    assert audit.seen == [(GAME.kind, "s1", Paid("p"))]
    assert "cannot log" in caplog.text


class Flaky:
    """A store losing the first save of every record, as if another writer got there first."""

    def __init__(self) -> None:
        self.inner = MemoryStore()
        self.lost: set[str] = set()

    def get(self, kind: str, id: str) -> Record | None:
        return self.inner.get(kind, id)

    def save(
        self,
        kind: str,
        id: str,
        payload: JSONObject,
        *,
        expected_version: int,
        due: datetime | None = None,
    ) -> Record:
        if expected_version and id not in self.lost:
            self.lost.add(id)
            raise Lost(kind, id, expected_version, expected_version + 1)
        return self.inner.save(kind, id, payload, expected_version=expected_version, due=due)

    def delete(self, kind: str, id: str, *, expected_version: int) -> None:
        self.inner.delete(kind, id, expected_version=expected_version)

    def due(self, kind: str, before: datetime, *, limit: int = 100) -> list[Record]:
        return self.inner.due(kind, before, limit=limit)

    def close(self) -> None:
        self.inner.close()


def test_a_retried_command_is_applied_once() -> None:
    store = Flaky()
    runner = Runner(store, GAME, retry=RetryPolicy(sleep=no_sleep))
    runner.create("s1", new_session(), now=T0)
    outcome = runner.apply("s1", Cut("bo", 100), now=T0)
    assert outcome.state.helpers == ("bo",) and outcome.version == 2


def test_pricing_loads_no_storage_module() -> None:
    """The engine, every built-in mechanic and a cart touching every game: no store loaded."""
    script = textwrap.dedent(
        """
        import sys
        from tests.games.touch_every_game import price_a_cart_touching_every_game

        quote = price_a_cart_touching_every_game()
        loaded = sorted(
            name
            for name in sys.modules
            if name.split(".")[0] in ("cattrs", "hypothesis")
            or name.startswith(("promocore.ledger", "promocore.state", "promocore.backends"))
        )
        print(quote.applied and "priced", loaded)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == "priced []", result.stdout + result.stderr
