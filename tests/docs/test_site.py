"""The documentation site builds and shows what the reference promises.

The site is built once per test session (``mkdocs build --strict``, a few seconds), then
searched: no Sphinx role printed literally, every field of `Quote` and every hook shown,
every attrs field and enum member of a rendered class rendered with it, examples as code,
one row per return value, and the glossary linked from every page with Chinese terms.
"""

from __future__ import annotations

import enum
import html
import importlib
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from promocore import hookspecs
from promocore.quote import Quote, Reason
from tests.docs.snippets import ROOT

ROLES = re.compile(r":(?:py:)?(?:class|meth|func|attr|mod|exc|data|obj|const|ref):`")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site."""
    target = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def _pages(site: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(site.rglob("index.html")):
        yield str(path.parent.relative_to(site)) or "home", path.read_text(encoding="utf-8")


def _article(page: str) -> str:
    """The page's own content, without the navigation (which lists every page)."""
    match = re.search(r"<article[^>]*>(.*)</article>", page, re.S)
    assert match is not None
    return match.group(1)


def _inventory(site: Path) -> set[str]:
    raw = (site / "objects.inv").read_bytes()
    header_end = 0
    for _ in range(4):
        header_end = raw.index(b"\n", header_end) + 1
    lines = zlib.decompress(raw[header_end:]).decode("utf-8").splitlines()
    return {line.split(" ", 1)[0] for line in lines if " py:" in line}


def _resolve(path: str) -> Any:
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            value = getattr(value, name)
        return value
    raise LookupError(path)


def test_no_role_or_unresolved_link_is_printed_literally(site: Path) -> None:
    for name, page in _pages(site):
        text = html.unescape(_article(page))
        found = ROLES.findall(text)
        assert not found, f"{name}: {found[:5]}"
        unresolved = re.findall(r"\]\[promocore[\w.]*\]", re.sub(r"<[^>]+>", "", text))
        assert not unresolved, f"{name}: {unresolved[:5]}"


def test_every_quote_field_is_shown(site: Path) -> None:
    page = (site / "reference" / "core" / "index.html").read_text(encoding="utf-8")
    names = [field.name for field in attrs.fields(Quote)] + ["subtotal", "discount", "total"]
    assert {"lines", "applied", "not_applied", "hints", "budget_draws", "effects"} <= set(names)
    for name in names:
        assert f'id="promocore.quote.Quote.{name}"' in page, name
    for reason in Reason:
        assert f'id="promocore.quote.Reason.{reason.name}"' in page, reason


def test_every_attrs_field_and_enum_member_of_a_rendered_class_is_rendered(site: Path) -> None:
    rendered = _inventory(site)
    classes = 0
    for path in sorted(rendered):
        try:
            value = _resolve(path)
        except (LookupError, AttributeError):
            continue
        if not isinstance(value, type) or f"{value.__module__}.{value.__qualname__}" != path:
            continue  # not a class, or a re-export: checked where it is defined
        if attrs.has(value):
            names = [f.name for f in attrs.fields(value) if not f.name.startswith("_")]
        elif issubclass(value, enum.Enum):
            names = [member.name for member in value]
        else:
            continue
        classes += 1
        missing = [name for name in names if f"{path}.{name}" not in rendered]
        assert not missing, f"{path}: {missing} are not rendered"
    assert classes > 100


def test_examples_render_as_code(site: Path) -> None:
    for name, page in _pages(site):
        if not name.startswith("reference"):
            continue
        outside_code = re.sub(r"<pre.*?</pre>|<code.*?</code>", "", _article(page), flags=re.S)
        assert "&gt;&gt;&gt;" not in outside_code, name
        assert "<blockquote" not in outside_code, name
    stats = (site / "reference" / "stats" / "index.html").read_text(encoding="utf-8")
    assert stats.count('<span class="gp">&gt;&gt;&gt; </span>') > 20


def test_returns_have_one_row_per_value(site: Path) -> None:
    tables = 0
    for name, page in _pages(site):
        for table in re.findall(
            r'doc-section-title">Returns:</span></p>\s*<table>.*?<tbody>(.*?)</tbody>', page, re.S
        ):
            tables += 1
            assert table.count("<tr") == 1, f"{name}: {html.unescape(table)[:300]}"
    assert tables > 30


def test_every_hook_is_on_the_hook_page(site: Path) -> None:
    page = (site / "reference" / "hooks" / "index.html").read_text(encoding="utf-8")
    hooks = [name for name in dir(hookspecs) if name.startswith("promocore_")]
    assert len(hooks) >= 3
    for name in hooks:
        assert f'id="promocore.hookspecs.{name}"' in page, name


def test_the_glossary_is_linked_from_every_page_with_chinese_terms(site: Path) -> None:
    checked = 0
    for name, page in _pages(site):
        if name in ("glossary", "home") or name.startswith("search"):
            continue
        article = _article(page)
        if HAN.search(re.sub(r"<[^>]+>", "", article)):
            checked += 1
            assert re.search(r'href="[./]*glossary/?(#[^"]*)?"', article), name
    assert checked > 10


def test_the_site_links_the_repository(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "https://github.com/promocore/promocore" in home
