"""The lesson page's cautions and key explanations, carried into its notebook.

A page's ``!!! warning``, ``note``, ``tip`` and ``info`` admonitions (not the "What you will be
able to do" abstract) become Markdown cells of the built notebook, each placed right after the
notebook cell that runs the code the admonition follows on the page; or, when the notebook does
not run that code, at the end of the notebook section with the page section's heading; or else
before the practice exercises. They are never typed twice: the page is their one source, and its
numbers are checked there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ADMONITION = re.compile(r'^!!! (?P<kind>warning|note|tip|info|danger|example)\s+"(?P<title>[^"]*)"\s*$')
_KIND = {"warning": "Warning", "danger": "Warning", "note": "Note", "tip": "Tip", "info": "Note", "example": "Example"}


@dataclass
class Callout:
    heading: str  # the page section (## heading) it is in
    after_code: str  # the last python block before it on the page, or ""
    markdown: str  # the notebook cell's text


def _key_lines(code: str) -> list[str]:
    """The lines of a block that identify it: code, not comments, imports or outputs."""
    lines = []
    for line in code.splitlines():
        text = line.strip()
        if text and not text.startswith(("#", "import ", "from ")):
            lines.append(text)
    return lines


def of_page(markdown: str) -> list[Callout]:
    lines = markdown.splitlines()
    callouts, heading, last_code, i = [], "", "", 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            heading = line[3:].strip()
        elif line.strip() == "```python":
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
            last_code = "\n".join(lines[i + 1:end])
            i = end
        elif match := _ADMONITION.match(line):
            body, i = [], i + 1
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                body.append(lines[i][4:])
                i += 1
            text = "\n".join(body).strip()
            quoted = "\n".join(f"> {row}".rstrip() for row in text.splitlines())
            title = f"**{_KIND[match['kind']]}: {match['title']}**"
            callouts.append(Callout(heading, last_code, f"> {title}\n>\n{quoted}"))
            continue
        i += 1
    return callouts


def _heading(cell) -> str | None:
    if cell.cell_type != "markdown":
        return None
    first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
    return first[3:].strip() if first.startswith("## ") else None


def place(cells: list, callouts: list[Callout], new_cell) -> list:
    """``cells`` with a Markdown cell (made by ``new_cell(text)``) for each callout, in place."""
    inserts: dict[int, list[str]] = {}  # index of the cell to insert after -> texts
    practice = next((i for i, c in enumerate(cells) if (_heading(c) or "").startswith("Practice")), len(cells))
    for callout in callouts:
        at = None
        key = _key_lines(callout.after_code)
        if key:  # the notebook cell that shares the most of the block's code lines (half or more)
            best = 0
            for i, cell in enumerate(cells[:practice]):
                if cell.cell_type == "code":
                    shared = len(set(key) & {line.strip() for line in cell.source.splitlines()})
                    if shared > best and shared * 2 >= len(set(key)):
                        at, best = i, shared
        if at is None:
            start = next((i for i, c in enumerate(cells[:practice]) if _heading(c) == callout.heading), None)
            if start is not None:
                at = next((i - 1 for i in range(start + 1, practice) if _heading(cells[i])), practice - 1)
        if at is None:
            at = practice - 1
        inserts.setdefault(at, []).append(callout.markdown)
    placed = []
    for i, cell in enumerate(cells):
        placed.append(cell)
        placed.extend(new_cell(text) for text in inserts.get(i, []))
    if -1 in inserts:
        placed[0:0] = [new_cell(text) for text in inserts[-1]]
    return placed


def fingerprint(page_markdown: str) -> str:
    """What of a page its notebook depends on (a build-cache input): the callouts and their places."""
    return "\0".join(f"{c.heading}\0{c.after_code}\0{c.markdown}" for c in of_page(page_markdown))
