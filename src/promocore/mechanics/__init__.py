"""Built-in mechanics. Each module is a plugin registered exactly like a third-party one."""

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
