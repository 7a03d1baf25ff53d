"""A counter game: the smallest state machine, to race writers on every store backend."""

from __future__ import annotations

from datetime import datetime

import attrs

from promocore.games import Game


@attrs.frozen
class Counter:
    n: int = 0


@attrs.frozen
class Bump:
    pass


def bump(counter: Counter, command: Bump, now: datetime) -> tuple[Counter, tuple[()]]:
    return Counter(counter.n + 1), ()


#: Counters by id, under the record kind ``counter`` (payload ``{"n": ...}``).
COUNTER: Game[Counter, Bump, object] = Game(
    kind="counter", state=Counter, transition=bump, initial=lambda _: Counter()
)
