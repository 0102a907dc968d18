"""Lesson 2's figures show what the data and autograd really produced."""

import numpy as np
import pandas as pd
import pytest
import torch

from course import data, figures
from tests.helpers import figure_module, figure_texts, figures_drawn_twice

lesson = figure_module("02_tensors_and_autograd")
FEATURES = lesson.FEATURES


def lesson_tensor():
    df = pd.read_csv(data.dataset_path())
    return torch.tensor(df[FEATURES].to_numpy(), dtype=torch.float32)


def test_feature_values_are_the_lesson_tensors():
    X = lesson_tensor()
    values = lesson.feature_values()
    assert values["raw"].shape == (319, 6)
    np.testing.assert_array_equal(values["raw"], X.numpy())
    standardised = (X - X.mean(dim=0)) / X.std(dim=0)
    np.testing.assert_allclose(values["standardised"], standardised.numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(values["standardised"].mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(values["standardised"].std(axis=0, ddof=1), 1, atol=1e-5)


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_feature_scales_plots_every_value_of_every_feature(theme):
    X = lesson_tensor()
    standardised = ((X - X.mean(dim=0)) / X.std(dim=0)).numpy()
    fig = figures.draw(lesson.feature_scales, theme)
    raw_ax, std_ax = fig.axes
    for ax, expected in ((raw_ax, X.numpy()), (std_ax, standardised)):
        clouds = ax.collections
        assert len(clouds) == 6
        for i, cloud in enumerate(clouds):
            assert cloud.get_label().endswith(FEATURES[i])
            offsets = cloud.get_offsets()
            assert offsets.shape == (319, 2)
            np.testing.assert_allclose(offsets[:, 0], expected[:, i], rtol=0, atol=1e-5)
            # one row per feature: the jitter keeps every dot within its own row
            assert np.all(np.abs(offsets[:, 1] - i) < 0.5)
    assert [t.get_text() for t in raw_ax.get_yticklabels()] == FEATURES
    # the point of the figure: raw, Issue_Size spans the scale; standardised, the ranges are comparable
    assert raw_ax.get_xlim()[1] > 20000
    assert std_ax.get_xlim()[1] < 10


def test_graph_values_are_autograds():
    g = lesson.graph_values()
    assert g["value"] == {"x": 3.0, "w": 2.0, "b": 1.0, "wx": 6.0, "z": 7.0, "L": 49.0}
    # by hand: dL/dz = 2z, dz/dw = x, dz/db = 1
    z, x = g["value"]["z"], g["value"]["x"]
    assert g["grad"] == {"L": 1.0, "z": 2 * z, "wx": 2 * z, "w": 2 * z * x, "b": 2 * z}
    assert g["x_grad"] is None
    assert g["op"] == {"wx": "MulBackward0", "z": "AddBackward0", "L": "PowBackward0"}


@pytest.mark.parametrize("theme", figures.THEMES, ids=lambda t: t.name)
def test_computation_graph_shows_the_computed_values_and_gradients(theme):
    text = "\n".join(figure_texts(figures.draw(lesson.computation_graph, theme)))
    for shown in ("w * x = 6", "z = w*x + b = 7", "L = z**2 = 49", "dL/dw = 42", "dL/db = 14",
                  "dL/dz = 14", "dL/d(w*x) = 14", "x.grad is None",
                  "MulBackward0", "AddBackward0", "PowBackward0"):
        assert shown in text


def test_figures_are_deterministic():
    first, second = figures_drawn_twice(lesson)
    assert first == second
    assert set(first) == {
        (name, theme) for name in ("feature-scales", "computation-graph") for theme in ("light", "dark")
    }
