"""Writing to terminals whose encoding lacks characters."""

import io

import pytest

from promocore._console import use_fallbacks


def _written(encoding: str, text: str) -> str:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    use_fallbacks(stream)
    stream.write(text)
    stream.flush()
    return raw.getvalue().decode(encoding)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("gbk", "+ x → -￥1,000.00 满减 …"),
        ("cp1252", "+ x -> -¥1,000.00 ?? …"),
        ("ascii", "+ x -> -Y1,000.00 ?? ..."),
        ("utf-8", "✓ ✗ → −¥1,000.00 满减 …"),
    ],
)
def test_symbols_fall_back_to_what_the_encoding_has(encoding: str, expected: str) -> None:
    assert _written(encoding, "✓ ✗ → −¥1,000.00 满减 …") == expected


def test_streams_that_are_not_text_wrappers_are_left_alone() -> None:
    stream = io.StringIO()
    use_fallbacks(stream)
    stream.write("✓")
    assert stream.getvalue() == "✓"
