"""The built site: every page, figure, notebook and download is there, and nothing is remote."""

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from course import ROOT
from course.read import source
from course.run import data, figures

pytestmark = pytest.mark.slow

LESSONS = sorted(p.stem for p in (ROOT / "docs" / "lessons").glob("*.md"))


class Tags(HTMLParser):
    """Collects (tag, attributes) of every start tag."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(path: Path):
    parser = Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def html_pages(site: Path):
    return sorted(site.rglob("*.html"))


def test_every_lesson_and_notebook_is_a_page(built_site):
    for stem in LESSONS:
        assert (built_site / "lessons" / stem / "index.html").is_file()
        nb = stem.replace("-", "_")
        assert (built_site / "notebooks" / nb / "index.html").is_file()


def test_nothing_is_loaded_from_another_host(built_site):
    remote = []
    for page in html_pages(built_site):
        for tag, attrs in tags(page):
            url = attrs.get("src") if tag in ("script", "img", "iframe", "source") else None
            if tag == "link" and attrs.get("rel") in ("stylesheet", "preload", "modulepreload", "icon"):
                url = attrs.get("href")
            if url is not None and (re.match(r"^(https?:)?//", url) or url == ""):
                remote.append(f"{page.relative_to(built_site)}: <{tag}> {url!r}")
        text = page.read_text(encoding="utf-8")
        for found in re.findall(r"import\(\s*['\"](https?://[^'\"]+)", text):
            remote.append(f"{page.relative_to(built_site)}: import {found}")
        assert "fonts.googleapis" not in text, page
    assert not remote, "\n".join(remote)


def test_figures_are_published_in_both_themes_and_shown(built_site):
    expected = {f"figures/{page.stem}/{name}-{theme.name}.svg" for page in source.pages()
                for name in source.read(page).figure_names() for theme in figures.THEMES}
    published = {str(p.relative_to(built_site)) for p in (built_site / "figures").rglob("*.svg")}
    assert published == expected
    for uri in expected:
        svg = (built_site / uri).read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    shown = set()
    for page in html_pages(built_site):
        for tag, attrs in tags(page):
            if tag == "img" and "figures/" in attrs.get("src", ""):
                assert attrs.get("alt"), f"{page}: figure without alt text"
                target = (page.parent / attrs["src"].split("#")[0]).resolve()
                assert target.is_file(), f"{page}: broken figure {attrs['src']}"
                shown.add(str(target.relative_to(built_site.resolve())))
    assert shown == expected, "figures generated but not shown on any page"


def test_lesson_1_figures_have_the_alt_text_and_captions():
    page = (ROOT / "docs" / "lessons" / "01-deep-learning-fundamentals.md").read_text(encoding="utf-8")
    alts = [  # the spec's two figures, each described in full
        "The PyTorch training loop in five boxes",
        "Bar chart comparing the count of development IPOs that listed with a gain versus those that did not",
    ]
    for alt in alts:
        assert page.count(f"![{alt}") == 1  # written once: the build shows it light and dark
    assert "<figcaption>In the development rows the target is fairly balanced" in page
    assert "<figcaption>The PyTorch training loop: a batch" in page


def test_dataset_is_published_byte_for_byte(built_site):
    assert (built_site / "data" / data.FILENAME).read_bytes() == data.dataset_path().read_bytes()


def test_notebooks_are_executed_and_downloadable(built_site):
    for name in [page.stem.replace("-", "_") for page in source.pages()]:
        page_dir = built_site / "notebooks" / name
        download = page_dir / f"{name}.ipynb"
        nb = nbformat.read(download, as_version=4)
        nbformat.validate(nb)
        html = (page_dir / "index.html").read_text(encoding="utf-8")
        assert 'class="md-content__button md-icon course-download"' in html
        assert f'href="{name}.ipynb"' in html
        assert "jp-OutputArea-output" in html, f"{name}: no executed output on its page"
        assert '<link rel="stylesheet" href="../../stylesheets/notebooks.css">' in html
        inline = sum(len(css) for css in re.findall(r"<style[^>]*>(.*?)</style>", html, re.S))
        assert inline < 20_000, "the notebooks' shared CSS (about 600 kB) belongs in stylesheets/notebooks.css"
    lesson = (built_site / "lessons" / LESSONS[0] / "index.html").read_text(encoding="utf-8")
    assert "notebooks.css" not in lesson  # its unscoped rules would restyle the lesson pages


def test_search_indexes_the_lessons_not_their_notebook_copies(built_site):
    import json

    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert {f"lessons/{stem}/" for stem in LESSONS} <= pages
    assert not any(page.startswith("notebooks/") for page in pages)


def test_lesson_1_notebook_shows_its_real_outputs(built_site):
    html = (built_site / "notebooks" / "01_deep_learning_fundamentals" / "index.html").read_text(encoding="utf-8")
    outputs = re.findall(r'<div class="jp-RenderedText jp-OutputArea-output[^>]*>\s*<pre>(.*?)</pre>', html, re.S)
    printed = "\n".join(re.sub(r"<[^>]+>", "", o) for o in outputs)
    for line in ("Shape: (319, 10)", "gain rate, development rows: 0.537"):
        assert line in printed


def test_hints_are_collapsible_and_callouts_are_admonitions(built_site):
    html = (built_site / "lessons" / "01-deep-learning-fundamentals" / "index.html").read_text(encoding="utf-8")
    exercises = len([c for c in source.read(ROOT / "docs" / "lessons" / f"{LESSONS[0]}.md").cells if c.role == "starter"])
    assert exercises >= 3
    assert html.count('<details class="tip">') == exercises  # one hint per exercise
    assert html.count('<details class="success">') == exercises
    for kind in ("abstract", "note", "tip", "info", "warning"):
        assert f'<div class="admonition {kind}">' in html
    assert "<table>" in html and "<code>Subscription_QIB</code>" in html


def test_site_features(built_site):
    index = (built_site / "index.html").read_text(encoding="utf-8")
    assert "<title>Deep Learning with PyTorch</title>" in index
    assert 'name="description" content="Deep Learning with PyTorch, taught end to end' in index
    assert (built_site / "search" / "search_index.json").is_file()
    assert 'data-md-component="palette"' in index or "md-option" in index  # light/dark toggle
    lesson = (built_site / "lessons" / "01-deep-learning-fundamentals" / "index.html").read_text(encoding="utf-8")
    assert "md-footer__link--prev" in lesson and "md-footer__link--next" in lesson
    assert '"content.code.copy"' in lesson


def test_every_lesson_and_notebook_says_what_it_was_verified_with(built_site):
    from course.render import pages

    expected = [f"{name} {version}" for name, version in pages.versions()] + [data.SHA256[:12]]
    for stem in LESSONS:
        html = (built_site / "lessons" / stem / "index.html").read_text(encoding="utf-8")
        line = re.search(r'<p class="verified-with">(.*?)</p>', html)
        assert line, f"{stem}: no verified-with line"
        assert all(part in line.group(1) for part in expected), line.group(1)
        nb = stem.replace("-", "_")
        notebook = nbformat.read(built_site / "notebooks" / nb / f"{nb}.ipynb", as_version=4)
        assert all(part in notebook.cells[1].source for part in expected), notebook.cells[1].source


def test_inline_values_are_rendered_and_no_expression_is_left(built_site):
    for page in html_pages(built_site):
        text = page.read_text(encoding="utf-8")
        assert "{python}" not in text or page.name == "index.html" and "contributing" in str(page), page
    lesson1 = (built_site / "lessons" / LESSONS[0] / "index.html").read_text(encoding="utf-8")
    import torch

    df = data.load()  # the development rows, as the lesson sets them aside
    perm = torch.randperm(len(df), generator=torch.Generator().manual_seed(42)).numpy()
    counts = df.iloc[perm[: int(0.8 * len(df))]]["Listing_Gains"].value_counts()
    assert f"even split: {counts[1]} of {counts.sum()} listed with a gain and {counts[0]} did not\"" in lesson1


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class ElementText(HTMLParser):
    """The text of every element that ``wanted(tag, attributes)`` picks (not nested in another)."""

    def __init__(self, wanted):
        super().__init__()
        self.wanted, self.depth, self.key, self.found = wanted, 0, None, {}

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in VOID
        elif (key := self.wanted(tag, dict(attrs))) is not None:
            self.depth, self.key = 1, key
            self.found[key] = []

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, text):
        if self.depth:
            self.found[self.key].append(text)

    def texts(self, html: str) -> dict[str, str]:
        self.feed(html)
        return {key: " ".join("".join(parts).split()) for key, parts in self.found.items()}


def test_each_section_of_the_print_page_is_its_page_word_for_word(built_site):
    """The print page holds each page of the nav as a section with the same text as the page's own
    article: the browser tests check those pages (every hint open) and, on the print page, only
    what is its own (cover, contents, headings)."""
    printed = ElementText(lambda tag, a: a["id"] if tag == "section" and "print-page" in a.get("class", "")
                          and "md-section" not in a.get("class", "") and a.get("id") else None
                          ).texts((built_site / "print_page" / "index.html").read_text(encoding="utf-8"))
    assert {f"lessons-{lesson}" for lesson in LESSONS} <= set(printed)
    for section, text in printed.items():
        uri = "index.html" if section == "index" else section.replace("lessons-", "lessons/", 1) + "/index.html"
        page = ElementText(lambda tag, a: "article" if tag == "article" else None).texts(
            (built_site / uri).read_text(encoding="utf-8"))["article"]
        assert text == page, f"the print page's section {section} differs from {uri}"
