"""``make bench``: what the build and the snippet tests cost, against what they cannot avoid.

Everything runs in a scratch copy of the project, each measurement the median of several runs:

- cold build (build cache cleared), against a plain mkdocs-material build of the same Markdown
  plus the lessons' own compute (each notebook run as a script, every figure drawn once, each page
  with inline values run once);
- warm rebuild (nothing changed), against the plain build;
- one-lesson edit (one notebook source changed), for reference;
- the snippet tests (``pytest docs``), against running every snippet in one plain Python process
  (one torch import plus the snippets' compute); and ``python -c "import torch, pandas"``.

Usage: ``python -m course.bench [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course import ROOT, data, notebooks, pages

GOALS = {"warm": 1.2, "cold": 1.5, "snippets": 1.3}

PLAIN_CONFIG = """\
site_name: plain
theme:
  name: material
  font: false
  features: [navigation.footer, content.code.copy]
plugins: [search]
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc: {permalink: true}
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.inlinehilite
"""

RUN_ALL_SNIPPETS = """\
import os, sys
from pathlib import Path
from course import snippets
from course.pytest_plugin import python_blocks
os.chdir(sys.argv[1])
for page in sorted(Path(sys.argv[2], "docs").rglob("*.md")):
    namespace = {"__name__": "__main__"}
    for block in python_blocks(page):
        snippets.run(block.code, namespace, str(page), block.lineno + 1)
"""


def run(args, cwd, env=None) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}")
    return elapsed


def median(runs: int, measure) -> float:
    return statistics.median(measure(i) for i in range(runs))


def copy_project(target: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def plain_project(target: Path) -> Path:
    """The same Markdown pages under plain mkdocs-material: no hooks, no notebooks, no figures."""
    shutil.copytree(ROOT / "docs", target / "docs")
    (target / "mkdocs.yml").write_text(PLAIN_CONFIG)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs

    py = sys.executable
    csv_path = data.dataset_path()
    env = {
        **os.environ, "NO_MKDOCS_2_WARNING": "1", data.ENV_VAR: str(csv_path.parent), "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),  # as the build and the tests run
    }
    work = Path(tempfile.mkdtemp(prefix="course-bench-"))
    try:
        project = copy_project(work / "project")
        plain = plain_project(work / "plain")
        scratch_data = work / "data"
        scratch_data.mkdir()
        shutil.copyfile(csv_path, scratch_data / data.FILENAME)
        build = [py, "-m", "mkdocs", "build", "--site-dir", str(work / "site")]
        lesson = project / "lessons_src" / notebooks.sources()[0].name

        def cold(_):
            shutil.rmtree(project / ".cache", ignore_errors=True)
            return run(build, project, env)

        def edit_one(i):
            lesson.write_text(lesson.read_text() + f"\n# bench edit {i}\n")
            return run(build, project, env)

        def lessons_compute(_):
            total = sum(run([py, str(src)], scratch_data, env) for src in notebooks.sources())
            with_inline = [p for p in sorted((project / "docs" / "lessons").glob("*.md")) if pages.has_inline(p)]
            page_env = {**env, "PYTHONPATH": str(project)}
            total += sum(run([py, "-m", "course.pages", str(p)], scratch_data, page_env) for p in with_inline)
            draw = "from course import figures; list(figures.render_all(use_cache=False))"
            return total + run([py, "-c", draw], project, env)

        print(f"Each figure is the median of {runs} runs, in seconds.", flush=True)
        t = {}
        t["plain"] = median(runs, lambda _: run(build, plain, env))
        t["compute"] = median(runs, lessons_compute)
        t["cold"] = median(runs, cold)
        t["warm"] = median(runs, lambda _: run(build, project, env))
        t["edit"] = median(runs, edit_one)
        t["import"] = median(runs, lambda _: run([py, "-c", "import torch, pandas"], project, env))
        t["snippets_floor"] = median(
            runs, lambda _: run([py, "-c", RUN_ALL_SNIPPETS, str(scratch_data), str(project)], project, env)
        )
        t["snippets"] = median(
            runs, lambda _: run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "docs"], project, env)
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        ("cold build", t["cold"], "plain build + lessons' compute", t["plain"] + t["compute"], GOALS["cold"]),
        ("warm rebuild", t["warm"], "plain mkdocs-material build", t["plain"], GOALS["warm"]),
        ("one-lesson edit", t["edit"], "plain mkdocs-material build", t["plain"], None),
        ("snippet tests", t["snippets"], "all snippets in one process", t["snippets_floor"], GOALS["snippets"]),
    ]
    print(f"\n{'measure':<17}{'time':>7}   {'floor':<32}{'floor':>7}{'ratio':>8}{'goal':>8}")
    for name, value, floor_name, floor, goal in rows:
        ratio = value / floor
        verdict = "" if goal is None else f"<= {goal}" + ("" if ratio <= goal else "  MISSED")
        print(f"{name:<17}{value:7.2f}   {floor_name:<32}{floor:7.2f}{ratio:8.2f}  {verdict}")
    print(f"\nlessons' compute alone: {t['compute']:.2f} s; "
          f"python -c 'import torch, pandas': {t['import']:.2f} s")


if __name__ == "__main__":
    main()
