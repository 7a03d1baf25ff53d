"""``promocore quote``: price a cart file against a campaign file."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from promocore.cli import Subparsers

DESCRIPTION = """\
Price the cart of a JSON file against the campaigns of a TOML or JSON file, at the
cart's "at" time or the one given, and print every line, the totals, each campaign
that applied or did not (with its reason) and the hints. Every campaign is explained.
Experiments and holdouts in the campaign file serve its experiment-arm conditions.
"""


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from None
    if value.utcoffset() is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a UTC offset, e.g. +08:00")
    return value


def run(args: argparse.Namespace) -> int:
    """Print the quote of ``args.cart`` against ``args.campaigns``; return the exit status."""
    from promocore.config import load_campaigns, load_cart, load_experiments
    from promocore.engine import Engine
    from promocore.render import render_quote

    host = getattr(args, "host", None)
    cart = load_cart(args.cart)
    campaigns = load_campaigns(args.campaigns, currency=cart.currency, host=host)
    experiments = load_experiments(args.campaigns)
    engine = Engine(campaigns, host=host, experiments=experiments)
    quote = engine.price(cart, at=args.at, explain_all=True)
    if args.json:
        print(json.dumps(quote.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_quote(quote))
    return 0


def register(subparsers: Subparsers) -> None:
    """Add the ``quote`` subcommand."""
    parser = subparsers.add_parser(
        "quote", help="price a cart file against a campaign file", description=DESCRIPTION
    )
    parser.add_argument(
        "--campaigns", required=True, metavar="FILE", help="campaigns (TOML or JSON)"
    )
    parser.add_argument("--cart", required=True, metavar="FILE", help="the cart (JSON)")
    parser.add_argument("--json", action="store_true", help="print the quote as JSON")
    parser.add_argument(
        "--at",
        type=_parse_time,
        metavar="TIME",
        help="price at this ISO 8601 time with a UTC offset instead of the cart's",
    )
    parser.set_defaults(handler=run)
