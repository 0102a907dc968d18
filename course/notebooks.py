"""Companion notebooks: ``lessons_src/NN_name.py`` (jupytext percent format) -> ``NN_name.ipynb``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from course import ROOT, data

SOURCE_DIR = ROOT / "lessons_src"
BUILD_DIR = ROOT / ".cache" / "notebooks"


def sources() -> list[Path]:
    return sorted(SOURCE_DIR.glob("[0-9]*.py"))


def to_ipynb(source: Path) -> str:
    """The notebook JSON for a percent-format source, with a Python 3 kernelspec."""
    import jupytext

    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata.pop("jupytext", None)
    return jupytext.writes(notebook, fmt="ipynb")


def build(csv_path: Path, out_dir: Path = BUILD_DIR) -> list[Path]:
    """Write every notebook to ``out_dir`` beside a copy of the dataset; return their paths.

    The copy lets a notebook run ``pd.read_csv("indian_ipo.csv")`` as on the reader's machine.
    A notebook file is rewritten only when its content changed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    target_csv = out_dir / data.FILENAME
    if not target_csv.exists() or target_csv.read_bytes() != Path(csv_path).read_bytes():
        shutil.copyfile(csv_path, target_csv)
    built = []
    for source in sources():
        target = out_dir / f"{source.stem}.ipynb"
        content = to_ipynb(source)
        if not target.exists() or target.read_text(encoding="utf-8") != content:
            target.write_text(content, encoding="utf-8")
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
