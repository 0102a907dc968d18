"""MkDocs hooks: add the generated parts of the site without writing into docs/.

- ``data/indian_ipo.csv``: the verified dataset, so the lessons' download links work;
- ``figures/<lesson>/<name>-{light,dark}.svg``: drawn by the lesson's one run, with
  ``assets/figures/<lesson>.py``;
- ``notebooks/<lesson>/``: each lesson's notebook, made from the page and that run, rendered as a
  page, with its ``.ipynb`` beside it for download;
- on lesson pages: the values of inline expressions (`` `{python} expr` ``), a link to the
  glossary at each term's first use, and a header (time estimate, notebook buttons, a generated
  "verified with" line); on the Set-up page, the versions and install command from the pins;
- ``print_page/``, written by mkdocs-print-site-plugin: made ready for paper here (every hint and
  solution open, every figure in its light variant only).
- ``execution-times/``: what the build executed, with run times and peak memory (for authors).

The work is done by ``course.*`` (and cached there); each hook only hands results to MkDocs.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The project's own code comes from this checkout, whatever else is installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, InclusionLevel  # noqa: E402
from mkdocs.structure.toc import get_toc  # noqa: E402

from course import fix_numerics  # noqa: E402
from course.read import lessons, source  # noqa: E402
from course.render import glossary, hosted, learner, notebooks, pages, paper  # noqa: E402
from course.run import data, execution  # noqa: E402

fix_numerics()


NOTEBOOK_CSS = "stylesheets/notebooks.css"  # linked from notebook pages only (overrides/main.html)
REPORT_PAGE = "execution-times.md"  # what this build executed, its times and memory
_page_runs: dict[str, dict] = {}  # lesson page (docs-relative) -> its run's record (course.render.notebooks)


class NotebookPage(File):
    """A rendered notebook: a documentation page whose source is an ``.ipynb``."""

    rendered: notebooks.Rendered

    def is_documentation_page(self) -> bool:
        return True


def on_files(files, config):
    try:
        csv_path = data.dataset_path()
    except data.DatasetError as exc:
        raise PluginError(str(exc)) from None
    files.append(File.generated(config, f"data/{data.FILENAME}", abs_src_path=str(csv_path)))

    # Each lesson runs once, in the bounded pool, into the build cache (course.render.notebooks); the
    # notebooks, the figures, the inline values and the time estimates all come from that run.
    try:
        rendered_notebooks, records, report = notebooks.build(csv_path)
    except (execution.ExecutionError, notebooks.NotebookError, source.SourceError) as exc:
        raise PluginError(str(exc)) from None
    _page_runs.clear()
    for page, record in records.items():
        uri = page.relative_to(pages.DOCS).as_posix()
        _page_runs[uri] = record
        for name, svgs in sorted(record["figures"].items()):
            for theme, svg in sorted(svgs.items()):
                files.append(File.generated(config, f"figures/{page.stem}/{name}-{theme}.svg", content=svg))
    files.append(File.generated(
        config, REPORT_PAGE, content=report.markdown(), inclusion=InclusionLevel.NOT_IN_NAV
    ))

    stylesheet: list[str] = []  # the notebooks' shared CSS, once, in order of appearance
    for rendered in rendered_notebooks:
        stylesheet.extend(css for css in rendered.css if css not in stylesheet)
        name = rendered.ipynb.stem
        page = NotebookPage(
            f"notebooks/{name}.ipynb",
            src_dir=str(rendered.ipynb.parent),
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
            inclusion=InclusionLevel.NOT_IN_NAV,  # reached from its lesson, not a second nav entry
        )
        page.abs_src_path = str(rendered.ipynb)
        page.rendered = rendered
        files.append(page)
        download = f"notebooks/{name}/{name}.ipynb" if config.use_directory_urls else f"notebooks/{name}.ipynb"
        files.append(File.generated(config, download, abs_src_path=str(rendered.ipynb)))
    files.append(File.generated(config, NOTEBOOK_CSS, content="\n".join(stylesheet)))
    return files


def on_pre_page(page, config, files):
    if isinstance(page.file, NotebookPage):
        rendered = page.file.rendered

        def render(config, files):
            page.content = rendered.html
            page.toc = get_toc(rendered.toc_tokens)
            # Search finds the lesson pages; their notebooks repeat the same code and would
            # only double every hit (and make each build index a megabyte of highlighted HTML).
            page.meta["search"] = {"exclude": True}

        page.render = render
        page.notebook_download = rendered.ipynb.name
        page.notebook_colab = hosted.publication().colab_url(rendered.ipynb.stem)
    return page


def on_page_markdown(markdown, page, config, files):
    """Lesson pages: inline values, glossary links, a header (time, notebook, versions), links
    to the lessons around them. The overview: its table of lessons. The Set-up page: the versions
    and install command from the project's pins."""
    if page.file.src_uri == "setup.md":
        return learner.render_setup(markdown)
    if page.file.src_uri != "index.md" and not page.file.src_uri.startswith("lessons/"):
        return markdown
    try:
        markdown = lessons.render(markdown, page.file.src_uri)  # the overview's table, next steps
    except lessons.LessonError as exc:
        raise PluginError(str(exc)) from None
    if page.file.src_uri == "index.md":
        return markdown
    run = _page_runs.get(page.file.src_uri, {"values": {}, "seconds": 0})
    try:
        text = pages.substitute(markdown, run["values"], f"docs/{page.file.src_uri}")
    except pages.PageError as exc:
        raise PluginError(str(exc)) from None
    try:
        text = source.for_page(text, Path(page.file.src_uri).stem)  # check and figure blocks hidden
    except source.SourceError as exc:
        raise PluginError(str(exc)) from None
    text = glossary.link_first_uses(text, page.file.src_uri, directory_urls=config.use_directory_urls)
    notebook = lessons.notebook_name(Path(page.file.src_uri))
    return pages.with_header(text, learner.time_line(markdown, run["seconds"]), notebook)


def on_post_build(config):
    """Ready the print page for paper: hints and solutions open, figures in their light variant.

    mkdocs-print-site-plugin writes the page in its own ``on_post_build``, which runs before the
    hooks'. On paper a closed hint would hide its text, and a dark figure (light text on a
    transparent background) would be unreadable.
    """
    plugin = config.plugins.get("print-site")
    if plugin is None or not plugin.config.get("enabled"):
        return
    path = Path(plugin.print_page.file.abs_dest_path)
    path.write_text(paper.for_paper(path.read_text(encoding="utf-8")), encoding="utf-8")

