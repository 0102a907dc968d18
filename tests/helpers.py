"""Small helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path

from course import figures


def figure_module(stem: str):
    """Load ``assets/figures/<stem>.py``."""
    return figures.load_module(figures.FIGURE_DIR / f"{stem}.py")


def figure_texts(fig) -> list[str]:
    """Every piece of text drawn anywhere in a matplotlib figure."""
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def read(path: Path) -> str:
    return Path(path).read_text(encoding="utf-8")
