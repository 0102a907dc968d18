"""Every exercise's check tolerates noise, not errors.

A learner's right answer, computed with another torch, NumPy or BLAS build or on a GPU, differs
from the reference in its last bits: the check must still pass it. A wrong answer, of the kind a
learner could give, must still fail. Each check cell carries its reference answer (encoded, so it
is not read at a glance); these tests decode it and try both on every exercise of every lesson.
"""

from __future__ import annotations

import ast
import math

import pytest

from course.read import source
from course.run import exercises


def checks():
    """(encoded reference, check call's options) of every check block of every lesson."""
    found = []
    for page in source.pages():
        for cell in source.read(page).code():
            if cell.role != "check":
                continue
            for statement in ast.parse(cell.text).body:
                call = getattr(statement, "value", None)
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "check":
                    args = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg in ("digits", "tol")}
                    found.append(pytest.param(ast.literal_eval(call.args[1]), args,
                                              id=f"{page.stem[:2]}-line-{cell.line}"))
    return found


CHECKS = checks()


def numbers_of(value) -> list[float]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [value]
    if isinstance(value, list):
        return [n for v in value for n in numbers_of(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers_of(v)]
    return []


def mapped(value, change):
    """``value`` with its ``i``-th number ``n`` (in reading order) replaced by ``change(i, n)``."""
    count = [-1]

    def walk(v):
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        if isinstance(v, (int, float)):
            count[0] += 1
            return change(count[0], v)
        if isinstance(v, list):
            return [walk(x) for x in v]
        return {k: walk(x) for k, x in v.items()}

    return walk(value)


def scaled(value, factor):
    return mapped(value, lambda _, n: n * factor)


def learner_errors(expected, tol: float) -> list:
    """Plausible wrong answers: each number off by more than the tolerance (a 5 % slip, or off
    by one where 5 % is within it), text that names something else, a part left out, the parts
    swapped, the wrong type."""
    wrong = []
    for index, number in enumerate(numbers_of(expected)):
        slip = number * 1.05 if abs(number) * 0.05 > 2 * tol else number + 1
        wrong.append(mapped(expected, lambda i, n, index=index, slip=slip: slip if i == index else n))
    if isinstance(expected, str):
        wrong += [expected + " and more", "Issue_Price" if expected.lower() != "issue_price" else "Issue_Size"]
    if isinstance(expected, list):
        wrong.append(expected[:-1])
        if len(expected) > 1 and expected[0] != expected[1]:
            wrong.append([expected[1], expected[0], *expected[2:]])
    if isinstance(expected, dict):
        first = sorted(expected)[0]
        wrong.append({k: v for k, v in expected.items() if k != first})
        others = [v for v in expected.values() if v != expected[first]]
        if others:
            wrong.append({**expected, first: others[0]})
    wrong.append(str(expected) if not isinstance(expected, str) else 0.5)
    return wrong


def test_every_lesson_has_its_checks():
    """Three exercises or more per lesson, each with one check block (of one or more calls)."""
    for page in source.pages():
        assert len([c for c in source.read(page).code() if c.role == "check"]) >= 3, page.name
    assert len(CHECKS) >= 3 * len(source.pages())


@pytest.mark.parametrize("encoded, options", CHECKS)
def test_the_reference_with_noise_in_its_last_bits_passes(encoded, options):
    expected = exercises.decode(encoded)
    tol = exercises.tolerance(options.get("digits", 3), options.get("tol"))
    assert exercises.matches(expected, expected, tol)
    for factor in (1 + 1e-6, 1 - 1e-6):  # another BLAS, another torch, a GPU
        assert exercises.matches(scaled(expected, factor), expected, tol), factor
    assert exercises.encode(exercises.decode(encoded)) == encoded


@pytest.mark.parametrize("encoded, options", CHECKS)
def test_an_error_a_learner_could_make_fails(encoded, options):
    expected = exercises.decode(encoded)
    tol = exercises.tolerance(options.get("digits", 3), options.get("tol"))
    wrong = learner_errors(expected, tol)
    assert wrong
    for answer in wrong:
        assert not exercises.matches(answer, expected, tol), answer


def test_numbers_pass_within_the_printed_precision_and_types_must_match():
    tol = exercises.tolerance(3, None)
    assert math.isclose(tol, 0.0005)
    assert exercises.matches(0.7424, 0.742, tol) and not exercises.matches(0.7426, 0.742, tol)
    assert exercises.matches([0.7421], 0.7421, tol)  # a one-element array where a number is meant
    assert not exercises.matches([0.7421, 0.1], 0.7421, tol)
    assert not exercises.matches("0.742", 0.742, tol) and not exercises.matches(True, 1, tol)
    assert exercises.matches(" ISSUE_size ", "Issue_Size", tol)
    assert exercises.matches(21000.1, 21000.0, tol)  # large values: a relative 1e-5
    assert not exercises.matches(21000 * 1.001, 21000.0, tol)
    assert exercises.tolerance(4, 0.01) == 0.01
