"""Walking a tree of conditions: its problems and the arms it served."""

from __future__ import annotations

from collections.abc import Iterator

from promocore.conditions._base import MAX_CONDITIONS, MAX_DEPTH, ArmLookup, Condition, Facts
from promocore.conditions._combine import AllOf, AnyOf, Not
from promocore.conditions._experiments import InArm
from promocore.errors import Problem


def children(condition: Condition) -> Iterator[tuple[str, Condition]]:
    """The conditions ``condition`` combines, each with its path (``all[0]``, ``not``)."""
    if isinstance(condition, AllOf | AnyOf):
        for i, child in enumerate(condition.conditions):
            yield f"{condition.kind}[{i}]", child
    elif isinstance(condition, Not):
        yield "not", condition.condition


def problems(condition: Condition, currency: str, experiments: ArmLookup | None) -> list[Problem]:
    """What is wrong with a campaign's conditions beyond their own checks.

    Too deep or too many, an amount in another currency, an experiment, arm or holdout the
    engine does not know, and whatever a plugin condition's ``problems(currency,
    experiments)`` method reports; paths are relative to the campaign's ``conditions``.
    """
    found: list[Problem] = []
    count = 0
    stack: list[tuple[str, Condition, int]] = [("", condition, 1)]
    while stack:
        path, node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            found.append(Problem(path, f"nests deeper than {MAX_DEPTH} levels"))
            continue
        if not isinstance(node, Condition):
            found.append(Problem(path, f"must be a Condition, got {type(node).__name__}"))
            continue
        check = getattr(node, "problems", None)
        if check is not None:
            found.extend(p.prefixed(path) for p in check(currency, experiments))
        kids = list(children(node))
        for key, child in reversed(kids):
            stack.append((f"{path}.{key}" if path else key, child, depth + 1))
    if count > MAX_CONDITIONS:
        found.append(Problem("", f"holds more than {MAX_CONDITIONS} conditions"))
    return found


def arms_of(condition: Condition, facts: Facts) -> tuple[tuple[str, str], ...]:
    """The ``(experiment, arm)`` pairs the customer was served by.

    Those of the ``experiment_arm`` conditions that hold, outside any ``not``, sorted.
    """
    found: set[tuple[str, str]] = set()
    stack = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, InArm):
            if facts.holds(node):
                found.add((node.experiment, node.arm))
        elif isinstance(node, AllOf | AnyOf):
            stack.extend(node.conditions)
    return tuple(sorted(found))
