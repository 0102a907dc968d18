"""Proofs kept by their inputs: a costly check that passed on exactly these inputs is not repeated.

Some checks of ``make test`` cost far more than they read: axe-core on a page in both schemes (a
few seconds a page), a page laid out at 320 and 640 px, the course printed to PDF, the figures read
at their shown size, the keyboard tabbed through a page, the notebooks downloaded, and a lesson run
again on scrambled test rows (half a minute for Lessons 5 and 6). Each is a function of inputs that
can be named exactly, as a build result is (``course.run.cache``):

- a check of a page in the browser: the page's bytes and the bytes of every file of the site it
  names (style sheets, scripts, figures) and of every style sheet and script of the theme,
  axe-core's own file, the browser's and Playwright's versions and the test module;
- the scrambled run of a lesson: the code its run executes, the dataset, the library versions,
  the environment the runs get, and the test code with every project module it imports.

When a check passes, its key is kept under ``.cache/tests/proofs/``; the next run whose inputs give
the same key reports the check passed without repeating it, and says so (``-s`` shows it). A
changed byte of any input gives another key, and the check runs. A failure is never kept.
``pytest --recheck`` repeats every check; ``make clean`` forgets every proof. CI runs on a fresh
clone, where nothing is kept, so there every check runs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from course import ROOT
from course.run import store

PROOFS = ROOT / ".cache" / "tests" / "proofs"
KEPT = 400  # proofs kept; the oldest go first


def key(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _path(proof_key: str) -> Path:
    return PROOFS / store.key_name(proof_key)


def proven(config, proof_key: str) -> bool:
    """Has a check with exactly these inputs passed before (and is this run not told to recheck)?"""
    return not config.getoption("recheck") and _path(proof_key).is_file()


def record(proof_key: str, what: str) -> None:
    """Keep the proof that the check ``what`` passed on the inputs of ``proof_key``."""
    store.write_json(_path(proof_key), {"passed": what})
    store.keep_newest(PROOFS, KEPT)
