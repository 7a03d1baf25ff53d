"""``promocore demo``: price the sample cart against the sample campaigns, then what-ifs."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from promocore.commands._demo_plugins import plugin_demo
from promocore.config import load_campaigns, load_cart
from promocore.engine import Engine
from promocore.money import Money
from promocore.render import render_quote
from promocore.samples import sample_path

if TYPE_CHECKING:
    from promocore.cli import Subparsers

DESCRIPTION = """\
Price the packaged sample cart (two tees and a mug for a gold member on 双11) against
the sample campaigns (a member price, a 满减 ladder and a competing 每满减) and explain
every decision; then the same cart when the ladder's budget is nearly spent, and a
bigger cart that reaches the next tier. Then the pricing shapes: 第二件半价 socks, a
tee + mug 套餐 for ¥199, a 满199 加9.9元换购 cap and 满99包邮, and a smaller cart that
reaches none of the three; then 每周三会员日 (满300 且 第二件半价, 满99包邮) on a
Wednesday and on the Thursday after. With the group-buy and flash-sale plugins
installed, a cart priced by them too. "promocore samples" writes the files to edit.
"""


def run(args: argparse.Namespace) -> int:
    """Print the sample quote, then two what-ifs: a nearly spent budget and a bigger cart."""
    cart = load_cart(sample_path("cart.json"))
    campaigns = load_campaigns(sample_path("campaigns.toml"), currency=cart.currency)
    engine = Engine(campaigns)
    print("== The sample cart against the sample campaigns ==\n")
    print(render_quote(engine.price(cart, explain_all=True)))
    print("\n== The same cart when only ¥12.34 of the ladder's budget is left ==\n")
    left = {"d11-ladder": Money.parse("12.34", cart.currency)}
    print(render_quote(engine.price(cart, budgets=left, explain_all=True)))
    print("\n== A diamond member adding one more tee (reaches the ¥500 tier) ==\n")
    assert cart.customer is not None
    bigger = attrs.evolve(
        cart,
        customer=attrs.evolve(cart.customer, tier="diamond"),
        lines=(attrs.evolve(cart.lines[0], quantity=3), *cart.lines[1:]),
    )
    print(render_quote(engine.price(bigger, explain_all=True)))
    _shapes()
    _member_day()
    assert cart.at is not None
    plugins = plugin_demo(engine.host, cart.at.replace(minute=5))
    if plugins is None:
        print("\n(install plugins/promocore-groupbuy and plugins/promocore-flashsale for more)")
    else:
        print("\n== Plugins: a group buy (leader price) and a flash sale in its 10:00 session ==\n")
        print(plugins)
    return 0


def _shapes() -> None:
    """The shapes sample, then only its mug and socks (short of the set, add-on and 包邮)."""
    cart = load_cart(sample_path("shapes-cart.json"))
    engine = Engine(load_campaigns(sample_path("shapes.toml"), currency=cart.currency))
    print("\n== Shapes: 第二件半价, a 套餐, a 加价购 add-on and 满99包邮 ==\n")
    print(render_quote(engine.price(cart, explain_all=True)))
    print("\n== Only the mug and the socks: the set, the add-on and 包邮 are out of reach ==\n")
    smaller = attrs.evolve(cart, lines=cart.lines[1:3])
    print(render_quote(engine.price(smaller, explain_all=True)))


def _member_day() -> None:
    """每周三会员日: the sample on a Wednesday, then the same cart on Thursday."""
    cart = load_cart(sample_path("member-day-cart.json"))
    engine = Engine(load_campaigns(sample_path("member-day.toml"), currency=cart.currency))
    print("\n== 每周三会员日: 满300 且 第二件半价, 满99包邮, on a Wednesday ==\n")
    print(render_quote(engine.price(cart, explain_all=True)))
    assert cart.at is not None
    print("\n== The same cart on Thursday: both say when they start again ==\n")
    print(render_quote(engine.price(cart, at=cart.at + timedelta(days=1), explain_all=True)))


def register(subparsers: Subparsers) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser(
        "demo", help="price the sample cart and explain the result", description=DESCRIPTION
    )
    parser.set_defaults(handler=run)
