"""Adding a lesson takes what the contributing page says: its one file, its figure module and one
nav line. The page's own example lesson is added after the last lesson of the small course, built
from cold, and its tests run; everything else about it is derived."""

import re

import pytest

from course import ROOT
from course.read import lessons
from tests import scratch

pytestmark = pytest.mark.slow

CONTRIBUTING = ROOT / "docs" / "contributing.md"


def examples() -> tuple[str, str, str]:
    """The example lesson, its figure module and its nav line, as the contributing page gives them."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    section = text.split("### What a lesson file holds", 1)[1]
    lesson, module = re.findall(r"^````text\n(.*?)^````$", section, re.S | re.M)[:2]
    nav = re.search(r"`(- \"Lesson 7 - [^`]+)`", section).group(1)
    return lesson, module, nav


def test_the_contributing_pages_example_lesson_is_one_file_a_module_and_a_nav_line(tmp_path, small_built):
    lesson, module, nav = examples()
    # An author's checkout that has built the course: the new lesson is the one that runs.
    project = scratch.small_course(tmp_path / "project", warm_cache=True, cache_from=small_built.project)
    # The small course has two lessons: the example becomes its third, as the page says to add one.
    lesson = lesson.replace("Lesson 7", "Lesson 3").replace("07_counting_gains", "03_counting_gains")
    (project / "docs" / "lessons" / "03-counting-gains.md").write_text(lesson, encoding="utf-8")
    (project / "assets" / "figures" / "03_counting_gains.py").write_text(module, encoding="utf-8")
    config = project / "mkdocs.yml"
    nav = nav.replace("Lesson 7", "Lesson 3").replace("07-counting-gains", "03-counting-gains")
    scratch.edit(config, "      - \"Lesson 2 - Scoring\": lessons/02-scoring.md\n",
                 f"      - \"Lesson 2 - Scoring\": lessons/02-scoring.md\n      {nav}\n")
    result = scratch.build(project)
    assert result.returncode == 0, result.output
    assert scratch.executions(result) == ["docs/lessons/03-counting-gains.md"]
    assert ("3 exercises: 3 solutions pass, 3 starters fail, 3 other right answers pass, 6 wrong answers fail "
            "(in 3 notebooks") in result.output
    site = project / "site"
    # Derived: the overview's table and count, the previous lesson's next steps, the notebook, the figures.
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Count the IPOs that listed with a gain, and draw them." in index and "three in all" in index
    before = (site / "lessons" / "02-scoring" / "index.html").read_text(encoding="utf-8")
    assert 'href="../03-counting-gains/"' in before
    assert (site / "notebooks" / "03_counting_gains" / "03_counting_gains.ipynb").is_file()
    assert sorted(p.name for p in (site / "figures" / "03-counting-gains").iterdir()) == [
        "gains-dark.svg", "gains-light.svg"]
    assert [lesson.heading for lesson in lessons.course(config)][-1] == "Lesson 3 - Counting Gains"
    tested = scratch.run_pytest(project, "docs/lessons/03-counting-gains.md")
    assert tested.returncode == 0, tested.output
    assert "code blocks on the pages: 8 collected, 8 ran and matched" in tested.output
