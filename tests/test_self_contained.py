"""Nothing in the repository reads outside it: a clone has no ``../shared`` beside it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARENTS = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")
FOLDERS = ("src", "tests", "benchmarks", "plugins", "doctools", ".ci")


def test_no_file_reaches_above_the_repository() -> None:
    checked = 0
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".md", ".toml", "") or not path.is_file():
                continue
            if path.resolve() == Path(__file__).resolve():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "../shared" not in text and "shared/examples" not in text, path
            for match in PARENTS.finditer(text):
                checked += 1
                target = path.resolve().parents[int(match.group(1))]
                assert target.is_relative_to(ROOT), f"{path}: {match.group(0)} is {target}"
    assert checked >= 3  # the tests that locate the docs and the plugins
