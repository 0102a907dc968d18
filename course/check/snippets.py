"""Run lesson code the way a reader would and check what it prints.

Lesson code documents its printed output in ``# Output:`` comments, right
under the line that prints::

    print("Shape:", df.shape)
    # Output: Shape: (319, 10)

    print(df["Listing_Gains"].value_counts())
    # Output:
    # Listing_Gains
    # 1    174
    # ...

Everything a block prints must be documented, in order. A mismatch is
reported with the source file, the line of the first wrong ``# Output:``
line, and a diff.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import re
import traceback
from dataclasses import dataclass

OUTPUT_START = re.compile(r"^\s*#\s?Output:\s?(?P<rest>.*)$")
COMMENT_LINE = re.compile(r"^\s*#(?: (?P<text>.*))?$")


@dataclass(frozen=True)
class ExpectedLine:
    lineno: int  # 1-based line in the source file
    text: str


class SnippetError(AssertionError):
    """A snippet raised, or printed something other than its documented output."""


def expected_output(code: str, first_lineno: int = 1) -> list[ExpectedLine]:
    """The documented output of ``code``, whose first line is ``first_lineno``."""
    expected: list[ExpectedLine] = []
    in_output = False
    for offset, line in enumerate(code.splitlines()):
        lineno = first_lineno + offset
        start = OUTPUT_START.match(line)
        if start:
            in_output = True
            if start["rest"].strip():
                expected.append(ExpectedLine(lineno, start["rest"].rstrip()))
            continue
        comment = COMMENT_LINE.match(line) if in_output else None
        if comment:
            expected.append(ExpectedLine(lineno, (comment["text"] or "").rstrip()))
        else:
            in_output = False
    return expected


def _normalise(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def compare(expected: list[ExpectedLine], actual: str, filename: str) -> str | None:
    """None when ``actual`` matches, else a report naming the file and line."""
    want = [e.text for e in expected]
    while want and not want[-1]:
        want.pop()
    got = _normalise(actual)
    if want == got:
        return None
    first = next((i for i, (w, g) in enumerate(zip(want, got)) if w != g), min(len(want), len(got)))
    if first < len(expected):
        where = f"{filename}:{expected[first].lineno}"
    elif expected:
        where = f"{filename}:{expected[-1].lineno} (printed more than documented)"
    else:
        where = f"{filename} (prints output that no '# Output:' comment documents)"
    diff = "\n".join(
        difflib.unified_diff(want, got, "documented", "printed", lineterm="")
    )
    return f"{where}: printed output differs from the page\n{diff}"


def run(code: str, namespace: dict, filename: str, first_lineno: int = 1) -> str:
    """Execute ``code`` in ``namespace``; return stdout, or raise SnippetError.

    Line numbers in tracebacks are those of ``filename``.
    """
    compiled = compile("\n" * (first_lineno - 1) + code, filename, "exec")
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            exec(compiled, namespace)
    except Exception as exc:
        frames = [
            f"{frame.filename}:{frame.lineno}: {frame.line}"
            for frame in traceback.extract_tb(exc.__traceback__)
            if frame.filename == filename
        ]
        where = frames[-1].split(": ", 1)[0] if frames else filename
        raise SnippetError(
            f"{where}: {type(exc).__name__}: {exc}\n"
            + "".join(f"  {line}\n" for line in frames)
            + ("printed before the error:\n" + buffer.getvalue() if buffer.getvalue() else "")
        ) from exc
    return buffer.getvalue()


def check(code: str, namespace: dict, filename: str, first_lineno: int = 1) -> str:
    """Run ``code`` and raise SnippetError unless it prints its documented output."""
    printed = run(code, namespace, filename, first_lineno)
    problem = compare(expected_output(code, first_lineno), printed, filename)
    if problem:
        raise SnippetError(problem)
    return printed


def _output_groups(code: str) -> list[tuple[int, int]]:
    """(first, last) 0-based line indexes of each ``# Output:`` group in ``code``."""
    groups, current = [], None
    for index, line in enumerate(code.splitlines()):
        if OUTPUT_START.match(line):
            if current:
                groups.append(current)
            current = (index, index)
        elif current and current[1] == index - 1 and COMMENT_LINE.match(line):
            current = (current[0], index)
        elif current:
            groups.append(current)
            current = None
    if current:
        groups.append(current)
    return groups


def _format_output(printed: str, indent: str) -> list[str]:
    lines = _normalise(printed)
    if len(lines) == 1:
        return [f"{indent}# Output: {lines[0]}"]
    return [f"{indent}# Output:"] + [f"{indent}# {line}".rstrip() for line in lines]


def updated(code: str, namespace: dict, filename: str, first_lineno: int = 1, printed_sink: list | None = None) -> str:
    """``code`` with each ``# Output:`` group rewritten to what the code above it prints.

    The code between groups runs piece by piece, so each group gets its own output; output that
    nothing documents yet gets a new group at the end of the block.
    """
    lines = code.splitlines()
    result, start = [], 0
    groups = _output_groups(code) + [(len(lines), len(lines) - 1)]
    for first, last in groups:
        chunk = "\n".join(lines[start:first]) + "\n"
        try:
            printed = run(chunk, namespace, filename, first_lineno + start)
        except SyntaxError as exc:
            raise SnippetError(
                f"{filename}:{first_lineno + first}: cannot update this output by itself "
                f"(the code above it is not complete on its own: {exc.msg})"
            ) from None
        if printed_sink is not None:
            printed_sink.append(printed)
        result.extend(lines[start:first])
        if first < len(lines):
            indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
            result.extend(_format_output(printed, indent) if _normalise(printed) else lines[first : last + 1])
        elif _normalise(printed):
            result.extend(_format_output(printed, ""))
        start = last + 1
    return "\n".join(result) + ("\n" if code.endswith("\n") else "")


def rewrite(path, replacements: list[tuple[int, str, str]]) -> None:
    """Replace code in a file: ``(first_lineno, old_code, new_code)``, old code as extracted.

    Lines keep the indentation the old code had in the file (blocks inside admonitions).
    """
    from pathlib import Path

    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for first_lineno, old, new in sorted(replacements, reverse=True):
        old_lines = old.splitlines()
        start = first_lineno - 1
        original = lines[start : start + len(old_lines)]
        indent = ""
        if original and old_lines and old_lines[0]:
            indent = original[0][: len(original[0]) - len(original[0].lstrip())]
            indent = indent[: len(indent) - (len(old_lines[0]) - len(old_lines[0].lstrip()))]
        new_lines = [(indent + line if line else "") + "\n" for line in new.splitlines()]
        for row, line in enumerate(new_lines[: len(original)]):  # a line kept as it was keeps its #@save
            if "#@save" in original[row] and re.sub(r"[ \t]*#@save[ \t]*$", "", original[row].rstrip("\n")) == line.rstrip("\n"):
                new_lines[row] = original[row]
        lines[start : start + len(old_lines)] = new_lines
    path.write_text("".join(lines), encoding="utf-8")
