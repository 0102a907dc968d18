"""Figures of Lesson 5 - Evaluating and Improving.

- ``confusion-matrix``: the Lesson 4 network's predictions on the 64 test rows against the truth;
- ``overfitting``: training and test loss of the too-large network, epoch by epoch;
- ``remedies``: test loss of the too-large network without a remedy, with dropout and with
  weight decay.

Every run repeats the page's code exactly (the data and model of Lesson 3, the training loop of
Lesson 4, the same seeds and settings, in the same order), so the figures show the page's runs.
``tests/test_figures_05.py`` checks their numbers against the ones the page documents.
"""

from __future__ import annotations

from functools import lru_cache

from course import ipo
from course.figures import Theme, figure

EPOCHS = 100
BATCH_SIZE = 32
NETWORK_LR = 0.001  # Lesson 4's network
BIG_LR = 0.003  # the too-large network and its remedies
WEIGHT_DECAY = 0.01
DROPOUT = 0.3
REMEDIES = ("no remedy", "dropout", "weight decay")


def big_classifier(dropout: float = 0.0):
    """The page's BigClassifier: two hidden layers of 64 units."""
    from torch import nn

    class BigClassifier(nn.Module):
        def __init__(self, n_features=6, hidden=64, dropout=0.0):
            super().__init__()
            self.net = nn.Sequential(
                nn.Linear(n_features, hidden), nn.ReLU(), nn.Dropout(dropout),
                nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
                nn.Linear(hidden, 1),
            )

        def forward(self, x):
            return self.net(x)

    return BigClassifier(dropout=dropout)


def fit(make_model, make_optimizer) -> tuple:
    """Train as the page's ``fit`` does: Lesson 4's loop, 100 epochs of batches of 32."""
    return ipo.fit(make_model, make_optimizer, EPOCHS, BATCH_SIZE)


@lru_cache(maxsize=1)
def network_run() -> dict:
    """Lesson 4's network, retrained as the page does, and its predictions on the test rows."""
    import torch

    model, history = fit(ipo.IPOClassifier, lambda params: torch.optim.Adam(params, lr=NETWORK_LR))
    d = ipo.prepared_data()
    model.eval()
    with torch.no_grad():
        probs = torch.sigmoid(model(d["X_test"]))
    preds = (probs > 0.5).float()
    return {"model": model, "history": history, "probs": probs, "preds": preds, "y_test": d["y_test"]}


@lru_cache(maxsize=None)
def big_run(remedy: str = "no remedy") -> dict:
    """The too-large network, trained as on the page, with one of ``REMEDIES``."""
    import torch

    if remedy not in REMEDIES:
        raise ValueError(f"unknown remedy {remedy!r}; expected one of {REMEDIES}")
    dropout = DROPOUT if remedy == "dropout" else 0.0
    weight_decay = WEIGHT_DECAY if remedy == "weight decay" else 0.0
    if weight_decay:
        make_optimizer = lambda params: torch.optim.Adam(params, lr=BIG_LR, weight_decay=weight_decay)  # noqa: E731
    else:
        make_optimizer = lambda params: torch.optim.Adam(params, lr=BIG_LR)  # noqa: E731
    model, history = fit(lambda: big_classifier(dropout), make_optimizer)
    return {"model": model, "history": history}


def confusion_counts() -> dict[tuple[int, int], int]:
    """(actual, predicted) -> number of test IPOs, for the Lesson 4 network."""
    run = network_run()
    actual = run["y_test"][:, 0].int().tolist()
    predicted = run["preds"][:, 0].int().tolist()
    return {(a, p): sum(1 for t, q in zip(actual, predicted) if (t, q) == (a, p))
            for a in (0, 1) for p in (0, 1)}


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
    ax.set_title(f"{total} test IPOs: {right} right, {total - right} wrong", color=theme.muted,
                 fontsize=10.5, y=-0.12)
    return fig


@figure("overfitting")
def overfitting(theme: Theme):
    import matplotlib.pyplot as plt

    run = big_run("no remedy")
    h = run["history"]
    n_params = sum(p.numel() for p in run["model"].parameters())
    epochs = list(range(1, len(h["train_loss"]) + 1))
    best = min(range(len(epochs)), key=h["test_loss"].__getitem__)

    fig, ax = plt.subplots(figsize=(8, 4.3))
    ax.fill_between(epochs, h["train_loss"], h["test_loss"], color=theme.accent2, alpha=0.10, linewidth=0)
    ax.plot(epochs, h["train_loss"], color=theme.accent, linewidth=2, label="training rows (255)")
    ax.plot(epochs, h["test_loss"], color=theme.accent2, linewidth=2, label="test rows (64)")
    ax.plot([epochs[best]], [h["test_loss"][best]], "o", color=theme.accent2, markersize=7)
    ax.annotate(f"lowest test loss {h['test_loss'][best]:.4f}\nat epoch {epochs[best]}",
                (epochs[best], h["test_loss"][best]), xytext=(12, 28), textcoords="offset points",
                fontsize=9.5, color=theme.fg,
                arrowprops={"arrowstyle": "-", "color": theme.muted, "linewidth": 1})
    for key, colour in (("train_loss", theme.accent), ("test_loss", theme.accent2)):
        ax.annotate(f"{h[key][-1]:.4f}", (epochs[-1], h[key][-1]), xytext=(5, -3),
                    textcoords="offset points", color=colour, fontsize=9.5)
    ax.text(epochs[-1] * 0.62, (h["train_loss"][-1] + h["test_loss"][-1]) / 2 + 0.02, "overfitting gap",
            color=theme.muted, fontsize=10, ha="center")
    ax.set_xlim(0, epochs[-1] + 10)
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Loss (binary cross-entropy)")
    n_rows = len(ipo.prepared_data()["X_train"])
    ax.set_title(f"A too-large network ({n_params} parameters) on {n_rows} training rows", fontsize=11.5)
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
        test_loss = big_run(remedy)["history"]["test_loss"]
        epochs = list(range(1, len(test_loss) + 1))
        ax.plot(epochs, test_loss, linewidth=2, label=labels[remedy], **styles[remedy])
        ax.annotate(f"{test_loss[-1]:.4f}", (epochs[-1], test_loss[-1]), xytext=(5, -3),
                    textcoords="offset points", color=styles[remedy]["color"], fontsize=9.5)
    ax.set_xlim(0, EPOCHS + 10)
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Test loss (binary cross-entropy)")
    ax.set_title("The too-large network's test loss, with and without a remedy", fontsize=11.5)
    ax.legend(frameon=False, loc="upper left")
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
