"""The part of `promocore demo` that shows the plugin mechanics, when they are installed.

Group buys (拼团) and flash sales (秒杀) ship as separate distributions under ``plugins/``
and are found through the ``promocore`` entry-point group; nothing here imports them.
"""

from __future__ import annotations

from datetime import datetime

from promocore.cart import Cart, Customer, LineItem
from promocore.config import campaigns_from_dicts
from promocore.engine import Engine
from promocore.money import Money
from promocore.plugins import PluginHost
from promocore.render import render_quote

CAMPAIGNS: list[dict[str, object]] = [
    {
        "id": "pt-tea",
        "name": "3人拼团 乌龙茶",
        "mechanic": "group_buy",
        "params": {
            "prices": [{"sku": "TEA-1", "price": "39.90", "leader_price": "35.90"}],
            "team_size": 3,
        },
    },
    {
        "id": "ms-1111",
        "name": "双11秒杀 10:00场",
        "mechanic": "flash_sale",
        "params": {
            "items": [{"sku": "PHONE-1", "price": "2999.00", "stock": 100}],
            "slots": [{"starts": "10:00", "ends": "10:30"}],
            "per_customer_limit": 1,
        },
    },
]


def plugin_demo(host: PluginHost, at: datetime) -> str | None:
    """Price a cart with a group-buy line and a flash-sale line; None without the plugins."""
    if not {"group_buy", "flash_sale"} <= set(host.mechanics):
        return None
    campaigns = campaigns_from_dicts(CAMPAIGNS, currency="CNY", host=host)
    cart = Cart(
        "CNY",
        [
            LineItem("TEA-1", Money.parse("59.00", "CNY"), 1, refs={"group_buy": "pt-tea"}),
            LineItem("PHONE-1", Money.parse("3999.00", "CNY"), 1, refs={"flash_sale": "ms-1111"}),
        ],
        Customer("u-1001", tier="gold"),
        at,
    )
    return render_quote(Engine(campaigns, host=host).price(cart, explain_all=True))
