"""Built-in mechanics. Each module is a plugin registered exactly like a third-party one.

The stateless pricing shapes live here (``price_off``, ``tiered_discount``); the mechanics of
the promotion games live in their game's ``mechanic`` module
([`promocore.games`][promocore.games]).
"""

#: Modules registered by [`make_plugin_manager`][promocore.plugins.make_plugin_manager],
#: by plugin name.
BUILTIN_PLUGINS: dict[str, str] = {
    "promocore.bargain": "promocore.games.bargain.mechanic",
    "promocore.commission": "promocore.games.commission.mechanic",
    "promocore.coupon": "promocore.games.coupons.mechanic",
    "promocore.invite": "promocore.games.invites.mechanic",
    "promocore.points": "promocore.games.points.mechanic",
    "promocore.presale": "promocore.games.presale.mechanic",
    "promocore.price_off": "promocore.mechanics.price_off",
    "promocore.tiered_discount": "promocore.mechanics.tiered_discount",
}
