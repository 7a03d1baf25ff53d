"""The command line and the shared example files."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from promocore.cli import main
from promocore.samples import sample_path

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"


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


def test_examples_are_present() -> None:
    if not EXAMPLES.is_dir() and os.environ.get("CI") != "true":
        pytest.skip("shared/examples is not beside the checkout")
    assert (EXAMPLES / "quote.expected.json").is_file()


def test_the_example_files_give_the_expected_quote(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "quote",
            "--campaigns",
            str(EXAMPLES / "campaigns.toml"),
            "--cart",
            str(EXAMPLES / "cart.json"),
            "--json",
        ]
    )
    assert code == 0
    actual = json.loads(capsys.readouterr().out)
    expected = json.loads((EXAMPLES / "quote.expected.json").read_text(encoding="utf-8"))
    _contains(actual, expected)


def test_packaged_samples_are_the_shared_examples() -> None:
    for name in ("campaigns.toml", "cart.json"):
        assert sample_path(name).read_bytes() == (EXAMPLES / name).read_bytes()


def test_human_output_explains(capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "quote",
            "--campaigns",
            str(EXAMPLES / "campaigns.toml"),
            "--cart",
            str(EXAMPLES / "cart.json"),
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
            str(EXAMPLES / "campaigns.toml"),
            "--cart",
            str(EXAMPLES / "cart.json"),
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
            str(EXAMPLES / "cart.json"),
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
        main(["quote", "--campaigns", "/nonexistent.toml", "--cart", str(EXAMPLES / "cart.json")])
        == 2
    )
    assert "cannot read" in capsys.readouterr().err


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "¥316.60" in out
    assert "Plugins: a group buy" in out and "¥3034.90" in out
    assert "capped" in out or "every-100" in out
