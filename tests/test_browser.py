"""The built site in a real browser (Debian's Chromium driven by Playwright), offline.

Every page loads with no request to another host, no failed request, no console or page error,
and every image decodes. Every page passes axe-core's WCAG 2.0/2.1/2.2 A and AA rules in the light
and the dark scheme. Search, the dark-mode toggle, hints and downloads work, and lessons read
at a phone's width. Screenshots of each lesson land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

from course import ROOT, data
from tests.helpers import serve

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screenshots"
LESSONS = sorted(p.stem for p in (ROOT / "docs" / "lessons").glob("*.md"))
# axe-core, from the pinned axe-playwright-python wheel: read from disk, never from the network.
AXE_JS = Path(importlib.util.find_spec("axe_playwright_python").origin).parent / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SCHEMES = {"light": "default", "dark": "slate"}  # the reader's preference -> Material's scheme


@pytest.fixture(scope="module")
def server(built_site):
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), f"Chromium not found at {CHROMIUM}: run `make test` (it installs it)"
    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield launched
        launched.close()


class Watched:
    """A page whose every problem is recorded: remote or failed requests, errors, 4xx/5xx."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(accept_downloads=True, **options)
        self.problems: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.problems.append(f"request to another host: {route.request.url}")
            route.abort()

    def goto(self, url):
        self.page.goto(url, wait_until="networkidle")
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser):
    opened = []

    def open_(**options):
        w = Watched(browser, **options)
        opened.append(w)
        return w

    yield open_
    for w in opened:
        w.close()


UNDECODABLE_IMAGES = """async () => {
  const bad = [];
  for (const img of document.images) {
    try { await img.decode(); } catch (e) { bad.push(img.getAttribute("src")); }
    if (img.complete && img.naturalWidth === 0) bad.push(img.getAttribute("src"));
  }
  return bad;
}"""


def site_pages(built_site: Path) -> list[Path]:
    """Every page of the built site, relative to it (``index.html`` of each page folder)."""
    pages = sorted(p.relative_to(built_site) for p in built_site.rglob("index.html"))
    assert len(pages) >= 2 + 2 * len(LESSONS)
    return pages


def page_url(server: str, rel: Path) -> str:
    return f"{server}/{rel.parent.as_posix()}/".replace("/./", "/")


def test_every_page_loads_cleanly(built_site, server, watched):
    w = watched(viewport={"width": 1280, "height": 900})
    pages = site_pages(built_site)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for rel in pages:
        url = page_url(server, rel)
        page = w.goto(url)
        assert page.evaluate(UNDECODABLE_IMAGES) == [], url
        if rel.parts[0] in ("lessons", "notebooks"):
            page.screenshot(path=SHOTS / f"{rel.parts[1]}-light.png", full_page=True, animations="disabled")
    assert w.problems == []


AXE_RUN = """tags => axe.run(document, {
  runOnly: {type: "tag", values: tags},
  resultTypes: ["violations"],
}).then(r => r.violations.map(v => ({
  rule: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160), why: n.failureSummary})),
})))"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_meets_wcag_aa(built_site, server, watched, scheme):
    """axe-core's WCAG 2.0, 2.1 and 2.2 level A and AA rules find nothing on any page."""
    assert AXE_JS.is_file(), f"axe-core not found at {AXE_JS}: run `make setup`"
    w = watched(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    found, per_rule = [], Counter()
    for rel in site_pages(built_site) + [Path("404.html")]:
        url = page_url(server, rel) if rel.name == "index.html" else f"{server}/{rel.as_posix()}"
        page = w.goto(url)
        shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert shown == SCHEMES[scheme], f"{url}: shown in {shown}, not {SCHEMES[scheme]}"
        page.add_script_tag(path=AXE_JS)
        for violation in page.evaluate(AXE_RUN, WCAG_AA):
            per_rule[violation["rule"]] += len(violation["nodes"])
            for node in violation["nodes"]:
                found.append(f"{rel.parent.as_posix() if rel.name == 'index.html' else rel} ({scheme}): "
                             f"{violation['rule']} ({violation['impact']}) at {node['target']}\n"
                             f"    {node['html']}\n    {' '.join(node['why'].split())[:300]}")
    summary = ", ".join(f"{rule}: {n}" for rule, n in per_rule.most_common()) or "none"
    print(f"\naxe-core {scheme} scheme, elements per rule violated: {summary}")
    if found:
        print("\n".join(found))
    assert not found, f"{len(found)} WCAG A/AA violations in the {scheme} scheme ({summary}):\n" + "\n".join(found[:40])
    assert w.problems == []


def test_search_finds_autograd_offline(server, watched):
    w = watched()
    page = w.goto(f"{server}/")
    page.locator(".md-search__input").click()
    page.keyboard.type("autograd", delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    links = page.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.href)")
    assert any("/lessons/" in link for link in links), links
    assert w.problems == []


@pytest.mark.parametrize("lesson", LESSONS)
def test_dark_mode_toggle_swaps_each_figure(server, watched, lesson):
    w = watched(color_scheme="light", viewport={"width": 1280, "height": 900})
    page = w.goto(f"{server}/lessons/{lesson}/")
    light = page.locator('img[src*="-light.svg"]')
    dark = page.locator('img[src*="-dark.svg"]')
    n = light.count()
    assert n >= 1 and dark.count() == n
    assert all(light.nth(i).is_visible() and not dark.nth(i).is_visible() for i in range(n))
    page.locator('label[title="Switch to dark mode"]').first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert all(dark.nth(i).is_visible() and not light.nth(i).is_visible() for i in range(n))
    SHOTS.mkdir(parents=True, exist_ok=True)
    dark.first.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / f"{lesson}-dark-figure.png", animations="disabled")
    page.screenshot(path=SHOTS / f"{lesson}-dark.png", full_page=True, animations="disabled")
    assert w.problems == []


def test_a_hint_opens_on_click(server, watched):
    w = watched()
    page = w.goto(f"{server}/lessons/{LESSONS[0]}/")
    hint = page.locator("details.tip").first
    assert hint.get_attribute("open") is None
    assert not hint.locator("p").first.is_visible()
    hint.locator("summary").click()
    assert hint.get_attribute("open") is not None
    assert hint.locator("p").first.is_visible()
    assert "describe()" in hint.inner_text()
    assert w.problems == []


def test_notebook_download_is_the_notebook(server, watched, built_site, tmp_path):
    import nbformat

    w = watched()
    for lesson in LESSONS:
        name = lesson.replace("-", "_")
        page = w.goto(f"{server}/notebooks/{name}/")
        with page.expect_download() as info:
            page.locator("a.course-download").click()
        download = info.value
        assert download.suggested_filename == f"{name}.ipynb"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert saved.read_bytes() == (built_site / "notebooks" / name / f"{name}.ipynb").read_bytes()
        nbformat.validate(nbformat.read(saved, as_version=4))
    assert w.problems == []


def test_dataset_download_is_the_dataset(server, watched, tmp_path):
    w = watched()
    page = w.goto(f"{server}/lessons/{LESSONS[0]}/")
    with page.expect_download() as info:
        page.locator('a[download="indian_ipo.csv"]').first.click()
    saved = tmp_path / "indian_ipo.csv"
    info.value.save_as(saved)
    assert saved.read_bytes() == data.dataset_path().read_bytes()
    assert w.problems == []


@pytest.mark.parametrize("lesson", LESSONS)
def test_lessons_read_well_at_phone_width(server, watched, lesson):
    w = watched(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = w.goto(f"{server}/lessons/{lesson}/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{lesson} scrolls sideways by {overflow}px at 390px"
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset p')).fontSize)")
    assert font >= 14
    widths = page.locator("article img").evaluate_all("els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().right)")
    assert all(right <= 390 for right in widths)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{lesson}-phone.png", full_page=True, animations="disabled")
    assert w.problems == []
