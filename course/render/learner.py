"""What a learner needs to run the lessons at home: exact versions, a time estimate per lesson.

Nothing here is typed by hand on a page: the Set-up page's versions come from the project's own
pins (``constraints.txt``), and each lesson's time estimate from its reading length and the run
time of its code (``course.render.pages``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from course import ROOT
from course.check import prose

CONSTRAINTS = ROOT / "constraints.txt"
# The libraries whose versions change what the lessons print, in the order a learner installs them.
LEARNER_PACKAGES = ("torch", "numpy", "pandas", "matplotlib", "scikit-learn", "scipy")
PYTHON = "3.11"  # as pyproject.toml's requires-python
READING_WORDS_PER_MINUTE = 200  # prose; code is read at half that speed
SETUP_MARKERS = {
    "<!-- course:install -->": "install_block",
    "<!-- course:versions -->": "versions_table",
}


def pins(constraints: Path = CONSTRAINTS) -> dict[str, str]:
    """``name -> version`` for every ``name==version`` line of a constraints file."""
    found = {}
    for line in constraints.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)==([^\s;#]+)", line)
        if match:
            found[match[1].lower().replace("_", "-")] = match[2]
    return found


def learner_pins(constraints: Path = CONSTRAINTS) -> list[tuple[str, str]]:
    pinned = pins(constraints)
    return [(name, pinned[name]) for name in LEARNER_PACKAGES if name in pinned]


def install_block(constraints: Path = CONSTRAINTS) -> str:
    """The copy-paste commands that make an environment with the course's exact versions."""
    requirements = " ".join(f"{name}=={version}" for name, version in learner_pins(constraints))
    return (
        "```bash\n"
        f"python{PYTHON} -m venv dl-course\n"
        "source dl-course/bin/activate        # on Windows: dl-course\\Scripts\\activate\n"
        f"python -m pip install {requirements} jupyterlab\n"
        "```\n"
    )


def versions_table(constraints: Path = CONSTRAINTS) -> str:
    rows = [f"| {name} | {version} |" for name, version in [("Python", PYTHON)] + learner_pins(constraints)]
    return "| package | version |\n| --- | --- |\n" + "\n".join(rows) + "\n"


def render_setup(markdown: str, constraints: Path = CONSTRAINTS) -> str:
    """The Set-up page with its generated parts in place of their markers."""
    for marker, name in SETUP_MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, globals()[name](constraints))
    return markdown


def words(markdown: str) -> tuple[int, int]:
    """Words of prose and words of code on a page."""
    prose_words = sum(len(line.split()) for _, line in prose.page_prose(markdown))
    total = len(markdown.split())
    return prose_words, max(0, total - prose_words)


def minutes(markdown: str, run_seconds: float) -> int:
    """A lesson's time: reading the prose, reading the code, running it; in 5-minute steps."""
    prose_words, code_words = words(markdown)
    reading = prose_words / READING_WORDS_PER_MINUTE + code_words / (READING_WORDS_PER_MINUTE / 2)
    return max(5, 5 * math.ceil((reading + run_seconds / 60) / 5))


def run_bucket(seconds: float) -> str:
    """Run time in words that stay the same from one build to the next."""
    for limit in (5, 10, 30):
        if seconds < limit:
            return f"under {limit} seconds"
    return f"about {max(1, round(seconds / 60))} minute" + ("s" if round(seconds / 60) > 1 else "")


def time_line(markdown: str, run_seconds: float) -> str:
    prose_words, code_words = words(markdown)
    return (
        f"About {minutes(markdown, run_seconds)} minutes: {prose_words + code_words:,} words of text "
        f"and code to read, and code that runs in {run_bucket(run_seconds)} on the machine that built this page."
    )
