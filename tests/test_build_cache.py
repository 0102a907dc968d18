"""The build executes only what changed, and two clean builds give the same bytes.

Executions are counted from the build log (notebooks executed, figure files drawn), never timed.
"""

import json
import sys
from pathlib import Path

import pytest

from course import ROOT, cache, figures, notebooks
from tests import scratch

# The tests edit and rebuild one project in turn: they run on one worker, in order.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("build-cache")]

N_NOTEBOOKS = len(notebooks.sources())
N_FIGURE_FILES = 2 * sum(len(figures.declared_figures(p)) for p in figures.figure_modules())


@pytest.fixture(scope="module")
def cold(shared_build, tmp_path_factory):
    """A scratch project as the run's one cold build left it (its cache warm), and that build's
    log. The tests here edit and rebuild it; the shared build stays as it was."""
    project = tmp_path_factory.mktemp("cold") / "project"
    scratch.scratch_copy(project, warm_cache=True, cache_from=shared_build.project)
    return project, shared_build.log


def rebuild(project):
    result = scratch.build(project)
    assert result.returncode == 0, result.output
    return scratch.executions(result)


def test_cold_build_executes_what_the_tests_have_not(cold):
    """The run's build starts with the notebooks the notebook tests executed (the sharded build
    executes everything from empty caches: tests/test_shards.py)."""
    _, log = cold
    assert scratch.executions(log) == {"notebooks": 0, "figures": N_FIGURE_FILES}
    assert "Ran page" not in log
    assert f"{N_NOTEBOOKS} notebooks, proven when each was executed" in log


def test_warm_rebuild_executes_nothing(cold):
    project, _ = cold
    assert rebuild(project) == {"notebooks": 0, "figures": 0}


def test_editing_one_lesson_reexecutes_only_its_notebook(cold):
    project, _ = cold
    source = project / "lessons_src" / "01_deep_learning_fundamentals.py"
    source.write_text(source.read_text() + "\n# %%\nprint(len(df))\n# Output: 319\n")
    page = project / "docs" / "lessons" / "01-deep-learning-fundamentals.md"
    page.write_text(page.read_text().replace("Welcome to", "Welcome, reader, to"))
    assert rebuild(project) == {"notebooks": 1, "figures": 0}
    assert rebuild(project) == {"notebooks": 0, "figures": 0}


def test_editing_one_figure_redraws_only_that_figure(cold):
    project, _ = cold
    module = project / "assets" / "figures" / "01_deep_learning_fundamentals.py"
    scratch.edit(module, 'ax.set_ylabel("Number of IPOs")', 'ax.set_ylabel("IPOs")')
    assert rebuild(project) == {"notebooks": 0, "figures": 2}  # class-balance, light and dark


def stale_items(project) -> set[tuple[str, str]]:
    """(kind, name) of each item whose results the project's cache lacks, as a build sees it."""
    code = ("import json; from course import execution; "
            "print(json.dumps([[i.kind, i.name] for i in execution.all_items() if not i.cached()]))")
    result = scratch.run([sys.executable, "-c", code], project)
    assert result.returncode == 0, result.output
    return {tuple(item) for item in json.loads(result.stdout)}


def test_editing_a_helper_the_figures_import_redraws_them(cold):
    project, _ = cold
    # course/data.py, which every figure module imports (through course.ipo or directly): its
    # edit makes exactly the importing figure modules stale, and the runs of their lessons' pages
    # (a page's inline values may quote its figure module), and no notebook.
    data_module = project / "course" / "data.py"
    original = data_module.read_text()
    scratch.edit(data_module, '"""The verified dataset', '"""The verified (hash-checked) dataset')
    importing = [p for p in figures.figure_modules() if ROOT / "course" / "data.py" in cache.local_dependencies(p)]
    pages = [f"docs/lessons/{p.stem.replace('_', '-')}.md" for p in importing]
    assert importing and stale_items(project) == (
        {("figures", str(p.relative_to(ROOT))) for p in importing} | {("page", page) for page in pages})
    data_module.write_text(original)
    assert stale_items(project) == set()
    # A build redraws what a helper's edit made stale: a new helper, imported by one module.
    helper = project / "course" / "bar_style.py"
    helper.write_text('WIDTH = 0.6\n')
    module = project / "assets" / "figures" / "01_deep_learning_fundamentals.py"
    scratch.edit(module, "from course import data, ipo\n", "from course import bar_style, data, ipo  # noqa: F401\n")
    one_module = 2 * len(figures.declared_figures(ROOT / "assets" / "figures" / module.name))
    assert rebuild(project) == {"notebooks": 0, "figures": one_module}
    helper.write_text('WIDTH = 0.5\n')
    assert stale_items(project) == {("figures", "assets/figures/01_deep_learning_fundamentals.py"),
                                    ("page", "docs/lessons/01-deep-learning-fundamentals.md")}
    assert rebuild(project) == {"notebooks": 0, "figures": one_module}


def generated_files(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes()
        for sub in ("figures", "notebooks")
        for p in sorted((site / sub).rglob("*"))
        if p.is_file()
    }


def test_two_clean_builds_are_byte_identical(shared_build, sharded_build):
    """The run's cold build against a second clean build: the same course executed from empty
    caches again, this time as two shards on their own (see tests/test_shards.py)."""
    first = generated_files(shared_build.site)
    second = generated_files(sharded_build.site)
    assert len(first) == N_FIGURE_FILES + 2 * N_NOTEBOOKS  # each notebook: its page and its .ipynb
    # Equal and complete: every rendered notebook shows its figures (a build from executions that
    # lost them would equal another such build).
    images = scratch.notebook_images(shared_build.site)
    assert len(images) == N_NOTEBOOKS and all(images.values()), images
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
