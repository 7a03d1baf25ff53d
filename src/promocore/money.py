"""Exact money: integer minor units plus an ISO 4217 currency.

Amounts never pass through a float. Every operation that can produce a fraction
of a minor unit takes a [`Rounding`][promocore.money.Rounding] mode, and
[`allocate`][promocore.money.allocate] splits an amount over parts so that the parts always sum
exactly to the whole.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Iterable, Sequence
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
)
from fractions import Fraction
from typing import Self

import attrs

from promocore.errors import (
    AllocationError,
    CurrencyError,
    FloatRefusedError,
    LimitExceededError,
    ValidationError,
    WrongTypeError,
)
from promocore.limits import (
    MAX_AMOUNT,
    MAX_EXPONENT,
    MAX_NUMBER_DIGITS,
    MAX_SUM,
    MAX_TEXT_LENGTH,
    decimal_problem,
)

#: Minor-unit exponent of the currencies promocore knows (ISO 4217).
MINOR_UNITS: dict[str, int] = {
    "CNY": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "HKD": 2,
    "TWD": 2,
    "SGD": 2,
    "AUD": 2,
    "CAD": 2,
    "CHF": 2,
    "MOP": 2,
    "MYR": 2,
    "THB": 2,
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "KWD": 3,
    "BHD": 3,
}

#: Symbols used by human-readable output.
SYMBOLS: dict[str, str] = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "KRW": "₩"}

Rate = Decimal | int | str

_SCALE = {exponent: 10**exponent for exponent in range(5)}

#: The decimal context of parsing: wide enough for every number within the limits, and any
#: rounding it would do raises instead (the caller's own context is never used).
_EXACT = Context(
    prec=2 * MAX_NUMBER_DIGITS + 2 * MAX_EXPONENT,
    Emax=4 * MAX_EXPONENT,
    Emin=-4 * MAX_EXPONENT,
    traps=[Inexact, Rounded, InvalidOperation, Overflow],
)


class Rounding(enum.Enum):
    """How a fraction of a minor unit is resolved; every rounding names one."""

    HALF_UP = ROUND_HALF_UP
    """To the nearest; a half away from zero (0.5 fen → 1 fen)."""
    HALF_EVEN = ROUND_HALF_EVEN
    """To the nearest; a half to the even neighbour (banker's rounding)."""
    HALF_DOWN = ROUND_HALF_DOWN
    """To the nearest; a half towards zero."""
    DOWN = ROUND_DOWN
    """Towards zero: never more than the exact amount, for amounts above zero."""
    UP = ROUND_UP
    """Away from zero."""
    FLOOR = ROUND_FLOOR
    """Towards negative infinity."""
    CEILING = ROUND_CEILING
    """Towards positive infinity."""


def round_div(numerator: int, denominator: int, rounding: Rounding) -> int:
    """Divide two integers exactly and round the quotient to an integer with ``rounding``.

    Raises:
        WrongTypeError: ``rounding`` is not a [`Rounding`][promocore.money.Rounding] (or the
            exact value of one, ``"ROUND_HALF_UP"``).
    """
    if type(rounding) is not Rounding:
        rounding = as_rounding(rounding)
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(numerator, denominator)  # floor division
    if remainder == 0 or rounding is Rounding.FLOOR:
        return quotient
    negative = numerator < 0
    if rounding is Rounding.CEILING:
        return quotient + 1
    if rounding is Rounding.DOWN:
        return quotient + 1 if negative else quotient
    if rounding is Rounding.UP:
        return quotient if negative else quotient + 1
    twice = 2 * remainder
    if twice < denominator:
        return quotient
    if twice > denominator:
        return quotient + 1
    if rounding is Rounding.HALF_EVEN:
        return quotient + (quotient % 2)
    if rounding is Rounding.HALF_UP:
        return quotient if negative else quotient + 1
    return quotient + 1 if negative else quotient  # HALF_DOWN


def as_rounding(value: object, what: str = "rounding") -> Rounding:
    """``value`` as a [`Rounding`][promocore.money.Rounding]: a member or its exact value.

    Raises:
        WrongTypeError: anything else (``"HALF_UP"`` and ``"half_up"`` included: names are
            read from files by the loader, not here).
    """
    if isinstance(value, Rounding):
        return value
    if isinstance(value, str):
        for member in Rounding:
            if member.value == value:
                return member
    known = ", ".join(f"Rounding.{m.name}" for m in Rounding)
    raise WrongTypeError.single(what, f"must be a Rounding ({known}), got {value!r}")


def minor_units(currency: str) -> int:
    """Return the minor-unit exponent of ``currency``.

    Raises:
        CurrencyError: the code is not a known ISO 4217 currency.
    """
    try:
        return MINOR_UNITS[currency]
    except (KeyError, TypeError):
        if not isinstance(currency, str):
            raise WrongTypeError.single(
                "currency", f"must be a str, got {type(currency).__name__}"
            ) from None
        raise CurrencyError(f"unknown currency {currency[:20]!r}") from None


#: A number as people write it: ASCII digits, an optional sign, point and exponent.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Convert ``str``, ``int`` or ``Decimal`` to ``Decimal``; refuse floats and junk.

    The conversion is exact. Strings are ASCII numbers (``"7.5"``, ``"-3"``, ``"1e3"``);
    numbers beyond the limits of [`promocore.limits`][promocore.limits] (40 significant
    digits, magnitudes up to 10^40) are refused rather than rounded.

    Raises:
        FloatRefusedError: ``value`` is a float.
        WrongTypeError: ``value`` is not a str, int or Decimal.
        ValidationError: ``value`` is not a finite number.
        LimitExceededError: ``value`` has too many digits or is too large or too small.
    """
    if isinstance(value, float):
        raise FloatRefusedError(
            f"{what}: floats are refused, pass a str or Decimal (got {value!r})"
        )
    if isinstance(value, bool):
        raise WrongTypeError.single("", f"{what}: expected a number, got a bool")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if value.bit_length() > _INT_BITS:
            raise LimitExceededError.single(
                "",
                f"{what}: more than {MAX_NUMBER_DIGITS} digits "
                "(promocore.limits.MAX_NUMBER_DIGITS)",
            )
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise LimitExceededError.single(
                "",
                f"{what}: at most {MAX_NUMBER_DIGITS} significant digits "
                f"(promocore.limits.MAX_NUMBER_DIGITS), got {len(text)} characters",
            )
        if not _NUMBER.fullmatch(text):
            shown = repr(value) if len(value) <= 40 else f"{value[:40]!r}..."
            raise ValidationError.single("", f"{what}: {shown} is not a number")
        try:
            result = Decimal(text)
        except ArithmeticError:  # an exponent beyond what Decimal holds
            raise LimitExceededError.single(
                "",
                f"{what}: at most 10^{MAX_EXPONENT} in magnitude (promocore.limits.MAX_EXPONENT)",
            ) from None
    else:
        raise WrongTypeError.single(
            "", f"{what}: expected str, int or Decimal, got {type(value).__name__}"
        )
    problem = decimal_problem(result)
    if problem is not None:
        error = LimitExceededError if result.is_finite() else ValidationError
        if not result.is_finite():
            problem = f"{value!r} is not a finite number"
        raise error.single("", f"{what}: {problem}")
    return result


#: Bits of an int with 41 digits: beyond them it is not even converted.
_INT_BITS = 137


def ratio(value: object, what: str = "value") -> tuple[int, int]:
    """``value`` as an exact integer ratio ``(numerator, denominator)``.

    Validated as by [`to_decimal`][promocore.money.to_decimal]; the ratios of numbers seen before
    are remembered.
    """
    if type(value) in (Decimal, int, str):
        try:
            return _ratio(value, what)
        except TypeError:  # unhashable: a signalling NaN
            pass
    return to_decimal(value, what).as_integer_ratio()


@functools.lru_cache(maxsize=1024, typed=True)
def _ratio(value: object, what: str) -> tuple[int, int]:
    return to_decimal(value, what).as_integer_ratio()


def _check_currency(_: object, __: object, value: str) -> None:
    minor_units(value)


def _check_amount(_: object, __: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float):
            raise FloatRefusedError(
                f"Money amount must be integer minor units, got float {value!r}"
            )
        raise WrongTypeError.single(
            "amount", f"must be integer minor units, got {type(value).__name__}"
        )
    if not -MAX_SUM <= value <= MAX_SUM:
        raise LimitExceededError.single("amount", _TOO_LARGE)


_TOO_LARGE = f"at most {MAX_NUMBER_DIGITS} digits of minor units (promocore.limits.MAX_SUM)"


@attrs.frozen(order=False)
class Money:
    """An exact amount: ``amount`` minor units (fen, cents) of ``currency``.

    Build one from minor units with ``Money(16900, "CNY")`` or from major units
    with [`Money.parse`][promocore.money.Money.parse] (``Money.parse("169.00", "CNY")``).

    Attributes:
        amount: Whole minor units, negative for a debit.
        currency: An ISO 4217 code (``"CNY"``) with a known number of minor units.
    """

    amount: int = attrs.field(validator=_check_amount)
    currency: str = attrs.field(validator=_check_currency)

    @classmethod
    def parse(cls, value: object, currency: str) -> Self:
        """Parse major units from ``str``, ``int`` or ``Decimal``.

        Raises:
            FloatRefusedError: ``value`` is a float.
            ValidationError: not a number, or more decimals than the currency has: the
                parse is exact at any number of digits and never rounds.
            LimitExceededError: more than [`MAX_AMOUNT`][promocore.limits.MAX_AMOUNT]
                minor units, or beyond the digit limits of a number.
        """
        exponent = minor_units(currency)
        number = to_decimal(value, "amount")
        scaled = _EXACT.scaleb(number, exponent)  # exact: its own context, never rounding
        if scaled != _EXACT.to_integral_value(scaled):
            shown = repr(value) if len(str(value)) <= 40 else "the amount"
            raise ValidationError.single(
                "", f"amount: {shown} has more than {exponent} decimals for {currency}"
            )
        amount = int(scaled)
        if not -MAX_AMOUNT <= amount <= MAX_AMOUNT:
            largest = _format(MAX_AMOUNT, currency)
            raise LimitExceededError.single(
                "", f"amount: at most {largest} {currency} (promocore.limits.MAX_AMOUNT)"
            )
        return cls._trusted_new(amount, currency)

    @classmethod
    def zero(cls, currency: str) -> Self:
        """Return nothing of ``currency``."""
        minor_units(currency)
        return cls._trusted_new(0, currency)

    @classmethod
    def _trusted_new(cls, amount: int, currency: str) -> Self:
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise WrongTypeError.single("", f"expected Money, got {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyError(f"cannot mix {self.currency} and {other.currency}")
        return other

    def _new(self, amount: int) -> Money:
        """The same currency with another amount; skips validation (inputs are valid)."""
        return _trusted(amount, self.currency)

    def with_amount(self, amount: int) -> Money:
        """The same currency with ``amount`` minor units (cheaper than ``Money(...)``).

        Raises:
            TypeError: ``amount`` is not an int.
        """
        if type(amount) is not int:
            _check_amount(None, None, amount)
        return _trusted(amount, self.currency)

    def __add__(self, other: Money) -> Money:
        if type(other) is not Money or other.currency != self.currency:
            self._same(other)
        return _trusted(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        if type(other) is not Money or other.currency != self.currency:
            self._same(other)
        return _trusted(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return self._new(-self.amount)

    def __abs__(self) -> Money:
        return self._new(abs(self.amount))

    def __mul__(self, quantity: int) -> Money:
        """Multiply by a whole number (a quantity); use `multiply` for rates."""
        if type(quantity) is not int and (
            isinstance(quantity, bool) or not isinstance(quantity, int)
        ):
            raise WrongTypeError.single(
                "", "Money * needs an int; use Money.multiply(rate, rounding) for rates"
            )
        return self._new(self.amount * quantity)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        if type(other) is not Money or other.currency != self.currency:
            self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if type(other) is not Money or other.currency != self.currency:
            self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if type(other) is not Money or other.currency != self.currency:
            self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if type(other) is not Money or other.currency != self.currency:
            self._same(other)
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return self.amount != 0

    def multiply(self, rate: Rate, rounding: Rounding) -> Money:
        """Multiply by ``rate`` and round to a minor unit with ``rounding``.

        Raises:
            WrongTypeError: ``rounding`` is not a `Rounding` (or its exact value).
        """
        if type(rounding) is not Rounding:
            rounding = as_rounding(rounding)
        numerator, denominator = ratio(rate, "rate")
        return self._new(round_div(self.amount * numerator, denominator, rounding))

    def percent(self, percent: Rate, rounding: Rounding) -> Money:
        """Return ``percent`` % of this amount, rounded with ``rounding``."""
        if type(rounding) is not Rounding:
            rounding = as_rounding(rounding)
        numerator, denominator = ratio(percent, "percent")
        return self._new(round_div(self.amount * numerator, denominator * 100, rounding))

    def min(self, other: Money) -> Money:
        """Return the smaller of two amounts of one currency."""
        return self if self <= other else other

    def max(self, other: Money) -> Money:
        """Return the larger of two amounts of one currency."""
        return self if self >= other else other

    def to_decimal(self) -> Decimal:
        """Return the amount in major units as an exact ``Decimal``."""
        return Decimal(self.amount).scaleb(-minor_units(self.currency))

    def format(self, *, grouping: bool = False) -> str:
        """Return major units with exactly the currency's decimals (``"169.00"``).

        Args:
            grouping: Separate thousands with commas (``"12,345.00"``), for people to read;
                files and JSON use the plain form.
        """
        text = _format(self.amount, self.currency)
        return _grouped(text) if grouping else text

    def display(self, *, grouping: bool = False) -> str:
        """Return the amount with its currency symbol (``"¥169.00"``).

        Args:
            grouping: Separate thousands with commas (``"¥12,345.00"``).
        """
        text = _display(self.amount, self.currency)
        return _grouped(text) if grouping else text

    def __str__(self) -> str:
        return f"{self.format()} {self.currency}"


_new_object = object.__new__
_set_amount = Money.__dict__["amount"].__set__
_set_currency = Money.__dict__["currency"].__set__


def _trusted(amount: int, currency: str) -> Money:
    """Build Money from values already known to be valid, without running validators."""
    money = _new_object(Money)
    _set_amount(money, amount)
    _set_currency(money, currency)
    return money


@functools.lru_cache(maxsize=4096)
def _format(amount: int, currency: str) -> str:
    exponent = minor_units(currency)
    if exponent == 0:
        return str(amount)
    whole, part = divmod(abs(amount), _SCALE[exponent])
    text = f"{whole}.{part:0{exponent}d}"
    return "-" + text if amount < 0 else text


@functools.lru_cache(maxsize=4096)
def _display(amount: int, currency: str) -> str:
    symbol = SYMBOLS.get(currency)
    text = _format(amount, currency)
    if symbol is None:
        return f"{currency} {text}"
    return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"


def _grouped(text: str) -> str:
    """Put a comma between each group of three digits of the whole part of ``text``."""
    start = next((i for i, ch in enumerate(text) if ch.isdigit()), len(text))
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    whole = text[start:end]
    if len(whole) <= 3:
        return text
    return f"{text[:start]}{int(whole):,}{text[end:]}"


def total(amounts: Iterable[Money], currency: str) -> Money:
    """Sum ``amounts``, all of ``currency``; an empty iterable gives zero.

    Raises:
        CurrencyError: an amount is in another currency.
    """
    minor_units(currency)
    result = 0
    for amount in amounts:
        if amount.currency != currency:
            raise CurrencyError(f"cannot mix {currency} and {amount.currency}")
        result += amount.amount
    return _trusted(result, currency)


def _weight(value: object, index: int) -> Fraction:
    if isinstance(value, Money):
        number = Fraction(value.amount)
    elif isinstance(value, float):
        raise FloatRefusedError(f"weights[{index}]: floats are refused")
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        try:
            number = Fraction(to_decimal(value, "weight"))
        except ValidationError as exc:
            raise type(exc).single(f"weights[{index}]", _bare(exc)) from None
    else:
        raise WrongTypeError.single(
            f"weights[{index}]", f"expected int, Decimal or Money, got {type(value).__name__}"
        )
    if number < 0:
        raise AllocationError(f"weights[{index}]: must be >= 0, got {value}")
    return number


def _bare(error: ValidationError) -> str:
    return str(error).removeprefix("weight: ")


def _integer_weights(weights: Sequence[object]) -> list[int]:
    """Weights as integers in the same proportions (Money and int weights stay as they are)."""
    amounts = [w.amount for w in weights if isinstance(w, Money)]
    if len(amounts) == len(weights):
        for i, w in enumerate(amounts):
            if w < 0:
                raise AllocationError(f"weights[{i}]: must be >= 0, got {w}")
        return amounts
    fractions = [_weight(w, i) for i, w in enumerate(weights)]
    scale = math.lcm(*(f.denominator for f in fractions)) if fractions else 1
    return [int(f * scale) for f in fractions]


def _largest_remainder(amount: int, weights: Sequence[int]) -> list[int]:
    """Split non-negative ``amount`` by positive integer ``weights``; ties go to the lower index."""
    whole = sum(weights)
    parts = []
    remainders = []
    for w in weights:
        quota, remainder = divmod(amount * w, whole)
        parts.append(quota)
        remainders.append(remainder)
    left = amount - sum(parts)
    if left:
        order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
        for i in order[:left]:
            parts[i] += 1
    return parts


def allocate(
    amount: Money,
    weights: Sequence[int | Decimal | Money],
    caps: Sequence[Money | None] | None = None,
) -> tuple[Money, ...]:
    """Split ``amount`` over parts in proportion to ``weights``.

    The parts always sum exactly to ``amount``. Fractions of a minor unit go by
    largest remainder; equal remainders go to the lower index. A part with zero
    weight gets zero. With ``caps``, no part exceeds its cap: what would overflow
    is shared among the other parts by their weights. A negative amount is split
    as its magnitude and negated.

    Raises:
        AllocationError: no weight is positive while ``amount`` is not zero, or
            the caps of the positive-weight parts sum to less than ``amount``.
    """
    if not isinstance(amount, Money):
        raise WrongTypeError.single("amount", f"must be Money, got {type(amount).__name__}")
    if isinstance(weights, str | bytes) or not isinstance(weights, Sequence):
        raise WrongTypeError.single("weights", f"must be a sequence, got {type(weights).__name__}")
    currency = amount.currency
    for w in weights:
        if isinstance(w, Money) and w.currency != currency:
            raise CurrencyError(f"cannot mix {currency} and {w.currency}")
    ints = _integer_weights(weights)
    if caps is not None and (isinstance(caps, str | bytes) or not isinstance(caps, Sequence)):
        raise WrongTypeError.single("caps", f"must be a sequence, got {type(caps).__name__}")
    if caps is not None and len(caps) != len(ints):
        raise AllocationError("caps must have one entry per weight")
    sign = -1 if amount.amount < 0 else 1
    remaining = abs(amount.amount)
    parts = [0] * len(ints)
    if remaining == 0:
        return tuple(_trusted(0, currency) for _ in parts)
    limit: list[int | None] = [None] * len(ints)
    if caps is not None:
        for i, given in enumerate(caps):
            if given is not None:
                if not isinstance(given, Money):
                    raise WrongTypeError.single(
                        f"caps[{i}]", f"must be Money or None, got {type(given).__name__}"
                    )
                if given.currency != currency:
                    raise CurrencyError(f"cannot mix {currency} and {given.currency}")
                if given.amount < 0:
                    raise AllocationError(f"caps[{i}]: must be >= 0")
                limit[i] = given.amount
    active = [i for i, w in enumerate(ints) if w > 0]
    while True:
        if not active:
            raise AllocationError(
                f"weights: cannot allocate {amount}: no part with positive weight has room left"
            )
        whole = sum(ints[i] for i in active)
        over = [
            i
            for i in active
            if (bound := limit[i]) is not None and remaining * ints[i] > bound * whole
        ]
        if not over:
            split = _largest_remainder(remaining, [ints[i] for i in active])
            for i, part in zip(active, split, strict=True):
                parts[i] = part
            break
        for i in over:
            fixed = limit[i]
            assert fixed is not None
            parts[i] = fixed
            remaining -= fixed
        active = [i for i in active if i not in over]
        if remaining == 0:
            break
    return tuple(_trusted(sign * p, currency) for p in parts)
