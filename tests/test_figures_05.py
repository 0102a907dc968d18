"""Lesson 5's figures show the page's own runs: the confusion matrix of the Lesson 4 network on the
validation rows, the too-wide network with and without remedies, and the cross-validated scores."""

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
        ("no remedy", ("wide = WideClassifier()", "wide_history = fit(")),
        ("weight decay", ("wide_wd = WideClassifier()", "weight_decay=0.01")),
        ("dropout", ("wide_dropout = WideClassifier(dropout=0.3)", "dropout_history = fit(")),
    ],
)
def test_wide_runs_are_the_runs_the_page_documents(remedy, markers):
    history = lesson.wide_run(remedy)["history"]
    documented = [line for line in documented_output(*markers) if line.startswith("epoch")]
    assert documented == [progress_line(history, e) for e in (20, 40, 60, 80, 100)]


def test_wide_network_size_matches_the_page():
    model = lesson.wide_run("no remedy")["model"]
    n_params = sum(p.numel() for p in model.parameters())
    assert f"parameters: {n_params} for 204 training rows" in documented_output("wide = WideClassifier()")
    assert n_params == (6 + 1) * 64 + (64 + 1) * 64 + (64 + 1) * 1 == 4673
    # as deep as Lesson 3's IPOClassifier (two hidden layers), only wider
    linear = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linear) == len([m for m in ipo.IPOClassifier().modules() if isinstance(m, torch.nn.Linear)]) == 3


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


# --- the curves -----------------------------------------------------------------------------------

@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_overfitting_curves_are_the_wide_run(theme):
    h = lesson.wide_run("no remedy")["history"]
    fig = figures.draw(lesson.overfitting, theme)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert list(lines["training rows (204)"].get_xdata()) == list(range(1, 101))
    assert list(lines["training rows (204)"].get_ydata()) == h["train_loss"]
    assert list(lines["validation rows (51)"].get_ydata()) == h["val_loss"]
    best = min(range(100), key=h["val_loss"].__getitem__)
    texts = "\n".join(figure_texts(fig))
    assert f"lowest validation loss {h['val_loss'][best]:.4f}\nat epoch {best + 1}" in texts
    # the page prints the same minimum, and the same final losses
    printed = documented_output("wide = WideClassifier()")
    assert f"lowest validation loss {h['val_loss'][best]:.4f} at epoch {best + 1}" in printed
    assert printed[-2] == progress_line(h, 100)
    assert f"{h['train_loss'][-1]:.4f}" in texts and f"{h['val_loss'][-1]:.4f}" in texts
    assert "4673 parameters" in texts
    # overfitting, as the page says: the validation loss ends well above its minimum
    assert h["val_loss"][-1] > h["val_loss"][best] + 0.1
    assert h["train_loss"][-1] < h["train_loss"][best] - 0.1


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_remedies_curves_are_the_validation_losses_of_the_runs(theme):
    fig = figures.draw(lesson.remedies, theme)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    labels = {"no remedy": "no remedy", "dropout": "dropout 0.3", "weight decay": "weight decay 0.01"}
    texts = figure_texts(fig)
    for remedy, label in labels.items():
        h = lesson.wide_run(remedy)["history"]
        assert list(lines[label].get_ydata()) == h["val_loss"]
        assert f"{h['val_loss'][-1]:.4f}" in texts


# --- cross-validation -----------------------------------------------------------------------------

def cv_table_on_the_page() -> dict[str, tuple[str, str]]:
    rows = documented_output("cv_table = pd.DataFrame(")[1:]
    table = {}
    for line in rows:
        name, acc, auc = line.rsplit("  ", 2)[0].strip(), line.split()[-6:-3], line.split()[-3:]
        table[name] = (" ".join(acc), " ".join(auc))
    return table


def test_cross_validation_is_the_page_table():
    table = cv_table_on_the_page()
    assert list(table) == list(ipo.RECIPES)
    for name in ipo.RECIPES:
        cv = ipo.cross_validation(name)
        assert len(cv) == ipo.N_FOLDS == 5
        assert table[name] == (ipo.mean_std(cv["accuracy"]), ipo.mean_std(cv["roc_auc"]))
    # the first three rows are also printed by the page's first cross-validation block
    first = documented_output("cv = {name: cross_validate(train)")
    for line, name in zip(first, ipo.RECIPES[:3]):
        cv = ipo.cross_validation(name)
        assert line.startswith(name) and f"accuracy {ipo.mean_std(cv['accuracy'])}" in line


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
    table = cv_table_on_the_page()
    assert [t.get_text() for t in ax.get_yticklabels()] == list(ipo.RECIPES)
    for name in ipo.RECIPES:
        acc = ipo.cross_validation(name)["accuracy"]
        assert list(lines[f"folds: {name}"].get_xdata()) == acc.tolist()
        assert list(lines[f"mean: {name}"].get_xdata()) == [acc.mean()]
        assert table[name][0] in texts  # the mean ± std the page prints


def test_runs_and_figures_are_deterministic():
    # training again from scratch gives the same numbers, dropout masks included
    first = lesson.wide_run("dropout")["history"]
    lesson.wide_run.cache_clear()
    assert lesson.wide_run("dropout")["history"] == first
    # and drawing again from scratch gives the same bytes
    first, second = figures_drawn_twice(lesson)
    assert first == second
    assert {name for name, _ in first} == {"confusion-matrix", "overfitting", "remedies", "cross-validation"}
