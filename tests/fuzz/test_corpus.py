"""The hand-made hostile files of tests/data/hostile, through the command line and the loaders.

Each file is refused with exit status 2 and a message naming the file, the field or position
and the problem; the same file through the loader raises a ``ConfigError`` with that message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from promocore.config import load_campaigns, load_cart
from promocore.errors import ConfigError
from promocore.limits import MAX_FILE_BYTES
from promocore.samples import sample_path
from promocore.stats.arms_csv import read_arms_csv

from .contract import DATA, assert_refused, inside, run_cli

#: Every file of the corpus: what it holds and what the refusal must say.
EXPECTED: dict[str, str] = {
    # encodings
    "gbk.toml": "not UTF-8 text (line 3",
    "utf16.json": "not UTF-8 text (line 1, byte 0",
    "stray_byte.toml": "not UTF-8 text (line 4",
    "cut_character.json": "not UTF-8 text (line 1",
    "nul_bytes.toml": "invalid TOML: Illegal character",
    "empty.json": "invalid JSON at line 1, column 1",
    # nesting
    "deep_arrays.json": "line 1, column 61: nested deeper than 32 levels",
    "deep_inline.toml": "line 3, column 42: nested deeper than 32 levels",
    "deep_tables.json": ".a.a.a: nested deeper than 32 levels",
    # numbers
    "long_integer.json": "lines[0].quantity: at most 18 digits",
    "long_integer.toml": "a number has more than 18 digits",
    "huge_exponent.toml": "campaigns[0].params.percent_off: at most 10^40 in magnitude",
    "thirty_digits.json": "lines[0].unit_price: at most 90071992547409.91 CNY",
    "tiny_fraction.json": "lines[0].unit_price: '1.0000000000000000000000000000001' has more",
    "max_amount_plus_one.json": "lines[0].unit_price: at most 90071992547409.91 CNY",
    "nan_percent.toml": "campaigns[0].params.percent_off: 'NaN' is not a number",
    "infinity_percent.toml": "campaigns[0].params.percent_off: 'Infinity' is not a number",
    "float_price.json": "lines[0].unit_price: write 169.5 as a string",
    "huge_quantity.json": "lines[0].quantity: must be <= 1000000 (promocore.limits.MAX_QUANTITY)",
    "subtotal_too_large.json": "lines: the subtotal passes the largest amount",
    "unicode_digits.json": "lines[0].unit_price: '١٦٩' is not a number",
    "priority_huge.toml": "campaigns[0].priority: must be <= 1000000000",
    # strings and ids
    "escape_in_id.toml": "campaigns[0].id: must not contain the control character \\x1b",
    "newline_in_sku.json": "lines[0].sku: must not contain the control character \\n",
    "surrogate_sku.json": "lines[0].sku: must not contain \\ud800",
    "long_id.toml": "campaigns[0].id: at most 128 characters",
    "long_name.toml": "campaigns[0].name: at most 1000 characters",
    "blank_id.toml": "campaigns[0].id: is required",
    "bad_refs.json": "lines[0].refs[0]: must be a [name, value] pair",
    "refs_number.json": "lines[0].refs: must be a list",
    "categories_number.json": "lines[0].categories: must be a list",
    # shapes and counts
    "too_many_lines.json": "lines: at most 1000 lines (promocore.limits.MAX_LINES), got 1001",
    "top_level_array.json": "a cart must be an object",
    "campaigns_not_a_list.toml": "campaigns: expected a list of campaigns",
    "customer_number.json": "customer: must be a table/object",
    "currency_table.toml": "campaigns[0].currency: unknown currency",
    "stage_unknown.toml": "campaigns[0].stage: 'checkout' is not one of",
    # per-arm CSV files (promocore abtest --csv)
    "arms_gbk.csv": "not UTF-8 text (line 2",
    "arms_nan.csv": "line 2.n: 'nan' is not a number",
    "arms_fraction.csv": "line 2.n: '100.5' is not a whole number >= 0",
    "arms_escape.csv": "line 2.arm: must not contain \\x1b",
    "arms_huge_field.csv": "not a CSV file: field larger than field limit",
}

#: Files read as campaign files although they end in ``.json``.
CAMPAIGN_FILES = {"deep_tables.json"}


def _role(name: str) -> str:
    if name.endswith(".csv"):
        return "csv"
    return "campaigns" if name.endswith(".toml") or name in CAMPAIGN_FILES else "cart"


def _argv(path: Path) -> list[str]:
    role = _role(path.name)
    if role == "csv":
        return ["abtest", "--csv", str(path)]
    if role == "campaigns":
        return ["quote", "--campaigns", str(path), "--cart", str(sample_path("cart.json"))]
    return ["quote", "--campaigns", str(sample_path("campaigns.toml")), "--cart", str(path)]


def test_every_file_of_the_corpus_has_an_expectation() -> None:
    files = {p.name for p in DATA.iterdir() if p.suffix in {".toml", ".json", ".csv"}}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_command_line_refuses_each_file(name: str, tmp_path: Path) -> None:
    path = DATA / name
    with inside(tmp_path):
        result = run_cli(_argv(path))
    assert_refused(result, f"{path}: ", EXPECTED[name])
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_loaders_refuse_each_file_naming_it(name: str) -> None:
    path = DATA / name
    role = _role(name)
    with pytest.raises(ConfigError) as info:
        if role == "csv":
            read_arms_csv(path)
        elif role == "campaigns":
            load_campaigns(path)
        else:
            load_cart(path)
    assert info.value.source == str(path)
    assert EXPECTED[name] in str(info.value)


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        f.write(b'{"currency": "CNY", "lines": []}')
        f.write(b" " * MAX_FILE_BYTES)
    assert_refused(
        run_cli(["quote", "--campaigns", str(sample_path("campaigns.toml")), "--cart", str(big)]),
        f"{big}: larger than {MAX_FILE_BYTES} bytes (promocore.limits.MAX_FILE_BYTES)",
    )


def test_a_folder_or_a_missing_file_is_refused(tmp_path: Path) -> None:
    for path in (tmp_path, tmp_path / "missing.toml"):
        assert_refused(
            run_cli(["quote", "--campaigns", str(path), "--cart", str(sample_path("cart.json"))]),
            f"{path}: cannot read",
        )


def test_the_valid_samples_still_price(tmp_path: Path) -> None:
    with inside(tmp_path):
        code, out, err = run_cli(
            [
                "quote",
                "--campaigns",
                str(sample_path("campaigns.toml")),
                "--cart",
                str(sample_path("cart.json")),
            ]
        )
    assert code == 0, err
    assert "Applied:" in out and err == ""
