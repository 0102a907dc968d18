"""Figures of Lesson 2 - Tensors and Autograd, drawn by the lesson's own run.

- ``feature-scales``: every IPO's six feature values, raw and standardised (strip plots), from the
  lesson's ``X`` and ``X_std`` (the 255 development rows, standardised with their own
  statistics) and its ``feature_cols``;
- ``computation-graph``: the graph autograd records for ``L = (w * x + b) ** 2``, from the
  lesson's ``x``, ``w``, ``b``, ``z`` and ``L``: the values of the forward pass, the names of the
  backward nodes (``grad_fn``) autograd recorded for each result and the ``AccumulateGrad`` at
  ``w`` and ``b``, the gradients ``L.backward()`` left in ``w.grad`` and ``b.grad``
  (``x.grad`` is ``None``), and the gradients of the intermediate results, which the lesson's
  figure block asks autograd for on the same forward pass.
"""

from __future__ import annotations

from course.run.figures import Theme, figure

JITTER_SEED = 0  # the vertical scatter of the dots within each feature's row


def _array(values):
    """A tensor (or array) as a NumPy array, for matplotlib."""
    import numpy as np

    if hasattr(values, "detach"):
        values = values.detach().cpu()
    return np.asarray(values)


def _jitter(n_rows: int, n_features: int):
    import numpy as np

    rng = np.random.default_rng(JITTER_SEED)
    return rng.uniform(-0.28, 0.28, size=(n_features, n_rows))


@figure("feature-scales")
def feature_scales(theme: Theme, raw, standardised, names):
    """``raw`` and ``standardised``: the (rows, features) feature tensors; ``names``: their columns."""
    import matplotlib.pyplot as plt

    values = {"raw": _array(raw), "standardised": _array(standardised)}
    names = list(names)
    n_rows, n_features = values["raw"].shape
    jitter = _jitter(n_rows, n_features)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
    panels = [
        ("raw", "Raw values: one feature sets the scale", "feature value (raw units)", theme.accent2),
        ("standardised", "Standardised: (value - mean) / std", "standard deviations from the feature's mean", theme.accent),
    ]
    for ax, (key, title, xlabel, colour) in zip(axes, panels):
        for i in range(n_features):
            ax.scatter(
                values[key][:, i], i + jitter[i], s=9, alpha=0.55, color=colour,
                edgecolors="none", label=f"{key}:{names[i]}",
            )
        ax.set_title(title, fontsize=11.5)
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].set_yticks(range(n_features), names)
    axes[0].invert_yaxis()
    axes[1].axvline(0, color=theme.muted, linewidth=1, linestyle="--")
    fig.suptitle(f"The six features of the {n_rows} development IPOs, one dot per IPO", color=theme.muted, fontsize=11)
    fig.tight_layout()
    return fig


def _num(v: float) -> str:
    return f"{v:g}"


@figure("computation-graph")
def computation_graph(theme: Theme, values: dict, grads: dict, ops: dict, x_grad=None):
    """``values``: the forward pass's numbers of ``x``, ``w``, ``b``, ``wx`` (w * x), ``z`` and
    ``L``; ``grads``: dL/d... of ``w``, ``b``, ``wx``, ``z`` and ``L``; ``ops``: the name of the
    ``grad_fn`` of ``wx``, ``z`` and ``L``; ``x_grad``: what ``x.grad`` holds."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    val, grad, op = values, grads, ops
    c0, c1, c2, c3 = 1.0, 4.5, 8.0, 11.5  # the centres of the four columns of boxes
    # name: (centre x, centre y, the lines in the box (the first in bold), the gradient line below it)
    nodes = {
        "x": (c0, 3.0, [f"leaf x = {_num(val['x'])}", "no requires_grad"], f"x.grad is {x_grad}"),
        "w": (c0, 1.5, [f"leaf w = {_num(val['w'])}", "requires_grad"],
              f"AccumulateGrad: w.grad = {_num(grad['w'])}"),
        "b": (c1, 3.95, [f"leaf b = {_num(val['b'])}", "requires_grad"], None),
        "wx": (c1, 2.25, [f"w * x = {_num(val['wx'])}", "grad_fn:", op["wx"]], f"dL/d(w*x) = {_num(grad['wx'])}"),
        "z": (c2, 2.25, [f"z = w*x + b = {_num(val['z'])}", "grad_fn:", op["z"]], f"dL/dz = {_num(grad['z'])}"),
        "L": (c3, 2.25, [f"L = z**2 = {_num(val['L'])}", "grad_fn:", op["L"]], f"dL/dL = {_num(grad['L'])}"),
    }
    edges = [("x", "wx"), ("w", "wx"), ("wx", "z"), ("b", "z"), ("z", "L")]
    width, line = 2.7, 0.36  # a box's width, and the height of one line of text in it

    def height(name):
        return line * len(nodes[name][2]) + 0.18

    fig, ax = plt.subplots(figsize=(11, 4.6))
    ax.set_xlim(-0.5, 13.0)
    ax.set_ylim(0.3, 4.8)
    ax.axis("off")
    for name, (cx, cy, lines, gradient) in nodes.items():
        edge = theme.muted if name == "x" else theme.accent
        h = height(name)
        ax.add_patch(
            FancyBboxPatch(
                (cx - width / 2, cy - h / 2), width, h,
                boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=theme.box, edgecolor=edge, linewidth=1.6,
            )
        )
        for i, text in enumerate(lines):
            ax.text(cx, cy + line * ((len(lines) - 1) / 2 - i), text, ha="center", va="center",
                    fontsize=10 if i == 0 else 9.5, fontweight="bold" if i == 0 else "normal",
                    color=theme.muted if name == "x" else theme.fg)
        if gradient:
            ax.text(cx, cy - h / 2 - 0.22, gradient, ha="center", va="center", fontsize=10,
                    color=theme.muted if name == "x" else theme.accent2, fontweight="bold")
    # b's gradient sits beside its box, clear of the arrow to the addition
    bx, by = nodes["b"][:2]
    ax.text(bx - width / 2 - 0.15, by, f"AccumulateGrad:\nb.grad = {_num(grad['b'])}", ha="right",
            va="center", fontsize=10, color=theme.accent2, fontweight="bold")
    for a, b in edges:
        sx, sy = nodes[a][:2]
        ex, ey = nodes[b][:2]
        if a == "b":  # down into the top of the addition
            start, end = (sx + width / 2, sy), (ex - 0.4, ey + height(b) / 2 + 0.04)
        else:
            start, end = (sx + width / 2, sy), (ex - width / 2, ey)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=15,
                                     color=theme.fg, linewidth=1.3))
    ax.text(c3 - 1.0, 4.3, "forward pass: values flow\nleft to right along the arrows", ha="center",
            va="center", fontsize=10.5, color=theme.fg)
    ax.text(c2, 0.7, "backward(): the gradients dL/... flow right to left by the chain rule",
            ha="center", va="center", fontsize=10.5, color=theme.accent2)
    return fig
