"""The command line, on the packaged sample files."""

import argparse
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import promocore
from promocore.cli import build_parser, main
from promocore.errors import ConfigError
from promocore.samples import SAMPLE_FILES, sample_path


def _contains(actual: Any, expected: Any, where: str = "$") -> None:
    """Every field of ``expected`` is in ``actual`` with the same value; lists match in length."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing"
            _contains(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _contains(a, e, f"{where}[{i}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def test_the_example_files_give_the_expected_quote(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "quote",
            "--campaigns",
            str(sample_path("campaigns.toml")),
            "--cart",
            str(sample_path("cart.json")),
            "--json",
        ]
    )
    assert code == 0
    actual = json.loads(capsys.readouterr().out)
    expected = json.loads(sample_path("quote.expected.json").read_text(encoding="utf-8"))
    _contains(actual, expected)


def test_the_shapes_sample_gives_its_expected_quote(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "quote",
            "--campaigns",
            str(sample_path("shapes.toml")),
            "--cart",
            str(sample_path("shapes-cart.json")),
            "--json",
        ]
    )
    assert code == 0
    actual = json.loads(capsys.readouterr().out)
    expected = json.loads(sample_path("shapes-quote.expected.json").read_text(encoding="utf-8"))
    _contains(actual, expected)


def test_the_member_day_sample_gives_its_expected_quote(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        [
            "quote",
            "--campaigns",
            str(sample_path("member-day.toml")),
            "--cart",
            str(sample_path("member-day-cart.json")),
            "--json",
        ]
    )
    assert code == 0
    actual = json.loads(capsys.readouterr().out)
    expected = json.loads(sample_path("member-day-quote.expected.json").read_text(encoding="utf-8"))
    _contains(actual, expected)


def test_human_output_explains(capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "quote",
            "--campaigns",
            str(sample_path("campaigns.toml")),
            "--cart",
            str(sample_path("cart.json")),
        ]
    )
    out = capsys.readouterr().out
    assert "lost_in_exclusive_group" in out
    assert "add ¥133.40 more" in out
    assert "316.60" in out


def test_at_option_changes_the_moment(capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "quote",
            "--campaigns",
            str(sample_path("campaigns.toml")),
            "--cart",
            str(sample_path("cart.json")),
            "--json",
            "--at",
            "2026-11-20T10:00:00+08:00",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    reasons = {n["campaign"]: n["reason"] for n in out["not_applied"]}
    assert reasons == {"d11-ladder": "ended", "every-100": "ended"}


def test_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "campaigns.toml"
    bad.write_text(
        '[[campaigns]]\nid = "x"\nname = "x"\nmechanic = "tiered_discount"\n'
        '[campaigns.params]\ntiers = [{ threshold = "0", amount_off = "1" }]\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "promocore.cli",
            "quote",
            "--campaigns",
            str(bad),
            "--cart",
            str(sample_path("cart.json")),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(bad) in result.stderr
    assert "campaigns[0].params.tiers[0].threshold: must be > 0" in result.stderr


def test_bad_time_and_missing_file_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["quote", "--campaigns", "a", "--cart", "b", "--at", "tomorrow"])
    assert info.value.code == 2
    assert (
        main(["quote", "--campaigns", "/nonexistent.toml", "--cart", str(sample_path("cart.json"))])
        == 2
    )
    assert "cannot read" in capsys.readouterr().err


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "¥316.60" in out
    assert "Plugins: a group buy" in out and "total ¥3,034.90" in out
    assert "PHONE-1    1  3,999.00  1,000.00  2,999.00" in out
    assert "capped" in out or "every-100" in out
    assert "T恤+马克杯 套餐199元: 1 set(s) of TEE-1 + MUG-1 for ¥199.00, ¥15.50 off" in out
    assert "袜子第二件半价: 1 set(s) of buy 1 get 1 50% off, ¥15.00 off" in out
    assert "满99包邮: free shipping, ¥10.00 off" in out and "total ¥253.90" in out
    assert "满99包邮: add ¥8.50 more for free shipping" in out
    assert "会员日 满300 第二件半价: 1 set(s) of buy 1 get 1 50% off, ¥84.50 off" in out
    assert "outside_days: on Wednesday only; today is Thursday" in out


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, check=False, env=env, timeout=120
    )


def test_version_and_python_dash_m() -> None:
    for command in (["-m", "promocore", "--version"], ["-m", "promocore.cli", "--version"]):
        result = _run(*command)
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode() == f"promocore {promocore.__version__}\n"
    assert promocore.__version__ == importlib.metadata.version("promocore")
    result = _run("-m", "promocore", "--help")
    assert result.returncode == 0 and b"usage: promocore " in result.stdout


def test_every_subcommand_has_plain_help_and_a_description() -> None:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert {"quote", "demo", "samples", "mechanics", "abtest"} <= set(sub.choices)
    helps = {choice.dest: choice.help for choice in sub._get_subactions()}
    texts = [parser.format_help()]
    for name, command in sub.choices.items():
        assert helps[name], name
        assert command.description and len(command.description.split()) >= 8, name
        texts.append(command.format_help())
    for text in texts:
        for markup in ("``", ":class:", ":meth:", ":func:", "][", "**"):
            assert markup not in text, (markup, text)


def test_mechanics_lists_every_mechanic_with_its_plugin_and_distribution(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["mechanics", "--json"]) == 0
    rows = {row["mechanic"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(rows) == set(promocore.make_host().mechanics)
    assert rows["tiered_discount"] == {
        "mechanic": "tiered_discount",
        "stage": "order",
        "plugin": "promocore.tiered_discount",
        "distribution": "promocore",
        "version": promocore.__version__,
    }
    assert rows["group_buy"]["distribution"] == "promocore-groupbuy"
    assert rows["group_buy"]["plugin"] == "group_buy"
    assert main(["mechanics"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["mechanic", "stage", "plugin", "distribution"]
    (flash,) = [line for line in out if line.startswith("flash_sale ")]
    version = importlib.metadata.version("promocore-flashsale")
    assert flash.split() == ["flash_sale", "item", "flash_sale", "promocore-flashsale", version]
    assert len(out) == 2 + len(rows)


@pytest.mark.parametrize("encoding", ["gbk", "cp1252", "ascii"])
def test_output_falls_back_to_ascii_symbols_on_other_terminals(encoding: str) -> None:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    result = _run("-m", "promocore", "demo", env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode(encoding)
    assert "  + gold-apparel-5 [item] -" in out
    assert "  x every-100 [order] lost_in_exclusive_group" in out
    assert "✓" not in out and "−" not in out
    if encoding == "gbk":
        assert "total ￥316.60" in out and "双11 满300减50" in out
    elif encoding == "cp1252":
        assert "total ¥316.60" in out and "  -> ?11 ?300?50" in out
    else:
        assert "total Y316.60" in out
    error = _run("-m", "promocore", "quote", "--campaigns", "不存在.toml", "--cart", "x", env=env)
    assert error.returncode == 2
    assert b"Traceback" not in error.stderr and b"cannot read" in error.stderr


def test_samples_are_copied_for_editing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "try"
    assert main(["samples", str(target)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {target / n}" for n in SAMPLE_FILES]
    for name in SAMPLE_FILES:
        assert (target / name).read_bytes() == sample_path(name).read_bytes()
    (target / "cart.json").write_text("edited", encoding="utf-8")
    assert main(["samples", str(target)]) == 2
    assert "exists (give --force to replace it)" in capsys.readouterr().err
    assert (target / "cart.json").read_text(encoding="utf-8") == "edited"
    assert main(["samples", str(target), "--force"]) == 0
    assert (target / "cart.json").read_bytes() == sample_path("cart.json").read_bytes()
    campaigns, cart = str(target / "campaigns.toml"), str(target / "cart.json")
    capsys.readouterr()
    assert main(["quote", "--campaigns", campaigns, "--cart", cart]) == 0
    assert "total ¥316.60" in capsys.readouterr().out


def test_unknown_sample_is_refused() -> None:
    with pytest.raises(ConfigError, match="no such sample"):
        sample_path("../pyproject.toml")
