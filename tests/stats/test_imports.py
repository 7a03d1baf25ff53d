from __future__ import annotations

import subprocess
import sys

import promocore.stats


def _loads_scipy(statement: str) -> bool:
    check = "any(m == 'scipy' or m.startswith('scipy.') for m in sys.modules)"
    code = f"import sys; {statement}; print({check})"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


def test_importing_promocore_does_not_import_scipy() -> None:
    assert not _loads_scipy("import promocore")


def test_importing_promocore_stats_does_not_import_scipy() -> None:
    assert not _loads_scipy("import promocore.stats")


def test_public_names_are_documented() -> None:
    for name in promocore.stats.__all__:
        obj = getattr(promocore.stats, name)
        assert obj.__doc__ and obj.__doc__.strip(), name
