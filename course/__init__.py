"""Shared code for the Deep Learning with PyTorch course site.

- ``course.data``: locate and verify the IPO dataset.
- ``course.snippets``: parse and check the ``# Output:`` comments of lesson code.
- ``course.figures``: discover, draw and export the lessons' generated figures.
- ``course.notebooks``: turn ``lessons_src/*.py`` into ``.ipynb`` notebooks.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fix_threads() -> None:
    """Run PyTorch and its kernels on one thread unless $OMP_NUM_THREADS says otherwise.

    The lessons' models are tiny: one thread trains them fastest (two threads fight over the
    cores with everything else the build runs), and printed numbers never depend on how many
    cores a machine happens to have. Call before torch is imported; child processes (notebook
    kernels) inherit the setting.
    """
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", os.environ["OMP_NUM_THREADS"])
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
