"""Companion notebooks run top to bottom and print what their ``# Output:`` comments say."""

import os
import shutil

import matplotlib.pyplot as plt
import pytest

from course import ROOT, data, exercises, notebooks, pages, prose, snippets
from course.pytest_plugin import check_prose, record_update
from course.percent import code_cells

SOURCES = notebooks.sources()


def test_every_lesson_has_a_notebook():
    lessons = sorted(p.stem.replace("-", "_") for p in (ROOT / "docs" / "lessons").glob("*.md"))
    assert lessons == [p.stem for p in SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_notebook_runs_and_prints_its_documented_output(source, tmp_path, monkeypatch, pytestconfig, request):
    shutil.copyfile(data.dataset_path(), tmp_path / data.FILENAME)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__main__"}
    filename = str(source.relative_to(ROOT))
    cells = code_cells(source)
    assert cells, f"{filename} has no code cells"
    checked, printed = 0, []
    request.addfinalizer(lambda: plt.close("all"))  # notebooks draw; do not let figures pile up
    # The generated set-up cells come first in the built notebook: the dataset, then `check`.
    for code in exercises.setup_cells():
        printed.append(exercises.run_quietly(code, namespace, f"{filename} (generated set-up cell)"))
    proof = exercises.Proof()
    starter = check = None
    for cell in cells:
        where = f"{filename}:{cell.first_lineno}"
        role = next((tag for tag in exercises.TAGS if tag in cell.tags), None)
        if role == "starter":
            if starter is not None:
                proof.problems.append(f"{where}: a starter cell before the previous exercise's solution")
            starter, check = cell, None
            proof.exercises += 1
            exercises.run_quietly(cell.source, namespace, filename)  # it must run as given
            continue
        if role == "check":
            if starter is None:
                proof.problems.append(f"{where}: a check cell without a starter cell before it")
                continue
            check = cell
            passed, said = exercises.run_check(cell.source, namespace, filename)
            if passed is None:
                proof.problems.append(f"{where}: the check cell calls check() nowhere")
            elif passed:
                proof.problems.append(f"{where}: Exercise {proof.exercises}'s untouched starter "
                                      f"({filename}:{starter.first_lineno}) passes its check")
            elif "Hint: " not in said:
                proof.problems.append(f"{where}: Exercise {proof.exercises}'s check fails the starter "
                                      f"without a hint; it printed {said!r}")
            else:
                proof.starters_fail += 1
            continue
        if pytestconfig.getoption("--update-outputs"):
            new = snippets.updated(cell.source, namespace, filename, cell.first_lineno, printed)
            record_update(pytestconfig, source, cell.first_lineno, cell.source, new)
        else:
            printed.append(snippets.check(cell.source, namespace, filename, cell.first_lineno))
            checked += len(snippets.expected_output(cell.source))
        if role == "solution":
            if check is None:
                proof.problems.append(f"{where}: a solution cell without a starter and a check before it")
                continue
            passed, said = exercises.run_check(check.source, namespace, filename)
            if not passed:
                proof.problems.append(
                    f"{where}: Exercise {proof.exercises}'s solution fails its check "
                    f"({filename}:{check.first_lineno}): {said.strip()!r}; the solution's answer has "
                    f"fingerprint {exercises.answer_fingerprint(check.source, namespace)!r}")
            else:
                proof.solutions_pass += 1
            starter = check = None
    if starter is not None:
        proof.problems.append(f"{filename}:{starter.first_lineno}: an exercise without a solution cell")
    pytestconfig._exercise_proofs[filename] = proof
    if proof.problems:
        pytest.fail("\n".join(proof.problems), pytrace=False)
    # The numbers in the Markdown cells: shown by the notebook's own output, or declared on its page.
    text = source.read_text(encoding="utf-8")
    literals = prose.literals_of(pages.notebook_page(source).read_text(encoding="utf-8"))
    found = prose.scan(prose.notebook_prose(text), filename, literals)
    found.unused_literals = []  # the page's literals need not all appear in its notebook
    for inline in found.inline:
        found.problems.append(f"{filename}:{inline.lineno}: notebooks print values; "
                              "`{python} ...` works on lesson pages only")
    try:
        check_prose(pytestconfig, filename, found, "".join(printed), None)
    except prose.ProseError as exc:
        pytest.fail(str(exc), pytrace=False)
    if pytestconfig.getoption("--update-outputs"):
        return
    assert checked, f"{filename} documents no output at all"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_notebook_converts_with_a_python_kernel(source):
    import nbformat

    nb = nbformat.reads(notebooks.to_ipynb(source), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


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
