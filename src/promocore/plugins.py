"""Building the plugin manager and a typed facade over its hooks.

Built-in mechanics are registered first, under names such as
``promocore.tiered_discount``; then plugins of the ``promocore`` entry-point
group are loaded unless autoloading is off (argument, or the environment
variable ``PROMOCORE_DISABLE_PLUGIN_AUTOLOAD``). Any plugin, built-in or not, can
be blocked by name. No manager exists at import time: call
[`make_host`][promocore.plugins.make_host], or let an engine built without a host use the
shared [`default_host`][promocore.plugins.default_host].
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import importlib.metadata
import logging
import os
import sys
import threading
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
import pluggy

from promocore import hookspecs
from promocore.campaign import Campaign
from promocore.cart import Cart
from promocore.conditions import BUILTIN_KINDS, COMBINATIONS
from promocore.errors import (
    PluginError,
    PluginLoadError,
    PluginWarning,
    Problem,
    UnknownMechanicError,
)
from promocore.finalize import Amendment
from promocore.mechanic import Mechanic, check_mechanic, members_of
from promocore.mechanics import BUILTIN_PLUGINS
from promocore.quote import Quote

if TYPE_CHECKING:
    from promocore.analytics.alerts import Alert
    from promocore.experiments.exposure import Exposure

#: Entry-point group third-party plugins register under.
ENTRY_POINT_GROUP = "promocore"
#: Set to a non-empty value to skip loading entry-point plugins.
DISABLE_AUTOLOAD_ENV = "PROMOCORE_DISABLE_PLUGIN_AUTOLOAD"


#: Set to a non-empty value to go on without plugins that cannot be loaded (with a warning).
SKIP_BROKEN_ENV = "PROMOCORE_SKIP_BROKEN_PLUGINS"

_log = logging.getLogger("promocore.plugins")
_skip_broken: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "promocore_skip_broken_plugins", default=None
)


@attrs.frozen(kw_only=True)
class PluginFailure:
    """A plugin that could not be loaded or registered, and why.

    Attributes:
        plugin: The plugin's name (its entry-point name for an installed plugin).
        distribution: The installed distribution that provides it, or ``None`` for a plugin
            registered in code.
        version: That distribution's version, or ``None``.
        error: What went wrong, naming the hook or member where it did
            (``promocore_mechanics raised RuntimeError: boom``).
    """

    plugin: str
    distribution: str | None
    version: str | None
    error: str

    def __str__(self) -> str:
        where = f" (distribution {self.distribution} {self.version})" if self.distribution else ""
        return f"plugin {self.plugin!r}{where}: {self.error}"


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _skipping(skip_broken: bool | None) -> bool:
    if skip_broken is not None:
        return skip_broken
    context = _skip_broken.get()
    if context is not None:
        return context
    return bool(os.environ.get(SKIP_BROKEN_ENV))


@contextlib.contextmanager
def skipping_broken_plugins(skip: bool | None = True) -> Iterator[None]:
    """Within the block, hosts made without ``skip_broken`` skip (or not) broken plugins.

    ``None`` leaves it to ``PROMOCORE_SKIP_BROKEN_PLUGINS``. The command line's
    ``--skip-broken-plugins`` works this way.
    """
    token = _skip_broken.set(skip)
    try:
        yield
    finally:
        _skip_broken.reset(token)


@attrs.define
class _Loaded:
    manager: pluggy.PluginManager
    distributions: dict[str, tuple[str, str]]
    failures: list[PluginFailure]


def _load(autoload: bool | None, block: Iterable[str], plugins: Iterable[object]) -> _Loaded:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in block:
        pm.set_blocked(name)
    for name, module in BUILTIN_PLUGINS.items():
        if not pm.is_blocked(name):
            pm.register(importlib.import_module(module), name=name)
    loaded = _Loaded(pm, {}, [])
    if autoload is None:
        autoload = not os.environ.get(DISABLE_AUTOLOAD_ENV)
    if autoload:
        _load_entry_points(loaded)
    for plugin in plugins:
        pm.register(plugin)
    return loaded


def _load_entry_points(loaded: _Loaded) -> None:
    """Load the ``promocore`` entry points one by one, recording each that fails."""
    pm = loaded.manager
    for dist in list(importlib.metadata.distributions()):
        for ep in dist.entry_points:
            if ep.group != ENTRY_POINT_GROUP or pm.get_plugin(ep.name) or pm.is_blocked(ep.name):
                continue
            distribution = str(dist.metadata["name"])
            version = str(dist.version)
            try:
                plugin = ep.load()
                pm.register(plugin, name=ep.name)
            except Exception as exc:
                loaded.failures.append(
                    PluginFailure(
                        plugin=ep.name,
                        distribution=distribution,
                        version=version,
                        error=f"cannot be loaded ({ep.value}): {_describe(exc)}",
                    )
                )
                continue
            loaded.distributions[ep.name] = (distribution, version)


def make_plugin_manager(
    *,
    autoload: bool | None = None,
    block: Iterable[str] = (),
    plugins: Iterable[object] = (),
) -> pluggy.PluginManager:
    """Create a plugin manager with the built-in mechanics and discovered plugins.

    The manager is not checked: [`make_host`][promocore.plugins.make_host] checks every
    plugin (unknown hooks, mechanics that break the interface) and reports those that fail.
    An entry point that cannot be imported is left out here, with a
    [`PluginWarning`][promocore.errors.PluginWarning].

    Args:
        autoload: Load entry-point plugins; ``None`` means yes unless
            ``PROMOCORE_DISABLE_PLUGIN_AUTOLOAD`` is set.
        block: Plugin names (built-in or entry-point names) not to register.
        plugins: Extra plugin objects or modules to register.
    """
    loaded = _load(autoload, block, plugins)
    for failure in loaded.failures:
        warnings.warn(f"{failure}; left out", PluginWarning, stacklevel=2)
    return loaded.manager


@attrs.frozen(kw_only=True)
class MechanicOrigin:
    """Where a registered mechanic comes from.

    Attributes:
        mechanic: The mechanic's name, as campaigns give it.
        plugin: The name the plugin is registered under (``promocore.price_off``, or the
            entry-point name of a third-party plugin); block it with ``make_host(block=[...])``.
        distribution: The installed distribution that provides the plugin (``promocore`` for
            the built-ins), or ``None`` for a plugin registered directly in code.
        version: That distribution's version, or ``None``.
    """

    mechanic: str
    plugin: str
    distribution: str | None
    version: str | None


T = TypeVar("T")


class PluginHost:
    """A typed facade over a plugin manager: mechanics by name and the other hooks.

    A host stands between promocore and its plugins, so that one plugin cannot break it:

    - [`check`][promocore.plugins.PluginHost.check] refuses, or with ``skip_broken`` leaves
      out with a [`PluginWarning`][promocore.errors.PluginWarning], every plugin that
      implements a hook promocore does not have (``pm.check_pending``), whose
      ``promocore_mechanics`` raises, or whose mechanics break the interface of
      [`MEMBERS`][promocore.mechanic.MEMBERS] or take a name another plugin has;
    - an observer hook that raises becomes a ``PluginWarning`` and the others still run;
    - a hook whose answer counts (validation, finalising a quote, converters, subcommands,
      testing profiles) that raises is a [`PluginError`][promocore.errors.PluginError] naming
      the plugin and the hook, or with ``skip_broken`` a warning, the plugin's answer left out;
    - [`mechanics`][promocore.plugins.PluginHost.mechanics] and
      [`origins`][promocore.plugins.PluginHost.origins] are read-only views.

    Args:
        manager: The plugin manager.
        skip_broken: Go on without broken plugins (warning) instead of raising
            [`PluginLoadError`][promocore.errors.PluginLoadError]; ``None`` follows
            ``PROMOCORE_SKIP_BROKEN_PLUGINS``.
    """

    def __init__(self, manager: pluggy.PluginManager, *, skip_broken: bool | None = None) -> None:
        self.manager = manager
        self.skip_broken = _skipping(skip_broken)
        self._mechanics: Mapping[str, Mechanic] | None = None
        self._shared = False
        self._origins: Mapping[str, MechanicOrigin] = MappingProxyType({})
        self._distributions: dict[str, tuple[str, str]] = {}
        self._failures: list[PluginFailure] = []
        self._unreported: list[PluginFailure] = []
        self._memo: dict[str, object] = {}
        self._kinds: dict[str, type] | None = None
        self._validators: dict[str, Callable[[Campaign], Sequence[Problem]]] = {}

    @property
    def failures(self) -> tuple[PluginFailure, ...]:
        """The plugins left out because they could not be loaded or registered."""
        return tuple(self._failures)

    def register(self, plugin: object, name: str | None = None) -> None:
        """Register one more plugin (a module or an object with hook implementations).

        Raises:
            PluginError: this is the shared [`default_host`][promocore.plugins.default_host],
                which every engine built without a host uses (make your own with
                ``make_host(plugins=[...])``); or the plugin is broken (see `check`): it is
                then not registered.
        """
        if self._shared:
            raise PluginError(
                "the default host is shared by every engine built without a host; "
                "register plugins on your own: make_host(plugins=[...])"
            )
        registered = self.manager.register(plugin, name=name)
        assert registered is not None
        self._mechanics = None
        self._memo.clear()
        self._kinds = None
        try:
            self.check(skip_broken=False)
        except PluginError:
            if self.manager.get_plugin(registered) is not None:
                self.manager.unregister(name=registered)
            self._mechanics = None
            raise

    def check(self, *, skip_broken: bool | None = None) -> None:
        """Check every registered plugin and collect the mechanics.

        Runs ``pm.check_pending()`` plugin by plugin (a misspelt or retired hook name is
        refused), asks each plugin for its mechanics and checks each against the mechanic
        interface, and refuses two mechanics of one name. Plugins that failed to load are
        reported too.

        Args:
            skip_broken: Leave broken plugins out with a warning instead of raising;
                ``None`` uses the host's ``skip_broken``.

        Raises:
            PluginLoadError: a plugin is broken and broken plugins are not skipped; the
                message names each, with its distribution and the error.
        """
        skip = self.skip_broken if skip_broken is None else skip_broken
        failures, self._unreported = self._unreported, []
        for plugin, error in self._pending():
            failures.append(self._failure(plugin, error))
            if self.manager.get_plugin(plugin) is not None:
                self.manager.unregister(name=plugin)
        while True:  # each round unregisters a broken plugin: this ends
            found, origins, broken = self._collect()
            for plugin, failure in broken:
                failures.append(failure)
                self.manager.unregister(name=plugin)
            if not broken:
                break
        self.manager.check_pending()  # what is left implements only promocore's hooks
        self._mechanics = MappingProxyType(found)
        self._origins = MappingProxyType(origins)
        self._validators = {
            name: check
            for name, mechanic in found.items()
            if (check := members_of(mechanic).validate) is not None
        }
        self._memo.clear()
        if not failures:
            return
        if not skip:
            message = "; ".join(str(f) for f in failures)
            raise PluginLoadError(
                f"broken plugin(s): {message} (skip them with skip_broken=True, "
                f"{SKIP_BROKEN_ENV}=1 or --skip-broken-plugins)",
                tuple(failures),
            )
        self._failures.extend(failures)
        for failure in failures:
            warnings.warn(f"{failure}; left out", PluginWarning, stacklevel=3)

    def _names(self) -> list[str]:
        names = []
        for plugin in self.manager.get_plugins():
            name = self.manager.get_name(plugin)
            if name is not None:
                names.append(name)
        return names

    def _pending(self) -> list[tuple[str, str]]:
        """``(plugin, problem)`` for every implementation of a hook that has no spec."""
        found = []
        for name, caller in sorted(vars(self.manager.hook).items()):
            if not isinstance(caller, pluggy.HookCaller) or caller.has_spec():
                continue
            for impl in caller.get_hookimpls():
                if not impl.optionalhook:
                    found.append(
                        (
                            impl.plugin_name,
                            f"implements {name}, which is not a promocore hook "
                            "(misspelt or retired; see promocore.hookspecs)",
                        )
                    )
        return found

    def _origin_of(self, plugin: str) -> tuple[str | None, str | None]:
        if plugin in self._distributions:
            return self._distributions[plugin]
        if plugin in BUILTIN_PLUGINS:
            return "promocore", _own_version()
        return None, None

    def _label(self, plugin: str) -> str:
        """The plugin's name, with its class or module for one registered in code by id."""
        if plugin.isdigit():
            obj = self.manager.get_plugin(plugin)
            if obj is not None:
                return f"{plugin} ({getattr(obj, '__name__', type(obj).__name__)})"
        return plugin

    def _failure(self, plugin: str, error: str) -> PluginFailure:
        distribution, version = self._origin_of(plugin)
        return PluginFailure(
            plugin=self._label(plugin), distribution=distribution, version=version, error=error
        )

    def _collect(
        self,
    ) -> tuple[dict[str, Mechanic], dict[str, MechanicOrigin], list[tuple[str, PluginFailure]]]:
        found: dict[str, Mechanic] = {}
        origins: dict[str, MechanicOrigin] = {}
        broken: list[tuple[str, PluginFailure]] = []
        for impl in self.manager.hook.promocore_mechanics.get_hookimpls():
            plugin = impl.plugin_name
            distribution, version = self._origin_of(plugin)
            try:
                batch = list(cast("Iterable[object]", impl.function()))
            except Exception as exc:
                error = f"promocore_mechanics raised {_describe(exc)}"
                broken.append((plugin, self._failure(plugin, error)))
                continue
            mine: dict[str, Mechanic] = {}
            problems: list[str] = []
            for mechanic in batch:
                wrong = check_mechanic(mechanic)
                if wrong:
                    label = getattr(mechanic, "name", None)
                    what = f"mechanic {label!r}" if isinstance(label, str) else repr(mechanic)
                    problems.extend(f"{what}: {w}" for w in wrong)
                    continue
                known = cast("Mechanic", mechanic)
                name = known.name
                if name in found or name in mine:
                    other = origins.get(name)
                    first = other.plugin if other is not None else plugin
                    where = f" ({other.distribution})" if other and other.distribution else ""
                    problems.append(
                        f"two plugins provide a mechanic named {name!r}: {first!r}{where} "
                        f"and {plugin!r}" + (f" ({distribution})" if distribution else "")
                    )
                    continue
                mine[name] = known
            if problems:
                broken.append((plugin, self._failure(plugin, "; ".join(problems))))
                continue
            for name, mechanic in mine.items():
                found[name] = mechanic
                origins[name] = MechanicOrigin(
                    mechanic=name, plugin=plugin, distribution=distribution, version=version
                )
        return dict(sorted(found.items())), dict(sorted(origins.items())), broken

    @property
    def mechanics(self) -> Mapping[str, Mechanic]:
        """Every registered mechanic by name (a read-only view).

        Raises:
            PluginLoadError: a plugin is broken (see `check`).
        """
        mechanics = self._mechanics
        if mechanics is None:
            self.check()
            mechanics = self._mechanics
            assert mechanics is not None
        return mechanics

    def origins(self) -> Mapping[str, MechanicOrigin]:
        """Where each registered mechanic comes from, by mechanic name (a read-only view).

        Raises:
            PluginLoadError: as for [`mechanics`][promocore.plugins.PluginHost.mechanics].
        """
        if self._mechanics is None:
            self.check()
        return self._origins

    def mechanic(self, name: str) -> Mechanic:
        """Return the mechanic called ``name``.

        Raises:
            UnknownMechanicError: no plugin provides it.
        """
        try:
            return self.mechanics[name]
        except KeyError:
            known = ", ".join(self.mechanics) or "none"
            raise UnknownMechanicError(f"unknown mechanic {name!r} (registered: {known})") from None

    @property
    def condition_kinds(self) -> Mapping[str, type]:
        """Every condition class campaign files may name, by kind: built-in and plugins'.

        Raises:
            PluginError: a plugin gives a class without a text ``kind`` or not an attrs
                class, or a kind another plugin (or a built-in) already has.
        """
        if self._kinds is None:
            found: dict[str, type] = dict(BUILTIN_KINDS)
            owners = dict.fromkeys(found, "promocore")
            owners.update(dict.fromkeys(COMBINATIONS, "promocore"))
            for impl in self.manager.hook.promocore_condition_kinds.get_hookimpls():
                for cls in cast("Iterable[object]", impl.function()):
                    kind = getattr(cls, "kind", None)
                    if not (isinstance(cls, type) and attrs.has(cls) and isinstance(kind, str)):
                        raise PluginError(
                            f"plugin {impl.plugin_name!r}: {cls!r} is not an attrs class "
                            "with a text kind"
                        )
                    if kind in owners:
                        raise PluginError(
                            f"two plugins provide a condition kind {kind!r}: "
                            f"{owners[kind]!r} and {impl.plugin_name!r}"
                        )
                    owners[kind] = impl.plugin_name
                    found[kind] = cls
            self._kinds = dict(sorted(found.items()))
        return self._kinds

    # -- calling hooks ----------------------------------------------------------------------

    def _answers(self, hook: str, **arguments: Any) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook``, newest first; ``(plugin, answer)`` pairs.

        An implementation that raises is a ``PluginError`` naming it, or with
        ``skip_broken`` a warning and no answer. With a wrapper among them the hook is
        called as one, and an error names no plugin.
        """
        caller: pluggy.HookCaller = getattr(self.manager.hook, hook)
        impls = caller.get_hookimpls()
        if any(impl.hookwrapper or impl.wrapper for impl in impls):
            try:
                return [("", answer) for answer in caller(**arguments)]
            except Exception as exc:
                self._broke("a plugin", hook, exc)
                return []
        answers = []
        for impl in reversed(impls):
            try:
                answer = impl.function(*(arguments[name] for name in impl.argnames))
            except Exception as exc:
                self._broke(f"plugin {self._label(impl.plugin_name)!r}", hook, exc)
                continue
            if answer is not None:
                answers.append((impl.plugin_name, answer))
        return answers

    def _broke(self, who: str, hook: str, exc: Exception) -> None:
        message = f"{who} raised in {hook}: {_describe(exc)}"
        if not self.skip_broken:
            raise PluginError(message) from exc
        warnings.warn(f"{message}; its answer is left out", PluginWarning, stacklevel=4)

    def _notify(self, hook: str, **arguments: Any) -> None:
        """Call every implementation of an observer ``hook``; errors become warnings."""
        caller: pluggy.HookCaller = getattr(self.manager.hook, hook)
        for impl in reversed(caller.get_hookimpls()):
            if impl.hookwrapper or impl.wrapper:
                continue
            try:
                impl.function(*(arguments[name] for name in impl.argnames))
            except Exception as exc:
                label = self._label(impl.plugin_name)
                _log.error(  # the traceback only for those who asked for debugging
                    "plugin %r failed in %s: %s",
                    label,
                    hook,
                    _describe(exc),
                    exc_info=_log.isEnabledFor(logging.DEBUG),
                )
                warnings.warn(
                    f"plugin {label!r} raised in {hook}: {_describe(exc)}; ignored",
                    PluginWarning,
                    stacklevel=4,
                )

    def memoised(self, key: str, build: Callable[[], T]) -> T:
        """What ``build`` gives, built once and kept until a plugin is registered (a converter)."""
        if key not in self._memo:
            self._memo[key] = build()
        return cast("T", self._memo[key])

    # -- the hooks, typed -------------------------------------------------------------------

    def validate_campaign(self, campaign: Campaign) -> list[Problem]:
        """Collect the problems its mechanic and the plugins find with ``campaign``."""
        return list(self.validate_campaigns([campaign])[0])

    def validate_campaigns(self, campaigns: Sequence[Campaign]) -> list[tuple[Problem, ...]]:
        """Collect the problems of each of ``campaigns``, in one pass.

        Each campaign is checked by its own mechanic's ``validate``, if it has one; then
        campaigns are batched by mechanic name, one ``promocore_validate_campaigns`` call
        per name, for the checks plugins make across mechanics. A campaign whose mechanic
        is unknown, or whose params are not of its mechanic's type, is left to the caller.

        Returns:
            The problems of each campaign, in order (paths relative to the campaign).

        Raises:
            PluginError: a mechanic's ``validate`` or a plugin's hook raised (with
                ``skip_broken``: a warning, and its answer left out).
        """
        found: dict[int, list[Problem]] = {}
        batches: dict[str, list[int]] = defaultdict(list)
        mechanics = self.mechanics
        origins = self._origins
        for i, campaign in enumerate(campaigns):
            batches[campaign.mechanic].append(i)
        for name, positions in batches.items():
            check = self._validators.get(name)
            if check is not None:
                mechanic = mechanics[name]
                for i in positions:
                    campaign = campaigns[i]
                    if not isinstance(campaign.params, mechanic.params_type):
                        continue
                    try:
                        problems = list(check(campaign))
                    except Exception as exc:
                        self._broke(f"plugin {origins[name].plugin!r}", f"{name}.validate", exc)
                        continue
                    if problems:
                        found.setdefault(i, []).extend(problems)
            batch = [campaigns[i] for i in positions]
            for _, pairs in self._answers(
                "promocore_validate_campaigns", mechanic=name, campaigns=batch
            ):
                for k, problem in pairs:
                    found.setdefault(positions[k], []).append(problem)
        out: list[tuple[Problem, ...]] = [()] * len(campaigns)
        for i, problems in found.items():
            out[i] = tuple(problems)
        return out

    def finalize_quote(self, cart: Cart, quote: Quote, at: datetime) -> list[Amendment]:
        """Ask every ``promocore_finalize_quote`` implementation about a priced quote.

        Returns:
            Each plugin's [`Amendment`][promocore.finalize.Amendment], in call order; none
            when no plugin implements the hook (the engine then does nothing more).

        Raises:
            PluginError: an implementation raised or answered something other than an
                ``Amendment`` (with ``skip_broken``: a warning, and its answer left out).
        """
        if not self.manager.hook.promocore_finalize_quote.get_hookimpls():
            return []
        out = []
        for plugin, answer in self._answers(
            "promocore_finalize_quote", cart=cart, quote=quote, at=at
        ):
            if not isinstance(answer, Amendment):
                self._broke(
                    f"plugin {self._label(plugin)!r}",
                    "promocore_finalize_quote",
                    TypeError(f"answered {answer!r}, not an Amendment or None"),
                )
                continue
            out.append(answer)
        return out

    def extend_converter(self, converter: Any) -> Any:
        """Let every ``promocore_human_converter`` implementation add hooks to ``converter``.

        Returns:
            ``converter``.
        """
        self._answers("promocore_human_converter", converter=converter)
        return converter

    def has_converter_hooks(self) -> bool:
        """True if a plugin adds hooks to the human-profile converter."""
        return bool(self.manager.hook.promocore_human_converter.get_hookimpls())

    def add_commands(self, subparsers: Any) -> None:
        """Let every ``promocore_add_commands`` implementation add its subcommands."""
        self._answers("promocore_add_commands", subparsers=subparsers)

    def testing_profile(self, mechanic: Mechanic) -> Any:
        """The first testing profile a ``promocore_testing_profile`` implementation gives."""
        for _, answer in self._answers("promocore_testing_profile", mechanic=mechanic):
            return answer
        return None

    def quote_priced(self, cart: Cart, quote: Quote) -> None:
        """Tell observers a quote was priced; one that raises is a warning."""
        if self.manager.hook.promocore_quote_priced.get_hookimpls():
            self._notify("promocore_quote_priced", cart=cart, quote=quote)

    def experiment_exposure(self, exposure: Exposure) -> None:
        """Tell observers a unit was served an arm of an experiment; errors are warnings."""
        self._notify("promocore_experiment_exposure", exposure=exposure)

    def alert_raised(self, alert: Alert) -> None:
        """Pass a campaign alert to every plugin's ``promocore_alert``; errors are warnings."""
        self._notify("promocore_alert", alert=alert)

    def game_event(self, game: str, record_id: str, event: object, at: datetime) -> None:
        """Tell every ``promocore_game_event`` implementation about a saved game event.

        Each implementation is called on its own: one that raises is logged and warned
        about, and the others still hear of the event.
        """
        self._notify("promocore_game_event", game=game, record_id=record_id, event=event, at=at)


def _own_version() -> str:
    import promocore

    return promocore.__version__


def make_host(
    *,
    autoload: bool | None = None,
    block: Iterable[str] = (),
    plugins: Iterable[object] = (),
    skip_broken: bool | None = None,
) -> PluginHost:
    """Create a checked `PluginHost`: built-ins, entry-point plugins and ``plugins``.

    Every plugin is checked (see [`PluginHost.check`][promocore.plugins.PluginHost.check]):
    an entry point that cannot be imported, a hook name promocore does not have, a
    ``promocore_mechanics`` that raises, a mechanic that breaks the interface or takes a
    name already taken.

    Args:
        autoload: Load entry-point plugins; ``None`` means yes unless
            ``PROMOCORE_DISABLE_PLUGIN_AUTOLOAD`` is set.
        block: Plugin names (built-in or entry-point names) not to register.
        plugins: Extra plugin objects or modules to register.
        skip_broken: Leave broken plugins out, each with a
            [`PluginWarning`][promocore.errors.PluginWarning], and list them in
            ``host.failures``; ``None`` follows ``PROMOCORE_SKIP_BROKEN_PLUGINS``.

    Raises:
        PluginLoadError: a plugin is broken and broken plugins are not skipped; the message
            names each plugin, its distribution and the error.
    """
    loaded = _load(autoload, block, plugins)
    host = PluginHost(loaded.manager, skip_broken=skip_broken)
    host._distributions = loaded.distributions
    host._unreported = loaded.failures
    host.check()
    return host


_INSTALL_DIRS = frozenset({"site-packages", "dist-packages"})
_default_lock = threading.Lock()
_default: tuple[object, PluginHost] | None = None


def _default_key() -> object:
    """What the default host depends on: the autoload switch and, if on, the installed plugins.

    Installing or removing a distribution changes the modification time of the
    ``site-packages`` directory it goes into, which is far cheaper to look at than the entry
    points. Other directories on ``sys.path`` (a script's own, often written to) are not
    watched.
    """
    switch = os.environ.get(DISABLE_AUTOLOAD_ENV, "")
    skip = _skipping(None)
    if switch:
        return switch, skip
    stamps: list[tuple[str, int | None]] = []
    for entry in sys.path:
        if os.path.basename(entry.rstrip("/\\")) in _INSTALL_DIRS:
            try:
                stamps.append((entry, os.stat(entry).st_mtime_ns))
            except OSError:
                stamps.append((entry, None))
    return tuple(stamps), skip


def default_host() -> PluginHost:
    """The host engines use when built without one: built-ins plus entry-point plugins.

    Built once and shared, so that [`price`][promocore.engine.price] does not build a plugin
    manager and scan entry points on every call. It is built again when
    ``PROMOCORE_DISABLE_PLUGIN_AUTOLOAD`` changes or a distribution is installed or removed
    in a ``site-packages`` directory on ``sys.path``;
    [`reset_default_host`][promocore.plugins.reset_default_host] forces it (after adding a
    plugin some other way at run time).
    It refuses `PluginHost.register`: build your own host to add plugins.
    """
    global _default
    key = _default_key()
    cached = _default
    if cached is not None and cached[0] == key:
        return cached[1]
    with _default_lock:
        cached = _default
        if cached is None or cached[0] != key:
            host = make_host()
            host._shared = True
            cached = _default = (key, host)
    return cached[1]


def reset_default_host() -> None:
    """Forget the default host: the next `default_host` call builds a new one."""
    global _default
    with _default_lock:
        _default = None
