"""No silent skips: every Python-looking block on every page is collected and run, or skipped
with a visible reason.

The pages are read by ``course.read.reader`` (markdown-it-py). This test scans them line by line with
a fence scanner of its own, which knows nothing of Markdown's containers, and compares: a block
the reader would miss (in an admonition, with a title, written ``py``) fails here by its line.
"""

import re
from pathlib import Path

import pytest

from course import ROOT
from course.check.pytest_plugin import python_blocks

PAGES = sorted((ROOT / "docs").rglob("*.md"))
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
PYTHON_LIKE = re.compile(r"^\{?\s*\.?(python|py|py3|python3|pycon|ipython)\b", re.I)


def fences(path: Path):
    """(line number, info string) of every fenced block in a Markdown file."""
    found, open_fence = [], None
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = FENCE.match(line)
        if open_fence is None:
            if m:
                open_fence = m["fence"]
                found.append((lineno, m["info"].strip()))
        elif m and m["fence"].startswith(open_fence) and not m["info"].strip():
            open_fence = None
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_block_is_collected(page):
    python_like = [(n, info) for n, info in fences(page) if PYTHON_LIKE.match(info)]
    collected = {b.lineno for b in python_blocks(page)}
    lost = [f"{page.relative_to(ROOT)}:{n}: ```{info}" for n, info in python_like if n not in collected]
    assert not lost, "Python blocks that would silently not run:\n" + "\n".join(lost)
    assert len(collected) == len(python_like)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_skipped_blocks_say_why(page):
    for block in python_blocks(page):
        for mark in block.marks:
            if "skip" in mark or "xfail" in mark:
                assert re.search(r"reason\s*=\s*['\"][^'\"]+", mark), (
                    f"{page.relative_to(ROOT)}:{block.lineno}: {mark} needs a reason"
                )


def test_the_reader_collects_every_python_block_the_scanner_sees(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "---\ndescription: front matter is not code\n---\n\n"
        "```python\nprint(1)\n```\n\n"
        '```python title="x.py"\nprint(2)\n```\n\n'
        "```py\nprint(3)\n```\n\n"
        "??? tip\n\n    ```python\n    print(4)\n\n    print(5)\n    ```\n\n"
        '<!--pytest.mark.skip(reason="needs a GPU")-->\n```python\nprint(6)\n```\n\n'
        "```text\nnot code\n```\n"
    )
    python_like = [n for n, info in fences(page) if PYTHON_LIKE.match(info)]
    assert python_like == [5, 9, 13, 19, 26]
    blocks = python_blocks(page)
    assert [b.lineno for b in blocks] == python_like
    assert blocks[3].code == "print(4)\n\nprint(5)\n"  # inside the admonition: dedented, blank line kept
    assert [b.marks for b in blocks] == [(), (), (), (), ('pytest.mark.skip(reason="needs a GPU")',)]


def test_a_mark_that_is_not_right_before_a_fence_is_refused():
    from course.read import reader

    with pytest.raises(reader.ReaderError, match="line 1: pytest.mark.skip.*right before"):
        reader.fences('<!--pytest.mark.skip(reason="x")-->\n\n```python\nprint(1)\n```\n')
    with pytest.raises(reader.ReaderError, match="marks no block"):
        reader.fences('text\n\n<!--pytest.mark.skip(reason="x")-->\n')
