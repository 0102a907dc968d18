"""The build runs only what changed, and two clean builds give the same bytes.

On the small course (``tests/small_course``): runs are counted from the build log, never timed.
"""

import json
import sys

import pytest

from tests import scratch

# The tests edit and rebuild one project in turn: they run on one worker, in order.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("build-cache")]

LESSON1 = "docs/lessons/01-counting.md"
LESSON2 = "docs/lessons/02-scoring.md"


@pytest.fixture(scope="module")
def cold(tmp_path_factory, small_built):
    """A copy of the small course as its one cold build left it (``small_built``: the site, the
    build cache), and that build's log. The tests here edit and rebuild the copy."""
    project = scratch.small_course(tmp_path_factory.mktemp("cold") / "project", warm_cache=True,
                                   cache_from=small_built.project)
    return project, small_built.log


def rebuild(project) -> list[str]:
    result = scratch.build(project)
    assert result.returncode == 0, result.output
    return scratch.executions(result)


def test_a_cold_build_runs_each_lesson_once(cold):
    _, log = cold
    assert sorted(scratch.executions(log)) == [LESSON1, LESSON2]
    assert ("2 exercises: 2 solutions pass, 2 starters fail, 2 other right answers pass, 4 wrong answers fail "
            "(in 2 notebooks") in log


def test_a_warm_rebuild_runs_nothing(cold):
    project, _ = cold
    assert rebuild(project) == []


def test_an_edit_of_prose_alone_runs_nothing_and_shows(cold):
    project, _ = cold
    scratch.edit(project / LESSON1, "You counted rows.", "You counted the rows of a table.")
    assert rebuild(project) == []
    assert "You counted the rows of a table." in (project / "site" / "lessons" / "01-counting" / "index.html").read_text()
    notebook = project / "site" / "notebooks" / "01_counting" / "01_counting.ipynb"
    assert "You counted the rows of a table." in notebook.read_text()


def test_an_edit_of_code_runs_that_lesson_only(cold):
    project, _ = cold
    scratch.edit(project / LESSON1, "print(\"rows:\", len(df))", "print(\"rows:\", len(df))  # one per IPO")
    assert rebuild(project) == [LESSON1]
    assert rebuild(project) == []


def stale_lessons(project) -> set[str]:
    """The lessons whose run the project's cache lacks, as a build sees it."""
    code = ("import json; from course.run import runs; "
            "print(json.dumps([i.name for i in runs.items() if not i.cached()]))")
    result = scratch.run([sys.executable, "-c", code], project)
    assert result.returncode == 0, result.output
    return set(json.loads(result.stdout))


def test_an_edit_of_a_figure_module_or_what_it_imports_runs_its_lesson_only(cold):
    project, _ = cold
    module = project / "assets" / "figures" / "01_counting.py"
    original = module.read_text()
    scratch.edit(module, 'ax.set_ylabel("IPOs")', 'ax.set_ylabel("Number of IPOs")')
    assert stale_lessons(project) == {LESSON1}
    module.write_text(original)
    assert stale_lessons(project) == set()
    # A helper of the project that one figure module imports: its edit re-runs that lesson.
    helper = project / "course" / "bar_style.py"
    helper.write_text("WIDTH = 0.6\n")
    scratch.edit(module, "from course.run.figures import", "from course import bar_style  # noqa: F401\nfrom course.run.figures import")
    assert rebuild(project) == [LESSON1]
    helper.write_text("WIDTH = 0.5\n")
    assert stale_lessons(project) == {LESSON1}
    assert rebuild(project) == [LESSON1]
