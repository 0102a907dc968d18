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
# # Lesson 6 - Improving and Testing: companion notebook
#
# The code of Lesson 6, ready to run, followed by practice exercises to try yourself: each has a
# starter to complete, a check that tells you whether your answer is right, and a collapsed
# solution. The first code cell gets the dataset, `indian_ipo.csv`, and checks it. Each
# `# Output:` comment shows what the line above it prints; the course's tests check every one of
# them. Running it writes one file, `ipo_classifier.pt`, next to the notebook. The
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

def predict_proba(model, ds):
    """The model's probability of a gain for every row of a dataset, as a NumPy array."""
    model.eval()
    with torch.no_grad():
        return torch.sigmoid(model(ds.X.to(device))).cpu().numpy()[:, 0]

val_probs = predict_proba(model, val_ds)
# Output: epoch 100 | train loss 0.5921 acc 0.686 | val loss 0.5473 acc 0.706


# %%
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
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

def mean_std(values):
    return f"{values.mean():.3f} ± {values.std():.3f}"

cv = {name: cross_validate(train) for name, train in recipes.items()}
for name, s in cv.items():
    print(f"{name:20s} accuracy {mean_std(s['accuracy'])} | ROC-AUC {mean_std(s['roc_auc'])}")
# Output:
# majority class       accuracy 0.537 ± 0.011 | ROC-AUC 0.500 ± 0.000
# logistic regression  accuracy 0.667 ± 0.087 | ROC-AUC 0.712 ± 0.098
# network (Lesson 4)   accuracy 0.663 ± 0.056 | ROC-AUC 0.707 ± 0.068


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
#
# Now it is your turn. Each exercise has a starter cell to complete (replace each `...`), a check
# cell that tells you whether your answer is right (with a hint when it is not), and the solution,
# collapsed: click it to expand it once you have tried. Each one continues from the code above,
# and none of them touches the test rows.


# %% [markdown]
# ### Exercise 1: a low-demand IPO
#
# Load the checkpoint from `ipo_classifier.pt` into a fresh `IPOClassifier`, and predict for the same
# made-up IPO as above, but with weak demand: QIB 1.0, HNI 1.5, RII 1.2, total 1.2 times subscribed.
# Does the model predict a gain?


# %% tags=["starter"]
# Your code here

p_weak = ...  # the model's probability of a listing gain for the weak-demand IPO, a float
prediction = ...  # "gain" or "no gain"


# %% tags=["check"]
check((p_weak, prediction), "WzAuNDExMjgyNjU4NTc2OTY1MzMsICJubyBnYWluIl0=", "Repeat the loading steps (torch.load with map_location=device, "
      "a new IPOClassifier, load_state_dict); build the row as a one-row DataFrame with a "
      "Listing_Gains column, wrap it in an IPODataset with the checkpoint's mean and std, and call "
      "predict_proba.")


# %% tags=["solution"]
checkpoint = torch.load("ipo_classifier.pt", map_location=device)
reloaded = IPOClassifier().to(device)
reloaded.load_state_dict(checkpoint["model_state"])

weak_ipo = pd.DataFrame([{
    "Issue_Size": 1500.0, "Subscription_QIB": 1.0, "Subscription_HNI": 1.5,
    "Subscription_RII": 1.2, "Subscription_Total": 1.2, "Issue_Price": 450.0,
    "Listing_Gains": 0,
}])
weak_ds = IPODataset(weak_ipo, stats=(checkpoint["mean"], checkpoint["std"]))
p_weak = predict_proba(reloaded, weak_ds)[0]
prediction = "gain" if p_weak > 0.5 else "no gain"
print("probability of a listing gain:", round(p_weak, 3))
print("prediction:", prediction)
# Output:
# probability of a listing gain: 0.411
# prediction: no gain


# %% [markdown] tags=["solution"]
# With the same size and price but barely subscribed, the probability drops from 0.778 to 0.411,
# below the decision threshold, so the model predicts no gain. Comparing two made-up rows that
# differ only in demand is a simple way to see what a model has learned, and it is fair only because
# both rows went through the saved preparation. But remember the final evaluation: this network
# showed no evidence of beating logistic regression and fell below "always gain" on the later IPOs,
# so the probability is a rough guess, not a forecast to trade on.


# %% [markdown]
# ### Exercise 2: more patience
#
# Early stopping with a patience of 10 stopped at epoch 13, although the run without a remedy
# reached a lower validation loss later. Run early stopping again with a patience of 30 and compare
# the epoch it keeps, its validation loss and its validation accuracy.


# %% tags=["starter"]
# Your code here

kept_epoch = ...  # with a patience of 30: the epoch whose weights early stopping keeps
kept_val_loss = ...  # and that epoch's validation loss


# %% tags=["check"]
check((kept_epoch, kept_val_loss), "WzI0LCAwLjU0Njg4NDQxNzUzMzg3NDVd", "train_early_stopping takes a patience argument and returns "
      "the epoch it stopped at, the best epoch and the best validation loss; build a fresh "
      "WideClassifier after torch.manual_seed(0), with Adam at lr=0.003, as above.", digits=4)


# %% tags=["solution"]
for patience in [10, 30]:
    torch.manual_seed(0)
    net = WideClassifier().to(device)
    stopped, best_epoch, best_loss = train_early_stopping(
        net, torch.optim.Adam(net.parameters(), lr=0.003), train_ds, val_ds, patience=patience)
    print(f"patience {patience}: stopped after epoch {stopped}, best validation loss {best_loss:.4f}"
          f" at epoch {best_epoch}, validation accuracy {evaluate(net, val_ds)[1]:.3f}")
# Output:
# patience 10: stopped after epoch 13, best validation loss 0.5551 at epoch 3, validation accuracy 0.745
# patience 30: stopped after epoch 54, best validation loss 0.5469 at epoch 24, validation accuracy 0.667

kept_epoch, kept_val_loss = best_epoch, best_loss  # the run with a patience of 30


# %% [markdown] tags=["solution"]
# With more patience the loop waits out the flat stretch and keeps epoch 24, whose validation loss,
# 0.5469, is a little lower than epoch 3's 0.5551. Its validation accuracy is lower, though: 0.667
# against 0.745, four IPOs out of 51. The two measures disagree and both gaps are small, so 51
# validation rows give thin evidence for either patience. The patience is a setting like any other,
# chosen on validation rows, and cross-validation is the way to settle it, not the test rows.


# %% [markdown]
# ### Exercise 3: could you have seen the drift without the test rows?
#
# The final evaluation found that IPOs from the last period gained far more often than earlier ones,
# and that models trained on the past fell below "always gain" there. Check whether the development
# rows alone show the same thing: put them back in date order, train logistic regression and the
# network on the first 80% of them, and score the last 20 percent.


# %% tags=["starter"]
# Your code here

recent_accuracy = {
    "logistic regression": ...,  # accuracy on the last fifth of the development rows
    "network (Lesson 4)": ...,
    "always 'gain'": ...,
}


# %% tags=["check"]
check(recent_accuracy, "eyJhbHdheXMgJ2dhaW4nIjogMC43NDUwOTgwMzkyMTU2ODYzLCAibG9naXN0aWMgcmVncmVzc2lvbiI6IDAuNjg2Mjc0NTA5ODAzOTIxNiwgIm5ldHdvcmsgKExlc3NvbiA0KSI6IDAuNjQ3MDU4ODIzNTI5NDExOH0=", "dev_df.sort_index() restores the date order; past is the first "
      "int(0.8 * len(...)) rows, recent the rest. recipes[name](past) returns a function that predicts "
      "probabilities for recent; a prediction of gain is a probability above 0.5.")


# %% tags=["solution"]
in_order = dev_df.sort_index()                 # the development rows, back in date order
n_past = int(0.8 * len(in_order))
past, recent = in_order.iloc[:n_past], in_order.iloc[n_past:]
print("gain rate, past:", round(past[target].mean(), 3), " recent:", round(recent[target].mean(), 3))
recent_accuracy = {}
for name in ["logistic regression", "network (Lesson 4)"]:
    probs = recipes[name](past)(recent)
    recent_accuracy[name] = accuracy_score(recent[target], probs > 0.5)
    print(f"{name:20s} accuracy on the recent rows {recent_accuracy[name]:.3f}")
recent_accuracy["always 'gain'"] = recent[target].mean()
print("always 'gain' on the recent rows:", round(recent_accuracy["always 'gain'"], 3))
# Output:
# gain rate, past: 0.485  recent: 0.745
# logistic regression  accuracy on the recent rows 0.686
# network (Lesson 4)   accuracy on the recent rows 0.647
# always 'gain' on the recent rows: 0.745


# %% [markdown] tags=["solution"]
# Yes. Within the development rows the recent fifth gained 0.745 of the time against 0.485 before,
# and both models trained on the past, at 0.686 and 0.647, fall below the 0.745 of always guessing
# "gain", as they did on the later test IPOs. The gaps to "always gain" are only a few IPOs out of
# 51, but the jump in the gain rate itself is large, and it is the warning. A time-ordered
# validation split, made before the test rows are ever touched, would have raised the alarm: when a
# model will be used on future data, validate in time order too.
