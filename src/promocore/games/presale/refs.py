"""Checking a cart's presale lines against the stored orders, at checkout.

Pricing is pure: a presale line says its phase and names its order through refs (see
[`promocore.games.presale.lines`][promocore.games.presale.lines]), and pricing holds it to the
campaign's terms only (the presale price, the windows, the limits). Whether the order it names
exists, is the cart customer's and is waiting for that payment only the store knows;
[`verify`][promocore.games.presale.refs.verify] checks it, and
[`PresaleService.verify`][promocore.games.presale.service.PresaleService.verify] loads the
orders for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from promocore.cart import Cart, LineItem
from promocore.errors import Problem, RefRefusedError
from promocore.games.presale.lines import ORDER_REF, PHASE_REF, Phase, line_phase
from promocore.games.presale.model import PresaleOrder, Status

#: The status an order must be in for a line paying each phase.
_AWAITING = {Phase.DEPOSIT: Status.CREATED, Phase.FINAL: Status.DEPOSIT_PAID}


def order_ids(cart: Cart) -> list[str]:
    """The presale orders the cart's lines name, each once, sorted."""
    return sorted({oid for line in cart.lines if (oid := line.ref(ORDER_REF))})


def verify(cart: Cart, orders: Iterable[PresaleOrder] | Mapping[str, PresaleOrder]) -> None:
    """Check that the stored ``orders`` back every presale line of ``cart``.

    A final-payment line must name an order; a deposit line may (an order created before
    the deposit is paid). Every order named must exist, belong to the cart's customer, be
    for the line's sku and quantity, and wait for the payment the line makes: the deposit
    (``created``) or the final payment (``deposit_paid``).

    Args:
        cart: The cart as priced.
        orders: The stored orders the lines name (missing ones are refused).

    Raises:
        RefRefusedError: every line the orders do not back, each problem naming
            ``lines[i].refs.presale`` (or ``.presale_phase``).
    """
    found = dict(orders) if isinstance(orders, Mapping) else {o.id: o for o in orders}
    customer = cart.customer.id if cart.customer is not None else None
    problems: list[Problem] = []
    for index, line in enumerate(cart.lines):
        phase = line_phase(line)
        if phase is None:
            continue
        if not isinstance(phase, Phase):
            problems.append(Problem(f"lines[{index}].refs.{PHASE_REF}", f"unknown phase {phase!r}"))
            continue
        problems += _line_problems(index, line, phase, found, customer)
    if problems:
        raise RefRefusedError(problems)


def _line_problems(
    index: int,
    line: LineItem,
    phase: Phase,
    found: Mapping[str, PresaleOrder],
    customer: str | None,
) -> list[Problem]:
    path = f"lines[{index}].refs.{ORDER_REF}"
    order_id = line.ref(ORDER_REF)
    if not order_id:
        if phase is Phase.FINAL:
            return [Problem(path, "a final payment must name its presale order")]
        return []
    order = found.get(order_id)
    if order is None:
        return [Problem(path, f"no presale order {order_id!r} exists")]
    problems = []
    if order.customer_id != customer:
        problems.append(
            Problem(path, f"order {order_id} is {order.customer_id}'s, not {customer}'s")
        )
    if order.sku != line.sku:
        problems.append(Problem(path, f"order {order_id} is for {order.sku}, not {line.sku}"))
    if order.quantity != line.quantity:
        problems.append(
            Problem(
                path,
                f"order {order_id} holds {order.quantity} unit(s), the line {line.quantity}",
            )
        )
    wanted = _AWAITING[phase]
    if order.status is not wanted:
        problems.append(
            Problem(
                path,
                f"order {order_id} is {order.status.value}, not {wanted.value}: it does not "
                f"wait for the {phase.value} payment",
            )
        )
    return problems
