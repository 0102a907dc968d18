"""The course's shared IPO setup, for figure code: what Lessons 3 to 5 spell out on their pages.

The features and target; the seeded 255/64 train/test split; standardisation with the training
rows' statistics; Lesson 3's ``IPOClassifier``; and Lesson 4's training loop with per-epoch
history. Figure modules use these to reproduce the runs the pages show (same seeds, same order
of operations), and the figure tests check that they print the same numbers as the pages.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from course import data

FEATURES = [
    "Issue_Size",
    "Subscription_QIB",
    "Subscription_HNI",
    "Subscription_RII",
    "Subscription_Total",
    "Issue_Price",
]
TARGET = "Listing_Gains"
SPLIT_SEED = 42  # the train/test split
MODEL_SEED = 0  # initial weights (and dropout masks) of every model
LOADER_SEED = 0  # the order of the mini-batches
TRAIN_FRACTION = 0.8


def tensors() -> tuple[torch.Tensor, torch.Tensor]:
    """``X`` (319, 6) and ``y`` (319, 1), float32, from the verified dataset."""
    df = data.load()
    X = torch.tensor(df[FEATURES].to_numpy(), dtype=torch.float32)
    y = torch.tensor(df[[TARGET]].to_numpy(), dtype=torch.float32)
    return X, y


@lru_cache(maxsize=1)
def prepared_data() -> dict[str, torch.Tensor]:
    """Lesson 3's data: the seeded split, scaled with the training rows' mean and std."""
    X, y = tensors()
    generator = torch.Generator().manual_seed(SPLIT_SEED)
    perm = torch.randperm(len(X), generator=generator)
    n_train = int(TRAIN_FRACTION * len(X))
    train_idx, test_idx = perm[:n_train], perm[n_train:]
    X_train, X_test = X[train_idx], X[test_idx]
    mean, std = X_train.mean(dim=0), X_train.std(dim=0)
    return {
        "X": X, "y": y, "mean": mean, "std": std,
        "X_train": (X_train - mean) / std, "X_test": (X_test - mean) / std,
        "y_train": y[train_idx], "y_test": y[test_idx],
    }


class IPOClassifier(nn.Module):
    """Lesson 3's classifier: 6 -> 16 -> 8 -> 1, one logit."""

    def __init__(self, n_features=6, hidden=16):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(),
            nn.Linear(hidden, 8), nn.ReLU(),
            nn.Linear(8, 1),
        )

    def forward(self, x):
        return self.net(x)


def evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(mean BCE loss, accuracy at logit 0) of ``model`` on ``X``, ``y``."""
    model.eval()
    with torch.no_grad():
        logits = model(X)
        loss = nn.functional.binary_cross_entropy_with_logits(logits, y).item()
        accuracy = ((logits > 0).float() == y).float().mean().item()
    return loss, accuracy


def fit(
    make_model: Callable[[], nn.Module],
    make_optimizer: Callable,
    epochs: int,
    batch_size: int,
) -> tuple[nn.Module, dict[str, list[float]]]:
    """Lesson 4's loop: seed, build, then mini-batch training with per-epoch train/test metrics."""
    d = prepared_data()
    loss_fn = nn.BCEWithLogitsLoss()
    torch.manual_seed(MODEL_SEED)
    model = make_model()
    optimizer = make_optimizer(model.parameters())
    loader = DataLoader(
        TensorDataset(d["X_train"], d["y_train"]), batch_size=batch_size, shuffle=True,
        generator=torch.Generator().manual_seed(LOADER_SEED),
    )
    history = {"train_loss": [], "test_loss": [], "train_acc": [], "test_acc": []}
    for _epoch in range(epochs):
        model.train()
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        train_loss, train_acc = evaluate(model, d["X_train"], d["y_train"])
        test_loss, test_acc = evaluate(model, d["X_test"], d["y_test"])
        for key, value in zip(history, (train_loss, test_loss, train_acc, test_acc)):
            history[key].append(value)
    return model, history
