"""pytest plugin: every Python block of every page under ``docs/`` is a test.

Blocks are found by the project's Markdown reader (``course.read.reader``: markdown-it-py, which keeps
each block's line; a ``<!--pytest.mark.skip(reason=...)-->`` comment before a block skips it),
and run as one program, because a lesson page is one program a reader runs top to bottom:

- blocks of a page share one namespace, in page order;
- they run in a scratch folder that holds the verified ``indian_ipo.csv``, so
  ``pd.read_csv("indian_ipo.csv")`` works as on the reader's machine;
- each block's stdout must equal its ``# Output:`` comments (see ``course.check.snippets``).

A lesson runs once, in a Jupyter kernel of the build's pool, and the build and the tests share
that run (``course.run.runs.run_for_tests``): each block's test checks what the block printed
there, or reports the error it raised, or that an earlier block failed first. Other pages' blocks,
and every page under ``--update-outputs`` (which rewrites comments as it goes), run here.
"""

from __future__ import annotations

import os
from collections import Counter
import sys
from pathlib import Path

import pytest
from course import ROOT, fix_numerics
from course.check import prose, snippets
from course.read import saved, source
from course.render import pages
from course.run import data, runs

DOCS = ROOT / "docs"


def pytest_addoption(parser):
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite the # Output: comments of pages and notebooks to what the code prints",
    )
    parser.addoption(
        "--recheck",
        action="store_true",
        help="repeat every costly check that passed before on the same inputs (tests/proofs.py)",
    )
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="keep the browser tests' screenshots of the lessons in test-artifacts/screenshots/",
    )


# Where a published course lives (course.render.hosted): the workflow sets these for its build; the tests
# build as a local build does, and a test that wants them sets them itself.
PUBLICATION_VARIABLES = ("COURSE_SITE_URL", "COURSE_REPOSITORY")


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in PUBLICATION_VARIABLES:
        os.environ.pop(name, None)
    fix_numerics()
    config._output_updates = {}  # path -> [(first_lineno, old_code, new_code)]
    config._prose_counts = Counter()  # shown / computed / declared / unbound, over the run
    config._prose_files = 0
    config._prose_stale = []  # with --update-outputs: prose numbers the new outputs do not back
    config._exercise_proofs = {}  # notebook -> course.run.exercises.Proof, from tests/test_notebooks.py
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(ParallelCounts(), "course-parallel-counts")


class ParallelCounts:
    """Under pytest-xdist, each worker counts the prose numbers and exercise proofs of the tests it
    ran; the workers hand their counts to the controller, which prints the summary lines for the
    whole run."""

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session):
        config = session.config
        if hasattr(config, "workeroutput"):  # a worker
            config.workeroutput["course_prose"] = {
                "counts": dict(config._prose_counts),
                "files": config._prose_files,
                "stale": list(config._prose_stale),
                "exercises": {
                    name: proof.counts()
                    for name, proof in config._exercise_proofs.items()
                },
            }

    def pytest_testnodedown(self, node, error):
        config = node.config
        counted = getattr(node, "workeroutput", {}).get("course_prose")
        if counted:
            config._prose_counts.update(counted["counts"])
            config._prose_files += counted["files"]
            config._prose_stale.extend(counted["stale"])
            from course.run import exercises

            for name, counts in counted["exercises"].items():
                config._exercise_proofs[name] = exercises.Proof(*counts)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, config, items):
        """The blocks of one page share a namespace: run them on one worker, in order."""
        for item in items:
            if isinstance(item, (SnippetItem, ProseItem)):
                item.add_marker(pytest.mark.xdist_group(str(item.path.relative_to(ROOT))))


def pytest_sessionstart(session):
    try:
        csv_path = data.dataset_path()
    except data.DatasetError as exc:
        pytest.exit(str(exc), returncode=3)
    session.config._lesson_folder = data.scratch_folder("lesson-run-", csv_path)
    session.config._lesson_workdir = session.config._lesson_folder.__enter__()


def pytest_sessionfinish(session):
    folder = getattr(session.config, "_lesson_folder", None)
    if folder is not None:
        folder.__exit__(None, None, None)
    for path, replacements in session.config._output_updates.items():
        snippets.rewrite(path, replacements)


def pytest_terminal_summary(terminalreporter, config):
    """One line that accounts for every code block collected from the pages, one for the numbers
    in the prose, and (after ``--update-outputs``) the prose numbers that no longer match."""
    if config._prose_files:
        terminalreporter.write_line(
            f"{prose.summary(config._prose_counts)} (in {config._prose_files} pages and notebooks)"
        )
    if config._exercise_proofs:
        from course.run import exercises

        proofs = config._exercise_proofs.values()
        terminalreporter.write_line(
            exercises.summary(*(sum(counts) for counts in zip(*(p.counts() for p in proofs))))
            + f" (in {len(config._exercise_proofs)} notebooks)"
        )
    if config._prose_stale:
        terminalreporter.write_line("prose numbers the rewritten outputs no longer back:")
        for problem in config._prose_stale:
            terminalreporter.write_line(f"  {problem}")
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
    """The page's Python blocks (``course.read.reader``), each ``saved`` block holding the code saved
    before it (``course.read.saved``)."""
    from course.read import saved

    return saved.python_blocks(path)


class LessonPage(pytest.File):
    def collect(self):
        self.namespace = {"__name__": "__main__"}
        self.done: set[int] = set()
        self.blocks = python_blocks(self.path)
        self.printed: dict[int, str] = {}
        for block in self.blocks:
            item = SnippetItem.from_parent(self, name=f"line {block.lineno}", block=block)
            for mark in block.marks:
                item.add_marker(eval(mark, {"sys": sys, "pytest": pytest}))
            yield item
        if self.path.parent == pages.LESSONS:
            yield ProseItem.from_parent(self, name="prose numbers")

    def page_run(self) -> dict | None:
        """A lesson's run, as the build makes it (None elsewhere, and when outputs are being
        rewritten: those blocks run here, in this process)."""
        if self.path.parent != pages.LESSONS or self.config.getoption("--update-outputs"):
            return None
        if not hasattr(self, "_run"):
            checked = sorted({item.path for item in self.session.items
                              if isinstance(item, (SnippetItem, ProseItem)) and item.path.parent == pages.LESSONS})
            try:
                lesson = source.read(self.path)
                self._run = runs.run_for_tests(self.path, data.dataset_path(), among=checked)
                self.printed = runs.printed(self._run, lesson, every_role=True)
            except source.SourceError as exc:  # no run at all: every item of the page says why
                self._run = {"outputs": [], "values": {}, "failed": {"line": 0, "error": str(exc)}}
        return self._run

    def check_block(self, block) -> None:
        """Check a block against the lesson's run: it printed what its comments document (a check
        or figure block: it ran; what it showed is proven by the build)."""
        filename = str(self.path.relative_to(ROOT))
        run = self.page_run()
        failed = run.get("failed")
        if failed and failed.get("line") in (block.lineno, 0):
            raise snippets.SnippetError(failed["error"])
        if block.lineno not in self.printed:
            raise snippets.SnippetError(
                f"{filename}:{block.lineno}: not run: the block at line {failed['line']} failed first"
                if failed and failed.get("line") else
                (failed["error"] if failed else f"{filename}:{block.lineno}: the lesson's run did not reach this block"))
        if source.role_of(block.info) not in source.HIDDEN:
            self.verify(block, self.printed[block.lineno])

    def verify(self, block, printed: str) -> None:
        """Raise SnippetError unless ``printed`` is what the block documents."""
        filename = str(self.path.relative_to(ROOT))
        problem = snippets.compare(snippets.expected_output(block.code, block.lineno + 1), printed, filename)
        if problem:
            raise snippets.SnippetError(problem)

    def run_block(self, block) -> None:
        if block.lineno in self.done:
            return
        self.done.add(block.lineno)
        filename = str(self.path.relative_to(ROOT))
        cwd = os.getcwd()
        os.chdir(self.config._lesson_workdir)
        try:
            if self.config.getoption("--update-outputs"):
                chunks: list[str] = []
                new = snippets.updated(block.code, self.namespace, filename, block.lineno + 1, chunks)
                if saved.is_saved_block(block.info) and new != block.code:
                    raise snippets.SnippetError(f"{filename}:{block.lineno}: the code saved with #@save prints "
                                                "something; a saved statement defines, and prints nothing")
                record_update(self.config, self.path, block.lineno + 1, block.code, new)
                printed = "".join(chunks)
            else:
                printed = snippets.run(block.code, self.namespace, filename, block.lineno + 1)
                self.verify(block, printed)
            self.printed[block.lineno] = printed
        finally:
            os.chdir(cwd)


class SnippetItem(pytest.Item):
    """One block of a page: it runs (after the blocks before it) and prints what it documents."""

    def __init__(self, *, block, **kwargs):
        super().__init__(**kwargs)
        self.block = block

    def runtest(self):
        page = self.parent
        if page.page_run() is not None:
            page.check_block(self.block)
            return
        for earlier in page.blocks:
            if earlier.lineno >= self.block.lineno:
                break
            if not earlier.skipped() and source.role_of(earlier.info) not in source.HIDDEN:
                page.run_block(earlier)
        if source.role_of(self.block.info) in source.HIDDEN:
            pytest.skip("a hidden block (a check, a figure, an exercise's other answer) runs in the lesson's run only")
        page.run_block(self.block)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, snippets.SnippetError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.block.lineno, f"{self.path.name}:{self.block.lineno}"


def check_prose(config, filename: str, found: prose.Scan, printed: str, values: dict | None) -> None:
    """Bind the numbers of one page or notebook; count them; raise ProseError on any problem.

    Under ``--update-outputs`` the problems are reported at the end of the run instead: they are
    the prose numbers that the rewritten outputs no longer back.
    """
    report = prose.bind(found, printed, values)
    config._prose_counts.update(report.counts)
    config._prose_files += 1
    if report.problems:
        if config.getoption("--update-outputs"):
            config._prose_stale.extend(report.problems)
            return
        raise prose.ProseError("\n".join(report.problems))


class ProseItem(pytest.Item):
    """Every number in the page's prose is shown by its code, computed inline or declared."""

    def runtest(self):
        page = self.parent
        run = page.page_run()
        if run is not None and run.get("failed"):
            raise snippets.SnippetError(run["failed"]["error"])
        text = self.path.read_text(encoding="utf-8")
        filename = str(self.path.relative_to(ROOT))
        found = prose.scan(prose.page_prose(text), filename, prose.literals_of(text))
        if run is not None:
            values = {i.expr: run["values"][i.expr] for i in found.inline if i.expr in run["values"]}
            printed = "".join(runs.printed(run, source.read(self.path)).values())
        else:  # outputs are being rewritten: the blocks ran here, and so do the expressions
            for block in page.blocks:
                if not block.skipped() and source.role_of(block.info) not in source.HIDDEN:
                    page.run_block(block)
            values = self.inline_here(found, filename)
            printed = "".join(page.printed[b.lineno] for b in page.blocks if b.lineno in page.printed)
        printed += "".join(f"\n{v}\n" for v in values.values())
        check_prose(self.config, filename, found, printed, values)

    def inline_here(self, found: prose.Scan, filename: str) -> dict[str, str]:
        cwd = os.getcwd()
        os.chdir(self.config._lesson_workdir)
        try:
            values = {}
            for inline in found.inline:
                try:
                    value = eval(inline.expr, self.parent.namespace)
                except Exception as exc:
                    raise prose.ProseError(f"{filename}:{inline.lineno}: inline expression `{{python}} "
                                           f"{inline.expr}` failed: {type(exc).__name__}: {exc}") from None
                values[inline.expr] = value if isinstance(value, str) else str(value)
            return values
        finally:
            os.chdir(cwd)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, (prose.ProseError, pages.PageError, snippets.SnippetError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"{self.path.name}: prose numbers"
