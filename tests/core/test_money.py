from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promocore.errors import (
    AllocationError,
    CurrencyError,
    FloatRefusedError,
    PromocoreError,
    ValidationError,
)
from promocore.money import Money, Rounding, allocate, minor_units, total


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def test_minor_units_table() -> None:
    for code in ("CNY", "USD", "EUR", "GBP", "HKD"):
        assert minor_units(code) == 2
    assert minor_units("JPY") == 0
    assert minor_units("KRW") == 0
    with pytest.raises(CurrencyError):
        minor_units("XXX")


def test_parse_from_str_int_decimal() -> None:
    assert cny("169.00") == Money(16900, "CNY")
    assert cny("0.5") == Money(50, "CNY")
    assert Money.parse(12, "CNY") == Money(1200, "CNY")
    assert Money.parse(Decimal("45.50"), "CNY") == Money(4550, "CNY")
    assert Money.parse("1200", "JPY") == Money(1200, "JPY")


def test_parse_refuses_floats_and_excess_decimals() -> None:
    with pytest.raises(FloatRefusedError):
        Money.parse(1.5, "CNY")
    with pytest.raises(FloatRefusedError):
        Money(1.5, "CNY")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="more than 2 decimals"):
        cny("1.005")
    with pytest.raises(ValidationError, match="more than 0 decimals"):
        Money.parse("1.5", "JPY")
    with pytest.raises(ValidationError):
        cny("abc")
    with pytest.raises(ValidationError):
        cny("NaN")


def test_errors_are_promocore_errors_and_builtins() -> None:
    with pytest.raises(PromocoreError):
        cny("x")
    with pytest.raises(ValueError):
        cny("x")
    with pytest.raises(TypeError):
        Money.parse(0.1, "CNY")


def test_arithmetic_and_comparison() -> None:
    a, b = cny("10.00"), cny("2.50")
    assert a + b == cny("12.50")
    assert a - b == cny("7.50")
    assert -a == cny("-10.00")
    assert a * 3 == cny("30.00")
    assert 3 * a == cny("30.00")
    assert b < a and a >= b and a.max(b) == a and a.min(b) == b
    with pytest.raises(CurrencyError):
        a + Money(1, "USD")
    with pytest.raises(CurrencyError):
        _ = a < Money(1, "USD")
    with pytest.raises(TypeError):
        a * Decimal("1.5")  # type: ignore[operator]


def test_multiply_names_its_rounding() -> None:
    price = cny("0.05")
    assert price.multiply("0.5", Rounding.HALF_UP) == Money(3, "CNY")
    assert price.multiply("0.5", Rounding.HALF_EVEN) == Money(2, "CNY")
    assert price.multiply("0.5", Rounding.DOWN) == Money(2, "CNY")
    assert price.multiply("0.5", Rounding.UP) == Money(3, "CNY")
    assert cny("-0.05").multiply("0.5", Rounding.FLOOR) == Money(-3, "CNY")
    assert cny("338.00").percent("5", Rounding.HALF_UP) == cny("16.90")
    with pytest.raises(FloatRefusedError):
        price.multiply(0.5, Rounding.HALF_UP)  # type: ignore[arg-type]


def test_format_and_display() -> None:
    assert cny("-3.05").format() == "-3.05"
    assert cny("-3.05").display() == "-¥3.05"
    assert Money(1200, "JPY").format() == "1200"
    assert Money(1234, "KWD").format() == "1.234"
    assert str(cny("1.00")) == "1.00 CNY"
    assert total([], "CNY") == cny("0")


def test_allocate_example_from_the_sample_files() -> None:
    # 50.00 over payables 321.10 and 45.50: 4379.43 and 620.57 fen; the odd fen goes to .57
    assert allocate(cny("50.00"), [cny("321.10"), cny("45.50")]) == (cny("43.79"), cny("6.21"))


def test_allocate_tie_break_is_the_lower_index() -> None:
    assert allocate(Money(2, "CNY"), [1, 1, 1]) == (
        Money(1, "CNY"),
        Money(1, "CNY"),
        Money(0, "CNY"),
    )


def test_allocate_zero_weight_gets_zero_and_negative_amounts() -> None:
    assert allocate(Money(10, "CNY"), [0, 1, 0]) == (
        Money(0, "CNY"),
        Money(10, "CNY"),
        Money(0, "CNY"),
    )
    assert allocate(Money(-5, "CNY"), [1, 1]) == (Money(-3, "CNY"), Money(-2, "CNY"))


def test_allocate_caps_push_overflow_to_the_others() -> None:
    parts = allocate(Money(100, "CNY"), [1, 1, 1], caps=[Money(10, "CNY"), None, Money(50, "CNY")])
    assert parts == (Money(10, "CNY"), Money(45, "CNY"), Money(45, "CNY"))


def test_allocate_impossible_raises() -> None:
    with pytest.raises(AllocationError):
        allocate(Money(100, "CNY"), [1, 1], caps=[Money(10, "CNY"), Money(20, "CNY")])
    with pytest.raises(AllocationError):
        allocate(Money(1, "CNY"), [0, 0])
    with pytest.raises(AllocationError):
        allocate(Money(1, "CNY"), [-1, 2])
    with pytest.raises(FloatRefusedError):
        allocate(Money(1, "CNY"), [0.5, 0.5])  # type: ignore[list-item]


weights = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12)


@given(amount=st.integers(min_value=-(10**9), max_value=10**9), ws=weights)
def test_allocation_sums_exactly(amount: int, ws: list[int]) -> None:
    if amount and not any(ws):
        return
    parts = allocate(Money(amount, "CNY"), ws)
    assert sum(p.amount for p in parts) == amount
    for part, w in zip(parts, ws, strict=True):
        if w == 0:
            assert part.amount == 0
        assert (part.amount >= 0) == (amount >= 0) or part.amount == 0


@given(amount=st.integers(min_value=0, max_value=10**7), ws=weights, data=st.data())
def test_allocation_respects_caps(amount: int, ws: list[int], data: st.DataObject) -> None:
    caps = [
        data.draw(
            st.none() | st.integers(min_value=0, max_value=10**7).map(lambda a: Money(a, "CNY"))
        )
        for _ in ws
    ]
    room = sum((10**12 if c is None else c.amount) for c, w in zip(caps, ws, strict=True) if w > 0)
    if amount > room or (amount and not any(ws)):
        with pytest.raises(AllocationError):
            allocate(Money(amount, "CNY"), ws, caps=caps)
        return
    parts = allocate(Money(amount, "CNY"), ws, caps=caps)
    assert sum(p.amount for p in parts) == amount
    for part, cap in zip(parts, caps, strict=True):
        assert part.amount >= 0
        if cap is not None:
            assert part <= cap


@given(amount=st.integers(min_value=0, max_value=10**6), ws=weights)
def test_allocation_is_proportional_within_one_unit(amount: int, ws: list[int]) -> None:
    if not any(ws):
        return
    parts = allocate(Money(amount, "CNY"), ws)
    whole = sum(ws)
    for part, w in zip(parts, ws, strict=True):
        assert abs(part.amount * whole - amount * w) < whole


@given(
    n=st.integers(min_value=-(10**12), max_value=10**12),
    d=st.integers(min_value=1, max_value=10**6),
    rounding=st.sampled_from(list(Rounding)),
)
def test_round_div_agrees_with_decimal(n: int, d: int, rounding: Rounding) -> None:
    from decimal import localcontext

    from promocore.money import round_div

    with localcontext() as ctx:
        ctx.prec = 60
        expected = int((Decimal(n) / Decimal(d)).to_integral_value(rounding=rounding.value))
    assert round_div(n, d, rounding) == expected


def test_grouping_separates_thousands_for_people() -> None:
    assert cny("1234567.89").format(grouping=True) == "1,234,567.89"
    assert cny("-1234.50").display(grouping=True) == "-¥1,234.50"
    assert cny("999.99").display(grouping=True) == "¥999.99"
    assert Money(1_000_000, "JPY").display(grouping=True) == "¥1,000,000"
    assert Money(1_234_567, "KWD").display(grouping=True) == "KWD 1,234.567"
    assert cny("1234.00").format() == "1234.00"
