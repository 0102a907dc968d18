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
# The code of Lesson 1, ready to run, followed by the practice exercises with worked solutions.
# Save [`indian_ipo.csv`](https://datatweets.com/datasets/indian_ipo.csv) next to this notebook
# first. Each `# Output:` comment shows what the line above it prints; the course's tests check
# every one of them.

# %% [markdown]
# ## Load the Indian IPO dataset

# %%
import pandas as pd

# download: https://datatweets.com/datasets/indian_ipo.csv
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
# Try each exercise yourself before reading the solution below it.
#
# ### Exercise 1: inspect the feature ranges
#
# Print summary statistics for the six feature columns. Which feature has by far the largest
# values, and why might that matter for a neural network?

# %%
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

print("largest values:", df[feature_cols].max().idxmax())
# Output: largest values: Issue_Size

# %% [markdown]
# `Issue_Size` reaches 21,000 while the subscription ratios stay in the tens or hundreds. Raw, it
# would dominate the weighted sums inside a network; scaling the features (Lesson 3) fixes that.
#
# ### Exercise 2: compare the gain rate by demand
#
# Split the IPOs at the median `Subscription_Total` and compare the gain rate of the two groups.

# %%
median = df["Subscription_Total"].median()
high_demand = df["Subscription_Total"] > median
print("median subscription:", median)
print(df.groupby(high_demand)["Listing_Gains"].mean().round(3))
# Output:
# median subscription: 4.93
# Subscription_Total
# False    0.350
# True     0.742
# Name: Listing_Gains, dtype: float64

# %% [markdown]
# Above-median demand: 74.2 % listed with a gain; at or below it: 35.0 % (54.5 % overall).
# Demand carries real signal, though one split of 319 rows is not proof.
#
# ### Exercise 3: deep learning or classical?
#
# (a) 2 million product photos: **deep learning**, plenty of high-dimensional, unstructured data.
# (b) Churn from 800 rows of billing data: **classical**, small clean tabular data.
# (c) A quick baseline on our 319 IPOs: **classical**, a logistic regression is fast and sets
# the score a network must beat.
