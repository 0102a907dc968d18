"""Figures of Lesson 2 - Scoring: ``rule``, a diagram (no data)."""

from course.run.figures import Theme, figure


@figure("rule")
def rule(theme: Theme):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 1.5))
    ax.axis("off")
    ax.text(0.5, 0.5, "always predict: gain", ha="center", va="center", color=theme.fg)
    return fig
