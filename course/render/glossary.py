"""The glossary (``docs/glossary.md``), and a link to it where a lesson page first uses a term.

Each entry of the glossary is a third-level heading with an anchor, ``### Mini-batch (batch) {
#batch }``, and a definition that says which lesson teaches it ("Taught in [Lesson 4](...)"); a
name in brackets is another form of the term. The build links the first use of every term on
every lesson page to its entry, so a term used before the lesson that teaches it (Lesson 1 speaks
of batches, Lesson 4 explains them) is always one click from its definition. Where the author
links a term (at the sentence that defines it), the build leaves it to that link: a page links
each entry once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course import ROOT
from course.check import prose

GLOSSARY = ROOT / "docs" / "glossary.md"
ENTRY = re.compile(r"^###\s+(?P<name>.+?)\s*\{\s*#(?P<anchor>[\w-]+)\s*\}\s*$")
TAUGHT = re.compile(r"Taught\s+in\s+\[Lesson (?P<lesson>\d+)\]", re.S)
ALIASES = re.compile(r"^(?P<main>.+?)\s*\((?P<aliases>[^)]*)\)$")
# Where a link must not go: link texts, image alt texts, HTML, and the course's own name.
_NO_LINK = re.compile(r"!?\[[^\]]*\]|<[^>]*>|Deep Learning with PyTorch")


@dataclass(frozen=True)
class Term:
    name: str
    anchor: str
    lesson: int  # the lesson that teaches it
    forms: tuple[str, ...]  # what the term looks like in prose, longest first

    def pattern(self) -> re.Pattern:
        alternatives = "|".join(re.escape(form) for form in self.forms)
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?:e?s)?(?![\w-])", re.I)

    def uses(self, lowered: str):
        """The term's matches in ``lowered`` (a text in lower case), as :meth:`pattern` finds
        them. The same search, a few dozen times faster: a pattern that starts with a literal
        lets the regex engine skip ahead, so the look-behind is checked by hand."""
        pattern = _lowered_pattern(self.forms)
        pos = 0
        while (m := pattern.search(lowered, pos)) is not None:
            before = lowered[m.start() - 1] if m.start() else " "
            if before.isalnum() or before in "_-":
                pos = m.start() + 1
                continue
            yield m
            pos = m.end()


@lru_cache(maxsize=None)
def _lowered_pattern(forms: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(form.lower()) for form in forms)
    return re.compile(rf"(?:{alternatives})(?:e?s)?(?![\w-])")


def terms(path: Path = GLOSSARY) -> list[Term]:
    """The glossary's entries (read once per version of the file: the build asks on every page)."""
    stat = path.stat()
    return list(_terms(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _terms(path: Path, _mtime_ns: int, _size: int) -> tuple[Term, ...]:
    text = path.read_text(encoding="utf-8")
    entries = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = ENTRY.match(line)
        if not match:
            continue
        body = []
        for following in lines[index + 1 :]:
            if following.startswith("#"):
                break
            body.append(following)
        taught = TAUGHT.search("\n".join(body))
        if not taught:
            raise ValueError(f"{path.name}:{index + 1}: '{match['name']}' does not say which lesson teaches it")
        name = match["name"]
        forms = [name]
        alias = ALIASES.match(name)
        if alias:
            forms = [alias["main"]] + [a.strip() for a in alias["aliases"].split(",")]
        entries.append(
            Term(name, match["anchor"], int(taught["lesson"]), tuple(sorted(forms, key=len, reverse=True)))
        )
    return tuple(entries)


def lesson_number(src_uri: str) -> int:
    return int(Path(src_uri).name[:2])


def _linkable_lines(markdown: str) -> dict[int, str]:
    """Line index -> the line with every place a link must not go blanked (columns kept)."""
    out = {}
    for lineno, line, cleaned, _ in prose.cleaned(prose.page_prose(markdown)):
        for m in _NO_LINK.finditer(line):
            cleaned = cleaned[: m.start()] + " " * (m.end() - m.start()) + cleaned[m.end() :]
        stripped = line.lstrip()
        if stripped.startswith(("#", "!!!", "???", "<")) and not stripped.startswith("<figcaption>"):
            cleaned = " " * len(line)
        out[lineno - 1] = cleaned
    return out


# A link the author wrote to an entry: in Markdown, or in HTML (a caption).
_AUTHOR_LINK = re.compile(r"""(?:\]\(|href=")[^)"]*glossary(?:\.md|\.html|/)#(?P<anchor>[\w-]+)""")


def first_uses(markdown: str, glossary_terms: list[Term]) -> list[tuple[int, int, int, Term]]:
    """``(line index, start, end, term)`` of the first use of each term in the page's prose.

    Longer terms claim their words first ("loss function" before "loss"). The linkable lines are
    searched as one text (a term never spans two lines: its forms hold no line break). A term the
    author links on the page is left to that link: a page links each entry once."""
    import bisect

    linked_by_author = set(_AUTHOR_LINK.findall(markdown))
    glossary_terms = [term for term in glossary_terms if term.anchor not in linked_by_author]

    n_lines = len(markdown.splitlines())
    linkable = _linkable_lines(markdown)
    indices = sorted(linkable)
    starts, offset = [], 0
    for index in indices:
        starts.append(offset)
        offset += len(linkable[index]) + 1
    text = "\n".join(linkable[index] for index in indices)
    claimed: list[tuple[int, int]] = []  # spans in ``text``
    found = []
    lowered = text.lower()
    for term in sorted(glossary_terms, key=lambda t: -len(t.forms[0])):
        matches = term.uses(lowered) if len(lowered) == len(text) else term.pattern().finditer(text)
        for m in matches:
            if not any(a < m.end() and m.start() < b for a, b in claimed):
                claimed.append(m.span())
                row = bisect.bisect_right(starts, m.start()) - 1
                found.append((indices[row], m.start() - starts[row], m.end() - starts[row], term))
                break
    assert all(0 <= i < n_lines for i, *_ in found)
    return found


def link_first_uses(
    markdown: str, src_uri: str, glossary_terms: list[Term] | None = None, directory_urls: bool = True
) -> str:
    """``markdown`` with the first use of each glossary term linked to its entry.

    A caption (``<figcaption>``) is HTML, where Markdown is not read: its link is an HTML link to
    the glossary page's URL.
    """
    glossary_terms = terms() if glossary_terms is None else glossary_terms
    depth = src_uri.count("/")
    target = "../" * depth + "glossary.md"
    html_target = "../" * (depth + directory_urls) + ("glossary/" if directory_urls else "glossary.html")
    lines = markdown.splitlines(keepends=True)
    for index, start, end, term in sorted(first_uses(markdown, glossary_terms), key=lambda f: (f[0], -f[1])):
        line = lines[index]
        word = line[start:end]
        if line.lstrip().startswith("<figcaption>"):
            link = f'<a class="glossary-link" href="{html_target}#{term.anchor}">{word}</a>'
        else:
            link = f"[{word}]({target}#{term.anchor}){{ .glossary-link }}"
        lines[index] = line[:start] + link + line[end:]
    return "".join(lines)
