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


@pytest.mark.parametrize("file, old, new, marker, offset, says", [
    (FIGURES, '    ax.set_ylabel("IPOs")', '    ax.set_ylim(0, 100)\n    ax.set_ylabel("IPOs")', 'figures.draw("gains"', 0,
     "Lesson code failed at {where}: FigureError: figure 'gains' (light) cuts off its shapes"),
    (LESSON, "](figure:gains)", "](figure:losses)", "](figure:losses)", 0,
     "{where}: figure 'losses' is shown here but no ```python figure block"),
    (LESSON, 'gains = int(df["Listing_Gains"].sum())', 'gains = int(df["Listing_Gains"].count())', "gains = int(df[", -1,
     "{where}: this solution does not pass its exercise's check; it printed \"The reference solution does NOT "
     "pass this check: its answer, encoded, is '"),
    (LESSON, "gains = ...  # a whole number", "gains = 174  # a whole number", 'check(gains, "MTc0")', -1,
     "{where}: this check does not fail the untouched starter"),
], ids=["a figure that cuts off its shapes", "a figure shown but never drawn",
        "a solution that no longer passes its check", "a check that passes the untouched starter"])
def test_a_fault_of_a_figure_or_an_exercise_fails_the_build_and_names_its_line(project, file, old, new, marker, offset,
                                                                                says):
    scratch.edit(project / file, old, new)
    result = scratch.build(project)
    assert result.returncode != 0
    assert says.format(where=f"{LESSON}:{line_of(project / LESSON, marker) + offset}") in result.output


def test_an_exercise_out_of_its_order_is_refused(project):
    text = (project / LESSON).read_text()
    check = '```python check\ncheck(gains, "MTc0")\n```\n\n'
    (project / LESSON).write_text(text.replace(check, ""))
    result = scratch.build(project)
    assert result.returncode != 0
    assert re.search(rf"{LESSON}:\d+: Exercise 1 must give, in this order, one ```python starter block, one "
                     r"```python check block, a \?\?\? tip \"Hint\", a \?\?\? success \"Solution\"", result.output)


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


def test_an_exercise_without_its_other_answers_is_refused(project):
    text = (project / LESSON).read_text()
    wrong = '```python wrong\ngains = len(df)  # every IPO, not the gains\n```\n\n'
    assert wrong in text
    (project / LESSON).write_text(text.replace(wrong, ""))
    result = scratch.build(project)
    assert result.returncode != 0
    assert re.search(rf"{LESSON}:\d+: Exercise 1 needs, after its solution, at least one ```python alternative "
                     r"block .* and two ```python wrong blocks .*; it has 1 and 1", result.output)


def test_a_trial_changes_nothing_the_lesson_goes_on_with(tmp_path):
    """An other answer runs on a copy of the variables, with the random generators put back."""
    import random

    import numpy as np
    import torch

    from course import exercises

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
    scratch.edit(page, "description: Count the rows and the gains.\n", "description: Count the rows and the gains.\ncell_timeout: 4\n")
    scratch.edit(page, "## Practice exercises", "```python\nimport time\ntime.sleep(600)\n```\n\n## Practice exercises")
    previous_site(project)
    result = make_build(project)
    assert result.returncode != 0
    line = line_of(page, "import time") - 1
    assert f"Lesson code timed out at {LESSON}:{line}: it ran longer than 4 s" in result.output
    assert (project / "site" / "index.html").read_text() == "the previous, good build"
