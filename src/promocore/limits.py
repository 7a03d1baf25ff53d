"""The documented limits on every input, and the checks that refuse what passes them.

Campaign files come from merchants' admin tools and carts from the internet, so every input
has a bound: files cannot be made to exhaust memory or the stack, numbers cannot be made too
long to compute with or print, and every amount fits the ledger (which counts exactly up to
2^53 − 1 in every backend). Each limit is refused with a typed error naming the file, the
field and the limit; see the loader's reference page for the list and the error each gives.

| limit | value | where |
| --- | --- | --- |
| `MAX_FILE_BYTES` | 16 MiB | campaign, cart and CSV files |
| `MAX_DEPTH` | 32 | nesting of tables and arrays in a file |
| `MAX_LIST_ITEMS` | 100,000 | items of one array in a file |
| `MAX_TEXT_LENGTH` | 1,000 | characters of any string |
| `MAX_ID_LENGTH` | 128 | ids, skus, groups, labels |
| `MAX_NUMBER_DIGITS` | 40 | significant digits |
| `MAX_EXPONENT` | 40 | decimal exponent of a number |
| `MAX_WHOLE_DIGITS` | 18 | digits of a whole number in a file |
| `MAX_AMOUNT` | 2^53 − 1 minor units | every amount given, and a cart's subtotal |
| `MAX_SUM` | 10^40 − 1 minor units | any `Money`, sums of analytics included |
| `MAX_QUANTITY` | 1,000,000 | units of one cart line or gift |
| `MAX_PRIORITY` | 10^9 | a campaign's priority, either way |
| `MAX_LINES` | 1,000 | lines of one cart |
| `MAX_CAMPAIGNS` | 10,000 | campaigns of one file |

Examples:
    >>> from promocore import Money
    >>> Money.parse("90071992547409.92", "CNY")
    Traceback (most recent call last):
    ...
    promocore.errors.LimitExceededError: amount: at most 90071992547409.91 CNY ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import UnionType
from typing import Any

from promocore.validation import Checks

__all__ = [
    "MAX_AMOUNT",
    "MAX_CAMPAIGNS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_FILE_BYTES",
    "MAX_ID_LENGTH",
    "MAX_LINES",
    "MAX_LIST_ITEMS",
    "MAX_NUMBER_DIGITS",
    "MAX_PRIORITY",
    "MAX_QUANTITY",
    "MAX_SUM",
    "MAX_TEXT_LENGTH",
    "MAX_WHOLE_DIGITS",
    "check_amount",
    "check_decimal",
    "check_id",
    "check_instance",
    "check_labels",
    "check_text",
    "check_whole",
    "decimal_problem",
    "items",
    "labels",
    "unsafe_character",
]

#: Largest campaign, cart or CSV file read, in bytes.
MAX_FILE_BYTES = 16 * 2**20
#: Deepest nesting of tables and arrays in a file (the top level is depth 1).
MAX_DEPTH = 32
#: Most items of one array in a file (skus of a scope, tiers, arms).
MAX_LIST_ITEMS = 100_000
#: Longest string anywhere (a campaign name, a category), in characters.
MAX_TEXT_LENGTH = 1_000
#: Longest id (campaign, sku, customer, exclusive group) or label (tier, segment, category,
#: tag), in characters; with the prefixes the ledger adds it stays within the ledger's names.
MAX_ID_LENGTH = 128
#: Most significant digits of a number (an amount, a rate, a weight).
MAX_NUMBER_DIGITS = 40
#: Largest decimal exponent of a number, either way (``1e40`` and ``1e-40`` are the extremes).
MAX_EXPONENT = 40
#: Most digits of a whole number written in a file (a quantity, a priority, a limit).
MAX_WHOLE_DIGITS = 18
#: Largest amount of money, in minor units, positive or negative: what the ledger counts
#: exactly in every backend (¥90,071,992,547,409.91).
MAX_AMOUNT = 2**53 - 1
#: Largest magnitude a `Money` holds, in minor units: a sum over many orders (analytics)
#: may pass `MAX_AMOUNT`, but nothing prints or computes slowly.
MAX_SUM = 10**MAX_NUMBER_DIGITS - 1
#: Most units of one cart line or gift.
MAX_QUANTITY = 1_000_000
#: Largest priority of a campaign, either way.
MAX_PRIORITY = 10**9
#: Most lines of one cart.
MAX_LINES = 1_000
#: Most campaigns of one file.
MAX_CAMPAIGNS = 10_000

#: Control characters and lone surrogates: never in an id or a label.
_UNSAFE_ID = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
#: Lone surrogates (no UTF-8 form) and NUL: never in any text.
_UNSAFE_TEXT = re.compile(r"[\x00\ud800-\udfff]")


def unsafe_character(text: str, *, control: bool = True) -> str | None:
    r"""The first character of ``text`` an id may not hold, escaped (``"\x1b"``), or ``None``.

    Args:
        text: The text.
        control: Refuse control characters too, not only lone surrogates and NUL.
    """
    found = (_UNSAFE_ID if control else _UNSAFE_TEXT).search(text)
    if found is None:
        return None
    return found.group().encode("unicode_escape", "backslashreplace").decode("ascii")


def _type_name(value: object) -> str:
    return type(value).__name__


def check_instance(
    checks: Checks, path: str, value: object, cls: type | UnionType | tuple[type, ...], what: str
) -> bool:
    """Record a wrong type unless ``value`` is an instance of ``cls``; return whether it is."""
    if isinstance(value, cls):
        return True
    checks.add_type(path, f"must be {what}, got {_type_name(value)}")
    return False


def check_text(
    checks: Checks, path: str, value: object, *, max_length: int = MAX_TEXT_LENGTH
) -> bool:
    """Record a problem unless ``value`` is a str of at most ``max_length`` writable characters."""
    if not check_instance(checks, path, value, str, "a str"):
        return False
    assert isinstance(value, str)
    if len(value) > max_length:
        named = " (promocore.limits.MAX_TEXT_LENGTH)" if max_length == MAX_TEXT_LENGTH else ""
        checks.add_limit(path, f"at most {max_length} characters{named}, got {len(value)}")
        return False
    bad = unsafe_character(value, control=False)
    if bad is not None:
        checks.add(path, f"must not contain {bad}")
        return False
    return True


def check_id(checks: Checks, path: str, value: object, *, optional: bool = False) -> bool:
    """Record a problem unless ``value`` is a usable id.

    An id is a non-blank str of at most [`MAX_ID_LENGTH`][promocore.limits.MAX_ID_LENGTH]
    characters with no control character or lone surrogate: what the ledger and every store
    accept as part of a name, and what prints as it is.
    """
    if value is None and optional:
        return True
    if not check_instance(checks, path, value, str, "a str"):
        return False
    assert isinstance(value, str)
    if not value.strip():
        checks.add(path, "must not be empty")
        return False
    if len(value) > MAX_ID_LENGTH:
        checks.add_limit(
            path,
            f"at most {MAX_ID_LENGTH} characters (promocore.limits.MAX_ID_LENGTH), "
            f"got {len(value)}",
        )
        return False
    bad = unsafe_character(value)
    if bad is not None:
        checks.add(path, f"must not contain the control character {bad}")
        return False
    return True


def check_labels(checks: Checks, path: str, values: object) -> None:
    """Record a problem unless ``values`` is a frozenset of ids (tiers, segments, categories)."""
    if not check_instance(checks, path, values, frozenset, "a set of str"):
        return
    assert isinstance(values, frozenset)
    if len(values) > MAX_LIST_ITEMS:
        checks.add_limit(
            path,
            f"at most {MAX_LIST_ITEMS} items (promocore.limits.MAX_LIST_ITEMS), got {len(values)}",
        )
        return
    for value in sorted(values, key=repr):
        if not check_id(checks, path, value):
            return


def check_whole(
    checks: Checks,
    path: str,
    value: object,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    optional: bool = False,
    limit: str = "",
) -> bool:
    """Record a problem unless ``value`` is an int (not a bool) in ``[minimum, maximum]``.

    ``limit`` names the constant ``maximum`` comes from, for the message.
    """
    if value is None and optional:
        return True
    if isinstance(value, bool) or not isinstance(value, int):
        hint = " (floats are refused)" if isinstance(value, float) else ""
        checks.add_type(path, f"must be a whole number, got {_type_name(value)}{hint}")
        return False
    if minimum is not None and value < minimum:
        checks.add(path, f"must be >= {minimum}")
        return False
    if maximum is not None and value > maximum:
        named = f" (promocore.limits.{limit})" if limit else ""
        checks.add_limit(path, f"must be <= {maximum}{named}")
        return False
    return True


def check_amount(
    checks: Checks, path: str, value: object, *, optional: bool = False, what: str = "Money"
) -> bool:
    """Record a problem unless ``value`` is ``Money`` of at most `MAX_AMOUNT` minor units.

    What a price, a budget or a param may be: what the ledger can count.
    """
    if value is None and optional:
        return True
    if not check_instance(checks, path, value, _money_type(), what):
        return False
    amount = value.amount  # type: ignore[attr-defined]
    if not -MAX_AMOUNT <= amount <= MAX_AMOUNT:
        checks.add_limit(
            path, f"at most {MAX_AMOUNT} minor units in magnitude (promocore.limits.MAX_AMOUNT)"
        )
        return False
    return True


def _money_type() -> type:
    from promocore.money import Money

    return Money


def check_decimal(checks: Checks, path: str, value: object, *, optional: bool = False) -> bool:
    """Record a problem unless ``value`` is a finite ``Decimal`` within the digit limits.

    Floats and strings are refused: params take ``Decimal("7.5")`` (files are read into
    ``Decimal`` by the loader).
    """
    if value is None and optional:
        return True
    if not isinstance(value, Decimal):
        hint = " (floats are refused)" if isinstance(value, float) else ""
        checks.add_type(path, f"must be a Decimal, got {_type_name(value)}{hint}")
        return False
    problem = decimal_problem(value)
    if problem is not None:
        if value.is_finite():
            checks.add_limit(path, problem)
        else:
            checks.add(path, problem)
        return False
    return True


def decimal_problem(value: Decimal) -> str | None:
    """Why ``value`` is not a usable exact number (not finite, too many digits), or ``None``."""
    if not value.is_finite():
        return f"{value} is not a finite number"
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if len(digits) > MAX_NUMBER_DIGITS:
        return (
            f"at most {MAX_NUMBER_DIGITS} significant digits "
            f"(promocore.limits.MAX_NUMBER_DIGITS), got {len(digits)}"
        )
    if exponent > MAX_EXPONENT or exponent + len(digits) - 1 > MAX_EXPONENT:
        return f"at most 10^{MAX_EXPONENT} in magnitude (promocore.limits.MAX_EXPONENT)"
    if exponent < -MAX_EXPONENT:
        return f"at most {MAX_EXPONENT} decimals (promocore.limits.MAX_EXPONENT)"
    return None


def labels(values: Iterable[str]) -> frozenset[str]:
    """A converter: a str or an iterable of them as a frozenset; anything else unchanged.

    What cannot be converted is left for the class's own check to report with its path.
    """
    if isinstance(values, str):
        return frozenset([values])
    if isinstance(values, frozenset):
        return values
    if isinstance(values, Iterable) and not isinstance(values, bytes | Mapping):
        try:
            return frozenset(values)
        except TypeError:  # unhashable items
            pass
    return values  # type: ignore[return-value]


def items(values: object) -> Any:
    """A converter: an iterable (not a str or a mapping) as a tuple; anything else unchanged."""
    if isinstance(values, tuple):
        return values
    if isinstance(values, Iterable) and not isinstance(values, str | bytes | Mapping):
        return tuple(values)
    return values
