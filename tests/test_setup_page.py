"""The learner's Set-up page: versions from the project's pins, and a data step that works."""

import re
import shutil
from pathlib import Path

import pytest

from course import ROOT
from course.render import learner


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
    from course.run import data

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
def test_a_learner_follows_the_set_up_page_and_runs_a_downloaded_notebook(built_site, tmp_path, pytestconfig):
    """Read the data step from the served Set-up page (as the browser shows it, with this site's
    address filled in), run it in an empty folder, download a notebook from the site beside it
    and run that notebook to the end in a fresh kernel. Not repeated when it passed before on the
    same Set-up page, notebook, browser, libraries and test (``tests/proofs.py``)."""
    import hashlib
    import importlib.metadata
    import os
    import subprocess
    import sys
    import urllib.request

    import nbformat
    from nbclient import NotebookClient
    from playwright.sync_api import sync_playwright

    from course.run import cache
    from tests import proofs
    from tests.helpers import serve

    chromium = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
    name = "01_deep_learning_fundamentals"
    read = [built_site / "setup" / "index.html", built_site / "notebooks" / name / f"{name}.ipynb"]
    browser_version = subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout
    proof = cache.key(Path(__file__), *(hashlib.sha256(path.read_bytes()).hexdigest() for path in read),
                      browser_version, importlib.metadata.version("playwright"))
    if proofs.proven(pytestconfig, proof):
        print("\nthe Set-up page and the notebook passed before on these exact inputs: not run again")
        return
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

        urllib.request.urlretrieve(f"{url}/notebooks/{name}/{name}.ipynb", folder / f"{name}.ipynb")
    (folder / "data_step.py").unlink()
    notebook = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    assert "Set-up" in notebook.cells[1].source or "verified with" in notebook.cells[1].source
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(folder)}}).execute()
    printed = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert "Shape: (319, 10)" in printed and "gain rate, development rows: 0.537" in printed
    proofs.record(proof, "a learner follows the Set-up page and runs a downloaded notebook")


@pytest.mark.slow
def test_every_downloaded_notebook_is_its_lessons_run_and_gets_its_data_through_the_site(
        built_site, tmp_path, lesson_runs):
    """Each notebook as the built site serves it runs in an empty folder with the data reachable
    only through the site. Proven for every notebook at the cost of its data cell, not of a second
    run of the course: its data cell, run in an empty folder, fetches the course's copy from the
    served site and verifies it; every other code cell is, character for character and in order,
    a cell the lesson's one run executed (so it ran there without an error and printed what the
    page says) and needs nothing only the build has (no ``course`` import, no name the build's own
    cells define, such as ``figures``). Run All shows no answer: each solution and discussion is
    a closed <details> of a Markdown cell. The notebook of Lesson 1 also runs to its end, downloaded
    from the site, in the test above."""
    import ast
    import subprocess
    import sys
    import urllib.request

    import nbformat

    from course.read import source
    from course.run import data
    from tests.helpers import serve

    with serve(built_site) as url:
        for page in source.pages():
            lesson = source.read(page)
            name = lesson.notebook
            folder = tmp_path / name
            folder.mkdir()
            urllib.request.urlretrieve(f"{url}/notebooks/{name}/{name}.ipynb", folder / f"{name}.ipynb")
            notebook = nbformat.read(folder / f"{name}.ipynb", as_version=4)
            code = [c for c in notebook.cells if c.cell_type == "code"]
            fetched = subprocess.run([sys.executable, "-c", code[0].source], cwd=folder, capture_output=True,
                                     text=True, env={"PATH": "/usr/bin:/bin", "COURSE_URL": url})
            assert fetched.returncode == 0, fetched.stderr
            assert fetched.stdout == f"indian_ipo.csv is the course's dataset: {data.SHA256[:12]}\n", name
            assert (folder / data.FILENAME).read_bytes() == data.dataset_path().read_bytes()

            run = source.run_cells(lesson)
            built_only = {c.code for c in run if c.role == "build"}
            defined = {n.id for c in built_only for n in ast.walk(ast.parse(c)) if isinstance(n, ast.Name)}
            defined |= {a.asname or a.name for c in built_only for n in ast.walk(ast.parse(c))
                        if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
            ran = {c.index: c.code for c in run if c.index is not None and c.role not in ("proof", *source.TRIALS)}
            cells = [cell for cell in lesson.cells if cell.kind == "code"]
            position = {id(cell): i for i, cell in enumerate(lesson.code())}
            executed = [ran[position[id(cell)]] for cell in cells if not cell.skipped
                        and cell.role not in (*source.RUN_ONLY, "solution")]
            skipped = [cell.text for cell in cells if cell.skipped]  # marked on the page: never run
            assert [c.source for c in code[:2]] == [c.code for c in run if c.role == "setup"], name
            assert [c.source for c in code[2:] if c.source not in skipped] == executed, (
                f"{name}: a cell the lesson's run did not execute")
            record = lesson_runs[page]
            assert "failed" not in record and all(record["reached"]), f"{name}: its run did not reach every cell"
            for cell in code[2:]:
                tree = ast.parse(cell.source)
                used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
                imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
                imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
                assert not used & defined and "course" not in imported, f"{name}: needs the build: {cell.source[:80]}"
            assert not any("solution" in c.metadata.get("tags", ()) for c in code), name
            solutions = [c for c in notebook.cells if "solution" in c.metadata.get("tags", ())]
            assert len(solutions) >= len([c for c in code if "check" in c.metadata.get("tags", ())]), name
            for cell in solutions:
                assert cell.cell_type == "markdown" and cell.source.startswith("<details>\n<summary>"), cell.source
                assert "<details open" not in cell.source and cell.source.rstrip().endswith("</details>")
