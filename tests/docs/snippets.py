"""Reading the fenced code blocks of the Markdown pages, and running a page's Python.

A page's ``python`` blocks run in order in one module namespace, as a reader would paste
them. A block of ``>>>`` lines is a doctest: its output is compared. A block fenced
```` ```text title="Output" ```` shows what the page's Python printed since the previous
such block, exactly, but that ``...`` in it stands for any text (doctest's ``ELLIPSIS``).
A ``python`` block titled with a ``.py`` path
(```` ```python title="plugins/.../params.py" ````) is an excerpt of that file: its lines
must appear in the file in that order (``...`` stands for what the excerpt leaves out); so
is a block of another language titled with the path of a file in the repository
(```` ```toml title="templates/.../pyproject.toml" ````).
Any other block titled with a file name (```` ```toml title="share-and-earn.toml" ````) is
written to that file in the working folder before the blocks after it run, as a reader
saves it.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[2]

#: The pages whose Python is run: the README, the tutorial, every how-to and the hooks reference.
PAGES: tuple[Path, ...] = (
    ROOT / "README.md",
    ROOT / "docs" / "tutorial.md",
    *sorted((ROOT / "docs" / "how-to").glob("*.md")),
    ROOT / "docs" / "reference" / "hooks.md",
)

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<lang>[\w-]*)(?P<info>[^\n`]*)\n")
_TITLE = re.compile(r'title="(?P<title>[^"]*)"')


@attrs.frozen
class Block:
    """One fenced code block of a page."""

    lang: str
    info: str
    body: str
    line: int  # line number of the body's first line in the page

    @property
    def title(self) -> str | None:
        """The block's ``title="..."`` option, if any."""
        match = _TITLE.search(self.info)
        return match.group("title") if match else None

    @property
    def is_output(self) -> bool:
        """True for a ``text`` block titled ``Output``."""
        return self.lang == "text" and self.title == "Output"

    @property
    def saved_as(self) -> str | None:
        """The file name a non-Python block is saved as, if its title is one."""
        title = self.title
        if self.lang == "python" or title is None or title == "Output" or self.excerpt_of:
            return None
        return title if re.fullmatch(r"[\w./-]+\.\w+", title) else None

    @property
    def excerpt_of(self) -> str | None:
        """The repository file a block is an excerpt of, if its title names one.

        A ``python`` block titled with a ``.py`` path is one; so is a block of any other
        language titled with the path of a repository file (``templates/.../pyproject.toml``).
        """
        title = self.title
        if title is None or title == "Output":
            return None
        if title.endswith(".py") or ("/" in title and (ROOT / title).is_file()):
            return title
        return None


def blocks(page: Path) -> list[Block]:
    """Every fenced code block of ``page``, in order (blocks inside admonitions too)."""
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        indent, fence = match.group("indent"), match.group("fence")
        closing = re.compile(rf"^{re.escape(indent)}{fence}\s*$")
        end = i + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        body = textwrap.dedent("".join(lines[i + 1 : end]))
        found.append(Block(match.group("lang"), match.group("info").strip(), body, i + 2))
        i = end + 1
    return found


def python_blocks(page: Path) -> list[Block]:
    """The ``python`` blocks of ``page`` that run (not the excerpts)."""
    return [b for b in blocks(page) if b.lang == "python" and b.excerpt_of is None]


@attrs.define
class PageRun:
    """What running a page's Python printed, and the checks it made."""

    page: Path
    printed: str = ""
    blocks_run: int = 0
    outputs_checked: int = 0
    doctests: int = 0
    excerpts_checked: int = 0


def run_page(page: Path) -> PageRun:
    """Run every ``python`` block of ``page`` in order; check outputs and excerpts.

    Raises:
        AssertionError: an output block, a doctest or an excerpt does not match.
    """
    run = PageRun(page)
    name = "page_" + re.sub(r"\W", "_", page.stem)
    module = types.ModuleType(name)
    sys.modules[name] = module
    pending = io.StringIO()
    try:
        for block in blocks(page):
            where = f"{page.relative_to(ROOT)}:{block.line}"
            if block.excerpt_of is not None:
                check_excerpt(block, where)
                run.excerpts_checked += 1
            elif block.lang == "python":
                run.blocks_run += 1
                with contextlib.redirect_stdout(pending):
                    if block.body.lstrip().startswith(">>>"):
                        run.doctests += _doctest(block, module.__dict__, where)
                    else:
                        code = compile("\n" * (block.line - 1) + block.body, str(page), "exec")
                        exec(code, module.__dict__)
            elif block.saved_as is not None:
                target = Path(block.saved_as)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block.body, encoding="utf-8")
            elif block.is_output:
                shown = pending.getvalue()
                assert _matches(block.body, shown), (
                    f"{where}: the page shows\n{block.body}\nbut the code printed\n{shown}"
                )
                run.printed += shown
                pending = io.StringIO()
                run.outputs_checked += 1
        run.printed += pending.getvalue()
    finally:
        del sys.modules[name]
        _close_what_the_page_opened(module.__dict__)
    return run


def _close_what_the_page_opened(namespace: dict[str, object]) -> None:
    """Close the ledgers, stores and other promocore objects a page left open."""
    for value in namespace.values():
        close = getattr(value, "close", None)
        if callable(close) and type(value).__module__.startswith("promocore."):
            result = close()
            if hasattr(result, "close"):  # an asyncio close returns a coroutine: drop it
                result.close()


def _matches(shown: str, printed: str) -> bool:
    if "..." not in shown:
        return shown == printed
    return doctest.OutputChecker().check_output(shown, printed, doctest.ELLIPSIS)


def _doctest(block: Block, namespace: dict[str, object], where: str) -> int:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block.body, namespace, where, where, block.line - 1)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    runner = doctest.DocTestRunner(optionflags=flags)
    report = io.StringIO()
    runner.run(test, out=report.write, clear_globs=False)
    namespace.update(test.globs)  # DocTest ran on a copy: keep what the block defined
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{where}: doctest failed\n{report.getvalue()}"
    return result.attempted


def check_excerpt(block: Block, where: str) -> None:
    """Every line of an excerpt, but ``...`` lines, appears in its file in the same order.

    Lines are compared without their indentation: an excerpt of methods is shown dedented.
    """
    assert block.excerpt_of is not None
    source = [
        line.strip() for line in (ROOT / block.excerpt_of).read_text(encoding="utf-8").splitlines()
    ]
    position = 0
    for line in _excerpt_lines(block.body):
        try:
            position = source.index(line, position) + 1
        except ValueError:
            raise AssertionError(f"{where}: {line!r} is not in {block.excerpt_of}") from None


def _excerpt_lines(body: str) -> Iterator[str]:
    for line in body.splitlines():
        if line.strip() and line.strip() != "...":
            yield line.strip()
