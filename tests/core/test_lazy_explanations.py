"""Explanations are worked out when read, and read like plain fields."""

from __future__ import annotations

import copy
import pickle
import threading
from unittest import mock

import attrs
from hypothesis import HealthCheck, given, settings

from promocore import _explain
from promocore import engine as engine_module
from promocore.campaign import Campaign
from promocore.cart import Cart
from promocore.engine import Engine
from promocore.quote import Quote

from .builders import campaigns, cart, carts, ladder, line

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _eager(quote: Quote) -> Quote:
    """The same quote built at once with the explanations as plain tuples."""
    fields = {f.name: getattr(quote, f.name) for f in attrs.fields(Quote)}
    return Quote(**fields)


@SETTINGS
@given(cart=carts(), cs=campaigns(max_size=8))
def test_a_lazy_quote_equals_hashes_and_prints_like_the_eager_one(
    cart: Cart, cs: list[Campaign]
) -> None:
    engine = Engine(cs)
    lazy, other = engine.price(cart, explain_all=True), engine.price(cart, explain_all=True)
    eager = _eager(engine.price(cart, explain_all=True))
    assert lazy == eager and eager == other  # comparing reads the explanations
    assert hash(lazy) == hash(eager)
    assert repr(engine.price(cart, explain_all=True)) == repr(eager)
    assert engine.price(cart, explain_all=True).to_dict() == eager.to_dict()


def test_explanations_are_worked_out_once_and_only_when_read() -> None:
    engine = Engine([ladder("d", ("500.00", "50.00")), ladder("e", ("10.00", "1.00"))])
    with mock.patch.object(engine_module, "explain", wraps=_explain.explain) as worked:
        quote = engine.price(cart(line("A", "100.00")))
        assert quote.applied[0].campaign == "e"
        assert worked.call_count == 0
        assert quote.reason("d") == "below_threshold"
        assert [h.campaign for h in quote.hints] == ["d"]
        assert worked.call_count == 1


def test_copies_pickles_and_evolved_quotes_carry_the_explanations() -> None:
    engine = Engine([ladder("d", ("500.00", "50.00"))])
    c = cart(line("A", "100.00"))
    expected = _eager(engine.price(c))
    assert pickle.loads(pickle.dumps(engine.price(c))) == expected
    assert copy.deepcopy(engine.price(c)) == expected
    assert copy.copy(engine.price(c)) == expected
    evolved = attrs.evolve(engine.price(c), proven_optimal=False)
    assert evolved.not_applied == expected.not_applied
    assert attrs.asdict(engine.price(c)) == attrs.asdict(expected)


def test_threads_reading_at_once_see_the_same_explanations() -> None:
    engine = Engine([ladder(f"c{i}", (f"{100 + i}.00", "5.00")) for i in range(50)])
    quote = engine.price(cart(line("A", "10.00")), explain_all=True)
    seen: list[object] = []

    def read() -> None:
        seen.append(quote.not_applied)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and all(s == seen[0] for s in seen) and len(quote.not_applied) == 50


def test_an_observer_may_read_the_explanations() -> None:
    from promocore.hookspecs import hookimpl
    from promocore.plugins import make_host

    read: list[int] = []

    class Observer:
        @hookimpl
        def promocore_quote_priced(self, quote: Quote) -> None:
            read.append(len(quote.not_applied))

    host = make_host(autoload=False, plugins=[Observer()])
    quote = Engine([ladder("d", ("500.00", "50.00"))], host=host).price(cart(line("A", "1.00")))
    assert read == [1] and quote.reason("d") == "below_threshold"
