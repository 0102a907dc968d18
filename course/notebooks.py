"""Companion notebooks: ``lessons_src/NN_name.py`` (jupytext percent format) -> executed pages.

For each source the build

1. converts it to ``NN_name.ipynb`` (the download readers get, without outputs);
2. executes it with nbclient in a Jupyter kernel, next to a copy of the dataset, errors fatal;
3. proves its exercises (``course.exercises.proven_in_build``: each untouched starter fails its
   check, each reference solution passes it), else stops the build naming the cell;
4. renders the executed notebook to HTML with mkdocs-jupyter's converter and nbconvert template.

Steps 2 to 4 are cached under ``.cache/build/notebooks`` by a key of the notebook's inputs
(``course.cache``: its source, the local modules it imports, the dataset, the library and
execution-stack versions), so an unchanged notebook is neither executed nor rendered again, and
the heavy Jupyter imports happen only when something has to be executed. Notebooks that must
run are executed by the bounded pool of ``course.execution``: at most as many kernels at once as
it has jobs, each cell under a timeout.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from course import ROOT, cache, data

SOURCE_DIR = ROOT / "lessons_src"
BUILD_DIR = ROOT / ".cache" / "notebooks"
RENDER_CACHE = cache.CACHE_DIR / "notebooks"
EXECUTION_STACK = ("nbconvert", "nbclient", "ipykernel", "mkdocs-jupyter", "jupytext")
KERNEL = "python3"
log = logging.getLogger("mkdocs.course.notebooks")


@dataclass
class Rendered:
    source: Path
    ipynb: Path  # the clean notebook offered for download
    html: str  # the page body, without the shared stylesheets
    css: list[str]  # the stylesheets nbconvert would inline into every notebook page
    toc_tokens: list
    exercises: tuple[int, int, int] = (0, 0, 0)  # exercises, solutions that pass, starters that fail


class NotebookError(RuntimeError):
    """A notebook cell raised while the notebook was executed."""


def sources() -> list[Path]:
    return sorted(SOURCE_DIR.glob("[0-9]*.py"))


def build_key(source: Path) -> str:
    """The notebook's inputs, and this module and the pool's: how it is executed and rendered is
    an input too; so are the generated cells (``course.exercises``, ``course.callouts``) and the
    page whose cautions the notebook carries, and the settings the set-up cells hold."""
    from course import callouts, exercises, hosted, pages

    runner = Path(__file__).with_name("execution.py")  # how kernels are started and run
    renderer = hashlib.sha256(Path(__file__).read_bytes() + runner.read_bytes()).hexdigest()
    generated = hashlib.sha256(b"".join((ROOT / "course" / f).read_bytes() for f in ("exercises.py", "callouts.py")))
    page = callouts.fingerprint(pages.notebook_page(source).read_text(encoding="utf-8"))
    return cache.key(source, cache.library_versions(EXECUTION_STACK), KERNEL, renderer,
                     generated.hexdigest(), page, _title(source), hosted.publication().site_url,
                     *exercises.setup_cells())


def to_ipynb(source: Path, download: bool = False) -> str:
    """The notebook JSON for a percent-format source, with a Python 3 kernelspec.

    After the title come the generated verified-with note and the set-up cells of
    ``course.exercises`` (the dataset, verified; the exercise checker); the page's cautions
    (``course.callouts``) are placed beside the code they follow. As the build executes it, each
    solution is a code cell that ends with its check (the proof); in the ``download``, each
    solution and its discussion is a closed ``<details>`` in a Markdown cell, which "Run All"
    never runs, so no answer is shown before the learner opens it (``exercises.as_download``).
    """
    import jupytext
    import nbformat

    from course import callouts, exercises, hosted, pages

    notebook = jupytext.read(source)
    page = callouts.of_page(pages.notebook_page(source).read_text(encoding="utf-8"))
    notebook.cells = callouts.place(notebook.cells, page, nbformat.v4.new_markdown_cell)
    lesson = pages.notebook_page(source).stem
    site = hosted.publication().site_url  # absolute links where the course knows its address
    base = f"{site}/" if site else "../../"  # else relative ones, which work on the site's view
    verified = jupytext.reads(
        f"# %% [markdown]\n# This is the notebook of the lesson page [{_title(source)}]({base}lessons/{lesson}/).\n#\n"
        f"# {pages.verified_with()} The course's [Set-up page]({base}setup/) says how to "
        "install these versions; the first code cell below gets `indian_ipo.csv` and checks it, and the "
        "second defines `check`, which tells you whether your answer to an exercise is right.\n",
        fmt="py:percent",
    ).cells
    verified += [nbformat.v4.new_code_cell(code.rstrip("\n")) for code in exercises.setup_cells()]
    title = 1 if notebook.cells and notebook.cells[0].cell_type == "markdown" else 0
    notebook.cells[title:title] = verified
    check = ""
    for index, cell in enumerate(notebook.cells):
        tags = cell.metadata.get("tags", ())
        if cell.cell_type == "code" and "check" in tags:
            check = cell.source
        if "solution" not in tags:
            continue
        if download:
            notebook.cells[index] = exercises.as_download(cell, nbformat.v4.new_markdown_cell)
        else:
            cell.metadata["jupyter"] = {"source_hidden": True}
            if cell.cell_type == "code":  # it proves itself: the check, on the solution's answer
                cell.source = cell.source.rstrip("\n") + exercises.reference_check(check)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": KERNEL}
    notebook.metadata.pop("jupytext", None)
    for number, cell in enumerate(notebook.cells, 1):  # jupytext would draw random ids
        cell["id"] = f"cell-{number}"
    return jupytext.writes(notebook, fmt="ipynb")


def _title(source: Path) -> str:
    """``Lesson 1 - Deep Learning Fundamentals``, from the lesson page's title."""
    from course import lessons, pages

    return lessons.read(pages.notebook_page(source)).heading


def write_if_changed(path: Path, content: bytes) -> None:
    if not path.exists() or path.read_bytes() != content:
        path.write_bytes(content)


def prepare_workdir(csv_path: Path, out_dir: Path = BUILD_DIR) -> Path:
    """The folder notebooks are written to and run in, next to a copy of the dataset."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_if_changed(out_dir / data.FILENAME, Path(csv_path).read_bytes())
    return out_dir


def build(csv_path: Path, out_dir: Path = BUILD_DIR) -> list[Rendered]:
    """Convert, execute (where the cache misses) and render every notebook."""
    prepare_workdir(csv_path, out_dir)
    keys = {source: build_key(source) for source in sources()}
    stored = {source: RENDER_CACHE / f"{key[:32]}.json" for source, key in keys.items()}
    if not all(path.is_file() for path in stored.values()):
        from course import execution

        execution.execute(csv_path, kinds=("notebook",))
    rendered = []
    for source, path in stored.items():
        ipynb = out_dir / f"{source.stem}.ipynb"
        if not ipynb.is_file():  # executed elsewhere (another shard): the download is made here
            write_if_changed(ipynb, to_ipynb(source, download=True).encode())
        cached = json.loads(path.read_text(encoding="utf-8"))
        rendered.append(Rendered(source, ipynb, cached["html"], cached["css"], cached["toc_tokens"],
                                 tuple(cached["exercises"])))
    _evict(used={key[:32] for key in keys.values()})
    from course import exercises

    totals = [sum(r.exercises[i] for r in rendered) for i in range(3)]
    log.info("%s (in %d notebooks, proven when each was executed)", exercises.summary(*totals), len(rendered))
    return rendered


def coalesce_streams(notebook) -> None:
    """Merge each cell's consecutive stdout (or stderr) outputs into one (nbconvert's
    ``CoalesceStreamsPreprocessor``).

    How a kernel splits printed text into messages depends on timing; merged, the same code
    always gives the same outputs, and so the same page.
    """
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    CoalesceStreamsPreprocessor().preprocess(notebook, {})


def render(source: Path, ipynb: Path, executed, stored: Path) -> Rendered:
    """HTML and table of contents of an executed notebook, via mkdocs-jupyter; then cache them."""
    import nbformat
    from mkdocs_jupyter import convert

    from course import exercises

    proof = exercises.proven_in_build(source, executed)
    if proof.problems:
        raise NotebookError("\n".join(proof.problems))
    executed_path = ipynb.with_suffix(".executed.ipynb")
    nbformat.write(executed, executed_path)
    html = strip_remote_scripts(convert.nb2html(str(executed_path), execute=False, allow_errors=False))
    hidden = tuple(c.id for c in executed.cells if c.cell_type == "markdown" and "solution" in c.metadata.get("tags", ()))
    html = exercises.collapse_solutions(html, hidden)  # collapsed on the site too, as in Jupyter
    css, html = split_styles(html)
    toc_tokens = toc_tokens_of(convert.nb2md(str(executed_path)))
    RENDER_CACHE.mkdir(parents=True, exist_ok=True)
    tmp = stored.with_suffix(".tmp")
    counts = [proof.exercises, proof.solutions_pass, proof.starters_fail]
    cells = [  # what each code cell printed, for the tests (run_for_tests)
        {"source": c.source, "tags": list(c.metadata.get("tags", ())), "stdout": _stdout(c)}
        for c in executed.cells if c.cell_type == "code"
    ]
    tmp.write_text(json.dumps({"html": html, "css": css, "toc_tokens": toc_tokens, "exercises": counts,
                               "cells": cells}), encoding="utf-8")
    tmp.replace(stored)
    return Rendered(source, ipynb, html, css, toc_tokens, tuple(counts))


def toc_tokens_of(markdown_text: str, depth: int = 3) -> list:
    """The table of contents of a notebook's Markdown, as MkDocs' ``get_toc`` reads it: what
    mkdocs-jupyter computes for its own pages, with Python-Markdown's public toc extension."""
    import markdown
    from markdown.extensions.toc import TocExtension

    md = markdown.Markdown(extensions=[TocExtension(toc_depth=depth)])
    md.convert(markdown_text)
    return md.toc_tokens


def _stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout")


def run_for_tests(source: Path, csv_path: Path, among: list[Path] | None = None) -> dict:
    """The notebook as the build executed it, for the tests, from the same cache: the first
    notebook asked for executes every notebook of ``among`` (those this test session checks;
    default: just this one) whose result is not cached, in the build's pool, while the tests on
    other workers wait. ``cells``: each code cell's source, tags and stdout. A notebook that
    fails raises ``ExecutionError`` naming its cell."""
    from filelock import FileLock

    from course import execution

    RENDER_CACHE.mkdir(parents=True, exist_ok=True)
    stored = RENDER_CACHE / f"{build_key(source)[:32]}.json"
    with FileLock(str(RENDER_CACHE / "tests.lock")):
        if not stored.is_file():
            try:
                execution.execute_for_tests(csv_path, "notebook", [*(among or []), source])
            except execution.ExecutionError:  # some notebook failed: say whether this one does
                execution.execute_for_tests(csv_path, "notebook", [source])
        return json.loads(stored.read_text(encoding="utf-8"))


def _evict(used: set[str]) -> None:
    if RENDER_CACHE.is_dir():
        for stale in RENDER_CACHE.glob("*.json"):
            if stale.stem not in used:
                stale.unlink()


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


def cell_location(source: Path, cell) -> str:
    """``lessons_src/NN_name.py:LINE`` of a notebook cell (the file alone if it cannot be found)."""
    from course.percent import code_cells

    source = Path(source)
    where = str(source.relative_to(ROOT)) if source.is_relative_to(ROOT) else str(source)
    code = (cell or {}).get("source", "").strip()
    for candidate in code_cells(source) if code and source.is_file() else []:
        if candidate.source.strip() == code:
            return f"{where}:{candidate.first_lineno}"
    return where


def explain_failure(name: str, exc: Exception) -> str:
    """Name the source file and line of the notebook cell that raised during execution."""
    from course.percent import code_cells

    source = SOURCE_DIR / Path(name).with_suffix(".py").name
    where = str(source.relative_to(ROOT))
    message = str(exc)
    for cell in code_cells(source) if source.is_file() else []:
        if cell.source.strip() and cell.source.strip() in message:
            where = f"{where}:{cell.first_lineno}"
            break
    error = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', '')}".rstrip(": ")
    return f"Notebook cell failed at {where}: {error}"

