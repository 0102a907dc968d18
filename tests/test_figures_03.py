"""Lesson 3's figures show what torch and the lesson's untrained model really computed."""

import math

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from course import data, figures, ipo
from tests.helpers import figure_module, figure_texts, figures_drawn_twice

lesson = figure_module("03_building_networks")


def lesson_setup():
    """The data and model exactly as the lesson's 'Putting it together' block builds them."""
    df = pd.read_csv(data.dataset_path())
    X = torch.tensor(df[ipo.FEATURES].to_numpy(), dtype=torch.float32)
    y = torch.tensor(df[["Listing_Gains"]].to_numpy(), dtype=torch.float32)
    generator = torch.Generator().manual_seed(42)
    perm = torch.randperm(len(X), generator=generator)
    n_train = int(0.8 * len(X))
    X_train, y_train = X[perm[:n_train]], y[perm[:n_train]]
    X_train = (X_train - X_train.mean(dim=0)) / X_train.std(dim=0)

    class IPOClassifier(nn.Module):
        def __init__(self, n_features=6, hidden=16):
            super().__init__()
            self.net = nn.Sequential(
                nn.Linear(n_features, hidden), nn.ReLU(),
                nn.Linear(hidden, 8), nn.ReLU(),
                nn.Linear(8, 1),
            )

        def forward(self, x):
            return self.net(x)

    torch.manual_seed(0)
    model = IPOClassifier()
    return model, X_train, y_train


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_activation_curves_are_relu_and_sigmoid(theme):
    fig = figures.draw(lesson.activations, theme)
    relu_ax, sigmoid_ax = fig.axes
    (relu,) = relu_ax.get_lines()
    sigmoid = next(line for line in sigmoid_ax.get_lines() if line.get_label() == "sigmoid")
    for line, fn in ((relu, torch.relu), (sigmoid, torch.sigmoid)):
        z = torch.tensor(np.asarray(line.get_xdata()), dtype=torch.float32)
        assert len(z) == lesson.N_POINTS and z[0] == -6 and z[-1] == 6
        np.testing.assert_allclose(line.get_ydata(), fn(z).numpy(), rtol=0, atol=1e-7)
    # the values the lesson prints for z = -3, -1, 0, 1, 3
    z = torch.tensor([-3.0, -1.0, 0.0, 1.0, 3.0])
    ydata = dict(zip(np.round(sigmoid.get_xdata(), 4), sigmoid.get_ydata()))
    assert [round(float(ydata[v]), 4) for v in z.tolist()] == [0.0474, 0.2689, 0.5, 0.7311, 0.9526]
    assert relu_ax.get_title() == "ReLU: max(0, z)"
    assert sigmoid_ax.get_title().startswith("sigmoid")


def test_untrained_logits_are_the_lessons_model():
    model, X_train, y_train = lesson_setup()
    logits, y_fig = lesson.untrained_logits()
    with torch.no_grad():
        expected = model(X_train)
    assert torch.equal(y_fig, y_train)
    assert torch.equal(logits, expected)
    loss = nn.BCEWithLogitsLoss()(logits, y_train).item()
    assert round(loss, 4) == 0.7261
    assert round(logits.min().item(), 4) == -0.5439 and round(logits.max().item(), 4) == -0.2639


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_bce_curves_band_and_ln2(theme):
    fig = figures.draw(lesson.bce_loss, theme)
    ax = fig.axes[0]
    gain, no_gain = (line for line in ax.get_lines() if "IPO that" in line.get_label())
    for line, label in ((gain, 1.0), (no_gain, 0.0)):
        z = torch.tensor(np.asarray(line.get_xdata()), dtype=torch.float64)
        p = torch.sigmoid(z)
        by_hand = -(label * torch.log(p) + (1 - label) * torch.log(1 - p))
        np.testing.assert_allclose(line.get_ydata(), by_hand.numpy(), rtol=1e-5, atol=1e-6)
    # both labels cost ln 2 at logit 0
    i0 = int(np.argmin(np.abs(gain.get_xdata())))
    assert gain.get_xdata()[i0] == 0
    assert gain.get_ydata()[i0] == pytest.approx(math.log(2), rel=1e-6)
    assert no_gain.get_ydata()[i0] == pytest.approx(math.log(2), rel=1e-6)
    # the shaded band is the range of the untrained model's logits
    logits, _ = lesson.untrained_logits()
    (band,) = [p for p in ax.patches if "untrained" in p.get_label()]
    left, right = band.get_x(), band.get_x() + band.get_width()  # axvspan: x in data units
    assert left == pytest.approx(logits.min().item()) and right == pytest.approx(logits.max().item())
    text = "\n".join(figure_texts(fig))
    assert "ln 2 = 0.6931" in text and "(loss 0.7261)" in text


def test_figures_are_deterministic():
    first, second = figures_drawn_twice(lesson)
    assert first == second
    assert set(first) == {(name, theme) for name in ("activations", "bce-loss") for theme in ("light", "dark")}
