"""The front door: ``promocore`` re-exports the public API, lazily, with one version."""

import importlib
import importlib.metadata
import re
import subprocess
import sys

import pytest

import promocore


def test_every_public_name_is_importable_from_the_front_door() -> None:
    assert len(promocore.__all__) == len(set(promocore.__all__)) >= 50
    for name in promocore.__all__:
        value = getattr(promocore, name)
        module = importlib.import_module(promocore._EXPORTS[name])
        assert value is getattr(module, name), name
    assert set(promocore.__all__) <= set(dir(promocore))


def test_the_names_the_issue_promises_are_there() -> None:
    from promocore import (  # noqa: F401
        Campaign,
        Cart,
        ConfigError,
        Customer,
        Engine,
        LineItem,
        Mechanic,
        PromocoreError,
        Quote,
        Reason,
        Selection,
        ValidationError,
        hookimpl,
        load_campaigns,
        load_cart,
        make_host,
        price,
    )


def test_every_public_name_is_linked_in_the_package_docstring() -> None:
    assert promocore.__doc__ is not None
    linked = dict(re.findall(r"\[`(\w+)`\]\[(promocore[\w.]*)\]", promocore.__doc__))
    for name in promocore.__all__:
        assert linked.get(name) == f"{promocore._EXPORTS[name]}.{name}", name


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        _ = promocore.Nope


def test_version_comes_from_the_package_metadata() -> None:
    assert promocore.__version__ == importlib.metadata.version("promocore")


def test_importing_the_front_door_loads_nothing_else() -> None:
    code = (
        "import sys, promocore; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('promocore', 'attrs')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['promocore', 'promocore.lazy']"


def test_mechanics_package_exports_the_stateless_params() -> None:
    import promocore.mechanics as mechanics
    from promocore.mechanics.price_off import PriceOffParams
    from promocore.mechanics.tiered_discount import TieredDiscountParams

    assert mechanics.PriceOffParams is PriceOffParams
    assert mechanics.TieredDiscountParams is TieredDiscountParams
    assert set(mechanics.__all__) <= set(dir(mechanics))
