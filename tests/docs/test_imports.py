"""Doc snippets and the plugin distributions import promocore's public API only.

Names of the pricing core come from the front door (``from promocore import Engine``);
everything else from a subpackage or module the reference documents, never from a
private (``_``) module.
"""

from __future__ import annotations

import ast
import doctest
import re
from collections.abc import Iterator

import pytest

import promocore
from tests.docs.snippets import PAGES, ROOT, python_blocks

#: Modules whose public names the front door re-exports.
CORE_MODULES = frozenset(promocore._MODULES)
PLUGIN_FILES = sorted(
    path
    for plugin in (ROOT / "plugins").iterdir()
    for folder in ("src", "tests")
    for path in (plugin / folder).rglob("*.py")
)


def _documented() -> set[str]:
    found: set[str] = set()
    for page in (ROOT / "docs" / "reference").glob("*.md"):
        found.update(re.findall(r"^::: ([\w.]+)", page.read_text(encoding="utf-8"), re.M))
    return found


DOCUMENTED = _documented()


def _is_documented(module: str) -> bool:
    return any(
        module == name or name.startswith(module + ".") or module.startswith(name + ".")
        for name in DOCUMENTED
    )


def _sources() -> Iterator[tuple[str, str]]:
    for page in PAGES:
        for block in python_blocks(page):
            where = f"{page.relative_to(ROOT)}:{block.line}"
            if block.body.lstrip().startswith(">>>"):
                examples = doctest.DocTestParser().get_examples(block.body)
                yield where, "\n".join(example.source for example in examples)
            else:
                yield where, block.body
    for path in PLUGIN_FILES:
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def _imported(source: str) -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


SOURCES = list(_sources())


@pytest.mark.parametrize(("where", "source"), SOURCES, ids=[where for where, _ in SOURCES])
def test_imports_use_the_public_api(where: str, source: str) -> None:
    for module in _imported(source):
        if module.split(".")[0] != "promocore" or module == "promocore":
            continue
        assert module not in CORE_MODULES, f"{where}: import from promocore, not {module}"
        assert not any(part.startswith("_") for part in module.split(".")), (
            f"{where}: {module} is private"
        )
        assert _is_documented(module), f"{where}: {module} is on no reference page"


def test_the_sources_are_found() -> None:
    pages = {where.split(":")[0] for where, _ in SOURCES}
    assert "README.md" in pages and "docs/tutorial.md" in pages
    assert any(where.startswith("plugins/promocore-groupbuy/src/") for where in pages)
