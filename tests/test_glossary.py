"""The glossary: every entry says which lesson teaches it, and lesson pages link first uses to it."""

import re
from html.parser import HTMLParser

import pytest

from course import ROOT
from course.render import glossary

LESSONS = sorted((ROOT / "docs" / "lessons").glob("*.md"))
TERMS = glossary.terms()


def test_every_entry_names_a_lesson_that_exists_and_has_its_own_anchor():
    assert len(TERMS) >= 30
    assert len({t.anchor for t in TERMS}) == len(TERMS)
    numbers = {int(p.name[:2]) for p in LESSONS}
    assert all(t.lesson in numbers for t in TERMS), [t.name for t in TERMS if t.lesson not in numbers]


def test_the_first_use_is_linked_and_nothing_else():
    terms = [glossary.Term("Batch", "batch", 4, ("batch",)), glossary.Term("Loss", "loss", 1, ("loss",))]
    page = (
        "---\ndescription: x\n---\n\n# Lesson 1 - About a batch\n\n"
        "The `batch` in code and [a batch link](x.md) do not count.\n\n"
        "```python\nbatch = 1\n```\n\n"
        "!!! note \"A batch title\"\n\n    Feed a batch, then another batch; watch the losses.\n"
    )
    linked = glossary.link_first_uses(page, "lessons/01-x.md", terms)
    assert linked.count("](../glossary.md#batch)") == 1
    assert "Feed a [batch](../glossary.md#batch){ .glossary-link }, then another batch" in linked
    assert "watch the [losses](../glossary.md#loss){ .glossary-link }" in linked
    assert "# Lesson 1 - About a batch" in linked and "batch = 1" in linked
    # A term the author links is left to that link, wherever it stands: one link to an entry a page.
    authored = page.replace("watch the losses", "watch the [**losses**](../glossary.md#loss)")
    linked = glossary.link_first_uses(authored, "lessons/01-x.md", terms)
    assert linked.count("](../glossary.md#loss)") == 1 and linked.count("](../glossary.md#batch)") == 1


class ArticleText(HTMLParser):
    """Text segments of a page's article, each with whether it sits in a glossary link or in a
    place a term may not be linked (code, headings, other links, admonition titles)."""

    SKIP = {"code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"}

    def __init__(self):
        super().__init__()
        self.segments: list[tuple[str, bool, bool]] = []  # text, in glossary link, skipped
        self.stack: list[tuple[str, bool, bool]] = []
        self.in_article = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.in_article += 1
        classes = (attrs.get("class") or "").split()
        glossary_link = tag == "a" and ("glossary-link" in classes or "glossary/#" in (attrs.get("href") or ""))
        skipped = tag in self.SKIP or (tag == "a" and not glossary_link) or "admonition-title" in classes \
            or "lesson-time" in classes or "lesson-notebook" in classes or "verified-with" in classes
        if tag not in ("br", "img", "hr", "input", "meta", "link"):
            self.stack.append((tag, glossary_link, skipped))

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_article -= 1
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, text):
        if self.in_article and text.strip():
            self.segments.append(
                (text, any(g for _, g, _ in self.stack), any(s for _, _, s in self.stack))
            )


@pytest.mark.slow
@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.name)
def test_terms_used_before_their_lesson_link_to_the_glossary(page, built_site):
    number = int(page.name[:2])
    parser = ArticleText()
    parser.feed((built_site / "lessons" / page.stem / "index.html").read_text(encoding="utf-8"))
    unlinked = []
    for term in TERMS:
        pattern = term.pattern()
        first = next(((t, linked) for t, linked, skipped in parser.segments if not skipped and pattern.search(t)), None)
        if first and term.lesson > number and not first[1]:
            unlinked.append(f"{term.name} (Lesson {term.lesson}): first used in {first[0].strip()[:60]!r}")
    assert not unlinked, f"{page.name} uses terms before their lesson without a glossary link:\n" + "\n".join(unlinked)
    assert any(linked for _, linked, _ in parser.segments), f"{page.name} links no term to the glossary"


@pytest.mark.slow
def test_glossary_links_land_on_an_entry(built_site):
    html = (built_site / "glossary" / "index.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<h3 id="([\w-]+)"', html))
    assert {t.anchor for t in TERMS} <= anchors
    for page in LESSONS:
        text = (built_site / "lessons" / page.stem / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'href="\.\./\.\./glossary/#([\w-]+)"', text)
        assert links and set(links) <= anchors, page.name
        twice = sorted({anchor for anchor in links if links.count(anchor) > 1})
        assert not twice, f"{page.name} links these entries more than once: {twice}"
