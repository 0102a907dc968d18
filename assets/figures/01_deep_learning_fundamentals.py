"""Figures of Lesson 1 - Deep Learning Fundamentals, drawn by the lesson's own run.

- ``class-balance``: how many development IPOs listed with and without a gain, from the lesson's
  ``dev_df["Listing_Gains"].value_counts()``;
- ``training-loop``: the five-step training cycle of Lesson 4 (a batch as tensors, forward pass, loss,
  clear the old gradients and backpropagate, optimizer step, then back to the next batch), in plain
  words (a diagram: no data).
"""

from __future__ import annotations

from course.run.figures import Theme, figure


@figure("class-balance")
def class_balance(theme: Theme, counts):
    """``counts``: Listing_Gains value -> number of IPOs (a pandas value count)."""
    import matplotlib.pyplot as plt

    counts = {int(label): int(n) for label, n in dict(counts).items()}
    total = sum(counts.values())
    labels = ["Gain (1)", "No gain (0)"]
    heights = [counts[1], counts[0]]

    fig, ax = plt.subplots(figsize=(6, 3.6))
    bars = ax.bar(labels, heights, color=[theme.accent, theme.accent2], width=0.55)
    for bar, n in zip(bars, heights):
        ax.annotate(
            f"{n}  ({n / total:.1%})",
            (bar.get_x() + bar.get_width() / 2, n),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontweight="bold",
        )
    ax.set_ylabel("Number of IPOs")
    ax.set_title(f"Listing_Gains in the {total} development IPOs")
    ax.set_ylim(0, max(heights) * 1.18)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


@figure("training-loop")
def training_loop(theme: Theme):
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    stages = [  # plain words, and the lesson that teaches each step
        ("1 Next batch\n(as tensors)", "a few IPOs, six\nnumbers each, and\ntheir targets", "Lessons 2 & 4"),
        ("2 Forward pass", "the model gives\neach IPO one\nscore (a logit)", "Lesson 3"),
        ("3 Loss", "one number: how\nwrong the scores are\n(the sigmoid is\ninside the loss)", "Lesson 3"),
        ("4 Backpropagation", "clear the old\ngradients, then find\nwhich way to move\neach weight", "Lessons 2 & 4"),
        ("5 Optimizer step", "move every weight\na little that way", "Lesson 4"),
    ]
    # Two rows, read as a cycle: 1 -> 2 -> 3 on top, down to 4, back left to 5, then left and up to 1.
    width, height, gap, margin = 3.25, 2.7, 0.45, 0.2
    slot = [margin + i * (width + gap) for i in range(3)]
    top, bottom = 3.9, 0.3
    places = [(slot[0], top), (slot[1], top), (slot[2], top), (slot[2], bottom), (slot[1], bottom)]
    x_max, y_max = slot[2] + width + margin, top + height + 0.75

    fig, ax = plt.subplots(figsize=(7.2, 7.2 * y_max / x_max))
    ax.set_xlim(0, x_max)
    ax.set_ylim(0, y_max)
    ax.axis("off")
    for (title, body, lesson), (x0, y0) in zip(stages, places):
        ax.add_patch(
            FancyBboxPatch(
                (x0, y0), width, height, boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=theme.box, edgecolor=theme.accent, linewidth=1.6,
            )
        )
        ax.text(x0 + width / 2, y0 + height - 0.15, title, ha="center", va="top", fontweight="bold", fontsize=10,
                linespacing=1.2)
        body_y = y0 + height / 2 - (0.22 if "\n" in title else 0.08)  # below a two-line title
        ax.text(x0 + width / 2, body_y, body, ha="center", va="center", color=theme.fg,
                linespacing=1.3, fontsize=10)
        ax.text(x0 + width / 2, y0 + 0.27, lesson, ha="center", va="center", color=theme.muted, style="italic",
                fontsize=9.5)

    def arrow(start, end, **style):
        options = {"arrowstyle": "-|>", "mutation_scale": 16, "color": theme.fg, "linewidth": 1.4} | style
        ax.add_patch(FancyArrowPatch(start, end, **options))

    mid_top, mid_bottom = top + height / 2, bottom + height / 2
    arrow((slot[0] + width + 0.03, mid_top), (slot[1] - 0.03, mid_top))  # 1 -> 2
    arrow((slot[1] + width + 0.03, mid_top), (slot[2] - 0.03, mid_top))  # 2 -> 3
    arrow((slot[2] + width / 2, top - 0.03), (slot[2] + width / 2, bottom + height + 0.03))  # 3 -> 4
    arrow((slot[2] - 0.03, mid_bottom), (slot[1] + width + 0.03, mid_bottom))  # 4 -> 5
    # the loop: after the optimizer step, the next batch goes through the updated model
    arrow((slot[1] - 0.03, mid_bottom), (slot[0] + width / 2, top - 0.03),
          connectionstyle="angle,angleA=180,angleB=90,rad=0",
          color=theme.accent2, linewidth=2.0, linestyle="--", mutation_scale=18)
    ax.text(slot[0] + width / 2 + 0.12, mid_bottom + 0.5, "next batch", ha="left", va="center",
            color=theme.accent2, fontweight="bold", fontsize=10)
    ax.text(x_max / 2, y_max - 0.3, "One step of training; an epoch is every batch once",
            ha="center", va="center", color=theme.muted, fontsize=10)
    return fig
