"""Fixtures shared by the tests: a built site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course import ROOT


def mkdocs_build(site_dir: Path, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` into ``site_dir``; returns the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole site, built once per test session with --strict."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(site)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    return site


@pytest.fixture(autouse=True)
def close_figures():
    """Close the figures a test drew, so that they do not pile up over the test session."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
