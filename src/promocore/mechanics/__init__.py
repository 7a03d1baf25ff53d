"""Built-in mechanics. Each module is a plugin registered exactly like a third-party one.

The stateless pricing shapes live here (``price_off``, ``tiered_discount``, and the post-stage
``order_reward``), and their
params are importable from here (``from promocore.mechanics import PriceOffParams``), each
loaded on first use; the mechanics of the promotion games live in their game's
``mechanic`` module ([`promocore.games`][promocore.games]).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.mechanics.order_reward import CouponReward as CouponReward
    from promocore.mechanics.order_reward import OrderRewardParams as OrderRewardParams
    from promocore.mechanics.price_off import PriceOffParams as PriceOffParams
    from promocore.mechanics.tiered_discount import Basis as Basis
    from promocore.mechanics.tiered_discount import Mode as Mode
    from promocore.mechanics.tiered_discount import TieredDiscountParams as TieredDiscountParams

#: Modules registered by [`make_plugin_manager`][promocore.plugins.make_plugin_manager],
#: by plugin name.
BUILTIN_PLUGINS: dict[str, str] = {
    "promocore.bargain": "promocore.games.bargain.mechanic",
    "promocore.commission": "promocore.games.commission.mechanic",
    "promocore.coupon": "promocore.games.coupons.mechanic",
    "promocore.invite": "promocore.games.invites.mechanic",
    "promocore.order_reward": "promocore.mechanics.order_reward",
    "promocore.points": "promocore.games.points.mechanic",
    "promocore.presale": "promocore.games.presale.mechanic",
    "promocore.price_off": "promocore.mechanics.price_off",
    "promocore.tiered_discount": "promocore.mechanics.tiered_discount",
}

_EXPORTS: dict[str, str] = {
    "CouponReward": "promocore.mechanics.order_reward",
    "OrderRewardParams": "promocore.mechanics.order_reward",
    "PriceOffParams": "promocore.mechanics.price_off",
    "Basis": "promocore.mechanics.tiered_discount",
    "Mode": "promocore.mechanics.tiered_discount",
    "TieredDiscountParams": "promocore.mechanics.tiered_discount",
}

__all__ = ["BUILTIN_PLUGINS", *sorted(_EXPORTS)]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, extra=["BUILTIN_PLUGINS"])
