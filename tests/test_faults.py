"""Each fault fails the tests or the build, naming the file and line, and serves nothing half-built.

Every test injects one fault into the small course (``tests/small_course``), whose lessons run in
a second or two. Each starts from the caches of the small course's one cold build (``small_built``),
as an author's checkout would: the fault's lesson runs again (its key changed), the other is read
from the cache.
"""

import re
import sys

import pytest

from tests import scratch

pytestmark = pytest.mark.slow

LESSON = "docs/lessons/01-counting.md"
FIGURES = "assets/figures/01_counting.py"


line_of = scratch.line_of
run_pytest = scratch.run_pytest


def previous_site(project):
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("the previous, good build")


def make_build(project):
    return scratch.run(["make", "build", f"BIN={sys.prefix}/bin", "STAMP="], project, timeout=240)


@pytest.mark.parametrize("old, new, says", [
    ('print("rows:", len(df))', 'print("rows:", len(df.rows))', lambda page: [
        f"Lesson code failed at {LESSON}:{line_of(page, 'len(df.rows)')}: AttributeError",
        # a later block: not run, and says so
        f"{LESSON}:{line_of(page, 'gain_rate = df') - 1}: not run: the block at line "
        f"{line_of(page, 'import pandas as pd') - 1} failed first"]),
    ("# Output: gain rate: 0.545", "# Output: gain rate: 0.546", lambda page: [
        f"{LESSON}:{line_of(page, 'gain rate: 0.546')}: printed output differs", "-gain rate: 0.546", "+gain rate: 0.545"]),
], ids=["a block that raises", "a drifted output"])
def test_a_broken_block_fails_its_page_and_names_its_line(project, old, new, says):
    page = project / LESSON
    scratch.edit(page, old, new)
    result = run_pytest(project, LESSON)
    assert result.returncode == 1
    for expected in says(page):
        assert expected in result.output


def test_a_block_the_runner_would_silently_skip(project):
    page = project / LESSON
    # A fence in attribute-list form is Python to a reader of the page, but not a language the
    # runner knows: it would be shown and never run.
    scratch.edit(page, "```python\ngain_rate = ", "```{.python}\ngain_rate = ")
    result = run_pytest(project, "tests/test_blocks_accounted.py")
    assert result.returncode == 1
    assert f"{LESSON}:{line_of(page, '{.python}')}: ```{{.python}}" in result.output


def test_a_wrong_answer_the_check_passes_and_a_right_one_it_rejects_fail_the_build(project):
    scratch.edit(project / LESSON, "gains = len(df)  # every IPO, not the gains", "gains = 174  # typed in")
    scratch.edit(project / LESSON, 'gains = len(df[df["Listing_Gains"] == 1])',
                 'gains = df["Listing_Gains"].sum() + 0.5  # off by a half: the check rejects it')
    result = scratch.build(project)
    assert result.returncode != 0
    wrong = line_of(project / LESSON, "gains = 174  # typed in")
    alternative = line_of(project / LESSON, "+ 0.5  # off by a half")
    assert f"{LESSON}:{wrong - 1}: This wrong answer PASSES the exercise's check." in result.output
    assert (f"{LESSON}:{alternative - 1}: This other right answer does NOT pass the exercise's check: "
            "the check rejects it.") in result.output


@pytest.mark.parametrize("block, says", [
    ('```python check\ncheck(gains, "MTc0")\n```\n\n',
     r"Exercise 1 must give, in this order, one ```python starter block, one ```python check block, a \?\?\? "
     r"tip \"Hint\", a \?\?\? success \"Solution\""),
    ('```python wrong\ngains = len(df)  # every IPO, not the gains\n```\n\n',
     r"Exercise 1 needs, after its solution, at least one ```python alternative block .* and two ```python wrong "
     r"blocks .*; it has 1 and 1"),
], ids=["without its check", "without its second wrong answer"])
def test_an_exercise_missing_a_part_is_refused(project, block, says):
    text = (project / LESSON).read_text()
    assert block in text
    (project / LESSON).write_text(text.replace(block, ""))
    result = scratch.build(project)
    assert result.returncode != 0
    assert re.search(rf"{LESSON}:\d+: {says}", result.output)


def test_a_trial_changes_nothing_the_lesson_goes_on_with(tmp_path):
    """An other answer runs on a copy of the variables, with the random generators put back."""
    import random

    import numpy as np
    import torch

    from course.run import exercises

    namespace = {"weights": torch.zeros(3), "rows": [1, 2], "np": np}
    torch.manual_seed(0); np.random.seed(0); random.seed(0)
    expected = (torch.rand(1).item(), np.random.rand(), random.random())
    torch.manual_seed(0); np.random.seed(0); random.seed(0)
    code = "weights += 1\nrows.append(3)\ntorch_draw = __import__('torch').rand(5)\nnp.random.rand(5)\nanswer = 1"
    assert exercises.trial(namespace, code, f"check(answer, {exercises.encode(1)!r})", right=True)
    assert namespace["weights"].tolist() == [0, 0, 0] and namespace["rows"] == [1, 2] and "answer" not in namespace
    assert (torch.rand(1).item(), np.random.rand(), random.random()) == expected
    assert not exercises.trial(namespace, "answer = 2", f"check(answer, {exercises.encode(1)!r})", right=True)
    assert exercises.trial(namespace, "raise ValueError('shapes')", f"check(answer, {exercises.encode(1)!r})",
                           right=False)  # a wrong answer that raises fails, as the learner sees


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
    from course.run import data

    bad = tmp_path / "bad"
    bad.mkdir()
    lines = data.dataset_path().read_text().splitlines(keepends=True)
    (bad / "indian_ipo.csv").write_text("".join(lines[:-1]))
    result = scratch.build(project, env={"IPO_DATA_DIR": str(bad)})
    assert result.returncode != 0
    assert "Dataset rejected" in result.output and "318 rows instead of 319" in result.output


@pytest.mark.parametrize("edits, marker, says", [
    ([(FIGURES, "    fig, ax = plt.subplots", "    raise ValueError('no bars today')\n    fig, ax = plt.subplots")],
     'figures.draw("gains"', "Lesson code failed at {where}: ValueError: no bars today"),
    ([(LESSON, "## Practice exercises",
       "```python\nimport os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n```\n\n## Practice exercises")],
     "import os, signal", "Lesson kernel died at {where}: the kernel was killed (out of memory?)"),
    ([(LESSON, "description: Count the rows and the gains.\n", "description: Count the rows and the gains.\ncell_timeout: 4\n"),
      (LESSON, "## Practice exercises", "```python\nimport time\ntime.sleep(600)\n```\n\n## Practice exercises")],
     "import time", "Lesson code timed out at {where}: it ran longer than 4 s"),
], ids=["a figure that raises", "a kernel that dies", "a hung block"])
def test_a_run_that_fails_stops_make_build_names_the_line_and_keeps_the_old_site(project, edits, marker, says):
    for file, old, new in edits:
        scratch.edit(project / file, old, new)
    previous_site(project)
    result = make_build(project)
    assert result.returncode != 0
    line = line_of(project / LESSON, marker) - (0 if marker.startswith("figures.") else 1)  # the line, or the block's fence
    assert says.format(where=f"{LESSON}:{line}") in result.output
    assert (project / "site" / "index.html").read_text() == "the previous, good build"
