"""The environment of every process and kernel the build's pool starts, fixed by the pool.

A job's result is stored under a cache key (``course.cache``), so nothing the job can see may
come from whoever started the build, the tests or a shard: a variable inherited from the caller
(``MPLBACKEND=Agg`` from a test process, a locale, a hash seed, a terminal width, a user's
matplotlib or IPython configuration) could change what a cell prints or shows while the key
stays the same. So a job's environment is built here from nothing:

- fixed settings: matplotlib's backend (Jupyter's inline backend in a kernel, so that figures
  are kept in the notebook; ``Agg`` in a plain process), one torch/BLAS thread, the C.UTF-8
  locale, UTC, hash seed 0, and configuration folders of the project's own (no user
  ``matplotlibrc`` or IPython start-up files);
- what a process needs to run and that changes no result: ``PATH``, ``HOME``, ``TMPDIR``;
- machine facts that may change results (``OPENBLAS_CORETYPE``, ``OPENBLAS_L2_SIZE``, which pick
  the BLAS kernels): passed through, and part of every cache key (``fingerprint()``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from course import ROOT, data

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
CONFIG_DIR = ROOT / ".cache" / "config"  # matplotlib's and IPython's, owned by the build
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")
PASSED = ("PATH", "HOME", "TMPDIR")  # needed to run; no result depends on them
KEYED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")  # may change results: in every key


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
    for name in THREAD_VARIABLES:
        env[name] = str(n_threads)
    return env


def fingerprint() -> str:
    """What of a job's environment enters every cache key: this module (the fixed settings) and
    the inherited values a result may depend on."""
    own = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return own + ";" + ";".join(f"{name}={os.environ.get(name, '')}" for name in KEYED)
