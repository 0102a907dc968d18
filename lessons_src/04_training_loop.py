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
# # Lesson 4 - The Training Loop: companion notebook
#
# The code of Lesson 4, ready to run, followed by practice exercises to try yourself: each has a
# starter to complete, a check that tells you whether your answer is right, and a collapsed
# solution. The first code cell gets the dataset, `indian_ipo.csv`, and checks it. Each
# `# Output:` comment shows what the line above it prints; the course's tests check every one of
# them.


# %% [markdown]
# ## Three kinds of rows


# %%
import pandas as pd
import torch
from torch import nn

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

print("training rows:", len(train_df), " validation rows:", len(val_df), " test rows:", len(test_df))
print("gain rate, training rows:  ", round(train_df[target].mean(), 3))
print("gain rate, validation rows:", round(val_df[target].mean(), 3))
# Output:
# training rows: 204  validation rows: 51  test rows: 64
# gain rate, training rows:   0.525
# gain rate, validation rows: 0.588


# %% [markdown]
# ## A look at the training rows


# %%
print((train_df[feature_cols] == 0).sum())
# Output:
# Issue_Size             3
# Subscription_QIB      10
# Subscription_HNI       3
# Subscription_RII       4
# Subscription_Total     3
# Issue_Price            2
# dtype: int64


# %%
summary = train_df[feature_cols].agg(["median", "mean", "max"]).T
summary["skew"] = train_df[feature_cols].skew()
print(summary.round(1))
# Output:
#                     median    mean      max  skew
# Issue_Size           519.3  1336.5  21000.0   4.5
# Subscription_QIB       3.7    26.3    215.4   2.1
# Subscription_HNI       4.3    70.1    958.1   3.1
# Subscription_RII       3.3     7.5     81.2   3.5
# Subscription_Total     4.0    26.8    277.3   2.7
# Issue_Price          251.0   380.2   2150.0   1.8


# %%
import numpy as np
print("log1p(0) =", np.log1p(0.0), " log1p(4.9) =", round(np.log1p(4.9), 2), " log1p(958) =", round(np.log1p(958.0), 2))
print(np.log1p(train_df[feature_cols]).skew().round(1))
# Output:
# log1p(0) = 0.0  log1p(4.9) = 1.77  log1p(958) = 6.87
# Issue_Size           -0.6
# Subscription_QIB      0.5
# Subscription_HNI      0.6
# Subscription_RII      0.6
# Subscription_Total    0.6
# Issue_Price          -1.2
# dtype: float64


# %% [markdown]
# ## A custom Dataset


# %%
from torch.utils.data import Dataset, DataLoader

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
val_ds = IPODataset(val_df, stats=(train_ds.mean, train_ds.std))
print("rows:", len(train_ds), len(val_ds))
features, label = train_ds[0]
print(features, label)
print("validation means:", [round(v, 2) + 0.0 for v in val_ds.X.mean(dim=0).tolist()])
# Output:
# rows: 204 51
# tensor([0.5865, 1.8436, 1.5412, 0.5919, 1.6124, 0.5925]) tensor([1.])
# validation means: [-0.22, 0.01, 0.16, 0.4, 0.14, -0.22]


# %% [markdown]
# ## From a dataset to mini-batches


# %%
loader = DataLoader(train_ds, batch_size=32, shuffle=True,
                    generator=torch.Generator().manual_seed(0))
print("batches per pass:", len(loader))
print("batch sizes:", [len(xb) for xb, yb in loader])
xb, yb = next(iter(loader))
print(xb.shape, yb.shape)
# Output:
# batches per pass: 7
# batch sizes: [32, 32, 32, 32, 32, 32, 12]
# torch.Size([32, 6]) torch.Size([32, 1])


# %% [markdown]
# ## One device, chosen once


# %%
device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else torch.device("cpu")
print("device:", device)

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
model = IPOClassifier().to(device)
print("parameters:", sum(p.numel() for p in model.parameters()), "on", next(model.parameters()).device)
# Output:
# device: cpu
# parameters: 257 on cpu


# %% [markdown]
# ## One training step, as code


# %%
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

xb, yb = xb.to(device), yb.to(device)   # step 1: the batch goes where the model is
logits = model(xb)              # step 2: forward pass
loss = loss_fn(logits, yb)      # step 3: the loss
optimizer.zero_grad()           # step 4: clear the old gradients...
loss.backward()                 #         ...and backpropagate
optimizer.step()                # step 5: update every weight

print("loss before the step:", round(loss.item(), 4))
with torch.no_grad():
    print("loss after the step: ", round(loss_fn(model(xb), yb).item(), 4))
# Output:
# loss before the step: 0.7455
# loss after the step:  0.7413


# %% [markdown]
# ## Epochs: the loop, repeated


# %%
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


# %%
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
loss, acc = evaluate(model, val_ds)
print(f"before training: val loss {loss:.4f} acc {acc:.3f}")

optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
history = fit(model, optimizer, train_ds, val_ds, epochs=100)
# Output:
# before training: val loss 0.7451 acc 0.412
# epoch  20 | train loss 0.6287 acc 0.637 | val loss 0.5690 acc 0.706
# epoch  40 | train loss 0.6144 acc 0.667 | val loss 0.5582 acc 0.706
# epoch  60 | train loss 0.6075 acc 0.652 | val loss 0.5574 acc 0.706
# epoch  80 | train loss 0.6024 acc 0.662 | val loss 0.5688 acc 0.686
# epoch 100 | train loss 0.5964 acc 0.667 | val loss 0.5639 acc 0.725


# %% [markdown]
# ## The learning rate


# %%
for lr in [0.001, 0.01, 0.1, 1.0, 10.0]:
    torch.manual_seed(0)
    model = IPOClassifier().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    h = fit(model, optimizer, train_ds, val_ds, epochs=20, log_every=0)
    print(f"lr {lr:<6} train loss {h['train_loss'][-1]:.4f} | val loss {h['val_loss'][-1]:.4f}")
# Output:
# lr 0.001  train loss 0.7185 | val loss 0.7398
# lr 0.01   train loss 0.6991 | val loss 0.7043
# lr 0.1    train loss 0.6287 | val loss 0.5690
# lr 1.0    train loss 0.5851 | val loss 0.5571
# lr 10.0   train loss 0.7207 | val loss 0.7451


# %% [markdown]
# ## A better optimizer: Adam


# %%
torch.manual_seed(0)
model = IPOClassifier().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
history = fit(model, optimizer, train_ds, val_ds, epochs=100)
# Output:
# epoch  20 | train loss 0.6379 acc 0.637 | val loss 0.5933 acc 0.725
# epoch  40 | train loss 0.6127 acc 0.676 | val loss 0.5504 acc 0.706
# epoch  60 | train loss 0.6036 acc 0.686 | val loss 0.5467 acc 0.706
# epoch  80 | train loss 0.5977 acc 0.672 | val loss 0.5447 acc 0.686
# epoch 100 | train loss 0.5921 acc 0.686 | val loss 0.5473 acc 0.706


# %% [markdown]
# ### Does log1p help?


# %%
raw_train = IPODataset(train_df, log=False)
raw_val = IPODataset(val_df, stats=(raw_train.mean, raw_train.std), log=False)
torch.manual_seed(0)
raw_model = IPOClassifier().to(device)
raw_history = fit(raw_model, torch.optim.Adam(raw_model.parameters(), lr=0.001),
                  raw_train, raw_val, epochs=100, log_every=0)
for name, h in [("raw features", raw_history), ("log1p features", history)]:
    best = min(h["val_loss"])
    print(f"{name:15s} val loss at epoch 100 {h['val_loss'][-1]:.4f}, lowest {best:.4f}"
          f" | val acc at epoch 100 {h['val_acc'][-1]:.3f}")
# Output:
# raw features    val loss at epoch 100 0.5537, lowest 0.5516 | val acc at epoch 100 0.765
# log1p features  val loss at epoch 100 0.5473, lowest 0.5443 | val acc at epoch 100 0.706


# %% [markdown]
# ### Reading the loss curves


# %%
import matplotlib.pyplot as plt

epochs = range(1, len(history["train_loss"]) + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
ax_loss.plot(epochs, history["train_loss"], label="training rows")
ax_loss.plot(epochs, history["val_loss"], label="validation rows")
ax_loss.set_xlabel("epoch"); ax_loss.set_ylabel("loss"); ax_loss.legend()
ax_acc.plot(epochs, history["train_acc"], label="training rows")
ax_acc.plot(epochs, history["val_acc"], label="validation rows")
ax_acc.axhline(val_ds.y.mean().item(), linestyle="--", color="grey", label='always "gain"')
ax_acc.set_xlabel("epoch"); ax_acc.set_ylabel("accuracy"); ax_acc.legend()
plt.show()


# %% [markdown]
# ## How good is it, so far?


# %%
val_loss, val_acc = evaluate(model, val_ds)
print("network, validation accuracy:", round(val_acc, 3))
print("correct validation rows:", round(val_acc * len(val_ds)), "of", len(val_ds))
print("always 'gain', validation rows:", round(val_ds.y.mean().item(), 3))
print("one validation IPO is worth", round(1 / len(val_ds), 3), "of accuracy")
# Output:
# network, validation accuracy: 0.706
# correct validation rows: 36 of 51
# always 'gain', validation rows: 0.588
# one validation IPO is worth 0.02 of accuracy


# %% [markdown]
# ## Practice exercises
#
# Now it is your turn. Each exercise has a starter cell to complete (replace each `...`), a check
# cell that tells you whether your answer is right (with a hint when it is not), and the solution,
# collapsed: click it to expand it once you have tried. Each one continues from the code above:
# the data, `IPODataset`, `IPOClassifier`, `device`, `loss_fn`, `make_loader`, `train_one_epoch`,
# `evaluate` and `fit`.


# %% [markdown]
# ### Exercise 1: forget `zero_grad()`
#
# What goes wrong if the loop leaves out `optimizer.zero_grad()`? Take one batch, call
# `loss.backward()` three times without clearing the gradients, and print the size (the norm) of the
# first layer's weight gradient after each call.


# %% tags=["starter"]
# Your code here: a fresh model after torch.manual_seed(0), the first batch, three backward() calls

norms = [..., ..., ...]  # the first layer's weight gradient norm after each call, as floats


# %% tags=["check"]
check(norms, "WzAuMDI5NTQxNDI1NDA2OTMyODMsIDAuMDU5MDgyODUwODEzODY1NjYsIDAuMDg4NjI0Mjc2MjIwNzk4NDld", "Build the model with torch.manual_seed(0) and move it to device; take "
      "next(iter(make_loader(train_ds))); after each backward(), append "
      "model.net[0].weight.grad.norm().item().", digits=4)


# %% tags=["solution"]
torch.manual_seed(0)
model = IPOClassifier().to(device)
xb, yb = next(iter(make_loader(train_ds)))
xb, yb = xb.to(device), yb.to(device)
first_layer = model.net[0].weight
norms = []
for call in range(1, 4):
    loss = loss_fn(model(xb), yb)
    loss.backward()
    norms.append(first_layer.grad.norm().item())
    print(f"after backward() number {call}: gradient norm {norms[-1]:.4f}")
# Output:
# after backward() number 1: gradient norm 0.0295
# after backward() number 2: gradient norm 0.0591
# after backward() number 3: gradient norm 0.0886


# %% [markdown] tags=["solution"]
# The weights never changed between the calls, so each `backward()` computes the very same gradient
# and adds it to what `.grad` already holds: 0.0295, then twice that, then three times. A loop
# without `zero_grad()` would step with the sum of every earlier gradient, most of them computed for
# weights that no longer exist, and training would lurch around or diverge. Clearing the gradients
# before each backward pass is what makes every step follow the current batch only.


# %% [markdown]
# ### Exercise 2: one big batch
#
# Train a fresh network with Adam (learning rate 0.001) for 100 epochs, but with the whole training
# set as a single batch: `DataLoader(train_ds, batch_size=len(train_ds))`. How many optimizer steps
# is that, compared with the mini-batch run above, and where do the losses end?


# %% tags=["starter"]
# Your code here

total_steps = ...  # optimizer steps in the 100 epochs with one big batch, an integer


# %% tags=["check"]
check(total_steps, "MTAw", "len(loader) is the number of batches, and so of optimizer steps, per "
      "epoch; multiply by the number of epochs.")


# %% tags=["solution"]
torch.manual_seed(0)
model = IPOClassifier().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
full_batch = DataLoader(train_ds, batch_size=len(train_ds))
for epoch in range(100):
    train_one_epoch(model, full_batch, optimizer)
total_steps = len(full_batch) * 100
train_loss, _ = evaluate(model, train_ds)
val_loss, val_acc = evaluate(model, val_ds)
print("steps per epoch:", len(full_batch), "instead of", len(make_loader(train_ds)))
print(f"after 100 epochs: train loss {train_loss:.4f}, val loss {val_loss:.4f}, val acc {val_acc:.3f}")
# Output:
# steps per epoch: 1 instead of 7
# after 100 epochs: train loss 0.6360, val loss 0.5965, val acc 0.745


# %% [markdown] tags=["solution"]
# One step per epoch instead of 7 means a seventh as many updates, and the training loss ends at
# 0.636 instead of the mini-batch run's 0.592: this model is simply less trained. Its validation
# accuracy, 0.745, is above the mini-batch run's 0.706, yet its validation loss, 0.5965, is worse
# than 0.5473. On 51 validation rows one IPO is worth 0.02 of accuracy, so a lead of two IPOs is
# noise, not a reason to prefer an undertrained model. Many cheap, slightly noisy steps instead of a
# few exact ones is why mini-batches are the default.


# %% [markdown]
# ### Exercise 3: a learning rate that is too eager
#
# Adam's default learning rate is 0.001. Train a fresh network with Adam at 0.01 for 100 epochs and
# watch both losses. Then find the epoch where the validation loss was lowest.


# %% tags=["starter"]
# Your code here: torch.manual_seed(0), a fresh IPOClassifier, Adam at 0.01, h = fit(...)

best_epoch = ...  # the epoch (counting from 1) with the lowest validation loss


# %% tags=["check"]
check(best_epoch, "MTQ=", "Start from torch.manual_seed(0) as above. The lowest validation loss is "
      'min(h["val_loss"]); its epoch is its position in the list plus one.')


# %% tags=["solution"]
torch.manual_seed(0)
model = IPOClassifier().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
h = fit(model, optimizer, train_ds, val_ds, epochs=100)
best = h["val_loss"].index(min(h["val_loss"]))
best_epoch = best + 1
print("lowest validation loss:", round(h["val_loss"][best], 4), "at epoch", best_epoch)
# Output:
# epoch  20 | train loss 0.5827 acc 0.706 | val loss 0.5515 acc 0.706
# epoch  40 | train loss 0.5187 acc 0.735 | val loss 0.6064 acc 0.627
# epoch  60 | train loss 0.4575 acc 0.760 | val loss 0.7022 acc 0.627
# epoch  80 | train loss 0.3964 acc 0.833 | val loss 0.8453 acc 0.627
# epoch 100 | train loss 0.3500 acc 0.843 | val loss 0.9304 acc 0.608
# lowest validation loss: 0.5426 at epoch 14


# %% [markdown] tags=["solution"]
# The training loss keeps falling, to 0.35, while the validation loss was lowest, 0.5426, at
# epoch 14 and then climbed to 0.9304: for most of the run the network is memorising the 204
# training rows rather than learning anything that carries over. A larger learning rate is not
# simply faster training; here it overfits quickly. Spotting this and picking the best epoch is the
# validation rows' job, never the test rows'; Lesson 6 turns it into a method, early stopping.
