"""``promocore samples``: copy the sample files into a folder, to edit and price."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from promocore.cli import Subparsers

DESCRIPTION = """\
Write the sample campaign file (campaigns.toml), cart (cart.json) and expected quote
(quote.expected.json) that promocore demo prices into DIRECTORY, the current folder by
default, and the same three for the pricing shapes (shapes.toml, shapes-cart.json,
shapes-quote.expected.json: a bundle, a multibuy, an add-on deal and free shipping) and
for 每周三会员日 (member-day.toml, member-day-cart.json, member-day-quote.expected.json).
Then: promocore quote --campaigns campaigns.toml --cart cart.json
"""


def run(args: argparse.Namespace) -> int:
    """Copy the samples into ``args.directory``; return the exit status."""
    from promocore.samples import copy_samples

    for path in copy_samples(args.directory, overwrite=args.force):
        print(f"wrote {path}")
    return 0


def register(subparsers: Subparsers) -> None:
    """Add the ``samples`` subcommand."""
    parser = subparsers.add_parser(
        "samples",
        help="copy the sample campaign and cart files into a folder",
        description=DESCRIPTION,
    )
    parser.add_argument(
        "directory", nargs="?", default=".", metavar="DIRECTORY", help="where to write (.)"
    )
    parser.add_argument("--force", action="store_true", help="replace files of the same names")
    parser.set_defaults(handler=run)
