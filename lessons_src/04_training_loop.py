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
# The code of Lesson 4, ready to run, followed by the practice exercises with worked solutions.
# Save [`indian_ipo.csv`](https://datatweets.com/datasets/indian_ipo.csv) next to this notebook
# first. Each `# Output:` comment shows what the line above it prints; the course's tests check
# every one of them.


# %% [markdown]
# ## The data and model from Lesson 3
#
# The tensors, the seeded 255/64 split, the standardisation fitted on the training rows, and the
# untrained `IPOClassifier`.


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
print("parameters:", sum(p.numel() for p in model.parameters()))
# Output:
# train: (255, 6)  test: (64, 6)
# parameters: 257


# %% [markdown]
# ## Why the test rows stay out of training
#
# The test rows are scaled with the training rows' mean and standard deviation, so their means are
# close to 0 but not exactly 0.


# %%
print("train means:", [round(v, 2) + 0.0 for v in X_train.mean(dim=0).tolist()])
print("test means: ", [round(v, 2) + 0.0 for v in X_test.mean(dim=0).tolist()])
# Output:
# train means: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
# test means:  [-0.05, -0.03, -0.08, -0.06, -0.07, 0.07]


# %% [markdown]
# The score to beat: always guessing "gain" scores the gain rate of the rows you measure on,
# 0.578 on the test rows.


# %%
print("gain rate, all rows:  ", round(y.mean().item(), 3))
print("gain rate, train rows:", round(y_train.mean().item(), 3))
print("gain rate, test rows: ", round(y_test.mean().item(), 3))
print("gains in the test rows:", int(y_test.sum()), "of", len(y_test))
# Output:
# gain rate, all rows:   0.545
# gain rate, train rows: 0.537
# gain rate, test rows:  0.578
# gains in the test rows: 37 of 64


# %% [markdown]
# ## From tensors to mini-batches
#
# `TensorDataset` pairs feature rows with target rows; a `DataLoader` serves them in shuffled,
# seeded batches.


# %%
from torch.utils.data import TensorDataset, DataLoader

train_ds = TensorDataset(X_train, y_train)
print("rows:", len(train_ds))
features, label = train_ds[0]
print(features.shape, label)
# Output:
# rows: 255
# torch.Size([6]) tensor([0.])


# %%
loader = DataLoader(train_ds, batch_size=32, shuffle=True,
                    generator=torch.Generator().manual_seed(0))
print("batches per pass:", len(loader))
print("batch sizes:", [len(xb) for xb, yb in loader])
xb, yb = next(iter(loader))
print(xb.shape, yb.shape)
# Output:
# batches per pass: 8
# batch sizes: [32, 32, 32, 32, 32, 32, 32, 31]
# torch.Size([32, 6]) torch.Size([32, 1])


# %% [markdown]
# ## One training step, as code
#
# Forward pass, loss, `zero_grad()`, `backward()`, `step()`, on one batch.


# %%
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

logits = model(xb)              # step 2: forward pass
loss = loss_fn(logits, yb)      # step 3: the loss
optimizer.zero_grad()           # step 4: clear the old gradients...
loss.backward()                 #         ...and backpropagate
optimizer.step()                # step 5: update every weight

print("loss before the step:", round(loss.item(), 4))
with torch.no_grad():
    print("loss after the step: ", round(loss_fn(model(xb), yb).item(), 4))
# Output:
# loss before the step: 0.6831
# loss after the step:  0.6816


# %% [markdown]
# ## Epochs: the loop, repeated
#
# A seeded loader for every run, one epoch of training, and an evaluation that changes nothing:


# %%
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


# %% [markdown]
# The full loop, recording the training and test loss and accuracy after every epoch:


# %%
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
# Train a fresh network with SGD at a learning rate of 0.1 for 100 epochs:


# %%
torch.manual_seed(0)
model = IPOClassifier()
loss, acc = evaluate(model, X_test, y_test)
print(f"before training: test loss {loss:.4f} acc {acc:.3f}")

optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
history = fit(model, optimizer, make_loader(X_train, y_train), epochs=100)
# Output:
# before training: test loss 0.7396 acc 0.422
# epoch  20 | train loss 0.6329 acc 0.655 | test loss 0.6235 acc 0.641
# epoch  40 | train loss 0.6156 acc 0.655 | test loss 0.6120 acc 0.656
# epoch  60 | train loss 0.6039 acc 0.686 | test loss 0.6048 acc 0.672
# epoch  80 | train loss 0.5954 acc 0.682 | test loss 0.6054 acc 0.656
# epoch 100 | train loss 0.5872 acc 0.686 | test loss 0.6055 acc 0.672


# %% [markdown]
# ## The learning rate
#
# Five learning rates an order of magnitude apart, 20 epochs each, from the same starting weights:


# %%
torch.manual_seed(0)
print(f"untrained train loss: {evaluate(IPOClassifier(), X_train, y_train)[0]:.4f}")
for lr in [0.001, 0.01, 0.1, 1.0, 10.0]:
    torch.manual_seed(0)
    model = IPOClassifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    h = fit(model, optimizer, make_loader(X_train, y_train), epochs=20, log_every=0)
    print(f"lr {lr:<6} train loss: {h['train_loss'][-1]:.4f}")
# Output:
# untrained train loss: 0.7261
# lr 0.001  train loss: 0.7219
# lr 0.01   train loss: 0.6957
# lr 0.1    train loss: 0.6329
# lr 1.0    train loss: 0.5953
# lr 10.0   train loss: 1.4791


# %% [markdown]
# ## A better optimizer: Adam
#
# Adam at its default learning rate, 0.001. This is the network Lesson 5 picks up.


# %%
torch.manual_seed(0)
model = IPOClassifier()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
history = fit(model, optimizer, make_loader(X_train, y_train), epochs=100)
# Output:
# epoch  20 | train loss 0.6387 acc 0.651 | test loss 0.6387 acc 0.641
# epoch  40 | train loss 0.6154 acc 0.659 | test loss 0.6188 acc 0.672
# epoch  60 | train loss 0.6000 acc 0.686 | test loss 0.6157 acc 0.688
# epoch  80 | train loss 0.5894 acc 0.694 | test loss 0.6107 acc 0.688
# epoch 100 | train loss 0.5817 acc 0.690 | test loss 0.6105 acc 0.672


# %% [markdown]
# ### Reading the loss curves
#
# The lesson's figure, drawn from the `history` of the run you just trained:


# %%
import matplotlib.pyplot as plt

epochs = range(1, len(history["train_loss"]) + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.6))
ax_loss.plot(epochs, history["train_loss"], label="train")
ax_loss.plot(epochs, history["test_loss"], label="test")
ax_loss.set_xlabel("Epoch")
ax_loss.set_ylabel("Loss (binary cross-entropy)")
ax_loss.legend()
ax_acc.plot(epochs, history["train_acc"], label="train")
ax_acc.plot(epochs, history["test_acc"], label="test")
ax_acc.axhline(y_test.mean().item(), linestyle="--", color="gray", label='always "gain" (test)')
ax_acc.set_xlabel("Epoch")
ax_acc.set_ylabel("Accuracy")
ax_acc.legend()
plt.show()


# %% [markdown]
# ## How good is it?
#
# The trained network against always guessing "gain":


# %%
test_loss, test_acc = evaluate(model, X_test, y_test)
print("network, test accuracy:", round(test_acc, 3))
print("correct test rows:", round(test_acc * len(y_test)), "of", len(y_test))
print("always 'gain', all 319 rows:", round(y.mean().item(), 3))
print("always 'gain', the test rows:", round(y_test.mean().item(), 3))
# Output:
# network, test accuracy: 0.672
# correct test rows: 43 of 64
# always 'gain', all 319 rows: 0.545
# always 'gain', the test rows: 0.578


# %% [markdown]
# ## Practice exercises
#
# Try each exercise yourself before reading the solution below it.
#
# ### Exercise 1: forget `zero_grad()`
#
# Call `loss.backward()` three times on one batch without clearing the gradients, and print the norm
# of the first layer's weight gradient after each call.


# %%
torch.manual_seed(0)
model = IPOClassifier()
xb, yb = next(iter(make_loader(X_train, y_train)))
first_layer = model.net[0].weight
for call in range(1, 4):
    loss = loss_fn(model(xb), yb)
    loss.backward()
    print(f"after backward() number {call}: gradient norm {first_layer.grad.norm().item():.4f}")
# Output:
# after backward() number 1: gradient norm 0.0205
# after backward() number 2: gradient norm 0.0410
# after backward() number 3: gradient norm 0.0615


# %% [markdown]
# The gradient is the same each time, and `backward()` adds it to what `.grad` already holds:
# without `zero_grad()`, every step would use a growing sum of stale gradients.
#
# ### Exercise 2: one big batch
#
# Adam at 0.001 for 100 epochs, with all 255 training rows in a single batch.


# %%
torch.manual_seed(0)
model = IPOClassifier()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
full_batch = DataLoader(TensorDataset(X_train, y_train), batch_size=len(X_train))
h = fit(model, optimizer, full_batch, epochs=100, log_every=0)
print("steps per epoch:", len(full_batch), "instead of", len(make_loader(X_train, y_train)))
print(f"after 100 epochs: train loss {h['train_loss'][-1]:.4f}, test acc {h['test_acc'][-1]:.3f}")
# Output:
# steps per epoch: 1 instead of 8
# after 100 epochs: train loss 0.6484, test acc 0.609


# %% [markdown]
# An eighth as many optimizer steps, and the training loss ends at 0.6484 instead of 0.5817: many
# cheap, slightly noisy steps beat a few exact ones.
#
# ### Exercise 3: a learning rate that is too eager
#
# Adam at 0.01 for 100 epochs: watch the test loss.


# %%
torch.manual_seed(0)
model = IPOClassifier()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
h = fit(model, optimizer, make_loader(X_train, y_train), epochs=100)
best = h["test_loss"].index(min(h["test_loss"]))
print("lowest test loss:", round(h["test_loss"][best], 4), "at epoch", best + 1)
# Output:
# epoch  20 | train loss 0.5700 acc 0.686 | test loss 0.6372 acc 0.641
# epoch  40 | train loss 0.5323 acc 0.718 | test loss 0.7130 acc 0.625
# epoch  60 | train loss 0.4945 acc 0.745 | test loss 0.7105 acc 0.625
# epoch  80 | train loss 0.4680 acc 0.749 | test loss 0.7919 acc 0.594
# epoch 100 | train loss 0.4391 acc 0.769 | test loss 0.8088 acc 0.641
# lowest test loss: 0.6133 at epoch 8


# %% [markdown]
# The training loss keeps falling while the test loss, lowest at epoch 8, climbs to 0.8088: the
# network overfits. Choosing epoch 8 after looking at the test rows would not be honest; Lesson 5
# uses a validation set for that.
