"""Companion notebooks: ``lessons_src/NN_name.py`` (jupytext percent format) -> ``NN_name.ipynb``.

mkdocs-jupyter executes and renders the ``.ipynb`` and caches the result keyed on the
notebook's bytes only. Each notebook therefore carries its dependency key (``course.cache``:
its source, the local modules it imports, the dataset, the library and execution-stack
versions) in its metadata, so that mkdocs-jupyter's cache is invalidated by any of them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from course import ROOT, cache, data

SOURCE_DIR = ROOT / "lessons_src"
BUILD_DIR = ROOT / ".cache" / "notebooks"
EXECUTION_STACK = ("nbconvert", "nbclient", "ipykernel", "mkdocs-jupyter", "jupytext")


def sources() -> list[Path]:
    return sorted(SOURCE_DIR.glob("[0-9]*.py"))


def build_key(source: Path) -> str:
    return cache.key(source, cache.library_versions(EXECUTION_STACK))


def to_ipynb(source: Path, key: str | None = None) -> str:
    """The notebook JSON for a percent-format source, with a Python 3 kernelspec."""
    import jupytext

    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata.pop("jupytext", None)
    for number, cell in enumerate(notebook.cells, 1):  # jupytext would draw random ids
        cell["id"] = f"cell-{number}"
    if key:
        notebook.metadata["course"] = {"build_key": key}
    return jupytext.writes(notebook, fmt="ipynb")


def build(csv_path: Path, out_dir: Path = BUILD_DIR) -> list[Path]:
    """Write every notebook to ``out_dir`` beside a copy of the dataset; return their paths.

    The copy lets a notebook run ``pd.read_csv("indian_ipo.csv")`` as on the reader's machine.
    A notebook is converted again only when its key changed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    target_csv = out_dir / data.FILENAME
    if not target_csv.exists() or target_csv.read_bytes() != Path(csv_path).read_bytes():
        shutil.copyfile(csv_path, target_csv)
    built = []
    for source in sources():
        target = out_dir / f"{source.stem}.ipynb"
        stamp = out_dir / f"{source.stem}.key"
        key = build_key(source)
        if not (target.exists() and stamp.exists() and stamp.read_text() == key):
            target.write_text(to_ipynb(source, key), encoding="utf-8")
            stamp.write_text(key)
        built.append(target)
    return built


# nbconvert's page template loads MathJax (from an empty URL when none is configured) and
# carries a module script that imports mermaid from a CDN. The lessons use neither, and the
# site makes no request to another host: both are cut from rendered notebook pages.
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_MERMAID = re.compile(r"<script type=\"module\">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>", re.S)


def strip_remote_scripts(html: str) -> str:
    """Remove nbconvert's MathJax loader and mermaid importer from a rendered notebook."""
    return _MERMAID.sub("", _MATHJAX.sub("", html))


def explain_failure(src_uri: str, exc: Exception) -> str:
    """Name the source file and line of the notebook cell that raised during execution."""
    from course.percent import code_cells

    source = SOURCE_DIR / Path(src_uri).with_suffix(".py").name
    where = str(source.relative_to(ROOT))
    message = str(exc)
    for cell in code_cells(source) if source.is_file() else []:
        if cell.source.strip() and cell.source.strip() in message:
            where = f"{where}:{cell.first_lineno}"
            break
    error = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', '')}".rstrip(": ")
    return f"Notebook cell failed at {where}: {error}"
