"""The mechanic of docs/how-to/third-party-mechanic.md, with its optional floor, prices a cart."""

import re
from pathlib import Path
from typing import Any

from promocore.campaign import Campaign
from promocore.engine import Engine
from promocore.hookspecs import hookimpl
from promocore.mechanic import Floor, Floored, Mechanic
from promocore.plugins import make_host

from .builders import cart, cny, line

PAGE = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "third-party-mechanic.md"


def _page() -> dict[str, Any]:
    """The page's first three Python examples: the params, the mechanic, its floor."""
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    namespace: dict[str, Any] = {}
    for block in blocks[:3]:
        exec(compile(block, str(PAGE), "exec"), namespace)
    return namespace


def test_the_floored_mechanic_of_the_how_to_skips_and_explains() -> None:
    page = _page()
    mechanic = page["FlooredNthFree"]()
    assert isinstance(mechanic, Floored)

    class Plugin:
        @hookimpl
        def promocore_mechanics(self) -> list[Mechanic]:
            return [mechanic]

    host = make_host(autoload=False, plugins=[Plugin()])
    b3f1 = Campaign("b3f1", "买3免1", "nth_free", page["NthFreeParams"](3))
    assert mechanic.floor(b3f1) == Floor(units=3)
    engine = Engine([b3f1], host=host)
    assert engine.price(cart(line("A", "30.00", 3))).discount == cny("30.00")
    two = engine.price(cart(line("A", "30.00", 2)))
    assert two.discount == cny("0") and two.reason("b3f1") == "below_threshold"
