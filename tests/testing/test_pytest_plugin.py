"""The pytest plugin: one marker gives one test per law, failures show the shrunk example.

Each run is a new pytest process that finds the plugin through its ``pytest11`` entry point,
as in a plugin author's project.
"""

from __future__ import annotations

import pytest

from promocore.plugins import make_host
from promocore.testing import laws_for

pytest_plugins = ["pytester"]

_BROKEN = '''
import attrs
import pytest
from typing import Any

from promocore import Context, Decline, LineDiscount, Money, Proposal, Stage


@attrs.frozen
class FlatOffParams:
    amount_off: Money


@attrs.frozen
class FlatOff:
    """Takes amount_off off each line, forgetting to cap it at what the line costs."""

    name: str = "flat_off"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = FlatOffParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        off = context.campaign.params.amount_off
        return Proposal(tuple(LineDiscount(v.index, off, v.units) for v in context.lines))


pytestmark = pytest.mark.promocore_mechanic(
    FlatOff(), laws=["payable_never_negative", "config_round_trip"], max_examples=100
)


def test_an_ordinary_test_beside_the_laws() -> None:
    assert FlatOff().name == "flat_off"
'''


def test_one_line_gives_one_test_per_law(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_price_off_laws="""
        import pytest

        pytestmark = pytest.mark.promocore_mechanic("price_off", max_examples=5)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v", "--strict-markers")
    laws = laws_for(make_host().mechanic("price_off"))
    result.assert_outcomes(passed=len(laws))
    for law in laws:
        result.stdout.fnmatch_lines([f"*promocore_laws?price_off-{law.name}? PASSED*"])


def test_a_broken_law_fails_with_the_shrunk_example(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_flat_off=_BROKEN)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rf")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*flat_off breaks payable_never_negative: line 0: discount * exceeds the payable*",
            "mechanic: flat_off",
            "campaign: {*",
            "cart (*",
            "  [[]0[]] * x1 @ *",
            "context (item stage*",
            "FAILED test_flat_off.py::promocore_laws[[]flat_off-payable_never_negative[]]*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_the_command_line_sets_the_examples_per_law(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_tiered="""
        import pytest

        pytestmark = pytest.mark.promocore_mechanic("tiered_discount", laws=["deterministic"])
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--promocore-examples", "3")
    result.assert_outcomes(passed=1)


def test_an_unknown_mechanic_fails_one_test_naming_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_typo="""
        import pytest

        pytestmark = pytest.mark.promocore_mechanic("price_of")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*promocore_mechanic: UnknownMechanicError: *price_of*"])
