"""Lesson pages as programs: their Python blocks, run top to bottom, and the values their prose
computes inline.

A page runs like a script a reader types in: its ``python`` blocks in order, in one namespace,
in a folder that holds ``indian_ipo.csv``. After the last block, each inline expression of the
prose (`` `{python} expr` ``, see ``course.prose``) is evaluated in that namespace; the name
``figures`` there is the lesson's own figure module, so captions and alt text can quote what the
figure computed.

The build needs the values of the inline expressions and how long each page's code runs (for its
time estimate): it runs each lesson page in a fresh Python process (``python -m course.pages``),
at most as many at once as the machine has cores, and caches the result (what each block
printed, the inline values, the run time) under ``.cache/build/pages`` by a key of the page, its
figure module, the local modules they import, the dataset and the library versions. The tests
check what that same run printed (``run_for_tests``, ``course.pytest_plugin``): a page's code
runs once for the build and the tests together.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course import ROOT, cache, data, environment, prose, reader, snippets

DOCS = ROOT / "docs"
LESSONS = DOCS / "lessons"
RUN_CACHE = cache.CACHE_DIR / "pages"
VERIFIED_LIBRARIES = ("torch", "pandas", "numpy", "matplotlib")
log = logging.getLogger("mkdocs.course.pages")


class PageError(RuntimeError):
    """A page's code or one of its inline expressions failed."""


def python_blocks(path: Path):
    """The page's Python blocks, with their lines (``course.reader``)."""
    return reader.python_blocks(path)


def skipped(block) -> bool:
    return block.skipped()


def figure_module_path(page: Path) -> Path:
    """``docs/lessons/01-x.md`` -> ``assets/figures/01_x.py`` (which may not exist)."""
    from course import figures

    return figures.FIGURE_DIR / f"{Path(page).stem.replace('-', '_')}.py"


def notebook_page(source: Path) -> Path:
    """``lessons_src/01_x.py`` -> ``docs/lessons/01-x.md``: the page whose literals it shares."""
    return LESSONS / f"{Path(source).stem.replace('_', '-')}.md"


class LazyModule:
    """The lesson's figure module, loaded on first use (most expressions never touch it)."""

    def __init__(self, path: Path):
        self._path = path
        self._module = None

    def __getattr__(self, name):
        if self._module is None:
            from course import figures

            if not self._path.is_file():
                raise AttributeError(f"this lesson has no figure module {self._path.name}")
            self._module = figures.load_module(self._path)
        return getattr(self._module, name)


def render_value(value) -> str:
    """How an inline expression's value appears in the prose."""
    return value if isinstance(value, str) else str(value)


def inline_values(page: Path, namespace: dict, found: prose.Scan | None = None) -> dict[str, str]:
    """Evaluate the page's inline expressions in ``namespace``; raise PageError naming the line."""
    if found is None:
        text = Path(page).read_text(encoding="utf-8")
        found = prose.scan(prose.page_prose(text), relative(page), [])
    scope = dict(namespace)
    scope.setdefault("figures", LazyModule(figure_module_path(page)))
    values = {}
    for inline in found.inline:
        if inline.expr in values:
            continue
        try:
            values[inline.expr] = render_value(eval(inline.expr, scope))
        except Exception as exc:
            raise PageError(
                f"{relative(page)}:{inline.lineno}: inline expression `{{python}} {inline.expr}` "
                f"failed: {type(exc).__name__}: {exc}"
            ) from None
    return values


def relative(path: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


@dataclass
class PageRun:
    printed: list[str]  # what each block printed, in page order
    values: dict[str, str]  # inline expression -> rendered value


class RunFailed(PageError):
    """A block of the page (at ``lineno``) or an inline expression (``lineno`` None) raised:
    what the blocks printed until then, and the error."""

    def __init__(self, message: str, lineno: int | None, printed: list[str]):
        super().__init__(message)
        self.lineno, self.printed = lineno, printed


def run_page(page: Path) -> PageRun:
    """Run every block of ``page`` in the current folder, then its inline expressions."""
    namespace = {"__name__": "__main__"}
    printed = []
    filename = relative(page)
    for block in python_blocks(page):
        if not skipped(block):
            try:
                printed.append(snippets.run(block.code, namespace, filename, block.lineno + 1))
            except snippets.SnippetError as exc:
                raise RunFailed(str(exc), block.lineno, printed) from None
    try:
        return PageRun(printed, inline_values(page, namespace))
    except PageError as exc:
        raise RunFailed(str(exc), None, printed) from None


def has_inline(page: Path) -> bool:
    return bool(prose.INLINE.search(Path(page).read_text(encoding="utf-8")))


def run_key(page: Path) -> str:
    """Everything a page run depends on: the page, its figure module, how pages are run."""
    figure_module = figure_module_path(page)
    extra = [Path(page).read_text(encoding="utf-8")]
    for module in (Path(__file__), Path(snippets.__file__)):
        extra.append(hashlib.sha256(module.read_bytes()).hexdigest())
    if figure_module.is_file():
        return cache.key(figure_module, *extra)
    return cache.key(Path(__file__), *extra)


@contextmanager
def _workdir(csv_path: Path):
    """A scratch folder holding the dataset, where pages run (removed afterwards)."""
    workdir = Path(tempfile.mkdtemp(prefix="page-run-"))
    try:
        shutil.copyfile(csv_path, workdir / data.FILENAME)
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run_in_process(page: Path, workdir: Path, failed_too: bool = False) -> dict:
    """The page's run in a fresh Python process; with ``failed_too``, a run whose code failed
    too (with ``failed``), rather than a PageError."""
    result = subprocess.run(
        [sys.executable, "-m", "course.pages", str(page)],
        cwd=workdir, capture_output=True, text=True,
        env=environment.job_env(1, csv_path=workdir / data.FILENAME),
    )
    if result.returncode != 0 and not (failed_too and result.stdout.strip()):
        message = result.stderr.strip().splitlines()
        raise PageError(message[-1] if message else f"{relative(page)}: the page's code failed")
    return json.loads(result.stdout)


def runs_for(pages: list[Path], csv_path: Path, jobs: int | None = None) -> dict[Path, dict]:
    """Each page's run (``values``: inline values, ``seconds``: run time): from the cache, or run."""
    out, missing = {}, []
    keys = {page: run_key(page) for page in pages}
    for page, key in keys.items():
        stored = RUN_CACHE / f"{key[:32]}.json"
        if stored.is_file():
            out[page] = json.loads(stored.read_text(encoding="utf-8"))
        else:
            missing.append((page, stored))
    if missing:
        with _workdir(csv_path) as workdir:
            jobs = jobs or max(1, min(len(missing), os.cpu_count() or 1))
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                runs = list(pool.map(lambda item: _run_in_process(item[0], workdir), missing))
        RUN_CACHE.mkdir(parents=True, exist_ok=True)
        for (page, stored), run in zip(missing, runs):
            tmp = stored.with_suffix(".tmp")
            tmp.write_text(json.dumps(run, sort_keys=True), encoding="utf-8")
            tmp.replace(stored)
            out[page] = run
            log.info("Ran page %s", relative(page))
    if RUN_CACHE.is_dir():
        used = {key[:32] for key in keys.values()}
        for stale in RUN_CACHE.glob("*.json"):
            if stale.stem not in used:
                stale.unlink()
    return out


def run_for_tests(page: Path, csv_path: Path, among: list[Path] | None = None) -> dict:
    """The page's run for the tests, as the build makes it (and from the same cache): the first
    page asked for runs every page of ``among`` (the lesson pages this test session checks;
    default: just this one) whose run is not cached, in the build's pool, while the tests on
    other workers wait for it. A page whose code fails is run again by itself, to tell what its
    blocks printed before the error (``failed``: the block's line and the error)."""
    from filelock import FileLock

    from course import execution

    RUN_CACHE.mkdir(parents=True, exist_ok=True)
    with FileLock(str(RUN_CACHE / "tests.lock")):
        stored = RUN_CACHE / f"{run_key(page)[:32]}.json"
        if not stored.is_file():
            try:
                execution.execute_for_tests(csv_path, "page", [*(among or []), page])
            except execution.ExecutionError:
                pass  # a page failed; this one is told apart below
        if stored.is_file():
            return json.loads(stored.read_text(encoding="utf-8"))
    with _workdir(csv_path) as workdir:
        return _run_in_process(page, workdir, failed_too=True)


def substitute(markdown: str, values: dict[str, str], filename: str) -> str:
    """Put each inline expression's value in its place, in the prose (never inside code)."""
    lines = markdown.splitlines(keepends=True)
    for lineno, _ in prose.page_prose(markdown):
        if "`{python}" not in lines[lineno - 1]:
            continue

        def value(m, lineno=lineno):
            if m["expr"] not in values:
                raise PageError(f"{filename}:{lineno}: no value for `{{python}} {m['expr']}`")
            return values[m["expr"]]

        lines[lineno - 1] = prose.INLINE.sub(value, lines[lineno - 1])
    return "".join(lines)


@lru_cache(maxsize=1)
def versions() -> list[tuple[str, str]]:
    """What the outputs were verified with: Python and the libraries whose numbers they print."""
    return [("Python", platform.python_version())] + [
        (name, importlib.metadata.version(name)) for name in VERIFIED_LIBRARIES
    ]


def verified_with() -> str:
    """One sentence, generated, never typed: the versions and the dataset the outputs hold for."""
    names = [f"{name} {version}" for name, version in versions()]
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"Every output and number here was verified with {listed}, on the dataset "
        f"with SHA-256 `{data.SHA256[:12]}`."
    )


def header(time_line: str, notebook: str) -> str:
    """What a lesson page shows under its title: time, notebook links (and "Open in Colab" when
    the course knows its repository, ``course.hosted``), verified-with line."""
    from course import hosted

    colab = hosted.publication().colab_url(notebook)
    return (
        f'<p class="lesson-time" markdown>{time_line}</p>\n\n'
        f'<p class="lesson-notebook" markdown>'
        f"[View the notebook](../notebooks/{notebook}.ipynb){{ .md-button }} "
        f"[Download the notebook (.ipynb)](../notebooks/{notebook}/{notebook}.ipynb)"
        f'{{ .md-button .md-button--primary download="{notebook}.ipynb" }} '
        + (f"[Open in Colab]({colab}){{ .md-button .course-colab }} " if colab else "")
        + f"[Set-up: versions and data](../setup.md){{ .md-button }}</p>\n\n"
        f'<p class="verified-with" markdown>{verified_with()}</p>\n'
    )


def with_header(markdown: str, time_line: str, notebook: str) -> str:
    """``markdown`` with the lesson header right under its title."""
    lines = markdown.splitlines(keepends=True)
    for index, text in enumerate(lines):
        if text.startswith("# "):
            lines.insert(index + 1, "\n" + header(time_line, notebook))
            return "".join(lines)
    return header(time_line, notebook) + "\n" + markdown


def main(argv: list[str]) -> int:
    """``python -m course.pages PAGE``: run the page here; print its run as JSON."""
    from course import fix_threads

    fix_threads()
    os.environ.setdefault("MPLBACKEND", "Agg")
    page = Path(argv[0]).resolve()
    start = time.perf_counter()
    try:
        run = run_page(page)
    except RunFailed as exc:  # the tests report each block: they read what the run got to
        json.dump({"printed": exc.printed, "values": {}, "failed": {"lineno": exc.lineno, "error": str(exc)}},
                  sys.stdout)
        print(str(exc).splitlines()[0], file=sys.stderr)
        return 1
    seconds = round(time.perf_counter() - start, 2)
    json.dump({"printed": run.printed, "values": run.values, "seconds": seconds}, sys.stdout, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
