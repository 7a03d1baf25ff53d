"""The conformance laws as a pytest plugin: one marker, one test per law.

Installed with promocore (the ``pytest11`` entry point ``promocore``), it is active in every
pytest run and does nothing until a test module carries the marker. One line in a test
module checks a mechanic against every law it must obey:

```python
import pytest

pytestmark = pytest.mark.promocore_mechanic("nth_free")
```

The module then holds one test per law, named ``promocore_laws[nth_free-deterministic]``
and so on, beside its other tests. A broken law fails its test with the law, how it broke
and the shrunk example (campaign as config data, moment, cart and context).

The marker takes the mechanic's name (looked up in the default host: built-ins and installed
plugins) or a mechanic object, and optionally ``laws`` (law names or
[`Law`][promocore.testing.law.Law] objects; all of the mechanic's laws by default) and
``max_examples`` (examples per law; hypothesis' current profile by default). The command-line
option ``--promocore-examples N`` sets the examples per law for every marker that gives none.
The laws need the ``testing`` extra (``pip install promocore[testing]``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr
    from _pytest.reports import CollectReport

    from promocore.testing.check import LawCase

#: The marker's name.
MARKER = "promocore_mechanic"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--promocore-examples``."""
    parser.getgroup("promocore").addoption(
        "--promocore-examples",
        type=int,
        default=None,
        metavar="N",
        help="examples per promocore law, for markers that give no max_examples",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(mechanic, *, laws=None, max_examples=None): check a promocore mechanic "
        "(a name or an object) against the conformance laws, one test per law",
    )


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, CollectReport, CollectReport]:
    """Add the law tests of each marker to the test module that carries it."""
    report = yield
    if isinstance(collector, pytest.Module) and report.passed:
        for mark in collector.iter_markers(MARKER):
            report.result.extend(_items(collector, mark))
    return report


def _items(module: pytest.Module, mark: pytest.Mark) -> list[pytest.Item]:
    label = _label(mark)
    try:
        cases = _cases(module.config, mark)
    except Exception as exc:  # an unknown mechanic, a bad argument, no hypothesis
        return [_BrokenMarker.from_parent(module, name=f"promocore_laws[{label}]", error=exc)]
    return [
        LawItem.from_parent(module, name=f"promocore_laws[{case}]", case=case) for case in cases
    ]


def _label(mark: pytest.Mark) -> str:
    if not mark.args:
        return "?"
    target = mark.args[0]
    return target if isinstance(target, str) else str(getattr(target, "name", target))


def _cases(config: pytest.Config, mark: pytest.Mark) -> list[LawCase]:
    from promocore.testing.check import law_cases

    if len(mark.args) != 1:
        raise TypeError(f"{MARKER} takes one mechanic (a name or an object), got {mark.args!r}")
    options: dict[str, Any] = dict(mark.kwargs)
    laws: Iterable[Any] | None = options.pop("laws", None)
    examples = options.pop("max_examples", None)
    if options:
        raise TypeError(f"{MARKER} takes laws and max_examples, not {', '.join(sorted(options))}")
    if examples is None:
        examples = config.getoption("promocore_examples")
    return law_cases([mark.args[0]], laws=laws, max_examples=examples)


class LawItem(pytest.Item):
    """One law checked on one mechanic; fails with the law's shrunk counterexample."""

    def __init__(self, *, case: LawCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        """Check the law."""
        self.case.check()

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | TerminalRepr:
        """Show a broken law as the law, how it broke and the example; anything else as usual."""
        from promocore.testing.check import LawViolation

        if isinstance(excinfo.value, LawViolation):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        """Where the test is: its module, and which law on which mechanic."""
        return self.path, None, f"{self.case.law.name} on {self.case.mechanic.name}"


class _BrokenMarker(pytest.Item):
    """A marker whose law tests cannot be made; fails saying why."""

    def __init__(self, *, error: Exception, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise self.error

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | TerminalRepr:
        return f"{MARKER}: {type(self.error).__name__}: {self.error}"

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, self.name
