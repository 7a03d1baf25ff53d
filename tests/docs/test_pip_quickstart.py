"""The README's pip quick start works for a pip user, from a folder outside the repository.

The repository is installed (not editable) into a new virtualenv, then the quick start's
commands run as written, from an empty folder, with that virtualenv first on ``PATH``; only
``pip install promocore`` is replaced by installing this checkout.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
from pathlib import Path

import pytest

from tests.docs.snippets import ROOT, Block, blocks
from tests.docs.venvs import fresh_venv, venv_env

README = ROOT / "README.md"


def _quick_start() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    section = text.index("## Quick start with pip")
    start_line = text[:section].count("\n") + 1
    end = text.find("\n## ", section + 1)
    end_line = text[:end].count("\n") + 1 if end != -1 else 10**9
    return [b for b in blocks(README) if start_line < b.line < end_line]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with this checkout installed as a user would install it."""
    return fresh_venv(tmp_path_factory.mktemp("pip-user") / "venv", str(ROOT))


def test_the_pip_quick_start_runs_as_written(venv: Path, tmp_path: Path) -> None:
    found = _quick_start()
    shell, python, output = found[:3]
    assert (shell.lang, python.lang, output.is_output) == ("bash", "python", True)
    env = venv_env(venv)
    commands = [line for line in shell.body.splitlines() if line.strip()]
    assert commands[0].split("#")[0].split() == ["pip", "install", "promocore"]
    for command in commands[1:]:
        step = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, timeout=300
        )
        assert step.returncode == 0, (command, step.stdout, step.stderr)
        assert b"Traceback" not in step.stderr
    assert (tmp_path / "try-it" / "cart.json").is_file()
    script = tmp_path / "quick_start.py"
    script.write_text(python.body, encoding="utf-8")
    result = subprocess.run(
        [str(venv / "bin" / "python"), str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == output.body


def test_the_installed_package_is_the_wheel_not_the_checkout(venv: Path, tmp_path: Path) -> None:
    code = (
        "import importlib.metadata as m, promocore; "
        "print(promocore.__file__); print(promocore.__version__); "
        "print(sorted(str(f) for f in m.files('promocore') if 'LICENSE' in str(f)))"
    )
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    where, version, licenses = result.stdout.splitlines()
    assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(ROOT)
    assert version == importlib.metadata.version("promocore")
    assert "licenses/LICENSE" in licenses
