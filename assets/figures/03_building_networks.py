"""Figures of Lesson 3 - Building Neural Networks.

- ``activations``: ReLU and sigmoid, computed with torch over a range of inputs;
- ``bce-loss``: the binary cross-entropy of one IPO as a function of the logit, for each label,
  with ln 2 at logit 0 and the logits of the lesson's untrained IPO classifier marked.
"""

from __future__ import annotations

import math
from functools import lru_cache

from course import ipo
from course.figures import Theme, figure

Z_MIN, Z_MAX, STEPS_PER_UNIT = -6, 6, 20
N_POINTS = (Z_MAX - Z_MIN) * STEPS_PER_UNIT + 1


def inputs():
    """-6 to 6 in steps of 0.05; integers (0 among them) are exact."""
    import torch

    return torch.arange(N_POINTS, dtype=torch.float32) / STEPS_PER_UNIT + Z_MIN


@figure("activations")
def activations(theme: Theme):
    import matplotlib.pyplot as plt
    import torch

    z = inputs()
    fig, (ax_relu, ax_sig) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax_relu.plot(z.numpy(), torch.relu(z).numpy(), color=theme.accent, linewidth=2.4, label="ReLU")
    ax_relu.set_title("ReLU: max(0, z)")
    ax_relu.set_ylabel("activation output")
    ax_relu.annotate("negative inputs become 0", (-3.5, 0), xytext=(-5.6, 2.2), color=theme.fg,
                     fontsize=10, arrowprops={"arrowstyle": "->", "color": theme.muted})

    ax_sig.plot(z.numpy(), torch.sigmoid(z).numpy(), color=theme.accent2, linewidth=2.4, label="sigmoid")
    ax_sig.set_title("sigmoid: 1 / (1 + exp(-z))")
    ax_sig.set_ylabel("probability")
    ax_sig.set_ylim(-0.05, 1.05)
    ax_sig.axhline(0.5, color=theme.muted, linewidth=1, linestyle="--")
    ax_sig.axvline(0, color=theme.muted, linewidth=1, linestyle="--")
    ax_sig.annotate("z = 0 gives 0.5", (0, 0.5), xytext=(1.0, 0.28), color=theme.fg, fontsize=10,
                    arrowprops={"arrowstyle": "->", "color": theme.muted})
    for ax in (ax_relu, ax_sig):
        ax.set_xlabel("input z (the layer's output)")
        ax.grid(alpha=0.25)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


@lru_cache(maxsize=1)
def untrained_logits():
    """The lesson's untrained IPOClassifier on its standardised training rows."""
    import torch

    d = ipo.prepared_data()
    torch.manual_seed(ipo.MODEL_SEED)
    model = ipo.IPOClassifier()
    with torch.no_grad():
        logits = model(d["X_train"])
    return logits, d["y_train"]


@figure("bce-loss")
def bce_loss(theme: Theme):
    import matplotlib.pyplot as plt
    import torch
    from torch.nn.functional import binary_cross_entropy_with_logits as bce

    z = inputs()
    logits, y_train = untrained_logits()
    loss = bce(logits, y_train).item()
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.axvspan(logits.min().item(), logits.max().item(), color=theme.muted, alpha=0.25, linewidth=0,
               label=f"untrained model's logits (loss {loss:.4f})")
    ax.plot(z.numpy(), bce(z, torch.ones_like(z), reduction="none").numpy(), color=theme.accent,
            linewidth=2.4, label="IPO that gained (y = 1): -log(sigmoid(z))")
    ax.plot(z.numpy(), bce(z, torch.zeros_like(z), reduction="none").numpy(), color=theme.accent2,
            linewidth=2.4, label="IPO that did not (y = 0): -log(1 - sigmoid(z))")
    ax.plot([0], [math.log(2)], "o", color=theme.fg, markersize=7)
    ax.annotate(f"z = 0: loss = ln 2 = {math.log(2):.4f}\nfor either label", (0, math.log(2)),
                xytext=(-5.9, 1.15), color=theme.fg, fontsize=10,
                arrowprops={"arrowstyle": "->", "color": theme.muted})
    ax.set_xlabel("logit z (the model's raw output)")
    ax.set_ylabel("loss for one IPO")
    ax.set_ylim(0, 6.3)
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper center", frameon=False, fontsize=9.5)
    return fig
