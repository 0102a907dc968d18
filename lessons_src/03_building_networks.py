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
# # Lesson 3 - Building Neural Networks: companion notebook
#
# The code of Lesson 3, ready to run, followed by practice exercises to try yourself: each has a
# starter to complete, a check that tells you whether your answer is right, and a collapsed
# solution. The first code cell gets the dataset, `indian_ipo.csv`, and checks it. Each
# `# Output:` comment shows what the line above it prints; the course's tests check every one of
# them.

# %% [markdown]
# ## Preparing the data
#
# The tensors of Lesson 2:

# %%
import pandas as pd
import torch
from torch import nn

df = pd.read_csv("indian_ipo.csv")
feature_cols = ["Issue_Size", "Subscription_QIB", "Subscription_HNI",
                "Subscription_RII", "Subscription_Total", "Issue_Price"]
X = torch.tensor(df[feature_cols].to_numpy(), dtype=torch.float32)
y = torch.tensor(df[["Listing_Gains"]].to_numpy(), dtype=torch.float32)

print(X.shape, y.shape)
# Output: torch.Size([319, 6]) torch.Size([319, 1])

# %% [markdown]
# A seeded split: 255 training rows, 64 test rows, the same on every run.

# %%
generator = torch.Generator().manual_seed(42)
perm = torch.randperm(len(X), generator=generator)
n_train = int(0.8 * len(X))                 # 255 training rows, 64 test rows
train_idx, test_idx = perm[:n_train], perm[n_train:]
X_train, X_test = X[train_idx], X[test_idx]
y_train, y_test = y[train_idx], y[test_idx]

print("train:", X_train.shape, " test:", X_test.shape)
print("first rows of the shuffle:", perm[:5].tolist())
print("gain rate, all:", round(y.mean().item(), 3), " train:", round(y_train.mean().item(), 3),
      " test:", round(y_test.mean().item(), 3))
# Output:
# train: torch.Size([255, 6])  test: torch.Size([64, 6])
# first rows of the shuffle: [292, 24, 51, 273, 85]
# gain rate, all: 0.545  train: 0.537  test: 0.578

# %% [markdown]
# Standardise with the mean and standard deviation of the **training rows only**, then apply the
# same numbers to the test rows.

# %%
mean, std = X_train.mean(dim=0), X_train.std(dim=0)   # from the training rows only
X_train = (X_train - mean) / std
X_test = (X_test - mean) / std

summary = pd.DataFrame({
    "train mean": X_train.mean(dim=0).tolist(), "train std": X_train.std(dim=0).tolist(),
    "test mean": X_test.mean(dim=0).tolist(), "test std": X_test.std(dim=0).tolist(),
}, index=feature_cols)
print(summary.round(3) + 0.0)
# Output:
#                     train mean  train std  test mean  test std
# Issue_Size                 0.0        1.0     -0.055     0.930
# Subscription_QIB           0.0        1.0     -0.033     0.824
# Subscription_HNI           0.0        1.0     -0.080     0.845
# Subscription_RII           0.0        1.0     -0.063     0.742
# Subscription_Total         0.0        1.0     -0.074     0.774
# Issue_Price                0.0        1.0      0.065     0.849

# %% [markdown]
# ## Layers: nn.Linear
#
# `nn.Linear(6, 1)` computes `x @ weight.T + bias` and creates its own parameters.

# %%
torch.manual_seed(0)
layer = nn.Linear(6, 1)                   # six features in, one number out
print(layer)
print("weight:", tuple(layer.weight.shape), " bias:", tuple(layer.bias.shape))
print("requires grad:", layer.weight.requires_grad)

out = layer(X_train[:3])                  # three IPOs in, three numbers out
print(out.shape)
print(torch.allclose(out, X_train[:3] @ layer.weight.T + layer.bias))
# Output:
# Linear(in_features=6, out_features=1, bias=True)
# weight: (1, 6)  bias: (1,)
# requires grad: True
# torch.Size([3, 1])
# True

# %% [markdown]
# ## Activations: ReLU and sigmoid

# %%
z = torch.tensor([-3.0, -1.0, 0.0, 1.0, 3.0])
print("relu:   ", torch.relu(z))
print("sigmoid:", torch.sigmoid(z).round(decimals=4))
print("as a layer:", nn.ReLU()(z))
# Output:
# relu:    tensor([0., 0., 0., 1., 3.])
# sigmoid: tensor([0.0474, 0.2689, 0.5000, 0.7311, 0.9526])
# as a layer: tensor([0., 0., 0., 1., 3.])

# %% [markdown]
# The lesson's activation plot, simplified:

# %%
import matplotlib.pyplot as plt

z_grid = torch.linspace(-6, 6, 241)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
axes[0].plot(z_grid, torch.relu(z_grid))
axes[0].set_title("ReLU: max(0, z)")
axes[1].plot(z_grid, torch.sigmoid(z_grid), color="tab:orange")
axes[1].set_title("sigmoid: 1 / (1 + exp(-z))")
for ax in axes:
    ax.set_xlabel("z")
plt.show()

# %% [markdown]
# ### Why a network needs a nonlinearity
#
# Two linear layers without an activation are exactly one linear layer; with a ReLU between them,
# they are not.

# %%
torch.manual_seed(0)
first, second = nn.Linear(6, 16), nn.Linear(16, 1)
stacked = second(first(X_train))                     # two layers, no activation

W = second.weight @ first.weight                     # (1, 16) @ (16, 6) -> (1, 6)
c = second.weight @ first.bias + second.bias
print(torch.allclose(stacked, X_train @ W.T + c, atol=1e-6))
print(torch.allclose(second(torch.relu(first(X_train))), X_train @ W.T + c, atol=1e-6))
# Output:
# True
# False

# %% [markdown]
# ## Stacking layers: nn.Sequential

# %%
torch.manual_seed(0)
stack = nn.Sequential(
    nn.Linear(6, 16), nn.ReLU(),
    nn.Linear(16, 8), nn.ReLU(),
    nn.Linear(8, 1),
)
print(stack)
# Output:
# Sequential(
#   (0): Linear(in_features=6, out_features=16, bias=True)
#   (1): ReLU()
#   (2): Linear(in_features=16, out_features=8, bias=True)
#   (3): ReLU()
#   (4): Linear(in_features=8, out_features=1, bias=True)
# )

# %% [markdown]
# ## Your own model: an nn.Module subclass
#
# Seeded right before construction, it gets the same starting weights as the `Sequential` above.

# %%
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
print(model)
print("same weights as the Sequential above:", torch.equal(model(X_train), stack(X_train)))
# Output:
# IPOClassifier(
#   (net): Sequential(
#     (0): Linear(in_features=6, out_features=16, bias=True)
#     (1): ReLU()
#     (2): Linear(in_features=16, out_features=8, bias=True)
#     (3): ReLU()
#     (4): Linear(in_features=8, out_features=1, bias=True)
#   )
# )
# same weights as the Sequential above: True

# %% [markdown]
# ### Counting parameters
#
# By hand: (6 + 1) × 16 + (16 + 1) × 8 + (8 + 1) × 1 = 257.

# %%
for name, param in model.named_parameters():
    print(f"{name:13} {str(tuple(param.shape)):8} {param.numel():4}")
print("total:", sum(p.numel() for p in model.parameters()))
# Output:
# net.0.weight  (16, 6)    96
# net.0.bias    (16,)      16
# net.2.weight  (8, 16)   128
# net.2.bias    (8,)        8
# net.4.weight  (1, 8)      8
# net.4.bias    (1,)        1
# total: 257

# %% [markdown]
# ## A forward pass on the IPO data

# %%
logits = model(X_train)
print(logits.shape, logits.grad_fn.name())
print(logits[:3].detach().round(decimals=4))
print("range:", round(logits.min().item(), 4), "to", round(logits.max().item(), 4))
# Output:
# torch.Size([255, 1]) AddmmBackward0
# tensor([[-0.3443],
#         [-0.3286],
#         [-0.3376]])
# range: -0.5439 to -0.2639

# %% [markdown]
# ### Logits and probabilities
#
# A logit above 0 is the same decision as a probability above 0.5.

# %%
probs = torch.sigmoid(logits)
preds = (logits > 0).float()             # the same as probs > 0.5
print(probs[:3].detach().round(decimals=4))
print("predicted gains:", int(preds.sum().item()), "of", len(preds))
print("accuracy:", round((preds == y_train).float().mean().item(), 3))
# Output:
# tensor([[0.4148],
#         [0.4186],
#         [0.4164]])
# predicted gains: 0 of 255
# accuracy: 0.463

# %% [markdown]
# ## Choosing a loss: BCEWithLogitsLoss
#
# It takes logits and is numerically safe where a sigmoid followed by `nn.BCELoss` is not.

# %%
loss_fn = nn.BCEWithLogitsLoss()
loss = loss_fn(logits, y_train)
print("BCEWithLogitsLoss:", round(loss.item(), 4))
print("BCELoss on sigmoid:", round(nn.BCELoss()(torch.sigmoid(logits), y_train).item(), 4))

confident = torch.tensor([[40.0]])       # a very confident "gain"...
no_gain = torch.tensor([[0.0]])          # ...for an IPO that did not gain
print("sigmoid(40) in float32:", torch.sigmoid(confident).item())
print("BCELoss:", nn.BCELoss()(torch.sigmoid(confident), no_gain).item())
print("BCEWithLogitsLoss:", nn.BCEWithLogitsLoss()(confident, no_gain).item())
# Output:
# BCEWithLogitsLoss: 0.7261
# BCELoss on sigmoid: 0.7261
# sigmoid(40) in float32: 1.0
# BCELoss: 100.0
# BCEWithLogitsLoss: 40.0

# %% [markdown]
# ### The untrained loss, checked against theory
#
# All-zero logits cost exactly ln 2; an untrained model should be close.

# %%
import math

print("untrained model:", round(loss.item(), 4))
print("ln 2:           ", round(math.log(2), 4))
print("all-zero logits:", round(loss_fn(torch.zeros_like(logits), y_train).item(), 4))

rate = y_train.mean().item()             # the best constant guess: the training gain rate
print("best constant:  ", round(-(rate * math.log(rate) + (1 - rate) * math.log(1 - rate)), 4))
# Output:
# untrained model: 0.7261
# ln 2:            0.6931
# all-zero logits: 0.6931
# best constant:   0.6904

# %% [markdown]
# ## Putting it together
#
# Everything above in one block: Lessons 4 and 5 start from exactly this code.

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

# %%
import math

loss_fn = nn.BCEWithLogitsLoss()
with torch.no_grad():                       # only looking: no graph needed
    start_loss = loss_fn(model(X_train), y_train)
print("untrained loss on the training rows:", round(start_loss.item(), 4))
print("ln 2:", round(math.log(2), 4))
# Output:
# untrained loss on the training rows: 0.7261
# ln 2: 0.6931

# %% [markdown]
# ## Practice exercises
#
# Now it is your turn. Each exercise has a starter cell to complete (replace each `...`), a check
# cell that tells you whether your answer is right (with a hint when it is not), and the solution,
# collapsed: click it to expand it once you have tried. Each one continues from the code above
# (`X_train`, `y_train`, `X_test`, `y_test`, `IPOClassifier`, `model` and `loss_fn`).
#
# ### Exercise 1: count the parameters of a wider model
#
# `IPOClassifier(hidden=32)` makes the first hidden layer 32 units wide. Work out its number of
# parameters on paper, then check it with code.

# %% tags=["starter"]
# Your code here: count on paper first, then sum p.numel() over IPOClassifier(hidden=32).parameters()

by_hand = ...  # your count on paper, an integer

# %% tags=["check"]
check(by_hand, "NDk3", "Each nn.Linear(a, b) has a × b weights and b biases; the layers are now "
      "Linear(6, 32), Linear(32, 8) and Linear(8, 1).")

# %% tags=["solution"]
wide = IPOClassifier(hidden=32)
by_hand = (6 + 1) * 32 + (32 + 1) * 8 + (8 + 1) * 1
print("by hand:", by_hand, " counted:", sum(p.numel() for p in wide.parameters()))
# Output: by hand: 497  counted: 497

# %% [markdown]
# ### Exercise 2: binary cross-entropy by hand
#
# Compute the untrained model's loss on the training rows from the formula, with `torch.sigmoid`
# and `torch.log`, and check that it matches `nn.BCEWithLogitsLoss`.

# %% tags=["starter"]
# Your code here

bce_by_hand = ...  # the loss from the formula, as a Python float (.item())

# %% tags=["check"]
check(bce_by_hand, "MC43MjYwODgyMjU4NDE1MjIy", "With p = torch.sigmoid(model(X_train)), the loss is "
      "-(y_train * torch.log(p) + (1 - y_train) * torch.log(1 - p)).mean(); compute it inside "
      "torch.no_grad().", digits=4)

# %% tags=["solution"]
with torch.no_grad():
    logits = model(X_train)
    p = torch.sigmoid(logits)
    by_hand = -(y_train * torch.log(p) + (1 - y_train) * torch.log(1 - p)).mean()
    built_in = loss_fn(logits, y_train)
bce_by_hand = by_hand.item()
print("by hand:", round(bce_by_hand, 4), " BCEWithLogitsLoss:", round(built_in.item(), 4))
# Output: by hand: 0.7261  BCEWithLogitsLoss: 0.7261

# %% [markdown]
# ### Exercise 3: the untrained model on the test rows
#
# Use the untrained `model` on the 64 test rows: how many gains does it predict, what is its
# accuracy, and how does that compare with always guessing "gain"?

# %% tags=["starter"]
# Your code here

predicted_gains = ...  # how many test rows the untrained model predicts as "gain", an integer
test_accuracy = ...  # its accuracy on the test rows, a float

# %% tags=["check"]
check((predicted_gains, test_accuracy), "WzAsIDAuNDIxODc1XQ==",
      "A prediction of gain is a logit above 0: (model(X_test) > 0).float(); accuracy is the mean of "
      "preds == y_test as floats.")

# %% tags=["solution"]
with torch.no_grad():
    test_preds = (model(X_test) > 0).float()
predicted_gains = int(test_preds.sum().item())
test_accuracy = (test_preds == y_test).float().mean().item()
print("predicted gains:", predicted_gains, "of", len(test_preds))
print("accuracy:", round(test_accuracy, 3))
print("always 'gain':", round(y_test.mean().item(), 3))
# Output:
# predicted gains: 0 of 64
# accuracy: 0.422
# always 'gain': 0.578

# %% [markdown] tags=["solution"]
# The untrained model predicts "no gain" for every test IPO, worse than always guessing "gain".
# Lesson 4 trains it; Lesson 5 measures it against baselines like this one.
