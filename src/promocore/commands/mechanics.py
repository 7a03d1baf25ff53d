"""``promocore mechanics``: every mechanic campaigns can name, and where it comes from."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from promocore.cli import Subparsers

DESCRIPTION = """\
List every mechanic a campaign can name: the built-in ones and those of installed
plugins (entry-point group "promocore"), each with its default stage, the plugin that
provides it and that plugin's distribution. PROMOCORE_DISABLE_PLUGIN_AUTOLOAD=1 leaves
the installed plugins out.
"""


def run(args: argparse.Namespace) -> int:
    """Print the registered mechanics; return the exit status."""
    from promocore.plugins import make_host
    from promocore.render import table

    host = getattr(args, "host", None) or make_host()
    origins = host.origins()
    if args.json:
        rows = [
            {
                "mechanic": name,
                "stage": host.mechanics[name].stage.value,
                "plugin": origin.plugin,
                "distribution": origin.distribution,
                "version": origin.version,
            }
            for name, origin in origins.items()
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    header = ["mechanic", "stage", "plugin", "distribution"]
    cells = [
        [
            name,
            host.mechanics[name].stage.value,
            origin.plugin,
            f"{origin.distribution} {origin.version}" if origin.distribution else "(in code)",
        ]
        for name, origin in origins.items()
    ]
    print("\n".join(table(header, cells)))
    return 0


def register(subparsers: Subparsers) -> None:
    """Add the ``mechanics`` subcommand."""
    parser = subparsers.add_parser(
        "mechanics",
        help="list every mechanic with its plugin and distribution",
        description=DESCRIPTION,
    )
    parser.add_argument("--json", action="store_true", help="print the list as JSON")
    parser.set_defaults(handler=run)
