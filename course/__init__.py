"""Shared code for the Deep Learning with PyTorch course site.

- ``course.data``: locate and verify the IPO dataset.
- ``course.snippets``: parse and check the ``# Output:`` comments of lesson code.
- ``course.figures``: discover, draw and export the lessons' generated figures.
- ``course.notebooks``: turn ``lessons_src/*.py`` into ``.ipynb`` notebooks.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
