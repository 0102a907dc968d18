"""Lesson 1's figures show what the data and the code really produced."""

import pandas as pd
import pytest
import torch

from course import ROOT, data, figures
from tests.helpers import documented_output, figure_module, figure_texts, figures_drawn_twice

lesson = figure_module("01_deep_learning_fundamentals")


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_class_balance_bars_are_the_value_counts(theme):
    counts = pd.read_csv(data.dataset_path())["Listing_Gains"].value_counts()
    fig = figures.draw(lesson.class_balance, theme)
    ax = fig.axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    labels = [tick.get_text() for tick in ax.get_xticklabels()]
    assert dict(zip(labels, heights)) == {"Gain (1)": counts[1], "No gain (0)": counts[0]}
    assert heights == [174, 145]
    texts = figure_texts(fig)
    assert "174  (54.5%)" in texts and "145  (45.5%)" in texts


def test_training_step_is_lesson_4s_first_step_of_the_course_network():
    step = lesson.training_step()
    assert tuple(step["X"].shape) == (32, 6) and step["X"].dtype == torch.float32
    assert tuple(step["y"].shape) == (32, 1) and tuple(step["logits"].shape) == (32, 1)
    assert step["n_params"] == step["n_gradients"] == (6 + 1) * 16 + (16 + 1) * 8 + (8 + 1) * 1
    # the loss before the step, recomputed by hand from the logits: binary cross-entropy
    p = torch.sigmoid(step["logits"].double())
    y = step["y"].double()
    by_hand = float(-(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean())
    assert step["loss_before"] == pytest.approx(by_hand, rel=1e-5)
    with torch.no_grad():
        after = torch.nn.functional.binary_cross_entropy_with_logits(step["model"](step["X"]), step["y"])
    assert step["loss_after"] == pytest.approx(float(after), rel=1e-6)
    assert step["loss_after"] < step["loss_before"]
    # the same step Lesson 4 runs as code, printing the same losses
    page = ROOT / "docs" / "lessons" / "04-training-loop.md"
    assert documented_output(page, "loss before the step") == [
        f"loss before the step: {step['loss_before']:.4f}",
        f"loss after the step:  {step['loss_after']:.4f}",
    ]


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_training_loop_speaks_lesson_1s_language(theme):
    step = lesson.training_step()
    text = "\n".join(figure_texts(figures.draw(lesson.training_loop, theme)))
    assert f"{step['loss_before']:.4f}" in text and f"loss now\n{step['loss_after']:.4f}" in text
    assert f"{step['batch']} IPOs" in text and f"{step['n_gradients']} weights" in text
    for stage in ("Data to tensors", "Forward pass", "Loss", "Backpropagation", "Optimizer step"):
        assert stage in text
    for jargon in ("Linear(", "ReLU", "logits", "BCEWithLogitsLoss", "lr =", "float32"):
        assert jargon not in text, jargon
    assert [t for t in ("Lesson 2", "Lesson 3", "Lesson 3", "Lesson 2", "Lesson 4")] == [
        line for line in text.split("\n") if line.startswith("Lesson ")
    ]


def test_figures_export_the_same_bytes_twice():
    first, second = figures_drawn_twice(lesson)
    assert first == second
    assert {name for name, _ in first} == {"class-balance", "training-loop"}
