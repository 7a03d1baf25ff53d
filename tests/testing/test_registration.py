"""promocore's types are registered with hypothesis through its entry point."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promocore.campaign import Audience, Budget, Campaign, Limits, Schedule, Scope
from promocore.cart import Cart, Customer, LineItem
from promocore.money import Money


def test_from_type_works_without_importing_promocore_testing() -> None:
    script = textwrap.dedent(
        """
        import sys
        from hypothesis import strategies as st
        from promocore.cart import Cart
        from promocore.money import Money
        assert "promocore.testing.strategies" not in sys.modules
        money = st.from_type(Money).example()
        cart = st.from_type(Cart).example()
        assert isinstance(money, Money) and isinstance(cart, Cart)
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@given(
    st.from_type(Money),
    st.from_type(Customer),
    st.from_type(LineItem),
    st.from_type(Cart),
    st.from_type(Schedule),
    st.from_type(Audience),
    st.from_type(Scope),
    st.from_type(Budget),
    st.from_type(Limits),
)
def test_every_registered_type_draws_instances(
    money: Money,
    customer: Customer,
    line: LineItem,
    cart: Cart,
    schedule: Schedule,
    audience: Audience,
    scope: Scope,
    budget: Budget,
    limits: Limits,
) -> None:
    assert isinstance(money, Money)
    assert isinstance(customer, Customer)
    assert isinstance(line, LineItem)
    assert isinstance(cart, Cart)
    assert isinstance(schedule, Schedule)
    assert isinstance(audience, Audience)
    assert isinstance(scope, Scope)
    assert isinstance(budget, Budget)
    assert isinstance(limits, Limits)


@given(st.from_type(Campaign))
def test_campaigns_come_from_registered_mechanics(campaign: Campaign) -> None:
    from promocore.plugins import make_host

    mechanic = make_host().mechanic(campaign.mechanic)
    assert isinstance(campaign.params, mechanic.params_type)


def test_the_hook_does_nothing_when_imports_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    from promocore.testing import _hypothesis_setup

    calls: list[str] = []

    def failing(name: str) -> object:
        calls.append(name)
        raise ImportError(name)

    monkeypatch.setattr("promocore.testing._hypothesis_setup.importlib.import_module", failing)
    _hypothesis_setup._hypothesis_setup_hook()
    assert calls
