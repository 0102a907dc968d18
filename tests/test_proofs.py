"""A kept proof (``tests/proofs.py``) stands for exactly its inputs: change any of them and the check
runs again; ``--recheck`` runs it whatever was kept."""

from __future__ import annotations

from types import SimpleNamespace

from tests import proofs
from tests.test_browser import page_proof
from tests.test_test_rows import guarded_proof


class Config:
    def __init__(self, recheck=False):
        self.recheck = recheck

    def getoption(self, name):
        assert name == "recheck"
        return self.recheck


def test_a_proof_is_found_by_its_key_and_recheck_ignores_it(tmp_path, monkeypatch):
    monkeypatch.setattr(proofs, "PROOFS", tmp_path)
    key = proofs.key("page", b"bytes")
    assert not proofs.proven(Config(), key)
    proofs.record(key, "a check")
    assert proofs.proven(Config(), key)
    assert not proofs.proven(Config(recheck=True), key)
    assert not proofs.proven(Config(), proofs.key("page", b"bytes!"))
    assert proofs.key("ab", "c") != proofs.key("a", "bc")  # the parts are kept apart


def test_an_axe_proof_changes_with_the_page_or_any_file_it_names(tmp_path):
    site = tmp_path / "site"
    (site / "lessons" / "one").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "figures").mkdir()
    page = site / "lessons" / "one" / "index.html"
    page.write_text('<link rel="stylesheet" href="../../assets/main.css"><img src="../../figures/a.svg">')
    (site / "assets" / "main.css").write_text("body { color: #000 }")
    (site / "figures" / "a.svg").write_text("<svg/>")
    (site / "figures" / "b.svg").write_text("<svg/>")
    browser = SimpleNamespace(version="1")
    rel = page.relative_to(site)
    first = page_proof(site, rel, browser)
    assert page_proof(site, rel, browser) == first
    (site / "figures" / "b.svg").write_text("<svg>not named by the page</svg>")
    assert page_proof(site, rel, browser) == first
    for path, text in [(site / "figures" / "a.svg", "<svg><text>a</text></svg>"),
                       (site / "assets" / "main.css", "body { color: #111 }"),
                       (page, page.read_text() + "<p>more</p>")]:
        path.write_text(text)
        assert page_proof(site, rel, browser) != first, path
        first = page_proof(site, rel, browser)
    assert page_proof(site, rel, SimpleNamespace(version="2")) != first


def test_a_test_rows_proof_changes_with_the_code_and_not_with_the_prose(tmp_path):
    lesson = tmp_path / "09-rows.md"
    lesson.write_text("# Lesson 9 - Rows\n\nSome prose.\n\n```python\nx = 1\nprint(x)\n# Output: 1\n```\n")
    first = guarded_proof(lesson)
    lesson.write_text(lesson.read_text().replace("Some prose.", "Other prose."))
    assert guarded_proof(lesson) == first
    lesson.write_text(lesson.read_text().replace("x = 1", "x = 1  # a comment"))
    assert guarded_proof(lesson) != first
