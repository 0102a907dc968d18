"""Exercises a learner can work in: try first, then check, then see the solution.

In a notebook source (``lessons_src/NN_name.py``) each exercise is a Markdown prompt followed by
three tagged code cells, in this order:

- ``# %% tags=["starter"]``: runs as given and leaves ``...`` where the learner writes;
- ``# %% tags=["check"]``: ``check(answer, "fingerprint", "hint")`` prints plainly whether the
  answer is right, and the hint when it is not;
- ``# %% tags=["solution"]``: the reference solution; the build marks it collapsed
  (``"jupyter": {"source_hidden": true}``), so it is not read by accident.

``check`` compares a fingerprint of the answer (a short SHA-256 of a canonical text of it, floats
at the precision asked for) with the one written in the check cell, so the cell does not give the
answer away. Every notebook gets two generated code cells first (``setup_cells``): one that makes
sure ``indian_ipo.csv`` is the course's dataset (beside the notebook, or downloaded from the
course site and verified), and one that defines ``check`` and the figures' light style. The tests
prove every exercise: the untouched starter fails its check with the hint as message, and the
reference solution passes it. The build proves it in every notebook it executes (each solution
cell ends with its check, run with ``reference=True``; see ``proven_in_build``), and
``tests/test_notebooks.py`` reads the same proof from the same executed notebook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from course import data, learner

PLACEHOLDER_URL = "https://YOUR-COURSE-SITE"
TAGS = ("starter", "check", "solution")


def fingerprint(value, digits: int = 3) -> str:
    """The fingerprint ``check`` compares (the same code runs in every notebook, see CHECKER)."""
    namespace: dict = {}
    exec(CHECKER_CORE, namespace)
    return namespace["_fingerprint"](value, digits)


# The part of the checker that ``fingerprint`` shares with the notebooks.
CHECKER_CORE = '''\
import hashlib as _hashlib


def _canonical(value, digits):
    if hasattr(value, "tolist"):  # tensors, arrays, pandas objects
        value = value.tolist()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):  # 497 and 497.0 are the same answer
        return f"{float(value):.{digits}f}"
    if isinstance(value, str):
        return " ".join(value.lower().split())
    if isinstance(value, dict):
        return "{" + ",".join(f"{_canonical(k, digits)}:{_canonical(v, digits)}" for k, v in sorted(value.items(), key=str)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_canonical(v, digits) for v in value) + "]"
    return repr(value)


def _fingerprint(value, digits=3):
    return _hashlib.sha256(_canonical(value, digits).encode()).hexdigest()[:12]
'''

REFERENCE_PASSES = "The reference solution passes this check."

CHECKER = CHECKER_CORE + '''

def _unanswered(value):
    if value is ... or value is None:
        return True
    if isinstance(value, (list, tuple)):
        return any(_unanswered(v) for v in value)
    if isinstance(value, dict):
        return any(_unanswered(v) for v in value.values())
    return False


def check(answer, expected, hint="", digits=3, reference=False):
    """Say plainly whether ``answer`` is right; give the hint when it is not.

    The collapsed solution cell ends with the same check and ``reference=True``: it says
    whether the reference solution's answer passes (the build requires that it does)."""
    _verdict(answer, expected, hint, digits, reference)  # printed; nothing returned to display


def _verdict(answer, expected, hint, digits, reference):
    if reference:
        passed = not _unanswered(answer) and _fingerprint(answer, digits) == expected
        if passed:
            print("The reference solution passes this check.")
        else:  # what an author pastes into a new check
            print(f"The reference solution does NOT pass this check: its answer's fingerprint is "
                  f"{_fingerprint(answer, digits)!r}.")
        return passed
    if _unanswered(answer):
        print("Not yet: replace each ... in the cell above with your answer, run it, then run this check again.")
        print("Hint:", hint)
        return False
    if _fingerprint(answer, digits) == expected:
        print("Correct! Compare your code with the solution below (click to expand it).")
        return True
    print("Not yet: that is not the expected answer.")
    print("Hint:", hint)
    return False


# The figures in the course pages' light style.
import matplotlib as _mpl
from cycler import cycler as _cycler

_mpl.rcParams.update({
    "axes.prop_cycle": _cycler(color=%(colors)r) + _cycler(linestyle=%(styles)r),
    "text.color": %(fg)r, "axes.labelcolor": %(fg)r, "axes.titlecolor": %(fg)r,
    "xtick.color": %(fg)r, "ytick.color": %(fg)r, "axes.edgecolor": %(muted)r, "grid.color": %(muted)r,
    "font.size": 11,
})
'''

DATA_CELL = '''\
# The dataset. This cell uses indian_ipo.csv beside this notebook if it is there; otherwise it
# downloads the course's own copy from COURSE_URL (replace the placeholder with the address of the
# course site, or set the COURSE_URL environment variable). Either way it checks the SHA-256.
# The course was verified with these versions (install them first, in a terminal):
#   %(install)s
import hashlib
import os
import urllib.request
from pathlib import Path

COURSE_URL = os.environ.get("COURSE_URL", %(url)r)
DATA_SHA256 = %(sha)r

data_file = Path("indian_ipo.csv")
if data_file.exists():
    found, source = data_file, f"{data_file} beside this notebook"
else:
    if "YOUR-COURSE-SITE" in COURSE_URL:
        raise SystemExit("indian_ipo.csv is not beside this notebook: save it here from the course's "
                         "Set-up page, or set COURSE_URL in this cell to the course site's address.")
    found, source = data_file.with_suffix(".download"), COURSE_URL.rstrip("/") + "/data/indian_ipo.csv"
    try:
        urllib.request.urlretrieve(source, found)
    except OSError as exc:
        raise SystemExit(f"Could not download indian_ipo.csv from {source} ({exc}): check the address "
                         "and your connection, or save the file beside this notebook.") from None
digest = hashlib.sha256(found.read_bytes()).hexdigest()
if digest != DATA_SHA256:
    if found != data_file:
        found.unlink()
    raise SystemExit(f"{source} is not the course's dataset (SHA-256 {digest[:12]}, expected "
                     f"{DATA_SHA256[:12]}): delete it, or check COURSE_URL, and run this cell again.")
found.replace(data_file)
print("indian_ipo.csv is the course's dataset:", digest[:12])
'''


def install_line() -> str:
    pins = " ".join(f"{name}=={version}" for name, version in learner.learner_pins())
    return f"python -m pip install {pins} jupyterlab"


def setup_cells(site_url: str | None = None) -> list[str]:
    """The two generated code cells every notebook starts with: the data, then the checker."""
    from course import figures

    url = (site_url or PLACEHOLDER_URL).rstrip("/")
    light = figures.LIGHT
    colors = [light.accent, light.accent2, light.muted, light.fg]
    return [
        DATA_CELL % {"install": install_line(), "url": url, "sha": data.SHA256},
        CHECKER % {"colors": colors, "styles": list(figures.LINE_STYLES), "fg": light.fg, "muted": light.muted},
    ]


# ---- Proving the exercises: what the executed notebook printed ----


@dataclass
class Proof:
    """What one executed notebook showed of its exercises."""

    exercises: int = 0
    solutions_pass: int = 0
    starters_fail: int = 0
    problems: list[str] = field(default_factory=list)


def summary(exercises: int, solutions_pass: int, starters_fail: int) -> str:
    return f"{exercises} exercises: {solutions_pass} solutions pass, {starters_fail} starters fail"



# ---- The rendered notebook page: solutions collapsed there too ----

_SOLUTION_CELL = re.compile(r'<div class="jp-Cell [^"]*\bcelltag_solution\b[^"]*"')
_DIV = re.compile(r"<div\b|</div>")


def collapse_solutions(html: str, markdown_ids: tuple[str, ...] = ()) -> str:
    """Wrap each solution cell of a rendered notebook (input and output) in a closed ``<details>``.

    Code cells carry their tags as classes; Markdown cells do not, so those tagged ``solution``
    are named by their cell ids."""
    out, pos = [], 0
    pattern = _SOLUTION_CELL.pattern
    if markdown_ids:
        ids = "|".join(re.escape(i) for i in markdown_ids)
        pattern += rf'|<div class="jp-Cell jp-MarkdownCell[^"]*" id="cell-id=(?:{ids})"'
    for match in re.finditer(pattern, html):
        if match.start() < pos:  # a cell inside one already wrapped
            continue
        depth, end = 0, None
        for tag in _DIV.finditer(html, match.start()):
            depth += 1 if tag.group() == "<div" else -1
            if depth == 0:
                end = tag.end()
                break
        if end is None:
            break
        out.append(html[pos:match.start()])
        out.append('<details class="notebook-solution"><summary>Solution (try the exercise first)</summary>\n')
        out.append(html[match.start():end])
        out.append("\n</details>")
        pos = end
    out.append(html[pos:])
    return "".join(out)


def reference_check(check_source: str) -> str:
    """The lines the build appends to a solution cell: its exercise's check calls, each with
    ``reference=True``, so the executed solution says whether its own answer passes."""
    import ast

    calls = []
    for statement in ast.parse(check_source).body:
        call = getattr(statement, "value", None)
        if isinstance(statement, ast.Expr) and isinstance(call, ast.Call) and getattr(call.func, "id", "") == "check":
            args = [ast.get_source_segment(check_source, a) for a in call.args[:2]]
            args += [ast.get_source_segment(check_source, k) for k in call.keywords if k.arg == "digits"]
            calls.append(f"check({', '.join(args)}, reference=True)\n# Output: {REFERENCE_PASSES}")
    if not calls:
        return ""
    return "\n\n# The check above, on this solution's answer:\n" + "\n".join(calls)


def proven_in_build(source, executed) -> Proof:
    """In the notebook the build executed, each check ran right after its untouched starter and
    must have said "Not yet" with a hint; each solution ran its check on its own answer and must
    have passed. The problems name the source file and the line of the cell."""
    from course import ROOT
    from course.percent import code_cells

    cells = code_cells(source)
    try:
        where_source = Path(source).relative_to(ROOT)
    except ValueError:
        where_source = Path(source)

    def where(cell) -> str:
        line = next((c.first_lineno for c in cells if c.source.strip() and cell.source.startswith(c.source.strip())), "?")
        return f"{where_source}:{line}"

    proof = Proof()
    for cell in executed.cells:
        tags = cell.metadata.get("tags", ())
        if cell.cell_type != "code" or not {"starter", "check", "solution"} & set(tags):
            continue
        said = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout")
        if "starter" in tags:
            proof.exercises += 1
        elif "check" in tags:
            if said.startswith("Not yet") and "\nHint: " in said:
                proof.starters_fail += 1
            else:
                proof.problems.append(f"{where(cell)}: this check does not fail the untouched starter "
                                      f"with a hint; it printed {said.strip()!r}")
        elif REFERENCE_PASSES in said.splitlines():
            proof.solutions_pass += 1
        else:
            last = said.strip().splitlines()[-1:] or ["nothing"]
            proof.problems.append(f"{where(cell)}: this solution does not pass its exercise's check; "
                                  f"it printed {last[0]!r}")
    return proof
