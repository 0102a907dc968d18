"""Every lesson has the shape readers rely on, and the lessons form one linked module.

Checked on the Markdown sources: objectives, a notebook link, exercises with a hint and an
executed solution each, a summary, next steps that link back and forward, a place in the nav
and in the module overview.
"""

import re

import pytest
import yaml

from course import ROOT
from course.pytest_plugin import python_blocks

LESSON_DIR = ROOT / "docs" / "lessons"
LESSONS = sorted(LESSON_DIR.glob("*.md"))


def section(text: str, heading: str) -> str:
    """The text of the ``## heading`` section, up to the next ``## ``."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no '## {heading}' section"
    return match.group(1)


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_lesson_has_the_course_shape(page):
    text = page.read_text(encoding="utf-8")
    number = int(page.stem[:2])
    assert re.search(rf"^# Lesson {number} - ", text, re.M)
    assert re.search(r"^description: .+", text, re.M), "front matter needs a description"
    assert '!!! abstract "What you will be able to do"' in text
    assert f"(../notebooks/{page.stem.replace('-', '_')}.ipynb)" in text, "link the companion notebook"
    assert re.search(r"^!!! (note|tip|info|warning)", text, re.M), "at least one callout"
    assert "<figure markdown" in text and "#only-dark" in text, "at least one generated figure"

    exercises = section(text, "Practice exercises")
    parts = re.split(r"^### ", exercises, flags=re.M)[1:]
    assert len(parts) >= 3, "three or more exercises"
    for part in parts:
        title = part.splitlines()[0]
        assert '??? tip "Hint"' in part, f"exercise '{title}' has no collapsible hint"
        assert re.search(r'\?\?\? success "', part), f"exercise '{title}' has no collapsible solution"
    lines = text.splitlines()
    exercises_start = lines.index("## Practice exercises") + 1
    in_solutions = [
        b for b in python_blocks(page)
        if b.lineno > exercises_start and lines[b.lineno - 1].startswith("    ")  # inside a ??? block
    ]
    assert in_solutions, "exercise solutions must include code, which the tests run"

    assert "## Summary" in text


@pytest.mark.parametrize("index", range(len(LESSONS)), ids=lambda i: LESSONS[i].stem)
def test_next_steps_link_back_and_forward(index):
    next_steps = section(LESSONS[index].read_text(encoding="utf-8"), "Next steps")
    links = re.findall(r"\]\(([^)#]+)", next_steps)
    if index > 0:
        assert LESSONS[index - 1].name in links, "link back to the previous lesson"
    if index + 1 < len(LESSONS):
        assert LESSONS[index + 1].name in links, "link forward to the next lesson"
    assert "../index.md" in links, "link back to the module overview"


def test_every_lesson_is_in_the_nav_and_the_overview():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    nav = str(config["nav"])
    overview = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for page in LESSONS:
        assert f"lessons/{page.name}" in nav
        assert f"notebooks/{page.stem.replace('-', '_')}.ipynb" in nav
        assert f"(lessons/{page.name})" in overview
