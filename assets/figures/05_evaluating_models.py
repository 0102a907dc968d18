"""Figures of Lesson 5 - Evaluating Models Honestly.

- ``confusion-matrix``: the Lesson 4 network's predictions on the 51 validation rows against the
  truth;
- ``cross-validation``: the accuracy of the majority class, logistic regression and the Lesson 4
  network on each of the five folds of the development rows, with the mean and one standard
  deviation either side.

Every run repeats the page's code exactly (the split and ``IPODataset`` of Lesson 4, its training
loop, the same seeds and settings, in the same order), so the figures show the page's runs.
``tests/test_figures_05.py`` checks their numbers against the ones the page documents. No figure
uses the test rows.
"""

from __future__ import annotations

from functools import lru_cache

from course import ipo
from course.figures import Theme, figure

EPOCHS = ipo.EPOCHS
NETWORK_LR = ipo.NETWORK_LR  # Lesson 4's network
MODELS = ipo.RECIPES[:3]  # the models the page cross-validates


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


def cv_summary() -> dict[str, str]:
    """The page's cross-validated accuracies, ``mean ± std``, as the figure labels them."""
    return ipo.cv_summary(MODELS)


@figure("cross-validation")
def cross_validation(theme: Theme):
    return ipo.draw_cross_validation(theme, MODELS)
