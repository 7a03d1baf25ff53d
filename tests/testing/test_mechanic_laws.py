"""Every mechanic the default host knows, built-in or from an installed plugin, obeys the laws.

Mechanics are discovered through ``make_host().mechanics``, so a new built-in or a plugin
under ``plugins/`` (installed by ``./dev``) is checked without touching this file.
Set ``PROMOCORE_LAW_EXAMPLES`` to draw more examples per law.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from promocore.plugins import make_host
from promocore.testing import LawCase, law_cases

EXAMPLES = int(os.environ.get("PROMOCORE_LAW_EXAMPLES", "15"))
PLUGINS = Path(__file__).resolve().parents[2] / "plugins"

HOST = make_host()
CASES = law_cases(host=HOST, max_examples=EXAMPLES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_mechanic_obeys_law(case: LawCase) -> None:
    case.check()


def test_every_builtin_mechanic_is_checked() -> None:
    from promocore.mechanics import BUILTIN_PLUGINS

    checked = {case.mechanic.name for case in CASES}
    builtin = make_host(autoload=False).mechanics
    assert set(builtin) <= checked
    assert len(builtin) >= len(BUILTIN_PLUGINS)


def _plugin_entry_points() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for project in sorted(PLUGINS.glob("*/pyproject.toml")):
        data = tomllib.loads(project.read_text(encoding="utf-8"))
        groups = data.get("project", {}).get("entry-points", {})
        found[project.parent.name] = sorted(groups.get("promocore", {}))
    return found


@pytest.mark.parametrize("plugin", sorted(_plugin_entry_points()), ids=str)
def test_every_plugin_under_plugins_is_installed_and_checked(plugin: str) -> None:
    names = _plugin_entry_points()[plugin]
    assert names, f"{plugin} registers no entry point in the 'promocore' group"
    registered = {name for name, _ in HOST.manager.list_name_plugin()}
    missing = [name for name in names if name not in registered]
    assert not missing, f"{plugin} is not installed (./dev test installs it): {missing}"
    checked = {case.mechanic.name for case in CASES}
    provided = set()
    for name in names:
        module = HOST.manager.get_plugin(name)
        assert module is not None
        provided |= {mechanic.name for mechanic in module.promocore_mechanics()}
    assert provided and provided <= checked
