"""Figures are code: a lesson's figure functions, drawn by the lesson's own run.

A figure module lives at ``assets/figures/<lesson>.py`` (the lesson's notebook name, e.g.
``01_deep_learning_fundamentals.py``) and marks each figure function with ``@figure("name")``. A
figure function takes a :class:`Theme` and the data the lesson passes it, and returns a matplotlib
``Figure``; it only plots. In the lesson's run, ``figures.draw("name", data...)`` (a
:class:`Drawing`) draws it twice, for the light and the dark theme, checks that no shape is cut off
at the edge of its axes, and shows both SVGs as the block's outputs; the build publishes them as
``figures/<lesson-slug>/<name>-light.svg`` and ``...-dark.svg``.

Export is deterministic: fixed SVG ids, no dates. Text stays text (``svg.fonttype: none``), so
readers can search and select it and it stays sharp at any zoom; it names a font stack of system
fonts ending in ``sans-serif``, and an SVG shown through ``<img>`` never loads a font from anywhere.

Every figure is legible at the size the page shows it: :func:`legible` raises any text that would
render smaller than ``MIN_TEXT_PX`` CSS pixels in the content column of a laptop screen
(``CONTENT_PX`` wide), and the palette (blue and orange) is safe for colour-blind readers; lines
drawn without a style of their own take a different line style each, as well as a colour.
"""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

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


# Blue and orange: told apart with every common colour-vision deficiency. Where colour carries
# meaning, a figure adds a second cue (line style, marker or a label on the line). Each colour
# that figures also write text in is 4.5:1 or more on the page and on the box fill (light: fg
# 15.8, muted 5.9, accent 6.9, accent2 5.0 on white; dark: 6.4 or more on the slate page).
LIGHT = Theme("light", fg="#1f2328", muted="#5c6570", accent="#3f51b5", accent2="#b35400", box="#eef0fb")
DARK = Theme("dark", fg="#e6e6e6", muted="#9aa4b2", accent="#8c9eff", accent2="#ffab40", box="#2a2f45")
THEMES = (LIGHT, DARK)

FigureFunc = Callable[[Theme], "object"]

# Material's content column on a 1280 px wide laptop screen (measured in the browser tests), and
# the smallest text a figure may show there, in CSS pixels.
CONTENT_PX = 688
MIN_TEXT_PX = 12
FONT_STACK = ["DejaVu Sans", "Verdana", "Arial", "Helvetica"]  # then the browser's sans-serif
LINE_STYLES = ["-", "--", ":", "-."]


def figure(name: str) -> Callable[[FigureFunc], FigureFunc]:
    """Mark a function of a figure module as the figure ``name``."""

    def mark(func: FigureFunc) -> FigureFunc:
        func.figure_name = name
        return func

    return mark


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"figures_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def figures_of(module: ModuleType) -> dict[str, FigureFunc]:
    return {
        obj.figure_name: obj
        for obj in vars(module).values()
        if callable(obj) and hasattr(obj, "figure_name")
    }


def rc(theme: Theme) -> dict:
    from cycler import cycler

    return {
        "svg.hashsalt": "ipo-course",
        "svg.fonttype": "none",
        "font.family": ["sans-serif"],
        "font.sans-serif": FONT_STACK,
        "font.size": 11,
        "axes.prop_cycle": cycler(color=[theme.accent, theme.accent2, theme.muted, theme.fg])
        + cycler(linestyle=LINE_STYLES),
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
    import matplotlib.pyplot as plt

    with plt.rc_context(rc(theme)):
        fig = legible(func(theme))
    fig.course_theme = theme  # to_svg exports under the same style: ticks are made as it draws
    return fig


def shown_scale(fig) -> float:
    """How much the page scales the figure down: its exported width against ``CONTENT_PX``."""
    renderer = fig.canvas.get_renderer()
    width_px = (fig.get_tightbbox(renderer).width + 2 * 0.1) * 96  # bbox_inches="tight", 0.1 in pad
    return min(1.0, CONTENT_PX / width_px)


def smallest_text_px(fig) -> float:
    """The size, in CSS pixels, of the smallest text of the figure as the page shows it."""
    from matplotlib.text import Text

    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    return min(sizes) * 96 / 72 * shown_scale(fig) if sizes else float("inf")


def legible(fig, rounds: int = 6):
    """Raise every text of ``fig`` that the page would show below ``MIN_TEXT_PX`` to that size.

    The figure's own layout (``tight_layout``, ``constrained``) is run again after each change;
    larger text can widen the figure and so shrink it on the page, hence a few rounds. A text that
    would reach past the figure's edges wraps there instead.
    """
    import math

    from matplotlib.layout_engine import PlaceHolderLayoutEngine
    from matplotlib.text import Text

    for _ in range(rounds):
        fig.canvas.draw()
        floor_pt = math.ceil(MIN_TEXT_PX * 72 / 96 / shown_scale(fig) * 10) / 10
        small = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_fontsize() < floor_pt]
        if not small:
            break
        for text in small:
            text.set_fontsize(floor_pt)
        fig.canvas.draw()
        edge = fig.bbox
        for text in fig.findobj(Text):
            box = text.get_window_extent() if text.get_text().strip() else None
            if box is not None and (box.x0 < edge.x0 - 1 or box.x1 > edge.x1 + 1):
                text.set_wrap(True)
        engine = fig.get_layout_engine()
        if isinstance(engine, PlaceHolderLayoutEngine):  # left by an earlier fig.tight_layout()
            fig.tight_layout()
        elif engine is not None:
            engine.execute(fig)
    return fig


def to_svg(fig) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    theme = getattr(fig, "course_theme", None)
    style = rc(theme) if theme else {"svg.hashsalt": "ipo-course", "svg.fonttype": "none"}
    with plt.rc_context(style):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def cut_off(fig) -> list[str]:
    """The patches (boxes, bars, arrows) whose outline reaches past the axes that clip them: a
    box drawn there loses a side, and ``bbox_inches="tight"`` cannot bring it back."""
    from matplotlib.patches import Patch

    fig.canvas.draw()
    found = []
    for ax in fig.axes:
        box = ax.bbox
        spines = set(ax.spines.values())
        for patch in ax.findobj(Patch):
            if patch is ax.patch or patch in spines or not patch.get_visible() or not patch.get_clip_on():
                continue
            half_line = patch.get_linewidth() * fig.dpi / 72 / 2 if patch.get_edgecolor()[3] else 0
            extent = patch.get_window_extent().padded(half_line)
            if extent.x0 < box.x0 or extent.x1 > box.x1 or extent.y0 < box.y0 or extent.y1 > box.y1:
                found.append(f"{type(patch).__name__} {extent.bounds} outside the axes {box.bounds}")
    return found


class FigureError(RuntimeError):
    """A figure cannot be drawn as asked, or cuts off its own shapes."""


class Drawing:
    """``figures`` in a lesson's run: ``figures.draw("name", data...)`` calls the lesson's
    ``@figure("name")`` function with each theme and the data, checks that no shape is cut off at
    the edge of its axes, and shows both SVGs as the cell's outputs, which the build publishes as
    ``figures/<lesson>/<name>-light.svg`` and ``-dark.svg`` (``course.render.notebooks``)."""

    def __init__(self, notebook: str):
        self.path = FIGURE_DIR / f"{notebook}.py"
        self._functions: dict[str, FigureFunc] | None = None

    def functions(self) -> dict[str, FigureFunc]:
        if self._functions is None:
            if not self.path.is_file():
                raise FigureError(f"this lesson has no figure module {self.path.relative_to(ROOT)}")
            self._functions = figures_of(load_module(self.path))
        return self._functions

    def draw(self, name: str, *args, **kwargs) -> None:
        from IPython.display import display

        functions = self.functions()
        if name not in functions:
            raise FigureError(f"{self.path.relative_to(ROOT)} has no @figure({name!r}); it has {sorted(functions)}")
        func = functions[name]
        for theme in THEMES:
            fig = draw(lambda t: func(t, *args, **kwargs), theme)
            problems = cut_off(fig)
            if problems:
                raise FigureError(f"figure {name!r} ({theme.name}) cuts off its shapes: " + "; ".join(problems))
            svg = to_svg(fig).decode("utf-8")
            display({"image/svg+xml": svg, "text/plain": f"<figure {name}, {theme.name}>"}, raw=True,
                    metadata={"course_figure": {"name": name, "theme": theme.name}})


def on_white(svg: str) -> str:
    """The light variant on a white ground, for notebooks (whose own background may be dark)."""
    import re

    match = re.search(r"<svg\b[^>]*>", svg)
    if not match:
        return svg
    ground = '<rect width="100%" height="100%" fill="#ffffff"/>'
    return svg[: match.end()] + ground + svg[match.end():]
