"""Lesson 5's figures show the page's own runs: the confusion matrix of the Lesson 4 network on the
validation rows, and the cross-validated scores of the three models it compares."""

import pandas as pd
import pytest
import torch

from course import ROOT, figures, ipo
from tests import helpers
from tests.helpers import figure_module, figure_texts, figures_drawn_twice, progress_line

lesson = figure_module("05_evaluating_models")
PAGE = ROOT / "docs" / "lessons" / "05-evaluating-models.md"


def documented_output(*markers: str) -> list[str]:
    return helpers.documented_output(PAGE, *markers)


# --- the figure module's runs are the page's runs ------------------------------------------------

def test_network_run_is_the_lesson_4_network_the_page_retrains():
    history = lesson.network_run()["history"]
    assert documented_output("history = fit(model, optimizer", "log_every=100") == [progress_line(history, 100)]
    # and the same network Lesson 4's figure module trains
    lesson4 = figure_module("04_training_loop")
    assert lesson4.adam_run()["history"] == history


# --- the confusion matrix -------------------------------------------------------------------------

def test_confusion_counts_are_counted_from_predictions_and_labels():
    run = lesson.network_run()
    # an independent count: pandas cross-tabulation of the raw labels and predictions
    table = pd.crosstab(pd.Series(run["y_val"], name="actual"), pd.Series(run["preds"], name="predicted"))
    counts = lesson.confusion_counts()
    assert counts == {(a, p): int(table.loc[a, p]) for a in (0, 1) for p in (0, 1)}
    assert sum(counts.values()) == 51
    # the accuracy implied by the cells is the network's last recorded validation accuracy
    right = counts[(0, 0)] + counts[(1, 1)]
    assert right / 51 == pytest.approx(run["history"]["val_acc"][-1])


def test_confusion_counts_match_the_page():
    c = lesson.confusion_counts()
    documented = documented_output("tp = int(")
    assert documented[0] == f"TP {c[(1, 1)]}  FP {c[(0, 1)]}  FN {c[(1, 0)]}  TN {c[(0, 0)]}  total 51"
    # and scikit-learn's matrix, as the page prints it
    sk = documented_output("print(confusion_matrix(val_y, val_preds))")
    assert sk[:2] == [f"[[{c[(0, 0)]} {c[(0, 1)]:>2}]", f" [{c[(1, 0)]:>2} {c[(1, 1)]}]]"]


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
    assert [t.get_text() for t in ax.get_xticklabels()] == ["No gain (0)", "Gain (1)"]
    assert ax.get_xlabel() == "Predicted by the network" and ax.get_ylabel() == "What actually happened"
    right = counts[(0, 0)] + counts[(1, 1)]
    assert f"right: {right}  wrong: {51 - right}" in documented_output("tp = int(")
    assert f"51 validation IPOs: {right} right, {51 - right} wrong" in figure_texts(fig)


# --- cross-validation -----------------------------------------------------------------------------

def test_cross_validation_is_the_page_table():
    documented = documented_output("cv = {name: cross_validate(train)")
    assert len(documented) == len(lesson.MODELS) == 3
    for line, name in zip(documented, lesson.MODELS):
        cv = ipo.cross_validation(name)
        assert len(cv) == ipo.N_FOLDS == 5
        assert line == f"{name:20s} accuracy {ipo.mean_std(cv['accuracy'])} | ROC-AUC {ipo.mean_std(cv['roc_auc'])}"
    assert lesson.cv_summary() == {name: ipo.mean_std(ipo.cross_validation(name)["accuracy"]) for name in lesson.MODELS}


def test_cross_validation_folds_are_stratified_and_cover_the_development_rows():
    from sklearn.model_selection import StratifiedKFold

    dev = ipo.split()["dev"]
    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=ipo.CV_SEED).split(dev, dev[ipo.TARGET]))
    held = sorted(i for _, h in folds for i in h)
    assert held == list(range(len(dev))) == list(range(255))
    rate = dev[ipo.TARGET].mean()
    for _, h in folds:
        assert abs(dev[ipo.TARGET].iloc[h].mean() - rate) < 0.02
    assert not set(dev.index) & set(ipo.split()["test"].index)


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_cross_validation_figure_shows_every_fold(theme):
    fig = figures.draw(lesson.cross_validation, theme)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    texts = figure_texts(fig)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(lesson.MODELS)
    for name, label in lesson.cv_summary().items():
        acc = ipo.cross_validation(name)["accuracy"]
        assert list(lines[f"folds: {name}"].get_xdata()) == acc.tolist()
        assert list(lines[f"mean: {name}"].get_xdata()) == [acc.mean()]
        assert label in texts


def test_figures_are_deterministic():
    first, second = figures_drawn_twice(lesson)
    assert first == second
    assert {name for name, _ in first} == {"confusion-matrix", "cross-validation"}
