"""Reading per-arm statistics of experiments from a CSV file.

One row per arm. Columns (header names are case-insensitive):

* ``arm`` (required): the arm's name, e.g. ``control`` / ``treatment``.
* ``n`` (required): users in the arm.
* ``successes`` for conversion experiments, or ``sum`` and ``sumsq`` for a
  metric's mean (sum and sum of squares per user).
* ``experiment`` (optional): groups rows into experiments; without it the whole
  file is one experiment.

Every experiment has exactly two arms. The control is the arm named by
``control_arm``, else an arm called ``control`` or ``A``, else the first row.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import attrs

from promocore._files import read_text
from promocore.errors import ConfigError, Problem
from promocore.limits import unsafe_character

#: A number as written in the file: ASCII digits, a sign, a point and an exponent.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?", re.ASCII)

#: Names recognised as the control arm when none is given.
CONTROL_NAMES = ("control", "a")


@attrs.frozen
class Arm:
    """One arm's statistics as read from the file."""

    name: str
    n: float
    successes: float | None = None
    sum: float | None = None
    sumsq: float | None = None


@attrs.frozen
class Experiment:
    """Two arms of one experiment, control first."""

    name: str
    metric: str
    control: Arm
    treatment: Arm


def read_arms_csv(path: str | Path, *, control_arm: str | None = None) -> list[Experiment]:
    """Read the experiments of a per-arm CSV file.

    Args:
        path: The CSV file.
        control_arm: Name of the control arm in every experiment.

    Returns:
        The experiments in file order.

    Raises:
        ConfigError: the file cannot be read, a column is missing, a value is
            not a number, or an experiment does not have exactly two arms.
    """
    source = str(path)
    try:
        text = read_text(path)
    except ConfigError as exc:
        if exc.problems[0].message.startswith("cannot read: "):
            reason = exc.problems[0].message.removeprefix("cannot read: ")
            raise ConfigError([Problem("", f"cannot read the file: {reason}")], source) from None
        raise
    return parse_arms_csv(text, source=source, control_arm=control_arm)


def parse_arms_csv(
    text: str, *, source: str = "<csv>", control_arm: str | None = None
) -> list[Experiment]:
    """Parse per-arm CSV text; see [`read_arms_csv`][promocore.stats.arms_csv.read_arms_csv]."""
    try:
        return _parse(text, source, control_arm)
    except csv.Error as exc:
        raise ConfigError([Problem("", f"not a CSV file: {exc}")], source) from None


def _parse(text: str, source: str, control_arm: str | None) -> list[Experiment]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    problems: list[Problem] = []
    metric = "conversion" if "successes" in header else "mean"
    needed = ["arm", "n", "successes"] if metric == "conversion" else ["arm", "n", "sum", "sumsq"]
    missing = [c for c in needed if c not in header]
    if missing:
        hint = "expected arm, n and successes (conversions) or arm, n, sum and sumsq (means)"
        raise ConfigError(
            [Problem("header", f"missing column(s) {', '.join(missing)}; {hint}")], source
        )
    groups: dict[str, list[Arm]] = {}
    for line, row in enumerate(reader, start=2):
        record = {
            (k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None
        }
        values: dict[str, float] = {}
        for column in needed[1:]:
            raw = record.get(column, "")
            try:
                number = float(raw) if _NUMBER.fullmatch(raw) else math.nan
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                shown = repr(raw) if len(raw) <= 40 else f"{raw[:40]!r}..."
                problems.append(Problem(f"line {line}.{column}", f"{shown} is not a number"))
            elif column in ("n", "successes") and not (number >= 0 and number.is_integer()):
                problems.append(
                    Problem(f"line {line}.{column}", f"{raw!r} is not a whole number >= 0")
                )
            else:
                values[column] = number
        if not record.get("arm"):
            problems.append(Problem(f"line {line}.arm", "is empty"))
        for column in ("arm", "experiment"):
            bad = unsafe_character(record.get(column, ""))
            if bad is not None:
                problems.append(Problem(f"line {line}.{column}", f"must not contain {bad}"))
                record[column] = ""
        if len(values) == len(needed) - 1 and record.get("arm"):
            arm = Arm(
                name=record["arm"],
                n=values["n"],
                successes=values.get("successes"),
                sum=values.get("sum"),
                sumsq=values.get("sumsq"),
            )
            groups.setdefault(record.get("experiment", ""), []).append(arm)
    if not groups and not problems:
        problems.append(Problem("", "no rows"))
    experiments = []
    for name, arms in groups.items():
        label = f"experiment {name!r}" if name else "the file"
        if len(arms) != 2:
            problems.append(
                Problem(name or "", f"{label} needs exactly two arms, found {len(arms)}")
            )
            continue
        control = _control(arms, control_arm)
        if control is None:
            problems.append(Problem(name or "", f"{label} has no arm named {control_arm!r}"))
            continue
        treatment = arms[1 - control]
        experiments.append(Experiment(name, metric, arms[control], treatment))
    if problems:
        raise ConfigError(problems, source)
    return experiments


def _control(arms: list[Arm], control_arm: str | None) -> int | None:
    names = [a.name.lower() for a in arms]
    if control_arm is not None:
        wanted = control_arm.lower()
        return names.index(wanted) if wanted in names else None
    for candidate in CONTROL_NAMES:
        if candidate in names:
            return names.index(candidate)
    return 0
