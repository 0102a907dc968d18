"""pytest plugin: every Python block of every page under ``docs/`` is a test.

Blocks are found by pytest-codeblocks' parser (so its ``<!--pytest.mark.skip(reason=...)-->``
markers work), and run here, because a lesson page is one program a reader runs top to bottom:

- blocks of a page share one namespace, in page order (running one block runs those before it);
- they run in a scratch folder that holds the verified ``indian_ipo.csv``, so
  ``pd.read_csv("indian_ipo.csv")`` works as on the reader's machine;
- each block's stdout must equal its ``# Output:`` comments (see ``course.snippets``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from pytest_codeblocks.main import extract_from_file

from course import ROOT, data, snippets

DOCS = ROOT / "docs"


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_sessionstart(session):
    try:
        csv_path = data.dataset_path()
    except data.DatasetError as exc:
        pytest.exit(str(exc), returncode=3)
    workdir = Path(tempfile.mkdtemp(prefix="lesson-run-"))
    shutil.copyfile(csv_path, workdir / data.FILENAME)
    session.config._lesson_workdir = workdir


def pytest_sessionfinish(session):
    workdir = getattr(session.config, "_lesson_workdir", None)
    if workdir:
        shutil.rmtree(workdir, ignore_errors=True)


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".md" and DOCS in file_path.parents:
        return LessonPage.from_parent(parent, path=file_path)
    return None


def python_blocks(path: Path):
    """The blocks pytest-codeblocks extracts from ``path`` whose language is Python."""
    return [b for b in extract_from_file(path) if b.syntax == "python"]


class LessonPage(pytest.File):
    def collect(self):
        self.namespace = {"__name__": "__main__"}
        self.done: set[int] = set()
        self.blocks = python_blocks(self.path)
        for block in self.blocks:
            item = SnippetItem.from_parent(self, name=f"line {block.lineno}", block=block)
            for mark in block.marks:
                item.add_marker(eval(mark, {"sys": sys, "pytest": pytest}))
            yield item

    def run_block(self, block) -> None:
        if block.lineno in self.done:
            return
        self.done.add(block.lineno)
        filename = str(self.path.relative_to(ROOT))
        cwd = os.getcwd()
        os.chdir(self.config._lesson_workdir)
        try:
            if block.expected_output is not None:  # pytest-codeblocks' own marker
                printed = snippets.run(block.code, self.namespace, filename, block.lineno + 1)
                if printed != block.expected_output:
                    raise snippets.SnippetError(
                        f"{filename}:{block.lineno}: expected\n{block.expected_output}got\n{printed}"
                    )
            else:
                snippets.check(block.code, self.namespace, filename, block.lineno + 1)
        finally:
            os.chdir(cwd)


class SnippetItem(pytest.Item):
    def __init__(self, *, block, **kwargs):
        super().__init__(**kwargs)
        self.block = block

    def runtest(self):
        page = self.parent
        for earlier in page.blocks:
            if earlier.lineno >= self.block.lineno:
                break
            if not any(m.startswith("pytest.mark.skip") for m in earlier.marks):
                page.run_block(earlier)
        page.run_block(self.block)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, snippets.SnippetError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.block.lineno, f"{self.path.name}:{self.block.lineno}"
