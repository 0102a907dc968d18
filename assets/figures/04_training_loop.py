"""Figures of Lesson 4 - The Training Loop.

- ``loss-curves``: training and validation loss (left) and accuracy (right) after every epoch of
  the lesson's Adam run, the run whose progress lines the page prints.

``adam_run()`` repeats the page's code exactly: the three-way split, ``IPODataset`` (``log1p``,
scaling fitted on the training rows), the same seeds, the same loader, the same order of
operations. ``tests/test_figures_04.py`` checks that its numbers are the ones the page documents.
The test rows play no part in it.
"""

from __future__ import annotations

from functools import lru_cache

from course import ipo
from course.figures import Theme, figure

EPOCHS = 100
LEARNING_RATE = 0.001
BATCH_SIZE = ipo.BATCH_SIZE


@lru_cache(maxsize=1)
def adam_run() -> dict:
    """The page's Adam run: its per-epoch history, the trained model and the validation baseline."""
    import torch

    model, history = ipo.run(ipo.IPOClassifier, lambda params: torch.optim.Adam(params, lr=LEARNING_RATE), EPOCHS)
    s = ipo.split()
    return {"history": history, "model": model, "baseline": float(s["val"][ipo.TARGET].mean()),
            "n_train": len(s["train"]), "n_val": len(s["val"])}


@figure("loss-curves")
def loss_curves(theme: Theme):
    import matplotlib.pyplot as plt

    run = adam_run()
    h = run["history"]
    epochs = list(range(1, len(h["train_loss"]) + 1))
    train_label, val_label = f"training rows ({run['n_train']})", f"validation rows ({run['n_val']})"

    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9.6, 4.0))
    ax_loss.plot(epochs, h["train_loss"], color=theme.accent, linewidth=2, label=train_label)
    ax_loss.plot(epochs, h["val_loss"], color=theme.accent2, linewidth=2, label=val_label)
    ax_loss.annotate(f"{h['train_loss'][-1]:.4f}", (epochs[-1], h["train_loss"][-1]), xytext=(5, -3),
                     textcoords="offset points", color=theme.accent, fontsize=9.5)
    ax_loss.annotate(f"{h['val_loss'][-1]:.4f}", (epochs[-1], h["val_loss"][-1]), xytext=(5, -3),
                     textcoords="offset points", color=theme.accent2, fontsize=9.5)
    ax_loss.set_xlabel("Epoch")
    ax_loss.set_ylabel("Loss (binary cross-entropy)")
    ax_loss.set_title("Loss after each epoch")
    ax_loss.legend(frameon=False)

    ax_acc.plot(epochs, h["train_acc"], color=theme.accent, linewidth=2, label="training rows")
    ax_acc.plot(epochs, h["val_acc"], color=theme.accent2, linewidth=2, label="validation rows")
    ax_acc.axhline(run["baseline"], color=theme.muted, linestyle="--", linewidth=1.4,
                   label=f'always "gain", validation ({run["baseline"]:.3f})')
    ax_acc.annotate(f"{h['val_acc'][-1]:.3f}", (epochs[-1], h["val_acc"][-1]), xytext=(4, -4),
                    textcoords="offset points", color=theme.accent2, fontsize=9.5)
    ax_acc.set_xlabel("Epoch")
    ax_acc.set_ylabel("Accuracy")
    ax_acc.set_title("Accuracy after each epoch")
    ax_acc.legend(frameon=False, loc="lower right", fontsize=9.5)

    for ax in (ax_loss, ax_acc):
        ax.set_xlim(0, epochs[-1] + 9)
        ax.grid(alpha=0.25)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(f"Adam, learning rate {LEARNING_RATE}, batches of {BATCH_SIZE}, log1p features: "
                 f"{EPOCHS} epochs on the IPO data", color=theme.muted, fontsize=10.5)
    fig.tight_layout()
    return fig
