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
# # Lesson 1 - Deep Learning Fundamentals: companion notebook
#
# The code of Lesson 1, ready to run, followed by practice exercises to try yourself: each has a
# starter to complete, a check that tells you whether your answer is right, and a collapsed
# solution. The first code cell gets the dataset, `indian_ipo.csv`, and checks it. Each
# `# Output:` comment shows what the line above it prints; the course's tests check every one of
# them.

# %% [markdown]
# ## Load the Indian IPO dataset

# %%
import pandas as pd

df = pd.read_csv("indian_ipo.csv")

print("Shape:", df.shape)
# Output: Shape: (319, 10)

# %% [markdown]
# Each row is one IPO. The first rows:

# %%
df.head()

# %% [markdown]
# ## How balanced is the target?
#
# Check how the answers are distributed before modelling: if one class dominated, accuracy
# would be a misleading score.

# %%
print(df["Listing_Gains"].value_counts())
# Output:
# Listing_Gains
# 1    174
# 0    145
# Name: count, dtype: int64

print("gain rate:", round(df["Listing_Gains"].mean(), 3))
# Output: gain rate: 0.545

# %% [markdown]
# The class-balance chart of the lesson, drawn from the same counts:

# %%
import matplotlib.pyplot as plt

counts = df["Listing_Gains"].value_counts()
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.bar(["Gain (1)", "No gain (0)"], [counts[1], counts[0]], color=["#3f51b5", "#e8710a"])
ax.set_ylabel("Number of IPOs")
ax.set_title("Listing_Gains in 319 Indian IPOs")
plt.show()

# %% [markdown]
# ## Separate the features from the target

# %%
feature_cols = [
    "Issue_Size",
    "Subscription_QIB",
    "Subscription_HNI",
    "Subscription_RII",
    "Subscription_Total",
    "Issue_Price",
]

X = df[feature_cols]            # six numeric features
y = df["Listing_Gains"]        # the binary target

print("X shape:", X.shape)
print("Gain examples:", int(y.sum()))
# Output:
# X shape: (319, 6)
# Gain examples: 174

# %% [markdown]
# ## Practice exercises
#
# Now it is your turn. Each exercise has a starter cell to complete (replace each `...`), a check
# cell that tells you whether your answer is right (with a hint when it is not), and the solution,
# collapsed: click it to expand it once you have tried.
#
# ### Exercise 1: inspect the feature ranges
#
# Print summary statistics for the six feature columns to see how different their scales are. Which
# feature has by far the largest values, and why might that matter for a neural network?

# %% tags=["starter"]
# Your code here: print df[feature_cols].describe(), then name the column with the largest values.

largest = ...  # the column's name, as a string, such as "Issue_Price"

# %% tags=["check"]
check(largest, "Iklzc3VlX1NpemUi", "df[feature_cols].max() gives each column's largest value, and .idxmax() names "
      "the column where it is largest.")

# %% tags=["solution"]
ranges = df[feature_cols].describe().T[["mean", "min", "max"]]
print(ranges.round(1))
# Output:
#                       mean  min      max
# Issue_Size          1192.9  0.0  21000.0
# Subscription_QIB      25.7  0.0    215.4
# Subscription_HNI      70.1  0.0    958.1
# Subscription_RII       8.6  0.0    119.4
# Subscription_Total    27.4  0.0    326.5
# Issue_Price          375.1  0.0   2150.0

largest = df[feature_cols].max().idxmax()
print("largest values:", largest)
# Output: largest values: Issue_Size

# %% [markdown] tags=["solution"]
# `Issue_Size` reaches 21,000 while the subscription ratios stay in the tens or hundreds. Fed in
# raw, the largest column would dominate the weighted sums inside the network and the small ones
# would barely register, so training would be slow and unstable. Scaling the features first
# (Lesson 3) puts them on an equal footing.

# %% [markdown]
# ### Exercise 2: compare the gain rate by demand
#
# Split the IPOs by whether their `Subscription_Total` is above the median, and compute the gain rate
# within each group. Does higher overall demand go with a higher chance of listing with a gain?

# %% tags=["starter"]
# Your code here

gain_rate_above = ...  # the gain rate of the IPOs above the median, such as 0.5
gain_rate_rest = ...  # the gain rate of the others

# %% tags=["check"]
check((gain_rate_above, gain_rate_rest), "WzAuNzQyMTM4MzY0Nzc5ODc0MiwgMC4zNV0=",
      'high_demand = df["Subscription_Total"] > df["Subscription_Total"].median(), then '
      'df.groupby(high_demand)["Listing_Gains"].mean() gives the rate for False and for True.')

# %% tags=["solution"]
median = df["Subscription_Total"].median()
high_demand = df["Subscription_Total"] > median
print("median subscription:", median)
rates = df.groupby(high_demand)["Listing_Gains"].mean()
print(rates.round(3))
# Output:
# median subscription: 4.93
# Subscription_Total
# False    0.350
# True     0.742
# Name: Listing_Gains, dtype: float64

gain_rate_above, gain_rate_rest = rates[True], rates[False]

# %% [markdown] tags=["solution"]
# Yes, clearly: IPOs subscribed more than 4.93 times listed with a gain 74.2 percent of the time,
# the others only 35.0 percent of the time, against 54.5 percent overall. Demand carries real
# signal, though one split of 319 rows is not proof.

# %% [markdown]
# ### Exercise 3: decide between deep learning and classical
#
# This one is for thinking, not coding. For each scenario, decide whether deep learning or a classical
# model is the better starting point, and say to yourself why:
#
# (a) classifying 2 million product photos;
# (b) predicting churn from 800 rows of customer billing data;
# (c) choosing a model for a quick baseline on our 319-row IPO dataset.

# %% tags=["starter"]
answers = {
    "a": ...,  # "deep learning" or "classical"
    "b": ...,
    "c": ...,
}

# %% tags=["check"]
check(answers, "eyJhIjogImRlZXAgbGVhcm5pbmciLCAiYiI6ICJjbGFzc2ljYWwiLCAiYyI6ICJjbGFzc2ljYWwifQ==", "Lots of unstructured data favours deep learning; small, clean tabular data "
      "favours classical models, and so does a quick baseline on a tiny dataset.")

# %% tags=["solution"]
answers = {"a": "deep learning", "b": "classical", "c": "classical"}

# %% [markdown] tags=["solution"]
# (a) **Deep learning**: two million images are high-dimensional, unstructured and plentiful,
# exactly where learned representations beat hand-made features.
# (b) **Classical**: 800 rows of tabular billing columns suit logistic regression or gradient
# boosting, which train fast, are easy to explain and rarely lose at this size.
# (c) **Classical** for the baseline: a logistic regression on 319 rows takes a moment and tells
# you the score any neural network has to beat, which Lesson 5 does.
