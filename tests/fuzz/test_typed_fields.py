"""Value objects checked by `typed_fields` refuse a wrong type with a typed error naming it."""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
from typing import Any

import attrs
import pytest

import promocore
from promocore._typed import typed_fields
from promocore.errors import WrongTypeError
from promocore.money import Money

SKIPPED = ("__main__", "testing", "cli", "commands", "warehouse", "plots", "strategies")


def _typed_classes() -> list[type]:
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(promocore.__path__, "promocore."):
        if any(part in info.name for part in SKIPPED):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            post_init = getattr(obj, "__attrs_post_init__", None)
            if (
                inspect.isclass(obj)
                and attrs.has(obj)
                and "typed_fields" in getattr(post_init, "__qualname__", "")
            ):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[name] for name in sorted(found)]


TYPED = _typed_classes()


def test_the_game_params_models_and_shapes_are_checked() -> None:
    assert len(TYPED) >= 45, [c.__qualname__ for c in TYPED]


@pytest.mark.parametrize("cls", TYPED, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_an_object_of_no_use_is_refused_naming_the_field(cls: type) -> None:
    fields = [f for f in attrs.fields(cls) if f.init]
    required = [f for f in fields if f.default is attrs.NOTHING]
    with pytest.raises(WrongTypeError) as info:
        cls(**{(f.alias or f.name): object() for f in required})
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
    assert {p.path for p in info.value.problems} & {f.name for f in required}


class Colour(enum.Enum):
    RED = "red"


@attrs.frozen
@typed_fields
class Sample:
    count: int
    price: Money | None = None
    colour: Colour = Colour.RED
    names: tuple[str, ...] = ()
    extra: Any = None


def test_the_annotations_are_read_as_a_reader_would() -> None:
    # the exact value of an option is accepted:
    Sample(1, Money(100, "CNY"), "red", ("a",), object())  # type: ignore[arg-type]
    for kwargs, field in (
        ({"count": True}, "count"),  # a bool is not a count
        ({"count": 1, "price": 100}, "price"),
        ({"count": 1, "colour": "RED"}, "colour"),  # a name is not the value
        ({"count": 1, "names": ["a"]}, "names"),
    ):
        with pytest.raises(WrongTypeError) as info:
            Sample(**kwargs)
        assert [p.path for p in info.value.problems] == [field]
