"""What a promotion game is, as the [`Runner`][promocore.games.runtime.Runner] needs to know it.

A game is a frozen state, frozen commands and events, and a pure transition
``transition(state, command, now) -> (state', events)`` that refuses an illegal move with a
typed error and changes nothing. [`Game`][promocore.games.game.Game] bundles them with the record
kind the states are stored under and, optionally, when a state is due (``due``) and what a sweep
sends it then (``on_due``).

This module is pure: it imports no storage, so a game's rules can define their
[`Game`][promocore.games.game.Game] without pricing ever loading a store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Generic, TypeVar

import attrs

from promocore.errors import (
    IdempotencyConflictError,
    NotFoundError,
    RetriesExhaustedError,
)

S = TypeVar("S")
C = TypeVar("C")
E = TypeVar("E")

#: A pure transition: the state after the command at ``now``, and the events it caused.
Transition = Callable[[S, C, datetime], tuple[S, tuple[E, ...]]]


@attrs.frozen
class CommandId:
    """What makes a command idempotent: its key, and what a repeat must ask again.

    Attributes:
        key: Unique among the commands of one record (``"deposit:pay-1"``): a command with a
            key the record's command log holds is not applied again.
        request: A JSON-able summary of what the command asks (an amount, a quantity); a repeat
            with the same key and another request is refused with an
            [`IdempotencyConflictError`][promocore.errors.IdempotencyConflictError]. ``None``
            when any repeat of the key is the same request.
    """

    key: str
    request: Any = None


def _conflict(kind: str) -> Callable[[str, str], Exception]:
    def make(id: str, key: str) -> Exception:
        return IdempotencyConflictError(
            f"{kind} {id!r}: {key!r} was already used for a different request"
        )

    return make


def _exhausted(kind: str) -> Callable[[str, int], Exception]:
    def make(id: str, attempts: int) -> Exception:
        return RetriesExhaustedError(
            f"{kind} {id!r}: gave up after {attempts} attempts lost to concurrent writers"
        )

    return make


def send(command: C) -> Callable[[Any, datetime], C]:
    """An ``on_due`` sending ``command`` to every due state (``send(Expire())``)."""

    def pick(state: Any, now: datetime) -> C:
        del state, now
        return command

    return pick


def missing(
    error: Callable[[str], Exception], what: str, by: str = "id"
) -> Callable[[str], Exception]:
    """A ``not_found`` raising ``error("no <what> with <by> '<id>'")``."""

    def make(id: str) -> Exception:
        return error(f"no {what} with {by} {id!r}")

    return make


@attrs.frozen(kw_only=True)
class Game(Generic[S, C, E]):
    """One state machine: its state type, its transition, and how it is stored and swept.

    Attributes:
        kind: The record kind its states are stored under (``"bargain.session"``).
        state: The frozen attrs class of its states.
        transition: The pure transition; it raises a typed error for an illegal move.
        events: The event classes the transition returns (kept in the command log, so a
            repeated command can return the events it first caused).
        due: When a state should be looked at by a sweep (a deadline), or ``None``.
        on_due: The command a sweep sends a due state at ``now`` (an expiry), or ``None``
            to leave it.
        initial: The state of an id that was never written (an empty account); ``None``
            when a state must be created first, and applying to a missing one raises
            ``not_found``.
        identify: The [`CommandId`][promocore.games.game.CommandId] of a command whose
            repeats must not be applied again, or ``None`` for a command that is not.
        not_found: Builds the error raised for a missing state (default: a
            [`NotFoundError`][promocore.errors.NotFoundError]).
        conflict: Builds the error raised when a command key is reused for another
            request, from the record id and the key (default: an
            [`IdempotencyConflictError`][promocore.errors.IdempotencyConflictError]).
        exhausted: Builds the error raised when every attempt lost a race, from the
            record id and the attempts (default: a
            [`RetriesExhaustedError`][promocore.errors.RetriesExhaustedError]).
        version: The format version of the stored states (see
            [`Codec`][promocore.state.typed.Codec]); raise it when the state class changes
            in a way stored payloads no longer fit.
        upgrades: For every older version still stored, the step turning its payload into
            the next version's.
    """

    kind: str
    state: type[S]
    transition: Transition[S, C, E]
    events: tuple[type[Any], ...] = ()
    due: Callable[[S], datetime | None] | None = None
    on_due: Callable[[S, datetime], C | None] | None = None
    initial: Callable[[str], S] | None = None
    identify: Callable[[C], CommandId | None] | None = None
    not_found: Callable[[str], Exception] = attrs.field(
        default=attrs.Factory(lambda self: missing(NotFoundError, self.kind), takes_self=True)
    )
    conflict: Callable[[str, str], Exception] = attrs.field(
        default=attrs.Factory(lambda self: _conflict(self.kind), takes_self=True)
    )
    exhausted: Callable[[str, int], Exception] = attrs.field(
        default=attrs.Factory(lambda self: _exhausted(self.kind), takes_self=True)
    )
    version: int = 1
    upgrades: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = attrs.field(factory=dict)

    def due_of(self, state: S) -> datetime | None:
        """When ``state`` is due, or ``None``."""
        return None if self.due is None else self.due(state)

    def key_of(self, command: C) -> CommandId | None:
        """The idempotency key of ``command``, or ``None``."""
        return None if self.identify is None else self.identify(command)


@attrs.frozen
class GameEvent:
    """An event a runner saved, as observers see it.

    Attributes:
        game: The record kind of the game (``"presale.order"``).
        id: The record's id.
        event: The event itself.
        at: The moment of the move.
        version: The record's version after the move.
    """

    game: str
    id: str
    event: Any
    at: datetime
    version: int
