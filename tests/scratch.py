"""Scratch copies of the project, for tests that change sources or build from cold."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from course import ROOT
from course.run import data


def project_files() -> list[str]:
    """Tracked and untracked-but-not-ignored files, as in the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    return [f for f in listed.split("\0") if f and (ROOT / f).is_file()]


def scratch_copy(target: Path, warm_cache: bool = False, cache_from: Path = ROOT) -> Path:
    """Copy the project into ``target``; with ``warm_cache``, also the build caches of
    ``cache_from`` (this project, or a scratch copy that was built)."""
    for name in project_files():
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest)
    if warm_cache:
        for sub in ("build", "mkdocs-jupyter", "notebooks"):
            if (cache_from / ".cache" / sub).is_dir():
                shutil.copytree(cache_from / ".cache" / sub, target / ".cache" / sub)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# What the test process sets for itself (course.check.pytest_plugin) and a shell would not have.
TEST_ONLY = ("MPLBACKEND",)


def run(args: list[str], cwd: Path, env: dict | None = None, timeout: float | None = None,
        as_from_a_shell: bool = False) -> subprocess.CompletedProcess:
    """Run a command in a scratch project; it finds the verified dataset through $IPO_DATA_DIR.
    With ``as_from_a_shell``, without what only the test process sets (as ``make`` would run it)."""
    dataset_dir = str(data.dataset_path().parent)
    inherited = {k: v for k, v in os.environ.items() if not (as_from_a_shell and k in TEST_ONLY)}
    result = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**inherited, "NO_MKDOCS_2_WARNING": "1", data.ENV_VAR: dataset_dir, **(env or {})},
    )
    result.output = result.stdout + result.stderr
    return result


def build(project: Path, site: str = "site", env: dict | None = None,
          as_from_a_shell: bool = False) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", site], project, env,
               as_from_a_shell=as_from_a_shell)


def notebook_images(site: Path) -> dict[str, int]:
    """How many figures each rendered notebook page of a built site shows (the site's own files)."""
    return {str(page.relative_to(site)): len(re.findall(r'<img [^>]*src="\.\./\.\./figures/[^"]+-light\.svg#only-light"',
                                                        page.read_text(encoding="utf-8")))
            for page in sorted((site / "notebooks").rglob("index.html"))}


def executions(result: subprocess.CompletedProcess | str) -> list[str]:
    """The lessons whose code ran, read from the build log."""
    output = result if isinstance(result, str) else result.output
    return re.findall(r"Ran lesson (\S+)", output)


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess:
    """pytest in a scratch project, as a reader of its output would run it."""
    return run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], project)


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the first line of ``path`` that contains ``text``."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


SMALL_COURSE = ROOT / "tests" / "small_course"


def small_course(target: Path, warm_cache: bool = False, cache_from: Path | None = None) -> Path:
    """A project like this one whose course is the small course of ``tests/small_course``: its
    lessons, figure modules, overview, set-up page and glossary replace this course's, and its
    lessons are the nav's (``warm_cache``: with the build caches of ``cache_from``)."""
    scratch_copy(target, warm_cache=warm_cache and cache_from is not None, cache_from=cache_from or ROOT)
    for old in [*(target / "docs" / "lessons").glob("*.md"), *(target / "assets" / "figures").glob("*.py")]:
        old.unlink()
    for path in SMALL_COURSE.rglob("*"):
        if path.is_file() and path.name != "README.md":
            dest = target / path.relative_to(SMALL_COURSE)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    config = target / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith('      - "Lesson ')]
    at = kept.index("  - Lessons:\n") + 1
    kept[at:at] = [f'      - "{lesson_title(p)}": lessons/{p.name}\n'
                   for p in sorted((SMALL_COURSE / "docs" / "lessons").glob("*.md"))]
    config.write_text("".join(kept), encoding="utf-8")
    return target


def lesson_title(page: Path) -> str:
    return next(line[2:].strip() for line in page.read_text(encoding="utf-8").splitlines() if line.startswith("# "))
