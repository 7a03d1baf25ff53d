"""What every hostile-input test asserts, and the values they throw at promocore."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from promocore.cli import main
from promocore.errors import PromocoreError
from promocore.money import Money

#: The fixed budget of every hypothesis test of the suite.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

DATA = Path(__file__).resolve().parents[1] / "data" / "hostile"


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    """Run with ``folder`` as the working folder."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def run_cli(argv: Sequence[str]) -> tuple[int, str, str]:
    """Run the command line in this process: exit status, standard output, standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse refuses its own arguments this way (status 2)
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def assert_refused(result: tuple[int, str, str], *expected: str) -> None:
    """Exit status 2, nothing on standard output, one ``error:`` line per problem, no traceback.

    Each of ``expected`` (a file, a field, a problem) must appear on standard error.
    """
    code, out, err = result
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and "Traceback" not in out
    assert out == "", out
    lines = err.strip().splitlines()
    assert lines, "no message"
    assert all(
        line.startswith("promocore") and "error: " in line
        for line in lines
        if not line.startswith(("usage:", " "))
    ), err
    for text in expected:
        assert text in err, (text, err)
    assert "\x1b" not in err and "\r" not in err


def assert_typed(error: BaseException, field: str = "") -> None:
    """A ``PromocoreError`` that is a ``TypeError`` or ``ValueError`` and names ``field``."""
    assert isinstance(error, PromocoreError), repr(error)
    assert isinstance(error, TypeError | ValueError), repr(error)
    if field:
        assert field in str(error), (field, str(error))
    if isinstance(error, TypeError) and not isinstance(error, PromocoreError):
        raise AssertionError(f"bare TypeError: {error!r}")


#: Strings that break naive code: controls, surrogates, bidi overrides, huge and odd numbers.
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x1b[2J",
        "a\nb",
        "a\rb",
        "\ud800",
        "\u202eevil",
        "\x00",
        "NaN",
        "-Infinity",
        "sNaN",
        "1e999999999",
        "1e-999999999",
        "9" * 5000,
        "1.0000000000000000000000000000001",
        "123456789012345678901234567890",
        "0x10",
        "1_000",
        "١٢٣",
        "１２３",
        "x" * 2000,
        "2026-13-45T99:00:00",
        "2026-11-11T10:00:00",
        "half_up",
    ]
) | st.text(max_size=20)

#: Any value at all, for a field of any type.
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**19, -(10**19), 2**53, 2**63, 10**400, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    NASTY_TEXT,
    st.binary(max_size=8),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("1E+999999"), Decimal(-1)]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.tuples(st.text(max_size=3)),
    st.frozensets(st.integers(), max_size=2),
    st.just(Money(100, "CNY")),
    st.just(Money(100, "USD")),
    st.just(datetime(2026, 11, 11, 10)),
    st.just(object()),
)

#: Plain data as a JSON or TOML file holds it, with hostile leaves.
JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**19, 10**400, -1, 0, 2**53]),
    st.floats(allow_nan=False, allow_infinity=False),
    NASTY_TEXT,
)
JSON_DATA: st.SearchStrategy[Any] = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
