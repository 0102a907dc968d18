"""Run a lesson anywhere: "Open in Colab" when the course knows its repository, never a dead
link or a placeholder when it does not; the notebooks branch holds what each link opens."""

import sys

import nbformat
import pytest

from course.render import hosted
from tests import scratch

pytestmark = pytest.mark.slow

REPOSITORY = "octo-org/dl-course"


@pytest.fixture(scope="module")
def published(small_built, tmp_path_factory):
    """The small course built as the workflow builds it on GitHub (the repository known), from
    its cold build's cache; and the notebooks branch the workflow fills from it."""
    project = scratch.small_course(tmp_path_factory.mktemp("hosted") / "project", warm_cache=True,
                                   cache_from=small_built.project)
    result = scratch.build(project, env={"COURSE_REPOSITORY": REPOSITORY})
    assert result.returncode == 0, result.output
    assert scratch.executions(result) == []  # the repository changes links, not what runs
    branch = project / "notebooks-branch"
    made = scratch.run([sys.executable, "-m", "course.render.hosted", "site", str(branch)], project,
                       env={"COURSE_REPOSITORY": REPOSITORY})
    assert made.returncode == 0, made.output
    return project / "site", branch, made.stdout.strip()


def colab_links(html: str) -> list[str]:
    import re

    return re.findall(r'href="(https://colab\.research\.google\.com/[^"]*)"', html)


def test_every_lesson_and_notebook_page_opens_its_notebook_in_colab(published):
    site, branch, branch_name = published
    lessons = sorted(p.name for p in (site / "lessons").iterdir() if p.is_dir())
    notebooks = [lesson.replace("-", "_") for lesson in lessons]
    assert len(lessons) >= 2 and branch_name == "notebooks"
    assert sorted(p.name for p in branch.iterdir()) == sorted(f"{name}.ipynb" for name in notebooks)
    pages = [site / "lessons" / lesson / "index.html" for lesson in lessons]
    pages += [site / "notebooks" / name / "index.html" for name in notebooks]
    for page, name in zip(pages, notebooks * 2):
        links = colab_links(page.read_text(encoding="utf-8"))
        # The form Colab opens: /github/OWNER/REPO/blob/BRANCH/PATH of a notebook on GitHub.
        assert links == [f"https://colab.research.google.com/github/{REPOSITORY}/blob/notebooks/{name}.ipynb"], page
        target = branch / links[0].rsplit("/blob/notebooks/", 1)[1]
        assert target.is_file(), f"{links[0]} opens a file the notebooks branch does not hold"
        notebook = nbformat.read(target, as_version=4)
        nbformat.validate(notebook)
        assert notebook.metadata.kernelspec.name == "python3"
        assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
        assert target.read_bytes() == (site / "notebooks" / name / f"{name}.ipynb").read_bytes()


def test_without_a_repository_no_hosted_link_is_shown(built_site):
    for page in sorted(built_site.rglob("*.html")):
        assert "colab.research.google.com" not in page.read_text(encoding="utf-8"), page


def test_nothing_a_learner_reads_or_downloads_holds_a_placeholder(built_site):
    for path in sorted(built_site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".ipynb", ".js", ".json", ".md", ".txt", ".py"):
            assert "YOUR-COURSE-SITE" not in path.read_text(encoding="utf-8", errors="replace"), path


def test_the_publication_settings_come_from_mkdocs_yml(monkeypatch):
    hosted.publication.cache_clear()
    try:
        monkeypatch.delenv("COURSE_REPOSITORY", raising=False)
        monkeypatch.delenv("COURSE_SITE_URL", raising=False)
        assert hosted.publication() == hosted.Publication("", "", "notebooks")
        assert hosted.publication().colab_url("01_x") is None
        hosted.publication.cache_clear()
        monkeypatch.setenv("COURSE_REPOSITORY", REPOSITORY)
        monkeypatch.setenv("COURSE_SITE_URL", "https://octo-org.github.io/dl-course/")
        assert hosted.publication() == hosted.Publication(
            "https://octo-org.github.io/dl-course", REPOSITORY, "notebooks")
    finally:
        hosted.publication.cache_clear()
