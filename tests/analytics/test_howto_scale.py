"""docs/how-to/review-at-scale.md: its plan excerpt is a valid plan, and its commands run.

Its examples run, with their output checked, in tests/docs/test_snippets.py.
"""

from __future__ import annotations

import re
import shlex
import shutil
import tomllib
from pathlib import Path

import attrs
import pytest

from promocore.analytics.plan import load_review_plan, review_plan_from_dict
from promocore.cli import main
from tests.analytics.review_builders import sample_path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "review-at-scale.md"

pytestmark = pytest.mark.skipif(not PAGE.exists(), reason="docs are not in this checkout")


def _blocks(language: str) -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.M | re.S)


def test_the_plan_excerpt_is_a_valid_plan() -> None:
    (excerpt,) = _blocks("toml")
    plan = review_plan_from_dict(tomllib.loads(excerpt))
    (shown,) = plan.campaigns
    assert [g.metric for g in shown.goals] == ["new_customers", "cac"]
    sample = load_review_plan(sample_path("review.toml"))
    shipped = sample.campaign(shown.name)
    assert attrs.evolve(shown, goals=()) == attrs.evolve(shipped, goals=())
    assert set(shown.goals) <= set(shipped.goals)
    assert (plan.now, plan.currency, plan.margin_rate) == (
        sample.now, sample.currency, sample.margin_rate,
    )  # fmt: skip


def test_the_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ibis

    ibis.duckdb.connect().read_csv(
        str(sample_path("review_orders.csv")), types={"at": "TIMESTAMPTZ"}
    ).to_parquet(tmp_path / "orders.parquet")
    shutil.copy(sample_path("review.toml"), tmp_path / "campaigns.toml")
    monkeypatch.chdir(tmp_path)
    (commands,) = _blocks("bash")
    for line in commands.strip().splitlines():
        assert main(shlex.split(line)[1:]) == 0, line
    assert (tmp_path / "review.html").is_file() and (tmp_path / "out.html").is_file()
