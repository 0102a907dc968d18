"""Companion notebooks run top to bottom and print what their ``# Output:`` comments say."""

import hashlib
import os
import shutil

import matplotlib.pyplot as plt
import pytest

from course import ROOT, data, exercises, learner, notebooks, pages, prose, snippets
from course.pytest_plugin import check_prose, record_update
from course.percent import code_cells

SOURCES = notebooks.sources()


def test_every_lesson_has_a_notebook():
    lessons = sorted(p.stem.replace("-", "_") for p in (ROOT / "docs" / "lessons").glob("*.md"))
    assert lessons == [p.stem for p in SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_a_notebook_the_tests_execute_keeps_its_figures(source, request):
    """The tests execute notebooks from a process that draws off-screen (``MPLBACKEND=Agg``), into
    the cache the build publishes from: each cell that shows a figure still holds it, as an image
    on the notebook's page, exactly as a build started from a shell would have it."""
    checked = sorted({item.callspec.params["source"] for item in request.session.items
                      if getattr(item, "originalname", "") == "test_notebook_runs_and_prints_its_documented_output"})
    run = notebooks.run_for_tests(source, data.dataset_path(), among=checked or [source])
    showing = [cell for cell in code_cells(source) if "plt.show()" in cell.source]
    assert showing, f"{source.name} shows no figure: this test would prove nothing"
    assert run["html"].count("data:image/png;base64,") == len(showing)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_notebook_runs_and_prints_its_documented_output(source, tmp_path, monkeypatch, pytestconfig, request):
    """The notebook as the build executes it (in a Jupyter kernel, in the build's pool, from the
    same cache): every code cell prints what its ``# Output:`` comments say, every exercise is
    proven (the untouched starter fails its check with a hint, the solution passes it), and every
    number in its Markdown is bound."""
    if pytestconfig.getoption("--update-outputs"):
        return _run_in_process(source, tmp_path, monkeypatch, pytestconfig, request)
    import nbformat

    filename = str(source.relative_to(ROOT))
    cells = code_cells(source)
    assert cells, f"{filename} has no code cells"
    checked = sorted({item.callspec.params["source"] for item in request.session.items
                      if getattr(item, "originalname", "") == "test_notebook_runs_and_prints_its_documented_output"})
    run = notebooks.run_for_tests(source, data.dataset_path(), among=checked)
    executed = run["cells"]
    setup = len(exercises.setup_cells())  # the generated set-up cells come first: data, then `check`
    assert len(executed) == setup + len(cells)
    printed = [cell["stdout"] for cell in executed[:setup]]
    problems, checked = [], 0
    for cell, done in zip(cells, executed[setup:]):
        assert done["source"].startswith(cell.source.strip()), f"{filename}:{cell.first_lineno}"
        if {"starter", "check"} & set(cell.tags):  # what they print is the exercise proof's to judge
            continue
        printed.append(done["stdout"])
        # A solution cell ends with its check, added by the build: its output is documented too.
        expected = snippets.expected_output(done["source"], cell.first_lineno)
        problem = snippets.compare(expected, done["stdout"], filename)
        if problem:
            problems.append(problem)
        checked += len(expected)
    notebook = nbformat.v4.new_notebook()
    for done in executed:
        out = nbformat.v4.new_code_cell(done["source"], metadata={"tags": done["tags"]})
        out.outputs = [nbformat.v4.new_output("stream", name="stdout", text=done["stdout"])]
        notebook.cells.append(out)
    proof = exercises.proven_in_build(source, notebook)
    if proof.exercises != len([c for c in cells if "starter" in c.tags]) or proof.exercises < 3:
        proof.problems.append(f"{filename}: {proof.exercises} exercises proven; every notebook has at least three")
    pytestconfig._exercise_proofs[filename] = proof
    problems += proof.problems
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
    # The numbers in the Markdown cells: shown by the notebook's own output, or declared on its page.
    check_notebook_prose(pytestconfig, source, "".join(printed))
    assert checked, f"{filename} documents no output at all"


def check_notebook_prose(pytestconfig, source, printed: str) -> None:
    filename = str(source.relative_to(ROOT))
    text = source.read_text(encoding="utf-8")
    literals = prose.literals_of(pages.notebook_page(source).read_text(encoding="utf-8"))
    found = prose.scan(prose.notebook_prose(text), filename, literals)
    found.unused_literals = []  # the page's literals need not all appear in its notebook
    for inline in found.inline:
        found.problems.append(f"{filename}:{inline.lineno}: notebooks print values; "
                              "`{python} ...` works on lesson pages only")
    try:
        check_prose(pytestconfig, filename, found, printed, None)
    except prose.ProseError as exc:
        pytest.fail(str(exc), pytrace=False)


def _run_in_process(source, tmp_path, monkeypatch, pytestconfig, request):
    """``make outputs``: run the notebook's source here, cell by cell, rewriting each cell's
    comments to what it prints, and report the Markdown numbers the new outputs no longer back.
    (Its exercises are proven by the build and by the test above, on the executed notebook.)"""
    shutil.copyfile(data.dataset_path(), tmp_path / data.FILENAME)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__main__"}
    filename = str(source.relative_to(ROOT))
    printed = []
    request.addfinalizer(lambda: plt.close("all"))  # notebooks draw; do not let figures pile up
    # The generated set-up cells come first in the built notebook: the dataset, then `check`.
    for code in exercises.setup_cells():
        printed.append(snippets.run(code, namespace, f"{filename} (generated set-up cell)"))
    for cell in code_cells(source):
        if {"starter", "check"} & set(cell.tags):  # they run, as in the notebook; they document nothing
            snippets.run(cell.source, namespace, filename, cell.first_lineno)
            continue
        new = snippets.updated(cell.source, namespace, filename, cell.first_lineno, printed)
        record_update(pytestconfig, source, cell.first_lineno, cell.source, new)
    check_notebook_prose(pytestconfig, source, "".join(printed))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_the_download_keeps_every_answer_closed_under_run_all(source):
    """The learner's notebook: each solution (and its discussion) is a closed <details> of a
    Markdown cell, which Run All never executes, with the solution's code as the build ran it
    (less the proof the build appends); everything else is the notebook the build executes."""
    import nbformat

    built = nbformat.reads(notebooks.to_ipynb(source), as_version=4)
    download = nbformat.reads(notebooks.to_ipynb(source, download=True), as_version=4)
    nbformat.validate(download)
    assert len(built.cells) == len(download.cells)
    for ran, given in zip(built.cells, download.cells):
        if "solution" not in ran.metadata.get("tags", ()):
            assert given == ran
            continue
        assert given.cell_type == "markdown"
        assert given.source.startswith("<details>\n<summary>") and given.source.endswith("</details>")
        if ran.cell_type == "code":
            code = ran.source.split("\n\n# The check above, on this solution's answer:")[0].strip()
            assert f"```python\n{code}\n```" in given.source and "reference=True" not in given.source


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_notebook_converts_with_a_python_kernel(source):
    import nbformat

    nb = nbformat.reads(notebooks.to_ipynb(source), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    # After the title: the verified-with note with the install line, the data cell, the checker.
    assert nb.cells[1].cell_type == "markdown" and "verified with" in nb.cells[1].source
    assert [c.cell_type for c in nb.cells[2:4]] == ["code", "code"]
    assert "DATA_SHA256 = " in nb.cells[2].source and exercises.install_line() in nb.cells[2].source
    assert "def check(" in nb.cells[3].source
    # Each exercise: prompt, starter, check, solution (collapsed), in that order.
    roles = [next((t for t in exercises.TAGS if t in c.metadata.get("tags", ())), c.cell_type) for c in nb.cells]
    headings = [c for c in nb.cells if c.cell_type == "markdown" and "### Exercise" in c.source]
    starts = [i for i, role in enumerate(roles) if role == "starter"]
    assert len(starts) == len(headings) >= 3
    for i in starts:
        assert roles[i - 1] == "markdown" and roles[i + 1: i + 3] == ["check", "solution"], nb.cells[i].source
    for cell in nb.cells:
        hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
        assert hidden == ("solution" in cell.metadata.get("tags", ())), cell.source


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
        "Printed outputs may differ in their last digits; the checks still apply.",
        device,
    ]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_every_notebook_reports_the_versions_and_device(source, request):
    checked = sorted({item.callspec.params["source"] for item in request.session.items
                      if getattr(item, "originalname", "") == "test_notebook_runs_and_prints_its_documented_output"})
    run = notebooks.run_for_tests(source, data.dataset_path(), among=checked or [source])
    report = run["cells"][1]["stdout"].splitlines()
    assert report[0].startswith("Your versions are the ones this course was verified with: torch ")
    assert report[-1].startswith("Device: ")


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
    notebooks.coalesce_streams(nb)
    assert [(o.name, o.text) for o in nb.cells[0].outputs] == [
        ("stdout", "1\n2\n"), ("stderr", "warning\n"), ("stdout", "3\n"),
    ]


def _code_only(code: str) -> tuple[str, ...]:
    """A block's code lines without comments and blank lines: what it runs, not what it documents."""
    lines = []
    for line in code.splitlines():
        text = line.split("  #")[0].rstrip() if not line.lstrip().startswith("#") else ""
        if text.strip():
            lines.append(text)
    return tuple(lines)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_code_shared_with_the_page_documents_the_same_output(source):
    """Where a notebook cell runs the same code as a block of its page, both document the same
    output; each is checked against a real run, so the two print the same values."""
    from course.pytest_plugin import python_blocks

    page = {_code_only(b.code): b for b in python_blocks(pages.notebook_page(source))}
    shared = 0
    for cell in code_cells(source):
        block = page.get(_code_only(cell.source))
        expected = [line.text for line in snippets.expected_output(cell.source)]
        if block is None or not expected:
            continue
        shared += 1
        assert expected == [line.text for line in snippets.expected_output(block.code)], (
            f"{source.relative_to(ROOT)}:{cell.first_lineno} documents other output than "
            f"{pages.notebook_page(source).relative_to(ROOT)}:{block.lineno} for the same code"
        )
    assert shared, f"{source.name} shares no documented code with its page"


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


def _said(cell, text):
    import nbformat

    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]


def test_the_build_proves_every_exercise_and_names_the_cell_that_fails():
    """What the executed notebook printed proves each exercise: the check after the untouched
    starter said "Not yet" without its hint (that is for after a try), and the solution's own
    check passed."""
    import nbformat

    source = SOURCES[0]
    executed = nbformat.reads(notebooks.to_ipynb(source), as_version=4)
    checks = [c for c in executed.cells if "check" in c.metadata.get("tags", ())]
    solutions = [c for c in executed.cells if c.cell_type == "code" and "solution" in c.metadata.get("tags", ())]
    assert len(checks) == len(solutions) >= 3
    for check, solution in zip(checks, solutions):
        assert solution.source.endswith(f", reference=True)\n# Output: {exercises.REFERENCE_PASSES}")
        _said(check, "Not yet: replace each ... in the cell above with your answer\n")
        _said(solution, f"largest values: Issue_Size\n{exercises.REFERENCE_PASSES}\n")
    proof = exercises.proven_in_build(source, executed)
    assert (proof.exercises, proof.solutions_pass, proof.starters_fail, proof.problems) == (len(checks),) * 3 + ([],)

    lines = {c.source: c.first_lineno for c in code_cells(source)}
    _said(checks[1], "Correct! ...\n")  # a check that passes the untouched starter
    _said(checks[2], "Not yet: replace each ...\nHint: look\n")  # one that gives its hint away at once
    solution_line = next(line for code, line in lines.items() if solutions[2].source.startswith(code.strip()))
    _said(solutions[2], "The reference solution does NOT pass this check.\n")  # a changed solution
    assert exercises.proven_in_build(source, executed).problems == [
        f"lessons_src/{source.name}:{lines[checks[1].source]}: this check does not fail the untouched "
        "starter (without giving its hint away); it printed 'Correct! ...'",
        f"lessons_src/{source.name}:{lines[checks[2].source]}: this check does not fail the untouched "
        "starter (without giving its hint away); it printed 'Not yet: replace each ...\\nHint: look'",
        f"lessons_src/{source.name}:{solution_line}: this solution does not pass its exercise's check; "
        "it printed 'The reference solution does NOT pass this check.'",
    ]
