"""The ``promocore`` command line.

Each subcommand lives in its own module, listed in
[`SUBCOMMAND_MODULES`][promocore.cli.SUBCOMMAND_MODULES], whose ``register(subparsers)``
adds it (see [`promocore.commands`][promocore.commands]). Bad input never shows a
traceback: each problem is printed on a line of its own as ``file: field: problem`` (control
characters escaped) and the exit status is 2. An unexpected failure (a bug) prints one line
too, and exits 70.
Output falls back to ASCII symbols on terminals that cannot show ✓, ✗ or ¥.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from promocore.errors import ConfigError, PromocoreError, ValidationError

if TYPE_CHECKING:
    from typing import TypeAlias

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


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    import promocore

    parser = argparse.ArgumentParser(
        prog="promocore", description=DESCRIPTION, epilog=EPILOG, formatter_class=_Formatter
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {promocore.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module: Any = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    from promocore._console import use_fallbacks

    use_fallbacks(sys.stdout, sys.stderr)
    parser = build_parser()
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
