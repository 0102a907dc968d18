"""A lesson's run, and the notebook pages and downloads made from it.

For each lesson source (``course.source``) the build

1. executes its *run* once, with nbclient in a Jupyter kernel of the bounded pool
   (``course.execution``), next to a copy of the dataset; a cell that raises, runs past its
   timeout or loses its kernel stops the build naming the lesson file and line;
2. reads everything from that run into one record, cached under ``.cache/build/lessons`` by the
   run's key (``source.code_key``: the code, not the prose): what each cell printed and showed, the
   values of the prose's inline expressions, the figures the lesson drew (light and dark SVGs), the
   run time of the lesson's own code, and the proof of its exercises (each untouched starter fails
   its check, each reference solution passes it; else the build stops naming the cell's line);
3. assembles, from the record and the page's current text, the *view* (rendered to HTML with
   mkdocs-jupyter's converter) and the *download* (``.ipynb`` without outputs, solutions and
   discussions in closed ``<details>``), cached under ``.cache/build/notebooks`` by a key of the
   record and the text, so that an edit of prose re-renders and executes nothing.

The page tests, the prose check, the inline values, the figures, the time estimate and the
execution report all read that one record.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from course import ROOT, cache, data, source

BUILD_DIR = ROOT / ".cache" / "notebooks"  # where the downloads are written, beside the dataset
RUN_CACHE = cache.CACHE_DIR / "lessons"
RENDER_CACHE = cache.CACHE_DIR / "notebooks"
EXECUTION_STACK = ("nbconvert", "nbclient", "ipykernel", "mkdocs-jupyter")
KERNEL = "python3"
log = logging.getLogger("mkdocs.course.notebooks")


@dataclass
class Rendered:
    source: Path  # the lesson page
    ipynb: Path  # the clean notebook offered for download
    html: str  # the page body, without the shared stylesheets
    css: list[str]  # the stylesheets nbconvert would inline into every notebook page
    toc_tokens: list
    exercises: tuple[int, int, int] = (0, 0, 0)  # exercises, solutions that pass, starters that fail


class NotebookError(RuntimeError):
    """A lesson's run does not prove what it must (an exercise, an inline value, a figure)."""


def sources() -> list[Path]:
    return source.pages()


def run_key(page: Path, lesson: source.Lesson | None = None) -> str:
    """The key of the lesson's run (``source.code_key``, with the Jupyter stack that runs it)."""
    return source.code_key(lesson or source.read(page), cache.library_versions(EXECUTION_STACK))


def record_path(key: str) -> Path:
    return RUN_CACHE / f"{key[:32]}.json"


def failed_path(key: str) -> Path:
    """Where a failed run leaves what it got to, for the tests to report block by block."""
    return RUN_CACHE / f"{key[:32]}.failed.json"


# --- reading a run ------------------------------------------------------------------------------


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
    from course import exercises

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
        "exercises": [proof.exercises, proof.solutions_pass, proof.starters_fail],
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


def load(page: Path) -> dict | None:
    path = record_path(run_key(page))
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def run_for_tests(page: Path, csv_path: Path, among: list[Path] | None = None) -> dict:
    """The lesson's run as the build makes it, for the tests, from the same cache: the first
    lesson asked for executes every lesson of ``among`` (those this test session checks; default:
    just this one) whose run is not cached, in the build's pool, while the tests on other workers
    wait. A run that failed comes back with what it got to and ``failed``: its line and error."""
    from filelock import FileLock

    from course import execution

    RUN_CACHE.mkdir(parents=True, exist_ok=True)
    key = run_key(page)
    with FileLock(str(RUN_CACHE / "tests.lock")):
        if not record_path(key).is_file():
            try:
                execution.execute_for_tests(csv_path, [*(among or []), page])
            except execution.ExecutionError:
                if not failed_path(key).is_file() and not record_path(key).is_file():
                    try:  # another lesson stopped the pool first: run this one alone
                        execution.execute_for_tests(csv_path, [page])
                    except execution.ExecutionError as exc:
                        if not failed_path(key).is_file():
                            return {"outputs": [], "values": {}, "failed": {"line": None, "error": str(exc)}}
        path = record_path(key) if record_path(key).is_file() else failed_path(key)
        return json.loads(path.read_text(encoding="utf-8"))


# --- the notebooks a reader sees ----------------------------------------------------------------


def _base() -> str:
    from course import hosted

    site = hosted.publication().site_url  # absolute links where the course knows its address
    return f"{site}/" if site else "../../"  # else relative ones, which work on the site's view


def _attachments(record: dict) -> dict[str, str]:
    return {name: base64.b64encode(source_figure_for_notebook(svgs).encode()).decode()
            for name, svgs in record.get("figures", {}).items() if "light" in svgs}


def source_figure_for_notebook(svgs: dict[str, str]) -> str:
    from course import figures

    return figures.on_white(svgs["light"])


def assemble(lesson: source.Lesson, record: dict, download: bool):
    """The lesson's notebook, from its source and its run: the page's text as Markdown cells,
    after the title the verified-with note and the set-up cells, every code cell the reader
    runs. The view keeps the run's outputs and shows each solution collapsed, with its check on
    its own answer; the download has no outputs, and each solution and discussion is a closed
    ``<details>`` that Run All never runs (``exercises.as_download``)."""
    import nbformat

    from course import exercises, pages

    values = record.get("values", {})
    attachments = _attachments(record)
    base = _base()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": KERNEL}
    nb.metadata["language_info"] = {"name": "python"}
    run = source.run_cells(lesson)
    setup_sources = [c.code for c in run if c.role == "setup"]
    lesson_sources = {c.index: c.code for c in run if c.index is not None and c.role != "proof"}
    outputs = list(record.get("outputs", []))
    code_index = 0
    title_done = False

    def markdown(text: str, cell: source.Cell | None = None):
        md = nbformat.v4.new_markdown_cell(text)
        used = {f"{name}.svg": {"image/svg+xml": attachments[name]} for name in attachments
                if f"attachment:{name}.svg" in text}
        if used:
            md["attachments"] = used
        if cell is not None and cell.tags:
            md.metadata["tags"] = cell.tags
        return md

    def setup():
        verified = (f"This is the notebook of the lesson page [{lessons_title}]({base}lessons/{lesson.name}/). "
                    f"{pages.verified_with()} The course's [Set-up page]({base}setup/) says how to install "
                    "these versions; the first code cell below gets `indian_ipo.csv` and checks it, and the "
                    "second defines `check`, which tells you whether your answer to an exercise is right.")
        nb.cells.append(nbformat.v4.new_markdown_cell(verified))
        for index, code in enumerate(setup_sources):
            cell = nbformat.v4.new_code_cell(code)
            if not download and index < len(record.get("setup", [])):
                cell.outputs = [nbformat.from_dict(o) for o in record["setup"][index]]
            nb.cells.append(cell)

    from course import lessons

    lessons_title = lessons.read(lesson.path).heading
    for cell in lesson.cells:
        if cell.kind == "markdown":
            text = source.notebook_markdown(cell.text, values, base, attachments)
            if not title_done and text.startswith("# "):
                title, _, rest = text.partition("\n")
                nb.cells.append(markdown(title))
                setup()
                title_done = True
                if rest.strip():
                    nb.cells.append(markdown(rest.strip("\n"), cell))
                continue
            new = markdown(text, cell)
            if download and cell.role == "discussion":
                new = exercises.as_download(new, nbformat.v4.new_markdown_cell)
            nb.cells.append(new)
            continue
        if cell.skipped:
            nb.cells.append(nbformat.v4.new_code_cell(cell.text))
            continue
        code = lesson_sources[code_index]
        cell_outputs = outputs[code_index] if code_index < len(outputs) else []
        code_index += 1
        if cell.role == "figure":
            continue
        if cell.role == "solution" and download:
            new = nbformat.v4.new_code_cell(cell.text, metadata={"tags": cell.tags})
            nb.cells.append(exercises.as_download(new, nbformat.v4.new_markdown_cell))
            continue
        new = nbformat.v4.new_code_cell(code, metadata={"tags": cell.tags} if cell.tags else {})
        if cell.role == "solution":
            new.metadata["jupyter"] = {"source_hidden": True}
        if not download:
            new.outputs = [nbformat.from_dict(o) for o in cell_outputs]
            new.execution_count = None
        nb.cells.append(new)
    if not title_done:
        setup()
    for number, cell in enumerate(nb.cells, 1):
        cell["id"] = f"cell-{number}"
    return nb


def render_key(page: Path, lesson: source.Lesson, key: str) -> str:
    from course import hosted, lessons

    made_by = b"".join((ROOT / "course" / f).read_bytes() for f in ("notebooks.py", "source.py", "exercises.py", "pages.py"))
    parts = [key, lesson.text, hashlib.sha256(made_by).hexdigest(), hosted.publication().site_url,
             lessons.read(page).heading, cache.library_versions(EXECUTION_STACK)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def build(csv_path: Path, out_dir: Path = BUILD_DIR):
    """Execute (where the cache misses), then assemble and render every lesson's notebooks.
    Returns the rendered notebooks, each lesson's run record and the execution report."""
    from course import execution

    out_dir.mkdir(parents=True, exist_ok=True)
    write_if_changed(out_dir / data.FILENAME, Path(csv_path).read_bytes())
    lessons_ = {page: source.read(page) for page in sources()}
    keys = {page: run_key(page, lesson) for page, lesson in lessons_.items()}
    report = execution.execute(csv_path)  # reads the records of what is cached, runs the rest
    records, rendered = {}, []
    for page, lesson in lessons_.items():
        record = json.loads(record_path(keys[page]).read_text(encoding="utf-8"))
        undrawn = not_drawn(lesson, record)
        if undrawn:
            raise NotebookError("\n".join(undrawn))
        records[page] = record
        rendered.append(_rendered(page, lesson, record, keys[page], out_dir))
    _evict(RUN_CACHE, {key[:32] for key in keys.values()})
    _evict(RENDER_CACHE, {render_key(page, lessons_[page], keys[page])[:32] for page in lessons_})
    from course import exercises

    totals = [sum(r.exercises[i] for r in rendered) for i in range(3)]
    log.info("%s (in %d notebooks, proven when each lesson ran)", exercises.summary(*totals), len(rendered))
    return rendered, records, report


def _rendered(page: Path, lesson: source.Lesson, record: dict, key: str, out_dir: Path) -> Rendered:
    import nbformat

    stored = RENDER_CACHE / f"{render_key(page, lesson, key)[:32]}.json"
    ipynb = out_dir / f"{lesson.notebook}.ipynb"
    if stored.is_file():
        cached = json.loads(stored.read_text(encoding="utf-8"))
    else:
        from mkdocs_jupyter import convert

        view = assemble(lesson, record, download=False)
        executed_path = out_dir / f"{lesson.notebook}.view.ipynb"
        nbformat.write(view, executed_path)
        html = strip_remote_scripts(convert.nb2html(str(executed_path), execute=False, allow_errors=False))
        from course import exercises

        hidden = tuple(c.id for c in view.cells if c.cell_type == "markdown" and "solution" in c.metadata.get("tags", ()))
        html = exercises.collapse_solutions(html, hidden)  # collapsed on the site too, as in Jupyter
        css, html = split_styles(html)
        toc_tokens = toc_tokens_of(convert.nb2md(str(executed_path)))
        download = nbformat.writes(assemble(lesson, record, download=True)) + "\n"
        cached = {"html": html, "css": css, "toc_tokens": toc_tokens, "download": download}
        RENDER_CACHE.mkdir(parents=True, exist_ok=True)
        tmp = stored.with_name(f".{stored.name}.tmp")
        tmp.write_text(json.dumps(cached), encoding="utf-8")
        tmp.replace(stored)
    write_if_changed(ipynb, cached["download"].encode())
    return Rendered(page, ipynb, cached["html"], cached["css"], cached["toc_tokens"], tuple(record["exercises"]))


def write_if_changed(path: Path, content: bytes) -> None:
    if not path.exists() or path.read_bytes() != content:
        path.write_bytes(content)


def _evict(folder: Path, used: set[str]) -> None:
    if folder.is_dir():
        for stale in folder.glob("*.json"):
            if stale.name.split(".")[0] not in used:
                stale.unlink()


def coalesce_streams(notebook) -> None:
    """Merge each cell's consecutive stdout (or stderr) outputs into one (nbconvert's
    ``CoalesceStreamsPreprocessor``): how a kernel splits printed text into messages depends on
    timing; merged, the same code always gives the same outputs, and so the same page."""
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    CoalesceStreamsPreprocessor().preprocess(notebook, {})


def toc_tokens_of(markdown_text: str, depth: int = 3) -> list:
    """The table of contents of a notebook's Markdown, as MkDocs' ``get_toc`` reads it: what
    mkdocs-jupyter computes for its own pages, with Python-Markdown's public toc extension."""
    import markdown
    from markdown.extensions.toc import TocExtension

    md = markdown.Markdown(extensions=[TocExtension(toc_depth=depth)])
    md.convert(markdown_text)
    return md.toc_tokens


# nbconvert's page template loads MathJax (from an empty URL when none is configured) and
# carries a module script that imports mermaid from a CDN. The lessons use neither, and the
# site makes no request to another host: both are cut from rendered notebook pages.
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_MERMAID = re.compile(r"<script type=\"module\">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>", re.S)
_STYLE = re.compile(r"<style(?P<attrs>[^>]*)>(?P<css>.*?)</style>", re.S)


def split_styles(html: str) -> tuple[list[str], str]:
    """The page-wide stylesheets of a rendered notebook, and the HTML without them.

    nbconvert inlines about 600 kB of the same CSS into every notebook page; the site publishes
    it once instead. Scoped styles (a DataFrame's table, in a cell's output) stay where they are.
    """
    sheets = [m["css"] for m in _STYLE.finditer(html) if "scoped" not in m["attrs"]]
    body = _STYLE.sub(lambda m: m.group(0) if "scoped" in m["attrs"] else "", html)
    return sheets, body


def strip_remote_scripts(html: str) -> str:
    """Remove nbconvert's MathJax loader and mermaid importer from a rendered notebook."""
    return _MERMAID.sub("", _MATHJAX.sub("", html))


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
        return f"{lesson.where}:{cell.line + int(lines[0])}"
    return f"{lesson.where}:{cell.line}"


def lesson_index(lesson: source.Lesson, index: int | None) -> int | None:
    """Which of the lesson's code cells the run's cell ``index`` runs."""
    plan = source.run_cells(lesson)
    return plan[index].index if index is not None and 0 <= index < len(plan) else None


# --- checking one lesson from the command line -------------------------------------------------


def problems(page: Path, record: dict) -> list[str]:
    """What ``make test`` would find wrong in a lesson's run: a failed run, a block whose
    ``# Output:`` differs from what it printed, a number of the prose bound to nothing."""
    from course import prose, snippets

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


def main(argv: list[str]) -> int:
    """``python -m course.notebooks [PAGE ...]``: run the lessons (those not cached) as the build
    does and say what ``make test`` would find wrong in each; exit 1 if anything."""
    from course import data, fix_threads

    logging.basicConfig(level=logging.INFO, format="INFO    -  %(message)s")
    fix_threads()
    pages_ = [Path(p).resolve() for p in argv] or sources()
    bad = 0
    for page in pages_:
        record = run_for_tests(page, data.dataset_path(), among=pages_)
        found = problems(page, record)
        bad += bool(found)
        n, passed, failed = record.get("exercises", [0, 0, 0])
        print(f"{source.relative(page)}: {'OK' if not found else f'{len(found)} problem(s)'}; "
              f"{record.get('seconds', 0)} s of code, figures {sorted(record.get('figures', {}))}, "
              f"{n} exercises ({passed} solutions pass, {failed} starters fail)")
        for problem in found:
            print("  " + problem.replace("\n", "\n  "))
    return 1 if bad else 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
