"""Lesson 4's loss curves are the page's own training run, drawn from what the code computed."""

import pytest
import torch

from course import ROOT, figures, ipo
from tests import helpers
from tests.helpers import figure_module, figure_texts, figures_drawn_twice, progress_line

lesson = figure_module("04_training_loop")
PAGE = ROOT / "docs" / "lessons" / "04-training-loop.md"


def documented_output(*markers: str) -> list[str]:
    return helpers.documented_output(PAGE, *markers)


def test_the_split_is_the_split_the_page_prints():
    s = ipo.split()
    assert documented_output("train_df, val_df = dev_df.iloc")[0] == (
        f"training rows: {len(s['train'])}  validation rows: {len(s['val'])}  test rows: {len(s['test'])}")
    assert (len(s["train"]), len(s["val"]), len(s["test"])) == (204, 51, 64)
    # three disjoint sets of rows that together are the whole dataset
    idx = [set(s[k].index) for k in ("train", "val", "test")]
    assert not (idx[0] & idx[1]) and not (idx[0] & idx[2]) and not (idx[1] & idx[2])
    assert len(idx[0] | idx[1] | idx[2]) == 319
    assert set(s["dev"].index) == idx[0] | idx[1]


def test_the_figure_run_is_the_run_the_page_documents():
    # The page's Adam block prints a progress line every 20 epochs; the figure's run must
    # produce the very same lines (same seeds, same code, so exactly the same numbers).
    history = lesson.adam_run()["history"]
    assert len(history["train_loss"]) == lesson.EPOCHS == 100
    documented = documented_output("torch.optim.Adam(model.parameters(), lr=0.001)",
                                   "history = fit(model, optimizer, train_ds, val_ds, epochs=100)")
    assert documented == [progress_line(history, e) for e in (20, 40, 60, 80, 100)]


def test_final_accuracy_and_baseline_match_the_page():
    run = lesson.adam_run()
    documented = documented_output('print("network, validation accuracy:"')
    assert f"network, validation accuracy: {round(run['history']['val_acc'][-1], 3)}" in documented
    assert f"always 'gain', validation rows: {round(run['baseline'], 3)}" in documented


def test_history_holds_the_real_losses_of_the_trained_model():
    run = lesson.adam_run()
    model, h = run["model"], run["history"]
    s = ipo.split()
    train_ds, val_ds = ipo.datasets(s["train"], s["val"])
    with torch.no_grad():
        for ds, key in ((train_ds, "train"), (val_ds, "val")):
            logits = model(ds.X)
            p = torch.sigmoid(logits.double())
            y = ds.y
            by_hand = float(-(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean())
            assert h[f"{key}_loss"][-1] == pytest.approx(by_hand, rel=1e-5)
            assert h[f"{key}_acc"][-1] == pytest.approx(float(((logits > 0).float() == y).float().mean()))
    # log1p, then scaling fitted on the training rows only
    assert torch.allclose(train_ds.X.mean(dim=0), torch.zeros(6), atol=1e-5)
    assert not torch.allclose(val_ds.X.mean(dim=0), torch.zeros(6), atol=1e-2)
    raw = torch.tensor(s["train"][ipo.FEATURES].to_numpy(), dtype=torch.float32)
    assert torch.allclose(train_ds.mean, torch.log1p(raw).mean(dim=0))


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_plotted_curves_are_the_history(theme):
    run = lesson.adam_run()
    h = run["history"]
    fig = figures.draw(lesson.loss_curves, theme)
    ax_loss, ax_acc = fig.axes
    epochs = list(range(1, 101))
    loss_lines = {line.get_label(): line for line in ax_loss.get_lines()}
    acc_lines = {line.get_label(): line for line in ax_acc.get_lines()}
    assert list(loss_lines["training rows (204)"].get_xdata()) == epochs
    assert list(loss_lines["training rows (204)"].get_ydata()) == h["train_loss"]
    assert list(loss_lines["validation rows (51)"].get_ydata()) == h["val_loss"]
    assert list(acc_lines["training rows"].get_ydata()) == h["train_acc"]
    assert list(acc_lines["validation rows"].get_ydata()) == h["val_acc"]
    baseline = acc_lines['always "gain", validation (0.588)']
    assert list(baseline.get_ydata()) == pytest.approx([30 / 51, 30 / 51])
    texts = figure_texts(fig)
    # the final values the page prints in its last progress line
    last = progress_line(h, 100)
    for label in (f"{h['train_loss'][-1]:.4f}", f"{h['val_loss'][-1]:.4f}", f"{h['val_acc'][-1]:.3f}"):
        assert label in texts and label in last
    assert ax_loss.get_xlabel() == "Epoch" and ax_acc.get_ylabel() == "Accuracy"


def test_figure_is_deterministic():
    first, second = figures_drawn_twice(lesson)
    assert first == second
    assert set(first) == {("loss-curves", "light"), ("loss-curves", "dark")}
