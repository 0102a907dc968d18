"""Figures of Lesson 3 - Building Neural Networks.

- ``activations``: ReLU and sigmoid, computed with torch over a range of inputs;
- ``bce-loss``: the binary cross-entropy of one IPO as a function of the logit, for each label,
  with ln 2 at logit 0 and the logits of the lesson's untrained IPO classifier marked.
"""

from __future__ import annotations

import math
from functools import lru_cache

from course import data
from course.figures import Theme, figure

FEATURES = [
    "Issue_Size",
    "Subscription_QIB",
    "Subscription_HNI",
    "Subscription_RII",
    "Subscription_Total",
    "Issue_Price",
]
SPLIT_SEED = 42
MODEL_SEED = 0
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
    from torch import nn

    df = data.load()
    X = torch.tensor(df[FEATURES].to_numpy(), dtype=torch.float32)
    y = torch.tensor(df[["Listing_Gains"]].to_numpy(), dtype=torch.float32)
    generator = torch.Generator().manual_seed(SPLIT_SEED)
    perm = torch.randperm(len(X), generator=generator)
    n_train = int(0.8 * len(X))
    train_idx = perm[:n_train]
    X_train, y_train = X[train_idx], y[train_idx]
    X_train = (X_train - X_train.mean(dim=0)) / X_train.std(dim=0)

    torch.manual_seed(MODEL_SEED)
    model = nn.Sequential(
        nn.Linear(len(FEATURES), 16), nn.ReLU(),
        nn.Linear(16, 8), nn.ReLU(),
        nn.Linear(8, 1),
    )
    with torch.no_grad():
        logits = model(X_train)
    return logits, y_train


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
