"""The code behind the course site: one folder for each stage a lesson goes through, in order.

``course.settings``: every setting, in one typed object (jobs, timeouts, paths, keyed versions),
for the modules of every stage.

``course/read/``, reading a lesson:

- ``course.read.reader``: one Markdown parser with a source map: every fenced block, with its line;
- ``course.read.source``: a lesson's one source, its page, read into cells; the page the site renders;
  the code its run executes (``run_cells``) and the run's key (``code_key``);
- ``course.read.lessons``: the lessons in nav order; the overview's table, counts and next-steps links;
- ``course.read.saved``: the code a lesson saves for the lessons after it (``#@save``), and the blocks
  that hold it (```` ```python saved ````).

``course/run/``, running it once:

- ``course.run.data``: locate and verify the dataset;
- ``course.run.environment``: the environment of every kernel the pool starts, fixed by the pool;
- ``course.run.cache``: cache keys from everything a result depends on;
- ``course.run.store``: the one store behind every cache: atomic writes, reads, eviction;
- ``course.run.execution``: the bounded pool that runs each lesson once, its report, and shards;
- ``course.run.runs``: a lesson's one run as the pool runs it, and the record it keeps;
  ``python -m course.run.runs PAGE`` runs one lesson and lists its problems by line;
- ``course.run.exercises``: the data and checker cells, and the proof that every exercise works;
- ``course.run.figures``: drawing a lesson's figures from its run, legibly.

``course/render/``, rendering the site from the runs:

- ``course.render.notebooks``: the notebooks of a lesson (view and download), from its page and its run;
- ``course.render.pages``: what a lesson page shows beyond its source (inline values, its header);
- ``course.render.glossary``: links from a term's first use to its entry;
- ``course.render.learner``: the Set-up page's versions, the time estimates;
- ``course.render.hosted``: where a published course lives; Open in Colab;
- ``course.render.paper``: the print page, ready for paper.

``course/check/``, checking what the site says against what ran:

- ``course.check.snippets``: the ``# Output:`` comments of a block, and the diff when they differ;
- ``course.check.prose``: every number of the prose, bound to what the code printed;
- ``course.check.pytest_plugin``: every block of every page as a test, checked against the lesson's run;
- ``course.check.bench``: what the build and the tests cost, against what they cannot avoid.

A module may import from any stage, but no two modules import each other, however indirectly
(``tests/test_layout.py``).
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
