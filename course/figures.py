"""Figures are code: each lesson's figure module draws them, the build exports them.

A figure module lives at ``assets/figures/<lesson>.py`` (the lesson's notebook name,
e.g. ``01_deep_learning_fundamentals.py``) and marks each figure function with
``@figure("name")``. A figure function takes a :class:`Theme` and returns a
matplotlib ``Figure``; it is drawn twice, for the light and the dark theme, and
published as ``figures/<lesson-slug>/<name>-light.svg`` and ``...-dark.svg``.

Export is deterministic: fixed SVG ids, no dates, text drawn as paths (no fonts needed).

Each figure is cached under ``.cache/build/figures`` by a key of its own (see ``course.cache``):
the figure module's source without the other figures' functions, the local modules it imports,
the dataset and the library versions. Editing one figure function redraws that figure only;
editing a helper the module shares redraws the module's figures; with nothing changed, nothing
is imported or drawn.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterator

from course import ROOT, cache

FIGURE_DIR = ROOT / "assets" / "figures"
CACHE_DIR = cache.CACHE_DIR / "figures"
log = logging.getLogger("mkdocs.course.figures")
stats: Counter = Counter()  # "drawn" and "cached" figure files, for tests and the benchmark


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


def declared_figures(path: Path) -> dict[str, tuple[int, int]]:
    """Figure name -> (first, last) source line of its function, read without importing."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            if (
                isinstance(deco, ast.Call)
                and getattr(deco.func, "id", None) == "figure"
                and deco.args
                and isinstance(deco.args[0], ast.Constant)
            ):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                found[deco.args[0].value] = (first, node.end_lineno)
    return found


def figure_keys(path: Path) -> dict[str, str]:
    """A cache key per figure: the module minus the other figures' functions, plus its inputs."""
    lines = path.read_text(encoding="utf-8").splitlines()
    declared = declared_figures(path)
    keys = {}
    for name in declared:
        masked = list(lines)
        for other, (first, last) in declared.items():
            if other != name:
                masked[first - 1 : last] = [""] * (last - first + 1)
        source = "\n".join(masked).encode()
        keys[name] = cache.key(path, name, source=source)
    return keys


def site_paths() -> list[str]:
    """The site path of every figure file, read from the figure modules without drawing."""
    return [
        f"figures/{slug(path)}/{name}-{theme.name}.svg"
        for path in figure_modules()
        for name in declared_figures(path)
        for theme in THEMES
    ]


def _render_module(path: Path, use_cache: bool, used: set) -> Iterator[tuple[str, bytes, Path]]:
    """Every figure of one module in both themes, from the cache or drawn (and then cached)."""
    module = None
    keys = figure_keys(path)
    for name, fig_key in keys.items():
        for theme in THEMES:
            uri = f"figures/{slug(path)}/{name}-{theme.name}.svg"
            stored = CACHE_DIR / f"{fig_key[:32]}-{theme.name}.svg"
            used.add(stored.name)
            if use_cache and stored.is_file():
                stats["cached"] += 1
                yield uri, stored.read_bytes(), path
                continue
            if module is None:
                module = load_module(path)
                functions = figures_of(module)
                if set(functions) != set(keys):
                    raise RuntimeError(
                        f"{path}: @figure names {sorted(functions)} do not match the "
                        f"declared ones {sorted(keys)}; use @figure(\"name\") with a literal name"
                    )
            svg = to_svg(draw(functions[name], theme))
            stats["drawn"] += 1
            log.info("Drew figure %s", uri)
            if use_cache:
                CACHE_DIR.mkdir(parents=True, exist_ok=True)
                tmp = stored.with_name(f".{stored.name}.tmp")
                tmp.write_bytes(svg)
                tmp.replace(stored)
            yield uri, svg, path


def render_all(use_cache: bool = True) -> Iterator[tuple[str, bytes, Path]]:
    """Yield ``(site path, svg bytes, source module)`` for every figure in both themes.

    The build's pool (``course.execution``) has drawn each module's missing figures into the cache
    by then, in a process of its own (``python -m course.figures MODULE``); what is still missing
    is drawn here.
    """
    used: set[str] = set()
    for path in figure_modules():
        yield from _render_module(path, use_cache, used)
    if use_cache and CACHE_DIR.is_dir():
        for stale in CACHE_DIR.glob("*.svg"):
            if stale.name not in used:
                stale.unlink()


def failure(exc: BaseException) -> str:
    """Name the figure file and line that raised, not the code that called it."""
    import traceback

    assets = str(ROOT / "assets")
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if assets in f.filename]
    where = "a figure module"
    if frames:
        where = f"{Path(frames[-1].filename).relative_to(ROOT)}:{frames[-1].lineno}"
    return f"Figure code failed at {where}: {type(exc).__name__}: {exc}"


def main(argv: list[str]) -> int:
    """``python -m course.figures MODULE``: draw the module's missing figures into the cache.

    Prints ``{"drawn": [site paths]}``; on an error, one line naming the figure file and line.
    """
    import json
    import sys

    from course import fix_threads

    fix_threads()
    path = Path(argv[0]).resolve()
    stats.clear()
    drawn = []
    try:
        for uri, _svg, _ in _render_module(path, True, set()):
            if stats["drawn"] > len(drawn):
                drawn.append(uri)
    except Exception as exc:
        print(failure(exc), file=sys.stderr)
        return 1
    json.dump({"drawn": drawn}, sys.stdout)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
