"""Exercises a learner can work in: try first, then check, then see the solution.

In a lesson (``course.read.source``) each exercise is a prompt followed by, in this order:

- a ``python starter`` block: runs as given and leaves ``...`` where the learner writes;
- a ``python check`` block: ``check(answer, "encoded reference")`` prints plainly whether the
  answer is right, and the exercise's hint (its ``??? tip "Hint"``) after a wrong answer (not on
  the untouched starter);
- the reference solution, in a ``??? success "Solution"``.

``check`` compares the answer with the reference answer the cell carries, base64-encoded JSON: not
readable at a glance, and no more hidden than the solution below it. Numbers pass within a
tolerance (default: half a unit of the ``digits``-th decimal), so a right answer computed with
other library versions or on a GPU passes. Every notebook gets two generated code cells first
(``setup_cells``): one that makes sure ``indian_ipo.csv`` is the course's dataset (beside the
notebook, or downloaded from the course site or the dataset's public copy, and verified), and one
that defines ``check``, the figures' light style and the report of the learner's versions and
device. In the lesson's run, each solution is followed by its check on its own answer
(``reference=True``; see ``proven_in_build``); in the learner's download each solution and its
discussion is a closed ``<details>`` Markdown cell that Run All never runs (``as_download``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from course import settings
from course.render import learner
from course.run import data

TAGS = ("starter", "check", "solution")
# The libraries whose versions the notebook compares with the learner's (their numbers print).
VERSIONS_REPORTED = settings.REPORTED_LIBRARIES


def _core() -> dict:
    namespace: dict = {}
    exec(CHECKER_CORE, namespace)
    return namespace


def encode(value) -> str:
    """The reference answer as a check cell carries it (the same code runs in every notebook)."""
    return _core()["_encode"](value)


def decode(text: str):
    return _core()["_decode"](text)


def matches(answer, expected, tol: float) -> bool:
    """Does ``answer`` pass a check whose reference answer is ``expected`` (decoded)?"""
    core = _core()
    return core["_matches"](core["_plain"](answer), expected, tol)


def tolerance(digits: int = 3, tol: float | None = None) -> float:
    return _core()["_tolerance"](digits, tol)


# The part of the checker that ``encode`` and ``matches`` share with the notebooks.
CHECKER_CORE = '''\
import base64 as _base64
import json as _json
import math as _math


def _plain(value):
    """The answer as plain data: tensors, arrays and pandas objects as (nested) lists."""
    if hasattr(value, "to_numpy") and not hasattr(value, "tolist"):  # a DataFrame
        value = value.to_numpy()
    if hasattr(value, "tolist"):  # tensors, arrays, pandas Series and Index, NumPy scalars
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def _encode(value):
    """The reference answer as the check cell carries it: not readable at a glance."""
    return _base64.b64encode(_json.dumps(_plain(value), sort_keys=True).encode()).decode()


def _decode(text):
    return _json.loads(_base64.b64decode(text.encode()))


def _matches(answer, expected, tol):
    """Is ``answer`` the reference ``expected``? Numbers within ``tol`` (or a relative 1e-5, for
    large values) of it; text without case or extra spaces; sequences and dicts item by item,
    of the same length and keys; a one-element array where a number is meant counts as it."""
    if isinstance(expected, bool) or expected is None:
        return answer is expected or (isinstance(answer, bool) and answer == expected)
    if isinstance(expected, (int, float)):
        while isinstance(answer, list) and len(answer) == 1:
            answer = answer[0]
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            return False
        return _math.isclose(answer, expected, rel_tol=1e-5, abs_tol=tol)
    if isinstance(expected, str):
        return isinstance(answer, str) and " ".join(answer.lower().split()) == " ".join(expected.lower().split())
    if isinstance(expected, list):
        return (isinstance(answer, list) and len(answer) == len(expected)
                and all(_matches(a, e, tol) for a, e in zip(answer, expected)))
    if isinstance(expected, dict):
        return (isinstance(answer, dict) and sorted(answer) == sorted(expected)
                and all(_matches(answer[k], expected[k], tol) for k in expected))
    return False


def _unanswered(value):
    if value is ... or value is None:
        return True
    if isinstance(value, (list, tuple)):
        return any(_unanswered(v) for v in value)
    if isinstance(value, dict):
        return any(_unanswered(v) for v in value.values())
    return False


def _tolerance(digits, tol):
    """What a check accepts around a number: ``tol`` if given, else half a unit of the
    ``digits``-th decimal, the precision the lesson prints it at."""
    return tol if tol is not None else 0.5 * 10 ** -digits
'''

REFERENCE_PASSES = "The reference solution passes this check."

CHECKER = CHECKER_CORE + '''

def check(answer, expected, hint="", digits=3, tol=None, reference=False):
    """Say plainly whether ``answer`` is right; give the hint when it is not.

    ``expected`` is the reference answer, encoded. A number passes within ``tol`` of it (by
    default half a unit of its ``digits``-th decimal, the precision the lesson prints), so a
    right answer computed on a GPU, or with library versions that draw the same random numbers,
    passes too. The build runs each solution with the same check and ``reference=True``, which
    says whether the reference solution's answer passes (the build requires that it does)."""
    _verdict(answer, expected, hint, _tolerance(digits, tol), reference)  # printed; nothing returned


def _verdict(answer, expected, hint, tol, reference):
    passed = not _unanswered(answer) and _matches(_plain(answer), _decode(expected), tol)
    if reference:
        if passed:
            print("The reference solution passes this check.")
        else:  # what an author pastes into a new check
            print(f"The reference solution does NOT pass this check: its answer, encoded, is "
                  f"{_encode(answer)!r}.")
        return passed
    if _unanswered(answer):  # no hint yet: it is for after a first try
        print("Not yet: replace each ... in the cell above with your answer, run it, then run this check again.")
        return False
    if passed:
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


# The versions this notebook was verified with, against yours; and the device it will use.
import importlib.metadata as _metadata


def _device():
    try:
        import torch
    except ImportError:
        return "none (torch is not installed)"
    accelerator = getattr(torch, "accelerator", None)  # torch 2.6 and later
    if accelerator is not None and accelerator.is_available():
        return str(accelerator.current_accelerator())
    return "cuda" if torch.cuda.is_available() else "cpu"


def _version(name):
    try:
        return _metadata.version(name)
    except _metadata.PackageNotFoundError:
        return "not installed"


def report_versions(verified=%(verified)r):
    """Say whether this machine has the versions the course was verified with."""
    differ = [f"{name} {_version(name)} (verified with {version})"  # a CPU or CUDA build (+cpu) is the same release
              for name, version in verified.items() if _version(name).split("+")[0] != version]
    if differ:
        print("Your versions differ from the ones this course was verified with: " + ", ".join(differ) + ".")
        print("Printed outputs may differ in their last digits, which the checks allow for. A torch release"
              " that draws other random numbers deals other rows: then every number, and the checks' answers, differ.")
    else:
        print("Your versions are the ones this course was verified with: "
              + ", ".join(f"{name} {version}" for name, version in verified.items()) + ".")
    print("Device:", _device())


report_versions()
'''


DATA_CELL = '''\
# The dataset. This cell uses indian_ipo.csv beside this notebook if it is there; otherwise it
# downloads it from the first source that answers: the site named by the COURSE_URL environment
# variable, the course site this notebook was published on (none for a local build), then the
# dataset's public copy. Either way it checks the SHA-256, so a truncated or wrong file never
# passes for the data.
# The course was verified with these versions (install them first, in a terminal):
#   %(install)s
import hashlib
import os
import urllib.request
from pathlib import Path

DATA_SHA256 = %(sha)r
SITES = [os.environ.get("COURSE_URL", ""), %(site)r]  # course sites that publish data/indian_ipo.csv
SOURCES = [site.rstrip("/") + "/data/indian_ipo.csv" for site in SITES if site] + [%(public)r]

data_file = Path("indian_ipo.csv")
if data_file.exists():
    digest = hashlib.sha256(data_file.read_bytes()).hexdigest()
    if digest != DATA_SHA256:
        raise SystemExit(f"indian_ipo.csv beside this notebook is not the course's dataset (SHA-256 "
                         f"{digest[:12]}, expected {DATA_SHA256[:12]}): delete it and run this cell again.")
else:
    problems = []
    for source in SOURCES:
        download = data_file.with_suffix(".download")
        try:
            with urllib.request.urlopen(source, timeout=60) as answer:
                download.write_bytes(answer.read())
        except Exception as exc:  # no answer, a cut-off answer, a malformed address
            download.unlink(missing_ok=True)
            problems.append(f"{source} did not answer ({exc})")
            continue
        digest = hashlib.sha256(download.read_bytes()).hexdigest()
        if digest == DATA_SHA256:
            download.replace(data_file)
            break
        download.unlink()
        problems.append(f"{source} is not the course's dataset (SHA-256 {digest[:12]}, expected {DATA_SHA256[:12]})")
    else:
        raise SystemExit("Could not get indian_ipo.csv: " + "; ".join(problems) + ". Check your "
                         "connection, or save the file beside this notebook from the course's Set-up page.")
print("indian_ipo.csv is the course's dataset:", digest[:12])
'''


def install_line() -> str:
    pins = " ".join(f"{name}=={version}" for name, version in learner.learner_pins())
    return f"python -m pip install {pins} jupyterlab"


@lru_cache(maxsize=1)
def setup_cells() -> tuple[str, ...]:
    """The two generated code cells every notebook starts with: the data, then the checker (and
    the report of the learner's versions and device)."""
    from course.render import hosted
    from course.run import figures

    light = figures.LIGHT
    colors = [light.accent, light.accent2, light.muted, light.fg]
    pinned = dict(learner.learner_pins())
    return (
        DATA_CELL % {"install": install_line(), "site": hosted.publication().site_url, "sha": data.SHA256,
                     "public": data.URL},
        CHECKER % {"colors": colors, "styles": list(figures.LINE_STYLES), "fg": light.fg, "muted": light.muted,
                   "verified": {name: pinned[name] for name in VERSIONS_REPORTED}},
    )


# ---- Proving the exercises: what the executed notebook printed ----


@dataclass
class Proof:
    """What one executed notebook showed of its exercises."""

    exercises: int = 0
    solutions_pass: int = 0
    starters_fail: int = 0
    alternatives_pass: int = 0
    wrongs_fail: int = 0
    problems: list[str] = field(default_factory=list)

    def counts(self) -> list[int]:
        return [self.exercises, self.solutions_pass, self.starters_fail, self.alternatives_pass, self.wrongs_fail]


def summary(exercises: int, solutions_pass: int, starters_fail: int, alternatives_pass: int = 0,
            wrongs_fail: int = 0) -> str:
    return (f"{exercises} exercises: {solutions_pass} solutions pass, {starters_fail} starters fail, "
            f"{alternatives_pass} other right answers pass, {wrongs_fail} wrong answers fail")


# ---- Trying an exercise's other answers against its check, in the lesson's run ----

ALTERNATIVE_PASSES = "This other right answer passes the exercise's check."
WRONG_FAILS = "This wrong answer fails the exercise's check."


def trial_cell(code: str, check_code: str, right: bool) -> str:
    """The run's cell for an ``alternative`` (``right``) or ``wrong`` block: ``trial``."""
    return f"_course_trial(globals(), {code!r}, {check_code!r}, right={right!r})"


def _sandbox(namespace: dict) -> dict:
    """A copy of the kernel's variables that a trial may change freely: values deep-copied (in
    one go, so that objects shared between variables stay shared), modules and what cannot be
    copied by reference."""
    import copy
    import types

    names = {k: v for k, v in namespace.items()
             if not (k.startswith("_") or k in ("In", "Out", "exit", "quit", "get_ipython"))}
    copyable = {k: v for k, v in names.items() if not isinstance(v, types.ModuleType)}
    try:
        copied = copy.deepcopy(copyable)
    except Exception:  # noqa: BLE001 - one value that cannot be copied: copy the others one by one
        copied = {}
        for k, v in copyable.items():
            try:
                copied[k] = copy.deepcopy(v)
            except Exception:  # noqa: BLE001
                copied[k] = v
    return {**namespace, **names, **copied, "__name__": "__main__"}


def _random_states():
    import random

    states = [(random.setstate, random.getstate())]
    try:
        import numpy

        states.append((numpy.random.set_state, numpy.random.get_state()))
    except ImportError:
        pass
    try:
        import torch

        states.append((torch.set_rng_state, torch.get_rng_state()))
    except ImportError:
        pass
    return states


def trial(namespace: dict, code: str, check_code: str, right: bool) -> bool:
    """Run another answer to an exercise (``code``) and its check (``check_code``) on a copy of
    the lesson's variables, with the random generators put back afterwards, so the lesson's run
    goes on exactly as if it had not happened. Prints ``ALTERNATIVE_PASSES`` or ``WRONG_FAILS``
    where the check judges the answer as it should (``right``: it must pass), else what went
    wrong; a wrong answer that raises fails, as a learner would see."""
    import contextlib
    import io
    import traceback

    core = _core()
    verdicts: list[bool] = []

    def record(answer, expected, hint="", digits=3, tol=None, reference=False):
        verdicts.append(not core["_unanswered"](answer) and core["_matches"](
            core["_plain"](answer), core["_decode"](expected), core["_tolerance"](digits, tol)))

    states = _random_states()
    sandbox = _sandbox(namespace)
    sandbox["check"] = record
    error = None
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, "<answer>", "exec"), sandbox)
            exec(compile(check_code, "<check>", "exec"), sandbox)
    except Exception:  # noqa: BLE001 - reported below
        error = traceback.format_exc(limit=-1).strip().splitlines()[-1]
    finally:
        for restore, state in states:
            restore(state)
    passed = error is None and bool(verdicts) and all(verdicts)
    if right:
        print(ALTERNATIVE_PASSES if passed else
              f"This other right answer does NOT pass the exercise's check: {error or 'the check rejects it'}.")
    else:
        print(WRONG_FAILS if not passed else "This wrong answer PASSES the exercise's check.")
    return passed == right



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


SOLUTION_SUMMARY = "Solution (try the exercise first)"
DISCUSSION_SUMMARY = "Discussion of the solution (after you have tried)"


def as_download(cell, new_markdown_cell):
    """A solution cell as the downloaded notebook holds it: a Markdown cell with the solution's
    code (or its discussion) in a closed ``<details>``. JupyterLab, Colab, VS Code and GitHub all
    show it closed, and "Run All" never runs it, so neither the code nor what it prints is seen
    before the learner opens it; to run it, they copy it into a cell."""
    if cell.cell_type == "code":
        body = f"```python\n{cell.source.strip()}\n```"
        summary = SOLUTION_SUMMARY
    else:
        body, summary = cell.source.strip(), DISCUSSION_SUMMARY
    return new_markdown_cell(f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>",
                             metadata={"tags": list(cell.metadata.get("tags", ()))})


def reference_check(check_source: str) -> str:
    """The proof cell the run adds after a solution: the exercise's whole check block (what it
    computes before its ``check`` calls too), each ``check`` call with ``reference=True``, so the
    executed solution says whether its own answer passes."""
    import ast

    lines = check_source.splitlines()
    calls = [statement.value for statement in ast.parse(check_source).body
             if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
             and getattr(statement.value.func, "id", "") == "check"]
    for call in reversed(calls):
        row = call.end_lineno - 1  # the closing parenthesis (ast counts UTF-8 bytes, not characters)
        col = len(lines[row].encode("utf-8")[: call.end_col_offset - 1].decode("utf-8"))
        head = lines[row][:col].rstrip()
        lines[row] = head + (" " if head.endswith(",") else ", ") + "reference=True)" + lines[row][col + 1:]
    return "# The exercise's check, on this solution's answer:\n" + "\n".join(lines) if calls else ""


def proven_in_build(lesson, plan, run_cells) -> Proof:
    """In the lesson's run, each check ran right after its untouched starter and must have said
    "Not yet" without its hint; after each solution, its check on the solution's own answer must
    have passed. The problems name the lesson file and the line of the block."""
    proof = Proof()
    code = lesson.code()
    for planned, run in zip(plan, run_cells):
        if planned.role not in ("starter", "check", "proof", "alternative", "wrong"):
            continue
        said = "".join(o.get("text", "") for o in run.get("outputs", []) if o.get("name") == "stdout")
        where = f"{lesson.where}:{code[planned.index].line}"
        if planned.role == "starter":
            proof.exercises += 1
        elif planned.role == "check":
            if said.startswith("Not yet: replace each ...") and "Hint:" not in said:
                proof.starters_fail += 1
            else:
                proof.problems.append(f"{where}: this check does not fail the untouched starter "
                                      f"(without giving its hint away); it printed {said.strip()!r}")
        elif planned.role == "alternative":
            if ALTERNATIVE_PASSES in said.splitlines():
                proof.alternatives_pass += 1
            else:
                proof.problems.append(f"{where}: {said.strip() or 'this alternative did not run'}")
        elif planned.role == "wrong":
            if WRONG_FAILS in said.splitlines():
                proof.wrongs_fail += 1
            else:
                proof.problems.append(f"{where}: {said.strip() or 'this wrong answer did not run'}")
        elif REFERENCE_PASSES in said.splitlines():
            proof.solutions_pass += 1
        else:
            last = said.strip().splitlines()[-1:] or ["nothing"]
            proof.problems.append(f"{where}: this solution does not pass its exercise's check; "
                                  f"it printed {last[0]!r}")
    return proof
