"""Figures of Lesson 5 - Evaluating Models Honestly, drawn by the lesson's own run.

- ``confusion-matrix``: the Lesson 4 network's predictions on the validation rows against the
  truth, from the lesson's counts ``tp``, ``fp``, ``fn`` and ``tn``;
- ``cross-validation``: the accuracy of each model the lesson cross-validates (the majority class,
  logistic regression and the Lesson 4 network) on each fold of the development rows, from the
  lesson's ``cv``, each fold's dots joined across the models (they are scored on the same rows),
  with the mean and one standard deviation either side, tied folds side by side.

The figures only plot what the lesson gives them; no figure uses the test rows.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

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


TIE_STEP = 0.16  # rows between two dots of the same score, so that each of them shows


def tie_offsets(values: Sequence[float], step: float = TIE_STEP) -> list[float]:
    """A vertical offset for each value: 0 for a value that is alone, and for ``k`` equal values
    offsets ``step`` apart, centred on 0, so that tied dots sit side by side instead of on top of
    each other."""
    groups: dict[float, list[int]] = {}
    for i, value in enumerate(values):
        groups.setdefault(round(float(value), 9), []).append(i)
    offsets = [0.0] * len(values)
    for members in groups.values():
        for rank, i in enumerate(members):
            offsets[i] = (rank - (len(members) - 1) / 2) * step
    return offsets


def mean_std(values) -> tuple[float, float]:
    """The mean and the standard deviation (``ddof=1``, as pandas computes it) of some scores."""
    import pandas as pd

    s = pd.Series(list(values), dtype=float)
    return float(s.mean()), float(s.std())


BASELINES = ("majority class",)  # drawn in the muted colour, the learned models in the accent


@figure("cross-validation")
def cross_validation(theme: Theme, scores: Mapping[str, Iterable[float]], n_rows: int):
    """Each model's score on every held-out fold, a faint line joining each fold's scores across
    the models (the comparison is fold by fold), its mean (a tick) and one standard deviation
    either side (a bar), labelled ``mean ± std`` as the lesson prints it.

    ``scores``: model name -> its accuracy on each fold, in fold order, every model on the same
    folds; the first model is drawn at the top. ``n_rows``: how many rows the folds split.
    """
    import matplotlib.pyplot as plt

    scores = {name: [float(v) for v in values] for name, values in scores.items()}
    names = list(scores)
    n_folds = {len(values) for values in scores.values()}
    if len(n_folds) != 1:
        raise ValueError(f"every model needs a score on the same folds; got {n_folds} scores")
    n_folds = n_folds.pop()
    lowest = min(min(values) for values in scores.values())
    highest = max(max(values) for values in scores.values())
    text_x = max(0.80, highest + 0.03)  # the mean ± std labels, right of every dot

    fig, ax = plt.subplots(figsize=(8.6, 1.2 + 0.5 * len(names)))
    offsets = {name: tie_offsets(values) for name, values in scores.items()}
    for fold in range(n_folds):  # under the dots: which dots are the same fold
        ax.plot([scores[name][fold] for name in names], [row + offsets[name][fold] for row, name in enumerate(names)],
                color=theme.muted, linestyle="-", linewidth=0.8, alpha=0.5, label="_nolegend_")
    for row, name in enumerate(names):
        acc = scores[name]
        mean, std = mean_std(acc)
        colour = theme.muted if name in BASELINES else theme.accent
        ax.plot([mean - std, mean + std], [row, row], color=colour, linewidth=3, alpha=0.45,
                solid_capstyle="butt", label="_nolegend_")
        ax.plot(acc, [row + dy for dy in offsets[name]], "o", color=colour, markersize=5, alpha=0.8,
                label=f"folds: {name}")
        ax.plot([mean], [row], "|", color=theme.fg, markersize=16, markeredgewidth=2.2,
                label=f"mean: {name}")
        ax.annotate(f"{mean:.3f} ± {std:.3f}", (text_x, row), xytext=(0, -3.5), textcoords="offset points",
                    fontsize=9.5, color=theme.fg, ha="left")
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)  # first model at the top
    ax.set_xlim(min(0.45, lowest - 0.03), text_x + 0.12)
    ax.set_xlabel(f"Accuracy on the held-out fold ({n_folds} folds of the {n_rows} development rows)")
    ax.set_title("Cross-validated accuracy: one dot per fold, each fold joined across the models",
                 fontsize=11.5)
    ax.grid(axis="x", alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
