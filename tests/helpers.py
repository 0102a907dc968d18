"""Small helpers shared by the tests."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
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
