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
# every one of them. Running it writes one file, `ipo_classifier.pt`, next to the notebook.


# %% [markdown]
# ## The data, model and training loop so far
#
# The data and model from Lesson 3:


# %%
import pandas as pd
import torch
from torch import nn

df = pd.read_csv("indian_ipo.csv")
feature_cols = ["Issue_Size", "Subscription_QIB", "Subscription_HNI",
                "Subscription_RII", "Subscription_Total", "Issue_Price"]
X = torch.tensor(df[feature_cols].to_numpy(), dtype=torch.float32)
y = torch.tensor(df[["Listing_Gains"]].to_numpy(), dtype=torch.float32)

generator = torch.Generator().manual_seed(42)
perm = torch.randperm(len(X), generator=generator)
n_train = int(0.8 * len(X))                 # 255 training rows, 64 test rows
train_idx, test_idx = perm[:n_train], perm[n_train:]
X_train, X_test = X[train_idx], X[test_idx]
y_train, y_test = y[train_idx], y[test_idx]

mean, std = X_train.mean(dim=0), X_train.std(dim=0)   # from the training rows only
X_train = (X_train - mean) / std
X_test = (X_test - mean) / std

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

torch.manual_seed(0)
model = IPOClassifier()

print("train:", tuple(X_train.shape), " test:", tuple(X_test.shape))
# Output: train: (255, 6)  test: (64, 6)


# %% [markdown]
# The training functions from Lesson 4:


# %%
from torch.utils.data import TensorDataset, DataLoader

loss_fn = nn.BCEWithLogitsLoss()

def make_loader(X, y, seed=0):
    return DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True,
                      generator=torch.Generator().manual_seed(seed))

def train_one_epoch(model, loader, optimizer):
    model.train()                       # training mode
    for xb, yb in loader:
        logits = model(xb)              # forward pass
        loss = loss_fn(logits, yb)      # loss
        optimizer.zero_grad()           # clear old gradients
        loss.backward()                 # backpropagation
        optimizer.step()                # update the weights

def evaluate(model, X, y):
    model.eval()                        # evaluation mode
    with torch.no_grad():
        logits = model(X)
        loss = loss_fn(logits, y).item()
        accuracy = ((logits > 0).float() == y).float().mean().item()
    return loss, accuracy

def fit(model, optimizer, loader, epochs, log_every=20):
    history = {"train_loss": [], "test_loss": [], "train_acc": [], "test_acc": []}
    for epoch in range(1, epochs + 1):
        train_one_epoch(model, loader, optimizer)
        train_loss, train_acc = evaluate(model, X_train, y_train)
        test_loss, test_acc = evaluate(model, X_test, y_test)
        for key, value in zip(history, (train_loss, test_loss, train_acc, test_acc)):
            history[key].append(value)
        if log_every and epoch % log_every == 0:
            print(f"epoch {epoch:3d} | train loss {train_loss:.4f} acc {train_acc:.3f}"
                  f" | test loss {test_loss:.4f} acc {test_acc:.3f}")
    return history


# %% [markdown]
# The network of Lesson 4, retrained: Adam, learning rate 0.001, 100 epochs.


# %%
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
history = fit(model, optimizer, make_loader(X_train, y_train), epochs=100, log_every=100)
# Output: epoch 100 | train loss 0.5817 acc 0.690 | test loss 0.6105 acc 0.672


# %% [markdown]
# ## Beyond accuracy: the confusion matrix
#
# Probabilities, then predictions, for the test rows:


# %%
model.eval()
with torch.no_grad():
    probs = torch.sigmoid(model(X_test))      # probability of a gain, one per test IPO
preds = (probs > 0.5).float()                 # 1 = "will gain", 0 = "will not"

print("probabilities:", [round(p, 3) for p in probs[:8, 0].tolist()])
print("predictions:  ", preds[:8, 0].int().tolist())
print("true labels:  ", y_test[:8, 0].int().tolist())
# Output:
# probabilities: [0.354, 0.455, 0.379, 0.403, 0.382, 0.473, 0.904, 0.441]
# predictions:   [0, 0, 0, 0, 0, 0, 1, 0]
# true labels:   [0, 0, 0, 1, 1, 1, 1, 0]


# %% [markdown]
# The four cells of the confusion matrix:


# %%
tp = int(((preds == 1) & (y_test == 1)).sum())
fp = int(((preds == 1) & (y_test == 0)).sum())
fn = int(((preds == 0) & (y_test == 1)).sum())
tn = int(((preds == 0) & (y_test == 0)).sum())
print("TP", tp, " FP", fp, " FN", fn, " TN", tn, " total", tp + fp + fn + tn)
print("right:", tp + tn, " wrong:", fp + fn)
print("predicted gains:", tp + fp, " actual gains:", tp + fn)
# Output:
# TP 22  FP 6  FN 15  TN 21  total 64
# right: 43  wrong: 21
# predicted gains: 28  actual gains: 37


# %% [markdown]
# The same counts as a table, with pandas:


# %%
pd.crosstab(pd.Series(y_test[:, 0].int().tolist(), name="actual"),
            pd.Series(preds[:, 0].int().tolist(), name="predicted"))


# %% [markdown]
# ### Precision and recall


# %%
def classification_metrics(preds, y):
    tp = ((preds == 1) & (y == 1)).sum().item()
    fp = ((preds == 1) & (y == 0)).sum().item()
    fn = ((preds == 0) & (y == 1)).sum().item()
    tn = ((preds == 0) & (y == 0)).sum().item()
    return {
        "accuracy": (tp + tn) / len(y),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
    }

network = classification_metrics(preds, y_test)
print({name: round(value, 3) for name, value in network.items()})
# Output: {'accuracy': 0.672, 'precision': 0.786, 'recall': 0.595}


# %% [markdown]
# ## Baselines: is the network worth it?
#
# Always guessing "gain":


# %%
majority = classification_metrics(torch.ones_like(y_test), y_test)
print({name: round(value, 3) for name, value in majority.items()})
# Output: {'accuracy': 0.578, 'precision': 0.578, 'recall': 1.0}


# %% [markdown]
# Logistic regression: one `nn.Linear(6, 1)`, trained with the same loss and loop.


# %%
torch.manual_seed(0)
logreg = nn.Linear(6, 1)                 # 6 weights and a bias: logistic regression
print("parameters:", sum(p.numel() for p in logreg.parameters()))
optimizer = torch.optim.Adam(logreg.parameters(), lr=0.01)
logreg_history = fit(logreg, optimizer, make_loader(X_train, y_train), epochs=100, log_every=25)
with torch.no_grad():
    logreg_preds = (logreg(X_test) > 0).float()
# Output:
# parameters: 7
# epoch  25 | train loss 0.6186 acc 0.655 | test loss 0.6161 acc 0.656
# epoch  50 | train loss 0.6158 acc 0.655 | test loss 0.6155 acc 0.656
# epoch  75 | train loss 0.6147 acc 0.651 | test loss 0.6163 acc 0.641
# epoch 100 | train loss 0.6140 acc 0.659 | test loss 0.6153 acc 0.641


# %%
results = pd.DataFrame({
    "always gain": majority,
    "logistic regression": classification_metrics(logreg_preds, y_test),
    "network (Lesson 4)": network,
}).T
print(results.round(3))
# Output:
#                      accuracy  precision  recall
# always gain             0.578      0.578   1.000
# logistic regression     0.641      0.792   0.514
# network (Lesson 4)      0.672      0.786   0.595


# %% [markdown]
# How much can 64 test rows tell apart?


# %%
acc = network["accuracy"]
standard_error = (acc * (1 - acc) / len(y_test)) ** 0.5
print("one test IPO is worth", round(1 / len(y_test), 3), "of accuracy")
print("standard error of the network's accuracy:", round(standard_error, 3))
# Output:
# one test IPO is worth 0.016 of accuracy
# standard error of the network's accuracy: 0.059


# %% [markdown]
# ## Overfitting: when a bigger model does worse
#
# Two hidden layers of 64 units, 4673 parameters for 255 training rows:


# %%
class BigClassifier(nn.Module):
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
big = BigClassifier()
print("parameters:", sum(p.numel() for p in big.parameters()), "for", len(X_train), "training rows")
optimizer = torch.optim.Adam(big.parameters(), lr=0.003)
big_history = fit(big, optimizer, make_loader(X_train, y_train), epochs=100)
# Output:
# parameters: 4673 for 255 training rows
# epoch  20 | train loss 0.5550 acc 0.706 | test loss 0.6152 acc 0.641
# epoch  40 | train loss 0.5019 acc 0.733 | test loss 0.6250 acc 0.625
# epoch  60 | train loss 0.4658 acc 0.737 | test loss 0.6522 acc 0.641
# epoch  80 | train loss 0.4298 acc 0.784 | test loss 0.7037 acc 0.578
# epoch 100 | train loss 0.3863 acc 0.831 | test loss 0.7514 acc 0.609


# %% [markdown]
# The lesson's overfitting figure, from the run you just trained:


# %%
import matplotlib.pyplot as plt

epochs = range(1, len(big_history["train_loss"]) + 1)
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(epochs, big_history["train_loss"], label="train")
ax.plot(epochs, big_history["test_loss"], label="test")
ax.set_xlabel("Epoch")
ax.set_ylabel("Loss (binary cross-entropy)")
ax.set_title("A too-large network")
ax.legend()
plt.show()


# %% [markdown]
# ## Remedies for overfitting
#
# ### Weight decay


# %%
torch.manual_seed(0)
big_wd = BigClassifier()
optimizer = torch.optim.Adam(big_wd.parameters(), lr=0.003, weight_decay=0.01)
wd_history = fit(big_wd, optimizer, make_loader(X_train, y_train), epochs=100)
# Output:
# epoch  20 | train loss 0.6012 acc 0.675 | test loss 0.6064 acc 0.688
# epoch  40 | train loss 0.5963 acc 0.675 | test loss 0.6166 acc 0.688
# epoch  60 | train loss 0.5904 acc 0.686 | test loss 0.6065 acc 0.656
# epoch  80 | train loss 0.5888 acc 0.698 | test loss 0.6048 acc 0.656
# epoch 100 | train loss 0.5869 acc 0.706 | test loss 0.6066 acc 0.656


# %% [markdown]
# ### Dropout


# %%
torch.manual_seed(0)                     # seeds the initial weights and the dropout masks
big_dropout = BigClassifier(dropout=0.3)
optimizer = torch.optim.Adam(big_dropout.parameters(), lr=0.003)
dropout_history = fit(big_dropout, optimizer, make_loader(X_train, y_train), epochs=100)
# Output:
# epoch  20 | train loss 0.5837 acc 0.690 | test loss 0.6144 acc 0.656
# epoch  40 | train loss 0.5571 acc 0.706 | test loss 0.6253 acc 0.656
# epoch  60 | train loss 0.5337 acc 0.733 | test loss 0.6195 acc 0.656
# epoch  80 | train loss 0.5133 acc 0.722 | test loss 0.6170 acc 0.672
# epoch 100 | train loss 0.4962 acc 0.722 | test loss 0.6378 acc 0.656


# %% [markdown]
# ### Early stopping
#
# On a validation set carved out of the training rows; the test rows stay untouched.


# %%
import copy

generator = torch.Generator().manual_seed(1)
val_perm = torch.randperm(len(X_train), generator=generator)
n_fit = int(0.8 * len(X_train))
X_fit, y_fit = X_train[val_perm[:n_fit]], y_train[val_perm[:n_fit]]
X_val, y_val = X_train[val_perm[n_fit:]], y_train[val_perm[n_fit:]]
print("rows to fit:", len(X_fit), " validation rows:", len(X_val))

torch.manual_seed(0)
big_es = BigClassifier()
optimizer = torch.optim.Adam(big_es.parameters(), lr=0.003)
fit_loader = make_loader(X_fit, y_fit)
patience = 10                            # epochs to wait for an improvement
best_loss, best_epoch, best_state = float("inf"), 0, None
for epoch in range(1, 101):
    train_one_epoch(big_es, fit_loader, optimizer)
    val_loss, _ = evaluate(big_es, X_val, y_val)
    if val_loss < best_loss:
        best_loss, best_epoch = val_loss, epoch
        best_state = copy.deepcopy(big_es.state_dict())   # a copy, not a reference
    elif epoch - best_epoch >= patience:
        break
big_es.load_state_dict(best_state)       # back to the best epoch's weights
print(f"stopped after epoch {epoch}; best validation loss {best_loss:.4f} at epoch {best_epoch}")
# Output:
# rows to fit: 204  validation rows: 51
# stopped after epoch 34; best validation loss 0.5595 at epoch 24


# %% [markdown]
# ### What the remedies did


# %%
models = {
    "network (Lesson 4)": model,
    "big, no remedy": big,
    "big + weight decay": big_wd,
    "big + dropout": big_dropout,
    "big + early stopping": big_es,
}
rows = {}
for name, m in models.items():
    train_loss, train_acc = evaluate(m, X_train, y_train)
    test_loss, test_acc = evaluate(m, X_test, y_test)
    rows[name] = {"train loss": train_loss, "test loss": test_loss,
                  "train acc": train_acc, "test acc": test_acc}
print(pd.DataFrame(rows).T.round(3))
# Output:
#                       train loss  test loss  train acc  test acc
# network (Lesson 4)         0.582      0.611      0.690     0.672
# big, no remedy             0.386      0.751      0.831     0.609
# big + weight decay         0.587      0.607      0.706     0.656
# big + dropout              0.496      0.638      0.722     0.656
# big + early stopping       0.560      0.618      0.678     0.625


# %%
fig, ax = plt.subplots(figsize=(7, 3.8))
for label, h in [("no remedy", big_history), ("dropout 0.3", dropout_history),
                 ("weight decay 0.01", wd_history)]:
    ax.plot(range(1, len(h["test_loss"]) + 1), h["test_loss"], label=label)
ax.set_xlabel("Epoch")
ax.set_ylabel("Test loss")
ax.legend()
plt.show()


# %% [markdown]
# ## Saving and loading a model
#
# The state dict, saved with the training rows' scaling statistics:


# %%
checkpoint = {"model_state": model.state_dict(), "mean": mean, "std": std}
torch.save(checkpoint, "ipo_classifier.pt")
print(list(checkpoint["model_state"].keys()))
# Output: ['net.0.weight', 'net.0.bias', 'net.2.weight', 'net.2.bias', 'net.4.weight', 'net.4.bias']


# %%
loaded = torch.load("ipo_classifier.pt")
restored = IPOClassifier()
restored.load_state_dict(loaded["model_state"])
restored.eval()
with torch.no_grad():
    print("same test predictions:", torch.equal(restored(X_test), model(X_test)))
# Output: same test predictions: True


# %% [markdown]
# ### Predicting for a new IPO


# %%
new_ipo = pd.DataFrame([{
    "Issue_Size": 1500.0, "Subscription_QIB": 40.0, "Subscription_HNI": 80.0,
    "Subscription_RII": 10.0, "Subscription_Total": 35.0, "Issue_Price": 450.0,
}])
x_new = torch.tensor(new_ipo[feature_cols].to_numpy(), dtype=torch.float32)
x_scaled = (x_new - loaded["mean"]) / loaded["std"]     # the training rows' scaling

with torch.no_grad():
    p_gain = torch.sigmoid(restored(x_scaled)).item()
    p_unscaled = torch.sigmoid(restored(x_new)).item()
print("scaled features:", [round(v, 2) for v in x_scaled[0].tolist()])
print("probability of a listing gain:", round(p_gain, 3))
print("the same row, forgetting to scale:", round(p_unscaled, 3))
# Output:
# scaled features: [0.12, 0.33, 0.05, 0.08, 0.13, 0.22]
# probability of a listing gain: 0.709
# the same row, forgetting to scale: 0.0


# %% [markdown]
# ## Practice exercises
#
# Try each exercise yourself before reading the solution below it.
#
# ### Exercise 1: move the threshold
#
# Accuracy, precision and recall for thresholds of 0.3, 0.5 and 0.7.


# %%
for threshold in [0.3, 0.5, 0.7]:
    m = classification_metrics((probs > threshold).float(), y_test)
    print(threshold, {name: round(value, 3) for name, value in m.items()})
# Output:
# 0.3 {'accuracy': 0.562, 'precision': 0.571, 'recall': 0.973}
# 0.5 {'accuracy': 0.672, 'precision': 0.786, 'recall': 0.595}
# 0.7 {'accuracy': 0.516, 'precision': 0.75, 'recall': 0.243}


# %% [markdown]
# Raising the threshold trades recall for precision; on 64 rows, precision at a high threshold
# rests on only a few predictions.
#
# ### Exercise 2: what did logistic regression learn?
#
# The six weights of `logreg`, one per standardised feature:


# %%
weights = pd.Series(logreg.weight.detach()[0].tolist(), index=feature_cols)
print(weights.round(3).sort_values())
# Output:
# Subscription_Total   -0.332
# Issue_Price          -0.033
# Subscription_HNI      0.020
# Issue_Size            0.048
# Subscription_RII      0.565
# Subscription_QIB      0.962
# dtype: float64


# %% [markdown]
# Institutional demand (`Subscription_QIB`) has by far the largest weight. The negative weight on
# `Subscription_Total`, which overlaps the other subscription columns, is a correction, not evidence
# that demand hurts.
#
# ### Exercise 3: a low-demand IPO
#
# The saved model, loaded afresh, on the same made-up IPO with weak demand:


# %%
checkpoint = torch.load("ipo_classifier.pt")
reloaded = IPOClassifier()
reloaded.load_state_dict(checkpoint["model_state"])
reloaded.eval()

weak_ipo = pd.DataFrame([{
    "Issue_Size": 1500.0, "Subscription_QIB": 1.0, "Subscription_HNI": 1.5,
    "Subscription_RII": 1.2, "Subscription_Total": 1.2, "Issue_Price": 450.0,
}])
x_weak = torch.tensor(weak_ipo[feature_cols].to_numpy(), dtype=torch.float32)
x_weak = (x_weak - checkpoint["mean"]) / checkpoint["std"]
with torch.no_grad():
    p_weak = torch.sigmoid(reloaded(x_weak)).item()
print("probability of a listing gain:", round(p_weak, 3))
print("prediction:", "gain" if p_weak > 0.5 else "no gain")
# Output:
# probability of a listing gain: 0.419
# prediction: no gain


# %% [markdown]
# Weak demand drops the probability from 0.709 to 0.419: the model predicts no gain.
