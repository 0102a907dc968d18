"""A lesson's one run: what the build executes for a lesson, and the record it keeps of it.

A lesson's run (``source.run_cells``) executes in a Jupyter kernel of the bounded pool
(``course.run.execution``), next to a copy of the dataset; a block that raises, runs past its timeout
or loses its kernel stops the build naming the lesson file and line. Everything is read from that
run into one record, cached under ``.cache/build/lessons`` by the run's key (``source.code_key``:
the code, not the prose): what each block printed and showed, the values of the prose's inline
expressions, the figures the lesson drew (light and dark SVGs), the run time of the lesson's own
code, and the proof of its exercises (each untouched starter fails its check, each reference
solution passes it). The page tests, the prose check, the inline values, the figures, the time
estimate, the notebooks (``course.render.notebooks``) and the execution report all read that record.

``python -m course.run.runs [--shard I/N]`` (``make execute``) runs the lessons, or one shard of them,
into the cache; ``python -m course.run.runs PAGE ...`` (``make lesson``) runs those lessons and says
what ``make test`` would find wrong in each.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from course import settings
from course.read import source
from course.run import cache, execution, store

EXECUTION_STACK = settings.EXECUTION_STACK
KERNEL = "python3"
log = logging.getLogger("mkdocs.course.runs")


class RunError(execution.ExecutionError):
    """A lesson's run does not prove what it must (an exercise, an inline value, a figure)."""


RUN_CACHE = cache.CACHE_DIR / "lessons"

def run_key(page: Path, lesson: source.Lesson | None = None) -> str:
    """The key of the lesson's run (``source.code_key``, with the Jupyter stack that runs it)."""
    return source.code_key(lesson or source.read(page), cache.library_versions(EXECUTION_STACK))


def record_path(key: str) -> Path:
    return RUN_CACHE / store.key_name(key)


def failed_path(key: str) -> Path:
    """Where a failed run leaves what it got to, for the tests to report block by block."""
    return RUN_CACHE / store.key_name(key, ".failed.json")




def _stdout(outputs: list) -> str:
    return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stdout")


def _seconds(cell) -> float:
    from datetime import datetime

    timing = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return 0.0
    return max(0.0, (end - start).total_seconds())


def record_of(lesson: source.Lesson, executed) -> dict:
    """What the executed run holds, as the build keeps it: every cell's outputs (figures taken
    out), the inline values, the figures, the lesson's run time and its exercises' proof. Raises
    NotebookError, naming the line, where the run does not prove what it must."""
    from course.run import exercises

    code = lesson.code()
    plan = source.run_cells(lesson)
    cells = executed.cells
    figures: dict[str, dict[str, str]] = {}
    outputs: list[list] = [[] for _ in code]
    reached = [False] * len(code)
    seconds = 0.0
    problems = []
    for planned, run_cell in zip(plan, cells):
        if planned.role in ("setup", "build", "inline", "proof") or not run_cell.get("metadata", {}).get("execution"):
            continue
        reached[planned.index] = True
        for output in run_cell.get("outputs", []):
            meta = output.get("metadata", {}).get(source.FIGURE_KEY)
            if meta:
                figures.setdefault(meta["name"], {})[meta["theme"]] = output["data"]["image/svg+xml"]
            else:
                outputs[planned.index].append(output)
        seconds += _seconds(run_cell)
    values, inline_cell = {}, cells[len(plan) - 1]
    shown = next((o["data"][source.INLINE_MIME] for o in inline_cell.get("outputs", [])
                  if source.INLINE_MIME in o.get("data", {})), {})
    for inline in lesson.inline:
        got = shown.get(inline.expr, {"error": "not evaluated"})
        if "error" in got:
            problems.append(f"{lesson.where}:{inline.lineno}: inline expression `{{python}} {inline.expr}` "
                            f"failed: {got['error']}")
        else:
            values[inline.expr] = got["value"]
    proof = exercises.proven_in_build(lesson, plan, cells)
    problems += proof.problems
    record = {
        "setup": [list(cells[i].get("outputs", [])) for i, p in enumerate(plan) if p.role == "setup"],
        "outputs": outputs,
        "reached": reached,
        "values": values,
        "figures": figures,
        "seconds": round(seconds, 2),
        "exercises": proof.counts(),
    }
    if problems:
        record["failed"] = {"line": None, "error": "\n".join(problems)}
    return record


def not_drawn(lesson: source.Lesson, record: dict) -> list[str]:
    """A figure the page shows that its run did not draw: each names the line that shows it."""
    problems = []
    for number, text in enumerate(lesson.text.splitlines(), 1):
        for match in source.FIGURE_IMAGE.finditer(text):
            if match["name"] not in record.get("figures", {}):
                problems.append(f"{lesson.where}:{number}: figure {match['name']!r} is shown here but no ```python "
                                f"figure block of the lesson draws it (figures.draw({match['name']!r}, ...))")
    return problems


def printed(record: dict, lesson: source.Lesson, every_role: bool = False) -> dict[int, str]:
    """Line of each page block (with ``every_role``, of every code block, checks and figures
    too) -> what it printed in the run; blocks the run did not reach are missing."""
    by_line = {}
    reached = record.get("reached", [])
    for index, (cell, outputs) in enumerate(zip(lesson.code(), record.get("outputs", []))):
        if (every_role or cell.role not in source.HIDDEN) and index < len(reached) and reached[index]:
            by_line[cell.line] = _stdout(outputs)
    return by_line


def run_for_tests(page: Path, csv_path: Path, among: list[Path] | None = None) -> dict:
    """The lesson's run as the build makes it, for the tests, from the same cache: the first
    lesson asked for executes every lesson of ``among`` (those this test session checks; default:
    just this one) whose run is not cached, in the build's pool, while the tests on other workers
    wait. A run that failed comes back with what it got to and ``failed``: its line and error."""
    from filelock import FileLock

    RUN_CACHE.mkdir(parents=True, exist_ok=True)
    key = run_key(page)
    with FileLock(str(RUN_CACHE / "tests.lock")):
        if not record_path(key).is_file():
            try:
                execute_for_tests(csv_path, [*(among or []), page])
            except execution.ExecutionError:
                if not failed_path(key).is_file() and not record_path(key).is_file():
                    try:  # another lesson stopped the pool first: run this one alone
                        execute_for_tests(csv_path, [page])
                    except execution.ExecutionError as exc:
                        if not failed_path(key).is_file():
                            return {"outputs": [], "values": {}, "failed": {"line": None, "error": str(exc)}}
        path = record_path(key) if record_path(key).is_file() else failed_path(key)
        return store.read_json(path)


def coalesce_streams(notebook) -> None:
    """Merge each cell's consecutive stdout (or stderr) outputs into one (nbconvert's
    ``CoalesceStreamsPreprocessor``): how a kernel splits printed text into messages depends on
    timing; merged, the same code always gives the same outputs, and so the same page."""
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    CoalesceStreamsPreprocessor().preprocess(notebook, {})


_TRACEBACK_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def cell_location(lesson: source.Lesson, index: int | None, traceback: str = "") -> str:
    """``docs/lessons/NN-name.md:LINE`` of the run's cell ``index``: the line that raised, where
    the kernel's ``traceback`` names it, else the block's opening fence (a generated cell: the
    file alone)."""
    plan = source.run_cells(lesson)
    if index is None or not 0 <= index < len(plan) or plan[index].index is None:
        return lesson.where
    cell = lesson.code()[plan[index].index]
    lines = _TRACEBACK_LINE.findall(_ANSI.sub("", traceback))
    if lines and plan[index].role != "proof" and 0 < int(lines[0]) <= cell.text.count("\n") + 1:
        row = int(lines[0])
        if cell.origins and row <= len(cell.origins) and cell.origins[row - 1]:  # saved by an earlier block
            return f"{lesson.where}:{cell.line} (line {row} of the saved code, saved at {cell.origins[row - 1]})"
        return f"{lesson.where}:{cell.line + row}"
    return f"{lesson.where}:{cell.line}"


def lesson_index(lesson: source.Lesson, index: int | None) -> int | None:
    """Which of the lesson's code cells the run's cell ``index`` runs."""
    plan = source.run_cells(lesson)
    return plan[index].index if index is not None and 0 <= index < len(plan) else None




def problems(page: Path, record: dict) -> list[str]:
    """What ``make test`` would find wrong in a lesson's run: a failed run, a block whose
    ``# Output:`` differs from what it printed, a number of the prose bound to nothing."""
    from course.check import prose, snippets

    lesson = source.read(page)
    found = []
    if record.get("failed"):
        found.append(record["failed"]["error"])
    shown = printed(record, lesson)
    for cell in lesson.page_blocks():
        if cell.line in shown:
            problem = snippets.compare(snippets.expected_output(cell.text, cell.line + 1), shown[cell.line], lesson.where)
            if problem:
                found.append(problem)
    found += not_drawn(lesson, record)
    if not record.get("failed"):
        scan = prose.scan(prose.page_prose(lesson.text), lesson.where, prose.literals_of(lesson.text))
        text = "".join(shown.values()) + "".join(f"\n{v}\n" for v in record["values"].values())
        found += prose.bind(scan, text, record["values"]).problems
    return found


# --- the job the pool runs ------------------------------------------------------------------------


class LessonRun:
    """One lesson's run, as the pool runs it: the notebook to execute, how long a cell may run,
    where a cell stands in the lesson, and what to keep of the executed notebook."""

    def __init__(self, page: Path):
        self.lesson = source.read(page)
        self.key = run_key(page, self.lesson)

    def notebook(self):
        return source.run_notebook(self.lesson)

    def timeout(self) -> int:
        from course.check import prose

        own = prose.front_matter(self.lesson.text)[0].get("cell_timeout")
        return int(own) if own else execution.cell_timeout()

    def where(self, index: int | None, traceback: str = "") -> str:
        return cell_location(self.lesson, index, traceback)

    def finish(self, executed, failure: str | None, index: int | None) -> None:
        """Keep the record of the executed run; or, when it failed (``failure``, at the run's cell
        ``index``) or does not prove what it must, keep what it got to for the tests and raise."""
        coalesce_streams(executed)
        record = record_of(self.lesson, executed)
        if failure is not None:
            at = lesson_index(self.lesson, index)
            record["failed"] = {"line": self.lesson.code()[at].line if at is not None else None, "error": failure}
        if "failed" in record:
            store.write_json(failed_path(self.key), record)
            raise RunError(record["failed"]["error"])
        failed_path(self.key).unlink(missing_ok=True)
        store.write_json(record_path(self.key), record)
        log.info("Ran lesson %s", self.lesson.where)


def items(pages: list[Path] | None = None) -> list[execution.Item]:
    """The run of every lesson (or of ``pages``), in file order, as items of the pool."""
    out = []
    for page in pages if pages is not None else source.pages():
        job = LessonRun(page)
        out.append(execution.Item("lesson", Path(page).resolve(), job.key, [record_path(job.key)], job))
    return out


def execute_for_tests(csv_path: Path, pages: list[Path]) -> execution.Report:
    """Run the lessons at ``pages`` whose runs are not cached: what a test session checks, in the
    pool, into the same cache as the build."""
    return execution.execute(csv_path, items(sorted({Path(p).resolve() for p in pages})), report=False)


def main(argv: list[str] | None = None) -> int:
    """``python -m course.run.runs [--shard I/N] [PAGE ...]``."""
    import argparse
    import sys

    from course import fix_numerics
    from course.run import data

    parser = argparse.ArgumentParser(description="Run the course's lessons into the build cache.")
    parser.add_argument("--shard", help="run only shard I of N, written I/N")
    parser.add_argument("pages", nargs="*", type=Path, help="run these lessons and say what is wrong in each")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="INFO    -  %(message)s")
    fix_numerics()
    if args.pages:
        return check(args.pages)
    try:
        report = execution.execute(data.dataset_path(), items(), shard=args.shard)
    except (execution.ExecutionError, data.DatasetError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    executed = [o for o in report.outcomes if not o.cached]
    print(f"{'shard ' + args.shard if args.shard else 'all lessons'}: {len(report.outcomes)} lessons, "
          f"{len(executed)} run, {report.wall_seconds:.1f} s with {report.jobs} jobs")
    for outcome in executed:
        row = outcome.row()
        print(f"  {row['name']:<50} {row['seconds']:8.2f} s {row['peak_mib'] or 0:8.0f} MiB")
    return 0


def check(pages: list[Path]) -> int:
    """Run ``pages`` (those not cached) as the build does and say what ``make test`` would find
    wrong in each; 1 if anything."""
    from course.run import data

    pages = [Path(p).resolve() for p in pages]
    bad = 0
    for page in pages:
        record = run_for_tests(page, data.dataset_path(), among=pages)
        found = problems(page, record)
        bad += bool(found)
        from course.run import exercises

        print(f"{source.relative(page)}: {'OK' if not found else f'{len(found)} problem(s)'}; "
              f"{record.get('seconds', 0)} s of code, figures {sorted(record.get('figures', {}))}, "
              f"{exercises.summary(*record.get('exercises', [0] * 5))}")
        for problem in found:
            print("  " + problem.replace("\n", "\n  "))
    return 1 if bad else 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
