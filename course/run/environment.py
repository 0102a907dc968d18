"""The environment of every process and kernel the build's pool starts, fixed by the pool.

A job's result is stored under a cache key (``course.run.cache``), so nothing the job can see may
come from whoever started the build, the tests or a shard: a variable inherited from the caller
(``MPLBACKEND=Agg`` from a test process, a locale, a hash seed, a terminal width, a user's
matplotlib or IPython configuration) could change what a cell prints or shows while the key
stays the same. So a job's environment is built here from nothing:

- fixed settings: matplotlib's backend (Jupyter's inline backend in a kernel, so that figures
  are kept in the notebook; ``Agg`` in a plain process), one torch/BLAS thread, the C.UTF-8
  locale, UTC, hash seed 0, and configuration folders of the project's own (no user
  ``matplotlibrc`` or IPython start-up files);
- the numeric code paths of the libraries that print the lessons' numbers
  (``course.settings.NUMERIC_PATHS``: MKL's, OpenBLAS's, oneDNN's and torch's own kernels, all on
  their AVX2 versions), so that a run prints the same digits on any x86-64 machine that has AVX2,
  whatever wider vector units it has (a machine with AVX-512 otherwise picks other kernels, which
  round differently, and a 100-epoch training run carries that into the third decimal);
- what a process needs to run and that changes no result: ``PATH``, ``HOME``, ``TMPDIR``;
- a machine fact that may change results (``OPENBLAS_L2_SIZE``, which sizes the BLAS kernels'
  blocks): passed through, and part of every cache key (``fingerprint()``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from course import ROOT, settings
from course.run import data

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
CONFIG_DIR = ROOT / ".cache" / "config"  # matplotlib's and IPython's, owned by the build
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")
PASSED = ("PATH", "HOME", "TMPDIR")  # needed to run; no result depends on them
KEYED = ("OPENBLAS_L2_SIZE",)  # may change results: in every key


def job_env(n_threads: int, kernel: bool = False, csv_path: Path | None = None) -> dict[str, str]:
    """The whole environment of a job: the same for the same settings, whoever calls. A process
    that imports this project finds the verified dataset at ``csv_path`` (a kernel runs beside a
    copy of it)."""
    for folder in ("matplotlib", "ipython"):
        (CONFIG_DIR / folder).mkdir(parents=True, exist_ok=True)
    env = {name: os.environ[name] for name in PASSED + KEYED if name in os.environ}
    env.update({
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONHASHSEED": "0",
        "PYTHONIOENCODING": "utf-8",
        "MPLBACKEND": INLINE_BACKEND if kernel else "Agg",
        "MPLCONFIGDIR": str(CONFIG_DIR / "matplotlib"),
        "IPYTHONDIR": str(CONFIG_DIR / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
    })
    env["PYTHONPATH"] = str(ROOT)  # a lesson's run draws its figures with this project's code
    if not kernel and csv_path is not None:  # a kernel runs beside a copy of the dataset
        env[data.ENV_VAR] = str(Path(csv_path).parent)
    env.update(settings.NUMERIC_PATHS)
    for name in THREAD_VARIABLES:
        env[name] = str(n_threads)
    return env


def fingerprint() -> str:
    """What of a job's environment enters every cache key: this module (the fixed settings) and
    the numeric code paths, and the inherited values a result may depend on."""
    own = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    fixed = ";".join(f"{name}={value}" for name, value in sorted(settings.NUMERIC_PATHS.items()))
    return own + ";" + fixed + ";" + ";".join(f"{name}={os.environ.get(name, '')}" for name in KEYED)
