"""Each fault fails the tests or the build, naming the file and line, and serves nothing half-built.

Every test injects one fault into the small course (``tests/small_course``), whose lessons run in
a second or two, so each builds or tests from cold.
"""

import re
import sys

import pytest

from tests import scratch

pytestmark = pytest.mark.slow

LESSON = "docs/lessons/01-counting.md"
FIGURES = "assets/figures/01_counting.py"


@pytest.fixture
def project(tmp_path):
    return scratch.small_course(tmp_path / "project")


line_of = scratch.line_of


run_pytest = scratch.run_pytest


def previous_site(project):
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("the previous, good build")


def make_build(project):
    return scratch.run(["make", "build", f"BIN={sys.prefix}/bin", "STAMP="], project, timeout=240)


def test_a_block_that_raises(project):
    page = project / LESSON
    scratch.edit(page, 'print("rows:", len(df))', 'print("rows:", len(df.rows))')
    result = run_pytest(project, LESSON)
    assert result.returncode == 1
    line = line_of(page, "len(df.rows)")
    assert f"Lesson code failed at {LESSON}:{line}: AttributeError" in result.output
    later = line_of(page, "gain_rate = df") - 1  # a later block: not run, and says so
    fence = line_of(page, "import pandas as pd") - 1
    assert f"{LESSON}:{later}: not run: the block at line {fence} failed first" in result.output


def test_a_drifted_output(project):
    page = project / LESSON
    scratch.edit(page, "# Output: gain rate: 0.545", "# Output: gain rate: 0.546")
    result = run_pytest(project, LESSON)
    assert result.returncode == 1
    line = line_of(page, "gain rate: 0.546")
    assert f"{LESSON}:{line}: printed output differs" in result.output
    assert "-gain rate: 0.546" in result.output and "+gain rate: 0.545" in result.output


def test_a_block_the_runner_would_silently_skip(project):
    page = project / LESSON
    # A fence in attribute-list form is Python to a reader of the page, but not a language the
    # runner knows: it would be shown and never run.
    scratch.edit(page, "```python\ngain_rate = ", "```{.python}\ngain_rate = ")
    result = run_pytest(project, "tests/test_blocks_accounted.py")
    assert result.returncode == 1
    assert f"{LESSON}:{line_of(page, '{.python}')}: ```{{.python}}" in result.output


def test_a_figure_that_raises_fails_the_build_and_keeps_the_old_site(project):
    scratch.edit(project / FIGURES, "    fig, ax = plt.subplots", "    raise ValueError('no bars today')\n    fig, ax = plt.subplots")
    previous_site(project)
    result = make_build(project)
    assert result.returncode != 0
    line = line_of(project / LESSON, 'figures.draw("gains"')
    assert f"Lesson code failed at {LESSON}:{line}: ValueError: no bars today" in result.output
    assert (project / "site" / "index.html").read_text() == "the previous, good build"


def test_a_figure_that_cuts_off_its_own_shapes_fails_the_build(project):
    scratch.edit(project / FIGURES, '    ax.set_ylabel("IPOs")', '    ax.set_ylim(0, 100)\n    ax.set_ylabel("IPOs")')
    result = scratch.build(project)
    assert result.returncode != 0
    line = line_of(project / LESSON, 'figures.draw("gains"')
    assert f"Lesson code failed at {LESSON}:{line}: FigureError: figure 'gains' (light) cuts off its shapes" in result.output


def test_a_figure_shown_but_never_drawn_fails_the_build(project):
    scratch.edit(project / LESSON, "](figure:gains)", "](figure:losses)")
    result = scratch.build(project)
    assert result.returncode != 0
    line = line_of(project / LESSON, "](figure:losses)")
    assert f"{LESSON}:{line}: figure 'losses' is shown here but no ```python figure block" in result.output


def test_a_solution_that_no_longer_passes_its_check_fails_the_build(project):
    scratch.edit(project / LESSON, 'gains = int(df["Listing_Gains"].sum())', 'gains = int(df["Listing_Gains"].count())')
    result = scratch.build(project)
    assert result.returncode != 0
    line = line_of(project / LESSON, "gains = int(df[")
    assert (f"{LESSON}:{line - 1}: this solution does not pass its exercise's check; it printed "
            "\"The reference solution does NOT pass this check: its answer, encoded, is '") in result.output


def test_a_check_that_passes_the_untouched_starter_fails_the_build(project):
    scratch.edit(project / LESSON, "gains = ...  # a whole number", "gains = 174  # a whole number")
    result = scratch.build(project)
    assert result.returncode != 0
    line = line_of(project / LESSON, 'check(gains, "MTc0")')
    assert f"{LESSON}:{line - 1}: this check does not fail the untouched starter" in result.output


def test_an_exercise_out_of_its_order_is_refused(project):
    text = (project / LESSON).read_text()
    check = '```python check\ncheck(gains, "MTc0")\n```\n\n'
    (project / LESSON).write_text(text.replace(check, ""))
    result = scratch.build(project)
    assert result.returncode != 0
    assert re.search(rf"{LESSON}:\d+: Exercise 1 must give, in this order, one ```python starter block, one "
                     r"```python check block, a \?\?\? tip \"Hint\" and a \?\?\? success \"Solution\"", result.output)


def test_a_broken_internal_link(project):
    scratch.edit(project / LESSON, "## Summary\n", "## Summary\n\nSee [the glossary](glossary.md).\n")
    result = scratch.build(project)
    assert result.returncode != 0
    assert re.search(r"lessons/01-counting\.md.*glossary\.md", result.output)


def test_a_missing_dataset(project, tmp_path):
    (tmp_path / "empty").mkdir()
    result = scratch.build(project, env={"IPO_DATA_DIR": str(tmp_path / "empty")})
    assert result.returncode != 0
    assert "Dataset not found" in result.output and "indian_ipo.csv" in result.output
    assert not (project / "site").exists()


def test_a_corrupted_dataset(project, tmp_path):
    from course import data

    bad = tmp_path / "bad"
    bad.mkdir()
    lines = data.dataset_path().read_text().splitlines(keepends=True)
    (bad / "indian_ipo.csv").write_text("".join(lines[:-1]))
    result = scratch.build(project, env={"IPO_DATA_DIR": str(bad)})
    assert result.returncode != 0
    assert "Dataset rejected" in result.output and "318 rows instead of 319" in result.output


def test_a_kernel_that_dies_fails_the_build_and_names_the_line(project):
    page = project / LESSON
    scratch.edit(page, "## Practice exercises", "```python\nimport os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n```\n\n## Practice exercises")
    previous_site(project)
    result = make_build(project)
    assert result.returncode != 0
    line = line_of(page, "import os, signal") - 1
    assert f"Lesson kernel died at {LESSON}:{line}: the kernel was killed (out of memory?)" in result.output
    assert (project / "site" / "index.html").read_text() == "the previous, good build"


def test_a_hung_block_times_out_and_names_the_line(project):
    page = project / LESSON
    scratch.edit(page, "description: Count the rows and the gains.\n", "description: Count the rows and the gains.\ncell_timeout: 3\n")
    scratch.edit(page, "## Practice exercises", "```python\nimport time\ntime.sleep(600)\n```\n\n## Practice exercises")
    previous_site(project)
    result = make_build(project)
    assert result.returncode != 0
    line = line_of(page, "import time") - 1
    assert f"Lesson code timed out at {LESSON}:{line}: it ran longer than 3 s" in result.output
    assert (project / "site" / "index.html").read_text() == "the previous, good build"
