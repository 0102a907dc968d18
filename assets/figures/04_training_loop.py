"""Figures of Lesson 4 - The Training Loop, drawn by the lesson's own run.

- ``loss-curves``: training and validation loss (left) and accuracy (right) after every epoch of
  the lesson's Adam run, from the ``history`` that its ``fit(...)`` call returned; training rows
  solid, validation rows dotted (colour is not the only cue), each line's end value written beside
  it; the dashed baseline is the gain rate of the validation rows (``val_ds.y.mean()``), and the title states the
  run's learning rate and batch size (its ``optimizer`` and ``make_loader``). No test rows.
"""

from __future__ import annotations

from course.run.figures import Theme, figure


@figure("loss-curves")
def loss_curves(theme: Theme, history, *, baseline, n_train, n_val, lr, batch_size):
    """``history``: ``fit``'s dict of per-epoch ``train_loss``, ``val_loss``, ``train_acc`` and
    ``val_acc``; ``baseline``: the accuracy of always guessing "gain" on the validation rows;
    ``n_train``, ``n_val``: the numbers of rows; ``lr``, ``batch_size``: the run's settings."""
    import matplotlib.pyplot as plt

    h = history
    epochs = list(range(1, len(h["train_loss"]) + 1))
    train_label, val_label = f"training rows ({n_train})", f"validation rows ({n_val})"

    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9.6, 4.0))
    ax_loss.plot(epochs, h["train_loss"], color=theme.accent, linewidth=2, linestyle="-", label=train_label)
    ax_loss.plot(epochs, h["val_loss"], color=theme.accent2, linewidth=2.4, linestyle=":", label=val_label)
    ax_loss.annotate(f"{h['train_loss'][-1]:.4f}", (epochs[-1], h["train_loss"][-1]), xytext=(5, -3),
                     textcoords="offset points", color=theme.accent, fontsize=9.5)
    ax_loss.annotate(f"{h['val_loss'][-1]:.4f}", (epochs[-1], h["val_loss"][-1]), xytext=(5, -3),
                     textcoords="offset points", color=theme.accent2, fontsize=9.5)
    ax_loss.set_xlabel("Epoch")
    ax_loss.set_ylabel("Loss (binary cross-entropy)")
    ax_loss.set_title("Loss after each epoch")

    ax_acc.plot(epochs, h["train_acc"], color=theme.accent, linewidth=2, linestyle="-", label=train_label)
    ax_acc.plot(epochs, h["val_acc"], color=theme.accent2, linewidth=2.4, linestyle=":", label=val_label)
    ax_acc.axhline(baseline, color=theme.muted, linestyle="--", linewidth=1.4,
                   label=f'always "gain", validation ({baseline:.3f})')
    ax_acc.annotate(f"{h['train_acc'][-1]:.3f}", (epochs[-1], h["train_acc"][-1]), xytext=(4, 2),
                    textcoords="offset points", color=theme.accent, fontsize=9.5)
    ax_acc.annotate(f"{h['val_acc'][-1]:.3f}", (epochs[-1], h["val_acc"][-1]), xytext=(4, -8),
                    textcoords="offset points", color=theme.accent2, fontsize=9.5)
    ax_acc.set_xlabel("Epoch")
    ax_acc.set_ylabel("Accuracy")
    ax_acc.set_title("Accuracy after each epoch")

    for ax in (ax_loss, ax_acc):
        ax.set_xlim(0, epochs[-1] + 9)
        ax.grid(alpha=0.25)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(f"Adam, learning rate {lr}, batches of {batch_size}, gaps filled and log1p: "
                 f"{len(epochs)} epochs on the IPO data", color=theme.muted, fontsize=10.5)
    # one legend for both panels, in a strip at the bottom: inside a panel it would cover the curves
    # (the accuracy's climb of the first epochs)
    fig.set_layout_engine("tight", rect=(0, 0.08, 1, 1))
    fig.legend(*ax_acc.get_legend_handles_labels(), loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=3,
               frameon=False, fontsize=9.5)
    return fig
