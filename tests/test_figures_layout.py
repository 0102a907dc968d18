"""No generated figure cuts off its own shapes.

A box or bar that reaches past the edge of its axes is clipped there, and ``bbox_inches="tight"``
cannot bring it back: the reader sees a box with a missing side. Checked for every figure of every
lesson, drawn in the light theme (the dark one has the same layout, only other colours).
"""

import pytest
from matplotlib.patches import Patch

from course import figures


def all_figures() -> list:
    params = []
    for path in figures.figure_modules():
        module = figures.load_module(path)
        for name, func in figures.figures_of(module).items():
            params.append(pytest.param(func, id=f"{path.stem}:{name}"))
    return params


def clipped_patches(fig) -> list[str]:
    """The patches (boxes, bars, arrows) whose outline reaches past the axes that clip them."""
    fig.canvas.draw()
    found = []
    for ax in fig.axes:
        box = ax.bbox
        spines = set(ax.spines.values())
        for patch in ax.findobj(Patch):
            if patch is ax.patch or patch in spines or not patch.get_visible() or not patch.get_clip_on():
                continue
            half_line = patch.get_linewidth() * fig.dpi / 72 / 2 if patch.get_edgecolor()[3] else 0
            extent = patch.get_window_extent().padded(half_line)
            if extent.x0 < box.x0 or extent.x1 > box.x1 or extent.y0 < box.y0 or extent.y1 > box.y1:
                found.append(f"{type(patch).__name__} {extent.bounds} outside the axes {box.bounds}")
    return found


@pytest.mark.parametrize("func", all_figures())
def test_no_shape_is_cut_off_at_the_edge_of_its_axes(func):
    assert clipped_patches(figures.draw(func, figures.LIGHT)) == []
