"""The exceptions promocore raises.

Every error derives from [`PromocoreError`][promocore.errors.PromocoreError]. Subclasses also
inherit the builtin exception they refine, so ``except ValueError`` keeps working for callers that
do not know promocore.

The promotion games share six bases, so one ``except`` clause covers every game:

* [`NotFoundError`][promocore.errors.NotFoundError] (a ``LookupError``): no session, order,
  coupon or team has the id;
* [`IllegalTransitionError`][promocore.errors.IllegalTransitionError] (a ``RuntimeError``): the
  state does not allow the move;
* [`IdempotencyConflictError`][promocore.errors.IdempotencyConflictError] (a ``ValueError``): an
  id was used again for another request;
* [`VersionConflictError`][promocore.errors.VersionConflictError] (a ``RuntimeError``): a
  compare-and-set write lost a race, and
  [`RetriesExhaustedError`][promocore.errors.RetriesExhaustedError] when it lost every race it was
  allowed;
* [`UnavailableError`][promocore.errors.UnavailableError] (a ``RuntimeError``): stock, a budget
  or a limit ran short.

Each game's own errors subclass them (a bargain's ``SessionExpiredError`` is an
``IllegalTransitionError``), and a call that raises one changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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


class WrongTypeError(ValidationError, TypeError):
    """An argument of the wrong type was given; ``problems`` names each one.

    It is a ``TypeError`` and, being a [`ValidationError`][promocore.errors.ValidationError],
    a ``ValueError`` too: ``Money("100", "CNY")`` and ``Campaign(id=5, ...)`` raise it.
    """


class LimitExceededError(ValidationError):
    """An input is larger than a documented limit of [`promocore.limits`][promocore.limits].

    Each problem names the field and the limit (``lines: at most 1000 lines, got 1001``).
    """


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


class PluginLoadError(PluginError):
    """Installed plugins could not be loaded or registered; the message names each one.

    Attributes:
        failures: What failed, one
            [`PluginFailure`][promocore.plugins.PluginFailure] per plugin.
    """

    def __init__(self, message: str, failures: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.failures = failures


class PromocoreWarning(UserWarning):
    """Root of every warning promocore issues."""


class PluginWarning(PromocoreWarning):
    """A plugin failed where promocore goes on without it; the message names the plugin.

    An observer that raised, or a plugin left out because it could not load.
    """


class NotFoundError(PromocoreError, LookupError):
    """Nothing has the id asked for (a session, an order, a coupon, a team, a record)."""


class IllegalTransitionError(PromocoreError, RuntimeError):
    """The state of a promotion game does not allow the move asked for; nothing changed.

    Paying a presale deposit twice, helping a bargain session that expired, joining a full
    team, locking a coupon another order holds: every game raises a subclass.
    """


class IdempotencyConflictError(PromocoreError, ValueError):
    """An idempotency key (an order, payment, refund or request id) was used for another request.

    Repeating a request with its key returns what the first one did; the same key with
    different contents is refused, since one of the two requests would otherwise be lost.
    """


class VersionConflictError(PromocoreError, RuntimeError):
    """A compare-and-set write lost: the record changed since it was read.

    Read it again, apply the change again and retry; the game runner
    ([`Runner`][promocore.games.runtime.Runner]) does exactly that.
    """


class RetriesExhaustedError(VersionConflictError):
    """A write kept losing compare-and-set races and gave up; nothing was changed by it."""


class UnavailableError(PromocoreError, RuntimeError):
    """A request was refused because a counted resource ran short; nothing was taken.

    Stock sold out, a budget or a per-customer limit used up, too few points: the request
    may succeed later, or with less.
    """


class RefRefusedError(ValidationError):
    """A cart line's ref claims a game price that nothing backs; nothing was priced or taken.

    Raised while pricing when a ref contradicts its campaign's terms (a bargain snapshot
    below the floor, a presale final payment for more units than an order may hold), and
    at checkout when the game's store does not back it (no such session or order, another
    customer's, or not in a state that sells at that price). Each problem's path names the
    line and the ref (``lines[0].refs.bargain.price``). See the trust boundary in
    ``docs/concepts/trust.md``.
    """
