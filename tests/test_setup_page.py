"""The learner's Set-up page: versions from the project's pins, and a data step that works."""

import re
import shutil

import pytest

from course import ROOT, learner


def test_the_versions_come_from_the_pins_and_follow_them(tmp_path):
    pinned = learner.pins()
    page = learner.render_setup((ROOT / "docs" / "setup.md").read_text(encoding="utf-8"))
    for name in ("torch", "numpy", "pandas", "matplotlib"):
        assert f"| {name} | {pinned[name]} |" in page
        assert f"{name}=={pinned[name]}" in page
    assert "<!-- course:" not in page

    bumped = tmp_path / "constraints.txt"
    bumped.write_text(
        re.sub(r"^torch==.*$", "torch==9.9.9", learner.CONSTRAINTS.read_text(), flags=re.M), encoding="utf-8"
    )
    page = learner.render_setup((ROOT / "docs" / "setup.md").read_text(encoding="utf-8"), bumped)
    assert "| torch | 9.9.9 |" in page and "torch==9.9.9" in page
    assert f"torch=={pinned['torch']}" not in page


def test_the_data_step_names_the_datasets_public_copy_and_its_hash():
    """The Set-up page's data step works as written anywhere (read on the course site, its script
    names the site's own copy instead): the address and the hash are the project's."""
    from course import data

    page = (ROOT / "docs" / "setup.md").read_text(encoding="utf-8")
    assert f'URL = "{data.URL}"' in page and f'SHA256 = "{data.SHA256}"' in page
    script = (ROOT / "docs" / "javascripts" / "course.js").read_text(encoding="utf-8")
    assert f'var PUBLIC_DATA_URL = "{data.URL}";' in script


@pytest.mark.slow
def test_the_built_set_up_page_shows_the_pins(built_site):
    html = (built_site / "setup" / "index.html").read_text(encoding="utf-8")
    for name, version in learner.learner_pins():
        assert re.search(rf"<td>{re.escape(name)}</td>\s*<td>{re.escape(version)}</td>", html), name


def test_lesson_time_estimates_are_computed_not_typed():
    page = (ROOT / "docs" / "lessons" / "01-deep-learning-fundamentals.md").read_text(encoding="utf-8")
    short = learner.minutes(page, 1.0)
    assert short >= 5 and short % 5 == 0
    assert learner.minutes(page + "\nword" * 2000, 1.0) > short  # more to read, more time
    assert learner.minutes(page, 1200.0) > short  # slow code, more time
    assert learner.run_bucket(3.2) == "under 5 seconds" and learner.run_bucket(95) == "about 2 minutes"


@pytest.mark.slow
@pytest.mark.browser
def test_a_learner_follows_the_set_up_page_and_runs_a_downloaded_notebook(built_site, tmp_path):
    """Read the data step from the served Set-up page (as the browser shows it, with this site's
    address filled in), run it in an empty folder, download a notebook from the site beside it
    and run that notebook to the end in a fresh kernel."""
    import os
    import subprocess
    import sys
    import urllib.request

    import nbformat
    from nbclient import NotebookClient
    from playwright.sync_api import sync_playwright

    from tests.helpers import serve

    chromium = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
    with serve(built_site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(f"{url}/setup/")
        blocks = [b.inner_text() for b in page.locator("pre code").all()]
        browser.close()
        data_step = next(b for b in blocks if "urlretrieve" in b)
        assert f'URL = "{url}/data/indian_ipo.csv"' in data_step

        folder = tmp_path / "learner"
        folder.mkdir()
        (folder / "data_step.py").write_text(data_step)
        result = subprocess.run([sys.executable, "data_step.py"], cwd=folder, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "indian_ipo.csv is the course's dataset: 2d0e03960717"

        name = "01_deep_learning_fundamentals"
        urllib.request.urlretrieve(f"{url}/notebooks/{name}/{name}.ipynb", folder / f"{name}.ipynb")
    (folder / "data_step.py").unlink()
    notebook = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    assert "Set-up" in notebook.cells[1].source or "verified with" in notebook.cells[1].source
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(folder)}}).execute()
    printed = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert "Shape: (319, 10)" in printed and "gain rate: 0.545" in printed


@pytest.mark.slow
def test_every_downloaded_notebook_runs_in_an_empty_folder(built_site, tmp_path, monkeypatch):
    """Download each notebook exactly as the built site serves it, into an empty folder of its own,
    and run it to the end in a fresh kernel (all six at once), with the data reachable only through
    the served site: the notebook's first cell downloads the course's copy and checks its SHA-256.
    Every documented output must be printed, and every exercise check must speak up."""
    import asyncio
    import urllib.request

    import nbformat
    from nbclient import NotebookClient

    from course import data, exercises, snippets, source
    from tests.helpers import serve

    names = [page.stem.replace("-", "_") for page in source.pages()]
    folders = {name: tmp_path / name for name in names}
    with serve(built_site) as url:
        monkeypatch.setenv("COURSE_URL", url)  # the kernels inherit it: the cell documents this variable
        downloaded = {}
        for name, folder in folders.items():
            folder.mkdir()
            urllib.request.urlretrieve(f"{url}/notebooks/{name}/{name}.ipynb", folder / f"{name}.ipynb")
            assert sorted(p.name for p in folder.iterdir()) == [f"{name}.ipynb"]
            downloaded[name] = nbformat.read(folder / f"{name}.ipynb", as_version=4)

        async def run_all():
            clients = [
                NotebookClient(downloaded[name], timeout=600, kernel_name="python3", allow_errors=False,
                               resources={"metadata": {"path": str(folders[name])}})
                for name in names
            ]
            return await asyncio.gather(*(c.async_execute() for c in clients), return_exceptions=True)

        outcomes = asyncio.run(run_all())
    for name, outcome in zip(names, outcomes):
        assert not isinstance(outcome, BaseException), f"{name}.ipynb failed after download: {outcome}"
        notebook = downloaded[name]
        assert (folders[name] / data.FILENAME).is_file(), f"{name}.ipynb did not fetch the dataset"
        code = [c for c in notebook.cells if c.cell_type == "code"]
        stdout = ["".join(o.get("text", "") for o in c.outputs if o.get("name") == "stdout") for c in code]
        assert stdout[0] == f"indian_ipo.csv is the course's dataset: {data.SHA256[:12]}\n", name
        for cell, printed in zip(code, stdout):
            expected = [line.text for line in snippets.expected_output(cell.source)]
            if expected:
                assert [line.rstrip() for line in printed.rstrip("\n").split("\n")] == expected, cell.source
        checks = [p for c, p in zip(code, stdout) if "check" in c.metadata.get("tags", ())]
        assert checks and all(p.startswith("Not yet: replace each ...") and "Hint" not in p for p in checks), name
        # Run All shows no answer: no solution is a code cell (none ran, none printed), each is a
        # closed <details> of a Markdown cell, and so is each discussion of one.
        assert not any("solution" in c.metadata.get("tags", ()) for c in code), name
        solutions = [c for c in notebook.cells if "solution" in c.metadata.get("tags", ())]
        assert len(solutions) >= len(checks), name
        for cell in solutions:
            assert cell.cell_type == "markdown" and cell.source.startswith("<details>\n<summary>"), cell.source
            assert "<details open" not in cell.source and cell.source.rstrip().endswith("</details>")
        printed = "".join(stdout)
        assert exercises.REFERENCE_PASSES not in printed and "Correct!" not in printed, name
        assert f"SOURCES = [site.rstrip(\"/\") + \"/data/indian_ipo.csv\" for site in SITES if site] + [{data.URL!r}]" in code[0].source
