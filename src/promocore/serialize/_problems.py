"""Turning the grouped exceptions of cattrs into promocore problems with field paths."""

from __future__ import annotations

from typing import Any

import attrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
    StructureHandlerNotFoundError,
)

from promocore.errors import Problem, ValidationError, join_path


def problems_of(error: BaseException, path: str = "") -> list[Problem]:
    """Every problem ``error`` stands for, located under ``path``.

    Our own [`ValidationError`][promocore.errors.ValidationError] keeps its problems;
    a cattrs class or iterable group contributes the problems of each member under
    the attribute name or ``[index]`` its note names; a missing key is ``is required``
    and an extra key ``unknown field (known: ...)``.
    """
    if isinstance(error, ValidationError):
        return [problem.prefixed(path) for problem in error.problems]
    if isinstance(error, ClassValidationError):
        return _class_problems(error, path)
    if isinstance(error, IterableValidationError):
        found: list[Problem] = []
        for member in error.exceptions:
            index = _note(member, IterableValidationNote)
            where = path if index is None else join_path(path, _index(index.index))
            found += problems_of(member, where)
        return found
    if isinstance(error, ForbiddenExtraKeysError):
        known = ", ".join(_aliases(error.cl).values())
        return [
            Problem(join_path(path, key), f"unknown field (known: {known})")
            for key in sorted(str(k) for k in error.extra_fields)
        ]
    if isinstance(error, StructureHandlerNotFoundError):
        return [Problem(path, f"cannot read a value of type {error.type_!r}")]
    if isinstance(error, BaseExceptionGroup):
        return [p for member in error.exceptions for p in problems_of(member, path)]
    return [Problem(path, str(error) or type(error).__name__)]


def _class_problems(error: ClassValidationError, path: str) -> list[Problem]:
    aliases = _aliases(error.cl)
    found: list[Problem] = []
    for member in error.exceptions:
        note = _note(member, AttributeValidationNote)
        if note is None:
            found += problems_of(member, path)
            continue
        key = aliases.get(note.name, note.name)
        where = join_path(path, key)
        if type(member) is KeyError and member.args == (key,):
            found.append(Problem(where, "is required"))
        else:
            found += problems_of(member, where)
    return found


def _note(error: BaseException, kind: type[Any]) -> Any:
    for note in getattr(error, "__notes__", ()):
        if type(note) is kind:
            return note
    return None


def _index(index: int | str) -> str:
    return f"[{index}]" if isinstance(index, int) else str(index)


def _aliases(cls: type[Any]) -> dict[str, str]:
    if not attrs.has(cls):
        return {}
    return {field.name: field.alias for field in attrs.fields(cls)}


def validation_error(error: BaseException, path: str = "") -> ValidationError:
    """Return a `ValidationError` holding every problem of ``error``."""
    return ValidationError(problems_of(error, path) or [Problem(path, str(error))])
