"""Figures of Lesson 6 - Improving and Testing.

- ``overfitting``: training and validation loss of the too-wide network, epoch by epoch;
- ``remedies``: validation loss of the too-wide network without a remedy, with dropout and with
  weight decay;
- ``cross-validation``: the accuracy of every model on each of the five folds of the development
  rows, with the mean and one standard deviation either side.

Every run repeats the page's code exactly (the split and ``IPODataset`` of Lesson 4, its training
loop, the same seeds and settings, in the same order), so the figures show the page's runs.
``tests/test_figures_06.py`` checks their numbers against the ones the page documents. No figure
uses the test rows: they are scored only in the page's final block.
"""

from __future__ import annotations

from functools import lru_cache

from course import ipo
from course.figures import Theme, figure

EPOCHS = ipo.EPOCHS
WIDE_LR = ipo.WIDE_LR  # the too-wide network and its remedies
WEIGHT_DECAY = ipo.WEIGHT_DECAY
DROPOUT = ipo.DROPOUT
REMEDIES = ("no remedy", "dropout", "weight decay")
MODELS = ipo.RECIPES


@lru_cache(maxsize=None)
def wide_run(remedy: str = "no remedy") -> dict:
    """The too-wide network, trained as on the page, with one of ``REMEDIES``."""
    import torch

    if remedy not in REMEDIES:
        raise ValueError(f"unknown remedy {remedy!r}; expected one of {REMEDIES}")
    dropout = DROPOUT if remedy == "dropout" else 0.0
    weight_decay = WEIGHT_DECAY if remedy == "weight decay" else 0.0
    if weight_decay:
        make_optimizer = lambda params: torch.optim.Adam(params, lr=WIDE_LR, weight_decay=weight_decay)  # noqa: E731
    else:
        make_optimizer = lambda params: torch.optim.Adam(params, lr=WIDE_LR)  # noqa: E731
    model, history = ipo.run(lambda: ipo.WideClassifier(dropout=dropout), make_optimizer, EPOCHS)
    return {"model": model, "history": history}


@figure("overfitting")
def overfitting(theme: Theme):
    import matplotlib.pyplot as plt

    run = wide_run("no remedy")
    h = run["history"]
    n_params = sum(p.numel() for p in run["model"].parameters())
    epochs = list(range(1, len(h["train_loss"]) + 1))
    best = min(range(len(epochs)), key=h["val_loss"].__getitem__)
    s = ipo.split()

    fig, ax = plt.subplots(figsize=(8, 4.3))
    ax.fill_between(epochs, h["train_loss"], h["val_loss"], color=theme.accent2, alpha=0.10, linewidth=0)
    ax.plot(epochs, h["train_loss"], color=theme.accent, linewidth=2, label=f"training rows ({len(s['train'])})")
    ax.plot(epochs, h["val_loss"], color=theme.accent2, linewidth=2, label=f"validation rows ({len(s['val'])})")
    ax.plot([epochs[best]], [h["val_loss"][best]], "o", color=theme.accent2, markersize=7)
    ax.annotate(f"lowest validation loss {h['val_loss'][best]:.4f}\nat epoch {epochs[best]}",
                (epochs[best], h["val_loss"][best]), xytext=(16, 34), textcoords="offset points",
                fontsize=9.5, color=theme.fg,
                arrowprops={"arrowstyle": "-", "color": theme.muted, "linewidth": 1})
    for key, colour in (("train_loss", theme.accent), ("val_loss", theme.accent2)):
        ax.annotate(f"{h[key][-1]:.4f}", (epochs[-1], h[key][-1]), xytext=(5, -3),
                    textcoords="offset points", color=colour, fontsize=9.5)
    ax.text(epochs[-1] * 0.72, (h["train_loss"][-1] + h["val_loss"][-1]) / 2, "overfitting gap",
            color=theme.muted, fontsize=10, ha="center")
    ax.set_xlim(0, epochs[-1] + 10)
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Loss (binary cross-entropy)")
    ax.set_title(f"A too-wide network ({n_params} parameters) on {len(s['train'])} training rows",
                 fontsize=11.5)
    ax.legend(frameon=False, loc="lower left")
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


@figure("remedies")
def remedies(theme: Theme):
    import matplotlib.pyplot as plt

    styles = {
        "no remedy": {"color": theme.accent2, "linestyle": "-"},
        "dropout": {"color": theme.muted, "linestyle": "--"},
        "weight decay": {"color": theme.accent, "linestyle": "-."},
    }
    labels = {"no remedy": "no remedy", "dropout": f"dropout {DROPOUT}",
              "weight decay": f"weight decay {WEIGHT_DECAY}"}
    fig, ax = plt.subplots(figsize=(8, 4.3))
    for remedy in REMEDIES:
        val_loss = wide_run(remedy)["history"]["val_loss"]
        epochs = list(range(1, len(val_loss) + 1))
        ax.plot(epochs, val_loss, linewidth=2, label=labels[remedy], **styles[remedy])
        ax.annotate(f"{val_loss[-1]:.4f}", (epochs[-1], val_loss[-1]), xytext=(5, -3),
                    textcoords="offset points", color=styles[remedy]["color"], fontsize=9.5)
    ax.set_xlim(0, EPOCHS + 10)
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Validation loss (binary cross-entropy)")
    ax.set_title("The too-wide network's validation loss, with and without a remedy", fontsize=11.5)
    ax.legend(frameon=False, loc="upper left")
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def cv_summary() -> dict[str, str]:
    """The page's cross-validated accuracies, ``mean ± std``, as the figure labels them."""
    return ipo.cv_summary(MODELS)


@figure("cross-validation")
def cross_validation(theme: Theme):
    return ipo.draw_cross_validation(theme, MODELS)
