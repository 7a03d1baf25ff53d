"""Running mechanics through the laws: one call, or one pytest case per law."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import hypothesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from hypothesis.errors import Flaky, HypothesisException

from promocore.errors import PromocoreError
from promocore.hookspecs import hookimpl
from promocore.mechanic import Mechanic
from promocore.mechanics import BUILTIN_PLUGINS
from promocore.plugins import PluginHost, make_host
from promocore.testing.describe import describe
from promocore.testing.law import Law, Sample
from promocore.testing.laws import laws_for
from promocore.testing.profiles import CartsFactory
from promocore.testing.samples import Example, examples


class LawViolation(PromocoreError, AssertionError):
    """A mechanic broke a law; ``sample`` is the (shrunk) example that shows it.

    Attributes:
        mechanic: The mechanic's name.
        law: The law's name.
        detail: How the law was broken.
        sample: The example, after shrinking.
    """

    def __init__(self, mechanic: str, law: str, detail: str, sample: Sample) -> None:
        self.mechanic = mechanic
        self.law = law
        self.detail = detail
        self.sample = sample
        super().__init__(f"{mechanic} breaks {law}: {detail}\n{describe(sample)}")


class MechanicLawError(PromocoreError, AssertionError):
    """One or more laws were broken; ``violations`` holds one per broken law."""

    def __init__(self, violations: Sequence[LawViolation]) -> None:
        self.violations = tuple(violations)
        parts = "\n\n".join(str(v) for v in self.violations)
        super().__init__(f"{len(self.violations)} law(s) broken:\n\n{parts}")


@attrs.frozen
class LawReport:
    """The laws a mechanic was checked against and obeyed."""

    mechanic: str
    laws: tuple[str, ...]


class _OnePlugin:
    """A plugin providing one mechanic, for checking a mechanic no host registers."""

    def __init__(self, mechanic: Mechanic) -> None:
        self.mechanic = mechanic

    @hookimpl
    def promocore_mechanics(self) -> list[Mechanic]:
        return [self.mechanic]


def resolve(
    mechanic: Mechanic | str, host: PluginHost | None = None
) -> tuple[Mechanic, PluginHost]:
    """Find ``mechanic`` and a host that provides it.

    A name is looked up in ``host`` (built-ins plus entry points by default). A
    mechanic object is checked in ``host`` when it is registered there (or, with no
    host given, in the default host); otherwise in a host holding only it.

    Raises:
        UnknownMechanicError: no mechanic has the name.
        PromocoreError: ``host`` registers another mechanic under the same name.
    """
    if isinstance(mechanic, str):
        found = host if host is not None else make_host()
        return found.mechanic(mechanic), found
    candidate = host if host is not None else make_host()
    registered = candidate.mechanics.get(mechanic.name)
    if registered is not None and registered == mechanic:
        return registered, candidate
    if registered is not None and host is not None:
        raise PromocoreError(f"the host registers another mechanic named {mechanic.name!r}")
    alone = make_host(autoload=False, block=BUILTIN_PLUGINS, plugins=[_OnePlugin(mechanic)])
    return mechanic, alone


def _settings(given: hypothesis.settings | None, max_examples: int | None) -> hypothesis.settings:
    parent = given if given is not None else hypothesis.settings()
    options: dict[str, Any] = {
        "deadline": None,
        "report_multiple_bugs": False,
        "suppress_health_check": [*parent.suppress_health_check, HealthCheck.too_slow],
        # the violation describes the example itself; hypothesis' explain phase is slow here
        "phases": [phase for phase in parent.phases if phase is not Phase.explain],
    }
    if max_examples is not None:
        options["max_examples"] = max_examples
    return hypothesis.settings(parent, **options)


def check_law(
    mechanic: Mechanic | str,
    law: Law,
    *,
    host: PluginHost | None = None,
    params: st.SearchStrategy[Any] | None = None,
    carts: CartsFactory | None = None,
    settings: hypothesis.settings | None = None,
    max_examples: int | None = None,
) -> None:
    """Check one law; raise `LawViolation` with the shrunk example if it breaks.

    Args are as for [`check_mechanic`][promocore.testing.check.check_mechanic]. Do not call it
    inside a ``@given`` test.

    Raises:
        LawViolation: an example broke the law. An example that broke it once and not when
            hypothesis ran it again (answers that depend on more than the example, such as
            state kept across calls) is reported too, with the example as first drawn.
    """
    subject, plugins = resolve(mechanic, host)
    drawn = examples(subject, host=plugins, params=params, carts=carts)
    fresh = _fresh_copies(subject)
    first: list[LawViolation] = []  # the first violation seen, for a flaky report

    def run(data: st.DataObject) -> None:
        example: Example = data.draw(drawn, label="example")
        sample = Sample(
            subject,
            plugins,
            example.campaign,
            example.cart,
            example.at,
            example.context,
            data.draw,
            fresh=fresh,
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # advice params give about themselves
                law.check(sample)
        except HypothesisException:
            raise
        except AssertionError as exc:
            raise remember(LawViolation(subject.name, law.name, str(exc), sample)) from exc
        except Exception as exc:
            detail = f"raised {type(exc).__name__}: {exc}"
            raise remember(LawViolation(subject.name, law.name, detail, sample)) from exc

    def remember(violation: LawViolation) -> LawViolation:
        if not first:
            first.append(violation)
        return violation

    test = hypothesis.given(st.data())(run)
    inner = getattr(getattr(test, "hypothesis", None), "inner_test", None)
    if inner is not None:
        inner._hypothesis_internal_add_digest = f"{subject.name}/{law.name}".encode()
    try:
        _settings(settings, max_examples)(test)()
    except Flaky as exc:
        if not first:
            raise
        # The example broke the law once and not when run again: the mechanic (or its
        # strategies) depends on something besides the example, such as state kept across calls.
        seen = first[0]
        detail = (
            "the same example broke the law once and obeyed it when run again, so the answers "
            "depend on more than the example (state kept across calls?); it first broke it "
            f"with: {seen.detail}"
        )
        raise LawViolation(subject.name, law.name, detail, seen.sample) from exc


def _fresh_copies(mechanic: Mechanic) -> Callable[[], Mechanic]:
    """Return a maker of copies of ``mechanic`` as it is now, before the law uses it.

    A mechanic that cannot be deep-copied is handed out as it is.
    """
    try:
        pristine = copy.deepcopy(mechanic)
    except Exception:  # a lock, a module, a connection: nothing to compare against
        return lambda: mechanic

    def make() -> Mechanic:
        made: Mechanic = copy.deepcopy(pristine)
        return made

    return make


def check_mechanic(
    mechanic: Mechanic | str,
    *,
    host: PluginHost | None = None,
    laws: Iterable[Law | str] | None = None,
    params: st.SearchStrategy[Any] | None = None,
    carts: CartsFactory | None = None,
    settings: hypothesis.settings | None = None,
    max_examples: int | None = None,
) -> LawReport:
    """Run a mechanic through every law it must obey.

    Args:
        mechanic: The mechanic, or the name of a registered one.
        host: A host providing it; by default the built-ins and entry points, or a host
            of its own when the mechanic is not registered.
        laws: Laws (or law names) to check; by default the standard laws and the ones
            the mechanic declares.
        params: A strategy of params to use instead of the mechanic's own.
        carts: Builds a strategy of carts for a campaign, instead of the default carts.
        settings: Hypothesis settings to start from (the current profile by default).
        max_examples: Examples per law.

    Returns:
        The laws checked, all obeyed.

    Raises:
        MechanicLawError: some laws were broken; each violation carries its shrunk example.
    """
    subject, plugins = resolve(mechanic, host)
    chosen = _choose(subject, laws)
    violations: list[LawViolation] = []
    for law in chosen:
        try:
            check_law(
                subject,
                law,
                host=plugins,
                params=params,
                carts=carts,
                settings=settings,
                max_examples=max_examples,
            )
        except LawViolation as exc:
            violations.append(exc)
    if violations:
        raise MechanicLawError(violations)
    return LawReport(subject.name, tuple(law.name for law in chosen))


def _choose(mechanic: Mechanic, laws: Iterable[Law | str] | None) -> tuple[Law, ...]:
    known = laws_for(mechanic)
    if laws is None:
        return known
    by_name = {law.name: law for law in known}
    chosen: list[Law] = []
    for item in laws:
        if isinstance(item, Law):
            chosen.append(item)
        elif item in by_name:
            chosen.append(by_name[item])
        else:
            raise PromocoreError(f"unknown law {item!r} (known: {', '.join(by_name)})")
    return tuple(chosen)


@attrs.frozen
class LawCase:
    """One mechanic and one law, as a pytest parameter; ``str()`` is its test id."""

    mechanic: Mechanic
    law: Law
    host: PluginHost = attrs.field(eq=False)
    settings: hypothesis.settings | None = attrs.field(default=None, eq=False)
    max_examples: int | None = None

    def check(self) -> None:
        """Check the law; raise `LawViolation` if it breaks."""
        check_law(
            self.mechanic,
            self.law,
            host=self.host,
            settings=self.settings,
            max_examples=self.max_examples,
        )

    def __str__(self) -> str:
        return f"{self.mechanic.name}-{self.law.name}"


def law_cases(
    mechanics: Iterable[Mechanic | str] | None = None,
    *,
    host: PluginHost | None = None,
    laws: Iterable[Law | str] | None = None,
    settings: hypothesis.settings | None = None,
    max_examples: int | None = None,
) -> list[LawCase]:
    """Return one case per mechanic and law, for ``pytest.mark.parametrize``.

    Examples:
        >>> cases = law_cases()  # every registered mechanic
        >>> # @pytest.mark.parametrize("case", cases, ids=str)
        >>> # def test_laws(case): case.check()

    Args:
        mechanics: Mechanics or names; every mechanic of ``host`` by default.
        host: Where mechanics come from; built-ins plus entry points by default.
        laws: Laws (or law names) to check; by default each mechanic's own laws.
        settings: Hypothesis settings to start from.
        max_examples: Examples per law.
    """
    plugins = host if host is not None else make_host()
    chosen = list(plugins.mechanics.values()) if mechanics is None else list(mechanics)
    wanted = None if laws is None else tuple(laws)
    cases: list[LawCase] = []
    for item in chosen:
        subject, own = resolve(item, plugins)
        chosen_laws = _choose(subject, wanted)
        cases.extend(LawCase(subject, law, own, settings, max_examples) for law in chosen_laws)
    return cases
