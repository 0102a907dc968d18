"""The course's shared IPO setup, for figure code: what Lessons 3 to 5 spell out on their pages.

The features and target; Lesson 3's tensors and scaled 255/64 split; Lesson 4's seeded split
into 255 development rows and 64 test rows (the same 64), and of the development rows into 204
training and 51 validation rows; Lesson 4's ``IPODataset`` (``log1p``,
then standardisation with the training rows' statistics); Lesson 3's ``IPOClassifier`` and
Lesson 5's ``WideClassifier``; Lesson 4's device-agnostic training loop with per-epoch history;
and Lesson 5's training recipes and cross-validation. Figure modules use these to reproduce the
runs the pages show (same seeds, same order of operations), and the figure tests check that they
print the same numbers as the pages.

Nothing here scores the test rows: :func:`split` and :func:`prepared_data` return them (Lesson 3's
figure draws the untrained network's outputs), and no figure of Lessons 4 and 5 uses them.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

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
SPLIT_SEED = 42  # the test rows
VAL_SEED = 1  # the validation rows, among the development rows
MODEL_SEED = 0  # initial weights (and dropout masks) of every model
LOADER_SEED = 0  # the order of the mini-batches
CV_SEED = 0  # the folds
TRAIN_FRACTION = 0.8
BATCH_SIZE = 32
N_FOLDS = 5

device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else torch.device("cpu")


@lru_cache(maxsize=1)
def frame() -> pd.DataFrame:
    """The verified dataset, in its file's (date) order."""
    return data.load()


def tensors() -> tuple[torch.Tensor, torch.Tensor]:
    """``X`` (319, 6) and ``y`` (319, 1), float32, from the verified dataset."""
    df = frame()
    X = torch.tensor(df[FEATURES].to_numpy(), dtype=torch.float32)
    y = torch.tensor(df[[TARGET]].to_numpy(), dtype=torch.float32)
    return X, y


@lru_cache(maxsize=1)
def prepared_data() -> dict[str, torch.Tensor]:
    """Lesson 3's data: the seeded 255/64 split, scaled with the training rows' mean and std
    (no ``log1p`` yet: Lesson 4 adds it). The same 64 test rows as :func:`split`."""
    X, y = tensors()
    perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(SPLIT_SEED))
    n_train = int(TRAIN_FRACTION * len(X))
    train_idx, test_idx = perm[:n_train], perm[n_train:]
    X_train, X_test = X[train_idx], X[test_idx]
    mean, std = X_train.mean(dim=0), X_train.std(dim=0)
    return {
        "X": X, "y": y, "mean": mean, "std": std,
        "X_train": (X_train - mean) / std, "X_test": (X_test - mean) / std,
        "y_train": y[train_idx], "y_test": y[test_idx],
    }


@lru_cache(maxsize=1)
def split() -> dict[str, pd.DataFrame]:
    """Lesson 4's split: ``dev`` (255) and ``test`` (64); ``dev`` into ``train`` (204), ``val`` (51)."""
    df = frame()
    perm = torch.randperm(len(df), generator=torch.Generator().manual_seed(SPLIT_SEED)).numpy()
    n_dev = int(TRAIN_FRACTION * len(df))
    dev_df, test_df = df.iloc[perm[:n_dev]], df.iloc[perm[n_dev:]]
    val_perm = torch.randperm(len(dev_df), generator=torch.Generator().manual_seed(VAL_SEED)).numpy()
    n_train = int(TRAIN_FRACTION * len(dev_df))
    train_df, val_df = dev_df.iloc[val_perm[:n_train]], dev_df.iloc[val_perm[n_train:]]
    return {"dev": dev_df, "test": test_df, "train": train_df, "val": val_df}


class IPODataset(Dataset):
    """Lesson 4's dataset: ``log1p`` of the six features, standardised with given (or own) stats."""

    def __init__(self, frame, stats=None, log=True):
        X = torch.tensor(frame[FEATURES].to_numpy(), dtype=torch.float32)
        if log:
            X = torch.log1p(X)
        self.mean, self.std = (X.mean(dim=0), X.std(dim=0)) if stats is None else stats
        self.X = (X - self.mean) / self.std
        self.y = torch.tensor(frame[[TARGET]].to_numpy(), dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def datasets(train_frame, other_frame, log=True) -> tuple[IPODataset, IPODataset]:
    """A training dataset and a second one scaled with the training rows' statistics."""
    train_ds = IPODataset(train_frame, log=log)
    return train_ds, IPODataset(other_frame, stats=(train_ds.mean, train_ds.std), log=log)


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


class WideClassifier(nn.Module):
    """Lesson 5's too-large network: the same depth as IPOClassifier, 64 units in both layers."""

    def __init__(self, n_features=6, hidden=64, dropout=0.0):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x)


loss_fn = nn.BCEWithLogitsLoss()


def make_loader(ds, seed=LOADER_SEED):
    return DataLoader(ds, batch_size=BATCH_SIZE, shuffle=True, generator=torch.Generator().manual_seed(seed))


def train_one_epoch(model, loader, optimizer):
    model.train()
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def evaluate(model, ds) -> tuple[float, float]:
    """(mean BCE loss, accuracy at logit 0) of ``model`` on a whole dataset."""
    model.eval()
    with torch.no_grad():
        X, y = ds.X.to(device), ds.y.to(device)
        logits = model(X)
        loss = loss_fn(logits, y).item()
        accuracy = ((logits > 0).float() == y).float().mean().item()
    return loss, accuracy


def fit(model, optimizer, train_ds, val_ds, epochs) -> dict[str, list[float]]:
    """Lesson 4's loop: per-epoch training and validation loss and accuracy."""
    loader = make_loader(train_ds)
    history = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
    for _epoch in range(epochs):
        train_one_epoch(model, loader, optimizer)
        train_loss, train_acc = evaluate(model, train_ds)
        val_loss, val_acc = evaluate(model, val_ds)
        for key, value in zip(history, (train_loss, val_loss, train_acc, val_acc)):
            history[key].append(value)
    return history


def run(make_model: Callable[[], nn.Module], make_optimizer: Callable, epochs: int = 100, log: bool = True):
    """Seed, build, move to the device and train on the training rows, validating on the
    validation rows, as the pages do. Returns (model, history)."""
    s = split()
    train_ds, val_ds = datasets(s["train"], s["val"], log=log)
    torch.manual_seed(MODEL_SEED)
    model = make_model().to(device)
    optimizer = make_optimizer(model.parameters())
    return model, fit(model, optimizer, train_ds, val_ds, epochs)


# --- Lesson 5: recipes, early stopping and cross-validation ------------------------------------

RECIPES = ("majority class", "logistic regression", "network (Lesson 4)", "wide, no remedy",
           "wide + weight decay", "wide + dropout", "wide + early stopping")
NETWORK_LR = 0.001
WIDE_LR = 0.003
WEIGHT_DECAY = 0.01
DROPOUT = 0.3
PATIENCE = 10
EPOCHS = 100


def train_early_stopping(model, optimizer, train_ds, val_ds, max_epochs=EPOCHS, patience=PATIENCE):
    """Lesson 5's early stopping: keep the weights of the epoch with the lowest validation loss."""
    loader = make_loader(train_ds)
    best_loss, best_epoch, best_state = float("inf"), 0, None
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model, loader, optimizer)
        val_loss, _ = evaluate(model, val_ds)
        if val_loss < best_loss:
            best_loss, best_epoch = val_loss, epoch
            best_state = copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(best_state)
    return {"stopped": epoch, "best_epoch": best_epoch, "best_loss": best_loss}


def predict_proba(model, ds) -> np.ndarray:
    """P(gain) for every row of a dataset, as Lesson 5's ``predict_proba`` computes it."""
    model.eval()
    with torch.no_grad():
        return torch.sigmoid(model(ds.X.to(device))).cpu().numpy()[:, 0]


def train_recipe(name: str, frame_: pd.DataFrame) -> Callable[[pd.DataFrame], np.ndarray]:
    """Train one of ``RECIPES`` on the rows of ``frame_``; return a function giving P(gain) for rows."""
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    if name == "majority class":
        clf = DummyClassifier(strategy="most_frequent").fit(frame_[FEATURES], frame_[TARGET])
        return lambda rows: clf.predict_proba(rows[FEATURES])[:, 1]
    if name == "logistic regression":
        clf = make_pipeline(FunctionTransformer(np.log1p), StandardScaler(), LogisticRegression(C=np.inf))
        clf.fit(frame_[FEATURES], frame_[TARGET])
        return lambda rows: clf.predict_proba(rows[FEATURES])[:, 1]
    if name not in RECIPES:
        raise ValueError(f"unknown recipe {name!r}; expected one of {RECIPES}")
    torch.manual_seed(MODEL_SEED)
    if name == "network (Lesson 4)":
        model = IPOClassifier().to(device)
    else:
        model = WideClassifier(dropout=DROPOUT if name == "wide + dropout" else 0.0).to(device)
    lr = NETWORK_LR if name == "network (Lesson 4)" else WIDE_LR
    weight_decay = WEIGHT_DECAY if name == "wide + weight decay" else 0.0
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    if name == "wide + early stopping":
        perm = torch.randperm(len(frame_), generator=torch.Generator().manual_seed(VAL_SEED)).numpy()
        n_train = int(TRAIN_FRACTION * len(frame_))
        train_ds, val_ds = datasets(frame_.iloc[perm[:n_train]], frame_.iloc[perm[n_train:]])
        train_early_stopping(model, optimizer, train_ds, val_ds)
    else:
        train_ds = IPODataset(frame_)
        loader = make_loader(train_ds)
        for _epoch in range(EPOCHS):
            train_one_epoch(model, loader, optimizer)

    return lambda rows: predict_proba(model, IPODataset(rows, stats=(train_ds.mean, train_ds.std)))


def scores(p_gain: np.ndarray, y: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, roc_auc_score

    return {"accuracy": accuracy_score(y, p_gain > 0.5), "roc_auc": roc_auc_score(y, p_gain)}


def mean_std(values) -> str:
    """``0.667 ± 0.087``, as Lesson 5's tables print a cross-validated score."""
    return f"{values.mean():.3f} ± {values.std():.3f}"


@lru_cache(maxsize=None)
def cross_validation(name: str) -> pd.DataFrame:
    """Per-fold validation accuracy and ROC-AUC of a recipe, stratified 5-fold on the 255 rows."""
    from sklearn.model_selection import StratifiedKFold

    dev_df = split()["dev"]
    folds = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=CV_SEED)
    rows = []
    for fit_idx, val_idx in folds.split(dev_df, dev_df[TARGET]):
        predict = train_recipe(name, dev_df.iloc[fit_idx])
        val_rows = dev_df.iloc[val_idx]
        rows.append(scores(predict(val_rows), val_rows[TARGET].to_numpy()))
    return pd.DataFrame(rows)


def cv_summary(names=RECIPES) -> dict[str, str]:
    """Each recipe's cross-validated accuracy as the pages print it: ``0.667 ± 0.087``."""
    return {name: mean_std(cross_validation(name)["accuracy"]) for name in names}


def draw_cross_validation(theme, names):
    """Lessons 5 and 6's dot chart: each fold's accuracy, the mean and one standard deviation."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8.6, 1.2 + 0.5 * len(names)))
    for row, name in enumerate(names):
        acc = cross_validation(name)["accuracy"]
        mean, std = acc.mean(), acc.std()
        colour = theme.muted if name == "majority class" else (
            theme.accent2 if name == "wide, no remedy" else theme.accent)
        ax.plot([mean - std, mean + std], [row, row], color=colour, linewidth=3, alpha=0.45,
                solid_capstyle="butt", label="_nolegend_")
        ax.plot(acc.tolist(), [row] * len(acc), "o", color=colour, markersize=5, alpha=0.8,
                label=f"folds: {name}")
        ax.plot([mean], [row], "|", color=theme.fg, markersize=16, markeredgewidth=2.2,
                label=f"mean: {name}")
        ax.annotate(mean_std(acc), (0.80, row), xytext=(0, -3.5), textcoords="offset points",
                    fontsize=9.5, color=theme.fg, ha="left")
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)  # first model at the top
    ax.set_xlim(0.45, 0.92)
    ax.set_xlabel(f"Accuracy on the held-out fold ({N_FOLDS} folds of the {len(split()['dev'])} development rows)")
    ax.set_title("Cross-validated accuracy: one dot per fold, mean and one standard deviation",
                 fontsize=11.5)
    ax.grid(axis="x", alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
