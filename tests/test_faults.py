"""Each fault fails the tests or the build, naming the file and line, and serves nothing half-built.

Every test injects one fault into a scratch copy of the project (with a warm build cache, so
only the faulty part is executed again).
"""

import re
import sys

import pytest

from course import ROOT
from tests import scratch

pytestmark = pytest.mark.slow

LESSON = "docs/lessons/01-deep-learning-fundamentals.md"
NOTEBOOK = "lessons_src/01_deep_learning_fundamentals.py"
FIGURES = "assets/figures/01_deep_learning_fundamentals.py"


@pytest.fixture
def project(tmp_path, shared_build):  # with the cache the run's one build left
    return scratch.scratch_copy(tmp_path / "project", warm_cache=True, cache_from=shared_build.project)


line_of = scratch.line_of


run_pytest = scratch.run_pytest


def test_a_snippet_that_raises(project):
    page = project / LESSON
    scratch.edit(page, 'print("X shape:", X.shape)', 'print("X shape:", X.shape.columns)')
    result = run_pytest(project, LESSON)
    assert result.returncode == 1
    line = line_of(page, "X.shape.columns")
    assert f"{LESSON}:{line}: AttributeError" in result.output


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
    scratch.edit(page, "```python\nfeature_cols = [", '```{.python}\nfeature_cols = [')
    result = run_pytest(project, "tests/test_blocks_accounted.py")
    assert result.returncode == 1
    assert f"{LESSON}:{line_of(page, '{.python}')}: ```{{.python}}" in result.output


def test_a_figure_that_raises_fails_the_build_and_keeps_the_old_site(project):
    scratch.edit(project / FIGURES, "    counts = class_counts()\n", "    counts = class_counts()\n    raise ValueError('no bars today')\n")
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("the previous, good build")
    result = scratch.run(["make", "build", f"BIN={sys.prefix}/bin", "STAMP="], project)
    assert result.returncode != 0
    line = line_of(project / FIGURES, "no bars today")
    assert f"Figure code failed at {FIGURES}:{line}: ValueError: no bars today" in result.output
    assert (project / "site" / "index.html").read_text() == "the previous, good build"


def test_a_notebook_cell_that_raises(project):
    scratch.edit(project / NOTEBOOK, "# %% [markdown]\n# ## Practice exercises", "# %%\nundefined_thing + 1\n\n# %% [markdown]\n# ## Practice exercises")
    result = scratch.build(project)
    assert result.returncode != 0
    line = line_of(project / NOTEBOOK, "undefined_thing + 1")
    assert f"Notebook cell failed at {NOTEBOOK}:{line}: NameError" in result.output


def test_a_solution_that_no_longer_passes_its_check_fails_the_build(project):
    scratch.edit(project / NOTEBOOK, "largest = df[feature_cols].max().idxmax()\n",
                 "largest = df[feature_cols].max().idxmin()\n")
    result = scratch.build(project)
    assert result.returncode != 0
    line = line_of(project / NOTEBOOK, "ranges = df[feature_cols].describe()")  # the solution cell
    assert (f"{NOTEBOOK}:{line}: this solution does not pass its exercise's check; it printed "
            "\"The reference solution does NOT pass this check: its answer, encoded, is '") in result.output


def test_a_broken_internal_link(project):
    scratch.edit(project / LESSON, "## Summary\n", "## Summary\n\nSee [the glossary](glossary.md).\n")
    result = scratch.build(project)
    assert result.returncode != 0
    assert re.search(r"lessons/01-deep-learning-fundamentals\.md.*glossary\.md", result.output)


def test_a_missing_dataset(project, tmp_path):
    (tmp_path / "empty").mkdir()
    result = scratch.build(project, env={"IPO_DATA_DIR": str(tmp_path / "empty")})
    assert result.returncode != 0
    assert "Dataset not found" in result.output and "indian_ipo.csv" in result.output
    assert not (project / "site").exists()


def test_a_corrupted_dataset(project, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    original = (ROOT.parent / "shared" / "data" / "indian_ipo.csv")
    from course import data

    lines = data.dataset_path().read_text().splitlines(keepends=True)
    (bad / "indian_ipo.csv").write_text("".join(lines[:-1]))
    result = scratch.build(project, env={"IPO_DATA_DIR": str(bad)})
    assert result.returncode != 0
    assert "Dataset rejected" in result.output and "318 rows instead of 319" in result.output
