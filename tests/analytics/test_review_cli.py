"""``promocore review``: files, a database, the packaged sample; bad input exits 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from promocore.cli import main
from tests.analytics.review_builders import sample_path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "promocore.cli", "review", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_done_when_command(tmp_path: Path) -> None:
    import ibis

    con = ibis.duckdb.connect()
    con.read_csv(str(sample_path("review_orders.csv")), types={"at": "TIMESTAMPTZ"}).to_parquet(
        tmp_path / "orders.parquet"
    )
    out = tmp_path / "out.html"
    result = _run(
        "--orders", str(tmp_path / "orders.parquet"),
        "--campaigns", str(sample_path("review.toml")),
        "--html", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Double 11 2026: " in result.stdout and f"wrote {out}" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert page.count('<figure class="chart"') == 5  # no events: no funnels
    assert "<h2>Goals</h2>" in page and "<h2>Alerts</h2>" in page


def test_the_packaged_sample(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "sample.html"
    assert main(["review", "--html", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Campaign review, 8 November 2026 (as of 2026-11-08 00:00 +0800)\n")
    assert "(the packaged sample; pass --orders and --campaigns for your own data)" in text
    assert "goal cac: at risk" in text
    assert "[critical] d11-2025 2025-11-12: spent ¥2610.00, past the spendable ¥2520.00" in text
    assert out.read_text(encoding="utf-8").count('<figure class="chart"') == 8


def test_json_holds_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in data["campaigns"]] == ["d11-2025", "618-2026", "d11-2026"]
    d11 = data["campaigns"][2]
    assert d11["currency"] == "CNY"
    assert d11["segments"]["all"]["order_value"]["revenue"] == "107372.00"
    assert {g["status"] for c in data["campaigns"] for g in c["goals"]} == {
        "met", "on track", "at risk", "missed",
    }  # fmt: skip


def test_a_database_url_and_table_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import ibis

    path = tmp_path / "shop.duckdb"
    con = ibis.duckdb.connect(str(path))
    orders = con.read_csv(str(sample_path("review_orders.csv")), types={"at": "TIMESTAMPTZ"})
    con.create_table("shop_orders", orders)
    con.disconnect()
    code = main(
        [
            "review", "--database", f"duckdb://{path}", "--orders-table", "shop_orders",
            "--campaigns", str(sample_path("review.toml")),
        ]
    )  # fmt: skip
    assert code == 0
    assert "Double 11 2026: 614 orders" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (("--orders", "missing.parquet"), "missing.parquet: no such file"),
        (("--orders", "{orders_no_amount}"), "amount: column is missing"),
        (("--orders", "{orders_bad_time}"), "orders: query failed: "),
        (("--campaigns", "{bad_plan}"), "campaigns[0].reserve: must be in [0, 1)"),
        (("--html", "/nonexistent/dir/out.html"), "/nonexistent/dir/out.html: cannot write"),
        (("--database", "nope://x"), "nope://x: cannot open"),
    ],
)
def test_bad_input_exits_2_naming_the_file(
    tmp_path: Path, files: tuple[str, str], expected: str
) -> None:
    no_amount = tmp_path / "no_amount.csv"
    no_amount.write_text("customer_id,at\nc1,2026-11-02T00:00:00+08:00\n", encoding="utf-8")
    bad_time = tmp_path / "bad_time.csv"
    bad_time.write_text("customer_id,at,amount\nc1,soon,1\n", encoding="utf-8")
    plan = sample_path("review.toml").read_text(encoding="utf-8")
    bad_plan = tmp_path / "plan.toml"
    bad_plan.write_text(plan.replace('reserve = "0.10"', 'reserve = "1.5"'), encoding="utf-8")
    names = {
        "orders_no_amount": str(no_amount),
        "orders_bad_time": str(bad_time),
        "bad_plan": str(bad_plan),
    }
    option, value = files[0], files[1].format(**names)
    args = {
        "--orders": str(sample_path("review_orders.csv")),
        "--campaigns": str(sample_path("review.toml")),
    }
    if option == "--database":
        args.pop("--orders")
    args[option] = value
    flat = [x for pair in args.items() for x in pair]
    result = _run(*flat)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("promocore review: error: ")
    assert expected.format(**names) in result.stderr


def test_plan_without_orders_is_refused() -> None:
    result = _run("--campaigns", str(sample_path("review.toml")))
    assert result.returncode == 2
    assert "--orders: give the orders with the plan" in result.stderr
