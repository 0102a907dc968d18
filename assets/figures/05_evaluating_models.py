"""Figures of Lesson 5 - Evaluating Models Honestly, drawn by the lesson's own run.

- ``confusion-matrix``: the Lesson 4 network's predictions on the validation rows against the
  truth, from the lesson's counts ``tp``, ``fp``, ``fn`` and ``tn``;
- ``cross-validation``: the accuracy of each model the lesson cross-validates (the majority class,
  logistic regression and the Lesson 4 network) on each fold of the development rows, from the
  lesson's ``cv``, with the mean and one standard deviation either side.

The figures only plot what the lesson gives them; no figure uses the test rows.
"""

from __future__ import annotations

from course.run.charts import draw_cross_validation
from course.run.figures import Theme, figure

CELL_NAMES = {(0, 0): "true negative", (0, 1): "false positive",
              (1, 0): "false negative", (1, 1): "true positive"}


@figure("confusion-matrix")
def confusion_matrix(theme: Theme, tp: int, fp: int, fn: int, tn: int):
    """The four counts of a confusion matrix, with "gain" as the positive class."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    counts = {(0, 0): int(tn), (0, 1): int(fp), (1, 0): int(fn), (1, 1): int(tp)}  # (actual, predicted)
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


@figure("cross-validation")
def cross_validation(theme: Theme, fold_accuracy, n_rows: int):
    """``fold_accuracy``: model name -> its accuracy on each fold; ``n_rows``: the rows the folds split."""
    return draw_cross_validation(theme, fold_accuracy, n_rows, baselines=("majority class",))
