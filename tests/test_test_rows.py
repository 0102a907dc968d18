"""The test rows are scored once: no lesson block before the final evaluation touches them.

From Lesson 3 on, the pages set 64 test rows aside (``test_df``) and score them in one block only,
the one marked ``FINAL EVALUATION`` at the end of the module's evaluation. Two guards prove it:

- every block runs against a copy of the dataset in which the *values* of the test rows are
  scrambled (features changed, labels flipped); every block before and after the final one must
  still print exactly its documented output, so nothing it prints depends on those rows, whatever
  name reached them (``test_df``, ``df``, the split's indices);
- ``test_df`` itself is replaced, after the block that creates it, by an object that raises on any
  use; only the final block sees the real one.

The final block is the control: with the test rows scrambled its output must change, so the
scrambling does reach the blocks that use them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from course import ROOT
from course.check import snippets
from course.read import lessons, source
from course.run import data
from course.check.pytest_plugin import python_blocks
from tests import proofs

FINAL_MARKER = "FINAL EVALUATION"
GUARDED = ("test_df",)
LESSONS = [p for p in sorted((ROOT / "docs" / "lessons").glob("*.md")) if int(p.stem[:2]) >= 3]
FINAL = next(lesson.page for lesson in lessons.course() if lesson.final_evaluation)
NUMERIC = ["Issue_Size", "Subscription_QIB", "Subscription_HNI", "Subscription_RII",
           "Subscription_Total", "Issue_Price", "Listing_Gains_Percent"]


class GuardTripped(AssertionError):
    pass


class Guard:
    """Stands in for the test rows; any use at all raises."""

    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def _refuse(self, *args, **kwargs):
        raise GuardTripped(f"{object.__getattribute__(self, '_name')} used before the final evaluation")

    def __getattribute__(self, attr):
        if attr in ("_refuse", "__class__"):
            return object.__getattribute__(self, attr)
        object.__getattribute__(self, "_refuse")()

    __len__ = __getitem__ = __iter__ = __array__ = __bool__ = __eq__ = __setitem__ = _refuse
    __add__ = __sub__ = __mul__ = __truediv__ = __contains__ = __call__ = _refuse
    __hash__ = None


def the_test_rows() -> list[int]:
    """The positions of the 64 test rows the lessons set aside: the last fifth of a seeded
    permutation, as the lessons' first block draws it (and ``run_guarded`` checks that the
    ``test_df`` they build holds exactly these)."""
    import torch

    perm = torch.randperm(319, generator=torch.Generator().manual_seed(42)).numpy()
    return sorted(int(i) for i in perm[int(0.8 * 319):])


def scrambled_dataset(path) -> str:
    """The dataset's text with the test rows' numbers changed and their labels flipped."""
    rows = set(the_test_rows())  # positions in the file (a RangeIndex)
    assert len(rows) == 64
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    for i, row in enumerate(reader):
        if i in rows:
            for col in NUMERIC:
                value = float(row[col]) * 3 + 7
                row[col] = str(int(value)) if row[col].lstrip("-").isdigit() else f"{value:.2f}"
            row["Listing_Gains"] = str(1 - int(row["Listing_Gains"]))
        writer.writerow(row)
    return out.getvalue()


def units(path):
    """(first line, code, role) of each block of a page, in order: what its run executes."""
    return [(b.lineno + 1, b.code, source.role_of(b.info)) for b in python_blocks(path) if not b.skipped()]


class NoDrawing:
    """``figures`` here: a figure block's data is computed (and so guarded), nothing is drawn."""

    def draw(self, name, *args, **kwargs):
        pass


def run_guarded(path) -> bool:
    """Run every block of ``path`` (checks and figure blocks too, their data computed, nothing
    drawn or compared); raise if one before or after the final block uses the test rows."""
    namespace = {"__name__": "__main__", "figures": NoDrawing(), "check": lambda *args, **kwargs: None}
    hidden = {}
    filename = str(path.relative_to(ROOT))
    found_final = False
    for lineno, code, role in units(path):
        final = FINAL_MARKER in code
        if final:
            assert not found_final, f"{filename}:{lineno}: a second {FINAL_MARKER} block"
            found_final = True
            namespace.update(hidden)
            try:
                printed = snippets.run(code, namespace, filename, lineno)
            except snippets.SnippetError:
                printed = None  # it could not even run on scrambled test rows: it uses them
            expected = snippets.expected_output(code, lineno)
            assert printed is None or snippets.compare(expected, printed, filename), (
                f"{filename}:{lineno}: the final evaluation printed its documented output although "
                "the test rows were scrambled: the scrambling does not reach it")
        elif role in source.TRIALS:  # another answer to an exercise: tried on a copy in the run
            continue
        elif role in source.HIDDEN:
            snippets.run(code, namespace, filename, lineno)
        else:
            snippets.check(code, namespace, filename, lineno)
        for name in GUARDED:
            value = namespace.get(name)
            if value is not None and not isinstance(value, Guard):
                assert sorted(value.index) == the_test_rows(), f"{filename}:{lineno}: {name} is not the test rows"
                hidden[name] = value
                namespace[name] = Guard(name)
    return found_final


@pytest.fixture
def scrambled_workdir(tmp_path, monkeypatch):
    (tmp_path / data.FILENAME).write_text(scrambled_dataset(data.dataset_path()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    yield tmp_path
    import matplotlib.pyplot as plt

    plt.close("all")


def guarded_proof(page) -> str:
    """The key of the scrambled run of ``page``: the code it runs, and (``course.run.cache.key``) this
    test module with every project module it imports, the dataset, the library versions and the
    environment runs get; a lesson's check passed on exactly these is not repeated (tests/proofs.py)."""
    import json

    from course.run import cache

    return cache.key(Path(__file__), json.dumps(units(page)), str(page == FINAL))


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_no_block_before_the_final_evaluation_touches_the_test_rows(page, request):
    proof = guarded_proof(page)
    if proofs.proven(request.config, proof):
        print(f"\n{page.name}: passed before on this exact code, data and environment: not run again")
        return
    request.getfixturevalue("scrambled_workdir")
    found_final = run_guarded(page)
    if page == FINAL:
        assert found_final, (f"{page.name} declares final_evaluation: true, so it must score the test "
                             f"rows in a {FINAL_MARKER} block")
    proofs.record(proof, f"no block of {page.name} before the final evaluation touches the test rows")


def test_the_module_scores_the_test_rows_in_one_block_of_the_lesson_that_says_so():
    """Which lesson holds the final evaluation is declared in its front matter, not assumed."""
    finals = [(p.name, lineno) for p in LESSONS for lineno, code, _ in units(p) if FINAL_MARKER in code]
    assert len(finals) == 1, finals
    assert finals[0][0] == FINAL.name, f"the {FINAL_MARKER} block is in {finals[0][0]}, but {FINAL.name} declares it"
    assert "## The final evaluation" in FINAL.read_text(encoding="utf-8")


def test_the_guard_refuses_any_use():
    import pandas as pd

    guard = Guard("test_df")
    for use in (lambda g: g["Listing_Gains"], lambda g: g.iloc, lambda g: len(g), lambda g: list(g),
                lambda g: pd.concat([g]), lambda g: g == 1, lambda g: g.to_numpy()):
        with pytest.raises(GuardTripped):
            use(guard)


def test_the_scrambled_dataset_changes_only_the_test_rows():
    original = pd_read(data.dataset_path().read_text(encoding="utf-8"))
    scrambled = pd_read(scrambled_dataset(data.dataset_path()))
    rows = the_test_rows()
    others = [i for i in range(len(original)) if i not in set(rows)]
    assert original.iloc[others].equals(scrambled.iloc[others])
    assert (original.iloc[rows]["Listing_Gains"] != scrambled.iloc[rows]["Listing_Gains"]).all()
    assert list(original.dtypes) == list(scrambled.dtypes)


def pd_read(text):
    import pandas as pd

    return pd.read_csv(io.StringIO(text))
