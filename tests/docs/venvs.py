"""New virtualenvs with packages installed as a user installs them, for install tests.

pip reads the machine's own configuration, so it installs from the same index (or local
wheels) as ``./dev`` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def fresh_venv(home: Path, *requirements: str) -> Path:
    """Make a virtualenv at ``home`` and pip-install ``requirements`` into it (not editable)."""
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True, timeout=300)
    python = home / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    result = subprocess.run(
        [*install, *requirements], capture_output=True, text=True, timeout=1200, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return home


def venv_env(home: Path) -> dict[str, str]:
    """The environment of a shell with the virtualenv at ``home`` first on ``PATH``."""
    env = {**os.environ, "PATH": f"{home / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    return env
