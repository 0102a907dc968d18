"""Charts a lesson's figure module draws, kept apart from it so that their logic can be tested
alone. Each function only plots the data it is given: it trains nothing, loads nothing and
computes nothing but the summaries it shows.

- :func:`draw_cross_validation`: Lesson 5's dot chart of cross-validated scores, one dot per fold,
  each fold's dots joined across the models (they are scored on the same rows), the mean and one
  standard deviation either side, with tied folds drawn side by side.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

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


def draw_cross_validation(theme, scores: Mapping[str, Iterable[float]], n_rows: int, *,
                          baselines: Sequence[str] = (), flagged: Sequence[str] = ()):
    """Each model's score on every held-out fold, a faint line joining each fold's scores across
    the models (the comparison is fold by fold), its mean (a tick) and one standard deviation
    either side (a bar), labelled ``mean ± std`` as the lessons print it.

    ``scores``: model name -> its accuracy on each fold, in fold order, every model on the same
    folds; the first model is drawn at the top. ``n_rows``: how many rows the folds split.
    ``baselines`` are drawn in the muted colour, ``flagged`` models in the second accent colour,
    the others in the main one.
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
        colour = theme.muted if name in baselines else theme.accent2 if name in flagged else theme.accent
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
