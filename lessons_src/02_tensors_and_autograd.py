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
# # Lesson 2 - Tensors and Autograd in PyTorch: companion notebook
#
# The code of Lesson 2, ready to run, followed by practice exercises to try yourself: each has a
# starter to complete, a check that tells you whether your answer is right, and a collapsed
# solution. The first code cell gets the dataset, `indian_ipo.csv`, and checks it. Each
# `# Output:` comment shows what the line above it prints; the course's tests check every one of
# them.

# %% [markdown]
# ## From a DataFrame to tensors
#
# The six features become a float32 tensor of shape (319, 6); the target, selected with double
# brackets, one of shape (319, 1).

# %%
import pandas as pd
import torch

df = pd.read_csv("indian_ipo.csv")
feature_cols = ["Issue_Size", "Subscription_QIB", "Subscription_HNI",
                "Subscription_RII", "Subscription_Total", "Issue_Price"]

X = torch.tensor(df[feature_cols].to_numpy(), dtype=torch.float32)
y = torch.tensor(df[["Listing_Gains"]].to_numpy(), dtype=torch.float32)

print("X:", X.shape, X.dtype)
print("y:", y.shape, y.dtype)
# Output:
# X: torch.Size([319, 6]) torch.float32
# y: torch.Size([319, 1]) torch.float32

# %% [markdown]
# Without `dtype=torch.float32`, PyTorch keeps the type of `to_numpy()`'s one array, `float64`
# (pandas holds five of the columns as `float64` and `Issue_Price` as `int64`):

# %%
raw = torch.tensor(df[feature_cols].to_numpy())
print("default dtype:", raw.dtype, "-", raw.element_size(), "bytes per number")
print("our dtype:    ", X.dtype, "-", X.element_size(), "bytes per number")
print("dimensions:", X.ndim, " numbers:", X.numel())
# Output:
# default dtype: torch.float64 - 8 bytes per number
# our dtype:     torch.float32 - 4 bytes per number
# dimensions: 2  numbers: 1914

# %% [markdown]
# ## Indexing and slicing
#
# Rows first, then columns. A comparison gives a boolean mask that selects rows.

# %%
print(X[0])            # the first IPO: all six features
print(X[:3, 0])        # Issue_Size of the first three IPOs
print(X[:, 4].shape)   # Subscription_Total of every IPO
print(X[:, 1:4].shape) # the three investor-class subscription columns
# Output:
# tensor([189.8000,  48.4400, 106.0200,  11.0800,  43.2200, 165.0000])
# tensor([189.8000, 328.7000,  56.2500])
# torch.Size([319])
# torch.Size([319, 3])

# %%
gained = y[:, 0] == 1          # True for every IPO that listed with a gain
print(gained.dtype, int(gained.sum()))
print("gain rows:", X[gained].shape, " no-gain rows:", X[~gained].shape)
# Output:
# torch.bool 174
# gain rows: torch.Size([174, 6])  no-gain rows: torch.Size([145, 6])

# %% [markdown]
# ## Element-wise operations

# %%
qib, total = X[:, 1], X[:, 4]

print((qib / total)[:3])
print(torch.log1p(total)[:3])
print("QIB above the overall subscription:", int((qib > total).sum()), "IPOs")
# Output:
# tensor([1.1208, 1.9090, 0.1915])
# tensor([3.7892, 3.4692, 1.8197])
# QIB above the overall subscription: 157 IPOs

# %% [markdown]
# ## Matrix multiplication and broadcasting
#
# `(319, 6) @ (6, 1)` gives one weighted sum per IPO: here, the average of the four subscription
# columns.

# %%
weights = torch.tensor([[0.0], [0.25], [0.25], [0.25], [0.25], [0.0]])   # shape (6, 1)
scores = X @ weights                                                        # (319, 6) @ (6, 1)

print(scores.shape)
print(scores[:3, 0])
print("first IPO by hand:", round((48.44 + 106.02 + 11.08 + 43.22) / 4, 4))
# Output:
# torch.Size([319, 1])
# tensor([52.1900, 36.5600,  7.2525])
# first IPO by hand: 52.19

# %% [markdown]
# Broadcasting stretches size-1 or missing dimensions, lining the shapes up from the right.

# %%
bias = torch.tensor([1.0])                 # shape (1,)
print((scores + bias).shape)               # (319, 1) + (1,)  -> (319, 1)

column_max = X.max(dim=0).values           # shape (6,): the largest value of each feature
print(column_max)
print((X / column_max).shape)              # (319, 6) / (6,)  -> (319, 6)
print((X / column_max).max(dim=0).values)  # every feature now peaks at 1
# Output:
# torch.Size([319, 1])
# tensor([21000.0000,   215.4500,   958.0700,   119.4400,   326.4900,  2150.0000])
# torch.Size([319, 6])
# tensor([1., 1., 1., 1., 1., 1.])

# %% [markdown]
# ## Reductions: summarising the features
#
# `dim=0` reduces down the rows (one value per feature). The spreads of the features differ
# widely: the last line divides the largest by the smallest.

# %%
means, stds = X.mean(dim=0), X.std(dim=0)

print(pd.DataFrame({"mean": means.tolist(), "std": stds.tolist()}, index=feature_cols).round(2))
print("largest std / smallest std:", round((stds.max() / stds.min()).item(), 1))
print("per-IPO mean:", X.mean(dim=1).shape)
# Output:
#                        mean      std
# Issue_Size          1192.86  2384.64
# Subscription_QIB      25.68    40.72
# Subscription_HNI      70.09   142.45
# Subscription_RII       8.56    14.51
# Subscription_Total    27.45    48.77
# Issue_Price          375.13   353.90
# largest std / smallest std: 164.4
# per-IPO mean: torch.Size([319])

# %% [markdown]
# Standardising (a preview: Lesson 3 uses the training rows' statistics only):

# %%
X_std = (X - means) / stds          # (319, 6) - (6,), then / (6,)

print("means:", [round(v, 3) + 0.0 for v in X_std.mean(dim=0).tolist()])
print("stds: ", [round(v, 3) for v in X_std.std(dim=0).tolist()])
# Output:
# means: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
# stds:  [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]

# %% [markdown]
# The lesson's figure, simplified: every IPO's feature values before and after standardising.

# %%
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, values, title in ((axes[0], X, "raw"), (axes[1], X_std, "standardised")):
    for i in range(len(feature_cols)):
        ax.scatter(values[:, i].numpy(), [i] * len(values), s=8, alpha=0.4)
    ax.set_title(title)
axes[0].set_yticks(range(len(feature_cols)), feature_cols)
axes[0].invert_yaxis()
plt.show()

# %% [markdown]
# ## NumPy interop and shared memory
#
# `torch.from_numpy` and `.numpy()` share memory; `torch.tensor` copies.

# %%
import numpy as np

prices = df["Issue_Price"].to_numpy(dtype="float32")   # a fresh NumPy array
shared = torch.from_numpy(prices)                       # same memory
copied = torch.tensor(prices)                           # its own copy

prices[0] = 999.0                                       # change the NumPy array
print("shared:", shared[0].item(), " copied:", copied[0].item())

back = shared.numpy()                                   # tensor -> NumPy, still shared
print("same memory:", np.shares_memory(back, prices))
# Output:
# shared: 999.0  copied: 165.0
# same memory: True

# %% [markdown]
# ## The device: CPU or GPU
#
# Choose the device once; the same code then runs on a CPU or a GPU.

# %%
device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else torch.device("cpu")
print("device:", device)

X_dev = X.to(device)          # X itself if it is already there, else a copy on the device
y_dev = y.to(device)
print(X_dev.shape, X_dev.device)

popular = (X_dev[:, 4] > 10).sum()      # computed on the device the data is on
print("subscribed more than 10 times:", popular.item(), "IPOs")

back = X_dev.cpu().numpy()              # NumPy needs the data on the CPU
print(type(back).__name__, back.shape)
# Output:
# device: cpu
# torch.Size([319, 6]) cpu
# subscribed more than 10 times: 124 IPOs
# ndarray (319, 6)

# %% [markdown]
# ## Autograd
#
# ### A gradient you can check by hand
#
# `L = (w * x + b) ** 2` at `x = 3`, `w = 2`, `b = 1`.

# %%
x = torch.tensor(3.0)
w = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(1.0, requires_grad=True)

z = w * x + b
L = z ** 2
print("z =", z.item(), " L =", L.item())
print("requires grad: L", L.requires_grad, " x", x.requires_grad)
# Output:
# z = 7.0  L = 49.0
# requires grad: L True  x False

# %% [markdown]
# The computation graph, read backwards from `L`:

# %%
print(L.grad_fn.name())
print(z.grad_fn.name(), "<-", [type(fn).__name__ for fn, _ in z.grad_fn.next_functions])
# Output:
# PowBackward0
# AddBackward0 <- ['MulBackward0', 'AccumulateGrad']

# %% [markdown]
# By the chain rule: dL/dz = 2z = 14, so dL/dw = 14 * x = 42 and dL/db = 14.

# %%
L.backward()
print("dL/dw =", w.grad.item(), " dL/db =", b.grad.item(), " x.grad =", x.grad)
# Output: dL/dw = 42.0  dL/db = 14.0  x.grad = None

# %% [markdown]
# ### Gradients accumulate
#
# Zero them before each new `backward()`.

# %%
L = (w * x + b) ** 2        # a fresh forward pass builds a fresh graph
L.backward()
print("without zeroing: dL/dw =", w.grad.item())

w.grad.zero_()              # clear the stored gradients...
b.grad.zero_()
L = (w * x + b) ** 2
L.backward()                # ...and this time they are right
print("after zeroing:   dL/dw =", w.grad.item())
# Output:
# without zeroing: dL/dw = 84.0
# after zeroing:   dL/dw = 42.0

# %% [markdown]
# ## The gradient of a loss on the IPO data
#
# A one-layer model (six weights and a bias, all zero) on the standardised features, with the
# binary cross-entropy written out in full.

# %%
weights = torch.zeros(6, 1, requires_grad=True)
bias = torch.zeros(1, requires_grad=True)

scores = X_std @ weights + bias                 # (319, 6) @ (6, 1) + (1,) -> (319, 1)
probs = torch.sigmoid(scores)
loss = -(y * torch.log(probs) + (1 - y) * torch.log(1 - probs)).mean()
print("loss:", round(loss.item(), 4))

loss.backward()
print(pd.Series(weights.grad[:, 0].tolist(), index=feature_cols).round(4))
print("bias gradient:", round(bias.grad.item(), 4))
# Output:
# loss: 0.6931
# Issue_Size           -0.0023
# Subscription_QIB     -0.1608
# Subscription_HNI     -0.1352
# Subscription_RII     -0.1197
# Subscription_Total   -0.1409
# Issue_Price          -0.0197
# dtype: float64
# bias gradient: -0.0455

# %% [markdown]
# The same gradients from the formula: the average of `(p - y)` times each feature.

# %%
with torch.no_grad():
    by_hand = X_std.T @ (probs - y) / len(X)      # (6, 319) @ (319, 1) -> (6, 1)
print("same as autograd:", torch.allclose(by_hand, weights.grad))
print("gain rate:", round(y.mean().item(), 3), " 0.5 - gain rate:", round(0.5 - y.mean().item(), 4))
# Output:
# same as autograd: True
# gain rate: 0.545  0.5 - gain rate: -0.0455

# %% [markdown]
# ### no_grad: computing without recording
#
# One step downhill, then clear the gradients.

# %%
with torch.no_grad():
    weights -= 0.5 * weights.grad       # a step against the gradient
    bias -= 0.5 * bias.grad
    probs = torch.sigmoid(X_std @ weights + bias)
    new_loss = -(y * torch.log(probs) + (1 - y) * torch.log(1 - probs)).mean()

print("loss after one step:", round(new_loss.item(), 4), " recorded:", new_loss.requires_grad)

weights.grad.zero_()                    # ready for the next backward()
bias.grad.zero_()
print("gradients cleared:", weights.grad.abs().sum().item(), bias.grad.item())
# Output:
# loss after one step: 0.6604  recorded: False
# gradients cleared: 0.0 0.0

# %% [markdown]
# ## Practice exercises
#
# Now it is your turn. Each exercise has a starter cell to complete (replace each `...`), a check
# cell that tells you whether your answer is right (with a hint when it is not), and the solution,
# collapsed: click it to expand it once you have tried. Each one continues from the code above
# (`df`, `X`, `y`, `feature_cols`, `X_std` and `gained`).
#
# ### Exercise 1: demand of gainers and non-gainers
#
# Use the `gained` mask and a reduction to compare the average `Subscription_Total` of the IPOs that
# listed with a gain with that of the IPOs that did not. How many times larger is it?

# %% tags=["starter"]
# Your code here

gain_demand = ...  # average Subscription_Total of the IPOs that listed with a gain, a float
no_gain_demand = ...  # the same for the IPOs that did not

# %% tags=["check"]
check((gain_demand, no_gain_demand), "WzQwLjA0MjQxMTgwNDE5OTIyLCAxMi4zMzI4Mjc1NjgwNTQyXQ==",
      "X[gained, 4] selects the Subscription_Total column of the gain rows only, and ~gained flips the "
      "mask; .mean().item() reduces each to a Python float.", digits=2)

# %% tags=["solution"]
gain_demand = X[gained, 4].mean().item()
no_gain_demand = X[~gained, 4].mean().item()
print("gain:", round(gain_demand, 2), " no gain:", round(no_gain_demand, 2))
print("ratio:", round(gain_demand / no_gain_demand, 1))
# Output:
# gain: 40.04  no gain: 12.33
# ratio: 3.2

# %% [markdown]
# ### Exercise 2: another gradient to check by hand
#
# For `f(p, q) = p² · q + 3q` at `p = 2` and `q = 5`, work out `df/dp` and `df/dq` on paper, then let
# autograd compute them and compare.

# %% tags=["starter"]
# Your code here: create p and q with requires_grad=True, compute f, call f.backward()

dfdp = ...  # df/dp at p = 2, q = 5, as autograd computes it (p.grad.item())
dfdq = ...  # df/dq

# %% tags=["check"]
check((dfdp, dfdq), "WzIwLjAsIDcuMF0=", "On paper, treat q as a constant to get df/dp, and p as a constant to get "
      "df/dq. In code, read p.grad.item() and q.grad.item() after f.backward().")

# %% tags=["solution"]
p = torch.tensor(2.0, requires_grad=True)
q = torch.tensor(5.0, requires_grad=True)
f = p ** 2 * q + 3 * q
f.backward()
dfdp, dfdq = p.grad.item(), q.grad.item()
print("f =", f.item(), " df/dp =", dfdp, " df/dq =", dfdq)
# Output: f = 35.0  df/dp = 20.0  df/dq = 7.0

# %% [markdown] tags=["solution"]
# By hand, `df/dp = 2pq = 20` and `df/dq = p² + 3 = 7`: autograd agrees.

# %% [markdown]
# ### Exercise 3: gradients on unscaled features
#
# Repeat the IPO loss gradient with the **raw** features `X` instead of `X_std` (fresh zero weights
# and bias). Compare the largest and smallest weight gradients (in absolute value). What would one
# gradient step do to the model?

# %% tags=["starter"]
# Your code here

largest_gradient = ...  # the name of the feature whose weight gets the largest gradient
ratio = ...  # largest / smallest weight gradient, in absolute value

# %% tags=["check"]
check((largest_gradient, ratio), "WyJJc3N1ZV9TaXplIiwgMjguMTI5MTg0NzIyOTAwMzld",
      "Copy the block that computed the loss with X instead of X_std, with new zero weights and bias; "
      "then weights.grad.abs() has .max(), .min() and .argmax() (an index into feature_cols).", digits=1)

# %% tags=["solution"]
raw_weights = torch.zeros(6, 1, requires_grad=True)
raw_bias = torch.zeros(1, requires_grad=True)
raw_probs = torch.sigmoid(X @ raw_weights + raw_bias)
raw_loss = -(y * torch.log(raw_probs) + (1 - y) * torch.log(1 - raw_probs)).mean()
raw_loss.backward()
print(pd.Series(raw_weights.grad[:, 0].tolist(), index=feature_cols).round(2))
sizes = raw_weights.grad.abs()
ratio = (sizes.max() / sizes.min()).item()
largest_gradient = feature_cols[sizes.argmax().item()]
print("largest / smallest:", round(ratio, 1))
# Output:
# Issue_Size           -59.81
# Subscription_QIB      -7.72
# Subscription_HNI     -22.44
# Subscription_RII      -2.13
# Subscription_Total    -8.12
# Issue_Price          -24.01
# dtype: float64
# largest / smallest: 28.1

# %% [markdown] tags=["solution"]
# On the raw scale `Issue_Size` gets the largest gradient because of its size, not its
# usefulness (standardised, it had the smallest). One step would move its weight about 28 times
# as far as the smallest one's. That is why Lesson 3 standardises the features.
