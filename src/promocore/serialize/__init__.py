"""The one converter: every promocore value to plain data and back, in two profiles.

**Human profile**: what people write and read. Campaign and cart files
([`promocore.config`][promocore.config]), quotes
([`Quote.to_dict`][promocore.quote.Quote.to_dict] and
[`Quote.from_dict`][promocore.quote.Quote.from_dict]), the JSON the command line
prints and the ``to_dict()`` of analytics results use it.

- Money is a string of major units with the currency's decimals (``"383.50"``, JPY
  ``"1200"``). The document states its currency once: a file's or campaign's
  ``currency``, a cart's, a quote's, an analytics result's. Amounts are read from
  strings (``"300.00"``, ``"300"``) or integers (``300``, major units).
- Whole numbers (quantities, limits, priorities) are read from integers or strings
  of at most 18 digits (``2`` or ``"2"``).
- Rates and percentages (``Decimal``) are read from strings or integers.
- Floats are refused for all three: ``300.5`` has no exact binary value, so the
  problem says to write it as a string (``"300.50"``).
- Durations (``timedelta``) are read from whole seconds (``900``) or a string of seconds
  to the microsecond (``"90.5"``), and written so in files (``compact=True``); other
  documents write them as a number of seconds.
- Times are ISO 8601 with a UTC offset; times of day (``"19:00"``) and dates
  (``"2026-10-01"``) without; enums their value (``"amount"``) or name in
  any case (``half_up``); sets are sorted lists; ``tuple[tuple[str, X], ...]`` pairs
  (a line's ``refs``) are objects.
- A ``Money | int`` threshold takes the type the class's deciding field names (see
  [`promocore.measure`][promocore.measure]): ``threshold = 300`` is ¥300.00 on an
  amount basis and ``threshold = "2"`` two units on a quantity basis.
- Fields whose default is ``None`` are left out while ``None``; with
  ``compact=True`` (what campaign files are written with) every field holding its
  default is left out.

**Storage profile**: record payloads of a [`Codec`][promocore.state.typed.Codec],
which stamps each with its class's format version (``"$v"``). A payload has no
document around it, so money carries its currency:
``{"amount": "383.50", "currency": "CNY"}`` — the amount written exactly as above.
Every field is written, sets and mapping keys are sorted (one value, one payload),
and a member of a union of attrs classes (an event log) is tagged with its class
name under ``"$type"``. Payloads written before amounts were strings (integer minor
units) and before union members were tagged are still read.

Structuring collects every problem with its path, as
``campaigns[1].params.tiers[0].threshold: must be > 0``.

Nothing on the pricing path imports this module: quotes import it when asked to
write or read themselves, so pricing a cart loads no cattrs.

Examples:
    >>> from promocore.campaign import Budget
    >>> from promocore.money import Money
    >>> structure(Budget, {"limit": 20000}, currency="CNY")
    Budget(limit=Money(amount=2000000, currency='CNY'), contingency=None)
    >>> unstructure(Budget(Money(2000000, "CNY")))
    {'limit': '20000.00'}
    >>> storage_converter().unstructure(Money(38350, "CNY"))
    {'amount': '383.50', 'currency': 'CNY'}
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

import cattrs

from promocore.limits import MAX_WHOLE_DIGITS
from promocore.serialize._human import CURRENCY
from promocore.serialize._human import make_converter as _make_human
from promocore.serialize._problems import problems_of, validation_error
from promocore.serialize._quotes import register_quote_hooks
from promocore.serialize._storage import TYPE_KEY, make_storage_converter

__all__ = [
    "MAX_WHOLE_DIGITS",
    "TYPE_KEY",
    "human_converter",
    "make_human_converter",
    "make_storage_converter",
    "problems_of",
    "storage_converter",
    "structure",
    "unstructure",
]

T = TypeVar("T")


def make_human_converter(*, compact: bool = False) -> cattrs.Converter:
    """Return a new converter of the human profile, to extend with hooks of your own.

    Args:
        compact: Leave out every field holding its default; otherwise only fields
            whose default is ``None`` are left out while they are ``None``.
    """
    converter = _make_human(compact=compact)
    register_quote_hooks(converter)
    return converter


@functools.cache
def human_converter(*, compact: bool = False) -> cattrs.Converter:
    """Return the shared converter of the human profile (see the module notes)."""
    return make_human_converter(compact=compact)


@functools.cache
def storage_converter() -> cattrs.Converter:
    """Return the shared converter of the storage profile, the default of every ``Codec``."""
    return make_storage_converter()


def structure(
    cls: type[T],
    raw: object,
    *,
    currency: str | None = None,
    path: str = "",
    converter: cattrs.Converter | None = None,
) -> T:
    """Build a ``cls`` from plain data written in the human profile.

    Args:
        cls: An attrs class, or any type the profile reads (``Money``,
            ``tuple[Tier, ...]``...).
        raw: The plain data (from TOML, JSON or a dict).
        currency: Currency of the amounts; a quote states its own.
        path: Where ``raw`` sits in its document, prefixed to every problem's path.
        converter: A human-profile converter of your own (default: the shared one).

    Raises:
        ValidationError: every problem found, each with its path.
    """
    converter = converter if converter is not None else human_converter()
    token = CURRENCY.set(currency)
    try:
        return converter.structure(raw, cls)
    except Exception as exc:
        raise validation_error(exc, path) from None
    finally:
        CURRENCY.reset(token)


def unstructure(value: object, *, compact: bool = False) -> Any:
    """Return ``value`` as plain data in the human profile (JSON-ready; TOML-ready if compact).

    ``structure(type(x), unstructure(x), currency=...)`` gives back ``x``.
    """
    return human_converter(compact=compact).unstructure(value)
