"""The ``promocore`` command line: ``quote``, ``demo``, ``abtest``, ``review`` and more.

Bad input never shows a traceback: the problem is printed with its file and field
and the exit status is 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from promocore.errors import PromocoreError

#: Modules that add subcommands; each has ``register(subparsers)``.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "promocore.demo",
    "promocore.stats.cli",
    "promocore.analytics.cli",
)

Handler = Callable[[argparse.Namespace], int]


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from None
    if value.utcoffset() is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a UTC offset, e.g. +08:00")
    return value


def _quote(args: argparse.Namespace) -> int:
    from promocore.config import load_campaigns, load_cart
    from promocore.engine import Engine
    from promocore.render import render_quote

    cart = load_cart(args.cart)
    campaigns = load_campaigns(args.campaigns, currency=cart.currency)
    quote = Engine(campaigns).price(cart, at=args.at, explain_all=True)
    if args.json:
        print(json.dumps(quote.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_quote(quote))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="promocore", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    quote = sub.add_parser("quote", help="price a cart file against a campaign file")
    quote.add_argument("--campaigns", required=True, help="campaign file (TOML or JSON)")
    quote.add_argument("--cart", required=True, help="cart file (JSON)")
    quote.add_argument("--json", action="store_true", help="print the quote as JSON")
    quote.add_argument("--at", type=_parse_time, help="price at this time instead of the cart's")
    quote.set_defaults(handler=_quote)
    for name in SUBCOMMAND_MODULES:
        try:
            module: Any = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except PromocoreError as exc:
        print(f"promocore {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
