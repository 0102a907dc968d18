# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 5 - Evaluating and Improving: companion notebook
#
# The code of Lesson 5, ready to run, followed by the practice exercises with worked solutions.
# Save [`indian_ipo.csv`](https://datatweets.com/datasets/indian_ipo.csv) next to this notebook
# first. Each `# Output:` comment shows what the line above it prints; the course's tests check
# every one of them. Running it writes one file, `ipo_classifier.pt`, next to the notebook. The
# test rows are used in one place only: the final evaluation.


# %% [markdown]
# ## The data, model and training loop so far


# %%
import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import Dataset, DataLoader

df = pd.read_csv("indian_ipo.csv")
feature_cols = ["Issue_Size", "Subscription_QIB", "Subscription_HNI",
                "Subscription_RII", "Subscription_Total", "Issue_Price"]
target = "Listing_Gains"

perm = torch.randperm(len(df), generator=torch.Generator().manual_seed(42)).numpy()
n_dev = int(0.8 * len(df))                  # 255 rows to develop the model with
dev_df, test_df = df.iloc[perm[:n_dev]], df.iloc[perm[n_dev:]]

val_perm = torch.randperm(len(dev_df), generator=torch.Generator().manual_seed(1)).numpy()
n_train = int(0.8 * len(dev_df))            # 204 of them to train on, 51 to validate on
train_df, val_df = dev_df.iloc[val_perm[:n_train]], dev_df.iloc[val_perm[n_train:]]

class IPODataset(Dataset):
    """The six features of some IPO rows (log1p, then standardised) and their labels."""
    def __init__(self, frame, stats=None, log=True):
        X = torch.tensor(frame[feature_cols].to_numpy(), dtype=torch.float32)
        if log:
            X = torch.log1p(X)                  # tame the skew; 0 stays 0
        if stats is None:                       # fit the scaling on these rows...
            stats = (X.mean(dim=0), X.std(dim=0))
        self.mean, self.std = stats             # ...or reuse the training rows' scaling
        self.X = (X - self.mean) / self.std
        self.y = torch.tensor(frame[[target]].to_numpy(), dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]

train_ds = IPODataset(train_df)
val_ds = IPODataset(val_df, stats=(train_ds.mean, train_ds.std))   # the training rows' scaling

device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else torch.device("cpu")

class IPOClassifier(nn.Module):
    def __init__(self, n_features=6, hidden=16):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(),
            nn.Linear(hidden, 8), nn.ReLU(),
            nn.Linear(8, 1),                 # one logit; use nn.BCEWithLogitsLoss
        )
    def forward(self, x):
        return self.net(x)

print("training rows:", len(train_ds), " validation rows:", len(val_ds), " device:", device)
# Output: training rows: 204  validation rows: 51  device: cpu


# %%
loss_fn = nn.BCEWithLogitsLoss()

def make_loader(ds, seed=0):
    return DataLoader(ds, batch_size=32, shuffle=True,
                      generator=torch.Generator().manual_seed(seed))

def train_one_epoch(model, loader, optimizer):
    model.train()                       # training mode
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        logits = model(xb)              # forward pass
        loss = loss_fn(logits, yb)      # loss
        optimizer.zero_grad()           # clear old gradients
        loss.backward()                 # backpropagation
        optimizer.step()                # update the weights

def evaluate(model, ds):
    model.eval()                        # evaluation mode
    with torch.no_grad():
        X, y = ds.X.to(device), ds.y.to(device)
        logits = model(X)
        loss = loss_fn(logits, y).item()
        accuracy = ((logits > 0).float() == y).float().mean().item()
    return loss, accuracy

def fit(model, optimizer, train_ds, val_ds, epochs, log_every=20):
    loader = make_loader(train_ds)
    history = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
    for epoch in range(1, epochs + 1):
        train_one_epoch(model, loader, optimizer)
        train_loss, train_acc = evaluate(model, train_ds)
        val_loss, val_acc = evaluate(model, val_ds)
        for key, value in zip(history, (train_loss, val_loss, train_acc, val_acc)):
            history[key].append(value)
        if log_every and epoch % log_every == 0:
            print(f"epoch {epoch:3d} | train loss {train_loss:.4f} acc {train_acc:.3f}"
                  f" | val loss {val_loss:.4f} acc {val_acc:.3f}")
    return history


# %%
torch.manual_seed(0)
model = IPOClassifier().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
history = fit(model, optimizer, train_ds, val_ds, epochs=100, log_every=100)
# Output: epoch 100 | train loss 0.5921 acc 0.686 | val loss 0.5473 acc 0.706


# %% [markdown]
# ## Beyond accuracy: the confusion matrix


# %%
def predict_proba(model, ds):
    """The model's probability of a gain for every row of a dataset, as a NumPy array."""
    model.eval()
    with torch.no_grad():
        return torch.sigmoid(model(ds.X.to(device))).cpu().numpy()[:, 0]

val_probs = predict_proba(model, val_ds)          # one probability per validation IPO
val_preds = (val_probs > 0.5).astype(int)         # 1 = "will gain", 0 = "will not"
val_y = val_df[target].to_numpy()

print("probabilities:", [round(float(p), 3) for p in val_probs[:8]])
print("predictions:  ", val_preds[:8].tolist())
print("true labels:  ", val_y[:8].tolist())
# Output:
# probabilities: [0.772, 0.751, 0.797, 0.531, 0.531, 0.703, 0.286, 0.668]
# predictions:   [1, 1, 1, 1, 1, 1, 0, 1]
# true labels:   [1, 0, 1, 0, 0, 1, 0, 1]


# %%
tp = int(((val_preds == 1) & (val_y == 1)).sum())
fp = int(((val_preds == 1) & (val_y == 0)).sum())
fn = int(((val_preds == 0) & (val_y == 1)).sum())
tn = int(((val_preds == 0) & (val_y == 0)).sum())
print("TP", tp, " FP", fp, " FN", fn, " TN", tn, " total", tp + fp + fn + tn)
print("right:", tp + tn, " wrong:", fp + fn)
print("predicted gains:", tp + fp, " actual gains:", tp + fn)
# Output:
# TP 21  FP 6  FN 9  TN 15  total 51
# right: 36  wrong: 15
# predicted gains: 27  actual gains: 30


# %% [markdown]
# ### Precision and recall


# %%
from sklearn.metrics import confusion_matrix, precision_score, recall_score, accuracy_score

print(confusion_matrix(val_y, val_preds))           # rows: truth 0, 1; columns: predicted 0, 1
print("accuracy:", round(accuracy_score(val_y, val_preds), 3),
      " precision:", round(precision_score(val_y, val_preds), 3),
      " recall:", round(recall_score(val_y, val_preds), 3))
# Output:
# [[15  6]
#  [ 9 21]]
# accuracy: 0.706  precision: 0.778  recall: 0.7


# %% [markdown]
# ### Ranking: ROC-AUC


# %%
from sklearn.metrics import roc_auc_score

print("ROC-AUC, validation rows:", round(roc_auc_score(val_y, val_probs), 3))
print("ROC-AUC of a constant guess:", roc_auc_score(val_y, np.full(len(val_y), 0.5)))
# Output:
# ROC-AUC, validation rows: 0.778
# ROC-AUC of a constant guess: 0.5


# %% [markdown]
# ## Baselines: is the network worth it?


# %%
torch.manual_seed(0)
logreg = nn.Linear(6, 1).to(device)        # 6 weights and a bias: logistic regression
adam = torch.optim.Adam(logreg.parameters(), lr=0.01)
loader = make_loader(train_ds)
for epoch in range(100):
    train_one_epoch(logreg, loader, adam)
print("Adam, 100 epochs:   training loss", round(evaluate(logreg, train_ds)[0], 4))

lbfgs = torch.optim.LBFGS(logreg.parameters(), max_iter=200, tolerance_grad=1e-9,
                          tolerance_change=1e-12, line_search_fn="strong_wolfe")
X_tr, y_tr = train_ds.X.to(device), train_ds.y.to(device)
def closure():
    lbfgs.zero_grad()
    loss = loss_fn(logreg(X_tr), y_tr)
    loss.backward()
    return loss
lbfgs.step(closure)
print("then L-BFGS:        training loss", round(evaluate(logreg, train_ds)[0], 4))
# Output:
# Adam, 100 epochs:   training loss 0.6158
# then L-BFGS:        training loss 0.6154


# %%
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

sk_logreg = LogisticRegression(C=np.inf)      # no penalty: the same model and loss
sk_logreg.fit(train_ds.X.numpy(), train_df[target])
sk_loss = log_loss(train_df[target], sk_logreg.predict_proba(train_ds.X.numpy())[:, 1])
print("scikit-learn:       training loss", round(sk_loss, 4), " iterations:", sk_logreg.n_iter_[0])
print("largest weight difference:",
      round(float(np.abs(sk_logreg.coef_[0] - logreg.weight.detach().cpu().numpy()[0]).max()), 4))
# Output:
# scikit-learn:       training loss 0.6154  iterations: 16
# largest weight difference: 0.0002


# %%
def scores(y, probs):
    preds = (probs > 0.5).astype(int)
    return {"accuracy": accuracy_score(y, preds), "precision": precision_score(y, preds, zero_division=0.0),
            "recall": recall_score(y, preds), "roc_auc": roc_auc_score(y, probs)}

on_validation = pd.DataFrame({
    "majority class": scores(val_y, np.ones(len(val_y))),
    "logistic regression": scores(val_y, predict_proba(logreg, val_ds)),
    "network (Lesson 4)": scores(val_y, val_probs),
}).T
print(on_validation.round(3))
# Output:
#                      accuracy  precision  recall  roc_auc
# majority class          0.588      0.588   1.000    0.500
# logistic regression     0.725      0.786   0.733    0.751
# network (Lesson 4)      0.706      0.778   0.700    0.778


# %% [markdown]
# ## Cross-validation: a steadier estimate


# %%
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

def sklearn_recipe(estimator):
    """Train a fresh copy of a scikit-learn model on some rows; return its predict function."""
    def train(frame):
        fitted = clone(estimator).fit(frame[feature_cols], frame[target])
        return lambda rows: fitted.predict_proba(rows[feature_cols])[:, 1]
    return train

def network_recipe(make_model, lr, weight_decay=0.0, epochs=100):
    """Train a fresh network, as in Lesson 4, on some rows; return its predict function."""
    def train(frame):
        ds = IPODataset(frame)                       # the scaling of these rows only
        torch.manual_seed(0)
        net = make_model().to(device)
        optimizer = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=weight_decay)
        loader = make_loader(ds)
        for epoch in range(epochs):
            train_one_epoch(net, loader, optimizer)
        return lambda rows: predict_proba(net, IPODataset(rows, stats=(ds.mean, ds.std)))
    return train

recipes = {
    "majority class": sklearn_recipe(DummyClassifier(strategy="most_frequent")),
    "logistic regression": sklearn_recipe(make_pipeline(
        FunctionTransformer(np.log1p), StandardScaler(), LogisticRegression(C=np.inf))),
    "network (Lesson 4)": network_recipe(IPOClassifier, lr=0.001),
}


# %%
folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)

def cross_validate(train):
    """Accuracy and ROC-AUC on each held-out fold of the 255 development rows."""
    rows = []
    for fit_idx, held_idx in folds.split(dev_df, dev_df[target]):
        predict = train(dev_df.iloc[fit_idx])
        held = dev_df.iloc[held_idx]
        probs = predict(held)
        rows.append({"accuracy": accuracy_score(held[target], probs > 0.5),
                     "roc_auc": roc_auc_score(held[target], probs)})
    return pd.DataFrame(rows)

cv = {name: cross_validate(train) for name, train in recipes.items()}
for name, s in cv.items():
    print(f"{name:20s} accuracy {s['accuracy'].mean():.3f} ± {s['accuracy'].std():.3f}"
          f" | ROC-AUC {s['roc_auc'].mean():.3f} ± {s['roc_auc'].std():.3f}")
# Output:
# majority class       accuracy 0.537 ± 0.011 | ROC-AUC 0.500 ± 0.000
# logistic regression  accuracy 0.667 ± 0.087 | ROC-AUC 0.712 ± 0.098
# network (Lesson 4)   accuracy 0.663 ± 0.056 | ROC-AUC 0.707 ± 0.068


# %%
diff = cv["network (Lesson 4)"]["accuracy"] - cv["logistic regression"]["accuracy"]
print("network minus logistic regression, fold by fold:", diff.round(3).tolist())
print(f"mean {diff.mean():.3f}, standard deviation {diff.std():.3f}")
# Output:
# network minus logistic regression, fold by fold: [-0.078, -0.02, 0.02, 0.078, -0.02]
# mean -0.004, standard deviation 0.058


# %% [markdown]
# ## Overfitting: when a bigger model does worse


# %%
class WideClassifier(nn.Module):
    """Lesson 3's shape, two hidden layers, but 64 units in each."""
    def __init__(self, n_features=6, hidden=64, dropout=0.0):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, 1),
        )
    def forward(self, x):
        return self.net(x)

torch.manual_seed(0)
wide = WideClassifier().to(device)
print("parameters:", sum(p.numel() for p in wide.parameters()), "for", len(train_ds), "training rows")
optimizer = torch.optim.Adam(wide.parameters(), lr=0.003)
wide_history = fit(wide, optimizer, train_ds, val_ds, epochs=100)
lowest = min(wide_history["val_loss"])
print(f"lowest validation loss {lowest:.4f} at epoch {wide_history['val_loss'].index(lowest) + 1}")
# Output:
# parameters: 4673 for 204 training rows
# epoch  20 | train loss 0.5532 acc 0.740 | val loss 0.5637 acc 0.667
# epoch  40 | train loss 0.4478 acc 0.799 | val loss 0.6009 acc 0.725
# epoch  60 | train loss 0.3413 acc 0.863 | val loss 0.6696 acc 0.667
# epoch  80 | train loss 0.2548 acc 0.917 | val loss 0.8512 acc 0.588
# epoch 100 | train loss 0.2078 acc 0.936 | val loss 0.9561 acc 0.667
# lowest validation loss 0.5469 at epoch 24


# %%
import matplotlib.pyplot as plt

epochs = range(1, 101)
plt.plot(epochs, wide_history["train_loss"], label="training rows")
plt.plot(epochs, wide_history["val_loss"], label="validation rows")
plt.xlabel("epoch"); plt.ylabel("loss"); plt.legend()
plt.show()


# %% [markdown]
# ## Remedies for overfitting


# %% [markdown]
# ### Weight decay


# %%
torch.manual_seed(0)
wide_wd = WideClassifier().to(device)
optimizer = torch.optim.Adam(wide_wd.parameters(), lr=0.003, weight_decay=0.01)
wd_history = fit(wide_wd, optimizer, train_ds, val_ds, epochs=100)
# Output:
# epoch  20 | train loss 0.6036 acc 0.676 | val loss 0.5629 acc 0.725
# epoch  40 | train loss 0.5952 acc 0.686 | val loss 0.5573 acc 0.706
# epoch  60 | train loss 0.5901 acc 0.701 | val loss 0.5556 acc 0.706
# epoch  80 | train loss 0.5879 acc 0.706 | val loss 0.5554 acc 0.667
# epoch 100 | train loss 0.5823 acc 0.706 | val loss 0.5513 acc 0.667


# %% [markdown]
# ### Dropout


# %%
torch.manual_seed(0)                     # seeds the initial weights and the dropout masks
wide_dropout = WideClassifier(dropout=0.3).to(device)
optimizer = torch.optim.Adam(wide_dropout.parameters(), lr=0.003)
dropout_history = fit(wide_dropout, optimizer, train_ds, val_ds, epochs=100)
# Output:
# epoch  20 | train loss 0.5871 acc 0.696 | val loss 0.5608 acc 0.706
# epoch  40 | train loss 0.5509 acc 0.730 | val loss 0.5593 acc 0.686
# epoch  60 | train loss 0.5156 acc 0.750 | val loss 0.5764 acc 0.686
# epoch  80 | train loss 0.4806 acc 0.779 | val loss 0.6124 acc 0.667
# epoch 100 | train loss 0.4408 acc 0.814 | val loss 0.5991 acc 0.667


# %% [markdown]
# ### Early stopping


# %%
import copy

def train_early_stopping(model, optimizer, train_ds, val_ds, max_epochs=100, patience=10):
    """Train until the validation loss stops improving; keep the best epoch's weights."""
    loader = make_loader(train_ds)
    best_loss, best_epoch, best_state = float("inf"), 0, None
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model, loader, optimizer)
        val_loss, _ = evaluate(model, val_ds)
        if val_loss < best_loss:
            best_loss, best_epoch = val_loss, epoch
            best_state = copy.deepcopy(model.state_dict())   # a copy, not a reference
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(best_state)    # back to the best epoch's weights
    return epoch, best_epoch, best_loss

torch.manual_seed(0)
wide_es = WideClassifier().to(device)
optimizer = torch.optim.Adam(wide_es.parameters(), lr=0.003)
stopped, best_epoch, best_loss = train_early_stopping(wide_es, optimizer, train_ds, val_ds)
print(f"stopped after epoch {stopped}; best validation loss {best_loss:.4f} at epoch {best_epoch}")
# Output: stopped after epoch 13; best validation loss 0.5551 at epoch 3


# %% [markdown]
# ### What the remedies did, cross-validated


# %%
def early_stopping_recipe(lr=0.003):
    """Hold out a fifth of whatever rows it is given, and stop on them."""
    def train(frame):
        order = torch.randperm(len(frame), generator=torch.Generator().manual_seed(1)).numpy()
        n_fit = int(0.8 * len(frame))
        fit_ds = IPODataset(frame.iloc[order[:n_fit]])
        stop_ds = IPODataset(frame.iloc[order[n_fit:]], stats=(fit_ds.mean, fit_ds.std))
        torch.manual_seed(0)
        net = WideClassifier().to(device)
        train_early_stopping(net, torch.optim.Adam(net.parameters(), lr=lr), fit_ds, stop_ds)
        return lambda rows: predict_proba(net, IPODataset(rows, stats=(fit_ds.mean, fit_ds.std)))
    return train

recipes.update({
    "wide, no remedy": network_recipe(WideClassifier, lr=0.003),
    "wide + weight decay": network_recipe(WideClassifier, lr=0.003, weight_decay=0.01),
    "wide + dropout": network_recipe(lambda: WideClassifier(dropout=0.3), lr=0.003),
    "wide + early stopping": early_stopping_recipe(),
})
for name in list(recipes)[3:]:
    cv[name] = cross_validate(recipes[name])
def mean_std(values):
    return f"{values.mean():.3f} ± {values.std():.3f}"

cv_table = pd.DataFrame({name: {"accuracy": mean_std(s["accuracy"]), "ROC-AUC": mean_std(s["roc_auc"])}
                         for name, s in cv.items()}).T
print(cv_table)
# Output:
#                             accuracy        ROC-AUC
# majority class         0.537 ± 0.011  0.500 ± 0.000
# logistic regression    0.667 ± 0.087  0.712 ± 0.098
# network (Lesson 4)     0.663 ± 0.056  0.707 ± 0.068
# wide, no remedy        0.592 ± 0.054  0.637 ± 0.046
# wide + weight decay    0.671 ± 0.073  0.701 ± 0.082
# wide + dropout         0.651 ± 0.051  0.665 ± 0.063
# wide + early stopping  0.659 ± 0.069  0.708 ± 0.074


# %% [markdown]
# ## Saving and loading a model


# %%
checkpoint = {"model_state": model.state_dict(), "mean": train_ds.mean, "std": train_ds.std}
torch.save(checkpoint, "ipo_classifier.pt")
print(list(checkpoint["model_state"].keys()))
# Output: ['net.0.weight', 'net.0.bias', 'net.2.weight', 'net.2.bias', 'net.4.weight', 'net.4.bias']


# %%
loaded = torch.load("ipo_classifier.pt", map_location=device)
restored = IPOClassifier().to(device)
restored.load_state_dict(loaded["model_state"])
print("same validation probabilities:", np.array_equal(predict_proba(restored, val_ds), val_probs))
# Output: same validation probabilities: True


# %% [markdown]
# ### Predicting for a new IPO


# %%
new_ipo = pd.DataFrame([{
    "Issue_Size": 1500.0, "Subscription_QIB": 40.0, "Subscription_HNI": 80.0,
    "Subscription_RII": 10.0, "Subscription_Total": 35.0, "Issue_Price": 450.0,
    "Listing_Gains": 0,                   # unknown; IPODataset needs a label column
}])
new_ds = IPODataset(new_ipo, stats=(loaded["mean"], loaded["std"]))   # the saved scaling
x_unprepared = torch.tensor(new_ipo[feature_cols].to_numpy(), dtype=torch.float32)
with torch.no_grad():
    p_unprepared = torch.sigmoid(restored(x_unprepared.to(device))).item()
print("prepared features:", [round(v, 2) for v in new_ds.X[0].tolist()])
print("probability of a listing gain:", round(predict_proba(restored, new_ds)[0], 3))
print("the same row, unprepared:", round(p_unprepared, 3))
# Output:
# prepared features: [0.75, 1.03, 1.0, 0.83, 0.95, 0.57]
# probability of a listing gain: 0.778
# the same row, unprepared: 1.0


# %% [markdown]
# ## The final evaluation


# %%
# ---- FINAL EVALUATION: the only block that touches the test rows ----
from scipy.stats import binomtest

test_y = test_df[target].to_numpy()
test_probs = {name: train(dev_df)(test_df) for name, train in recipes.items()}   # trained on all 255
final = pd.DataFrame({"CV accuracy": cv_table["accuracy"]})
final["test accuracy"] = {name: accuracy_score(test_y, p > 0.5) for name, p in test_probs.items()}
final["test ROC-AUC"] = {name: roc_auc_score(test_y, p) for name, p in test_probs.items()}
print(final.round(3).to_string())

net_right = (test_probs["network (Lesson 4)"] > 0.5) == test_y
lr_right = (test_probs["logistic regression"] > 0.5) == test_y
only_net, only_lr = int((net_right & ~lr_right).sum()), int((~net_right & lr_right).sum())
mcnemar = binomtest(only_net, only_net + only_lr, 0.5)
print(f"network right, logistic regression wrong: {only_net}; the reverse: {only_lr};"
      f" McNemar exact p = {mcnemar.pvalue:.3f}")

rng = np.random.default_rng(0)
boot = [net_right[i].mean() - lr_right[i].mean()
        for i in rng.integers(0, len(test_y), size=(2000, len(test_y)))]
print("accuracy difference, network minus logistic regression:",
      round(net_right.mean() - lr_right.mean(), 3),
      " 95% bootstrap interval:", np.percentile(boot, [2.5, 97.5]).round(3).tolist())

earlier, later = df.iloc[:n_dev], df.iloc[n_dev:]        # the file is in date order
print("gain rate, earlier", len(earlier), "IPOs:", round(earlier[target].mean(), 3),
      " later", len(later), "IPOs:", round(later[target].mean(), 3))
holdouts = {}
for name in ["majority class", "logistic regression", "network (Lesson 4)"]:
    holdouts[name] = {
        "random hold-out": accuracy_score(test_y, test_probs[name] > 0.5),
        "chronological hold-out": accuracy_score(later[target], recipes[name](earlier)(later) > 0.5),
    }
holdouts["always 'gain'"] = {"random hold-out": test_y.mean(), "chronological hold-out": later[target].mean()}
print(pd.DataFrame(holdouts).T.round(3))
# Output:
#                          CV accuracy  test accuracy  test ROC-AUC
# majority class         0.537 ± 0.011          0.578         0.500
# logistic regression    0.667 ± 0.087          0.719         0.724
# network (Lesson 4)     0.663 ± 0.056          0.688         0.712
# wide, no remedy        0.592 ± 0.054          0.641         0.682
# wide + weight decay    0.671 ± 0.073          0.688         0.731
# wide + dropout         0.651 ± 0.051          0.656         0.687
# wide + early stopping  0.659 ± 0.069          0.672         0.731
# network right, logistic regression wrong: 3; the reverse: 5; McNemar exact p = 0.727
# accuracy difference, network minus logistic regression: -0.031  95% bootstrap interval: [-0.125, 0.062]
# gain rate, earlier 255 IPOs: 0.498  later 64 IPOs: 0.734
#                      random hold-out  chronological hold-out
# majority class                 0.578                   0.266
# logistic regression            0.719                   0.688
# network (Lesson 4)             0.688                   0.641
# always 'gain'                  0.578                   0.734


# %% [markdown]
# ## What six features can and cannot predict


# %% [markdown]
# ## Practice exercises


# %% [markdown]
# ### Exercise 1: choose a threshold on the validation rows
#
# The network predicts a gain when its probability is above 0.5. Compute accuracy, precision and
# recall on the validation rows for thresholds from 0.3 to 0.7 in steps of 0.1. Which threshold would
# suit an investor who wants to avoid false alarms?


# %%
for threshold in [0.3, 0.4, 0.5, 0.6, 0.7]:
    preds = (val_probs > threshold).astype(int)
    print(f"threshold {threshold}: accuracy {accuracy_score(val_y, preds):.3f}"
          f"  precision {precision_score(val_y, preds, zero_division=0.0):.3f}"
          f"  recall {recall_score(val_y, preds):.3f}  predicted gains {preds.sum()}")
# Output:
# threshold 0.3: accuracy 0.667  precision 0.659  recall 0.900  predicted gains 41
# threshold 0.4: accuracy 0.627  precision 0.657  recall 0.767  predicted gains 35
# threshold 0.5: accuracy 0.706  precision 0.778  recall 0.700  predicted gains 27
# threshold 0.6: accuracy 0.725  precision 0.900  recall 0.600  predicted gains 20
# threshold 0.7: accuracy 0.706  precision 0.941  recall 0.533  predicted gains 17


# %% [markdown]
# ### Exercise 2: what did logistic regression learn?
#
# Logistic regression has one weight per feature, and because the features are prepared the same way
# (`log1p`, then standardised), the weights are comparable: a larger weight means a stronger effect
# of a one-standard-deviation change. Print the six weights of the converged `sk_logreg` next to the
# feature names, sorted. Which feature matters most?


# %%
weights = pd.Series(sk_logreg.coef_[0], index=feature_cols)
print(weights.round(3).sort_values())
# Output:
# Subscription_Total   -0.200
# Subscription_HNI      0.027
# Issue_Price           0.086
# Issue_Size            0.196
# Subscription_RII      0.451
# Subscription_QIB      0.653
# dtype: float32


# %% [markdown]
# ### Exercise 3: does log1p help, cross-validated?
#
# Lesson 4 compared raw and `log1p` features on one validation split, and the two measures
# disagreed. Ask again with cross-validation: run the network and logistic regression through the
# same folds with raw (scaled, but not logged) features.


# %%
def raw_network(frame):
    ds = IPODataset(frame, log=False)                # no log1p
    torch.manual_seed(0)
    net = IPOClassifier().to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
    loader = make_loader(ds)
    for epoch in range(100):
        train_one_epoch(net, loader, optimizer)
    return lambda rows: predict_proba(net, IPODataset(rows, stats=(ds.mean, ds.std), log=False))

raw_logreg = sklearn_recipe(make_pipeline(StandardScaler(), LogisticRegression(C=np.inf)))
for name, s in [("network, log1p", cv["network (Lesson 4)"]), ("network, raw", cross_validate(raw_network)),
                ("logistic regression, log1p", cv["logistic regression"]),
                ("logistic regression, raw", cross_validate(raw_logreg))]:
    print(f"{name:27s} accuracy {mean_std(s['accuracy'])} | ROC-AUC {mean_std(s['roc_auc'])}")
# Output:
# network, log1p              accuracy 0.663 ± 0.056 | ROC-AUC 0.707 ± 0.068
# network, raw                accuracy 0.663 ± 0.078 | ROC-AUC 0.692 ± 0.088
# logistic regression, log1p  accuracy 0.667 ± 0.087 | ROC-AUC 0.712 ± 0.098
# logistic regression, raw    accuracy 0.647 ± 0.075 | ROC-AUC 0.670 ± 0.075
