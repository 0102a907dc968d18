"""Lesson 4's loss curves are the page's own training run, drawn from what the code computed."""

import pytest
import torch

from course import ROOT, figures
from tests import helpers
from tests.helpers import figure_module, figure_texts, figures_drawn_twice, progress_line

lesson = figure_module("04_training_loop")
PAGE = ROOT / "docs" / "lessons" / "04-training-loop.md"


def documented_output(*markers: str) -> list[str]:
    return helpers.documented_output(PAGE, *markers)


def test_the_figure_run_is_the_run_the_page_documents():
    # The page's Adam block prints a progress line every 20 epochs; the figure's run must
    # produce the very same lines (same seeds, same code, so exactly the same numbers).
    history = lesson.adam_run()["history"]
    assert len(history["train_loss"]) == lesson.EPOCHS == 100
    documented = documented_output("torch.optim.Adam(model.parameters(), lr=0.001)",
                                   "history = fit(model, optimizer, make_loader(X_train, y_train), epochs=100)")
    assert documented == [progress_line(history, e) for e in (20, 40, 60, 80, 100)]


def test_final_accuracy_and_baseline_match_the_page():
    run = lesson.adam_run()
    documented = documented_output('print("network, test accuracy:"')
    assert f"network, test accuracy: {round(run['history']['test_acc'][-1], 3)}" in documented
    assert f"always 'gain', the test rows: {round(run['baseline'], 3)}" in documented
    assert documented == [
        "network, test accuracy: 0.672",
        "correct test rows: 43 of 64",
        "always 'gain', all 319 rows: 0.545",
        "always 'gain', the test rows: 0.578",
    ]


def test_history_holds_the_real_losses_of_the_trained_model():
    run = lesson.adam_run()
    model, h = run["model"], run["history"]
    with torch.no_grad():
        for X, y, key in ((run["X_train"], run["y_train"], "train"), (run["X_test"], run["y_test"], "test")):
            logits = model(X)
            p = torch.sigmoid(logits.double())
            by_hand = float(-(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean())
            assert h[f"{key}_loss"][-1] == pytest.approx(by_hand, rel=1e-5)
            assert h[f"{key}_acc"][-1] == pytest.approx(float(((logits > 0).float() == y).float().mean()))
    assert tuple(run["X_train"].shape) == (255, 6) and tuple(run["X_test"].shape) == (64, 6)
    # the scaling was fitted on the training rows only
    assert torch.allclose(run["X_train"].mean(dim=0), torch.zeros(6), atol=1e-5)
    assert not torch.allclose(run["X_test"].mean(dim=0), torch.zeros(6), atol=1e-2)


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_plotted_curves_are_the_history(theme):
    run = lesson.adam_run()
    h = run["history"]
    fig = figures.draw(lesson.loss_curves, theme)
    ax_loss, ax_acc = fig.axes
    epochs = list(range(1, 101))
    loss_lines = {line.get_label(): line for line in ax_loss.get_lines()}
    acc_lines = {line.get_label(): line for line in ax_acc.get_lines()}
    assert list(loss_lines["training rows (255)"].get_xdata()) == epochs
    assert list(loss_lines["training rows (255)"].get_ydata()) == h["train_loss"]
    assert list(loss_lines["test rows (64)"].get_ydata()) == h["test_loss"]
    assert list(acc_lines["training rows"].get_ydata()) == h["train_acc"]
    assert list(acc_lines["test rows"].get_ydata()) == h["test_acc"]
    baseline = acc_lines['always "gain" (0.578)']
    assert list(baseline.get_ydata()) == pytest.approx([37 / 64, 37 / 64])
    texts = figure_texts(fig)
    for label in ("0.5817", "0.6105", "0.672"):
        assert label in texts
    assert ax_loss.get_xlabel() == "Epoch" and ax_acc.get_ylabel() == "Accuracy"


def test_figure_is_deterministic():
    first, second = figures_drawn_twice(lesson)
    assert first == second
    assert set(first) == {("loss-curves", "light"), ("loss-curves", "dark")}
