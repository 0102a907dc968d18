"""Lesson 6's figures show the page's own runs: the too-wide network with and without remedies,
and the cross-validated scores of every model."""

import pytest
import torch

from course import ROOT, figures, ipo
from tests import helpers
from tests.helpers import figure_module, figure_texts, figures_drawn_twice, progress_line

lesson = figure_module("06_improving_and_testing")
PAGE = ROOT / "docs" / "lessons" / "06-improving-and-testing.md"


def documented_output(*markers: str) -> list[str]:
    return helpers.documented_output(PAGE, *markers)


# --- the figure module's runs are the page's runs ------------------------------------------------

def test_the_page_retrains_the_lesson_4_network():
    lesson4 = figure_module("04_training_loop")
    history = lesson4.adam_run()["history"]
    assert documented_output("history = fit(model, optimizer", "log_every=100") == [progress_line(history, 100)]


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
    assert {name for name, _ in first} == {"overfitting", "remedies", "cross-validation"}
