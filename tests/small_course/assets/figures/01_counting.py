"""Figures of Lesson 1 - Counting: ``gains``, the lesson's value counts of ``Listing_Gains``."""

from course.run.figures import Theme, figure


@figure("gains")
def gains(theme: Theme, counts):
    import matplotlib.pyplot as plt

    counts = {int(k): int(v) for k, v in dict(counts).items()}
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(["gain", "no gain"], [counts[1], counts[0]], color=[theme.accent, theme.accent2])
    ax.set_ylabel("IPOs")
    return fig
