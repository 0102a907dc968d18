"""Small helpers shared by the tests."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path

from course.check import snippets
from course.run import figures


def figure_module(stem: str):
    """Load ``assets/figures/<stem>.py``."""
    return figures.load_module(figures.FIGURE_DIR / f"{stem}.py")


def figure_texts(fig) -> list[str]:
    """Every piece of text drawn anywhere in a matplotlib figure."""
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def read(path: Path) -> str:
    return Path(path).read_text(encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` over HTTP on 127.0.0.1 (a free port) and yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def documented_output(page: Path, *markers: str) -> list[str]:
    """The ``# Output:`` lines of the one block of ``page`` whose code contains all ``markers``."""
    from course.check.pytest_plugin import python_blocks

    found = [b for b in python_blocks(page) if all(m in b.code for m in markers)]
    assert len(found) == 1, f"expected one block with {markers!r} on {page.name}, found {len(found)}"
    return [line.text for line in snippets.expected_output(found[0].code)]


def progress_line(h: dict, epoch: int) -> str:
    """A line as the pages' ``fit`` prints it after ``epoch`` (Lessons 4 and 5)."""
    i = epoch - 1
    return (f"epoch {epoch:3d} | train loss {h['train_loss'][i]:.4f} acc {h['train_acc'][i]:.3f}"
            f" | val loss {h['val_loss'][i]:.4f} acc {h['val_acc'][i]:.3f}")


def figures_drawn_twice(module) -> tuple[dict, dict]:
    """Every figure of a lesson's figure module as SVG bytes, in both themes, drawn twice from
    scratch: the module's cached computations (its seeded training runs) are cleared in between,
    so the second drawing recomputes everything. Keys are ``(figure name, theme name)``."""

    def draw_all() -> dict:
        return {
            (name, theme.name): figures.to_svg(figures.draw(func, theme))
            for name, func in figures.figures_of(module).items()
            for theme in figures.THEMES
        }

    first = draw_all()
    for obj in vars(module).values():
        if hasattr(obj, "cache_clear"):
            obj.cache_clear()
    return first, draw_all()
