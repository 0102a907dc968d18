"""Figures of Lesson 5 - Evaluating and Improving.

- ``confusion-matrix``: the Lesson 4 network's predictions on the 51 validation rows against the
  truth;
- ``overfitting``: training and validation loss of the too-wide network, epoch by epoch;
- ``remedies``: validation loss of the too-wide network without a remedy, with dropout and with
  weight decay;
- ``cross-validation``: the accuracy of every model on each of the five folds of the development
  rows, with the mean and one standard deviation either side.

Every run repeats the page's code exactly (the split and ``IPODataset`` of Lesson 4, its training
loop, the same seeds and settings, in the same order), so the figures show the page's runs.
``tests/test_figures_05.py`` checks their numbers against the ones the page documents. No figure
uses the test rows: they are scored only in the page's final block.
"""

from __future__ import annotations

from functools import lru_cache

from course import ipo
from course.figures import Theme, figure

EPOCHS = ipo.EPOCHS
NETWORK_LR = ipo.NETWORK_LR  # Lesson 4's network
WIDE_LR = ipo.WIDE_LR  # the too-wide network and its remedies
WEIGHT_DECAY = ipo.WEIGHT_DECAY
DROPOUT = ipo.DROPOUT
REMEDIES = ("no remedy", "dropout", "weight decay")


@lru_cache(maxsize=1)
def network_run() -> dict:
    """Lesson 4's network, retrained as the page does, and its predictions on the validation rows."""
    import torch

    model, history = ipo.run(ipo.IPOClassifier, lambda params: torch.optim.Adam(params, lr=NETWORK_LR), EPOCHS)
    s = ipo.split()
    _, val_ds = ipo.datasets(s["train"], s["val"])
    probs = ipo.predict_proba(model, val_ds)
    return {"model": model, "history": history, "probs": probs, "preds": (probs > 0.5).astype(int),
            "y_val": s["val"][ipo.TARGET].to_numpy()}


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


def confusion_counts() -> dict[tuple[int, int], int]:
    """(actual, predicted) -> number of validation IPOs, for the Lesson 4 network."""
    run = network_run()
    pairs = list(zip(run["y_val"].tolist(), run["preds"].tolist()))
    return {(a, p): pairs.count((a, p)) for a in (0, 1) for p in (0, 1)}


CELL_NAMES = {(0, 0): "true negative", (0, 1): "false positive",
              (1, 0): "false negative", (1, 1): "true positive"}


@figure("confusion-matrix")
def confusion_matrix(theme: Theme):
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    counts = confusion_counts()
    total = sum(counts.values())
    fig, ax = plt.subplots(figsize=(5.6, 4.6))
    for (actual, predicted), n in counts.items():
        right = actual == predicted
        colour = theme.accent if right else theme.accent2
        ax.add_patch(Rectangle((predicted - 0.5, actual - 0.5), 1, 1, facecolor=colour, alpha=0.28,
                               edgecolor=colour, linewidth=2, clip_on=False))  # whole outline at the edges
        ax.text(predicted, actual - 0.06, str(n), ha="center", va="center", fontsize=26,
                fontweight="bold", color=theme.fg)
        ax.text(predicted, actual + 0.26, CELL_NAMES[(actual, predicted)], ha="center", va="center",
                fontsize=10, color=theme.fg)
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(1.5, -0.5)  # row 0 at the top
    ax.set_xticks([0, 1], ["No gain (0)", "Gain (1)"])
    ax.set_yticks([0, 1], ["No gain (0)", "Gain (1)"])
    ax.set_xlabel("Predicted by the network")
    ax.set_ylabel("What actually happened")
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    right = counts[(0, 0)] + counts[(1, 1)]
    ax.set_title(f"{total} validation IPOs: {right} right, {total - right} wrong", color=theme.muted,
                 fontsize=10.5, y=-0.12)
    return fig


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
        "weight decay": {"color": theme.accent, "linestyle": "-"},
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


@figure("cross-validation")
def cross_validation(theme: Theme):
    import matplotlib.pyplot as plt

    names = list(ipo.RECIPES)
    fig, ax = plt.subplots(figsize=(8.6, 4.6))
    for row, name in enumerate(names):
        acc = ipo.cross_validation(name)["accuracy"]
        mean, std = acc.mean(), acc.std()
        colour = theme.muted if name == "majority class" else (theme.accent2 if name == "wide, no remedy" else theme.accent)
        ax.plot([mean - std, mean + std], [row, row], color=colour, linewidth=3, alpha=0.45,
                solid_capstyle="butt", label="_nolegend_")
        ax.plot(acc.tolist(), [row] * len(acc), "o", color=colour, markersize=5, alpha=0.8,
                label=f"folds: {name}")
        ax.plot([mean], [row], "|", color=theme.fg, markersize=16, markeredgewidth=2.2,
                label=f"mean: {name}")
        ax.annotate(ipo.mean_std(acc), (0.80, row), xytext=(0, -3.5), textcoords="offset points",
                    fontsize=9.5, color=theme.fg, ha="left")
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)  # first model at the top
    ax.set_xlim(0.45, 0.92)
    ax.set_xlabel(f"Accuracy on the held-out fold ({ipo.N_FOLDS} folds of the {len(ipo.split()['dev'])} development rows)")
    ax.set_title("Cross-validated accuracy: one dot per fold, mean and one standard deviation",
                 fontsize=11.5)
    ax.grid(axis="x", alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
