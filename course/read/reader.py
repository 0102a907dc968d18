"""Reading a page's Markdown with one parser that keeps a source map.

The pages are parsed by markdown-it-py (CommonMark) with mdit-py-plugins' front-matter and
admonition plugins, so that Material's ``!!! note`` and ``??? success`` blocks are containers, not
indented code: every fenced block is found at any depth, with its code exactly as written (blank
lines kept, the container's indent removed) and the line of its opening fence, which every error
about it names (a token's ``.map`` is its source line range).

A block runs when its language, the first word of its info string, is Python (``python``,
``py``): ``python title="x.py"`` runs like ``python``. A block that must not run says why on the
line before its fence, as an HTML comment the reader of the page never sees:
``<!--pytest.mark.skip(reason="needs a GPU")-->``.

A build reads each lesson several times over (its cells, its prose, its page as rendered), so
the tokens of each text are kept in the build cache by the text's hash (``tokens``): a warm
build reads them back instead of parsing again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course import ROOT

PYTHON = ("python", "py", "python3", "py3")
MARK = re.compile(r"^<!--\s*(pytest\.mark\.\w+(?:\(.*\))?)\s*-->$", re.S)


@dataclass(frozen=True)
class Block:
    lineno: int  # 1-based line of the opening fence
    info: str  # the fence's info string, such as 'python' or 'python title="x.py"'
    code: str  # the block's code, as written
    marks: tuple[str, ...] = ()  # pytest marks written before it, such as 'pytest.mark.skip(reason="...")'
    end: int = 0  # 0-based index of the line after its closing fence

    @property
    def language(self) -> str:
        return self.info.split()[0].lower() if self.info.strip() else ""

    def skipped(self) -> bool:
        return any(mark.startswith("pytest.mark.skip") for mark in self.marks)


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark").use(front_matter_plugin).use(admon_plugin).enable("table")


PARSED = ROOT / ".cache" / "build" / "parsed"  # the tokens of each text parsed before, by its hash
PARSED_KEPT = 400  # texts kept; the oldest go first (an author's old drafts pile up)


@lru_cache(maxsize=1)
def _parser_key() -> str:
    import importlib.metadata

    versions = ";".join(importlib.metadata.version(n) for n in ("markdown-it-py", "mdit-py-plugins"))
    return hashlib.sha256(Path(__file__).read_bytes() + versions.encode()).hexdigest()


@lru_cache(maxsize=64)
def tokens(text: str) -> tuple:
    """The block tokens of ``text``, each with its ``.map`` (0-based first line, end line). A
    text parsed before (by this reader and these parser versions) is read back from the build
    cache: a warm build parses nothing."""
    from course.run import store

    key = hashlib.sha256((_parser_key() + text).encode()).hexdigest()
    return store.remembered(PARSED, key, lambda: tuple(_parser().parse(text)), PARSED_KEPT)


def relative(path: Path) -> str:
    """``path`` as the project names it in messages: relative to the checkout where it is inside."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


class ReaderError(ValueError):
    """A page says something the reader cannot attach: the message names the line."""


def fences(text: str) -> list[Block]:
    """Every fenced block of ``text``, at any depth, in page order, with the marks before it. A
    mark that is not on the line right before a fence is an error: its block would run."""
    found, pending = [], None  # pending: (line, mark) of a mark waiting for its fence
    for token in tokens(text):
        if token.type == "fence" and token.map:
            marks = ()
            if pending is not None and pending[0] == token.map[0]:
                marks, pending = (pending[1],), None
            found.append(Block(token.map[0] + 1, token.info.strip(), token.content, marks, token.map[1]))
        if pending is not None:
            raise ReaderError(f"line {pending[2]}: {pending[1]} must stand on the line right before "
                              "the fence of the block it marks")
        if token.type == "html_block" and token.map and (match := MARK.match(token.content.strip())):
            pending = (token.map[1], match.group(1), token.map[0] + 1)
    if pending is not None:
        raise ReaderError(f"line {pending[2]}: {pending[1]} marks no block")
    return found


def python_blocks(path: Path) -> list[Block]:
    """The Python blocks of the page at ``path``: what the tests and the build run."""
    return [block for block in fences(Path(path).read_text(encoding="utf-8")) if block.language in PYTHON]
