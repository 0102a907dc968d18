"""Every number a reader sees is bound to the code: prose, tables, hints, captions and alt text.

The ``# Output:`` comments prove what the code prints; this module proves that the sentences
around the code say the same. Each number written in a lesson page's Markdown (outside code
blocks) or in a companion notebook's Markdown cells must be one of:

- **shown by code**: equal to a number printed by an executed block of the same page (or cell of
  the same notebook) at the precision written: ``0.67`` may stand for a printed ``0.672`` (but
  ``0.68`` may not), ``54.5%`` or ``54.5 percent`` for a printed ``0.545``, ``21,000`` for
  ``21000.0``;
- **computed inline**: the page writes `` `{python} expr` `` and the build puts the value of
  ``expr`` there, evaluated after the page's blocks in the page's namespace (see
  ``course.render.pages``); arithmetic typed in prose (``0.5 - 0.545 = -0.045``) is checked like this too;
- **declared**: a number that is not a result (a lesson number, a learning rate the code sets,
  "2 million photos") because a phrase around it is listed under ``literals:`` in the page's front
  matter, or because it is structural (``Lesson 2``, ``Exercise 3``, ``Step 4``, a numbered list
  item or heading).

Numbers inside inline code (`` `Linear(6, 8)` ``) are code, not claims, unless the span holds
nothing but a number. Anything else is *unbound*, and the check fails naming the file, the line
and the number.
"""

from __future__ import annotations

import re
import copy
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Iterator

import yaml

INLINE = re.compile(r"`\{python\}\s+(?P<expr>[^`]+?)\s*`")
_NUMBER = (
    r"(?P<sign>[-\u2212](?=\d))?"
    r"(?P<int>\d{1,3}(?:,\d{3})+(?!\d)|\d+)"
    r"(?P<frac>\.\d+)?"
    r"(?P<exp>[eE][-+]?\d+)?"
)
NUMBER = re.compile(r"(?<![\w.])" + _NUMBER + r"(?!\.\d)")
# A minus sign is a sign only where it cannot be an operator or a range dash ("4-5", "a - b").
SIGNED_CONTEXT = re.compile(r"(?:^|[\s(\[=:,/])$")
PERCENT = re.compile(r"^\s?(?:%|percent\b|per cent\b|percentage points?\b)")
PRINTED = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
STRUCTURAL = re.compile(
    r"\b(?:Lessons?|Exercises?|Steps?|Parts?)\s+\d+(?:\s*(?:-|\u2013|,|and|or|to)\s*\d+)*", re.I
)
LIST_MARKER = re.compile(r"^\s*(?:[-*+]\s+)?\d+[.)]\s")
HEADING_NUMBER = re.compile(r"^\s*#{1,6}\s+\d+[.)]?\s")
_OPERAND = r"[-\u2212]?\d[\d,]*(?:\.\d+)?"
ARITHMETIC = re.compile(
    rf"(?<![\w.])(?P<left>{_OPERAND}(?:\s*[-+*/\u00d7\u00f7\u2212]\s*\(?{_OPERAND}\)?)+)"
    rf"\s*=\s*(?P<right>{_OPERAND})(?!\.?\d)"
)
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?P<body>.+?)(?<!`)\1(?!`)")
PURE_NUMBER = re.compile(r"^\s*[-\u2212]?\d[\d,]*(?:\.\d+)?%?\s*$")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
ATTR_LIST = re.compile(r"\{[:.#][^}]*\}|\{\s*[\w-]+=[^}]*\}")
HTML_TAG = re.compile(r"<[^>]*>")
URL = re.compile(r"https?://\S+")
REFERENCE_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*\S+")


class ProseError(AssertionError):
    """A number in the prose is bound to nothing, or a statement about numbers is false."""


@dataclass(frozen=True)
class Number:
    lineno: int
    column: int  # 0-based, in the source line
    text: str  # as written, e.g. "-0.045", "21,000", "54.5"
    percent: bool

    @property
    def value(self) -> Decimal:
        return Decimal(self.text.replace(",", "").replace("\u2212", "-"))

    @property
    def decimals(self) -> int:
        return max(0, -self.value.as_tuple().exponent)


@dataclass(frozen=True)
class Inline:
    lineno: int
    expr: str


@dataclass
class Scan:
    """What a page's prose holds: its numbers, inline expressions and typed arithmetic."""

    filename: str
    numbers: list[Number] = field(default_factory=list)
    inline: list[Inline] = field(default_factory=list)
    declared: list[Number] = field(default_factory=list)  # structural or by a literals: phrase
    checked: list[Number] = field(default_factory=list)  # results of arithmetic that holds
    problems: list[str] = field(default_factory=list)
    unused_literals: list[str] = field(default_factory=list)


# --- reading the prose ------------------------------------------------------------------------


def front_matter(text: str) -> tuple[dict, int]:
    """The page's YAML front matter and the number of lines it takes (0 if none)."""
    meta, lines = _front_matter(text)  # read once per text (a build asks for it often)
    return copy.deepcopy(meta), lines


@lru_cache(maxsize=128)
def _front_matter(text: str) -> tuple[dict, int]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            meta = yaml.safe_load("\n".join(lines[1:end])) or {}
            return (meta if isinstance(meta, dict) else {}), end + 1
    return {}, 0


def literals_of(text: str) -> list[str]:
    literals = front_matter(text)[0].get("literals") or []
    if not isinstance(literals, list) or not all(isinstance(x, (str, int, float)) for x in literals):
        raise ProseError("front matter 'literals:' must be a list of phrases")
    return [str(x) for x in literals]


def page_prose(text: str) -> list[tuple[int, str]]:
    """``(line number, line)`` for every line of a page a reader sees as text, not as code."""
    return list(_page_prose(text))


@lru_cache(maxsize=128)
def _page_prose(text: str) -> tuple[tuple[int, str], ...]:
    from course.read import reader

    lines = text.splitlines()
    _, start = front_matter(text)
    code = {n for token in reader.tokens(text) if token.type == "fence" and token.map for n in range(*token.map)}
    out, comment = [], False
    for index in range(start, len(lines)):
        line = lines[index]
        if index in code:  # a fenced block, found by the same reader as the blocks that run
            continue
        if comment or "<!--" in line:
            kept = ""
            rest = line
            while rest:
                if comment:
                    end = rest.find("-->")
                    if end < 0:
                        rest = ""
                        break
                    rest, comment = rest[end + 3 :], False
                else:
                    begin = rest.find("<!--")
                    if begin < 0:
                        kept, rest = kept + rest, ""
                    else:
                        kept, rest, comment = kept + rest[:begin] + " " * 4, rest[begin + 4 :], True
            line = kept.ljust(len(line))
        out.append((index + 1, line))
    return tuple(out)


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _clean(line: str, open_ticks: str = "") -> tuple[str, list[str], str]:
    """The line with everything that is not reader-visible prose blanked (columns kept), the
    inline expressions it holds, and the backticks of a code span still open at its end."""
    exprs = []
    if open_ticks:  # a code span that began on an earlier line of the paragraph
        close = re.search(rf"(?<!`){open_ticks}(?!`)", line)
        if not close:
            return " " * len(line), exprs, open_ticks if line.strip() else ""
        line = _blank(line, 0, close.end())
    for m in INLINE.finditer(line):
        exprs.append(m["expr"])
        line = _blank(line, m.start(), m.end())
    for m in list(CODE_SPAN.finditer(line)):
        if not PURE_NUMBER.match(m["body"]):
            line = _blank(line, m.start(), m.end())
        else:
            line = _blank(line, m.start(), m.start(1) + len(m.group(1)))
            line = _blank(line, m.end() - len(m.group(1)), m.end())
    opened = re.search(r"(?<!`)`+(?!`)", line)
    open_ticks = ""
    if opened:
        open_ticks = opened.group(0)
        line = _blank(line, opened.start(), len(line))
    for pattern in (URL, LINK_TARGET, ATTR_LIST, HTML_TAG):
        for m in list(pattern.finditer(line)):
            keep = 1 if pattern is LINK_TARGET else 0  # keep the "]" so text stays apart
            line = _blank(line, m.start() + keep, m.end())
    if REFERENCE_DEF.match(line):
        line = " " * len(line)
    return line, exprs, open_ticks


def cleaned(prose: list[tuple[int, str]]) -> Iterator[tuple[int, str, str, list[str]]]:
    """``(line number, raw line, cleaned line, inline expressions)`` for each line of ``prose``,
    following code spans that run over a line break (never across a code block)."""
    open_ticks, previous = "", None
    for lineno, raw in prose:
        if previous is not None and lineno != previous + 1:
            open_ticks = ""
        previous = lineno
        line, exprs, open_ticks = _clean(raw, open_ticks)
        yield lineno, raw, line, exprs


def scan(prose: list[tuple[int, str]], filename: str, literals: list[str]) -> Scan:
    """Find the numbers, inline expressions and arithmetic in ``prose`` lines."""
    result = Scan(filename)
    used = set()
    for lineno, raw, line, exprs in cleaned(prose):
        result.inline.extend(Inline(lineno, e) for e in exprs)
        declared_spans = [m.span() for m in STRUCTURAL.finditer(line)]
        for pattern in (LIST_MARKER, HEADING_NUMBER):
            m = pattern.match(line)
            if m:
                declared_spans.append(m.span())
        for phrase in literals:
            start = raw.find(phrase)
            while start >= 0:
                declared_spans.append((start, start + len(phrase)))
                used.add(phrase)
                start = raw.find(phrase, start + 1)
        checked_spans = []
        for m in ARITHMETIC.finditer(line):
            problem = _check_arithmetic(m["left"], m["right"])
            if problem:
                result.problems.append(f"{filename}:{lineno}: {problem}")
            checked_spans.append(m.span("right"))
        for m in NUMBER.finditer(line):
            start = m.start()
            text = m.group(0)
            if m["sign"] and not SIGNED_CONTEXT.search(line[:start]):
                start, text = start + 1, text[1:]
            number = Number(lineno, start, text, bool(PERCENT.match(line[m.end() :])))
            end = m.end()
            if any(a <= start and end <= b for a, b in declared_spans):
                result.declared.append(number)
            elif any(a <= start and end <= b for a, b in checked_spans):
                result.checked.append(number)
            else:
                result.numbers.append(number)
    result.unused_literals = [p for p in literals if p not in used]
    return result


def _check_arithmetic(left: str, right: str) -> str | None:
    expression = (
        left.replace(",", "").replace("\u2212", "-").replace("\u00d7", "*").replace("\u00f7", "/")
    )
    if not re.fullmatch(r"[\d.\s()+*/-]+", expression):
        return None
    exact = re.sub(r"\d+(?:\.\d+)?", lambda m: f"D('{m.group(0)}')", expression)
    try:
        value = eval(exact, {"__builtins__": {}, "D": Decimal})  # numbers and operators only
        stated = Decimal(right.replace(",", "").replace("\u2212", "-"))
    except (SyntaxError, ArithmeticError, InvalidOperation):
        return None
    places = Decimal(1).scaleb(stated.as_tuple().exponent)
    if any(value.quantize(places, rounding=r) == stated for r in (ROUND_HALF_UP, ROUND_HALF_EVEN)):
        return None
    return f"arithmetic does not hold: {left.strip()} = {right} (it is {value.normalize()})"


# --- binding numbers --------------------------------------------------------------------------


def printed_numbers(printed: str) -> list[tuple[Decimal, bool]]:
    """Every number in printed output, with whether a percent sign follows it."""
    found = []
    for m in PRINTED.finditer(printed):
        try:
            found.append((Decimal(m.group(0)), printed[m.end() : m.end() + 1] == "%"))
        except InvalidOperation:
            pass
    return found


def _rounds_to(value: Decimal, target: Decimal, decimals: int) -> bool:
    if -value.as_tuple().exponent < decimals:  # printed with fewer digits than the prose claims
        return False
    places = Decimal(1).scaleb(-decimals)
    return any(value.quantize(places, rounding=r) == target for r in (ROUND_HALF_UP, ROUND_HALF_EVEN))


def shown(number: Number, printed: list[tuple[Decimal, bool]]) -> bool:
    """Whether a printed number, at the precision the prose writes, is ``number``."""
    target, decimals = number.value, number.decimals
    for value, is_percent in printed:
        if _rounds_to(value, target, decimals):
            return True
        if number.percent and not is_percent and _rounds_to(value.scaleb(2), target, decimals):
            return True
    return False


@dataclass
class Report:
    filename: str
    counts: Counter
    problems: list[str]

    def summary(self) -> str:
        return summary(self.counts)


def summary(counts: Counter) -> str:
    total = counts["shown"] + counts["computed"] + counts["declared"] + counts["unbound"]
    return (
        f"prose numbers: {total} seen, {counts['shown']} shown by code, "
        f"{counts['computed']} computed inline, {counts['declared']} declared, "
        f"{counts['unbound']} unbound"
    )


def bind(found: Scan, printed: str, inline_values: dict[str, str] | None = None) -> Report:
    """Bind every number of ``found`` to ``printed`` output; the problems name file and line."""
    numbers = printed_numbers(printed)
    counts: Counter = Counter(declared=len(found.declared), computed=len(found.checked))
    problems = list(found.problems)
    for number in found.numbers:
        if shown(number, numbers):
            counts["shown"] += 1
        else:
            counts["unbound"] += 1
            problems.append(
                f"{found.filename}:{number.lineno}: the number {number.text} is bound to nothing: "
                "nothing printed here shows it at that precision; print it, compute it inline "
                "with `{python} expr`, or declare the phrase under 'literals:'"
            )
    for inline in found.inline:
        counts["computed"] += 1
        if inline_values is not None and inline.expr not in inline_values:
            problems.append(f"{found.filename}:{inline.lineno}: inline expression {inline.expr!r} has no value")
    for phrase in found.unused_literals:
        problems.append(f"{found.filename}: declared literal {phrase!r} appears on no line of the prose")
    return Report(found.filename, counts, problems)
