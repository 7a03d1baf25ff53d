"""The exceptions promocore raises.

Every error derives from [`PromocoreError`][promocore.errors.PromocoreError]. Subclasses also
inherit the builtin exception they refine, so ``except ValueError`` keeps working for callers that
do not know promocore.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs


class PromocoreError(Exception):
    """Root of every exception raised by promocore."""


@attrs.frozen
class Problem:
    """One thing wrong with an input.

    Attributes:
        path: Where the problem is, as a dotted path with indices
            (``campaigns[1].params.tiers[0].threshold``); empty for the whole value.
        message: What is wrong, in words (``must be > 0``).
    """

    path: str
    message: str

    def prefixed(self, prefix: str) -> Problem:
        """Return the same problem located under ``prefix``."""
        return Problem(join_path(prefix, self.path), self.message)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def join_path(prefix: str, path: str) -> str:
    """Join two field paths, keeping ``[i]`` indices attached to their name."""
    if not prefix:
        return path
    if not path:
        return prefix
    if path.startswith("["):
        return prefix + path
    return f"{prefix}.{path}"


class ValidationError(PromocoreError, ValueError):
    """Input was refused; ``problems`` lists every problem found, each with its path."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("ValidationError needs at least one problem")
        super().__init__("; ".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, path: str, message: str) -> ValidationError:
        """Build an error holding one problem."""
        return cls([Problem(path, message)])

    def prefixed(self, prefix: str) -> ValidationError:
        """Return the same error with every path placed under ``prefix``."""
        return type(self)(p.prefixed(prefix) for p in self.problems)


class ConfigError(ValidationError):
    """A campaign or cart file could not be loaded; ``source`` names the file."""

    def __init__(self, problems: Iterable[Problem], source: str = "") -> None:
        self.source = source
        super().__init__(problems)

    def __str__(self) -> str:
        body = "\n".join(f"  {p}" for p in self.problems)
        where = self.source or "<input>"
        return f"{where}:\n{body}"


class CurrencyError(PromocoreError, ValueError):
    """An unknown currency, or amounts in two currencies were mixed."""


class FloatRefusedError(PromocoreError, TypeError):
    """A float was given where an exact amount or rate is needed."""


class AllocationError(PromocoreError, ValueError):
    """An amount cannot be split as asked (all weights zero, or caps too small)."""


class UnknownMechanicError(PromocoreError, LookupError):
    """A campaign names a mechanic that no registered plugin provides."""


class PluginError(PromocoreError, RuntimeError):
    """A plugin misbehaved: a duplicate mechanic name, or a malformed mechanic."""
