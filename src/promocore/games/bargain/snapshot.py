"""Carrying a session's state into pricing, inside the cart itself.

Pricing is pure, so the ``bargain`` mechanic cannot look a session up. Instead a
cart line names its session (``refs={"bargain": "<session id>"}``) and, before
pricing, [`annotate`][promocore.games.bargain.snapshot.annotate] adds a snapshot of that session
to the line's refs (``bargain.price``, ``bargain.status``, ...). The priced cart then holds
everything the quote depends on, so pricing it again later gives the same quote.

[`annotate`][promocore.games.bargain.snapshot.annotate] always replaces snapshot refs with the
sessions it is given and drops those of sessions it is not given, so refs a client sent are never
trusted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from promocore.cart import Cart, LineItem
from promocore.errors import Problem, RefRefusedError, ValidationError
from promocore.games.bargain.model import BargainSession, Status
from promocore.money import Money

#: The ref naming a line's session.
REF = "bargain"
#: Prefix of the refs [`annotate`][promocore.games.bargain.snapshot.annotate] writes.
PREFIX = "bargain."

_FIELDS = ("activity", "initiator", "sku", "status", "price", "floor", "expires_at", "helps_left",
           "buy_above_floor")  # fmt: skip


def _money(text: str) -> Money:
    amount, _, currency = text.partition(" ")
    return Money.parse(amount, currency)


@attrs.frozen
class SessionSnapshot:
    """What pricing needs to know of a session.

    Attributes:
        session_id: The session.
        activity: Id of its campaign.
        initiator: The customer who may buy at its price.
        sku: The item.
        status: Its status when the snapshot was taken.
        price: Its price then.
        floor: Its floor price.
        expires_at: When it stops taking help.
        helps_left: Helps still needed at most.
        buy_above_floor: It may be bought before it reaches the floor.
    """

    session_id: str
    activity: str
    initiator: str
    sku: str
    status: Status
    price: Money
    floor: Money
    expires_at: datetime
    helps_left: int
    buy_above_floor: bool

    @classmethod
    def of(cls, session: BargainSession) -> SessionSnapshot:
        """Take a snapshot of ``session``."""
        return cls(
            session_id=session.id,
            activity=session.activity,
            initiator=session.initiator,
            sku=session.terms.sku,
            status=session.status,
            price=session.price,
            floor=session.terms.floor_price,
            expires_at=session.expires_at,
            helps_left=session.helps_left,
            buy_above_floor=session.terms.buy_above_floor,
        )

    def refs(self) -> dict[str, str]:
        """Return the snapshot as line refs (the ``bargain`` ref included)."""
        return {
            REF: self.session_id,
            PREFIX + "activity": self.activity,
            PREFIX + "initiator": self.initiator,
            PREFIX + "sku": self.sku,
            PREFIX + "status": self.status.value,
            PREFIX + "price": str(self.price),
            PREFIX + "floor": str(self.floor),
            PREFIX + "expires_at": self.expires_at.isoformat(),
            PREFIX + "helps_left": str(self.helps_left),
            PREFIX + "buy_above_floor": "true" if self.buy_above_floor else "false",
        }

    @classmethod
    def from_line(cls, line: LineItem) -> SessionSnapshot | None:
        """Read the snapshot `annotate` put on ``line``; ``None`` if there is none.

        Raises:
            ValidationError: the snapshot refs are incomplete or malformed.
        """
        session_id = line.ref(REF)
        if session_id is None or line.ref(PREFIX + "status") is None:
            return None
        raw = {name: line.ref(PREFIX + name) for name in _FIELDS}
        missing = [name for name, value in raw.items() if value is None]
        if missing:
            raise ValidationError.single(
                "refs", f"bargain snapshot lacks {', '.join(PREFIX + m for m in missing)}"
            )
        values = {name: value for name, value in raw.items() if value is not None}
        try:
            expires_at = datetime.fromisoformat(values["expires_at"])
            return cls(
                session_id=session_id,
                activity=values["activity"],
                initiator=values["initiator"],
                sku=values["sku"],
                status=Status(values["status"]),
                price=_money(values["price"]),
                floor=_money(values["floor"]),
                expires_at=expires_at,
                helps_left=int(values["helps_left"]),
                buy_above_floor=values["buy_above_floor"] == "true",
            )
        except ValueError as error:
            raise ValidationError.single("refs", f"bad bargain snapshot: {error}") from None


def _strip(line: LineItem) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in line.refs if not k.startswith(PREFIX))


def annotate(cart: Cart, sessions: Iterable[BargainSession] | Mapping[str, BargainSession]) -> Cart:
    """Return ``cart`` with a snapshot of its sessions on the lines that reference them.

    Args:
        cart: The cart; lines name their session with the ``bargain`` ref.
        sessions: The sessions the lines reference (others are ignored). A line
            whose session is not given loses any snapshot it carried, and the
            ``bargain`` mechanic declines it.

    Returns:
        The annotated cart (``cart`` itself if nothing changed).
    """
    found = dict(sessions) if isinstance(sessions, Mapping) else {s.id: s for s in sessions}
    lines: list[LineItem] = []
    for line in cart.lines:
        session_id = line.ref(REF)
        refs = _strip(line)
        if session_id is not None and session_id in found:
            snapshot = SessionSnapshot.of(found[session_id]).refs()
            refs = (*refs, *((k, v) for k, v in snapshot.items() if k != REF))
        lines.append(line if tuple(sorted(refs)) == line.refs else attrs.evolve(line, refs=refs))
    if all(new is old for new, old in zip(lines, cart.lines, strict=True)):
        return cart
    return attrs.evolve(cart, lines=tuple(lines))


def verify(
    cart: Cart, sessions: Iterable[BargainSession] | Mapping[str, BargainSession], at: datetime
) -> None:
    """Check the cart's bargain lines against the stored sessions, at checkout.

    What pricing cannot see: every line naming a session must name one that exists, that
    the cart's customer started, that may be ordered at ``at`` (it reached its floor, or
    sells above it and is still open), and whose snapshot on the line (if any) is the
    session as stored, so the price the quote gave is the session's.

    Args:
        cart: The cart as priced.
        sessions: The stored sessions the lines name (missing ones are refused).
        at: The moment of the checkout.

    Raises:
        RefRefusedError: every line the sessions do not back, each problem naming
            ``lines[i].refs...``.
    """
    found = dict(sessions) if isinstance(sessions, Mapping) else {s.id: s for s in sessions}
    customer = cart.customer.id if cart.customer is not None else None
    problems: list[Problem] = []
    for index, line in enumerate(cart.lines):
        sid = line.ref(REF)
        if sid is None:
            continue
        path = f"lines[{index}].refs.{REF}"
        session = found.get(sid)
        if session is None:
            problems.append(Problem(path, f"no bargain session {sid!r} exists"))
            continue
        if session.initiator != customer:
            problems.append(
                Problem(path, f"session {sid} was started by {session.initiator}, not {customer}")
            )
        elif not session.orderable(at):
            problems.append(
                Problem(path, f"session {sid} is {session.status.value} and cannot be ordered now")
            )
        try:
            claimed = SessionSnapshot.from_line(line)
        except ValidationError as error:
            problems.append(Problem(path, str(error)))
            continue
        if claimed is not None and claimed != SessionSnapshot.of(session):
            problems.append(
                Problem(
                    f"lines[{index}].refs.{PREFIX}price",
                    f"the snapshot of session {sid} is not the session as stored "
                    f"(claims {claimed.price.display()} {claimed.status.value}, stored "
                    f"{session.price.display()} {session.status.value}); annotate the cart again",
                )
            )
    if problems:
        raise RefRefusedError(problems)
