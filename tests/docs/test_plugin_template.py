"""The plugin template of the writing-a-plugin how-to installs and passes its own tests.

The template distribution is copied out of the repository, installed (not editable) with
promocore into a new virtualenv, and its tests run there as its author runs them: the
pytest plugin turns the one marker line into one test per law.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from promocore.testing import STANDARD_LAWS
from tests.docs.snippets import ROOT, blocks
from tests.docs.venvs import fresh_venv, venv_env

TEMPLATE = ROOT / "templates" / "promocore-secondhalf"
PAGE = ROOT / "docs" / "how-to" / "writing-a-plugin.md"


def test_the_template_installs_into_a_fresh_venv_and_its_tests_pass(tmp_path: Path) -> None:
    project = tmp_path / "promocore-secondhalf"
    shutil.copytree(
        TEMPLATE, project, ignore=shutil.ignore_patterns("__pycache__", ".*", "*.egg-info")
    )
    venv = fresh_venv(tmp_path / "venv", f"{ROOT}[testing]", f"{project}[testing]")
    pytest = [str(venv / "bin" / "python"), "-m", "pytest", "-v", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [*pytest, "--promocore-examples", "20"],
        cwd=project,
        env=venv_env(venv),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_the_second_of_each_pair_is_half_price PASSED" in result.stdout
    for law in STANDARD_LAWS:
        assert f"promocore_laws[second_half_price-{law.name}] PASSED" in result.stdout, law.name


def test_the_how_to_shows_every_file_of_the_template() -> None:
    shown = {block.title for block in blocks(PAGE) if block.title}
    files = {
        str(path.relative_to(ROOT))
        for path in TEMPLATE.rglob("*")
        if path.is_file() and path.suffix in {".py", ".toml"}
    }
    assert files <= shown, sorted(files - shown)
