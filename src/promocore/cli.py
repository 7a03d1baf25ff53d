"""The ``promocore`` command line.

Each subcommand lives in its own module, listed in
[`SUBCOMMAND_MODULES`][promocore.cli.SUBCOMMAND_MODULES], whose ``register(subparsers)``
adds it (see [`promocore.commands`][promocore.commands]); plugins add theirs through the
``promocore_add_commands`` hook. Bad input never shows a traceback: each problem is printed
on a line of its own as ``file: field: problem`` (control characters escaped) and the exit
status is 2. So is a broken installed plugin, named with its distribution and the error,
unless ``--skip-broken-plugins`` (or ``PROMOCORE_SKIP_BROKEN_PLUGINS=1``) leaves it out with
a warning. An unexpected failure (a bug) prints one line too, and exits 70.
Output falls back to ASCII symbols on terminals that cannot show ✓, ✗ or ¥.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from promocore.errors import ConfigError, PromocoreError, PromocoreWarning, ValidationError

if TYPE_CHECKING:
    from typing import TypeAlias

    from promocore.plugins import PluginHost

    #: What ``register`` receives: the result of ``ArgumentParser.add_subparsers()``.
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

#: Modules that add one subcommand each through ``register(subparsers)``, in help order.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "promocore.commands.quote",
    "promocore.commands.demo",
    "promocore.commands.samples",
    "promocore.commands.mechanics",
    "promocore.stats.cli",
    "promocore.analytics.cli",
)

#: What a subcommand's ``handler`` is: parsed arguments in, exit status out.
Handler = Callable[[argparse.Namespace], int]

DESCRIPTION = """\
Promotion campaigns for e-commerce backends: price carts against campaign files with
every decision explained, and judge campaigns with A/B tests.
"""

EPILOG = """\
Start with "promocore demo". "promocore COMMAND --help" describes a command's options.
"""


def build_parser(host: PluginHost | None = None) -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand, the plugins' of ``host`` too.

    Handlers find ``host`` in ``args.host`` (``None`` if none was given).

    Raises:
        PluginError: a plugin's ``promocore_add_commands`` raised.
    """
    import promocore

    parser = argparse.ArgumentParser(
        prog="promocore", description=DESCRIPTION, epilog=EPILOG, formatter_class=_Formatter
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {promocore.__version__}")
    parser.add_argument(
        "--skip-broken-plugins",
        action="store_true",
        help="go on without installed plugins that cannot be loaded (with a warning)",
    )
    parser.set_defaults(host=host)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module: Any = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    if host is not None:
        host.add_commands(sub)
    for command in sub.choices.values():
        command.formatter_class = _Formatter
    return parser


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions as written (they are plain text), option help in a wider column."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if isinstance(action, argparse._SubParsersAction):
            # argparse leaves the subcommand names out of the column width: count them.
            names = [len(str(choice.metavar or choice.dest)) for choice in action._get_subactions()]
            indent = self._current_indent + 2 * self._indent_increment
            self._action_max_length = max([self._action_max_length, *(n + indent for n in names)])


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Print promocore's warnings as one line each, other warnings as Python does."""
    if issubclass(category, PromocoreWarning):
        print(f"promocore: warning: {message}", file=sys.stderr)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    from promocore._console import use_fallbacks
    from promocore.plugins import make_host, skipping_broken_plugins

    use_fallbacks(sys.stdout, sys.stderr)
    # Plugin failures are shown as warnings; their log records go to the application's own
    # handlers, if it configured any, and are not printed a second time.
    plugin_log = logging.getLogger("promocore.plugins")
    if not any(isinstance(h, logging.NullHandler) for h in plugin_log.handlers):
        plugin_log.addHandler(logging.NullHandler())
    argv = list(sys.argv[1:] if argv is None else argv)
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--skip-broken-plugins", action="store_true")
    skip = early.parse_known_args(argv)[0].skip_broken_plugins
    with warnings.catch_warnings(), skipping_broken_plugins(True if skip else None):
        warnings.simplefilter("default", PromocoreWarning)
        warnings.showwarning = _show_warning
        try:
            parser = build_parser(make_host())
        except PromocoreError as exc:
            for line in problem_lines(exc):
                print(f"promocore: error: {line}", file=sys.stderr)
            return 2
        args = parser.parse_args(argv)
        handler: Handler = args.handler
        try:
            return handler(args)
        except PromocoreError as exc:
            _report(args.command, "error", problem_lines(exc))
            return 2
        except BrokenPipeError:
            return 0
        except KeyboardInterrupt:
            return 130
        except RecursionError:
            _report(args.command, "error", ["the input is nested too deeply"])
            return 2
        except Exception as exc:  # a bug: one line, no traceback
            _report(args.command, "internal error", [f"{type(exc).__name__}: {exc}"])
            return INTERNAL_ERROR


#: Exit status of an unexpected failure (``EX_SOFTWARE``).
INTERNAL_ERROR = 70


def problem_lines(error: PromocoreError) -> list[str]:
    """The lines an error is shown as: ``file: field: problem``, one per problem.

    A file error names its file first; a problem without a field leaves it out.
    """
    from promocore._console import escape

    if isinstance(error, ValidationError):
        where = [error.source] if isinstance(error, ConfigError) and error.source else []
        return [
            escape(": ".join([*where, *([p.path] if p.path else []), p.message]))
            for p in error.problems
        ]
    return [escape(line) for line in str(error).split("\n")]


def _report(command: str, kind: str, lines: list[str]) -> None:
    from promocore._console import escape

    for line in lines:
        print(f"promocore {command}: {kind}: {escape(line)}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
