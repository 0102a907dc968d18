"""What a lesson page shows beyond its source: the values of its inline expressions, and a
header under its title (time estimate, notebook buttons, a generated "verified with" line).

The values come from the lesson's one run (``course.render.notebooks``); this module only puts them in.
"""

from __future__ import annotations

import importlib.metadata
import platform
from functools import lru_cache
from pathlib import Path

from course import ROOT, settings
from course.check import prose
from course.run import data

DOCS = ROOT / "docs"
LESSONS = DOCS / "lessons"
VERIFIED_LIBRARIES = settings.VERIFIED_LIBRARIES


class PageError(RuntimeError):
    """A page's inline expression has no value."""


def substitute(markdown: str, values: dict[str, str], filename: str) -> str:
    """Put each inline expression's value in its place, in the prose (never inside code)."""
    lines = markdown.splitlines(keepends=True)
    for lineno, _ in prose.page_prose(markdown):
        if "`{python}" not in lines[lineno - 1]:
            continue

        def value(m, lineno=lineno):
            if m["expr"] not in values:
                raise PageError(f"{filename}:{lineno}: no value for `{{python}} {m['expr']}`")
            return values[m["expr"]]

        lines[lineno - 1] = prose.INLINE.sub(value, lines[lineno - 1])
    return "".join(lines)


@lru_cache(maxsize=1)
def versions() -> list[tuple[str, str]]:
    """What the outputs were verified with: Python and the libraries whose numbers they print."""
    return [("Python", platform.python_version())] + [
        (name, importlib.metadata.version(name)) for name in VERIFIED_LIBRARIES
    ]


def verified_with() -> str:
    """One sentence, generated, never typed: the versions and the dataset the outputs hold for."""
    names = [f"{name} {version}" for name, version in versions()]
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"Every output and number here was verified with {listed}, on the dataset "
        f"with SHA-256 `{data.SHA256[:12]}`."
    )


def header(time_line: str, notebook: str) -> str:
    """What a lesson page shows under its title: time, notebook links (and "Open in Colab" when
    the course knows its repository, ``course.render.hosted``), verified-with line."""
    from course.render import hosted

    colab = hosted.publication().colab_url(notebook)
    return (
        f'<p class="lesson-time" markdown>{time_line}</p>\n\n'
        f'<p class="lesson-notebook" markdown>'
        f"[View the notebook](../notebooks/{notebook}.ipynb){{ .md-button }} "
        f"[Download the notebook (.ipynb)](../notebooks/{notebook}/{notebook}.ipynb)"
        f'{{ .md-button .md-button--primary download="{notebook}.ipynb" }} '
        + (f"[Open in Colab]({colab}){{ .md-button .course-colab }} " if colab else "")
        + f"[Set-up: versions and data](../setup.md){{ .md-button }}</p>\n\n"
        f'<p class="verified-with" markdown>{verified_with()}</p>\n'
    )


def with_header(markdown: str, time_line: str, notebook: str) -> str:
    """``markdown`` with the lesson header right under its title."""
    lines = markdown.splitlines(keepends=True)
    for index, text in enumerate(lines):
        if text.startswith("# "):
            lines.insert(index + 1, "\n" + header(time_line, notebook))
            return "".join(lines)
    return header(time_line, notebook) + "\n" + markdown
