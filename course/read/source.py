"""A lesson's one source: its page, read into the cells of the notebook everything else derives.

A lesson is one Markdown file, ``docs/lessons/NN-name.md``. This module reads it with the
project's Markdown reader (``course.read.reader``: markdown-it-py, which keeps every line) into a
sequence of cells, each with the line of the page it comes from:

- the text between code blocks: Markdown cells, with Material's admonitions turned into what
  Jupyter shows (a quote with a bold title; a closed ``<details>`` for ``???`` blocks), links
  made to work from a notebook, and each ``<figure>`` turned into the image the run drew;
- every ``python`` block: a code cell (``role`` "block"), in page order, at any depth; a block in
  a ``??? success`` solution is the exercise's solution (role "solution", the text after it its
  discussion, tagged ``solution``);
- a block written ```` ```python starter ```` is an exercise's starter: shown on the page and in the
  notebook, run as given; ```` ```python check ```` is its check (hidden on the page), to which the
  exercise's ``??? tip "Hint"`` is given as ``hint=``; ```` ```python figure ```` draws a figure of
  the lesson from the lesson's own variables (``figures.draw("name", ...)``, hidden on the page
  and in the notebooks, which show the drawn figure instead);
- after an exercise's solution, ```` ```python alternative ```` and ```` ```python wrong ```` blocks
  are other answers to it (right ones, and plausible wrong ones), hidden on the page and absent
  from the notebooks, which the run tries against the check (``course.run.exercises.trial``);
- the blocks of a ``??? note`` (outside the exercises) are code the reader may skip: folded on
  the page, code cells with their source hidden in the notebooks.

Three notebooks come from these cells (``course.render.notebooks``): the *run*, which the build executes
once per lesson (the set-up cells, every code cell, then a cell that evaluates the prose's inline
expressions); the *view*, the run's cells with their outputs and the page's text, rendered on the
site; and the *download*, the same without outputs, where each solution and discussion is a
closed ``<details>``. The run's key (``code_key``) holds only what it executes: an edit of prose
alone executes nothing.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from course import ROOT
from course.check import prose
from course.read import reader, saved
from course.run import cache, store

LESSONS = ROOT / "docs" / "lessons"
ROLES = ("starter", "check", "figure", "alternative", "wrong")  # the roles an info string can give a block
HIDDEN = ("check", "figure", "alternative", "wrong")  # blocks the page does not show
RUN_ONLY = ("figure", "alternative", "wrong")  # blocks only the run has (not in the notebooks)
TRIALS = ("alternative", "wrong")  # an exercise's other answers, tried against its check in the run
INLINE_MIME = "application/vnd.course.inline+json"
FIGURE_KEY = "course_figure"  # the metadata of a figure's output: {"name": ..., "theme": ...}


class SourceError(ValueError):
    """The lesson source says something that cannot be turned into a notebook: names the line."""


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    text: str
    line: int  # 1-based line of the page where it starts
    role: str = "text"  # code: "block", "starter", "check", "solution", "figure", "alternative", "wrong";
    # markdown: "text", "hint", "discussion"
    skipped: bool = False  # a block with a skip mark: in the notebooks, never run
    exercise: int | None = None  # the exercise (1, 2, ...) it belongs to
    folded: bool = False  # a block in a ``??? note``: collapsed on the page, its source hidden in Jupyter
    origins: tuple[str | None, ...] = ()  # a ``saved`` block: where each of its lines was saved (course.read.saved)

    @property
    def tags(self) -> list[str]:
        if self.role in ("starter", "check", "solution"):
            return [self.role]
        if self.role == "discussion":
            return ["solution"]
        return ["hint"] if self.role == "hint" else []


@dataclass
class Lesson:
    path: Path
    cells: list[Cell]
    inline: list[prose.Inline] = field(default_factory=list)  # the prose's inline expressions
    text: str = ""

    @property
    def name(self) -> str:
        """``04-training-loop``: the page's name, and the folder of its figures on the site."""
        return self.path.stem

    @property
    def notebook(self) -> str:
        """``04_training_loop``: the notebook's and the figure module's name."""
        from course.read import lessons

        return lessons.notebook_name(self.path)

    @property
    def where(self) -> str:
        return relative(self.path)

    def code(self) -> list[Cell]:
        """The code cells the run executes, in order (skipped blocks never run)."""
        return [c for c in self.cells if c.kind == "code" and not c.skipped]

    def page_blocks(self) -> list[Cell]:
        """The code cells that are blocks of the page (what the page tests check)."""
        return [c for c in self.code() if c.role not in HIDDEN]

    def expressions(self) -> list[str]:
        """Each inline expression once, in the order the prose first uses it."""
        return list(dict.fromkeys(i.expr for i in self.inline))

    def figure_names(self) -> list[str]:
        return [m["name"] for m in FIGURE_IMAGE.finditer(self.text)]


relative = reader.relative  # a path as the messages name it


def pages() -> list[Path]:
    """Every lesson source, in file order."""
    return sorted(LESSONS.glob("[0-9]*.md"))


def role_of(info: str) -> str:
    words = info.split()[1:]
    roles = [w for w in words if w in ROLES]
    return roles[0] if roles else "block"


# --- reading ------------------------------------------------------------------------------------


def read(path: Path) -> Lesson:
    """The lesson at ``path`` as cells; SourceError (naming the line) if it cannot be. Read once
    per text of the file (a build asks for each lesson often); the lesson is not to be changed."""
    path = Path(path)
    earlier = tuple(page.read_text(encoding="utf-8") for page in saved.earlier_pages(path))
    return _read_kept(path, path.read_text(encoding="utf-8"), earlier)


READ = ROOT / ".cache" / "build" / "read"  # each lesson as read before, by its text and its reader's code


@lru_cache(maxsize=1)
def _reader_code() -> str:
    from course.read import lessons

    modules = (__file__, saved.__file__, reader.__file__, prose.__file__, lessons.__file__)
    return hashlib.sha256(b"".join(Path(name).read_bytes() for name in modules)).hexdigest()


@lru_cache(maxsize=64)
def _read_kept(path: Path, text: str, earlier: tuple[str, ...]) -> Lesson:
    """``_read``, kept in the build cache: a warm build reads each lesson back instead."""
    key = hashlib.sha256("\0".join((_reader_code(), str(path), text, *earlier)).encode()).hexdigest()
    return store.remembered(READ, key, lambda: _read(path, text, earlier), 100)


@lru_cache(maxsize=64)
def _read(path: Path, text: str, earlier: tuple[str, ...]) -> Lesson:
    """``earlier``: the texts of the lessons before it, whose saved code its ``saved`` blocks hold."""
    from markdown_it.tree import SyntaxTreeNode

    where = relative(path)
    try:
        found, origins = saved.expanded(path, text, reader.fences(text))
        blocks = {b.lineno: b for b in found}
    except reader.ReaderError as exc:
        raise SourceError(f"{where}:{str(exc).removeprefix('line ')}") from None
    except saved.SavedError as exc:
        raise SourceError(str(exc)) from None
    lines = text.splitlines()
    tree = SyntaxTreeNode(list(reader.tokens(text)))
    cells: list[Cell] = []
    pending: list[str] = []  # Markdown lines waiting for the next code cell
    pending_line = [1]

    def flush(role: str = "text", exercise: int | None = None):
        body = "\n".join(pending).strip("\n")
        if body.strip():
            cells.append(Cell("markdown", body, pending_line[0], role, exercise=exercise))
        pending.clear()

    exercise = [None]  # the exercise being read, from its "### Exercise N" heading on
    in_exercises = [False]

    def code_cell(node, role_in_solution: bool, folded: bool = False):
        block = blocks[node.map[0] + 1]
        role = "solution" if role_in_solution else role_of(block.info)
        if role in ("starter", "check", "solution", *TRIALS) and exercise[0] is None:
            raise SourceError(f"{where}:{block.lineno}: a {role} block must stand in an exercise "
                              "(under a '### Exercise N: ...' heading of '## Practice exercises')")
        if folded and role != "block":
            raise SourceError(f"{where}:{block.lineno}: a ??? note holds plain ```python blocks only")
        cells.append(Cell("code", block.code.rstrip("\n"), block.lineno, role, block.skipped(), exercise[0],
                          folded, origins.get(block.lineno, ())))

    def source_lines(node, indent: int) -> list[str]:
        first, last = node.map
        return [line[indent:] if line[:indent].strip() == "" else line.lstrip() for line in lines[first:last]]

    for node in tree.children:
        if node.type == "front_matter":
            continue
        if node.type == "heading":
            title = node.children[0].content if node.children else ""
            if node.markup == "##":
                in_exercises[0] = title.strip().lower() == "practice exercises"
                exercise[0] = None
            elif node.markup == "###" and in_exercises[0] and title.lower().startswith("exercise"):
                exercise[0] = (exercise[0] or 0) + 1
        if node.type == "fence" and blocks[node.map[0] + 1].language in reader.PYTHON:
            flush(exercise=exercise[0])
            code_cell(node, False)
            pending_line[0] = node.map[1] + 1
            continue
        if node.type == "admonition" and _has_python(node, blocks) and node.meta.get("tag") == "note" \
                and node.markup.startswith("???") and exercise[0] is None:
            # code the reader may skip (set-up repeated from an earlier lesson): folded on the page;
            # in the notebooks its title in bold, its text, and its blocks with their source hidden
            flush()
            pending_line[0] = node.map[0] + 1
            pending.extend([f"**{_title(node) or 'Note'}**", ""])  # the title, a paragraph of its own
            for child in node.children:
                if child.type == "admonition_title":
                    continue
                if child.type == "fence" and blocks[child.map[0] + 1].language in reader.PYTHON:
                    flush()
                    code_cell(child, False, folded=True)
                    pending_line[0] = child.map[1] + 1
                    continue
                if not pending:
                    pending_line[0] = child.map[0] + 1
                pending.extend(source_lines(child, 4) + [""])
            flush()
            pending_line[0] = node.map[1] + 1
            continue
        if node.type == "admonition" and _has_python(node, blocks):
            flush(exercise=exercise[0])
            kind = node.meta.get("tag", "")
            if kind != "success" or exercise[0] is None:
                first = blocks[_first_python(node, blocks)]
                raise SourceError(f"{where}:{first.lineno}: a Python block inside an admonition must be "
                                  "an exercise's solution, in a '??? success \"Solution\"' block, or (outside "
                                  "the exercises) code the reader may skip, in a '??? note \"Title\"' block")
            for child in node.children:
                if child.type == "admonition_title":
                    continue
                if child.type == "fence" and blocks[child.map[0] + 1].language in reader.PYTHON:
                    flush("discussion", exercise[0])
                    code_cell(child, True)
                    pending_line[0] = child.map[1] + 1
                    continue
                if not pending:
                    pending_line[0] = child.map[0] + 1
                pending.extend(source_lines(child, 4) + [""])
            flush("discussion", exercise[0])
            pending_line[0] = node.map[1] + 1
            continue
        if node.type == "admonition" and node.meta.get("tag") == "tip" and exercise[0] is not None \
                and _title(node).lower() == "hint":
            flush(exercise=exercise[0])
            pending_line[0] = node.map[0] + 1
            pending.extend(lines[node.map[0]:node.map[1]])
            flush("hint", exercise[0])
            pending_line[0] = node.map[1] + 1
            continue
        if node.map:
            if not pending:
                pending_line[0] = node.map[0] + 1
            pending.extend(lines[node.map[0]:node.map[1]] + [""])
    flush(exercise=exercise[0])
    found = prose.scan(prose.page_prose(text), where, [])
    lesson = Lesson(path, cells, list(found.inline), text)
    _check_exercises(lesson)
    return lesson


def _title(node) -> str:
    info = node.info.strip()
    match = re.search(r'"(.*)"', info)
    return match.group(1) if match else ""


def _python_lines(node, blocks) -> list[int]:
    found = []
    for child in node.walk():
        if child.type == "fence" and child.map and blocks.get(child.map[0] + 1) and \
                blocks[child.map[0] + 1].language in reader.PYTHON:
            found.append(child.map[0] + 1)
    return found


def _has_python(node, blocks) -> bool:
    return bool(_python_lines(node, blocks))


def _first_python(node, blocks) -> int:
    return _python_lines(node, blocks)[0]


def _check_exercises(lesson: Lesson) -> None:
    """Each exercise has one starter, then one check, a hint and a solution; then at least one
    other right answer (```` ```python alternative ````) and two plausible wrong ones
    (```` ```python wrong ````), which the run tries against the check."""
    by_exercise: dict[int, list[Cell]] = {}
    for cell in lesson.cells:
        if cell.exercise is not None:
            by_exercise.setdefault(cell.exercise, []).append(cell)
    for number, cells in by_exercise.items():
        roles = [c.role for c in cells if c.role in ("starter", "check", "hint", "solution", *TRIALS)]
        main = [r for r in roles if r not in TRIALS]
        if main != ["starter", "check", "hint", "solution"] or roles[:4] != main:
            raise SourceError(
                f"{lesson.where}:{cells[0].line}: Exercise {number} must give, in this order, one "
                f"```python starter block, one ```python check block, a ??? tip \"Hint\", a "
                f"??? success \"Solution\" with a Python block, then its ```python alternative and "
                f"```python wrong blocks (it has: {', '.join(roles) or 'none of them'})")
        if roles.count("alternative") < 1 or roles.count("wrong") < 2:
            raise SourceError(
                f"{lesson.where}:{cells[0].line}: Exercise {number} needs, after its solution, at least one "
                f"```python alternative block (another right answer, which its check must pass) and two "
                f"```python wrong blocks (plausible wrong answers, which it must fail); it has "
                f"{roles.count('alternative')} and {roles.count('wrong')}")


# --- the page as the site shows it -----------------------------------------------------------

FIGURE_IMAGE = re.compile(r"^(?P<indent>[ \t]*)!\[(?P<alt>[^\n]*)\]\(figure:(?P<name>[\w-]+)\)[ \t]*$", re.M)
FIGURE_BLOCK = re.compile(
    r'<figure markdown="span">\s*!\[(?P<alt>[^\n]*)\]\(figure:(?P<name>[\w-]+)\)\s*'
    r"(?:<figcaption>(?P<caption>.*?)</figcaption>\s*)?</figure>", re.S)


def for_page(markdown: str, lesson_name: str) -> str:
    """The Markdown the site renders: check and figure blocks (and their marks) removed, a starter
    shown as Python, each ``![alt](figure:name)`` as the light and the dark variant."""
    lines = markdown.splitlines(keepends=True)
    try:
        found = reader.fences(markdown)
    except reader.ReaderError:
        found = []
    for block in reversed(found):
        if block.language not in reader.PYTHON:
            continue
        first, role = block.lineno - 1, role_of(block.info)
        fence = lines[first]
        indent = fence[: len(fence) - len(fence.lstrip())]
        if saved.is_saved_block(block.info):  # the code saved before it, at the block's indent
            try:
                code, _ = saved.library(LESSONS / f"{lesson_name}.md", markdown, block.lineno)
            except saved.SavedError as exc:
                raise SourceError(str(exc)) from None
            lines[first:block.end] = [f"{indent}```python\n",
                                      *[f"{indent}{line}\n" if line else "\n" for line in code.splitlines()],
                                      f"{indent}```\n"]
            continue
        if role not in HIDDEN:  # the marks of saved code are not shown
            for row in range(first + 1, block.end - 1):
                lines[row] = saved.MARK.sub("", lines[row].rstrip("\n")) + ("\n" if lines[row].endswith("\n") else "")
        if role in HIDDEN:
            start, stop = first - len(block.marks), block.end
            if stop < len(lines) and not lines[stop].strip() and start > 0 and not lines[start - 1].strip():
                stop += 1  # and one of the blank lines around it
            lines[start:stop] = []
        elif role == "starter":
            ticks = fence.strip()[: len(fence.strip()) - len(fence.strip().lstrip("`~"))]
            lines[first] = f"{indent}{ticks}python\n"
    text = "".join(lines)

    def pair(m):
        base = f"../figures/{lesson_name}/{m['name']}"
        return (f"{m['indent']}![{m['alt']}]({base}-light.svg#only-light)\n"
                f"{m['indent']}![{m['alt']}]({base}-dark.svg#only-dark)")

    text = FIGURE_IMAGE.sub(pair, text)
    for number, line in enumerate(text.splitlines(), 1):
        if "](figure:" in line:
            raise SourceError(f"docs/lessons/{lesson_name}.md: a figure is written ![alt text](figure:name) "
                              f"on a line of its own (line {number} of the page as rendered)")
    return text


# --- the notebook's Markdown -------------------------------------------------------------------

ADMONITION = re.compile(r'^(?P<indent>[ \t]*)(?P<marker>!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$')
LINK = re.compile(r"\]\((?P<target>(?!https?:|mailto:|#|attachment:|data:)[^)\s]+?\.md)(?P<anchor>#[^)\s]*)?\)")
MARK_LINE = re.compile(r"^\s*<!--\s*pytest\.mark\..*-->\s*$", re.M)
# Text for the page alone (how to reach the notebook, say): left out of the notebooks.
PAGE_ONLY = re.compile(r"^[ \t]*<!--\s*page only\s*-->[ \t]*\n.*?^[ \t]*<!--\s*/page only\s*-->[ \t]*$\n?", re.M | re.S)


def admonitions_for_jupyter(text: str) -> str:
    """Material's ``!!! kind "Title"`` as a quote with a bold title, ``??? kind "Title"`` as a
    closed ``<details>`` (open for ``???+``): what JupyterLab, Colab and GitHub all show."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = ADMONITION.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent = m["indent"]
        body_indent = indent + "    "
        j = i + 1
        body: list[str] = []
        while j < len(lines) and (not lines[j].strip() or lines[j].startswith(body_indent)):
            body.append(lines[j][len(body_indent):] if lines[j].strip() else "")
            j += 1
        while body and not body[-1].strip():
            body.pop()
            j -= 1
        inner = admonitions_for_jupyter("\n".join(body)).strip("\n")
        title = m["title"] if m["title"] is not None else m["kind"].capitalize()
        if m["marker"].startswith("???"):
            opened = " open" if m["marker"] == "???+" else ""
            block = [f"<details{opened}>", f"<summary>{title}</summary>", "", *inner.split("\n"), "", "</details>"]
        else:
            block = [f"**{title}**" if title else "", "", *inner.split("\n")]
            block = [("> " + line).rstrip() for line in block]
        out.extend(indent + line if line else line for line in block)
        i = j
    return "\n".join(out)


def notebook_markdown(text: str, values: dict[str, str], base: str, attachments: dict[str, str],
                      figures_at: str | None = None) -> str:
    """A Markdown cell of the notebooks: inline values put in, admonitions for Jupyter, each figure
    with its caption under it (as its attached image; or, with ``figures_at``, the site's folder of
    the lesson's figures, as the site's light and dark files), links to the site (``base``: the
    site's address, or a relative one that works from the notebook's page on the site)."""
    text = PAGE_ONLY.sub("", MARK_LINE.sub("", text))
    text = prose.INLINE.sub(lambda m: values.get(m["expr"], m.group(0)), text)

    def figure(m):
        name, alt = m["name"], m["alt"]
        if figures_at is not None:
            image = (f"![{alt}]({figures_at}{name}-light.svg#only-light)"
                     f"![{alt}]({figures_at}{name}-dark.svg#only-dark)")
        else:
            image = f"![{alt}](attachment:{name}.svg)" if name in attachments else f"*[figure {name}]*"
        caption = m["caption"]
        return image + (f"\n\n*{caption.strip()}*" if caption else "")

    text = FIGURE_BLOCK.sub(figure, text)
    text = admonitions_for_jupyter(text)

    def link(m):
        target = (LESSONS / m["target"]).resolve()
        docs = ROOT / "docs"
        page = target.relative_to(docs).with_suffix("").as_posix() if target.is_relative_to(docs) else m["target"]
        if page.endswith("index"):
            page = page[: -len("index")]
        return f"]({base}{page}/{m['anchor'] or ''})".replace("//#", "/#").replace("//)", "/)")

    return LINK.sub(link, text)


def hint_text(markdown: str) -> str:
    """A hint admonition's text as one plain line for ``check(..., hint=...)``."""
    body = [line.strip() for line in markdown.splitlines()[1:]]
    return " ".join(line for line in body if line)


def with_hint(check_code: str, hint: str, where: str) -> str:
    """The check block with ``hint=`` added to each of its ``check(...)`` calls."""
    try:
        tree = ast.parse(check_code)
    except SyntaxError as exc:
        raise SourceError(f"{where}: the check block is not valid Python: {exc.msg}") from None
    lines = check_code.splitlines()
    calls = [node.value for node in tree.body if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
             and getattr(node.value.func, "id", "") == "check"]
    if not calls:
        raise SourceError(f"{where}: a check block calls check(answer, expected, ...)")
    for call in reversed(calls):
        if any(k.arg == "hint" for k in call.keywords) or len(call.args) > 2:
            raise SourceError(f"{where}: the hint of a check is the exercise's ??? tip \"Hint\"; do not pass one")
        row = call.end_lineno - 1  # the closing parenthesis (ast counts UTF-8 bytes, not characters)
        line = lines[row]
        col = len(line.encode("utf-8")[: call.end_col_offset - 1].decode("utf-8"))
        head = line[:col].rstrip()
        joiner = " " if head.endswith(",") else ", "
        lines[row] = head + f"{joiner}hint={hint!r})" + line[col + 1:]
    return "\n".join(lines)


# --- the run ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunCell:
    code: str
    role: str  # "setup", "build", "proof", "inline", or the role of the lesson's cell
    index: int | None = None  # which of ``Lesson.code()`` it runs (None: a generated cell)


def run_cells(lesson: Lesson) -> list[RunCell]:
    """The code the build executes, in order: the generated set-up cells (data, checker), the
    figure helper, every code cell of the lesson (each check with its hint; after each solution,
    its check on the solution's own answer, as a cell of its own), and the inline expressions."""
    from course.run import exercises

    out = [RunCell(code.rstrip("\n"), "setup") for code in exercises.setup_cells()]
    out.append(RunCell(f"from course.run.figures import Drawing as _Drawing\nfigures = _Drawing({lesson.notebook!r})\n"
                       "from course.run.exercises import trial as _course_trial", "build"))
    hints = {c.exercise: hint_text(c.text) for c in lesson.cells if c.role == "hint"}
    checks: dict[int, str] = {}
    for index, cell in enumerate(lesson.code()):
        code = cell.text
        if cell.role == "check":
            if cell.exercise not in hints:
                raise SourceError(f"{lesson.where}:{cell.line}: Exercise {cell.exercise} has no ??? tip \"Hint\" "
                                  "for its check")
            code = with_hint(code, hints[cell.exercise], f"{lesson.where}:{cell.line}")
            checks[cell.exercise] = code
        if cell.role in TRIALS:
            code = exercises.trial_cell(cell.text, checks[cell.exercise], cell.role == "alternative")
        out.append(RunCell(code, cell.role, index))
        if cell.role == "solution" and cell.exercise in checks:
            out.append(RunCell(exercises.reference_check(checks[cell.exercise]).strip("\n"), "proof", index))
    out.append(RunCell(INLINE_CELL % {"exprs": lesson.expressions(), "mime": INLINE_MIME}, "inline"))
    return out


INLINE_CELL = '''\
_course_values = {}
for _course_expr in %(exprs)r:
    try:
        _course_value = eval(_course_expr)
        _course_values[_course_expr] = {"value": _course_value if isinstance(_course_value, str) else str(_course_value)}
    except Exception as _course_exc:
        _course_values[_course_expr] = {"error": f"{type(_course_exc).__name__}: {_course_exc}"}
from IPython.display import display as _course_display
_course_display({%(mime)r: _course_values}, raw=True)'''


def run_notebook(lesson: Lesson):
    """The notebook the build executes: code cells only (the text changes nothing it prints)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    for number, run in enumerate(run_cells(lesson), 1):
        cell = nbformat.v4.new_code_cell(run.code, metadata={"course": {"role": run.role, "index": run.index}})
        cell["id"] = f"run-{number}"
        nb.cells.append(cell)
    return nb


def code_key(lesson: Lesson, *more: str) -> str:
    """Everything the run depends on: the code it executes (not the prose), the lesson's figure
    module and the project modules it imports, the modules that make and run the notebook, the
    dataset and the library versions."""
    from course.run import execution, exercises, figures

    cells = json.dumps([[c.code, c.role, c.index] for c in run_cells(lesson)])
    module = figures.FIGURE_DIR / f"{lesson.notebook}.py"
    made_by = [Path(m) for m in (__file__, exercises.__file__, figures.__file__, execution.__file__)]
    extra = [hashlib.sha256(p.read_bytes()).hexdigest() for p in made_by]
    if module.is_file():
        extra.append(hashlib.sha256(module.read_bytes()).hexdigest())
    return cache.key(module if module.is_file() else made_by[2], cells, *extra, *more)
