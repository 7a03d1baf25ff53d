"""The exceptions a store raises besides [`ValidationError`][promocore.errors.ValidationError]."""

from __future__ import annotations

from promocore import errors
from promocore.errors import PromocoreError


class StoreError(PromocoreError):
    """Root of the errors raised by a store."""


class VersionConflictError(StoreError, errors.VersionConflictError):
    """A compare-and-set lost: the record is not at the version the caller read.

    Another writer got there first. Read the record again, re-apply the change and
    retry; the game [`Runner`][promocore.games.runtime.Runner] does exactly that.

    Attributes:
        kind: The record's kind.
        id: The record's id.
        expected: The version the caller expected (0: that it did not exist).
        actual: The version found (0: it does not exist).
    """

    def __init__(self, kind: str, id: str, expected: int, actual: int) -> None:
        self.kind = kind
        self.id = id
        self.expected = expected
        self.actual = actual
        found = f"version {actual}" if actual else "no record"
        wanted = f"version {expected}" if expected else "no record"
        super().__init__(f"{kind} {id!r}: expected {wanted}, found {found}")


class RecordNotFoundError(StoreError, errors.NotFoundError):
    """No record of this kind has this id."""

    def __init__(self, kind: str, id: str) -> None:
        self.kind = kind
        self.id = id
        super().__init__(f"no {kind} with id {id!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class RecordDecodeError(StoreError, ValueError):
    """A stored payload could not be turned back into its typed value."""
