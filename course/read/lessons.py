"""The lessons of the course, in the order the nav gives them, and what is derived from that list.

A lesson is its page, ``docs/lessons/NN-name.md``, listed once in ``mkdocs.yml``'s nav. From
that list and each page's title and front matter the build writes what would otherwise be typed
by hand and go stale: the overview's table of lessons (``<!-- course:lessons -->`` in
``docs/index.md``), the number of lessons wherever the overview names it
(``<!-- course:lesson-count -->``, as a word), and each lesson's links to the lessons before and
after it and to the overview (``<!-- course:next-steps -->``, in its "Next steps").

The lesson that scores the test rows declares it in its front matter (``final_evaluation:
true``); exactly one lesson does, and its ``# ---- FINAL EVALUATION`` block is the only one that
touches ``test_df`` (``tests/test_test_rows.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course import ROOT

MKDOCS_YML = ROOT / "mkdocs.yml"
TITLE = re.compile(r"^# Lesson (\d+) - (.+)$", re.M)
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve")
MARKERS = ("<!-- course:lessons -->", "<!-- course:lesson-count -->", "<!-- course:next-steps -->")


def notebook_name(page: Path) -> str:
    """``docs/lessons/01-deep-learning-fundamentals.md`` -> ``01_deep_learning_fundamentals``: the
    name of the lesson's notebook and of its figure module (``assets/figures/<name>.py``). The one
    place a lesson's name is mapped to the names of what is made from it."""
    return Path(page).stem.replace("-", "_")


class LessonError(ValueError):
    """A lesson page breaks a rule the derived parts rely on; the message names it."""


@dataclass(frozen=True)
class Lesson:
    page: Path  # docs/lessons/NN-name.md
    number: int
    title: str  # "Deep Learning Fundamentals"
    description: str  # the page's front matter description
    final_evaluation: bool  # does this lesson score the test rows?

    @property
    def name(self) -> str:
        """``01-deep-learning-fundamentals``: the page's name, and the figures' folder."""
        return self.page.stem

    @property
    def notebook(self) -> str:
        """``01_deep_learning_fundamentals``: the notebook's name (``notebook_name``)."""
        return notebook_name(self.page)

    @property
    def heading(self) -> str:
        return f"Lesson {self.number} - {self.title}"


def _nav_pages(nav) -> list[str]:
    found = []
    for entry in nav if isinstance(nav, list) else [nav]:
        if isinstance(entry, dict):
            for value in entry.values():
                found += _nav_pages(value)
        elif isinstance(entry, str):
            found.append(entry)
        elif isinstance(entry, list):
            found += _nav_pages(entry)
    return found


def read(page: Path) -> Lesson:
    return _read(Path(page), Path(page).read_text(encoding="utf-8"))


@lru_cache(maxsize=128)
def _read(page: Path, text: str) -> Lesson:  # once per page text: a build asks for it often
    from course.check import prose

    meta, _ = prose.front_matter(text)
    title = TITLE.search(text)
    where = Path(page).relative_to(ROOT) if Path(page).is_relative_to(ROOT) else page
    if not title:
        raise LessonError(f"{where}: the page's title must read '# Lesson N - Title'")
    if not meta.get("description"):
        raise LessonError(f"{where}: the front matter needs a description (the overview's table shows it)")
    return Lesson(Path(page), int(title.group(1)), title.group(2).strip(), str(meta["description"]).strip(),
                  bool(meta.get("final_evaluation", False)))


def course(config: Path = MKDOCS_YML) -> tuple[Lesson, ...]:
    """Every lesson, in nav order: the pages under ``lessons/`` that the nav lists."""
    from course.render import hosted

    config = Path(config)
    nav = hosted.mkdocs_settings(config).get("nav") or []
    docs = config.parent / "docs"
    found = tuple(read(docs / uri) for uri in _nav_pages(nav) if uri.startswith("lessons/"))
    for position, lesson in enumerate(found, 1):
        if lesson.number != position:
            raise LessonError(f"{lesson.page.relative_to(config.parent)}: it is lesson {position} in the nav, "
                              f"but its title says Lesson {lesson.number}")
    if found and sum(lesson.final_evaluation for lesson in found) != 1:
        raise LessonError("exactly one lesson declares 'final_evaluation: true' in its front matter, not "
                          f"{sum(lesson.final_evaluation for lesson in found)}")
    return found


def count_word(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def overview_table(lessons: tuple[Lesson, ...]) -> str:
    rows = [f"| {lesson.number} | [{lesson.title}](lessons/{lesson.page.name}) | {lesson.description} |"
            for lesson in lessons]
    return "| # | Lesson | What it covers |\n| --- | --- | --- |\n" + "\n".join(rows) + "\n"


def next_steps(lesson: Lesson, lessons: tuple[Lesson, ...]) -> str:
    """The links at the end of a lesson: the next lesson, the previous one, the overview."""
    index = lessons.index(lesson)
    items = []
    if index + 1 < len(lessons):
        after = lessons[index + 1]
        items.append(f"- **[{after.heading}]({after.page.name})**: {after.description}")
    if index > 0:
        before = lessons[index - 1]
        items.append(f"- **[Back to {before.heading}]({before.page.name})**: {before.description}")
    items.append(f"- **[Back to the module overview](../index.md)**: all {count_word(len(lessons))} "
                 "lessons of Deep Learning with PyTorch.")
    return "\n".join(items) + "\n"


def render(markdown: str, src_uri: str, lessons: tuple[Lesson, ...] | None = None) -> str:
    """A page with its derived parts in place of their markers."""
    if "<!-- course:" not in markdown:
        return markdown
    lessons = course() if lessons is None else lessons
    text = re.sub(rf"^{re.escape(MARKERS[0])}$", lambda _: overview_table(lessons).rstrip("\n"), markdown, flags=re.M)
    text = text.replace(MARKERS[1], count_word(len(lessons)))
    if re.search(rf"^{re.escape(MARKERS[2])}$", text, re.M):
        lesson = next((item for item in lessons if f"lessons/{item.page.name}" == src_uri), None)
        if lesson is None:
            raise LessonError(f"docs/{src_uri}: {MARKERS[2]} belongs in a lesson listed in the nav")
        text = re.sub(rf"^{re.escape(MARKERS[2])}$", lambda _: next_steps(lesson, lessons).rstrip("\n"), text,
                      flags=re.M)
    return text
