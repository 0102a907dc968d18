"""The built site in a real browser (Debian's Chromium driven by Playwright), offline.

Every page loads with no request to another host, no failed request, no console or page error,
no breach of its Content Security Policy, and every image decodes; the policy refuses a script
from another host before it is requested. Every page passes axe-core's WCAG 2.0/2.1/2.2 A and AA
rules in the light and the dark scheme, and reflows at 320 px and at 200 % zoom. The keyboard
reaches every control with a visible focus ring, figures are legible and described, and the whole
course prints to one PDF. Search, the dark-mode toggle, hints and downloads work, and lessons
read at a phone's width. Screenshots of each lesson land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from course import ROOT
from course.run import data
from tests import proofs
from tests.helpers import serve

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screenshots"  # with `pytest --screenshots`, for a person to look at


def keep_screenshot(config, page, name: str, full_page: bool = True) -> None:
    """Keep a screenshot of ``page`` as ``SHOTS/name.png`` when the run was asked to
    (``--screenshots``): they are for a person to look at, and no test reads them, so a plain run
    does not pay for them (a full-page screenshot of a lesson costs a second or two)."""
    if config.getoption("screenshots"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"{name}.png", full_page=full_page, animations="disabled")


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


# Every document of a watched context reports what its Content Security Policy refused.
CSP_WATCH = """document.addEventListener("securitypolicyviolation", e => window.__cspViolation({
  directive: e.effectiveDirective, blocked: e.blockedURI, page: e.documentURI,
  source: e.sourceFile, line: e.lineNumber, sample: e.sample,
}), true);"""


class Watched:
    """A page whose every problem is recorded: remote or failed requests, errors, 4xx/5xx, and
    whatever the page's Content Security Policy refused."""

    def __init__(self, browser, settle: float = 5.0, **options):
        self.settle = settle  # seconds a request of the page being left is given to finish
        self.context = browser.new_context(accept_downloads=True, **options)
        self.problems: list[str] = []
        self.violations: list[dict] = []  # each securitypolicyviolation event, as CSP_WATCH sends it
        self.context.expose_binding("__cspViolation", lambda source, v: self._violation(v))
        self.context.add_init_script(CSP_WATCH)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))
        self.document = 0  # how many documents the tab's main frame has shown
        self.document_url = ""
        self.left = 0  # the last document the test navigated away from (0: none yet)
        self.in_flight: dict = {}  # request -> the document that sent it, until it is answered
        self.page.on("framenavigated", self._navigated)
        self.page.on("request", lambda r: self.in_flight.__setitem__(r, self.document))
        self.page.on("requestfinished", lambda r: self.in_flight.pop(r, None))

    def _navigated(self, frame):
        url = frame.url.split("#")[0]
        if frame == self.page.main_frame and url != self.document_url:  # a new document, not a #hash
            self.document, self.document_url = self.document + 1, url

    def _violation(self, v: dict):
        self.violations.append(v)
        where = f" ({v['source']}:{v['line']})" if v["source"] else ""
        sample = f": {v['sample']}" if v["sample"] else ""
        self.problems.append(f"CSP violation on {v['page']}: {v['directive']} refused {v['blocked']}{where}{sample}")

    def _failed(self, request):
        """A request cut off (``ERR_ABORTED``) by the test's own navigation, sent by a document
        the test has left or is leaving (Chromium reports it before or after the new document
        commits), is not the site's failure; any other failed request is."""
        sent_by = self.in_flight.pop(request, self.document)
        if "ERR_ABORTED" in (request.failure or "") and 0 < sent_by <= self.left:
            return
        self.problems.append(f"failed: {request.url} {request.failure}")

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.problems.append(f"request to another host: {route.request.url}")
            route.abort()

    def goto(self, url, until="networkidle"):
        """Open ``url``; by default, wait until the network has been idle for half a second (any
        late request is seen). The tests that only read the page wait for its load event: the
        page is complete then (Material's scripts run before it), and half a second sooner.
        Either way, a request the previous page still had in flight (its icon, say) is answered
        first; one it sends as the test leaves is cut off by leaving, which is not a fault of
        the site."""
        for _ in range(int(self.settle * 100)):
            if not self.in_flight:
                break
            self.page.wait_for_timeout(10)
        self.left = self.document
        self.page.goto(url, wait_until=until)
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


def test_only_a_request_cut_off_by_leaving_its_page_is_forgiven(watched):
    """A request that the test's own navigation cut off is not the site's failure; one that the
    shown page lost (here, aborted by its own script) and one that failed outright are."""
    w = watched(settle=0.2)
    documents = {  # each sets window.done once its own request has been sent and has ended
        "/left.html": '<script>fetch("/never-answered"); window.done = true</script>',
        "/aborts.html": ('<script>const c = new AbortController();'
                         'fetch("/never-answered", {signal: c.signal}).catch(() => { window.done = true });'
                         'setTimeout(() => c.abort(), 50)</script>'),
        "/fails.html": '<script>fetch("/refused").catch(() => { window.done = true })</script>',
    }
    expected = {"left": 0, "aborts": 1, "fails": 3}  # problems seen once each document is done

    def serve_(route):
        path = urlparse(route.request.url).path
        if path == "/refused":
            route.abort("connectionrefused")
        elif path in documents:
            route.fulfill(body=documents[path], content_type="text/html")
        # else: held, never answered

    w.page.route("http://127.0.0.1:9/**", serve_)
    for name, count in expected.items():
        w.goto(f"http://127.0.0.1:9/{name}.html", until="load")
        w.page.wait_for_function("window.done === true")
        for _ in range(200):  # the browser reports a failed request a moment after the page sees it
            if len(w.problems) >= count:
                break
            w.page.wait_for_timeout(10)
        assert len(w.problems) == count, (name, w.problems)
    assert w.problems == ["failed: http://127.0.0.1:9/never-answered net::ERR_ABORTED",
                          "failed: http://127.0.0.1:9/refused net::ERR_CONNECTION_REFUSED",
                          "console: Failed to load resource: net::ERR_CONNECTION_REFUSED"]


# The Content Security Policy of every page (overrides/main.html), but for script-src: that is
# 'self' and the hash of each inline script the built site has, no more, no fewer (but below).
CSP = {
    "default-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
# Pages whose inline set-up (Material's __md_scope) names the absolute path the site is published
# under, so that no hash can be known before: they allow inline scripts.
INLINE_SCRIPTS_RUN = {"404.html", "print_page/index.html"}
SCRIPT_TYPES = ("", "text/javascript", "application/javascript", "module")  # the ones that run
REMOTE_SCRIPT = "https://cdn.example.com/x.js"


class HeadOrder(HTMLParser):
    """A page's Content Security Policy <meta> tags, where the first element the policy must
    govern (a script, a style or a stylesheet) comes, and the text of each inline script."""

    def __init__(self):
        super().__init__()
        self.elements = 0  # elements seen so far
        self.policies: list[tuple[int, str]] = []  # (elements before it, content)
        self.first_governed: int | None = None
        self.inline_scripts: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.policies.append((self.elements, a.get("content", "")))
        governed = tag in ("script", "style") or (tag == "link" and "stylesheet" in a.get("rel", ""))
        if governed and self.first_governed is None:
            self.first_governed = self.elements
        if tag == "script" and "src" not in a and a.get("type", "").lower() in SCRIPT_TYPES:
            self._script = []
        self.elements += 1

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.inline_scripts.append("".join(self._script))
            self._script = None


def test_every_page_carries_the_content_security_policy(built_site):
    """Every built page has one Content Security Policy <meta>, before anything it governs: the
    site's own files only, inline styles, data: images and fonts, and of inline scripts only
    those the site has, by hash (a changed or new one is named here with the hash to allow);
    the pages whose inline set-up depends on where the site is published allow inline ones."""
    problems, needed, allowed = [], set(), set()
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 3 + 2 * len(LESSONS)
    for path in pages:
        rel = path.relative_to(built_site).as_posix()
        parts = HeadOrder()
        parts.feed(path.read_text(encoding="utf-8"))
        parts.close()
        if len(parts.policies) != 1:
            problems.append(f"{rel}: {len(parts.policies)} Content Security Policy <meta> tags, not 1")
            continue
        at, content = parts.policies[0]
        if parts.first_governed is not None and at > parts.first_governed:
            problems.append(f"{rel}: the policy <meta> comes after a script or style it should govern")
        directives = {}
        for directive in filter(None, (d.strip() for d in content.split(";"))):
            name, *values = directive.split()
            if name in directives:
                problems.append(f"{rel}: {name} given twice")
            directives[name] = values
        script_src = directives.pop("script-src", [])
        if directives != CSP:
            problems.append(f"{rel}: the policy is {directives}, not {CSP} (with script-src)")
        if rel in INLINE_SCRIPTS_RUN:
            if script_src != ["'self'", "'unsafe-inline'"]:
                problems.append(f"{rel}: script-src is {' '.join(script_src)}, not 'self' 'unsafe-inline'")
            continue
        if script_src[:1] != ["'self'"] or any(not s.startswith("'sha256-") for s in script_src[1:]):
            problems.append(f"{rel}: script-src is {' '.join(script_src)}, not 'self' and hashes")
        allowed.update(s for s in script_src if s.startswith("'sha256-"))
        for script in parts.inline_scripts:
            digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
            needed.add(f"'sha256-{digest}'")
            if f"'sha256-{digest}'" not in script_src:
                problems.append(f"{rel}: its inline script {' '.join(script.split())[:60]!r} needs "
                                f"'sha256-{digest}' in script-src (overrides/main.html)")
    problems += [f"script-src allows {h}, which no page's inline script has: remove it from "
                 f"overrides/main.html" for h in sorted(allowed - needed)]
    assert problems == [], "\n".join(problems)


def test_the_content_security_policy_refuses_a_remote_script(server, watched):
    """A script from another host, added to a lesson page, is refused by the page's policy before
    any request for it leaves the browser; an added inline script does not run either."""
    w = watched()
    page = w.goto(f"{server}/lessons/{LESSONS[0]}/")
    assert w.problems == []
    outcome = page.evaluate("""src => new Promise(done => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = () => done("loaded");
      s.onerror = () => done("not loaded");
      document.head.append(s);
    })""", REMOTE_SCRIPT)
    ran = page.evaluate("""() => {
      const s = document.createElement("script");
      s.textContent = "window.injected = true";
      document.head.append(s);
      return window.injected === true;
    }""")
    for _ in range(300):  # the page reports a violation a moment after it refuses
        if len(w.violations) >= 2:
            break
        page.wait_for_timeout(10)
    assert outcome == "not loaded", "the script from another host loaded"
    assert not ran, f"an inline script added to the page ran: {w.problems}"
    assert [(v["directive"], v["blocked"]) for v in w.violations] == [
        ("script-src-elem", REMOTE_SCRIPT), ("script-src-elem", "inline")], w.problems
    # No request left the browser (none reached Watched's route): Chromium failed it as "csp".
    assert not [p for p in w.problems if p.startswith("request to another host")], w.problems
    others = [p for p in w.problems if not p.startswith("CSP violation") and "Content Security Policy" not in p]
    assert others == [f"failed: {REMOTE_SCRIPT} csp"], w.problems


# axe-core on the page, with ``options`` (which rules) and ``context`` (which parts: include, exclude).
AXE_RUN = """([options, context]) => axe.run(context, {
  ...options, resultTypes: ["violations"],
}).then(r => r.violations.map(v => ({
  rule: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160), why: n.failureSummary})),
})))"""


# What axe-core checks on the print page: its own parts (the cover, the table of contents, the
# section headings). Each page's section there holds the same text as the page itself
# (``test_site.py`` proves it), which axe checks on the page, with every hint and solution open.
PRINT_PAGE_SECTIONS = "#print-site-page section.print-page[id]:not(.md-section)"
OPEN_ALL_DETAILS = "() => document.querySelectorAll('details').forEach(d => d.open = true)"

# axe-core's colour-contrast rule measures each text element's colour, size, weight and opacity
# against the background behind it; on a lesson most of those elements repeat a few looks (one
# per token class of its code blocks, one per kind of paragraph, list item or table cell)
# hundreds of times, and measuring them again costs most of a page's check. So a block (a code
# block, a paragraph, a list item, a cell, a heading, a caption: the innermost of them) all of
# whose looks an earlier block on the page already showed is marked, and the colour rule skips it
# (it would measure the same ratios again); every other rule checks every block. In a block that
# shows a look for the first time, each leaf (an element holding text and no other element: a
# code token, a link, an inline code) whose look was shown before is marked too, so the first
# code block of a page is measured once per look, not once per token. A look is what the ratio
# depends on: the colour, size, weight and shadow of the text, its opacity with its ancestors',
# and the colour of the nearest opaque background; each element holding text of its own has
# one. Blocks in the parts no rule checks (``exclude``: the print page's sections) are left
# unmarked: axe-core's cost grows with the elements its context names. Returns [blocks, blocks
# marked, leaves marked in the others].
BLOCKS = "pre, p, li, td, th, dt, dd, h1, h2, h3, h4, h5, h6, figcaption, summary"
MARK_LOOKS_SEEN = """([blocks, skipped]) => {  // skipped: the parts no rule checks
  const memo = (f) => { const m = new Map(); const g = el => {  // per element, from its parent's
      if (!el) return null; if (!m.has(el)) m.set(el, f(el, g(el.parentElement))); return m.get(el); }; return g; };
  const opaque = memo((el, up) => { const c = getComputedStyle(el).backgroundColor;
      return c !== "rgba(0, 0, 0, 0)" && c !== "transparent" ? c : up || "none"; });
  const opacity = memo((el, up) => parseFloat(getComputedStyle(el).opacity) * (up === null ? 1 : up));
  const look = el => { const s = getComputedStyle(el);
      return [s.color, s.fontSize, s.fontWeight, s.textShadow, opacity(el), s.visibility, opaque(el)].join("|"); };
  const ownText = el => [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  document.querySelectorAll("[data-look-seen]").forEach(e => e.removeAttribute("data-look-seen"));  // an earlier scheme's
  const seen = new Set(); let marked = 0, leaves = 0;
  const innermost = [...document.querySelectorAll(blocks)]
    .filter(b => !b.querySelector(blocks) && !(skipped && b.closest(skipped)));
  for (const block of innermost) {
    const texts = [block, ...block.querySelectorAll("*")].filter(ownText), looks = texts.map(look);
    if (looks.every(l => seen.has(l))) { block.setAttribute("data-look-seen", ""); marked++; continue; }
    texts.forEach((el, i) => {
      if (el !== block && !el.firstElementChild && seen.has(looks[i])) { el.setAttribute("data-look-seen", ""); leaves++; }
      else seen.add(looks[i]);
    });
  }
  return [innermost.length, marked, leaves];
}"""

# The two schemes differ in colours, and in what each shows (a figure's light or dark variant, the
# toggle's label): Material switches them with CSS alone. So the dark pass runs the rules that
# read colours on the whole page, and every other rule on the elements the dark page lays out
# differently from the light one: shown in one scheme only, or in another place or size. LAYOUT
# is each element's box, in document order (null where nothing is drawn); MARK_SCHEME_DIFFERENCES
# marks, on the dark page, the elements whose box is not the light page's, and returns how many;
# or null when the two documents do not hold the same elements (an element Material's scripts add
# or remove on the way, a tooltip say), and then every rule runs. Both read the body only: the
# head is never drawn, and the light pass adds axe-core's script to it.
LAYOUT = """() => [...document.body.querySelectorAll("*")].map(el => {
  const r = el.getBoundingClientRect();
  const drawn = el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  return [el.tagName, drawn ? [r.x, r.y, r.width, r.height].map(Math.round).join(",") : null];
})"""
MARK_SCHEME_DIFFERENCES = """(light) => {
  const els = [...document.body.querySelectorAll("*")];
  if (els.length !== light.length || els.some((el, i) => el.tagName !== light[i][0])) return null;
  let marked = 0;
  els.forEach((el, i) => {
    const r = el.getBoundingClientRect();
    const drawn = el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
    const box = drawn ? [r.x, r.y, r.width, r.height].map(Math.round).join(",") : null;
    if (box !== light[i][1] && box !== null) { el.setAttribute("data-scheme-differs", ""); marked++; }
  });
  return marked;
}"""
COLOUR_RULES = ["color-contrast", "link-in-text-block"]  # the WCAG A/AA rules that read colours
ALL_BUT_COLOUR = {"runOnly": {"type": "tag", "values": WCAG_AA},
                  "rules": {rule: {"enabled": False} for rule in COLOUR_RULES}}
COLOUR_SKIPS_SEEN = {"color-contrast"}  # link-in-text-block reads the text around a link: it runs on every block

# Every page of the site, by its path: a test each, so that the workers share them.
AXE_PAGES = (["index.html", "setup/index.html", "glossary/index.html", "contributing/index.html",
              "execution-times/index.html", "print_page/index.html", "404.html"]
             + [f"lessons/{lesson}/index.html" for lesson in LESSONS]
             + [f"notebooks/{lesson.replace('-', '_')}/index.html" for lesson in LESSONS])


def test_the_accessibility_check_covers_every_page(built_site):
    assert set(AXE_PAGES) == {p.as_posix() for p in site_pages(built_site)} | {"404.html"}


def axe_check(page, axe_url: str, exclude: list, everything: bool, differs_from=None) -> tuple[list, dict]:
    """axe-core's WCAG A/AA rules on ``page``: the colour rules on the whole page (but blocks
    whose every look an earlier one showed), the other rules on the whole page (``everything``) or
    on the elements laid out otherwise than on the light page whose ``LAYOUT`` is ``differs_from``.
    Returns the violations and what was skipped."""
    page.evaluate(OPEN_ALL_DETAILS)
    if exclude and everything:  # the print page: its own parts are few, so every rule in one run
        page.add_script_tag(url=axe_url)  # (each run walks the page's whole DOM first)
        return page.evaluate(AXE_RUN, [{"runOnly": {"type": "tag", "values": WCAG_AA}}, {"exclude": exclude}]), {}
    counts = {}
    if differs_from is not None:
        counts["differs"] = page.evaluate(MARK_SCHEME_DIFFERENCES, differs_from)
        everything = counts["differs"] is None
    counts["blocks"], counts["marked"], counts["leaves"] = page.evaluate(
        MARK_LOOKS_SEEN, [BLOCKS, ", ".join(part for [part] in exclude)])
    page.add_script_tag(url=axe_url)
    only = lambda rules: {"runOnly": {"type": "rule", "values": sorted(rules)}}  # noqa: E731
    found = page.evaluate(AXE_RUN, [only(COLOUR_SKIPS_SEEN), {"exclude": exclude + [["[data-look-seen]"]]}])
    if everything:  # every other rule, on the whole page
        others = {"runOnly": {"type": "tag", "values": WCAG_AA}, "rules": {r: {"enabled": False} for r in COLOUR_SKIPS_SEEN}}
        return found + page.evaluate(AXE_RUN, [others, {"exclude": exclude}]), counts
    found += page.evaluate(AXE_RUN, [only(set(COLOUR_RULES) - COLOUR_SKIPS_SEEN), {"exclude": exclude}])
    if counts["differs"]:
        found += page.evaluate(AXE_RUN, [ALL_BUT_COLOUR, {"include": [["[data-scheme-differs]"]], "exclude": exclude}])
    return found, counts


# Everything the browser checks on one page is checked on one load of it, each check with its own
# kept proof: the clean load and axe-core in both schemes (every page), reflow (every page but the
# 404 page), the figures' legibility and their swap by the scheme toggle (the lesson pages), the
# download (the notebook pages) and the printed PDF (the print page).
PAGE_CHECKS = {"load": "loads cleanly", "axe": "axe-core WCAG A/AA", "reflow": "reflows at 320 and 640 px",
               "figures": "figures legible and described", "toggle": "the toggle swaps each figure",
               "download": "the download button gives the notebook", "pdf": "the whole course prints to one PDF"}


def checks_of(rel: Path) -> list[str]:
    return (["load", "axe"] + (["reflow"] if rel.name == "index.html" else [])
            + {"lessons": ["figures", "toggle"], "notebooks": ["download"], "print_page": ["pdf"]}.get(rel.parts[0], []))


@pytest.mark.parametrize("rel", AXE_PAGES, ids=lambda rel: rel.removesuffix("/index.html").removesuffix(".html"))
def test_every_page_meets_wcag_aa_reflows_and_shows_its_figures(rel, built_site, server, browser, watched,
                                                                pytestconfig, tmp_path):
    """One load of the page, in the light scheme and a 1280 px window, with every hint, solution and
    discussion opened (closed, their text would escape the checks), checks all of this:

    - **axe-core** (WCAG 2.0, 2.1 and 2.2, levels A and AA) finds nothing, in the light scheme and,
      after the toggle, in the dark one. The dark scheme changes colours and which variant of a
      figure or toggle shows, so there the rules that read colours check the whole page and every
      other rule the elements laid out otherwise than in the light scheme. The print page is
      checked in its own parts, in the light scheme it prints in (its sections are the pages).
    - **Reflow** (WCAG 1.4.10): at 320 CSS px, and at 640 (a 1280 px laptop zoomed to 200 %),
      nothing needs a sideways scroll of the page; code blocks, tables and notebook cells scroll in
      their own box. The window is resized to each width, as a window resized or zoomed is.
    - On a lesson, **its figures**: every figure's text is real text of 12 CSS px or more on the
      1280 px screen, its light and dark variants have the same descriptive alt text, and the
      scheme toggle shows the dark variant of each figure in place of the light one.
    - On a notebook page, **its download button** gives the notebook the site holds, valid.
    - On the print page, **the PDF** (``pdf_problems``), printed by a reader who chose the dark scheme.
    - In the light scheme the page loads cleanly (no failed or remote request, no console error,
      every image decodes); with ``--screenshots``, a lesson's screenshot is kept.

    A check whose every input passed before (the page, every file it loads, axe-core, the browser,
    this test) is not made again (``tests/proofs.py``); a page whose every check passed before,
    its clean load included, is not loaded at all."""
    assert AXE_JS.is_file(), f"axe-core not found at {AXE_JS}: run `make setup`"
    rel = Path(rel)
    url = page_url(server, rel) if rel.name == "index.html" else f"{server}/{rel.as_posix()}"
    printed = rel.parts[0] == "print_page"
    exclude = [[PRINT_PAGE_SECTIONS]] if printed else []
    axe_url = f"{server}/__tests__/axe.min.js"  # a file of the site's origin: the policy refuses inline scripts
    key = page_proof(built_site, rel, browser)
    todo = {check: proofs.key(check, key) for check in checks_of(rel)}
    if "pdf" in todo:  # the overview links to the print page: its bytes are an input too
        todo["pdf"] = proofs.key("pdf", key, page_proof(built_site, Path("index.html"), browser))
    todo = {check: proof for check, proof in todo.items() if not proofs.proven(pytestconfig, proof)}
    if not todo and not pytestconfig.getoption("screenshots"):
        print(f"\n{rel}: passed before on these exact inputs (the page, every file it loads, axe-core,"
              " the browser, this test): not loaded again")
        return
    w = watched(color_scheme="light", viewport={"width": 1280, "height": 900})
    w.context.route(axe_url, lambda route: route.fulfill(path=AXE_JS, content_type="text/javascript"))
    page = w.goto(url, until="networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES["light"], url
    assert page.evaluate(UNDECODABLE_IMAGES) == [], url
    if rel.parts[0] == "lessons":
        keep_screenshot(pytestconfig, page, f"{rel.parts[1]}-light")
    assert w.problems == []
    found = []
    if "pdf" in todo and page.locator("#print-site-page details:not([open])").count():
        found.append("the print page leaves a hint, solution or discussion closed")
    page.evaluate(OPEN_ALL_DETAILS)
    if "figures" in todo:
        found += figure_problems(rel, page.evaluate(FIGURE_TEXT))
    if "toggle" in todo:
        found += figure_swap_problems(rel, page, "light")
    if "axe" in todo:
        layout = None if printed else page.evaluate(LAYOUT)  # the print page has no dark pass
        found += axe_findings(rel, "light", *axe_check(page, axe_url, exclude, everything=True))
    if not printed and {"axe", "toggle"} & set(todo):  # the reader's toggle, and the dark media with it
        to_dark(page)
        page.wait_for_load_state("networkidle")  # the dark variants of the figures
        if "toggle" in todo:
            found += figure_swap_problems(rel, page, "dark")
            keep_screenshot(pytestconfig, page, f"{rel.parts[1]}-dark")
        if "axe" in todo:
            found += axe_findings(rel, "dark", *axe_check(page, axe_url, exclude, everything=False, differs_from=layout))
    if "pdf" in todo:  # the reader's toggle, as above: the print keeps the light figures
        to_dark(page)
        found += pdf_problems(built_site, page, tmp_path)
    if "download" in todo:
        found += download_problems(built_site, rel, page, tmp_path)
    if "reflow" in todo:
        for width in (320, 640):
            page.set_viewport_size({"width": width, "height": 800})
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                found.append(f"{rel.parent} at {width}px: the page scrolls sideways by {overflow}px")
            found += [f"{rel.parent} at {width}px: {stuck}" for stuck in page.evaluate(STICKS_OUT)]
    assert not found, f"{len(found)} problems:\n" + "\n".join(found[:40])
    assert w.problems == []
    for check, proof in todo.items():
        proofs.record(proof, f"{PAGE_CHECKS[check]}: {rel}")


TO_DARK = "Switch to dark mode"  # the toggle's title in the light scheme (mkdocs.yml)


def to_dark(page) -> None:
    """What a reader who prefers dark does on a light page: the scheme toggle, and the dark media."""
    page.emulate_media(color_scheme="dark")
    page.locator(f'label[title="{TO_DARK}"]').first.click()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{SCHEMES['dark']}'")


def axe_findings(rel: Path, scheme: str, violations: list, counts: dict) -> list[str]:
    """Each node of each axe-core violation, one line each; what the check skipped is printed."""
    if counts:
        print(f"\n{rel} ({scheme}): the colour rule skipped {counts['marked']} of {counts['blocks']} blocks"
              f" and {counts['leaves']} repeated leaves in the others"
              + ("" if "differs" not in counts else
                 f"; the other rules checked {counts['differs']} elements laid out otherwise than in light"
                 if counts["differs"] is not None else "; the documents differ, so every rule checked the whole page"))
    return [f"{rel} ({scheme}): {violation['rule']} ({violation['impact']}) at {node['target']}\n"
            f"    {node['html']}\n    {' '.join(node['why'].split())[:300]}"
            for violation in violations for node in violation["nodes"]]


def figure_problems(rel: Path, figures_: list[dict]) -> list[str]:
    """What is wrong with a lesson's figures as ``FIGURE_TEXT`` measured them."""
    lesson = rel.parts[1]
    problems, smallest, variants = [], {}, {}
    for fig in figures_:
        name = fig["src"].split("/")[-1].split("#")[0]
        base, _, variant = name.rpartition("-")
        variants.setdefault(base, {})[variant.removesuffix(".svg")] = fig["alt"]
        if fig["texts"] == 0:
            problems.append(f"{lesson}/{name}: no text in the SVG (drawn as paths?)")
        if fig["shown"]:
            smallest[base] = fig["smallest"]
            if fig["smallest"] < 12:
                problems.append(f"{lesson}/{name}: text as small as {fig['smallest']:.1f} CSS px")
    for base, alts in variants.items():
        if set(alts) != {"light", "dark"}:
            problems.append(f"{lesson}/{base}: variants {sorted(alts)}, not light and dark")
            continue
        alt = alts["light"]
        if alts["dark"] != alt:
            problems.append(f"{lesson}/{base}: the light and dark variants' alt texts differ")
        if len(alt.split()) < 8 or base in alt or alt.lower().endswith(".svg"):
            problems.append(f"{lesson}/{base}: alt text does not describe the figure: {alt!r}")
    if not smallest:
        problems.append(f"{lesson}: no figure shown on a 1280 px screen")
    print(f"\n{lesson}: smallest figure text on a 1280 px screen (CSS px): "
          + ", ".join(f"{base} {size:.1f}" for base, size in smallest.items()))
    return problems


def figure_swap_problems(rel: Path, page, scheme: str) -> list[str]:
    """In ``scheme``, every figure of the lesson shows its ``scheme`` variant and hides the other."""
    shown, hidden = ("light", "dark") if scheme == "light" else ("dark", "light")
    show = page.locator(f'article img[src*="-{shown}.svg"]')
    hide = page.locator(f'article img[src*="-{hidden}.svg"]')
    n = show.count()
    if n < 1 or hide.count() != n:
        return [f"{rel.parent}: {n} {shown} and {hide.count()} {hidden} figure variants"]
    if not all(show.nth(i).is_visible() and not hide.nth(i).is_visible() for i in range(n)):
        return [f"{rel.parent} ({scheme}): a figure shows its {hidden} variant"]
    return []


def test_a_reader_who_prefers_dark_gets_the_dark_scheme_and_figures(server, watched):
    """Without a toggle: the reader's own preference picks the scheme, and the figures follow."""
    w = watched(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = w.goto(f"{server}/lessons/{LESSONS[0]}/", until="load")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES["dark"]
    assert figure_swap_problems(Path("lessons", LESSONS[0], "index.html"), page, "dark") == []
    assert page.locator(f'label[title="Switch to light mode"]').first.is_visible()
    assert w.problems == []


def pages_proof(check: str, built_site: Path, rels: list[str], browser) -> str:
    """The key of the browser check ``check`` of the pages ``rels`` (``page_proof`` of each)."""
    return proofs.key(check, *(page_proof(built_site, Path(rel), browser) for rel in rels))


def page_proof(built_site: Path, rel: Path, browser) -> str:
    """The key of axe-core's check of a page: the page's bytes and those of every file of the site
    it names in a ``src`` or a ``href`` (its style sheets, scripts and figures), every style sheet
    and script of the theme, axe-core, the browser's version and this test module (its rules,
    options and scripts)."""
    import importlib.metadata

    class Named(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = set()

        def handle_starttag(self, tag, attrs):
            self.found |= {value for name, value in attrs if name in ("src", "href") and value}

    built_site = built_site.resolve()
    named = Named()
    named.feed((built_site / rel).read_text(encoding="utf-8"))
    here = (built_site / rel).parent
    files = {f for f in built_site.rglob("*") if f.suffix in (".css", ".js") and f.is_file()}
    for link in named.found:
        if "://" in link or link.startswith(("data:", "mailto:", "#")):
            continue
        target = (here / urlparse(link).path).resolve()
        target = target / "index.html" if target.is_dir() else target
        if target.is_file() and target.suffix != ".html":
            files.add(target)
    parts = [rel.as_posix(), (built_site / rel).read_bytes(), AXE_JS.read_bytes(), browser.version,
             importlib.metadata.version("playwright"), Path(__file__).read_bytes()]
    for file in sorted(files):
        parts += [file.relative_to(built_site).as_posix(), file.read_bytes()]
    return proofs.key(*parts)


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


def first_hint_words() -> str:
    """The longest run of plain words in the first line of Lesson 1's first hint, read from its
    source (code spans, which a PDF's text may space differently, left out)."""
    lines = (ROOT / "docs" / "lessons" / f"{LESSONS[0]}.md").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith('??? tip "Hint"'))
    first = next(line.strip() for line in lines[at + 1:] if line.strip())
    parts = re.split(r"[|;,.:()]", re.sub(r"`[^`]*`", "|", first))
    return max((" ".join(part.split()) for part in parts), key=len)


def test_a_hint_opens_on_click(server, watched):
    w = watched()
    page = w.goto(f"{server}/lessons/{LESSONS[0]}/")
    hint = page.locator("details.tip").first
    assert hint.get_attribute("open") is None
    assert not hint.locator("p").first.is_visible()
    hint.locator("summary").click()
    assert hint.get_attribute("open") is not None
    assert hint.locator("p").first.is_visible()
    assert first_hint_words() in hint.inner_text()
    assert w.problems == []


def download_problems(built_site: Path, rel: Path, page, tmp_path: Path) -> list[str]:
    """The notebook page's download button saves the site's notebook under its name, valid."""
    import nbformat

    name = rel.parts[1]
    with page.expect_download() as info:
        page.locator("a.course-download").click()
    download = info.value
    if download.suggested_filename != f"{name}.ipynb":
        return [f"{rel.parent}: the download is named {download.suggested_filename}, not {name}.ipynb"]
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    if saved.read_bytes() != (built_site / "notebooks" / name / f"{name}.ipynb").read_bytes():
        return [f"{rel.parent}: the download is not the site's {name}.ipynb"]
    nbformat.validate(nbformat.read(saved, as_version=4))
    return []


def test_dataset_download_is_the_dataset(server, watched, tmp_path):
    w = watched()
    page = w.goto(f"{server}/lessons/{LESSONS[0]}/")
    with page.expect_download() as info:
        page.locator('a[download="indian_ipo.csv"]').first.click()
    saved = tmp_path / "indian_ipo.csv"
    info.value.save_as(saved)
    assert saved.read_bytes() == data.dataset_path().read_bytes()
    assert w.problems == []


# Nothing on the page reaches past the window's right edge unless it sits inside a box that
# scrolls on its own (a code block, a table, a notebook cell).
STICKS_OUT = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const el of document.querySelectorAll("article *")) {
    const box = el.getBoundingClientRect();
    if (!box.width || box.right <= width + 1) continue;
    let up = el.parentElement, boxed = false;
    while (up && !boxed) {
      const o = getComputedStyle(up).overflowX;
      boxed = (o === "auto" || o === "scroll") && up.getBoundingClientRect().right <= width + 1;
      up = up.parentElement;
    }
    if (!boxed) found.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)}px`);
  }
  return found.slice(0, 10);
}"""


@pytest.mark.parametrize("lesson", LESSONS)
def test_lessons_read_well_at_phone_width(server, watched, lesson, pytestconfig, built_site, browser):
    """On a phone (390 px, touch): no sideways scroll, body text of 14 px or more, figures inside
    the screen. Not checked again when the page passed before on the same inputs."""
    proof = proofs.key("phone", page_proof(built_site, Path("lessons", lesson, "index.html"), browser))
    if proofs.proven(pytestconfig, proof):
        return
    w = watched(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = w.goto(f"{server}/lessons/{lesson}/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{lesson} scrolls sideways by {overflow}px at 390px"
    assert page.evaluate(STICKS_OUT) == []
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset p')).fontSize)")
    assert font >= 14
    widths = page.locator("article img").evaluate_all("els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().right)")
    assert all(right <= 390 for right in widths)
    keep_screenshot(pytestconfig, page, f"{lesson}-phone")
    assert w.problems == []
    proofs.record(proof, f"{lesson} reads well at phone width")


# Every figure of a page as shown: its <img>, the smallest text in its SVG in CSS pixels at the
# size the page draws it, and how many texts the SVG holds as text.
FIGURE_TEXT = """async () => {
  const out = [];
  for (const img of document.querySelectorAll('article img[src*="/figures/"]')) {
    const svg = new DOMParser().parseFromString(await (await fetch(img.src)).text(), "image/svg+xml");
    const sizes = [...svg.querySelectorAll("text")].filter(t => t.textContent.trim()).map(t => {
      const size = /font-size:\\s*([\\d.]+)px/.exec(t.getAttribute("style") || "");
      return size ? parseFloat(size[1]) : 0;
    });
    const shown = img.offsetParent !== null;
    const scale = img.getBoundingClientRect().width / svg.documentElement.viewBox.baseVal.width;
    out.push({src: img.getAttribute("src"), alt: img.getAttribute("alt") || "", shown,
              texts: sizes.length, smallest: shown ? Math.min(...sizes) * scale : null});
  }
  return out;
}"""


# Reach with the Tab key, from the top of the page, and where the focus ring is on the way: the
# element the focus is on, or null when it is back on the body or on an element reached before.
TAB_STOP = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || "tabSeen" in el.dataset) return null;
  el.dataset.tabSeen = "";
  const ringed = el.matches("input") && el.id ? document.querySelector(`label[for="${el.id}"]`) || el : el;
  const style = getComputedStyle(ringed);
  const own = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), cls: String(el.className), href: el.getAttribute("href") || "",
    text: (el.getAttribute("title") || el.textContent || "").trim().slice(0, 40),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    visible: ringed.getClientRects().length > 0 && getComputedStyle(ringed).visibility !== "hidden",
    scrolls: ["auto", "scroll"].includes(own.overflowX) && el.scrollWidth > el.clientWidth + 1,
  };
}"""


# The boxes of the page that scroll sideways on their own: code, tables, notebook cells.
SCROLLING_BOXES = """() => [...document.querySelectorAll("article *")].filter(el =>
  ["auto", "scroll"].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1
  && el.getClientRects().length && !el.closest("details:not([open])")).length"""


def tab_through(page, limit: int = 800) -> list[dict]:
    """Every element the Tab key reaches, in order, until the focus comes back round."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_STOP)
        if stop is None:
            break
        stops.append(stop)
    return stops


def test_keyboard_reaches_every_control_with_a_visible_focus_ring(server, watched, built_site, browser, pytestconfig):
    """Tab reaches every hint, copy button, download and scrolling box; each shows a focus ring."""
    proof = pages_proof("keyboard", built_site, [f"lessons/{LESSONS[0]}/index.html",
                                                  f"notebooks/{LESSONS[0].replace('-', '_')}/index.html"], browser)
    if proofs.proven(pytestconfig, proof):
        return
    w = watched(viewport={"width": 1280, "height": 800})
    page = w.goto(f"{server}/lessons/{LESSONS[0]}/")
    stops = tab_through(page)
    counts = page.evaluate("""() => {  // what a reader sees (a closed hint hides its code)
      const shown = selector => [...document.querySelectorAll(selector)]
        .filter(e => e.getClientRects().length && !(e.closest("details:not([open])") && !e.closest("summary")))
        .length;
      return {hints: shown("article details > summary"),
              copies: shown("article .md-code__button, article .md-clipboard"),
              downloads: shown("article a[download]")};
    }""")
    reached = Counter()
    for stop in stops:
        reached["hints"] += stop["tag"] == "summary"
        reached["copies"] += "md-code__button" in stop["cls"] or "md-clipboard" in stop["cls"]
        reached["downloads"] += stop["tag"] == "a" and stop["href"].endswith((".csv", ".ipynb"))
    assert counts["hints"] >= 3 and counts["copies"] >= 3 and counts["downloads"] >= 1
    assert dict(reached) == counts, (dict(reached), counts)
    assert sum(s["scrolls"] for s in stops) == page.evaluate(SCROLLING_BOXES)
    unringed = [s for s in stops if s["visible"] and not s["ring"]]
    assert unringed == [], unringed[:5]

    # A notebook: its download button, and every code cell or output wider than its box.
    page = w.goto(f"{server}/notebooks/{LESSONS[0].replace('-', '_')}/")
    scrolling = page.evaluate(SCROLLING_BOXES)
    stops = tab_through(page)
    assert any("course-download" in s["cls"] for s in stops)
    assert scrolling >= 1 and sum(s["scrolls"] for s in stops) == scrolling
    unringed = [s for s in stops if s["visible"] and not s["ring"]]
    assert unringed == [], unringed[:5]
    assert w.problems == []
    proofs.record(proof, "the keyboard reaches every control")


def lesson_titles() -> list[str]:
    titles = []
    for path in sorted((ROOT / "docs" / "lessons").glob("*.md")):
        titles.append(next(line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines()
                           if line.startswith("# ")))
    return titles


def pdf_problems(built_site: Path, page, tmp_path: Path) -> list[str]:
    """The print page, as ``page`` shows it (every hint open): the overview links to it once; it
    holds the overview and every lesson in order, light figures whatever the reader's scheme, no
    notebooks; printed from the browser it makes a clean PDF whose headings (its outline) hold
    every lesson's title in order, with an open hint's text on Lesson 1's pages."""
    import pypdf

    problems = []
    overview = (built_site / "index.html").read_text(encoding="utf-8")
    article = overview[overview.index("<article"):overview.index("</article>")]
    if article.count('href="print_page/"') != 1:
        problems.append("the overview does not link to the print page once")
    if page.locator("#print-site-page details.tip").count() < 3 * len(LESSONS):
        problems.append("the print page holds fewer hints than three a lesson")
    figures_ = page.locator("#print-site-page figure img")
    srcs = figures_.evaluate_all("els => els.map(e => e.getAttribute('src'))")
    if not srcs or not all(src.endswith("-light.svg") for src in srcs):
        problems.append(f"the print page's figures are not all the light variants: {srcs}")
    if not all(figures_.nth(i).is_visible() for i in range(figures_.count())):
        problems.append("a figure of the print page is hidden")
    if page.locator("#print-site-page .jupyter-wrapper").count():
        problems.append("the print page holds a notebook")
    pdf = tmp_path / "course.pdf"
    # Tagged, with an outline: the PDF's bookmarks are its headings, each with its page.
    page.pdf(path=pdf, format="A4", print_background=True, tagged=True, outline=True)
    reader = pypdf.PdfReader(pdf)
    print(f"\nthe whole course prints on {len(reader.pages)} A4 pages")
    if not 8 * len(LESSONS) <= len(reader.pages) <= 40 * len(LESSONS):
        problems.append(f"the course prints on {len(reader.pages)} pages")

    def headings(outline, depth=0):
        for item in outline:
            if isinstance(item, list):
                yield from headings(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item)

    printed = list(headings(reader.outline))
    parts = [(title, at) for depth, title, at in printed if depth == 0]
    titles = lesson_titles()
    found = [title for title, _ in parts if title in titles]
    if found != titles:
        return problems + [f"lessons missing or out of order in the PDF's outline: {found}"]
    if [title for title, _ in parts if "Contributing" in title]:
        problems.append("the PDF holds the contributing page")
    if [at for _, at in parts] != sorted(at for _, at in parts):
        problems.append("the PDF's parts are out of order")
    # A hint's text, open on paper: on the pages of Lesson 1's exercises.
    first = next(at for depth, title, at in printed if title == "Practice exercises")
    last = next(at for title, at in parts if title == titles[1])
    hint = first_hint_words()
    if not any(hint in " ".join(reader.pages[i].extract_text().split()) for i in range(first, last + 1)):
        problems.append("no open hint's text on the PDF's pages of Lesson 1's exercises")
    return problems
