"""Experiment sets, files and exposure events."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from promocore.config import load_campaigns, load_experiments
from promocore.errors import ConfigError, ValidationError
from promocore.experiments import (
    Arm,
    Experiment,
    ExperimentSet,
    Exposure,
    Holdout,
    LayerSlot,
    UnknownExperimentError,
    assign,
    expose,
)
from promocore.hookspecs import hookimpl
from promocore.plugins import make_host

AT = datetime(2026, 11, 11, 10, tzinfo=UTC)

FILE = """
currency = "CNY"

[[holdouts]]
id = "global"
share = "0.1"

[[experiments]]
id = "manjian-d11"
traffic = "0.5"
holdout = "global"
starts_at = 2026-11-01T00:00:00+08:00
ends_at = 2026-11-12T00:00:00+08:00
layer = { layer = "checkout", start = "0", end = "0.5" }
arms = [{ name = "control" }, { name = "treatment", weight = 1 }]

[[experiments]]
id = "shipping"
holdout = { id = "own", share = "0.05" }
arms = [{ name = "a", weight = "2" }, { name = "b" }]

[[campaigns]]
id = "d11"
name = "满300减40"
mechanic = "price_off"
params = { percent_off = "5" }
"""


def write(tmp_path: Path, text: str, name: str = "campaigns.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_campaign_file_holds_experiments(tmp_path: Path) -> None:
    path = write(tmp_path, FILE)
    registry = load_experiments(path)
    assert sorted(registry.experiments) == ["manjian-d11", "shipping"]
    assert sorted(registry.holdouts) == ["global", "own"]
    e = registry.experiment("manjian-d11")
    assert e.holdout is registry.holdout("global")
    assert e.layer == LayerSlot("checkout", "0", "0.5")
    assert e.starts_at is not None and e.starts_at.utcoffset() is not None
    assert [c.id for c in load_campaigns(path)] == ["d11"]


def test_the_same_file_as_json(tmp_path: Path) -> None:
    text = """{"holdouts": [{"id": "g", "share": "0.1"}],
               "experiments": [{"id": "e", "holdout": "g", "traffic": "0.25",
                                "arms": [{"name": "control"},
                                         {"name": "treatment", "weight": 2}]}]}"""
    registry = load_experiments(write(tmp_path, text, "e.json"))
    e = registry.experiment("e")
    assert str(e.traffic) == "0.25" and e.holdout is not None and str(e.holdout.share) == "0.1"
    assert e.arms[1].weight == 2
    with pytest.raises(ConfigError, match="floats are refused"):
        load_experiments(write(tmp_path, text.replace('"0.25"', "0.25"), "f.json"))


BAD = """
[[experiments]]
id = "bad"
traffic = 0.5
holdout = "nope"
arms = [{ name = "a", weight = "x" }, { name = "b", colour = "red" }]

[[experiments]]
id = "one"
layer = { layer = "l", start = "0", end = "0.6" }
arms = [{ name = "a" }]

[[experiments]]
id = "two"
layer = { layer = "l", start = "0.5", end = "1" }
arms = [{ name = "a" }]
"""


def test_every_problem_is_named_with_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    with pytest.raises(ConfigError) as caught:
        load_experiments(path)
    paths = {p.path for p in caught.value.problems}
    assert {
        "experiments[0].holdout",
        "experiments[0].traffic",
        "experiments[0].arms[0].weight",
        "experiments[0].arms[1].colour",
    } <= paths
    assert caught.value.source == str(path)
    fixed = (
        BAD.replace('traffic = 0.5\nholdout = "nope"\n', "")
        .replace('weight = "x"', "weight = 1")
        .replace(', colour = "red"', "")
    )
    with pytest.raises(ConfigError) as caught:
        load_experiments(write(tmp_path, fixed))
    assert [p.path for p in caught.value.problems] == ["experiments[2].layer"]
    assert "overlaps experiments[1]" in str(caught.value)


def test_campaign_loading_checks_the_experiments_too(tmp_path: Path) -> None:
    text = FILE.replace('share = "0.1"', 'share = "2"')
    with pytest.raises(ConfigError) as caught:
        load_campaigns(write(tmp_path, text))
    assert [p.path for p in caught.value.problems] == ["holdouts[0].share"]
    with pytest.raises(ConfigError, match="unknown top-level field"):
        load_experiments(write(tmp_path, 'experiment = "typo"\n' + FILE))


def test_set_lookups() -> None:
    holdout = Holdout(id="global", share="0.1")
    e = Experiment(id="e", arms=[Arm("control"), Arm("treatment")], holdout=holdout)
    registry = ExperimentSet.of([e])
    unit = next(u for u in (f"c{i}" for i in range(100)) if assign(e, u).assigned)
    arm = assign(e, unit).arm
    assert registry.arm_of("e", unit, AT) == arm
    assert registry.in_arm("e", str(arm), unit, AT)
    assert not registry.held_out("global", unit)
    with pytest.raises(UnknownExperimentError, match="unknown experiment 'x'"):
        registry.in_arm("x", "control", unit, AT)
    with pytest.raises(LookupError, match="unknown holdout"):
        registry.held_out("nope", unit)
    with pytest.raises(ValidationError, match="duplicate id"):
        ExperimentSet.of([e, e])
    with pytest.raises(ValidationError, match="another holdout"):
        ExperimentSet.of([e], [Holdout(id="global", share="0.2")])


class Recorder:
    def __init__(self) -> None:
        self.seen: list[Exposure] = []

    @hookimpl
    def promocore_experiment_exposure(self, exposure: Exposure) -> None:
        self.seen.append(exposure)


def test_exposures_reach_the_plugins() -> None:
    recorder = Recorder()
    host = make_host(autoload=False, plugins=[recorder])
    e = Experiment(
        id="e",
        arms=[Arm("control"), Arm("treatment")],
        traffic="0.5",
        ends_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    units = [f"c{i}" for i in range(40)]
    results = [expose(host, e, u, AT, {"channel": "mini-program"}) for u in units]
    assigned = [r for r in results if r.assigned]
    assert 0 < len(assigned) < len(units)
    assert [(x.unit_id, x.arm) for x in recorder.seen] == [(r.unit_id, r.arm) for r in assigned]
    assert recorder.seen[0].context["channel"] == "mini-program"
    expose(host, e, units[0], datetime(2026, 12, 1, tzinfo=UTC))
    assert len(recorder.seen) == len(assigned)
