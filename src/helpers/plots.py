"""The book's figure style and reusable figures: one palette, labelled axes, seed bands.

Call :func:`use_book_style` once per notebook (``helpers.runtime.setup`` does not, so
plain scripts keep matplotlib's defaults). Arms keep the same colour across the book
through :func:`arm_color`.

Used by: every notebook with a figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import to_rgba

#: Colour-blind-safe palette (seaborn "colorblind"), fixed per arm name across the book.
PALETTE: list[str] = sns.color_palette("colorblind", 10).as_hex()
_ARM_COLORS: dict[str, str] = {
    "base": "#7f7f7f",
    "SFT": "#7f7f7f",
    "RLVR": PALETTE[3],
    "GRPO": PALETTE[5],
    "RLCR": PALETTE[0],
    "WT": PALETTE[3],  # the biased arm of a comparison is warm, the fix is blue
    "EPW": PALETTE[0],
    "naive": PALETTE[3],
    "PSR": PALETTE[1],
    "NSR": PALETTE[0],
    "REINFORCE": PALETTE[2],
    "W-REINFORCE": PALETTE[4],
    "tower": PALETTE[0],
    "GRPO-shuffled": PALETTE[6],
    "RFT": PALETTE[1],
    "SFT-new": PALETTE[9],
    "HICRA": PALETTE[0],
    "diverse SFT → GRPO": PALETTE[0],
    "narrow SFT → GRPO": PALETTE[3],
    "ideal": "#222222",
    "λ=0": PALETTE[3],  # n10: the vanilla reward model
    "λ=10": PALETTE[0],  # n10: the causal reward model the verdict uses
    "oracle (true quality)": "#222222",
    "dense only": PALETTE[3],  # n11
    "dense + 0.5·rubric": PALETTE[1],
    "dense + 2·rubric": PALETTE[2],
    "rubric gate": PALETTE[0],
    "no updates": "#7f7f7f",  # n09
    "REINFORCE (evaluative)": PALETTE[3],
    "OPD (directive)": PALETTE[2],
    "REINFORCE + OPD": PALETTE[0],
    "P: majority vote only": PALETTE[3],  # n13
    "T: checker anchor": PALETTE[0],
    "H: past-data anchor": PALETTE[2],
    "outcome RM": PALETTE[3],  # n14
    "reasoning RM": PALETTE[0],
}


def use_book_style() -> None:
    """Seaborn ``whitegrid`` at a readable size, with figures sized for the book's column."""
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams.update(
        {
            "figure.figsize": (7.0, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "axes.titlesize": "medium",
            "axes.titleweight": "bold",
            "legend.frameon": False,
        }
    )


def arm_color(arm: str) -> str:
    """The book-wide colour of an arm; unknown arms get a stable colour from the palette."""
    if arm in _ARM_COLORS:
        return _ARM_COLORS[arm]
    return PALETTE[4 + sum(map(ord, arm)) % 6]


def _arms(df: pd.DataFrame, arm_col: str, arms: Sequence[str] | None) -> list[str]:
    """The arms to draw: ``arms`` as given, or every arm of ``df`` in order of first appearance."""
    return list(arms) if arms is not None else list(dict.fromkeys(df[arm_col]))


def _mean_label(arm: str, seeds: int) -> str:
    return f"{arm} (mean of {seeds} seeds)" if seeds > 1 else f"{arm} (1 seed)"


def seed_band(
    ax: plt.Axes,
    df: pd.DataFrame,
    x: str,
    y: str,
    arm_col: str = "arm",
    seed_col: str = "seed",
    arms: Sequence[str] | None = None,
) -> plt.Axes:
    """Plot the mean of ``y`` against ``x`` per arm with a min-max band over seeds and thin per-seed lines."""
    for arm in _arms(df, arm_col, arms):
        part, color = df[df[arm_col] == arm], arm_color(arm)
        for _, seed_df in part.groupby(seed_col):
            ax.plot(seed_df[x], seed_df[y], color=color, alpha=0.35, lw=0.8)
        stats = part.groupby(x)[y].agg(["mean", "min", "max"])
        ax.fill_between(stats.index, stats["min"], stats["max"], color=color, alpha=0.15, lw=0)
        ax.plot(stats.index, stats["mean"], color=color, lw=2, label=_mean_label(arm, part[seed_col].nunique()))
    ax.legend()
    return ax


def seed_points(
    ax: plt.Axes,
    df: pd.DataFrame,
    x: str,
    y: str,
    arm_col: str = "arm",
    seed_col: str = "seed",
    arms: Sequence[str] | None = None,
) -> plt.Axes:
    """Per-seed values of ``y`` as dots and their mean as a line, per arm, for a swept parameter ``x``."""
    arms = _arms(df, arm_col, arms)
    for i, arm in enumerate(arms):
        part, color = df[df[arm_col] == arm], arm_color(arm)
        jitter = 1.0 + 0.03 * (i - (len(arms) - 1) / 2)  # multiplicative: readable on log axes too
        ax.scatter(part[x] * jitter, part[y], color=color, s=14, alpha=0.6, lw=0)
        mean = part.groupby(x)[y].mean()
        label = _mean_label(arm, part[seed_col].nunique())
        ax.plot(mean.index, mean.values, color=color, lw=2, marker="o", ms=4, label=label)
    ax.legend()
    return ax


def reference_line(ax: plt.Axes, value: float, label: str | None = None, vertical: bool = False) -> plt.Axes:
    """A dashed line at ``value`` in the book's "ideal" colour: a threshold, a chance level, an optimum.

    Horizontal (``y = value``) unless ``vertical``; ``label`` goes into the legend.
    """
    draw = ax.axvline if vertical else ax.axhline
    draw(value, color=arm_color("ideal"), ls="--", lw=1, label=label)
    return ax


def log_x_ticks(ax: plt.Axes, values: Sequence[float]) -> plt.Axes:
    """A log-scaled x axis labelled exactly at ``values`` (no minor tick labels)."""
    ax.set_xscale("log")
    ax.minorticks_off()
    ax.set_xticks(list(values), [f"{v:g}" for v in values])
    return ax


def reliability_diagram(ax: plt.Axes, bins: pd.DataFrame, title: str, color: str) -> plt.Axes:
    """Bars of accuracy per confidence bin against the diagonal, bar width ∝ the bin's share of answers.

    ``bins`` is the output of :func:`helpers.measure.metrics.reliability_bins`.
    """
    centers = (bins["lower"] + bins["upper"]) / 2
    width = (bins["upper"] - bins["lower"]).iloc[0]
    share = bins["weight"].fillna(0).to_numpy()
    ax.plot([0, 1], [0, 1], ls="--", color=arm_color("ideal"), lw=1, label="perfect calibration")
    alphas = 0.15 + 0.85 * share / max(share.max(), 1e-12)
    ax.bar(
        centers,
        bins["accuracy"].fillna(0),
        width=width * 0.9,
        color=[to_rgba(color, a) for a in alphas],
        edgecolor=color,
        label="accuracy in bin (darker = more answers)",
    )
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        xlabel="stated confidence q",
        ylabel="accuracy (expected, over label noise)",
        title=title,
    )
    ax.set_aspect("equal")
    return ax


def finish(fig: plt.Figure, title: str) -> plt.Figure:
    """Give a figure its title (what it shows) and a tight layout."""
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def linspace01(n: int = 101) -> np.ndarray:
    """``n`` points on [0, 1], for analytic curves."""
    return np.linspace(0.0, 1.0, n)
