"""Figures of Lesson 6 - Improving and Testing, drawn by the lesson's own run.

- ``overfitting``: training and validation loss of the too-wide network, epoch by epoch, from the
  lesson's ``wide_history``;
- ``remedies``: validation loss of the too-wide network without a remedy, with dropout and with
  weight decay, from the lesson's ``wide_history``, ``dropout_history`` and ``wd_history``;
- ``cross-validation``: every model's mean fold-by-fold difference from logistic regression, in
  accuracy and in log loss, with its corrected 95% interval, from the lesson's ``differences``.

The figures only plot what the lesson gives them. No figure uses the test rows: they are scored
only in the lesson's final block.
"""

from __future__ import annotations

from course.run.figures import Theme, figure


@figure("overfitting")
def overfitting(theme: Theme, history, n_params: int, n_train: int, n_val: int):
    """``history``: ``fit``'s record (``train_loss`` and ``val_loss`` per epoch) of a network with
    ``n_params`` parameters, trained on ``n_train`` rows and validated on ``n_val``."""
    import matplotlib.pyplot as plt

    h = history
    epochs = list(range(1, len(h["train_loss"]) + 1))
    best = min(range(len(epochs)), key=h["val_loss"].__getitem__)

    fig, ax = plt.subplots(figsize=(8, 4.3))
    # shaded: how far the validation loss rises above its lowest, from that epoch on (not the gap
    # between the curves, which is no sign of overfitting by itself)
    lowest = h["val_loss"][best]
    ax.fill_between(epochs[best:], lowest, h["val_loss"][best:], color=theme.accent2, alpha=0.10, linewidth=0)
    ax.hlines(lowest, epochs[best], epochs[-1], color=theme.muted, linestyle=":", linewidth=1)
    ax.plot(epochs, h["train_loss"], color=theme.accent, linestyle="-", linewidth=2, label=f"training rows ({n_train})")
    ax.plot(epochs, h["val_loss"], color=theme.accent2, linestyle="--", linewidth=2, label=f"validation rows ({n_val})")
    ax.plot([epochs[best]], [h["val_loss"][best]], "o", color=theme.accent2, markersize=7)
    ax.annotate(f"lowest validation loss {h['val_loss'][best]:.4f}\nat epoch {epochs[best]}",
                (epochs[best], h["val_loss"][best]), xytext=(16, 34), textcoords="offset points",
                fontsize=9.5, color=theme.fg,
                arrowprops={"arrowstyle": "-", "color": theme.muted, "linewidth": 1})
    for key, colour in (("train_loss", theme.accent), ("val_loss", theme.accent2)):
        ax.annotate(f"{h[key][-1]:.4f}", (epochs[-1], h[key][-1]), xytext=(5, -3),
                    textcoords="offset points", color=colour, fontsize=9.5)
    at = int(len(epochs) * 0.72)
    ax.text(epochs[at], (lowest + h["val_loss"][at]) / 2, "validation loss\nabove its lowest",
            color=theme.muted, fontsize=10, ha="center", va="center")
    ax.set_xlim(0, epochs[-1] + 10)
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Loss (binary cross-entropy)")
    ax.set_title(f"A too-wide network ({n_params} parameters) on {n_train} training rows", fontsize=11.5)
    ax.legend(frameon=False, loc="lower left")
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


@figure("remedies")
def remedies(theme: Theme, val_losses):
    """``val_losses``: label -> validation loss per epoch, in the order: no remedy, then the two
    remedies (drawn in the second accent colour, solid; muted, dashed; the main colour, dash-dot)."""
    import matplotlib.pyplot as plt

    styles = [
        {"color": theme.accent2, "linestyle": "-"},
        {"color": theme.muted, "linestyle": "--"},
        {"color": theme.accent, "linestyle": "-."},
    ]
    if len(val_losses) > len(styles):
        raise ValueError(f"at most {len(styles)} curves; got {len(val_losses)}")
    fig, ax = plt.subplots(figsize=(8, 4.3))
    longest = 0
    for (label, val_loss), style in zip(val_losses.items(), styles):
        val_loss = [float(v) for v in val_loss]
        epochs = list(range(1, len(val_loss) + 1))
        longest = max(longest, len(val_loss))
        ax.plot(epochs, val_loss, linewidth=2, label=label, **style)
        ax.annotate(f"{val_loss[-1]:.4f}", (epochs[-1], val_loss[-1]), xytext=(5, -3),
                    textcoords="offset points", color=style["color"], fontsize=9.5)
    ax.set_xlim(0, longest + 10)
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Validation loss (binary cross-entropy)")
    ax.set_title("The too-wide network's validation loss, with and without a remedy", fontsize=11.5)
    ax.legend(frameon=False, loc="upper left")
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


@figure("cross-validation")
def cross_validation(theme: Theme, differences, n_folds: int):
    """``differences``: measure -> {model name: (mean, low, high)}, each model's mean difference
    from logistic regression over ``n_folds`` held-out folds and its corrected 95% interval; one
    panel per measure. An interval that excludes 0 is drawn in the second accent colour with a
    square, one that contains 0 in the main colour with a circle (the legend says which)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    measures = list(differences)
    names = list(differences[measures[0]])
    fig, axes = plt.subplots(1, len(measures), figsize=(8.6, 1.9 + 0.42 * len(names)), sharey=True)
    for ax, measure in zip(axes, measures):
        lows = [differences[measure][n][1] for n in names]
        highs = [differences[measure][n][2] for n in names]
        for row, name in enumerate(names):
            mean, low, high = differences[measure][name]
            clear = low > 0 or high < 0
            colour = theme.accent2 if clear else theme.accent
            ax.plot([low, high], [row, row], color=colour, linestyle="-", linewidth=2.5, solid_capstyle="butt")
            ax.plot([mean], [row], "s" if clear else "o", linestyle="none", color=colour, markersize=7)
        ax.axvline(0, color=theme.muted, linestyle="--", linewidth=1.2)
        span = max(highs) - min(lows)
        ax.set_xlim(min(min(lows), 0) - 0.08 * span, max(max(highs), 0) + 0.08 * span)
        better = "higher" if measure == "accuracy" else "lower"
        ax.set_xlabel(f"{measure} minus logistic regression\n({better} is better)")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
        ax.grid(axis="x", alpha=0.25)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].set_yticks(range(len(names)), names)
    axes[0].set_ylim(len(names) - 0.5, -0.5)  # first model at the top
    handles = [Line2D([], [], color=theme.accent2, marker="s", linestyle="-", linewidth=2.5, label="interval excludes 0"),
               Line2D([], [], color=theme.accent, marker="o", linestyle="-", linewidth=2.5, label="interval contains 0")]
    fig.suptitle(f"Mean difference over {n_folds} held-out folds, with its corrected 95% interval",
                 fontsize=11.5)
    # the bottom strip is the legend's, below the axis labels (kept when the text is enlarged)
    fig.set_layout_engine("tight", rect=(0, 0.08, 1, 1))
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=2, frameon=False,
               fontsize=9.5)
    return fig
