"""The prose-number check: what it binds, what it refuses, and that it fails where it must.

Each lesson page's own check runs as the item ``docs/lessons/<page>.md::prose numbers`` (the
notebooks' text is the page's); these tests prove the check itself, on the real lessons' runs and,
for a whole test run of an edited lesson, on the small course (``tests/small_course``).
"""

import re

import pytest

from course import ROOT
from course.check import prose
from course.read import source
from course.render import pages
from course.run import runs
from tests import scratch

LESSONS = source.pages()
LESSON1 = "docs/lessons/01-counting.md"  # of the small course


def bound(prose_text: str, printed: str) -> prose.Report:
    found = prose.scan(prose.page_prose(prose_text), "page.md", prose.literals_of(prose_text))
    return prose.bind(found, printed, {})


@pytest.mark.parametrize(
    "written, printed, ok",
    [
        ("accuracy 0.67", "acc 0.672", True),  # rounded down from the printed value
        ("accuracy 0.68", "acc 0.672", False),  # not what it rounds to
        ("accuracy 0.6720", "acc 0.672", False),  # claims a digit nothing printed
        ("54.5 percent gain", "gain rate: 0.545", True),
        ("54.5% gain", "gain rate: 0.545", True),
        ("54.5 gain", "gain rate: 0.545", False),  # a fraction is not a percentage
        ("up to 21,000", "max 21000.0", True),
        ("a gradient of -0.0455", "bias gradient: -0.0455", True),
        ("a gradient of 0.0455", "bias gradient: -0.0455", False),  # the sign is part of it
        ("loss 0.7", "tensor(0.6931, grad_fn=<MeanBackward0>)", True),
    ],
)
def test_a_prose_number_is_shown_at_the_precision_written(written, printed, ok):
    report = bound(written + "\n", printed)
    assert (report.counts["unbound"] == 0) is ok, report.problems


def test_what_counts_as_a_number_and_what_does_not():
    text = (
        "---\nliterals:\n  - \"2 million photos\"\n---\n\n# Lesson 1 - Title\n\n"
        "## 2. A numbered heading\n\n1. a numbered item with float32 and x1\n"
        "See Lessons 4-5 and Exercise 3, `Linear(6, 8)` and [link](../fig/01-a.svg){ width=300 }\n"
        "about 2 million photos\n\n```python\nprint(12345)\n```\n<!-- a comment with 99 -->\n"
        "`0.61` is a number in code style\n"
    )
    found = prose.scan(prose.page_prose(text), "page.md", prose.literals_of(text))
    assert [n.text for n in found.numbers] == ["0.61"]
    assert sorted(n.text for n in found.declared) == ["1", "1", "2", "2", "3", "4", "5"]
    assert found.unused_literals == []


def test_typed_arithmetic_is_checked():
    assert not bound("by hand, 112 + 136 + 9 = 257 parameters\n", "112 136 9").problems
    report = bound("the gradient is 0.5 - 0.545 = -0.0455\n", "0.5 0.545")
    assert report.problems == [
        "page.md:1: arithmetic does not hold: 0.5 - 0.545 = -0.0455 (it is -0.045)"
    ]


def test_a_declared_phrase_that_is_not_on_the_page_is_stale():
    report = bound("---\nliterals:\n  - \"lr=0.5\"\n---\nno such phrase\n", "")
    assert report.problems == ["page.md: declared literal 'lr=0.5' appears on no line of the prose"]


def test_inline_expressions_count_as_computed_and_must_have_a_value():
    found = prose.scan(prose.page_prose("the rate is `{python} round(rate, 3)`\n"), "page.md", [])
    assert [i.expr for i in found.inline] == ["round(rate, 3)"]
    assert prose.bind(found, "", {"round(rate, 3)": "0.545"}).counts["computed"] == 1
    assert prose.bind(found, "", {}).problems


def test_inline_values_are_put_in_place_outside_code():
    markdown = "rate `{python} r`\n\n```text\n`{python} r`\n```\n"
    assert pages.substitute(markdown, {"r": "0.545"}, "p.md") == "rate 0.545\n\n```text\n`{python} r`\n```\n"


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.name)
def test_changing_any_number_the_output_backs_fails_and_names_the_page(page, lesson_runs):
    """Mutate every number that the page's output backs, as an author's slip would: the check
    must fail on each one's line, naming the changed number. A change that lands on another printed
    number by chance (on a page that prints hundreds of losses, 0.64 -> 0.65 may) is tried with the
    next digit, then with one more digit of precision, then 100 more, then a number no page prints.

    The numbers are bound one by one (``prose.bind`` judges each against the output alone), so all
    the changes go into one copy of the page, checked once: each must be reported on its own."""
    text = page.read_text(encoding="utf-8")
    run = lesson_runs[page]
    values = run["values"]
    printed = "".join(runs.printed(run, source.read(page)).values()) + "".join(f"\n{v}\n" for v in values.values())
    literals = prose.literals_of(text)
    filename = str(page.relative_to(ROOT))
    found = prose.scan(prose.page_prose(text), filename, literals)
    numbers = prose.printed_numbers(printed)
    shown = [n for n in found.numbers if prose.shown(n, numbers)]
    assert shown, f"{filename}: no number is backed by output"
    lines = text.splitlines(keepends=True)
    expected = []
    for number in sorted(shown, key=lambda n: (n.lineno, -n.column)):  # right to left on a line
        line = lines[number.lineno - 1]
        end = number.column + len(number.text)
        assert line[number.column : end] == number.text
        changes = [number.text[:-1] + str((int(number.text[-1]) + step) % 10) for step in range(1, 10)]
        changes.append(number.text + ("7" if "." in number.text else ".7"))
        changes += [str(number.value + 100), str(number.value + 98765)]  # a page printing every digit
        change = next(
            (c for c in changes if not prose.shown(prose.Number(0, 0, c, number.percent), numbers)), None
        )
        assert change, f"{filename}:{number.lineno}: every change of {number.text} is printed too"
        lines[number.lineno - 1] = line[: number.column] + change + line[end:]
        expected.append((number, change))
    report = prose.bind(prose.scan(prose.page_prose("".join(lines)), filename, literals), printed, values)
    missed = [
        f"changing {number.text} to {change} at {filename}:{number.lineno} went unnoticed"
        for number, change in expected
        if not any(p.startswith(f"{filename}:{number.lineno}: the number {change} ") for p in report.problems)
    ]
    assert not missed, "\n".join(missed)
    assert report.counts["unbound"] == len(expected)  # and nothing else became unbound


# --- the check in a real test run of an edited lesson, on the small course ---------------------


run_pytest = scratch.run_pytest
line_of = scratch.line_of


@pytest.mark.parametrize("old, new, marker, says", [
    ("So 174 of the 319", "So 175 of the 319", "So 175 of", "the number 175 is bound to nothing"),
    ("listed with a gain, 54.5 percent]", "listed with a gain, 45.5 percent]", "45.5 percent]",
     "the number 45.5 is bound to nothing"),  # in a figure's alt text
    ("## Summary\n", "## Summary\n\nSo 174 + 145 = 320 IPOs.\n", "174 + 145 = 320",
     "arithmetic does not hold: 174 + 145 = 320 (it is 319)"),
    ("`{python} len(df)` IPOs", "`{python} len(dff)` IPOs", "len(dff)", "inline expression"),
    ("## Summary\n", "## Summary\n\nThe dataset covers 17 years of listings.\n", "covers 17 years",
     "the number 17 is bound to nothing"),
], ids=["changed number", "changed alt-text number", "wrong arithmetic", "wrong inline expression",
        "undeclared bare number"])
def test_a_wrong_number_in_the_prose_fails_and_names_its_line(project, old, new, marker, says):
    page = project / LESSON1
    scratch.edit(page, old, new)
    result = run_pytest(project, LESSON1)
    assert result.returncode == 1
    assert f"{LESSON1}:{line_of(page, marker)}: {says}" in result.output
    if "inline" in says:
        assert "NameError" in result.output
    if "bound to nothing" in says and "alt" not in marker:
        assert "1 unbound" in result.output


def test_make_outputs_reports_prose_the_new_outputs_no_longer_back(project):
    page = project / LESSON1
    scratch.edit(page, 'print("gain rate:", round(gain_rate, 3))', 'print("gain rate:", round(gain_rate, 2))')
    result = run_pytest(project, "-p", "no:randomly", "--update-outputs", LESSON1)
    assert "# Output: gain rate: 0.55" in page.read_text()
    assert "prose numbers the rewritten outputs no longer back:" in result.output
    assert re.search(rf"{re.escape(LESSON1)}:\d+: the number 54\.5 is bound to nothing", result.output)
