"""Lesson 5's figures show the page's own runs: the confusion matrix of the Lesson 4 network on the
test rows, and the too-large network with and without remedies."""

import pandas as pd
import pytest
import torch

from course import ROOT, figures, ipo
from tests import helpers
from tests.helpers import figure_module, figure_texts, figures_drawn_twice, progress_line

lesson = figure_module("05_evaluating_and_improving")
PAGE = ROOT / "docs" / "lessons" / "05-evaluating-and-improving.md"


def documented_output(*markers: str) -> list[str]:
    return helpers.documented_output(PAGE, *markers)


# --- the figure module's runs are the page's runs ------------------------------------------------

def test_network_run_is_the_lesson_4_network_the_page_retrains():
    history = lesson.network_run()["history"]
    assert documented_output("history = fit(model, optimizer", "log_every=100") == [progress_line(history, 100)]
    # and the same network Lesson 4's figure module trains
    lesson4 = figure_module("04_training_loop")
    assert lesson4.adam_run()["history"] == history


@pytest.mark.parametrize(
    ("remedy", "markers"),
    [
        ("no remedy", ("big = BigClassifier()", "big_history = fit(")),
        ("weight decay", ("big_wd = BigClassifier()", "weight_decay=0.01")),
        ("dropout", ("big_dropout = BigClassifier(dropout=0.3)", "dropout_history = fit(")),
    ],
)
def test_big_runs_are_the_runs_the_page_documents(remedy, markers):
    history = lesson.big_run(remedy)["history"]
    documented = [line for line in documented_output(*markers) if line.startswith("epoch")]
    assert documented == [progress_line(history, e) for e in (20, 40, 60, 80, 100)]


def test_big_network_size_matches_the_page():
    model = lesson.big_run("no remedy")["model"]
    n_params = sum(p.numel() for p in model.parameters())
    assert f"parameters: {n_params} for 255 training rows" in documented_output("big = BigClassifier()")
    assert n_params == (6 + 1) * 64 + (64 + 1) * 64 + (64 + 1) * 1 == 4673


# --- the confusion matrix -------------------------------------------------------------------------

def test_confusion_counts_are_counted_from_predictions_and_labels():
    run = lesson.network_run()
    # an independent count: pandas cross-tabulation of the raw labels and predictions
    actual = pd.Series(run["y_test"][:, 0].numpy().astype(int), name="actual")
    predicted = pd.Series(run["preds"][:, 0].numpy().astype(int), name="predicted")
    table = pd.crosstab(actual, predicted)
    counts = lesson.confusion_counts()
    assert counts == {(a, p): int(table.loc[a, p]) for a in (0, 1) for p in (0, 1)}
    assert sum(counts.values()) == 64
    # the predictions are the network's: probability above 0.5, recomputed from the model
    with torch.no_grad():
        logits = run["model"](ipo.prepared_data()["X_test"])
    assert torch.equal(run["preds"], (logits > 0).float())
    # the accuracy implied by the cells is the network's last recorded test accuracy
    right = counts[(0, 0)] + counts[(1, 1)]
    assert right / 64 == pytest.approx(run["history"]["test_acc"][-1])


def test_confusion_counts_match_the_page():
    c = lesson.confusion_counts()
    documented = documented_output("tp = int(")
    assert documented[0] == f"TP {c[(1, 1)]}  FP {c[(0, 1)]}  FN {c[(1, 0)]}  TN {c[(0, 0)]}  total 64"
    assert documented[0] == "TP 22  FP 6  FN 15  TN 21  total 64"


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_confusion_matrix_cells_show_the_counts(theme):
    counts = lesson.confusion_counts()
    fig = figures.draw(lesson.confusion_matrix, theme)
    ax = fig.axes[0]
    drawn = {}
    for text in ax.texts:
        if text.get_text().isdigit():
            x, y = text.get_position()
            drawn[(round(y), round(x))] = int(text.get_text())  # row = actual, column = predicted
    assert drawn == counts
    assert sum(drawn.values()) == 64
    assert [t.get_text() for t in ax.get_xticklabels()] == ["No gain (0)", "Gain (1)"]
    assert ax.get_xlabel() == "Predicted by the network" and ax.get_ylabel() == "What actually happened"
    assert "64 test IPOs: 43 right, 21 wrong" in figure_texts(fig)


# --- the curves -----------------------------------------------------------------------------------

@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_overfitting_curves_are_the_big_run(theme):
    h = lesson.big_run("no remedy")["history"]
    fig = figures.draw(lesson.overfitting, theme)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert list(lines["training rows (255)"].get_xdata()) == list(range(1, 101))
    assert list(lines["training rows (255)"].get_ydata()) == h["train_loss"]
    assert list(lines["test rows (64)"].get_ydata()) == h["test_loss"]
    best = min(range(100), key=h["test_loss"].__getitem__)
    texts = "\n".join(figure_texts(fig))
    assert f"lowest test loss {h['test_loss'][best]:.4f}\nat epoch {best + 1}" in texts
    assert "0.3863" in texts and "0.7514" in texts  # the final losses the page prints
    assert "4673 parameters" in texts
    # overfitting, as the page says: the test loss ends well above its minimum, the train loss below
    assert h["test_loss"][-1] > h["test_loss"][best] + 0.1
    assert h["train_loss"][-1] < h["train_loss"][best] - 0.1


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_remedies_curves_are_the_test_losses_of_the_runs(theme):
    fig = figures.draw(lesson.remedies, theme)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    labels = {"no remedy": "no remedy", "dropout": "dropout 0.3", "weight decay": "weight decay 0.01"}
    for remedy, label in labels.items():
        assert list(lines[label].get_ydata()) == lesson.big_run(remedy)["history"]["test_loss"]
    texts = figure_texts(fig)
    for final in ("0.7514", "0.6378", "0.6066"):
        assert final in texts


def test_runs_and_figures_are_deterministic():
    # training again from scratch gives the same numbers, dropout masks included
    first = lesson.big_run("dropout")["history"]
    lesson.big_run.cache_clear()
    assert lesson.big_run("dropout")["history"] == first
    # and drawing again from scratch gives the same bytes
    first, second = figures_drawn_twice(lesson)
    assert first == second
    assert {name for name, _ in first} == {"confusion-matrix", "overfitting", "remedies"}
