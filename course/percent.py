"""Code cells of a jupytext percent-format notebook source, with their line numbers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Cell:
    first_lineno: int  # 1-based line of the cell's first source line
    source: str
    tags: tuple[str, ...] = ()  # the cell's metadata tags (exercise cells: starter, check, solution)


def code_cells(path: Path) -> list[Cell]:
    """The code cells jupytext reads from ``path``, located in the file for error messages."""
    import jupytext

    text = Path(path).read_text(encoding="utf-8")
    cells, pos = [], 0
    for cell in jupytext.read(path).cells:
        if cell.cell_type != "code":
            continue
        at = text.find(cell.source, pos)
        if at < 0:
            raise ValueError(f"{path}: cannot locate a code cell in the source:\n{cell.source}")
        cells.append(Cell(text.count("\n", 0, at) + 1, cell.source, tuple(cell.metadata.get("tags", ()))))
        pos = at + len(cell.source)
    return cells
