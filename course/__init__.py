"""The code behind the course site, in the order data moves through it.

Reading a lesson:

- ``course.reader``: one Markdown parser with a source map: every fenced block, with its line;
- ``course.source``: a lesson's one source, its page, read into cells; the page the site renders;
  the code its run executes (``run_cells``) and the run's key (``code_key``);
- ``course.lessons``: the lessons in nav order; the overview's table, counts and next-steps links.
- ``course.saved``: the code a lesson saves for the lessons after it (``#@save``), and the blocks
  that hold it (```` ```python saved ````);

Running it:

- ``course.settings``: every setting, in one typed object (jobs, timeouts, paths, keyed versions);
- ``course.data``: locate and verify the dataset;
- ``course.environment``: the environment of every kernel the pool starts, fixed by the pool;
- ``course.cache``: cache keys from everything a result depends on;
- ``course.store``: the one store behind every cache: atomic writes, reads, eviction;
- ``course.execution``: the bounded pool that runs each lesson once, its report, and shards;
- ``course.exercises``: the data and checker cells, and the proof that every exercise works;
- ``course.figures`` and ``course.charts``: drawing a lesson's figures from its run, legibly.

Rendering the site:

- ``course.notebooks``: the notebooks of a lesson (view and download), from its page and its run;
- ``course.runs``: a lesson's one run as the pool runs it, and the record it keeps;
- ``course.pages``: what a lesson page shows beyond its source (inline values, its header);
- ``course.glossary``: links from a term's first use to its entry;
- ``course.learner``: the Set-up page's versions, the time estimates;
- ``course.hosted``: where a published course lives; Open in Colab;
- ``course.paper``: the print page, ready for paper.

Checking what it says:

- ``course.snippets``: the ``# Output:`` comments of a block, and the diff when they differ;
- ``course.prose``: every number of the prose, bound to what the code printed;
- ``course.pytest_plugin``: every block of every page as a test, checked against the lesson's run;
- ``course.bench``: what the build and the tests cost, against what they cannot avoid.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fix_numerics() -> None:
    """Fix what decides the digits a lesson prints, in this process and the processes it starts.

    - Threads: PyTorch and BLAS on one thread unless $OMP_NUM_THREADS says otherwise. The
      lessons' models are tiny: one thread trains them fastest (two threads fight over the cores
      with everything else the build runs), and printed numbers never depend on how many cores a
      machine happens to have.
    - Code paths: ``settings.NUMERIC_PATHS`` (the AVX2 kernels of MKL, OpenBLAS, oneDNN and
      torch), so that a machine with wider vector units prints the same digits.

    Runs when ``course`` is first imported, before NumPy or torch load their libraries (which read
    these variables once); call it again to set torch's thread count once torch is loaded.
    """
    from course import settings

    os.environ.update(settings.NUMERIC_PATHS)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", os.environ["OMP_NUM_THREADS"])
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(int(os.environ["OMP_NUM_THREADS"]))


fix_numerics()
