"""Every subcommand, given bad arguments or mutated files, exits 2 without a traceback."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promocore.samples import sample_path
from tests.analytics.review_builders import sample_path as analytics_sample

from .contract import FUZZ, JSON_DATA, JSON_LEAVES, assert_refused, inside, run_cli

CART: dict[str, Any] = json.loads(sample_path("cart.json").read_text(encoding="utf-8"))
CAMPAIGNS: dict[str, Any] = tomllib.loads(sample_path("campaigns.toml").read_text("utf-8"))
ARMS = "arm,n,successes\ncontrol,1000,100\ntreatment,1000,120\n"


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``data`` a value can be replaced at."""
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


def _replaced(data: Any, where: tuple[Any, ...], value: Any) -> Any:
    if not where:
        return value
    out = copy.deepcopy(data)
    node = out
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    return out


def _quote(campaigns: Path, cart: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(["quote", "--campaigns", str(campaigns), "--cart", str(cart), *extra])


def _check(result: tuple[int, str, str], file: Path) -> None:
    code, out, err = result
    if code == 0:  # still valid: it priced
        assert out and "Traceback" not in err
        return
    assert_refused(result, f"{file}: ")


@FUZZ
@given(data=st.data(), value=JSON_DATA)
def test_a_cart_with_any_field_replaced_prices_or_is_refused_naming_the_file(
    tmp_path: Path, data: st.DataObject, value: Any
) -> None:
    where = data.draw(st.sampled_from(_paths(CART)))
    cart = tmp_path / "cart.json"
    cart.write_text(json.dumps(_replaced(CART, where, value), ensure_ascii=True), "utf-8")
    _check(_quote(sample_path("campaigns.toml"), cart, "--json"), cart)


@FUZZ
@given(data=st.data(), value=JSON_DATA)
def test_a_campaign_file_with_any_field_replaced_prices_or_is_refused(
    tmp_path: Path, data: st.DataObject, value: Any
) -> None:
    where = data.draw(st.sampled_from(_paths(CAMPAIGNS)))
    campaigns = tmp_path / "campaigns.json"
    campaigns.write_text(json.dumps(_replaced(CAMPAIGNS, where, value)), "utf-8")
    _check(_quote(campaigns, sample_path("cart.json")), campaigns)


@FUZZ
@given(content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_as_a_file_are_refused(tmp_path: Path, content: bytes) -> None:
    for name in ("c.toml", "c.json"):
        path = tmp_path / name
        path.write_bytes(content)
        _check(_quote(path, sample_path("cart.json")), path)
        _check(_quote(sample_path("campaigns.toml"), path), path)
    arms = tmp_path / "arms.csv"
    arms.write_bytes(content)
    result = run_cli(["abtest", "--csv", str(arms)])
    if result[0] != 0:
        assert_refused(result, f"{arms}: ")


@FUZZ
@given(cell=JSON_LEAVES.map(str), column=st.sampled_from([0, 1, 2]), row=st.sampled_from([1, 2]))
def test_a_csv_with_any_cell_replaced_is_judged_or_refused(
    tmp_path: Path, cell: str, column: int, row: int
) -> None:
    rows = [line.split(",") for line in ARMS.strip().split("\n")]
    rows[row][column] = cell.replace(",", ";").replace("\n", " ").replace('"', "'")
    arms = tmp_path / "arms.csv"
    text = "\n".join(",".join(r) for r in rows) + "\n"
    arms.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = run_cli(["abtest", "--csv", str(arms)])
    if result[0] != 0:
        assert_refused(result, f"{arms}: ")


@FUZZ
@given(
    option=st.sampled_from(["--control", "--treatment", "--alpha", "--tau", "--split"]),
    value=JSON_LEAVES.map(str).filter(lambda s: not s.startswith("-")),
)
def test_abtest_options_with_any_value_are_judged_or_refused(option: str, value: str) -> None:
    argv = ["abtest", "--control", "100/1000", "--treatment", "120/1000", option, value]
    code, out, err = run_cli(argv)
    if code != 0:
        assert_refused((code, out, err))
        assert option in err or "usage:" in err or "--control" in err, err


def _review_missing() -> list[str]:
    argv = _review()
    argv[2] = "missing.csv"
    return argv


def _review(*args: str) -> list[str]:
    return [
        "review",
        "--orders",
        str(analytics_sample("review_orders.csv")),
        "--campaigns",
        str(analytics_sample("review.toml")),
        *args,
    ]


BAD_ARGUMENTS: list[tuple[list[str], str]] = [
    (["quote", "--campaigns", "nope.toml", "--cart", "nope.json"], "nope.json: cannot read"),
    (["quote", "--campaigns", "x"], "usage:"),
    (["quote", "--campaigns", "a", "--cart", "b", "--at", "tomorrow"], "--at"),
    (["quote", "--campaigns", "a", "--cart", "b", "--at", "2026-11-11T10:00:00"], "UTC offset"),
    (["abtest"], "--control"),
    (["abtest", "--control", "x/y", "--treatment", "1/2"], "--control"),
    (["abtest", "--control", "10/5", "--treatment", "1/2"], "--control"),
    (["abtest", "--control", "1/10", "--treatment", "1/10", "--alpha", "nan"], "--alpha"),
    (["abtest", "--control", "1/10", "--treatment", "1/10", "--test", "magic"], "--test"),
    (["abtest", "--csv", "missing.csv"], "missing.csv: cannot read the file"),
    (["review", "--orders", "missing.csv"], "--campaigns: the review plan is required"),
    (_review_missing(), "missing.csv: "),
    (_review("--html", "/nonexistent/folder/out.html"), "/nonexistent/folder/out.html"),
    (["mechanics", "--bogus"], "usage:"),
    (["demo", "--bogus"], "usage:"),
    (["no-such-command"], "usage:"),
    (["quote", "--campaigns", "\ud800.toml", "--cart", "\x1b.json"], "cannot read"),
]


@pytest.mark.parametrize(("argv", "expected"), BAD_ARGUMENTS)
def test_every_subcommand_refuses_bad_arguments_with_status_2(
    tmp_path: Path, argv: list[str], expected: str
) -> None:
    with inside(tmp_path):
        result = run_cli(argv)
    assert_refused(result, expected)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_samples_into_a_folder_that_cannot_be_made_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    assert_refused(run_cli(["samples", str(blocker / "deeper")]), str(blocker / "deeper"))
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_a_refused_review_writes_no_report(tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    plan = tmp_path / "plan.toml"
    plan.write_bytes(analytics_sample("review.toml").read_bytes().replace(b"=", b"= [", 1))
    result = run_cli(
        ["review", "--orders", str(analytics_sample("review_orders.csv")), "--campaigns",
         str(plan), "--html", str(html)]
    )  # fmt: skip
    assert_refused(result, f"{plan}: ")
    assert not html.exists()
