"""The course's settings, in one typed object: what a build may be told, and what it is fixed to.

``settings.current()`` reads the environment each time it is called (a test may change it); the
rest are constants of the project. Nothing else in ``course/`` reads a setting from the
environment.

Each field, its variable, its default and what it does: the table "Settings" of
``docs/contributing.md`` (``tests/test_layout.py`` checks that it lists every field).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from course import ROOT

KEYED_LIBRARIES = ("torch", "pandas", "numpy", "scipy", "scikit-learn", "matplotlib")
EXECUTION_STACK = ("nbconvert", "nbclient", "ipykernel", "mkdocs-jupyter")
VERIFIED_LIBRARIES = KEYED_LIBRARIES
REPORTED_LIBRARIES = ("torch", "pandas", "numpy", "scipy", "scikit-learn")
CACHE_DIR = ROOT / ".cache" / "build"
DATA_VARIABLE = "IPO_DATA_DIR"
DEFAULT_CELL_TIMEOUT = 300
# The numeric code paths of the libraries behind the lessons' numbers, the same on every x86-64
# machine with AVX2 (a wider machine would otherwise pick kernels that round differently): every
# process of the course (``course.fix_numerics``) and every kernel (``course.run.environment``).
NUMERIC_PATHS = {
    "MKL_CBWR": "AVX2,STRICT",  # MKL, torch's BLAS: conditional numerical reproducibility
    "ATEN_CPU_CAPABILITY": "avx2",  # torch's own vectorised kernels
    "ONEDNN_MAX_CPU_ISA": "AVX2",  # oneDNN, behind some of torch's CPU operators
    "OPENBLAS_CORETYPE": "Haswell",  # OpenBLAS, NumPy's and SciPy's BLAS (scikit-learn's fits)
}


class SettingsError(ValueError):
    """A setting from the environment that cannot be used: the message names the variable."""


@dataclass(frozen=True)
class Settings:
    jobs: int
    cell_timeout: int
    data_dir: Path | None  # None: look beside the project, then download
    cache_dir: Path = CACHE_DIR
    keyed_libraries: tuple[str, ...] = KEYED_LIBRARIES
    execution_stack: tuple[str, ...] = EXECUTION_STACK
    verified_libraries: tuple[str, ...] = VERIFIED_LIBRARIES
    reported_libraries: tuple[str, ...] = REPORTED_LIBRARIES


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        n = int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {value!r}") from None
    if n < 1:
        raise SettingsError(f"{name} must be at least 1, not {n}")
    return n


def current() -> Settings:
    """The settings now, from the environment."""
    data_dir = os.environ.get(DATA_VARIABLE, "").strip()
    return Settings(
        jobs=_whole_number("COURSE_JOBS", cores()),
        cell_timeout=_whole_number("COURSE_CELL_TIMEOUT", DEFAULT_CELL_TIMEOUT),
        data_dir=Path(data_dir) if data_dir else None,
    )
