"""Code a lesson saves for the lessons after it, written once (d2lbook's ``#@save``).

A top-level statement of a lesson's Python block whose first line ends with ``#@save`` is
*saved*: an import, an assignment, a ``def`` or a ``class`` (the mark on its ``def``/``class``
line, or on its first decorator), the whole statement, however many lines it has::

    def missing(frame):  #@save
        ...

A later block that needs what the course has built so far is written with no code of its own::

    ```python saved
    ```

and it holds, derived, everything saved before it, in course order: by the lessons before this
one (in the nav's order), then by this lesson's own blocks above it, each lesson's part under a
``# From Lesson N`` line. The page shows that code (usually in a folded ``??? note``), the
notebooks have it as a cell, and the run executes it there; its errors name the lesson and line
that saved the statement. The mark itself is never shown: the page, the notebooks and the run
have the code without it.

The code is saved where it is taught and only there: an edit of a saved statement changes every
lesson that holds it, and runs those lessons again (their runs' keys hold their code).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from course.read import reader

MARK = re.compile(r"[ \t]*#@save[ \t]*$", re.M)
SAVED_WORD = "saved"  # the info-string word of a block that holds the saved code


class SavedError(ValueError):
    """A saved statement or a ``saved`` block the reader cannot use; the message names the line."""


@dataclass(frozen=True)
class Statement:
    code: str  # the statement's lines, the mark removed
    where: str  # "docs/lessons/04-training-loop.md:317": the line of its first line
    block: int  # the line of its block's fence in that page
    first: int  # 1-based line of the page where the statement starts
    last: int  # and where it ends


def strip(code: str) -> str:
    """Code as it is shown and run: every ``#@save`` mark removed."""
    return MARK.sub("", code)


def is_saved_block(info: str) -> bool:
    return SAVED_WORD in info.split()[1:]


def statements(path: Path, text: str) -> list[Statement]:
    """The statements ``text`` (the page at ``path``) saves, in page order."""
    return list(_statements(reader.relative(path), text))


@lru_cache(maxsize=64)
def _statements(where: str, text: str) -> tuple[Statement, ...]:
    found = []
    for block in reader.fences(text):
        if block.language not in reader.PYTHON or not MARK.search(block.code):
            continue
        if block.info.split()[1:]:
            raise SavedError(f"{where}:{block.lineno}: only a plain ```python block of the lesson can save "
                             "code with #@save (not a starter, check, figure or other answer)")
        lines = block.code.splitlines()
        try:
            tree = ast.parse(block.code)
        except SyntaxError as exc:
            raise SavedError(f"{where}:{block.lineno + (exc.lineno or 1)}: {exc.msg}") from None
        heads = set()  # the lines a mark may end: each statement's first, its def/class line
        for node in tree.body:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            heads |= {first, node.lineno}
            if MARK.search(lines[first - 1]) or MARK.search(lines[node.lineno - 1]):
                found.append(Statement(strip("\n".join(lines[first - 1:node.end_lineno])),
                                       f"{where}:{block.lineno + first}", block.lineno,
                                       block.lineno + first, block.lineno + node.end_lineno))
        for number, line in enumerate(lines, 1):
            if MARK.search(line) and number not in heads:
                raise SavedError(f"{where}:{block.lineno + number}: #@save ends the first line of a top-level "
                                 "statement (the def or class line of a function or a class)")
    return tuple(found)


def earlier_pages(path: Path) -> list[Path]:
    """The lessons before ``path`` in the course (the nav's order); none when it is not one."""
    from course.read import lessons

    try:
        course = [lesson.page.resolve() for lesson in lessons.course()]
    except lessons.LessonError:
        return []
    path = Path(path).resolve()
    return course[: course.index(path)] if path in course else []


def library(path: Path, text: str, before_line: int) -> tuple[str, tuple[str | None, ...]]:
    """Everything saved before line ``before_line`` of the page at ``path`` (by the earlier
    lessons, then by this page's blocks above that line), each lesson's part under its heading;
    and, for each line of that code, where it was saved (None: a heading or a blank line)."""
    parts = []
    for page in earlier_pages(path):
        page_text = page.read_text(encoding="utf-8")
        if saved := statements(page, page_text):
            parts.append((_number(page_text), saved))
    if own := [s for s in statements(path, text) if s.block < before_line]:
        parts.append((_number(text), own))
    if not parts:
        raise SavedError(f"{reader.relative(path)}:{before_line}: a ```python saved block holds the code that earlier "
                         "lessons (or blocks above it) mark with #@save, and nothing is marked")
    lines: list[str] = []
    origins: list[str | None] = []
    for number, saved in parts:
        if lines:
            lines.append("")
            origins.append(None)
        lines.append(f"# From Lesson {number}")
        origins.append(None)
        for previous, statement in zip((None, *saved), saved):
            if previous is not None and (previous.block != statement.block or statement.first > previous.last + 1
                                         or "\n" in statement.code or "\n" in previous.code):
                lines.append("")
                origins.append(None)
            file, first = statement.where.rsplit(":", 1)
            for offset, line in enumerate(statement.code.splitlines()):
                lines.append(line)
                origins.append(f"{file}:{int(first) + offset}")
    return "\n".join(lines) + "\n", tuple(origins)


def _number(text: str) -> int | None:
    match = re.search(r"^# Lesson (\d+) - ", text, re.M)
    return int(match.group(1)) if match else None


def expand(path: Path, text: str, blocks: list[reader.Block]) -> list[reader.Block]:
    """``blocks`` of the page with every ``saved`` block holding its code and every mark removed."""
    return expanded(path, text, blocks)[0]


def expanded(path: Path, text: str, blocks: list[reader.Block]) -> tuple[list[reader.Block], dict]:
    """``expand``, and for each ``saved`` block (by its line) where each line of its code was saved."""
    out, origins = [], {}
    for block in blocks:
        if block.language in reader.PYTHON and is_saved_block(block.info):
            if block.code.strip():
                raise SavedError(f"{reader.relative(path)}:{block.lineno}: a ```python saved block is left empty: its code "
                                 "is what earlier lessons and blocks mark with #@save")
            code, origins[block.lineno] = library(path, text, block.lineno)
            block = replace(block, code=code)
        elif block.language in reader.PYTHON:
            block = replace(block, code=strip(block.code))
        out.append(block)
    return out, origins


def python_blocks(path: Path) -> list[reader.Block]:
    """The Python blocks of the page at ``path``, each ``saved`` block holding its code: what the
    tests and the build run."""
    text = Path(path).read_text(encoding="utf-8")
    return expand(Path(path), text, reader.python_blocks(path))
