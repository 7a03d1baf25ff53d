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

import importlib
import logging
import os
import sys
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import attrs
import pluggy

from promocore import hookspecs
from promocore.campaign import Campaign
from promocore.cart import Cart
from promocore.conditions import BUILTIN_KINDS, COMBINATIONS
from promocore.errors import PluginError, Problem, UnknownMechanicError
from promocore.mechanic import Mechanic
from promocore.mechanics import BUILTIN_PLUGINS
from promocore.quote import Quote

if TYPE_CHECKING:
    from promocore.analytics.alerts import Alert
    from promocore.experiments.exposure import Exposure

#: Entry-point group third-party plugins register under.
ENTRY_POINT_GROUP = "promocore"
#: Set to a non-empty value to skip loading entry-point plugins.
DISABLE_AUTOLOAD_ENV = "PROMOCORE_DISABLE_PLUGIN_AUTOLOAD"

_log = logging.getLogger("promocore.plugins")


def make_plugin_manager(
    *,
    autoload: bool | None = None,
    block: Iterable[str] = (),
    plugins: Iterable[object] = (),
) -> pluggy.PluginManager:
    """Create a plugin manager with the built-in mechanics and discovered plugins.

    Args:
        autoload: Load entry-point plugins; ``None`` means yes unless
            ``PROMOCORE_DISABLE_PLUGIN_AUTOLOAD`` is set.
        block: Plugin names (built-in or entry-point names) not to register.
        plugins: Extra plugin objects or modules to register.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in block:
        pm.set_blocked(name)
    for name, module in BUILTIN_PLUGINS.items():
        if not pm.is_blocked(name):
            pm.register(importlib.import_module(module), name=name)
    if autoload is None:
        autoload = not os.environ.get(DISABLE_AUTOLOAD_ENV)
    if autoload:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in plugins:
        pm.register(plugin)
    return pm


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


class PluginHost:
    """A typed facade over a plugin manager: mechanics by name and the other hooks."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager
        self._mechanics: dict[str, Mechanic] | None = None
        self._shared = False
        self._origins: dict[str, MechanicOrigin] = {}
        self._kinds: dict[str, type] | None = None

    def register(self, plugin: object, name: str | None = None) -> None:
        """Register one more plugin (a module or an object with hook implementations).

        Raises:
            PluginError: this is the shared [`default_host`][promocore.plugins.default_host],
                which every engine built without a host uses; make your own with
                ``make_host(plugins=[...])``.
        """
        if self._shared:
            raise PluginError(
                "the default host is shared by every engine built without a host; "
                "register plugins on your own: make_host(plugins=[...])"
            )
        self.manager.register(plugin, name=name)
        self._mechanics = None
        self._kinds = None

    @property
    def mechanics(self) -> Mapping[str, Mechanic]:
        """Every registered mechanic by name.

        Raises:
            PluginError: two plugins provide the same name, or an object is not a mechanic.
        """
        if self._mechanics is None:
            self._collect()
        assert self._mechanics is not None
        return self._mechanics

    def origins(self) -> Mapping[str, MechanicOrigin]:
        """Where each registered mechanic comes from, by mechanic name.

        Raises:
            PluginError: as for [`mechanics`][promocore.plugins.PluginHost.mechanics].
        """
        if self._mechanics is None:
            self._collect()
        return self._origins

    def _collect(self) -> None:
        distributions = {id(plugin): dist for plugin, dist in self.manager.list_plugin_distinfo()}
        found: dict[str, Mechanic] = {}
        origins: dict[str, MechanicOrigin] = {}
        for impl in self.manager.hook.promocore_mechanics.get_hookimpls():
            plugin = impl.plugin_name
            dist = distributions.get(id(impl.plugin))
            distribution: str | None
            version: str | None
            if dist is not None:
                distribution, version = str(dist.project_name), str(dist.version)
            elif plugin in BUILTIN_PLUGINS:
                distribution, version = "promocore", _own_version()
            else:
                distribution = version = None
            batch = cast("Iterable[object]", impl.function())
            for mechanic in batch:
                if not isinstance(mechanic, Mechanic):
                    raise PluginError(
                        f"plugin {plugin!r}: {mechanic!r} does not implement the Mechanic protocol"
                    )
                if mechanic.name in found:
                    raise PluginError(
                        f"two plugins provide a mechanic named {mechanic.name!r}: "
                        f"{origins[mechanic.name].plugin!r} and {plugin!r}"
                    )
                found[mechanic.name] = mechanic
                origins[mechanic.name] = MechanicOrigin(
                    mechanic=mechanic.name,
                    plugin=plugin,
                    distribution=distribution,
                    version=version,
                )
        self._mechanics = dict(sorted(found.items()))
        self._origins = dict(sorted(origins.items()))

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

    def validate_campaign(self, campaign: Campaign) -> list[Problem]:
        """Collect the problems plugins find with ``campaign``."""
        return list(self.validate_campaigns([campaign])[0])

    def validate_campaigns(self, campaigns: Sequence[Campaign]) -> list[tuple[Problem, ...]]:
        """Collect the problems plugins find with each of ``campaigns``, in one pass.

        Campaigns are batched by mechanic name: one ``promocore_validate_campaigns`` call
        per name. Implementations of the one-campaign ``promocore_validate_campaign`` are
        then called for each campaign directly, in pluggy's order, without the cost of a
        hook call each (through the hook when one is a wrapper).

        Returns:
            The problems of each campaign, in order (paths relative to the campaign).
        """
        found: dict[int, list[Problem]] = {}
        batches: dict[str, list[int]] = defaultdict(list)
        for i, campaign in enumerate(campaigns):
            batches[campaign.mechanic].append(i)
        hook = self.manager.hook
        for mechanic, positions in batches.items():
            batch = [campaigns[i] for i in positions]
            results = hook.promocore_validate_campaigns(mechanic=mechanic, campaigns=batch)
            for pairs in results:
                for k, problem in pairs:
                    found.setdefault(positions[k], []).append(problem)
        impls = hook.promocore_validate_campaign.get_hookimpls()
        if any(impl.hookwrapper or impl.wrapper for impl in impls):
            for i, campaign in enumerate(campaigns):
                each: list[list[Problem]] = hook.promocore_validate_campaign(campaign=campaign)
                for problems in each:
                    if problems:
                        found.setdefault(i, []).extend(problems)
        elif impls:
            calls = [(impl.function, bool(impl.argnames)) for impl in reversed(impls)]  # LIFO
            for i, campaign in enumerate(campaigns):
                for function, takes_campaign in calls:
                    given = function(campaign) if takes_campaign else function()
                    if given:
                        found.setdefault(i, []).extend(cast("list[Problem]", given))
        out: list[tuple[Problem, ...]] = [()] * len(campaigns)
        for i, problems in found.items():
            out[i] = tuple(problems)
        return out

    def quote_priced(self, cart: Cart, quote: Quote) -> None:
        """Tell observers a quote was priced."""
        self.manager.hook.promocore_quote_priced(cart=cart, quote=quote)

    def experiment_exposure(self, exposure: Exposure) -> None:
        """Tell observers a unit was served an arm of an experiment."""
        self.manager.hook.promocore_experiment_exposure(exposure=exposure)

    def alert_raised(self, alert: Alert) -> None:
        """Pass a campaign alert to every plugin's ``promocore_alert``."""
        self.manager.hook.promocore_alert(alert=alert)

    def game_event(self, game: str, record_id: str, event: object, at: datetime) -> None:
        """Tell every ``promocore_game_event`` implementation about a saved game event.

        Each implementation is called on its own: one that raises is logged and the others
        still hear of the event.
        """
        arguments = {"game": game, "record_id": record_id, "event": event, "at": at}
        for impl in reversed(self.manager.hook.promocore_game_event.get_hookimpls()):
            try:
                impl.function(*(arguments[name] for name in impl.argnames))
            except Exception:
                _log.exception("plugin %r failed on the %s event %r", impl.plugin_name, game, event)


def _own_version() -> str:
    import promocore

    return promocore.__version__


def make_host(**options: Any) -> PluginHost:
    """Create a `PluginHost`; keyword arguments go to `make_plugin_manager`."""
    return PluginHost(make_plugin_manager(**options))


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
    if switch:
        return switch
    stamps: list[tuple[str, int | None]] = []
    for entry in sys.path:
        if os.path.basename(entry.rstrip("/\\")) in _INSTALL_DIRS:
            try:
                stamps.append((entry, os.stat(entry).st_mtime_ns))
            except OSError:
                stamps.append((entry, None))
    return tuple(stamps)


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
