"""The notebooks of a lesson, made from its page and its one run (``course.run.runs``).

From a lesson's source (``course.read.source``) and its run's record the build assembles the *view*
(the run's outputs, rendered to HTML with mkdocs-jupyter's converter) and the *download*
(``.ipynb`` without outputs, solutions and discussions in closed ``<details>``), cached under
``.cache/build/notebooks`` by a key of the record and the page's text, so that an edit of prose
re-renders and runs nothing.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from course import ROOT
from course.read import source
from course.run import cache, execution, runs, store

BUILD_DIR = ROOT / ".cache" / "notebooks"  # where the downloads are written, beside the dataset
RENDER_CACHE = cache.CACHE_DIR / "notebooks"
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
    """A lesson shows what its run did not make (a figure)."""


# --- the notebooks a reader sees ----------------------------------------------------------------


def _base() -> str:
    from course.render import hosted

    site = hosted.publication().site_url  # absolute links where the course knows its address
    return f"{site}/" if site else "../../"  # else relative ones, which work on the site's view


def _attachments(record: dict) -> dict[str, str]:
    return {name: base64.b64encode(source_figure_for_notebook(svgs).encode()).decode()
            for name, svgs in record.get("figures", {}).items() if "light" in svgs}


def source_figure_for_notebook(svgs: dict[str, str]) -> str:
    from course.run import figures

    return figures.on_white(svgs["light"])


def assemble(lesson: source.Lesson, record: dict, download: bool):
    """The lesson's notebook, from its source and its run: the page's text as Markdown cells,
    after the title the verified-with note and the set-up cells, every code cell the reader
    runs. The view keeps the run's outputs, shows each solution collapsed, and each figure as the
    site's light and dark files; the download has no outputs, each figure attached (light, on
    white), and each solution and discussion a closed ``<details>`` that Run All never runs
    (``exercises.as_download``)."""
    import nbformat

    from course.render import pages
    from course.run import exercises

    values = record.get("values", {})
    attachments = _attachments(record)
    base = _base()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": runs.KERNEL}
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

    from course.read import lessons

    lessons_title = lessons.read(lesson.path).heading
    for cell in lesson.cells:
        if cell.kind == "markdown":
            text = lessons.render(cell.text, f"lessons/{lesson.path.name}")  # next steps, counts
            text = source.notebook_markdown(text, values, base, attachments,
                                            None if download else f"../../figures/{lesson.name}/")
            if not text.strip():  # text for the page alone
                continue
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
        if cell.role in source.RUN_ONLY:
            continue
        if cell.role == "solution" and download:
            new = nbformat.v4.new_code_cell(cell.text, metadata={"tags": cell.tags})
            nb.cells.append(exercises.as_download(new, nbformat.v4.new_markdown_cell))
            continue
        new = nbformat.v4.new_code_cell(code, metadata={"tags": cell.tags} if cell.tags else {})
        if cell.role == "solution" or cell.folded:
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
    from course.read import lessons
    from course.render import hosted, pages
    from course.run import exercises

    made_by = b"".join(Path(m).read_bytes() for m in (__file__, source.__file__, exercises.__file__, pages.__file__))
    parts = [key, lesson.text, hashlib.sha256(made_by).hexdigest(), hosted.publication().site_url,
             lessons.read(page).heading, cache.library_versions(runs.EXECUTION_STACK),
             "".join(f"{l.page.name}\n{l.heading}\n{l.description}\n" for l in lessons.course())]  # next steps
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def build(csv_path: Path, out_dir: Path = BUILD_DIR):
    """Execute (where the cache misses), then assemble and render every lesson's notebooks.
    Returns the rendered notebooks, each lesson's run record and the execution report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lessons_ = {page: source.read(page) for page in source.pages()}
    keys = {page: runs.run_key(page, lesson) for page, lesson in lessons_.items()}
    report = execution.execute(csv_path, runs.items(list(lessons_)))  # the cached are read, the rest run
    records, rendered = {}, []
    for page, lesson in lessons_.items():
        record = store.read_json(runs.record_path(keys[page]))
        undrawn = runs.not_drawn(lesson, record)
        if undrawn:
            raise NotebookError("\n".join(undrawn))
        records[page] = record
        rendered.append(_rendered(page, lesson, record, keys[page], out_dir))
    store.evict(runs.RUN_CACHE, {key[:32] for key in keys.values()})
    store.evict(RENDER_CACHE, {render_key(page, lessons_[page], keys[page])[:32] for page in lessons_})
    from course.run import exercises

    totals = [sum(column) for column in zip(*(r.exercises for r in rendered))]
    log.info("%s (in %d notebooks, proven when each lesson ran)", exercises.summary(*totals), len(rendered))
    return rendered, records, report


def _rendered(page: Path, lesson: source.Lesson, record: dict, key: str, out_dir: Path) -> Rendered:
    import nbformat

    stored = RENDER_CACHE / store.key_name(render_key(page, lesson, key))
    ipynb = out_dir / f"{lesson.notebook}.ipynb"
    cached = store.read_json(stored)
    if cached is None:
        from mkdocs_jupyter import convert

        view = assemble(lesson, record, download=False)
        executed_path = out_dir / f"{lesson.notebook}.view.ipynb"
        nbformat.write(view, executed_path)
        html = strip_remote_scripts(convert.nb2html(str(executed_path), execute=False, allow_errors=False))
        from course.run import exercises

        hidden = tuple(c.id for c in view.cells if c.cell_type == "markdown" and "solution" in c.metadata.get("tags", ()))
        html = exercises.collapse_solutions(html, hidden)  # collapsed on the site too, as in Jupyter
        css, html = split_styles(html)
        toc_tokens = toc_tokens_of(convert.nb2md(str(executed_path)))
        download = nbformat.writes(assemble(lesson, record, download=True)) + "\n"
        cached = {"html": html, "css": css, "toc_tokens": toc_tokens, "download": download}
        store.write_json(stored, cached, indent=None)
    write_if_changed(ipynb, cached["download"].encode())
    return Rendered(page, ipynb, cached["html"], cached["css"], cached["toc_tokens"], tuple(record["exercises"]))


def write_if_changed(path: Path, content: bytes) -> None:
    if not path.exists() or path.read_bytes() != content:
        path.write_bytes(content)


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


