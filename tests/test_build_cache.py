"""The build executes only what changed, and two clean builds give the same bytes.

Executions are counted from the build log (notebooks executed, figure files drawn), never timed.
"""

import shutil
from pathlib import Path

import pytest

from course import ROOT, cache, figures, notebooks
from tests import scratch

pytestmark = pytest.mark.slow

N_NOTEBOOKS = len(notebooks.sources())
N_FIGURE_FILES = 2 * sum(len(figures.declared_figures(p)) for p in figures.figure_modules())


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """A scratch project and the log of its first, cold build."""
    project = scratch.scratch_copy(tmp_path_factory.mktemp("cold") / "project")
    result = scratch.build(project)
    assert result.returncode == 0, result.output
    shutil.copytree(project / "site", project.parent / "site-cold")  # later tests edit and rebuild
    return project, result


def rebuild(project):
    result = scratch.build(project)
    assert result.returncode == 0, result.output
    return scratch.executions(result)


def test_cold_build_executes_everything(cold):
    _, result = cold
    assert scratch.executions(result) == {"notebooks": N_NOTEBOOKS, "figures": N_FIGURE_FILES}


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


def test_editing_a_helper_the_figures_import_redraws_them(cold):
    project, _ = cold
    scratch.edit(project / "course" / "data.py", '"""The verified dataset', '"""The verified (hash-checked) dataset')
    drawn = rebuild(project)
    assert drawn["notebooks"] == 0
    data_module = ROOT / "course" / "data.py"
    importing = [p for p in figures.figure_modules() if data_module in cache.local_dependencies(p)]
    expected = 2 * sum(len(figures.declared_figures(p)) for p in importing)
    assert expected and drawn["figures"] == expected


def generated_files(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes()
        for sub in ("figures", "notebooks")
        for p in sorted((site / sub).rglob("*"))
        if p.is_file()
    }


def test_two_clean_builds_are_byte_identical(cold, tmp_path):
    first = generated_files(cold[0].parent / "site-cold")
    second_project = scratch.scratch_copy(tmp_path / "project")
    result = scratch.build(second_project)
    assert result.returncode == 0, result.output
    second = generated_files(second_project / "site")
    assert len(first) == N_FIGURE_FILES + 2 * N_NOTEBOOKS  # each notebook: its page and its .ipynb
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
