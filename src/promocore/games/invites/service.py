"""Keeping an invite program's board in a state store, on the game runner."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from promocore.games.invites.leaderboard import Standing, leaderboard
from promocore.games.invites.model import Command, InviteBoard, InviteEvent
from promocore.games.invites.params import InviteProgram
from promocore.games.invites.rules import BOARD_KIND, boards
from promocore.games.runtime import Observer, Outcome, RetryPolicy, Runner
from promocore.state import Store

__all__ = ["BOARD_KIND", "InviteService"]

#: What a command on the board returns.
BoardOutcome = Outcome[InviteBoard, InviteEvent]


class InviteService:
    """Record invitations, registrations, purchases and refunds for one program.

    Args:
        store: Where the board lives.
        program: The program's rules (used when the board is first created).
        attempts: How many times a write is tried when it keeps losing races.
        sleep: How to wait between attempts (tests pass a no-op).
        observer: Receives every event saved (see [`Runner`][promocore.games.runtime.Runner]).
    """

    def __init__(
        self,
        store: Store,
        program: InviteProgram,
        *,
        attempts: int = 50,
        sleep: Callable[[float], None] = time.sleep,
        observer: Observer | None = None,
    ) -> None:
        self.program = program
        self.attempts = attempts
        retry = RetryPolicy(attempts=attempts, sleep=sleep)
        self.boards = Runner(store, boards(program), retry=retry, observer=observer)

    def board(self) -> InviteBoard:
        """The program's board (empty before the first invitation)."""
        found = self.boards.find(self.program.id)
        return found if found is not None else InviteBoard(self.program)

    def apply(self, command: Command, *, now: datetime) -> BoardOutcome:
        """Apply ``command``: a ``Bind``, ``Register``, ``Purchase`` or ``Refund``.

        Raises:
            InviteRefusedError: the invitation is refused; a subclass says why.
        """
        return self.boards.apply(self.program.id, command, now=now)

    def leaderboard(
        self, *, start: datetime | None = None, end: datetime | None = None, top: int | None = 10
    ) -> tuple[Standing, ...]:
        """Rank the program's inviters; see [`leaderboard`][promocore.games.invites.leaderboard]."""
        return leaderboard(self.board(), start=start, end=end, top=top)
