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

from course import ROOT, data, fix_threads, snippets

DOCS = ROOT / "docs"


def pytest_addoption(parser):
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite the # Output: comments of pages and notebooks to what the code prints",
    )


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")
    fix_threads()
    config._output_updates = {}  # path -> [(first_lineno, old_code, new_code)]


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
    for path, replacements in session.config._output_updates.items():
        snippets.rewrite(path, replacements)


def pytest_terminal_summary(terminalreporter):
    """One line that accounts for every code block collected from the pages."""
    outcomes = {"passed": 0, "failed": 0, "skipped": 0}
    for outcome in outcomes:
        for report in terminalreporter.stats.get(outcome, []):
            if report.when in ("call", "setup") and "::line " in report.nodeid and report.nodeid.startswith("docs/"):
                outcomes[outcome] += 1
    total = sum(outcomes.values())
    if total:
        terminalreporter.write_line(
            f"code blocks on the pages: {total} collected, {outcomes['passed']} ran and matched, "
            f"{outcomes['failed']} failed, {outcomes['skipped']} skipped with a reason"
        )


def record_update(config, path, first_lineno, old, new) -> bool:
    """Queue a rewrite of ``old`` to ``new`` (with --update-outputs); True if queued."""
    if not config.getoption("--update-outputs") or old == new:
        return False
    config._output_updates.setdefault(Path(path), []).append((first_lineno, old, new))
    return True


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".md" and DOCS in file_path.parents:
        return LessonPage.from_parent(parent, path=file_path)
    return None


def python_blocks(path: Path):
    """The blocks pytest-codeblocks extracts from ``path`` whose language is Python.

    Their code is re-read from the file: pytest-codeblocks drops the blank lines of indented
    blocks (those inside admonitions), which would shift every line number reported after them.
    """
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    blocks = [b for b in extract_from_file(path) if b.syntax == "python"]
    for block in blocks:
        fence = lines[block.lineno - 1]
        indent = len(fence) - len(fence.lstrip())
        ticks = fence.lstrip()[: len(fence.lstrip()) - len(fence.lstrip().lstrip("`"))]
        body = []
        for line in lines[block.lineno :]:
            if line.lstrip().startswith(ticks):
                break
            body.append(line[min(indent, len(line) - len(line.lstrip())) :])
        block.code = "".join(line + "\n" for line in body)
    return blocks


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
            elif self.config.getoption("--update-outputs"):
                new = snippets.updated(block.code, self.namespace, filename, block.lineno + 1)
                record_update(self.config, self.path, block.lineno + 1, block.code, new)
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
