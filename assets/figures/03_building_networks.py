"""Figures of Lesson 3 - Building Neural Networks, drawn by the lesson's own run.

- ``activations``: ReLU and sigmoid, from the lesson's ``torch.relu`` and ``torch.sigmoid`` of a
  grid of inputs from -6 to 6 (made in the lesson's figure block);
- ``bce-loss``: the binary cross-entropy of one IPO as a function of the logit, for each label
  (the lesson's ``nn.BCEWithLogitsLoss`` without averaging, on the same grid), with ln 2 at logit 0
  and the band of the lesson's untrained ``model``'s ``logits`` on the development rows, labelled
  with its ``loss``.
"""

from __future__ import annotations

import math

from course.run.figures import Theme, figure


def _array(values):
    """A tensor (or array) as a flat NumPy array, for matplotlib."""
    import numpy as np

    if hasattr(values, "detach"):
        values = values.detach().cpu()
    return np.asarray(values).reshape(-1)


@figure("activations")
def activations(theme: Theme, z, relu, sigmoid):
    """``z``: the inputs; ``relu`` and ``sigmoid``: the two activations of them."""
    import matplotlib.pyplot as plt

    z = _array(z)
    fig, (ax_relu, ax_sig) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax_relu.plot(z, _array(relu), color=theme.accent, linewidth=2.4, label="ReLU")
    ax_relu.set_title("ReLU: max(0, z)")
    ax_relu.set_ylabel("activation output")
    ax_relu.annotate("negative inputs become 0", (-3.5, 0), xytext=(-5.6, 2.2), color=theme.fg,
                     fontsize=10, arrowprops={"arrowstyle": "->", "color": theme.muted})

    ax_sig.plot(z, _array(sigmoid), color=theme.accent2, linewidth=2.4, label="sigmoid")
    ax_sig.set_title("sigmoid: 1 / (1 + exp(-z))")
    ax_sig.set_ylabel("probability")
    ax_sig.set_ylim(-0.05, 1.05)
    ax_sig.axhline(0.5, color=theme.muted, linewidth=1, linestyle="--")
    ax_sig.axvline(0, color=theme.muted, linewidth=1, linestyle="--")
    ax_sig.annotate("z = 0 gives 0.5", (0, 0.5), xytext=(1.0, 0.28), color=theme.fg, fontsize=10,
                    arrowprops={"arrowstyle": "->", "color": theme.muted})
    for ax in (ax_relu, ax_sig):
        ax.set_xlabel("input z (the layer's output)")
        ax.grid(alpha=0.25)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


@figure("bce-loss")
def bce_loss(theme: Theme, z, loss_gain, loss_no_gain, logits, loss: float):
    """``z``: logits from -6 to 6; ``loss_gain`` and ``loss_no_gain``: one IPO's loss at each of
    them, for y = 1 and y = 0; ``logits``: the untrained model's; ``loss``: their mean loss."""
    import matplotlib.pyplot as plt

    z, logits = _array(z), _array(logits)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.axvspan(logits.min(), logits.max(), color=theme.muted, alpha=0.25, linewidth=0,
               label=f"untrained model's logits (loss {loss:.4f})")
    ax.plot(z, _array(loss_gain), color=theme.accent,
            linewidth=2.4, label="IPO that gained (y = 1): -log(sigmoid(z))")
    ax.plot(z, _array(loss_no_gain), color=theme.accent2,
            linewidth=2.4, label="IPO that did not (y = 0): -log(1 - sigmoid(z))")
    ax.plot([0], [math.log(2)], "o", color=theme.fg, markersize=7)
    ax.annotate(f"z = 0: loss = ln 2 = {math.log(2):.4f}\nfor either label", (0, math.log(2)),
                xytext=(-5.9, 1.15), color=theme.fg, fontsize=10,
                arrowprops={"arrowstyle": "->", "color": theme.muted})
    ax.set_xlabel("logit z (the model's raw output)")
    ax.set_ylabel("loss for one IPO")
    ax.set_ylim(0, 6.3)
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper center", frameon=False, fontsize=9.5)
    return fig
