"""Writing to terminals that cannot show every character (GBK, cp1252, ASCII).

The human output uses a few symbols (✓ ✗ → − ¥) and campaign names in any script. On a
terminal whose encoding lacks a character, it is written as the first fallback the
encoding has (``✓`` as ``+``, ``¥`` as ``￥`` in GBK or ``Y`` in ASCII), and anything
else as ``?``, instead of failing with ``UnicodeEncodeError``.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable
from typing import IO, Any

#: Replacements tried in order for characters a terminal's encoding lacks.
FALLBACKS: dict[str, tuple[str, ...]] = {
    "✓": ("+",),
    "✗": ("x",),
    "→": ("->",),
    "←": ("<-",),
    "−": ("-",),
    "–": ("-",),
    "—": ("--",),
    "…": ("...",),
    "×": ("x",),
    "≥": (">=",),
    "≤": ("<=",),
    "·": ("-",),
    "¥": ("￥", "Y"),
    "€": ("EUR ",),
    "£": ("GBP ",),
    "₩": ("KRW ",),
    "\u00a0": (" ",),
}


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _handler(encoding: str) -> Callable[[UnicodeError], tuple[str, int]]:
    def replace(error: UnicodeError) -> tuple[str, int]:
        if not isinstance(error, UnicodeEncodeError):
            raise error
        out = []
        for char in error.object[error.start : error.end]:
            candidates = (*FALLBACKS.get(char, ()), "?")
            out.append(next(c for c in candidates if _encodable(c, encoding)))
        return "".join(out), error.end

    return replace


def error_handler(encoding: str) -> str:
    """Register (once) and return the name of the fallback error handler for ``encoding``."""
    name = f"promocore-fallback-{codecs.lookup(encoding).name}"
    try:
        codecs.lookup_error(name)
    except LookupError:
        codecs.register_error(name, _handler(encoding))
    return name


def use_fallbacks(*streams: IO[Any]) -> None:
    """Make each text stream write unencodable characters as their fallbacks."""
    for stream in streams:
        encoding = getattr(stream, "encoding", None)
        if not isinstance(stream, io.TextIOWrapper) or not encoding:
            continue
        if codecs.lookup(encoding).name == "utf-8":
            continue
        stream.reconfigure(errors=error_handler(encoding))


#: What human output never writes raw: control characters (ESC, CR, LF, ...), lone
#: surrogates, line and paragraph separators and the bidirectional overrides.
_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]"
)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    r"""``text`` with every character that could forge or garble a terminal line escaped.

    Examples:
        >>> escape("A\x1b[31m\nB")
        'A\\x1b[31m\\x0aB'
    """
    return _UNSAFE.sub(_escaped, text)


def escape_lines(text: str) -> str:
    """``text`` with each of its lines escaped as by `escape`; the line breaks are kept."""
    return "\n".join(escape(line) for line in text.split("\n"))
