"""A lesson's notebooks are made from its page and its one run: the download a learner runs, and
the view the site shows."""

import hashlib
import os
import shutil

import nbformat
import pytest

from course.read import source
from course.render import learner, notebooks
from course.run import data, exercises, runs

PAGES = source.pages()


@pytest.fixture(scope="module")
def made(lesson_runs):
    """Each lesson's source, run record, download and view."""
    out = {}
    for page in PAGES:
        lesson, record = source.read(page), lesson_runs[page]
        out[page] = (lesson, record, notebooks.assemble(lesson, record, download=True),
                     notebooks.assemble(lesson, record, download=False))
    return out


def _setup_and_title(nb):
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# Lesson ")
    # After the title: the verified-with note, the data cell, the checker.
    assert nb.cells[1].cell_type == "markdown" and "verified with" in nb.cells[1].source
    assert "DATA_SHA256 = " in nb.cells[2].source and exercises.install_line() in nb.cells[2].source
    assert "def check(" in nb.cells[3].source


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_the_download_is_the_page_with_every_answer_closed_under_run_all(page, made):
    """The learner's notebook: the page's blocks as code cells, in page order (the starters as
    given, each check with its hint from the page's ??? tip), its text as Markdown cells; each
    solution and its discussion a closed <details> of a Markdown cell, which Run All never runs;
    no outputs, no figure code, nothing only the build runs."""
    lesson, _record, download, _view = made[page]
    nbformat.validate(download)
    _setup_and_title(download)
    code = [c for c in download.cells[4:] if c.cell_type == "code"]
    assert all(not c.outputs for c in download.cells if c.cell_type == "code")
    shown = [c for c in lesson.code() if c.role not in (*source.RUN_ONLY, "solution")]
    assert len(code) == len(shown)
    hints = {c.exercise: source.hint_text(c.text) for c in lesson.cells if c.role == "hint"}
    for cell, block in zip(code, shown):
        if block.role == "check":
            assert cell.source == source.with_hint(block.text, hints[block.exercise], "") and "hint=" in cell.source
        else:
            assert cell.source == block.text
    solutions = [c for c in lesson.code() if c.role == "solution"]
    closed = [c for c in download.cells if c.cell_type == "markdown" and "solution" in c.metadata.get("tags", ())]
    assert len(solutions) >= 3 and len(closed) >= len(solutions)
    for cell in closed:
        assert cell.source.startswith("<details>\n<summary>") and cell.source.endswith("</details>")
    for solution in solutions:
        assert any(f"```python\n{solution.text.strip()}\n```" in c.source for c in closed)
    text = "\n".join(c.source for c in download.cells[4:])  # after the set-up cells
    assert "reference=True" not in text and "figures.draw" not in text and "{python}" not in text
    assert "_course_" not in text and "??? " not in text and "!!! " not in text


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_the_view_shows_the_runs_outputs_with_solutions_collapsed(page, made):
    lesson, record, _download, view = made[page]
    nbformat.validate(view)
    _setup_and_title(view)
    blocks = [c for c in lesson.code() if c.role not in source.RUN_ONLY]
    code = [c for c in view.cells[4:] if c.cell_type == "code"]
    assert len(code) == len(blocks)
    outputs = [record["outputs"][i] for i, c in enumerate(lesson.code()) if c.role not in source.RUN_ONLY]
    for cell, block, shown in zip(code, blocks, outputs):
        assert [dict(o) for o in cell.outputs] == shown
        hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
        assert hidden == (block.role == "solution" or block.folded), cell.source


def test_code_in_a_note_is_folded_on_the_page_and_in_the_notebooks(tmp_path):
    """Set-up a lesson repeats from an earlier one: a ``??? note`` of plain blocks, collapsed on
    the page (Material renders it), its cells' source hidden in Jupyter, its text kept."""
    page = tmp_path / "09-folded.md"
    page.write_text('# Lesson 9 - Folded\n\nBefore.\n\n??? note "Set-up from Lesson 4"\n\n    It reads the data.\n\n'
                    '    ```python\n    x = 1\n    ```\n\n    And scales it.\n\n    ```python\n    y = x + 1\n    ```\n\n'
                    'After.\n\n```python\nprint(y)\n# Output: 2\n```\n', encoding="utf-8")
    lesson = source.read(page)
    code = lesson.code()
    assert [(c.text, c.folded, c.role) for c in code] == [("x = 1", True, "block"), ("y = x + 1", True, "block"),
                                                          ("print(y)\n# Output: 2", False, "block")]
    text = [c.text for c in lesson.cells if c.kind == "markdown"]
    assert text[1].startswith("**Set-up from Lesson 4**") and "It reads the data." in text[1]
    assert "And scales it." in text[2] and "After." in text[3]
    assert "??? note" in source.for_page(page.read_text(encoding="utf-8"), lesson.name)  # Material folds it


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_the_notebooks_show_the_figures_the_run_drew(page, made):
    """A figure of the page is in the download as the image its run drew (the light variant, on a
    white ground, so that it reads in a dark notebook theme too), and on the site's notebook page
    as the site's own light and dark files; with the page's alt text either way."""
    import base64

    lesson, record, download, view = made[page]
    names = lesson.figure_names()
    assert names and set(names) == set(record["figures"])
    attached = {name: a for c in download.cells for name, a in c.get("attachments", {}).items()}
    assert sorted(attached) == sorted(f"{n}.svg" for n in names)
    for name in names:
        svg = attached[f"{name}.svg"]["image/svg+xml"]
        assert base64.b64decode(svg).decode() == notebooks.source_figure_for_notebook(record["figures"][name])
    shown = "\n".join(c.source for c in view.cells if c.cell_type == "markdown")
    assert not any(c.get("attachments") for c in view.cells)
    for name in names:
        for theme in ("light", "dark"):
            assert f"](../../figures/{lesson.name}/{name}-{theme}.svg#only-{theme})" in shown


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_run_reports_the_versions_and_device(page, lesson_runs):
    report = runs._stdout(lesson_runs[page]["setup"][1]).splitlines()
    assert report[0].startswith("Your versions are the ones this course was verified with: torch ")
    assert report[-1].startswith("Device: ")


def test_the_checker_says_plainly_whether_an_answer_is_right(capsys):
    namespace = {}
    exec(exercises.setup_cells()[1], namespace)
    capsys.readouterr()  # the version report
    check, verdict = namespace["check"], namespace["_verdict"]
    expected = exercises.encode((497, "Issue_Size"))
    assert "497" not in expected and "Issue" not in expected  # not readable at a glance
    assert check((497.0, " issue_size"), expected, "count the weights") is None  # Jupyter shows no Out[]
    assert "Correct!" in capsys.readouterr().out  # 497 == 497.0, and case does not matter
    assert verdict((497.0, " issue_size"), expected, "count the weights", 0.0005, False) is True
    capsys.readouterr()
    check((..., "Issue_Size"), expected, "count the weights")
    said = capsys.readouterr().out
    assert said.startswith("Not yet: replace each ...") and "Hint" not in said  # the hint waits for a try
    check((498, "Issue_Size"), expected, "count the weights")
    assert capsys.readouterr().out == "Not yet: that is not the expected answer.\nHint: count the weights\n"
    check((497, "Issue_Size"), expected, reference=True)  # how a solution cell proves itself
    assert capsys.readouterr().out == "The reference solution passes this check.\n"
    check((498, "Issue_Size"), expected, reference=True)
    assert capsys.readouterr().out == ("The reference solution does NOT pass this check: its answer, "
                                       f"encoded, is {exercises.encode((498, 'Issue_Size'))!r}.\n")
    check(0.74249, exercises.encode(0.742), "", digits=3)  # within half a unit of the third decimal
    assert capsys.readouterr().out.startswith("Correct!")
    check(0.7426, exercises.encode(0.742), "", digits=3)
    assert capsys.readouterr().out.startswith("Not yet")
    check(0.75, exercises.encode(0.742), "", tol=0.01)  # a tolerance of its own
    assert capsys.readouterr().out.startswith("Correct!")


def test_the_notebook_says_when_the_learners_versions_differ(monkeypatch, capsys):
    """The checker cell reports the learner's versions of the libraries whose numbers the lessons
    print, against those the course was verified with, and the device the lessons will use."""
    import importlib.metadata

    namespace = {}
    exec(exercises.setup_cells()[1], namespace)
    same = capsys.readouterr().out.splitlines()
    pinned = dict(learner.learner_pins())
    device = f"Device: {namespace['_device']()}"  # cpu here; cuda or mps on an author's machine
    assert same == ["Your versions are the ones this course was verified with: " + ", ".join(
        f"{name} {pinned[name]}" for name in exercises.VERSIONS_REPORTED) + ".", device]
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "2.5.1+cu121" if name == "torch" else real(name))
    namespace["report_versions"]()
    assert capsys.readouterr().out.splitlines() == [
        f"Your versions differ from the ones this course was verified with: torch 2.5.1+cu121 "
        f"(verified with {pinned['torch']}).",
        "Printed outputs may differ in their last digits, which the checks allow for. A torch release that draws"
        " other random numbers deals other rows: then every number, and the checks' answers, differ.",
        device,
    ]




def _data_cell(folder, course_url=None):
    """Run the data cell in ``folder``; the dataset's public copy stands in as an address that
    never answers (``PUBLIC``), so the test means the same on a machine with a network."""
    import subprocess
    import sys

    cell = exercises.setup_cells()[0]
    assert cell.count(repr(data.URL)) == 1
    (folder / "cell.py").write_text(cell.replace(repr(data.URL), repr(PUBLIC)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COURSE_URL"}
    if course_url:
        env["COURSE_URL"] = course_url  # a course site's address, tried first
    return subprocess.run([sys.executable, "cell.py"], cwd=folder, capture_output=True, text=True, env=env)


PUBLIC = "file:///nowhere/indian_ipo.csv"


def test_the_data_cell_downloads_the_course_copy_and_verifies_it(tmp_path):
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    shutil.copyfile(data.dataset_path(), site / "data" / data.FILENAME)
    learner_dir = tmp_path / "learner"
    learner_dir.mkdir()
    result = _data_cell(learner_dir, site.as_uri())
    assert result.stdout == f"indian_ipo.csv is the course's dataset: {data.SHA256[:12]}\n", result.stderr
    assert (learner_dir / data.FILENAME).read_bytes() == (site / "data" / data.FILENAME).read_bytes()
    assert not list(learner_dir.glob("*.download"))

    (learner_dir / data.FILENAME).write_bytes(b"not the dataset")  # a file beside it is used, and checked
    result = _data_cell(learner_dir, site.as_uri())
    assert result.returncode != 0 and result.stderr.strip().splitlines() == [
        f"indian_ipo.csv beside this notebook is not the course's dataset (SHA-256 "
        f"{hashlib.sha256(b'not the dataset').hexdigest()[:12]}, expected {data.SHA256[:12]}): delete it "
        "and run this cell again."
    ]

    # A bad download is refused, and the next source is tried: here the dataset's public copy,
    # which this offline machine cannot reach. The one message names every source tried.
    (learner_dir / data.FILENAME).unlink()
    (site / "data" / data.FILENAME).write_text("a truncated download")
    result = _data_cell(learner_dir, site.as_uri())
    message = result.stderr.strip().splitlines()
    assert result.returncode != 0 and len(message) == 1 and message[0].startswith("Could not get indian_ipo.csv: ")
    assert f"{site.as_uri()}/data/indian_ipo.csv is not the course's dataset" in message[0]
    assert f"{PUBLIC} did not answer" in message[0]
    assert not (learner_dir / data.FILENAME).exists() and not list(learner_dir.glob("*.download"))

    # No course site known (a local build): the public copy alone, never a placeholder.
    result = _data_cell(learner_dir)
    message = result.stderr.strip().splitlines()
    assert result.returncode != 0 and len(message) == 1
    assert message[0].startswith(f"Could not get indian_ipo.csv: {PUBLIC} did not answer")
    assert "YOUR-COURSE-SITE" not in exercises.setup_cells()[0]


def test_rendered_notebooks_lose_their_remote_scripts():
    html = (
        '<p>keep</p><!-- Load mathjax -->\n<script src=""> </script>\n<script>init()</script>\n'
        '<!-- End of mathjax configuration --><script type="module">\n'
        'await import("https://cdn.example/mermaid.esm.min.mjs")</script><script>other()</script>'
    )
    assert notebooks.strip_remote_scripts(html) == "<p>keep</p><script>other()</script>"


def test_split_stream_outputs_are_merged():
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1); print(2)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="1\n"),
        nbformat.v4.new_output("stream", name="stdout", text="2\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
        nbformat.v4.new_output("stream", name="stdout", text="3\n"),
    ]
    nb.cells.append(cell)
    runs.coalesce_streams(nb)
    assert [(o.name, o.text) for o in nb.cells[0].outputs] == [
        ("stdout", "1\n2\n"), ("stderr", "warning\n"), ("stdout", "3\n"),
    ]


def test_solutions_are_collapsed_on_the_rendered_page():
    cell = ('<div class="jp-Cell jp-CodeCell jp-Notebook-cell celltag_{tag}">\n'
            '<div class="jp-Cell jp-CodeCell jp-Notebook-cell celltag_{tag}" id="cell-id=cell-{n}">'
            '<div class="jp-Cell-inputWrapper"><pre>code</pre></div><div><pre>output</pre></div></div>\n</div>\n')
    html = ('<div class="jp-Notebook">' + cell.format(tag="starter", n=1) + cell.format(tag="solution", n=2)
            + cell.format(tag="check", n=3) + "</div>")
    collapsed = exercises.collapse_solutions(html)
    assert collapsed.count("<details") == 1 and collapsed.replace(
        '<details class="notebook-solution"><summary>Solution (try the exercise first)</summary>\n', ""
    ).replace("\n</details>", "") == html
    wrapped = collapsed.split("<details")[1].split("</details>")[0]
    assert "cell-2" in wrapped and "cell-1" not in wrapped and "cell-3" not in wrapped
    markdown = '<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell" id="cell-id=cell-{n}"><p>text</p></div>\n'
    html += markdown.format(n=4) + markdown.format(n=5)
    collapsed = exercises.collapse_solutions(html, ("cell-5",))
    assert collapsed.count("<details") == 2 and "cell-5" in collapsed.split("<details")[2]
    assert "cell-4" not in collapsed.split("<details")[2]


def _said(text):
    return {"outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}


def test_the_build_proves_every_exercise_and_names_the_line_that_fails():
    """What the run printed proves each exercise: the check after the untouched starter said
    "Not yet" without its hint (that is for after a try), and the solution's own check passed;
    a problem names the lesson file and the line of its block."""
    from tests import scratch

    page = scratch.SMALL_COURSE / "docs" / "lessons" / "01-counting.md"
    lesson = source.read(page)
    plan = source.run_cells(lesson)
    good = {"starter": "", "check": "Not yet: replace each ... in the cell above with your answer\n",
            "proof": exercises.REFERENCE_PASSES + "\n", "alternative": exercises.ALTERNATIVE_PASSES + "\n",
            "wrong": exercises.WRONG_FAILS + "\n"}
    cells = [_said(good.get(p.role, "")) for p in plan]
    proof = exercises.proven_in_build(lesson, plan, cells)
    assert proof.counts() == [1, 1, 1, 1, 2] and proof.problems == []

    line = {c.role: c.line for c in lesson.code()}
    for role, said, problem in [
        ("check", "Correct! ...\n", "this check does not fail the untouched starter (without giving its hint "
                                    "away); it printed 'Correct! ...'"),
        ("check", "Not yet: replace each ...\nHint: look\n", "this check does not fail the untouched starter "
                                                             "(without giving its hint away); it printed "
                                                             "'Not yet: replace each ...\\nHint: look'"),
        ("proof", "The reference solution does NOT pass this check.\n",
         "this solution does not pass its exercise's check; it printed 'The reference solution does NOT pass "
         "this check.'"),
        ("alternative", "This other right answer does NOT pass the exercise's check: the check rejects it.\n",
         "This other right answer does NOT pass the exercise's check: the check rejects it."),
    ]:
        bad = [_said(said) if p.role == role else c for p, c in zip(plan, cells)]
        at = line["check" if role == "check" else "alternative" if role == "alternative" else "solution"]
        assert exercises.proven_in_build(lesson, plan, bad).problems == [
            f"{source.relative(page)}:{at}: {problem}"]


def test_a_hint_and_a_proof_are_added_to_checks_with_text_beyond_ascii():
    """ast counts columns in UTF-8 bytes: a hint such as "a × b" must not shift the parenthesis."""
    check = source.with_hint('check((a, b), "eA==")  # “both”', "Each layer has a × b weights", "w")
    assert check == 'check((a, b), "eA==", hint=\'Each layer has a × b weights\')  # “both”'
    proof = exercises.reference_check(check)
    assert proof.splitlines()[1] == 'check((a, b), "eA==", hint=\'Each layer has a × b weights\', reference=True)  # “both”'
    compile(proof, "<proof>", "exec")


def test_text_for_the_page_alone_is_left_out_of_the_notebooks():
    text = ("Set up first.\n\n<!-- page only -->\nThe **Download** button at the top of this page.\n"
            "<!-- /page only -->\n\nThen read on.")
    shown = source.notebook_markdown(text, {}, "", {})
    assert "Download" not in shown and "page only" not in shown
    assert "Set up first." in shown and "Then read on." in shown
