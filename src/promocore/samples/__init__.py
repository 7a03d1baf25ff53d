"""Sample campaign and cart files used by ``promocore demo`` (the shared examples)."""

from importlib.resources import files
from pathlib import Path


def sample_path(name: str) -> Path:
    """Return the path of the packaged sample file ``name``."""
    return Path(str(files(__name__).joinpath(name)))
