"""``make bench``: what the build and the snippet tests cost, against what they cannot avoid.

Everything runs in a scratch copy of the project, each measurement the median of several runs:

- cold build (build cache cleared), against a plain mkdocs-material build of the same Markdown
  plus the lessons' own compute (each lesson's run, the code the build executes, as one plain
  Python script, one after another); and the cold build's item-seconds (its execution report: the
  time of each lesson's run, summed) against that compute, with the default pool (two kernels
  share the two cores, so each runs slower) and with one job (each lesson alone, as the scripts
  run: the measure of what executing each lesson once costs, kernel start included);
- warm rebuild (nothing changed), against the plain build of the same pages with the same
  third-party plugins: the Markdown pages, and the notebook pages the site shows rendered by
  mkdocs-jupyter (``execute: false``, the course's view notebooks as the cold build made them);
  and, for reference, against the plain build of the Markdown pages alone;
- one-lesson edit (one block of a lesson changed: that lesson runs again), and a prose edit (a
  sentence changed: nothing runs), for reference;
- the snippet tests (``pytest docs``), against running every snippet in one plain Python process
  (one torch import plus the snippets' compute); and ``python -c "import torch, pandas"``.

And a scale case (``--scale M ...``, 45 by default): the course's lessons replaced by M distinct
copies of Lesson 4, built from cold. Its time is set against the CPU-bound ideal, the lessons' own
compute (Lesson 4's run as a script, M times) divided by the cores; its peak memory is
that of the whole build, every process summed (resident sets, sampled every 0.1 s). A guard stops
a build whose processes pass ``--memory-limit`` GiB together, or that leaves the machine under
2 GiB available. ``--project DIR`` benches another checkout of the course (an older version, say).

Usage: ``python -m course.check.bench [--runs N] [--scale M ...] [--only scale|default]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course import ROOT
from course.read import source
from course.run import data

GOALS = {"warm": 1.3, "cold": 1.5, "items": 1.15, "snippets": 1.3}

# The floor of a build: the same Markdown under mkdocs-material with the same kept plugins (search,
# and the printable course page), and none of the course's hooks.
PLAIN_CONFIG = """\
site_name: plain
theme:
  name: material
  font: false
  features: [navigation.footer, content.code.copy]
plugins: [search, print-site]
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
from course.check import snippets
from course.read import source
from course.check.pytest_plugin import python_blocks
os.chdir(sys.argv[1])
lessons = {page.resolve() for page in source.pages()}
for page in sorted(Path(sys.argv[2], "docs").rglob("*.md")):
    namespace = {"__name__": "__main__"}
    if page.resolve() in lessons:  # a lesson: its run, as the build executes it
        for cell in source.run_cells(source.read(page)):
            snippets.run(cell.code, namespace, str(page), 1)
        continue
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


def copy_project(target: Path, origin: Path = ROOT) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=origin, capture_output=True, text=True, check=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        if (origin / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin / name, target / name)
    return target


def plain_project(target: Path, notebooks: list[Path] = ()) -> Path:
    """The same Markdown pages under plain mkdocs-material: no hooks, no figures; with
    ``notebooks``, those notebooks too, as pages rendered by the mkdocs-jupyter plugin."""
    shutil.copytree(ROOT / "docs", target / "docs")
    config = PLAIN_CONFIG
    if notebooks:
        (target / "docs" / "notebooks").mkdir(exist_ok=True)
        for notebook in notebooks:
            shutil.copy2(notebook, target / "docs" / "notebooks" / notebook.name)
        config = config.replace("plugins: [search, print-site]",
                                "plugins:\n  - search\n  - mkdocs-jupyter:\n      execute: false\n  - print-site")
    (target / "mkdocs.yml").write_text(config)
    return target


def measured_build(args, cwd, env, memory_limit: float) -> tuple[float, int, str]:
    """Wall time and peak memory (every process of the build, resident sets summed) of a build;
    and how it ended: "ok", "failed" or "stopped" (by the memory guard)."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    root, peak, ending = psutil.Process(proc.pid), 0, "ok"
    while proc.poll() is None:
        total = 0
        try:
            for process in [root] + root.children(recursive=True):
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        if total > memory_limit * 2**30 or psutil.virtual_memory().available < 2 * 2**30:
            os.killpg(proc.pid, 9)
            ending = "stopped"
            break
        time.sleep(0.1)
    _, stderr = proc.communicate()
    if ending == "ok" and proc.returncode != 0:
        ending = "failed"
        print(stderr[-3000:].decode(errors="replace"), file=sys.stderr)
    return time.perf_counter() - start, peak, ending


RUN_SCRIPT = ("import sys\nfrom pathlib import Path\nfrom course.read import source\n"
              "sys.stdout.write('\\n\\n'.join(c.code for c in source.run_cells(source.read(Path(sys.argv[1])))) + '\\n')")


def run_script(page: Path) -> str:
    """A lesson's run, the code the build executes (``course.read.source.run_cells``), as one script:
    read by the course code of the project the page is in, with that project's earlier lessons
    (whose saved code its ``saved`` blocks hold)."""
    project = Path(page).resolve().parents[2]
    return subprocess.run([sys.executable, "-c", RUN_SCRIPT, str(Path(page).resolve())], cwd=project, check=True,
                          env={**os.environ, "PYTHONPATH": str(project)}, capture_output=True, text=True).stdout


def scale_project(source_dir: Path, target: Path, copies: int) -> Path:
    """A copy of the course whose lessons are ``copies`` distinct copies of Lesson 4 (each with
    its figure module), without a nav."""
    copy_project(target, source_dir)
    lesson4 = next((source_dir / "docs" / "lessons").glob("04-*.md"))
    module = source_dir / "assets" / "figures" / f"{lesson4.stem.replace('-', '_')}.py"
    text = lesson4.read_text(encoding="utf-8").replace("<!-- course:next-steps -->", "")
    for path in [*(target / "assets" / "figures").glob("*.py"), *(target / "docs" / "lessons").glob("*.md")]:
        path.unlink()
    for k in range(1, copies + 1):
        (target / "docs" / "lessons" / f"{k:02d}-scale-copy.md").write_text(
            text + f"\n```python\nprint('copy {k} of {copies}')\n# Output: copy {k} of {copies}\n```\n",
            encoding="utf-8")
        shutil.copyfile(module, target / "assets" / "figures" / f"{k:02d}_scale_copy.py")
    config = (target / "mkdocs.yml").read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(config) if line.startswith("nav:"))
    end = next(i for i in range(start + 1, len(config)) if config[i].strip() and not config[i].startswith(" "))
    config = "".join(config[:start] + config[end:]).replace("strict: true", "strict: false")  # links to the
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")  # lessons set aside are left dangling
    return target


def scale_case(copies_list: list[int], origin: Path, env: dict, memory_limit: float) -> None:
    py = sys.executable
    cores = execution_cores()
    work = Path(tempfile.mkdtemp(prefix="course-bench-scale-"))
    folders = contextlib.ExitStack()
    try:
        scratch_data = folders.enter_context(data.scratch_folder("course-bench-data-"))
        lesson4 = scratch_data / "lesson4_script.py"
        lesson4.write_text(run_script(next((origin / "docs" / "lessons").glob("04-*.md"))), encoding="utf-8")
        script_env = {**env, "MPLBACKEND": "Agg", "PYTHONPATH": str(origin)}
        one = min(run([py, str(lesson4)], scratch_data, script_env) for _ in range(2))
        print(f"Lesson 4's run as a script: {one:.2f} s (best of 2); {cores} cores", flush=True)
        print(f"\n{'lessons':>9}{'build':>9}{'ideal':>9}{'ratio':>7}{'peak GiB':>10}  goal: ratio <= 1.3, "
              f"peak < 4 GiB", flush=True)
        for copies in copies_list:
            project = scale_project(origin, work / f"scale-{copies}", copies)
            build = [py, "-m", "mkdocs", "build", "--site-dir", str(work / f"site-{copies}")]
            seconds, peak, ending = measured_build(build, project, env, memory_limit)
            ideal = copies * one / cores
            note = "" if ending == "ok" else f"  {ending.upper()}" + (
                f" at {memory_limit} GiB" if ending == "stopped" else "")
            print(f"{copies:>9}{seconds:>9.1f}{ideal:>9.1f}{seconds / ideal:>7.2f}{peak / 2**30:>10.2f}{note}",
                  flush=True)
            shutil.rmtree(project, ignore_errors=True)
    finally:
        folders.close()
        shutil.rmtree(work, ignore_errors=True)


def execution_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=int, nargs="*", default=[45], help="notebooks in the scale case")
    parser.add_argument("--only", choices=["default", "scale"], help="run only these cases")
    parser.add_argument("--project", type=Path, default=ROOT, help="the checkout of the course to bench")
    parser.add_argument("--memory-limit", type=float, default=12.0, help="GiB; the scale case stops there")
    options = parser.parse_args()
    runs = options.runs
    if options.only != "default":
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", data.ENV_VAR: str(data.dataset_path().parent),
               "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
        scale_case(options.scale, options.project.resolve(), env, options.memory_limit)
        if options.only == "scale":
            return

    py = sys.executable
    csv_path = data.dataset_path()
    env = {
        **os.environ, "NO_MKDOCS_2_WARNING": "1", data.ENV_VAR: str(csv_path.parent), "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),  # as the build and the tests run
    }
    work = Path(tempfile.mkdtemp(prefix="course-bench-"))
    folders = contextlib.ExitStack()
    try:
        project = copy_project(work / "project")
        plain = plain_project(work / "plain")
        scratch_data = folders.enter_context(data.scratch_folder("course-bench-data-", csv_path))
        build = [py, "-m", "mkdocs", "build", "--site-dir", str(work / "site")]
        lesson = project / "docs" / "lessons" / source.pages()[0].name
        item_seconds = []

        def cold(_, jobs=None, seconds_of=item_seconds):
            shutil.rmtree(project / ".cache", ignore_errors=True)
            seconds = run(build, project, env if jobs is None else {**env, "COURSE_JOBS": str(jobs)})
            report = json.loads((project / ".cache" / "build" / "execution.json").read_text(encoding="utf-8"))
            seconds_of.append(sum(row["seconds"] or 0 for row in report["items"]))
            return seconds

        one_job_items = []  # one lesson at a time: the runs' own cost, without two kernels sharing the cores

        def edit_one(i):  # a block's code: its lesson runs again
            text = lesson.read_text(encoding="utf-8").replace("## Practice exercises", (
                f"```python\nprint({i})\n# Output: {i}\n```\n\n## Practice exercises"), 1)
            lesson.write_text(text, encoding="utf-8")
            return run(build, project, env)

        def edit_prose(i):  # a sentence: nothing runs
            text = lesson.read_text(encoding="utf-8").replace("## Summary\n", f"## Summary\n\nEdit {'x' * i}.\n", 1)
            lesson.write_text(text, encoding="utf-8")
            return run(build, project, env)

        scripts = []  # each lesson's run, as the build makes it (its generated cells too), as a script
        for page in source.pages():
            script = scratch_data / f"{page.stem}_script.py"
            script.write_text(run_script(project / "docs" / "lessons" / page.name), encoding="utf-8")
            scripts.append(script)
        script_env = {**env, "PYTHONPATH": str(project)}

        def lessons_compute(_):
            return sum(run([py, str(script)], scratch_data, script_env) for script in scripts)

        print(f"Each figure is the median of {runs} runs, in seconds.", flush=True)
        t = {}
        t["plain"] = median(runs, lambda _: run(build, plain, env))
        t["compute"] = median(runs, lessons_compute)
        t["cold_one_job"] = median(runs, lambda i: cold(i, jobs=1, seconds_of=one_job_items))
        t["cold"] = median(runs, cold)
        t["warm"] = median(runs, lambda _: run(build, project, env))
        views = sorted((project / ".cache" / "notebooks").glob("*.view.ipynb"))  # the pages the site shows
        plain_notebooks = plain_project(work / "plain-notebooks", views)
        t["plain_notebooks"] = median(runs, lambda _: run(build, plain_notebooks, env))
        t["edit"] = median(runs, edit_one)
        t["prose"] = median(runs, edit_prose)
        t["items"] = statistics.median(item_seconds)
        t["items_one_job"] = statistics.median(one_job_items)
        t["import"] = median(runs, lambda _: run([py, "-c", "import torch, pandas"], project, env))
        t["snippets_floor"] = median(
            runs, lambda _: run([py, "-c", RUN_ALL_SNIPPETS, str(scratch_data), str(project)], project, env)
        )
        def snippets(_):  # the lessons' runs are cached with the build's: clear them, so they run
            shutil.rmtree(project / ".cache" / "build" / "lessons", ignore_errors=True)
            return run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "docs"], project, env)

        t["snippets"] = median(runs, snippets)
    finally:
        folders.close()
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        ("cold build", t["cold"], "plain build + lessons' compute", t["plain"] + t["compute"], GOALS["cold"]),
        ("warm rebuild", t["warm"], "plain build of the same pages, notebooks by mkdocs-jupyter", t["plain_notebooks"],
         GOALS["warm"]),
        ("warm rebuild", t["warm"], "plain build of the Markdown pages alone", t["plain"], None),
        ("cold item-seconds", t["items"], "lessons' runs as scripts", t["compute"], None),
        ("  with one job", t["items_one_job"], "lessons' runs as scripts", t["compute"], GOALS["items"]),
        ("cold, one job", t["cold_one_job"], "plain build + lessons' compute", t["plain"] + t["compute"], None),
        ("one-lesson edit", t["edit"], "plain mkdocs-material build", t["plain"], None),
        ("prose edit", t["prose"], "plain mkdocs-material build", t["plain"], None),
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
