"""Standard laws that ask the mechanic again about contexts derived from the drawn one.

* ``keeps_no_state``: the same contexts asked of a used mechanic, again in another order, and
  of a fresh copy get the same answers (a mechanic that remembers earlier calls is caught
  even when hypothesis cannot replay the example that first showed it);
* ``bound_covers_grant``: a mechanic's ``bound`` is zero or at least what it grants, and
  exactly that when ``bound_is_exact``;
* ``hints_are_exact``: adding what an upsell hint says to add qualifies, one minor unit
  (or one unit) less does not;
* ``matches_reference``: the mechanic grants, to the minor unit, what the reference of its
  testing profile works out.
"""

from __future__ import annotations

from collections.abc import Mapping

from promocore.mechanic import Context, Decline, Mechanic, Proposal, members_of
from promocore.money import Money
from promocore.testing._contexts import variants, with_copy
from promocore.testing._pricing import ask, granted, per_line
from promocore.testing.law import Law, LawBroken, Sample
from promocore.testing.profiles import profile_of


def _answer(mechanic: Mechanic, context: Context) -> object:
    return mechanic.evaluate(context)


def _keeps_no_state(sample: Sample) -> None:
    context = sample.context
    if context is None:
        return
    from hypothesis import strategies as st

    contexts = [context, *variants(context)]
    first = [ask(sample, c) for c in contexts]
    again = [ask(sample, c) for c in reversed(contexts)][::-1]
    order: list[int] = sample.draw(st.permutations(range(len(contexts))))
    fresh = sample.fresh_mechanic()
    anew = {i: _answer(fresh, contexts[i]) for i in order}
    for i, answer in enumerate(first):
        which = "the drawn context" if i == 0 else f"variant {i} of the drawn context"
        if again[i] != answer:
            raise LawBroken(
                f"{which} got another answer when asked again after other calls "
                f"(state kept across calls):\n  {answer!r}\n  {again[i]!r}"
            )
        if anew[i] != answer:
            raise LawBroken(
                f"{which} got another answer from a fresh copy of the mechanic, asked in "
                f"the order {order} (state kept across calls):\n  {answer!r}\n  {anew[i]!r}"
            )


def _bound_covers_grant(sample: Sample) -> None:
    context = sample.context
    members = members_of(sample.mechanic)
    bound = members.bound
    if context is None or not callable(bound):
        return
    given = granted(ask(sample), context.currency)
    limit = bound(context)
    if not isinstance(limit, Money) or limit.currency != context.currency:
        raise LawBroken(f"bound returned {limit!r}, not Money in {context.currency}")
    if limit.amount < 0:
        raise LawBroken(f"bound returned {limit}, below zero")
    if members.bound_is_exact and limit != given:
        raise LawBroken(f"bound_is_exact, but the bound is {limit} and it grants {given}")
    if limit.amount and limit < given:
        raise LawBroken(f"bound {limit} is below the {given} it grants")


def _hints_are_exact(sample: Sample) -> None:
    context = sample.context
    result = ask(sample)
    if context is None or result is None or result.upsell is None:
        return
    upsell = result.upsell
    currency = context.currency
    if upsell.add_amount is not None:
        add = upsell.add_amount
        if add.currency != currency or add.amount <= 0:
            raise LawBroken(f"the hint asks to add {add}, not a positive amount in {currency}")
        reached = [ask(sample, with_copy(context, p, add)) for p in range(len(context.lines))]
        short: list[Proposal | Decline | None] = []
        if add.amount > 1:
            less = add.with_amount(add.amount - 1)
            short = [ask(sample, with_copy(context, p, less)) for p in range(len(context.lines))]
        _check_probes(
            result, reached, short, f"adding {add}", f"adding {add.amount - 1} minor units"
        )
    if upsell.add_quantity is not None:
        count = upsell.add_quantity
        if count <= 0:
            raise LawBroken(f"the hint asks to add {count} unit(s)")

        def more(units: int) -> list[Proposal | Decline | None]:
            return [
                ask(sample, with_copy(context, p, view.line.unit_price, units))
                for p, view in enumerate(context.lines)
            ]

        _check_probes(
            result,
            more(count),
            more(count - 1) if count > 1 else [],
            f"adding {count} unit(s)",
            f"adding {count - 1} unit(s)",
            amounts=False,
        )


def _check_probes(
    result: Proposal | Decline,
    reached: list[Proposal | Decline | None],
    short: list[Proposal | Decline | None],
    enough: str,
    less: str,
    *,
    amounts: bool = True,
) -> None:
    """Check what adding as much as the hint says, and a little less, gave.

    ``reached`` and ``short`` hold one answer per line the addition copied: the hint is
    right if adding to one of them qualifies, and adding less to any does not.
    """
    upsell = result.upsell
    assert upsell is not None
    if isinstance(result, Decline):
        if all(isinstance(r, Decline) and r.reason == result.reason for r in reached):
            raise LawBroken(
                f"declined ({result.reason}) with a hint, but {enough} to a line it was "
                f"given still declines ({result.reason})"
            )
        for answer in short:
            if isinstance(answer, Proposal):
                raise LawBroken(
                    f"declined ({result.reason}) with a hint, but {less}, one less than "
                    f"the hint asks, already applies: {answer.message!r}"
                )
        return
    if not amounts:
        return
    currency = upsell.extra_saving.currency
    promised = result.amount(currency) + upsell.extra_saving
    best = max((granted(r, currency) for r in reached), default=Money.zero(currency))
    if best < promised:
        raise LawBroken(
            f"the hint promises {promised} in all after {enough}, but that gives at most {best}"
        )


def _matches_reference(sample: Sample) -> None:
    context = sample.context
    reference = profile_of(sample.mechanic).reference
    if context is None or reference is None:
        return
    expected = reference(context)
    if expected is None:
        return
    result = ask(sample)
    currency = context.currency
    got = per_line(result, currency) if isinstance(result, Proposal) else {}
    if isinstance(expected, Money):
        given = granted(result, currency)
        if given != expected:
            raise LawBroken(f"grants {given}; the reference works out {expected}")
        return
    if not isinstance(expected, Mapping):
        raise LawBroken(f"the reference returned {expected!r}, not Money or a mapping")
    for index in sorted(set(got) | set(expected)):
        want = expected.get(index, Money.zero(currency))
        have = got.get(index, Money.zero(currency))
        if want != have:
            raise LawBroken(f"line {index}: takes off {have}; the reference works out {want}")


KEEPS_NO_STATE = Law(
    "keeps_no_state",
    "The same contexts get the same answers from a used mechanic, in another order, and from "
    "a fresh copy: nothing is remembered across calls.",
    _keeps_no_state,
)
BOUND_COVERS_GRANT = Law(
    "bound_covers_grant",
    "A mechanic's bound is zero or at least what it grants, and exactly that if it says so.",
    _bound_covers_grant,
)
HINTS_ARE_EXACT = Law(
    "hints_are_exact",
    "Adding what an upsell hint asks for qualifies; one minor unit or one unit less does not.",
    _hints_are_exact,
)
MATCHES_REFERENCE = Law(
    "matches_reference",
    "The mechanic grants, to the minor unit, what its testing profile's reference works out.",
    _matches_reference,
)
