"""Built-in mechanics. Each module is a plugin registered exactly like a third-party one.

The params of the stateless pricing shapes are importable from here
(``from promocore.mechanics import PriceOffParams, TieredDiscountParams``); each loads on
first use. The stateful games keep their params in their own packages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore._lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.mechanics.price_off import PriceOffParams as PriceOffParams
    from promocore.mechanics.tiered_discount import Basis as Basis
    from promocore.mechanics.tiered_discount import Mode as Mode
    from promocore.mechanics.tiered_discount import TieredDiscountParams as TieredDiscountParams

#: Modules registered by [`make_plugin_manager`][promocore.plugins.make_plugin_manager],
#: by plugin name.
BUILTIN_PLUGINS: dict[str, str] = {
    "promocore.bargain": "promocore.mechanics.bargain.mechanic",
    "promocore.commission": "promocore.mechanics.commission",
    "promocore.coupon": "promocore.mechanics.coupon",
    "promocore.points_earning": "promocore.mechanics.points_earning",
    "promocore.points_redemption": "promocore.mechanics.points_redemption",
    "promocore.presale": "promocore.mechanics.presale.mechanic",
    "promocore.price_off": "promocore.mechanics.price_off",
    "promocore.tiered_discount": "promocore.mechanics.tiered_discount",
}

_EXPORTS: dict[str, str] = {
    "PriceOffParams": "promocore.mechanics.price_off",
    "Basis": "promocore.mechanics.tiered_discount",
    "Mode": "promocore.mechanics.tiered_discount",
    "TieredDiscountParams": "promocore.mechanics.tiered_discount",
}

__all__ = ["BUILTIN_PLUGINS", *sorted(_EXPORTS)]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, extra=["BUILTIN_PLUGINS"])
