"""Every lesson has the shape readers rely on, and the lessons form one linked module.

Checked on the Markdown sources: objectives, a notebook link, exercises with a hint and an
executed solution each, a summary, next steps that link back and forward (derived from the nav),
one place in the nav and a row in the module overview (derived too).
"""

import re

import pytest
import yaml

from course import ROOT
from course.read import lessons
from course.check.pytest_plugin import python_blocks

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
    assert "<figure markdown" in text and "](figure:" in text, "at least one generated figure"

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
    """The links are derived from the nav (one line per lesson), never typed: the page holds the
    marker, and the build writes links to the lessons around it and to the overview."""
    page = LESSONS[index]
    text = page.read_text(encoding="utf-8")
    assert "<!-- course:next-steps -->" in section(text, "Next steps")
    next_steps = section(lessons.render(text, f"lessons/{page.name}"), "Next steps")
    links = re.findall(r"\]\(([^)#]+)", next_steps)
    if index > 0:
        assert LESSONS[index - 1].name in links, "link back to the previous lesson"
    if index + 1 < len(LESSONS):
        assert LESSONS[index + 1].name in links, "link forward to the next lesson"
    assert "../index.md" in links, "link back to the module overview"
    assert f"all {lessons.count_word(len(LESSONS))} lessons" in next_steps


def test_every_lesson_is_in_the_nav_once_and_in_the_overview():
    """One nav entry per lesson (its notebook is reached from the lesson's page, not from the nav);
    the overview's table of lessons and their count are derived from the nav."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    nav = str(config["nav"])
    assert [lesson.page for lesson in lessons.course()] == LESSONS
    assert "notebooks/" not in nav
    source = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert "<!-- course:lessons -->" in source and "| Lesson |" not in source
    overview = lessons.render(source, "index.md")
    for lesson in lessons.course():
        assert f"| {lesson.number} | [{lesson.title}](lessons/{lesson.page.name}) | {lesson.description} |" in overview
        assert f"lessons/{lesson.page.name}" in nav
    assert f"Across {lessons.count_word(len(LESSONS))} lessons" in overview


def test_a_lesson_out_of_place_or_a_second_final_evaluation_is_refused(tmp_path):
    docs = tmp_path / "docs" / "lessons"
    docs.mkdir(parents=True)
    for number, final in ((1, False), (2, True)):
        (docs / f"0{number}-x.md").write_text(
            f"---\ndescription: Lesson {number}.\nfinal_evaluation: {str(final).lower()}\n---\n\n# Lesson {number} - X\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text("nav:\n  - lessons/01-x.md\n  - lessons/02-x.md\n")
    assert [lesson.final_evaluation for lesson in lessons.course(config)] == [False, True]
    config.write_text("nav:\n  - lessons/02-x.md\n  - lessons/01-x.md\n")
    with pytest.raises(lessons.LessonError, match="it is lesson 1 in the nav, but its title says Lesson 2"):
        lessons.course(config)
    (docs / "01-x.md").write_text("---\ndescription: One.\nfinal_evaluation: true\n---\n\n# Lesson 1 - X\n")
    config.write_text("nav:\n  - lessons/01-x.md\n  - lessons/02-x.md\n")
    with pytest.raises(lessons.LessonError, match="exactly one lesson declares"):
        lessons.course(config)
