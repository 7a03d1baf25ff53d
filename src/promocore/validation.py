"""Collecting every problem of an input before refusing it."""

from __future__ import annotations

from promocore.errors import Problem, ValidationError, join_path


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

    def add(self, path: str, message: str) -> None:
        """Record a problem at ``path``."""
        self.problems.append(Problem(join_path(self.prefix, path), message))

    def check(self, ok: bool, path: str, message: str) -> None:
        """Record a problem at ``path`` unless ``ok``."""
        if not ok:
            self.add(path, message)

    def absorb(self, error: ValidationError, path: str = "") -> None:
        """Record every problem of ``error`` under ``path``."""
        for problem in error.problems:
            self.problems.append(problem.prefixed(join_path(self.prefix, path)))

    def raise_if_any(self) -> None:
        """Raise a `ValidationError` holding every recorded problem."""
        if self.problems:
            raise ValidationError(self.problems)
