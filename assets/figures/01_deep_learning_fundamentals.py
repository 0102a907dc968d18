"""Figures of Lesson 1 - Deep Learning Fundamentals.

- ``class-balance``: how many IPOs listed with and without a gain (pandas value counts);
- ``training-loop``: the five-step training cycle, annotated with what one real
  PyTorch training step on the IPO data did (shapes, loss before and after).
"""

from __future__ import annotations

import math
from functools import lru_cache

from course import data
from course.ipo import FEATURES
from course.figures import Theme, figure

SEED = 0
HIDDEN = 8
LEARNING_RATE = 0.5


def class_counts() -> dict[int, int]:
    """Listing_Gains value -> number of IPOs."""
    counts = data.load()["Listing_Gains"].value_counts()
    return {int(label): int(n) for label, n in counts.items()}


@figure("class-balance")
def class_balance(theme: Theme):
    import matplotlib.pyplot as plt

    counts = class_counts()
    total = sum(counts.values())
    labels = ["Gain (1)", "No gain (0)"]
    heights = [counts[1], counts[0]]

    fig, ax = plt.subplots(figsize=(6, 3.6))
    bars = ax.bar(labels, heights, color=[theme.accent, theme.accent2], width=0.55)
    for bar, n in zip(bars, heights):
        ax.annotate(
            f"{n}  ({n / total:.1%})",
            (bar.get_x() + bar.get_width() / 2, n),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontweight="bold",
        )
    ax.set_ylabel("Number of IPOs")
    ax.set_title(f"Listing_Gains in {total} Indian IPOs")
    ax.set_ylim(0, max(heights) * 1.18)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


@lru_cache(maxsize=1)
def training_step() -> dict:
    """One real training step on the IPO data: what each stage of the loop saw."""
    import torch
    from torch import nn

    torch.manual_seed(SEED)
    df = data.load()
    X = torch.tensor(df[FEATURES].to_numpy(), dtype=torch.float32)
    y = torch.tensor(df[["Listing_Gains"]].to_numpy(), dtype=torch.float32)
    X_scaled = (X - X.mean(dim=0)) / X.std(dim=0)  # features on one scale

    model = nn.Sequential(nn.Linear(len(FEATURES), HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)

    logits = model(X_scaled)  # forward pass
    loss = loss_fn(logits, y)  # how wrong the untrained model is
    optimizer.zero_grad()
    loss.backward()  # backpropagation: a gradient for every weight
    grad_norm = math.sqrt(sum(float((p.grad**2).sum()) for p in model.parameters()))
    optimizer.step()  # nudge every weight against its gradient

    with torch.no_grad():
        loss_after = loss_fn(model(X_scaled), y)
    return {
        "rows": len(df),
        "X": X_scaled,
        "y": y,
        "logits": logits.detach(),
        "model": model,
        "n_params": sum(p.numel() for p in model.parameters()),
        "loss_before": loss.item(),
        "loss_after": loss_after.item(),
        "grad_norm": grad_norm,
    }


@figure("training-loop")
def training_loop(theme: Theme):
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    s = training_step()
    n_features = s["X"].shape[1]
    stages = [
        ("1 Data to tensors", f"X: float32 {tuple(s['X'].shape)}\ny: float32 {tuple(s['y'].shape)}"),
        ("2 Forward pass", f"Linear({n_features}, {HIDDEN}), ReLU,\nLinear({HIDDEN}, 1)\nlogits {tuple(s['logits'].shape)}"),
        ("3 Loss", f"BCEWithLogitsLoss\nloss = {s['loss_before']:.4f}"),
        ("4 Backprop", f"loss.backward()\n{s['n_params']} gradients\n|grad| = {s['grad_norm']:.4f}"),
        ("5 Optimizer step", f"SGD, lr = {LEARNING_RATE}\nnew loss = {s['loss_after']:.4f}"),
    ]

    width, height, gap, y0, margin = 2.56, 2.1, 0.2, 1.5, 0.2
    x_max = 2 * margin + len(stages) * width + (len(stages) - 1) * gap  # room for every box
    fig, ax = plt.subplots(figsize=(9.2, 3.7))
    ax.set_xlim(0, x_max)
    ax.set_ylim(0, 4.4)
    ax.axis("off")
    centers = []
    for i, (title, body) in enumerate(stages):
        x0 = margin + i * (width + gap)
        ax.add_patch(
            FancyBboxPatch(
                (x0, y0), width, height, boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=theme.box, edgecolor=theme.accent, linewidth=1.6,
            )
        )
        ax.text(x0 + width / 2, y0 + height - 0.3, title, ha="center", va="center", fontweight="bold", fontsize=9.2)
        ax.text(x0 + width / 2, y0 + height / 2 - 0.22, body, ha="center", va="center", fontsize=8.4, color=theme.fg, linespacing=1.45)
        centers.append(x0 + width / 2)
        if i:
            ax.add_patch(
                FancyArrowPatch(
                    (x0 - gap + 0.03, y0 + height / 2), (x0 - 0.03, y0 + height / 2),
                    arrowstyle="-|>", mutation_scale=16, color=theme.fg, linewidth=1.4,
                )
            )
    # the loop: the optimizer step feeds the updated model into the next forward pass
    ax.add_patch(
        FancyArrowPatch(
            (centers[4], y0 - 0.05), (centers[1], y0 - 0.05),
            connectionstyle="arc3,rad=-0.28", arrowstyle="-|>", mutation_scale=18,
            color=theme.accent2, linewidth=2.0,
        )
    )
    ax.text(
        x_max / 2, 0.12,
        "repeat with the updated weights: many steps make an epoch, many epochs make training",
        ha="center", va="center", color=theme.accent2, fontsize=9,
    )
    ax.text(
        x_max / 2, 4.2,
        f"One real training step on the IPO data (seed {SEED}): "
        f"loss {s['loss_before']:.4f} before, {s['loss_after']:.4f} after",
        ha="center", va="center", color=theme.muted, fontsize=9,
    )
    return fig
