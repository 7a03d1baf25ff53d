"""Keeping an invite program's board in a state store."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import attrs

from promocore.games.invites.leaderboard import Standing, leaderboard
from promocore.games.invites.model import Command, InviteBoard, InviteEvent
from promocore.games.invites.params import InviteProgram
from promocore.games.invites.rules import transition
from promocore.state import Codec, Store, TypedStore, retry_on_conflict

#: Record kind of invite boards (by program id).
BOARD_KIND = "invite.board"


@attrs.frozen
class Outcome:
    """The board after a command, and what the command changed (nothing on a repeat)."""

    board: InviteBoard
    events: tuple[InviteEvent, ...] = ()


class InviteService:
    """Record invitations, registrations and purchases for one program.

    Args:
        store: Where the board lives.
        program: The program's rules (used when the board is first created).
        attempts: How many times a write is tried when it keeps losing races.
        sleep: How to wait between attempts (tests pass a no-op).
    """

    def __init__(
        self,
        store: Store,
        program: InviteProgram,
        *,
        attempts: int = 50,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.program = program
        self.attempts = attempts
        self._sleep = sleep
        self.boards = TypedStore(store, Codec(InviteBoard, BOARD_KIND))

    def board(self) -> InviteBoard:
        """The program's board (empty before the first invitation)."""
        found = self.boards.get(self.program.id)
        return found.value if found is not None else InviteBoard(self.program)

    def apply(self, command: Command, *, now: datetime) -> Outcome:
        """Apply ``command`` ([`Bind`][promocore.games.invites.Bind], ``Register``, ``Purchase``).

        Raises:
            InviteRefusedError: the invitation is refused; a subclass says why.
        """

        def once() -> Outcome:
            current = self.boards.get(self.program.id)
            board = current.value if current is not None else InviteBoard(self.program)
            board, events = transition(board, command, now)
            if events:
                if current is None:
                    self.boards.create(self.program.id, board)
                else:
                    self.boards.replace(self.program.id, board, expected_version=current.version)
            return Outcome(board, events)

        return retry_on_conflict(once, attempts=self.attempts, sleep=self._sleep)

    def leaderboard(
        self, *, start: datetime | None = None, end: datetime | None = None, top: int | None = 10
    ) -> tuple[Standing, ...]:
        """Rank the program's inviters (see [`leaderboard`][promocore.games.invites.leaderboard])."""
        return leaderboard(self.board(), start=start, end=end, top=top)
