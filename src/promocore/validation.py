"""Collecting every problem of an input before refusing it."""

from __future__ import annotations

from promocore.errors import (
    LimitExceededError,
    Problem,
    ValidationError,
    WrongTypeError,
    join_path,
)


class Checks:
    """Gathers problems so that one error reports all of them at once.

    Examples:
        >>> c = Checks()
        >>> c.check(False, "threshold", "must be > 0")
        >>> c.raise_if_any()
        Traceback (most recent call last):
        ...
        promocore.errors.ValidationError: threshold: must be > 0
    """

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.problems: list[Problem] = []
        self.wrong_type = False
        self.over_limit = False

    def add(self, path: str, message: str) -> None:
        """Record a problem at ``path``."""
        self.problems.append(Problem(join_path(self.prefix, path), message))

    def add_type(self, path: str, message: str) -> None:
        """Record that the value at ``path`` has the wrong type (the error is a `TypeError`)."""
        self.add(path, message)
        self.wrong_type = True

    def add_limit(self, path: str, message: str) -> None:
        """Record that the value at ``path`` passes a documented limit."""
        self.add(path, message)
        self.over_limit = True

    def check(self, ok: bool, path: str, message: str) -> None:
        """Record a problem at ``path`` unless ``ok``."""
        if not ok:
            self.add(path, message)

    def absorb(self, error: ValidationError, path: str = "") -> None:
        """Record every problem of ``error`` under ``path``."""
        for problem in error.problems:
            self.problems.append(problem.prefixed(join_path(self.prefix, path)))
        self.wrong_type = self.wrong_type or isinstance(error, WrongTypeError)
        self.over_limit = self.over_limit or isinstance(error, LimitExceededError)

    def raise_if_any(self) -> None:
        """Raise a `ValidationError` holding every recorded problem.

        It is a `WrongTypeError` if a problem is a wrong type, else a `LimitExceededError` if
        one passes a limit.
        """
        if self.problems:
            raise self.error()

    def error(self) -> ValidationError:
        """The error holding every recorded problem (see `raise_if_any`)."""
        if self.wrong_type:
            return WrongTypeError(self.problems)
        if self.over_limit:
            return LimitExceededError(self.problems)
        return ValidationError(self.problems)
