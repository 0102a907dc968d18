"""Figures are code: each lesson's figure module draws them, the build exports them.

A figure module lives at ``assets/figures/<lesson>.py`` (the lesson's notebook name,
e.g. ``01_deep_learning_fundamentals.py``) and marks each figure function with
``@figure("name")``. A figure function takes a :class:`Theme` and returns a
matplotlib ``Figure``; it is drawn twice, for the light and the dark theme, and
published as ``figures/<lesson-slug>/<name>-light.svg`` and ``...-dark.svg``.

Export is deterministic: fixed SVG ids, no dates, text drawn as paths (no fonts needed).
"""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterator

from course import ROOT

FIGURE_DIR = ROOT / "assets" / "figures"


@dataclass(frozen=True)
class Theme:
    name: str
    fg: str  # text, axes and outlines
    muted: str  # secondary text, grid
    accent: str  # the main data colour
    accent2: str  # a second, contrasting data colour
    box: str  # fill of diagram boxes


LIGHT = Theme("light", fg="#1f2328", muted="#6e7781", accent="#3f51b5", accent2="#e8710a", box="#eef0fb")
DARK = Theme("dark", fg="#e6e6e6", muted="#9aa4b2", accent="#8c9eff", accent2="#ffab40", box="#2a2f45")
THEMES = (LIGHT, DARK)

FigureFunc = Callable[[Theme], "object"]


def figure(name: str) -> Callable[[FigureFunc], FigureFunc]:
    """Mark a function of a figure module as the figure ``name``."""

    def mark(func: FigureFunc) -> FigureFunc:
        func.figure_name = name
        return func

    return mark


def slug(module_path: Path) -> str:
    """``01_deep_learning_fundamentals.py`` -> ``01-deep-learning-fundamentals``."""
    return module_path.stem.replace("_", "-")


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"figures_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def figure_modules() -> list[Path]:
    return sorted(p for p in FIGURE_DIR.glob("*.py") if not p.name.startswith("_"))


def figures_of(module: ModuleType) -> dict[str, FigureFunc]:
    return {
        obj.figure_name: obj
        for obj in vars(module).values()
        if callable(obj) and hasattr(obj, "figure_name")
    }


def rc(theme: Theme) -> dict:
    return {
        "svg.hashsalt": "ipo-course",
        "svg.fonttype": "path",
        "font.family": "DejaVu Sans",
        "font.size": 11,
        "text.color": theme.fg,
        "axes.edgecolor": theme.muted,
        "axes.labelcolor": theme.fg,
        "axes.titlecolor": theme.fg,
        "xtick.color": theme.fg,
        "ytick.color": theme.fg,
        "grid.color": theme.muted,
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.transparent": True,
    }


def draw(func: FigureFunc, theme: Theme):
    """Call a figure function under the theme's matplotlib style."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context(rc(theme)):
        return func(theme)


def to_svg(fig) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    with plt.rc_context({"svg.hashsalt": "ipo-course", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def render_all() -> Iterator[tuple[str, bytes, Path]]:
    """Yield ``(site path, svg bytes, source module)`` for every figure in both themes."""
    for path in figure_modules():
        module = load_module(path)
        for name, func in figures_of(module).items():
            for theme in THEMES:
                uri = f"figures/{slug(path)}/{name}-{theme.name}.svg"
                yield uri, to_svg(draw(func, theme)), path
