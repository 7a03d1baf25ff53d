"""Reading input files within the limits: size, encoding, nesting, strings and numbers.

Every loader of a campaign, cart, plan or CSV file reads through `read_text` and checks what
it parsed with `check_tree`, so a hostile file
gets a [`ConfigError`][promocore.errors.ConfigError] naming the file, the position or field and
the limit, never a ``UnicodeDecodeError``, a ``RecursionError`` or a number too long to print.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from promocore.errors import ConfigError, Problem
from promocore.limits import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_LIST_ITEMS,
    MAX_TEXT_LENGTH,
    MAX_WHOLE_DIGITS,
    unsafe_character,
)

#: Problems reported at most per file by `check_tree`; a file with more stops there.
MAX_PROBLEMS = 20
_LARGEST_WHOLE = 10**MAX_WHOLE_DIGITS


def read_text(path: str | Path) -> str:
    """The text of a UTF-8 file (a leading byte-order mark is dropped).

    Raises:
        ConfigError: the file cannot be read, is larger than
            [`MAX_FILE_BYTES`][promocore.limits.MAX_FILE_BYTES], or is not UTF-8 (the error
            names the line and byte of the first bad sequence).
    """
    source = str(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError([Problem("", f"cannot read: {reason}")], source) from None
    if len(data) > MAX_FILE_BYTES:
        message = f"larger than {MAX_FILE_BYTES} bytes (promocore.limits.MAX_FILE_BYTES)"
        raise ConfigError([Problem("", message)], source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text (line {line}, byte {exc.start}: {exc.reason})"
        raise ConfigError([Problem("", message)], source) from None


class LongNumber(str):
    """A whole number read from JSON with more digits than any field takes (refused)."""

    __slots__ = ()


def parse_int(text: str) -> int | LongNumber:
    """``json.loads``' ``parse_int``: a whole number, or a `LongNumber` past the digit limit."""
    if len(text.lstrip("-")) > MAX_WHOLE_DIGITS:
        return LongNumber(text)
    return int(text)


def too_deep(text: str, source: str) -> ConfigError:
    """The error of a file nested deeper than the parser could follow, naming where."""
    where = _deep_position(text)
    message = f"nested deeper than {MAX_DEPTH} levels (promocore.limits.MAX_DEPTH)"
    return ConfigError([Problem(where, message)], source)


def _deep_position(text: str) -> str:
    """``line L, column C`` where the brackets of ``text`` first nest past ``MAX_DEPTH``."""
    depth = 0
    quote = ""
    line, start = 1, 0
    escaped = False
    for i, ch in enumerate(text):
        if ch == "\n":
            line, start = line + 1, i + 1
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return f"line {line}, column {i - start + 1}"
        elif ch in "]}":
            depth -= 1
    return ""


def check_tree(data: object, source: str) -> None:
    """Refuse parsed file data that passes a limit, naming each field.

    Nesting deeper than [`MAX_DEPTH`][promocore.limits.MAX_DEPTH], arrays longer than
    [`MAX_LIST_ITEMS`][promocore.limits.MAX_LIST_ITEMS], strings (and keys) longer than
    [`MAX_TEXT_LENGTH`][promocore.limits.MAX_TEXT_LENGTH] or holding a lone surrogate, and
    whole numbers of more than [`MAX_WHOLE_DIGITS`][promocore.limits.MAX_WHOLE_DIGITS] digits.

    Raises:
        ConfigError: up to `MAX_PROBLEMS` problems, each with its path.
    """
    problems: list[Problem] = []
    stack: list[tuple[object, str, int]] = [(data, "", 1)]
    while stack and len(problems) < MAX_PROBLEMS:
        value, path, depth = stack.pop()
        if isinstance(value, Mapping | list) and depth > MAX_DEPTH:
            message = f"nested deeper than {MAX_DEPTH} levels (promocore.limits.MAX_DEPTH)"
            problems.append(Problem(path, message))
        elif isinstance(value, Mapping):
            children = []
            for key, item in value.items():
                key_text = str(key)
                if _text_problem(key_text) is not None:
                    problems.append(Problem(path, f"a key: {_text_problem(key_text)}"))
                    continue
                child = f"{path}.{key_text}" if path else key_text
                children.append((item, child, depth + 1))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS:
                message = f"at most {MAX_LIST_ITEMS} items (promocore.limits.MAX_LIST_ITEMS)"
                problems.append(Problem(path, f"{message}, got {len(value)}"))
                continue
            stack.extend(
                (item, f"{path}[{i}]", depth + 1) for i, item in reversed(list(enumerate(value)))
            )
        elif isinstance(value, LongNumber) or (
            isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _LARGEST_WHOLE
        ):
            message = f"at most {MAX_WHOLE_DIGITS} digits (promocore.limits.MAX_WHOLE_DIGITS)"
            problems.append(Problem(path, message))
        elif isinstance(value, str):
            problem = _text_problem(value)
            if problem is not None:
                problems.append(Problem(path, problem))
    if problems:
        raise ConfigError(problems, source)


def _text_problem(text: str) -> str | None:
    if len(text) > MAX_TEXT_LENGTH:
        return (
            f"at most {MAX_TEXT_LENGTH} characters (promocore.limits.MAX_TEXT_LENGTH), "
            f"got {len(text)}"
        )
    bad = unsafe_character(text, control=False)
    if bad is not None:
        return f"must not contain {bad}"
    return None
