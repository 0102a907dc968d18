"""MkDocs hooks: add the generated parts of the site without writing into docs/.

- ``data/indian_ipo.csv``: the verified dataset, so the lessons' download links work;
- ``figures/<lesson>/<name>-{light,dark}.svg``: drawn by ``assets/figures/<lesson>.py``;
- ``notebooks/<lesson>.ipynb``: built from ``lessons_src/``, rendered and executed by mkdocs-jupyter.

The work is done by ``course.*``; each hook only hands its results to MkDocs.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

# The project's own code comes from this checkout, whatever else is installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from course import ROOT, data, figures, notebooks  # noqa: E402


# Before mkdocs-jupyter's on_files, so that it sees the generated notebooks.
@event_priority(50)
def on_files(files, config):
    try:
        csv_path = data.dataset_path()
    except data.DatasetError as exc:
        raise PluginError(str(exc)) from None
    files.append(File.generated(config, f"data/{data.FILENAME}", abs_src_path=str(csv_path)))

    try:
        for uri, svg, _source in figures.render_all():
            files.append(File.generated(config, uri, content=svg))
    except Exception as exc:
        raise PluginError(_figure_failure(exc)) from None

    for notebook in notebooks.build(csv_path):
        # A plain File rooted in the build folder rather than File.generated: mkdocs-jupyter
        # derives a notebook's path from src_dir, which generated files do not have.
        files.append(
            File(
                f"{notebook.parent.name}/{notebook.name}",
                src_dir=str(notebook.parent.parent),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
    return files


def _figure_failure(exc: Exception) -> str:
    """Name the figure file and line that raised, not the hook."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if str(ROOT / "assets") in f.filename]
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "a figure module"
    return f"Figure code failed at {where}: {type(exc).__name__}: {exc}"


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        return notebooks.strip_remote_scripts(html)
    return html


# After mkdocs-jupyter has replaced the notebook page's render method: a failing cell then
# fails the build naming the notebook source file and line, not an nbconvert traceback.
@event_priority(-50)
def on_pre_page(page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        render = page.render

        def render_or_explain(*args, **kwargs):
            try:
                return render(*args, **kwargs)
            except Exception as exc:
                raise PluginError(notebooks.explain_failure(page.file.src_uri, exc)) from None

        page.render = render_or_explain
    return page
