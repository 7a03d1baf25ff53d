"""The analytics package stays light: ibis, DuckDB, matplotlib and scipy load only when used."""

from __future__ import annotations

import subprocess
import sys

import pytest

import promocore.analytics

HEAVY = ("ibis", "duckdb", "matplotlib", "scipy", "pyarrow", "pandas")


def _loaded(statement: str) -> list[str]:
    check = (
        f"sorted(h for h in {HEAVY!r} if any(m == h or m.startswith(h + '.') for m in sys.modules))"
    )
    code = f"import sys; {statement}; print(','.join({check}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


@pytest.mark.parametrize(
    "statement",
    [
        "import promocore",
        "import promocore.analytics",
        "import promocore.analytics.warehouse, promocore.analytics.charts",
        "import promocore.analytics.html_report, promocore.analytics.cli",
        "import promocore.cli",
    ],
)
def test_importing_loads_nothing_heavy(statement: str) -> None:
    assert _loaded(statement) == []


def test_public_names_are_documented() -> None:
    for name in promocore.analytics.__all__:
        obj = getattr(promocore.analytics, name)
        if callable(obj):
            assert obj.__doc__ and obj.__doc__.strip(), name
