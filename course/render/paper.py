"""The whole course on paper: the print page (mkdocs-print-site-plugin) made ready to print."""

from __future__ import annotations

import re

_CLOSED_DETAILS = re.compile(r"<details(?![^>]*\bopen\b)([^>]*)>")
_DARK_FIGURE = re.compile(r"\s*<img\b[^>]*\bsrc=\"[^\"]*#only-dark\"[^>]*>")


def for_paper(html: str) -> str:
    """The print page's HTML with every ``<details>`` open and only the light variant of figures."""
    html = _CLOSED_DETAILS.sub(r"<details\1 open>", html)
    html = _DARK_FIGURE.sub("", html)
    return html.replace('#only-light"', '"')
