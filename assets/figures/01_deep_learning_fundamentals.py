"""Figures of Lesson 1 - Deep Learning Fundamentals.

- ``class-balance``: how many IPOs listed with and without a gain (pandas value counts);
- ``training-loop``: the five-step training cycle, in plain words, annotated with what one real
  training step did: the course's own network (Lesson 3's ``IPOClassifier``) on the first
  mini-batch of the training rows, prepared as Lesson 4 prepares them, with Lesson 4's optimizer.
  It is the step Lesson 4 runs as code, and the figure tests check the two print the same losses.
"""

from __future__ import annotations

import math
from functools import lru_cache

from course import data, ipo
from course.figures import Theme, figure

LEARNING_RATE = 0.1  # Lesson 4's first SGD step


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
    """Lesson 4's first training step: the course's network, one mini-batch of training rows."""
    import torch

    train_ds = ipo.IPODataset(ipo.split()["train"])
    loader = ipo.make_loader(train_ds)
    [len(batch) for batch, _ in loader]  # Lesson 4 walks the loader once to show its batch sizes,
    xb, yb = next(iter(loader))  # so its step takes the first batch of the second shuffle
    torch.manual_seed(ipo.MODEL_SEED)
    model = ipo.IPOClassifier().to(ipo.device)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)

    xb, yb = xb.to(ipo.device), yb.to(ipo.device)
    logits = model(xb)  # forward pass
    loss = ipo.loss_fn(logits, yb)  # how wrong the untrained model is
    optimizer.zero_grad()
    loss.backward()  # backpropagation: a gradient for every weight
    n_gradients = sum(p.grad.numel() for p in model.parameters())
    optimizer.step()  # nudge every weight against its gradient
    with torch.no_grad():
        loss_after = ipo.loss_fn(model(xb), yb)
    return {
        "batch": len(xb),
        "features": xb.shape[1],
        "training_rows": len(train_ds),
        "X": xb,
        "y": yb,
        "logits": logits.detach(),
        "model": model,
        "n_params": sum(p.numel() for p in model.parameters()),
        "n_gradients": n_gradients,
        "loss_before": loss.item(),
        "loss_after": loss_after.item(),
    }


@figure("training-loop")
def training_loop(theme: Theme):
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    s = training_step()
    stages = [  # plain words, and the lesson that teaches each step
        ("1 Data to tensors", f"{s['batch']} IPOs,\n{s['features']} numbers each", "Lesson 2"),
        ("2 Forward pass", f"the model guesses\neach IPO's chance\nof a gain", "Lesson 3"),
        ("3 Loss", f"how wrong\nthe guesses are:\n{s['loss_before']:.4f}", "Lesson 3"),
        ("4 Backpropagation", f"which way to move\neach of the\n{s['n_gradients']} weights", "Lesson 2"),
        ("5 Optimizer step", f"move every weight\na little; loss now\n{s['loss_after']:.4f}", "Lesson 4"),
    ]

    width, height, gap, y0, margin = 2.9, 2.6, 0.25, 1.45, 0.2
    x_max = 2 * margin + len(stages) * width + (len(stages) - 1) * gap  # room for every box
    fig, ax = plt.subplots(figsize=(10.4, 4.3))
    ax.set_xlim(0, x_max)
    ax.set_ylim(0, 4.9)
    ax.axis("off")
    centers = []
    for i, (title, body, lesson) in enumerate(stages):
        x0 = margin + i * (width + gap)
        ax.add_patch(
            FancyBboxPatch(
                (x0, y0), width, height, boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=theme.box, edgecolor=theme.accent, linewidth=1.6,
            )
        )
        ax.text(x0 + width / 2, y0 + height - 0.3, title, ha="center", va="center", fontweight="bold", fontsize=10)
        ax.text(x0 + width / 2, y0 + height / 2 - 0.1, body, ha="center", va="center", fontsize=10,
                color=theme.fg, linespacing=1.35)
        ax.text(x0 + width / 2, y0 + 0.25, lesson, ha="center", va="center", fontsize=9.5,
                color=theme.muted, style="italic")
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
            color=theme.accent2, linewidth=2.0, linestyle="--",
        )
    )
    ax.text(
        x_max / 2, 0.12,
        "repeat with the updated weights: one pass over all the training rows is an epoch",
        ha="center", va="center", color=theme.accent2, fontsize=10,
    )
    ax.text(
        x_max / 2, 4.65,
        f"One real step of the course's network on a batch of {s['batch']} training IPOs",
        ha="center", va="center", color=theme.muted, fontsize=10,
    )
    return fig
