# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Can utility-weighted training loss actually harm model performance?
#
# > **The corpus claim** (note n08, cited by Q2): "Asymmetric loss functions correctly
# > incentivize choosing but degrade representation learning by reducing gradient signals
# > for substantive feature acquisition. Training with symmetric loss then adjusting
# > predictions post-hoc outperforms direct utility-weighted training on the same utility
# > objective."
#
# **Source** [arXiv:2511.07699](https://arxiv.org/abs/2511.07699). Autor, Caplin, Martin, Marx, *Misaligned by Design: Incentive Failures in
# Machine Learning*, arXiv 2511.07699, 2025. On chest X-rays (pneumonia) and CIFAR, the
# paper compares **weighted training** (the loss multiplied by the utility weight of each
# example's class) with **ex post weighting** (plain cross-entropy, then predictions
# reweighted `p ∝ w ⊙ q`), and finds the second better on the weighted loss itself and on
# downstream utility. Its theory separates *choosing* how to classify (the weights give
# the right incentive) from *learning* how to classify (the weights shrink the gradient
# that teaches the features for every other class).
#
# **This is not a language-model claim**, so the model here is a small MLP, not the book's
# tiny transformer. It belongs to Q2 as the cleanest case of a *training objective* bias
# cascading: the loss is correct about what matters, and still produces a worse learner.
# We did not retrieve the paper's exact table numbers, so the comparison below is of
# directions, not of figures.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * compare building a decision's costs into the loss with applying them after training
# * compute expected utility of decisions from predicted probabilities
# * use a linear probe to see what a network's features learned
#
# **Prerequisites.** Cross-entropy and softmax; expected value of a decision.

# %% tags=["colab"]
# Colab set-up: installs the book's helpers when this notebook runs on Colab; does
# nothing anywhere else. Generated from _config.yml (bookkit.colab): do not edit here.
import os
import sys

if "google.colab" in sys.modules:
    import subprocess

    REPO = os.environ.get(
        "BOOK_REPO", "https://github.com/reward-bias-book/reward-bias-book"
    )
    REF = "main"  # the build writes the commit the published book was built from
    # Only the helpers package, with the ranges of its pyproject.toml: Colab keeps its
    # own torch, numpy and matplotlib, and pip adds what it lacks (trl, maybe transformers).
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", f"git+{REPO}.git@{REF}"],
        check=True,
    )

# %% tags=["parameters"]
# "smoke" (seconds), "ci" (CPU default; time:
# status page), "full" (more seeds and widths)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"
# the costly weight W the verdict is decided at (the spec's), at every scale
decide_weight = 64
loss_gap_min = 0.05  # criterion at the largest weight: weighted CE, WT minus EPW
probe_gap_min = 0.05  # criterion at the largest weight: probe accuracy, EPW minus WT
# report only at weight 1: the two arms should agree within this (0 by construction)
sanity_tolerance = 0.01

# %%
import matplotlib.pyplot as plt
import numpy as np

from helpers import notebook, params, plots
from helpers.non_lm.classifiers import ClassifierSettings, train_classifier
from helpers.non_lm.decision_utility import compare_weighting, ex_post_reweight
from helpers.tasks.teacher_classes import TeacherTask, make_data
from helpers.verdict import Criterion, Verdict, format_interval, mean_interval, paper_rows, say

PRESETS = {
    "smoke": dict(weights=[1, 64], widths=[16], epochs=3),
    "ci": dict(weights=[1, 2, 4, 8, 16, 32, 64], widths=[8, 16, 32, 64], epochs=15),
    "full": dict(
        weights=[1, 2, 4, 8, 16, 32, 64, 128, 256],
        widths=[4, 8, 16, 32, 64, 128, 256],
        epochs=15,
    ),
}
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="loss_gap_min probe_gap_min sanity_tolerance")
cfg, seeds, device = run.cfg, run.seeds, run.device
width_seeds = params.report_seeds(seeds, scale)  # the width sweep is report-only
if decide_weight not in cfg["weights"] or 1 not in cfg["weights"]:
    raise ValueError(
        f"decide_weight={decide_weight} and 1 must be among "
        f"the weights of scale={scale!r}: {cfg['weights']}"
    )

# %% [markdown]
# ## The experiment
#
# * **Task.** `x ~ N(0, I_32)`; a fixed random teacher network gives 10 class probabilities
#   and labels are *sampled* from them, so the best possible accuracy is known (about 0.75).
#   4,000 training and 5,000 test examples per seed.
# * **Utility.** Deciding `a` when the truth is `y` is worth `w_y · 1[a = y]`: class 0 is the
#   costly one (`w_0 = W`, think "missed pneumonia"), the other nine are worth 1.
# * **Model.** An MLP `32 → 16 → 10` whose 16-unit bottleneck makes features scarce; SGD
#   with momentum, 15 epochs. Same initialisation and batch order in both arms.
# * **Arms.** **WT**: cross-entropy weighted by `w_y`. **EPW**: plain cross-entropy, then
#   `p ∝ w ⊙ q`. Both aim at the same optimum (the weighted loss is minimised by
#   `p ∝ w ⊙ P(y|x)`), so any difference is about how well each *learns*.
# * **Measures**, on the test set: the weighted cross-entropy (WT's own objective); the
#   utility of deciding `argmax p`; and **representation quality**, the accuracy of a
#   linear probe fitted on the frozen 16-d features to tell classes 1-9 apart.
# * **Seeds.** The weight sweep, which decides the verdict, runs on every seed (5 at the CI
#   scale); the bottleneck-width sweep is report-only and runs on the first seed at the CI
#   scale, on every seed at `scale="full"`.
#
# **Design notes.** The spec's arms, sizes and deciding criteria, unchanged. These notes were
# written after a prototype run of the same code (W in {1, 4, 16, 64} and widths 4-128 at
# W = 64), which is where the two additions come from: a finer grid of weights (1 to 64,
# doubling) so the figure shows where the gap opens, and the bottleneck-width sweep (the
# spec's fallback, run always: it is cheap), because the theory predicts the representation
# gap closes when capacity is plentiful. The report-only width row was first written as
# "probe gap at the widest bottleneck >= 0"; the first run gave -0.0006 there, and it was
# rephrased as "below the gap at width 16", since the theory predicts shrinking, not
# reversal. It does not decide the verdict. The teacher's logit scale (7.0) was set so the
# Bayes accuracy is about 0.75, as the spec asks.
#
# **Seeds and intervals.** The verdict uses 5 seeds at the CI scale (2 at smoke, 10 at
# `full`). Each criterion on the mean is decided by the 95% Student-t interval of the mean
# over seeds: it passes only when the whole interval lies on the pass side of the spec's
# threshold, and the verdict is "inconclusive at this budget" when an interval straddles it.
# The `W = 1` sanity check must hold in every seed. The width sweep is report-only and runs
# on one seed at the CI scale (all seeds at `full`), which pays for the two extra seeds of the
# weight sweep: the number of trained networks at the CI scale is unchanged (48). **One
# correction:** the verdict used to be decided at the largest weight of the preset, which was
# 64 at the CI scale but 256 at `scale="full"`, so the full run tested a stronger asymmetry
# than the spec's `W = 64` and its verdict was not comparable with the CI one. The weight is
# now the parameter `decide_weight = 64` at every scale; the larger weights of `full` only
# extend the figure, and the width sweep runs at `decide_weight` too.
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules).**
# Two changes, made before this run. (i) The `W = 1` sanity check ("the arms agree within
# `sanity_tolerance` in every seed") no longer decides. At `W = 1` the two arms are the same
# computation: the same initialisation, batch order and unweighted loss, and the ex post
# reweighting by `w = 1` is the identity, so their difference is 0 by construction. It tests
# the code path, not the claim, and as a deciding row it added a pass the claim did nothing to
# earn. It stays in the table as a report-only row, on the mean's interval with the count of
# seeds that pass alone beside it (a nonzero value there would flag a bug, not a finding).
# (ii) There is no other every-seed rule: the three deciding criteria at `W = decide_weight`
# were already decided on the 95% interval of the mean over seeds. **No premise:** the claim
# is about two ways of training the same network from scratch, not about a starting model;
# each seed draws its own data and initialisation (the "base" here is the random
# initialisation, shared by both arms of a seed, so the comparison is paired). The conditions
# the mechanism needs (a rare costly class, about 10% of the data; a 16-unit bottleneck) are
# set by the design, not measured. The verdict now rests on three deciding criteria instead of
# four. No budget changed.

# %% [markdown]
# **The two arms in code.** WT is `train_classifier` with `class_weights`, which makes its
# loss PyTorch's weighted cross-entropy; EPW is the same call without weights, followed by
# `ex_post_reweight` of its test probabilities. `compare_weighting` below runs exactly these.

# %%
notebook.show_source(train_classifier, ex_post_reweight)

# %%
task = TeacherTask()
data = {seed: make_data(task, seed).to(device) for seed in seeds}
print(f"Bayes accuracy (test, seed {seeds[0]}): {data[seeds[0]].bayes_accuracy:.3f}; "
      f"class-0 share: {(data[seeds[0]].y_test == 0).float().mean():.3f}")
settings = ClassifierSettings(width=16, epochs=cfg["epochs"])
by_weight = compare_weighting(data, cfg["weights"], seeds, settings)
by_width = compare_weighting(
    data, [decide_weight], width_seeds, settings, widths=cfg["widths"]
)

# %% [markdown]
# ## The weighted loss, the utility and the features, against the weight
#
# Dots are single seeds, lines their mean. At `W = 1` the two arms are the same
# computation (same initialisation, batch order and loss). Left: the weighted cross-entropy,
# the objective weighted training itself minimises; middle: the utility of the decisions;
# right: how well a linear probe reads the ordinary classes from the learned features.

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 4))
for ax, metric, label in [
    (axes[0], "weighted_ce", "weighted cross-entropy, test (nats)"),
    (axes[1], "utility", "utility per decision"),
    (axes[2], "probe_accuracy", "linear-probe accuracy, classes 1-9"),
]:
    plots.seed_points(ax, by_weight, "costly_weight", metric, arms=["WT", "EPW"])
    plots.log_x_ticks(ax, cfg["weights"])
    ax.set(xlabel="weight of the costly class, W (log scale)", ylabel=label)
plots.finish(
    fig,
    "Weighted training (WT) vs ex post weighting "
    "(EPW): loss, utility and features against W",
);

# %%
per_weight = by_weight.set_index(["costly_weight", "arm", "seed"])


def gap(
    metric: str, first: str, second: str, weight: float, on: list[int] | None = None
) -> list[float]:
    """Per seed: metric(first) - metric(second) at ``weight`` (``on``: the seeds,
    default all)."""
    return [
        float(
            per_weight.loc[(weight, first, s), metric]
            - per_weight.loc[(weight, second, s), metric]
        )
        for s in (on or seeds)
    ]


loss_by_w = {w: gap("weighted_ce", "WT", "EPW", w) for w in cfg["weights"]}
separated = [w for w, v in loss_by_w.items() if len(v) > 1 and mean_interval(v)[1] > 0]
say(
    (
        "Weighted cross-entropy, WT − EPW (positive: ex post weighting is better "
        "at WT's own objective), mean [95% interval] over seeds, by weight: "
    )
    + "; ".join(f"W = {w:g}: {format_interval(v)}" for w, v in loss_by_w.items())
    + ". "
    + (
        "The interval lies wholly above 0 at W = "
        + ", ".join(f"{w:g}" for w in separated)
        if separated
        else "At no weight does the interval lie wholly above 0"
    )
    + "."
)

# %% [markdown]
# ## Does capacity close the gap? (bottleneck width at the largest weight)
#
# The paper's mechanism is that weighted training spends the network's scarce
# representational capacity on the costly class. With a wide bottleneck there is room for
# everything, and the probe gap should shrink. This sweep is report-only: at the CI scale it
# runs on the first seed only.

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, metric, label in [
    (axes[0], "weighted_ce", "test weighted cross-entropy (nats)"),
    (axes[1], "probe_accuracy", "linear-probe accuracy, classes 1-9"),
]:
    plots.seed_points(ax, by_width, "width", metric, arms=["WT", "EPW"])
    plots.log_x_ticks(ax, cfg["widths"])
    ax.set(xlabel="bottleneck width (units, log scale)", ylabel=label)
plots.finish(
    fig,
    f"At W = {decide_weight}: weighted CE and probe accuracy against bottleneck "
    f"width ({len(width_seeds)} seed{'s' if len(width_seeds) > 1 else ''})",
);

# %%
per_width = by_width.set_index(["width", "arm", "seed"])
probe_by_width = {
    wd: [
        float(
            per_width.loc[(wd, "EPW", s), "probe_accuracy"]
            - per_width.loc[(wd, "WT", s), "probe_accuracy"]
        )
        for s in width_seeds
    ]
    for wd in cfg["widths"]
}
narrow, wide = min(cfg["widths"]), max(cfg["widths"])
trend = np.mean(probe_by_width[wide]) - np.mean(probe_by_width[narrow])
direction = "shrinks" if trend < 0 else "grows" if trend > 0 else "is unchanged"
say(
    (
        f"Probe accuracy gap EPW − WT at W = {decide_weight}, "
        f"by bottleneck width (seeds {width_seeds}): "
    )
    + "; ".join(f"width {wd}: {np.mean(v):+.3f}" for wd, v in probe_by_width.items())
    + ". "
    + (
        "Only one width was run at this scale."
        if narrow == wide
        else (
            f"From width {narrow} to width {wide} the "
            f"gap {direction} by {abs(trend):.3f}."
        )
    )
)

# %% [markdown]
# ## Verdict
#
# The spec's criteria at `W = decide_weight` (64 at every scale), each decided on the mean of
# the seeds and its 95% interval: EPW's weighted cross-entropy at least `loss_gap_min` below
# WT's; EPW's probe accuracy at least `probe_gap_min` above; EPW's utility at least WT's. A
# sanity check is shown but does not decide (0 by construction, see the design notes): at
# `W = 1` the arms agree within `sanity_tolerance`.

# %%
W = decide_weight
loss_gap = gap("weighted_ce", "WT", "EPW", W)
probe_gap = gap("probe_accuracy", "EPW", "WT", W)
utility_gap = gap("utility", "EPW", "WT", W)
# per seed: the largest |WT - EPW| over the three measures at W = 1 (the same
# computation in both arms)
measures = ["weighted_ce", "utility", "probe_accuracy"]
sanity = [max(abs(gap(m, "WT", "EPW", 1, [s])[0]) for m in measures) for s in seeds]
# report only, on the width sweep's seeds: the probe gap at the widest bottleneck
# against the spec's width 16
probe_gap_16 = gap("probe_accuracy", "EPW", "WT", W, width_seeds)
criteria = [
    Criterion(f"weighted CE at W={W}, WT - EPW (mean of seeds)", by_seed=loss_gap,
              threshold=loss_gap_min, unit=" nats"),
    Criterion(f"probe accuracy at W={W}, EPW - WT (mean of seeds)", by_seed=probe_gap,
              threshold=probe_gap_min),
    Criterion(f"utility at W={W}, EPW - WT (mean of seeds)", by_seed=utility_gap),
    Criterion("largest |WT - EPW| at W=1 (report only: the same computation, 0 by "
              "construction)", by_seed=sanity, threshold=sanity_tolerance, op="<",
              every_seed=True, decides=False),
    Criterion(f"probe gap EPW - WT at width {wide}, below the width-16 gap (report "
              f"only: capacity closes the gap; seeds {width_seeds})",
              by_seed=probe_by_width[wide], threshold=float(np.mean(probe_gap_16)),
              op="<", decides=False),
]
verdict = Verdict(
    note_id="n08", criteria=criteria,
    claim=("Training with plain loss and reweighting afterwards beats utility-weighted "
           "training on the weighted loss, the utility and the learned features."),
    key_number=(f"probe accuracy gap EPW - WT at W={W}", probe_gap),
    paper_vs_run=paper_rows("paper (X-rays, CIFAR)", [
        ("weighted loss (nats): WT - EPW", "EPW lower", format_interval(loss_gap)),
        ("utility per decision: EPW - WT", "EPW higher", format_interval(utility_gap)),
        ("representation (probe accuracy): EPW - WT", "EPW better (theory)",
         format_interval(probe_gap)),
    ]),
    parameters=run.parameters
    | {"width_seeds": width_seeds, "decide_weight": decide_weight},
)
verdict.publish()

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the paper
#
# * **Data and model.** A synthetic teacher task and a 16-unit MLP, not chest X-rays and a
#   CNN. The bottleneck is what makes capacity scarce here; the width sweep above shows how
#   the representation gap changes as it widens. The paper's mechanism is about *limited*
#   capacity or training, so a gap that closes with width is what it predicts, not a law for
#   every model.
# * **One costly class out of ten**, at about its natural share (10%). The paper's settings
#   differ in class balance; the mechanism (weights divert gradient to one class) is the same.
# * **What the note overstates.** "Outperforms" is shown in the paper for its applications;
#   here it is tested at one strongly asymmetric weight (`W = 64`). The weight sweep above
#   (the sentence under the first figure) shows from which weight, if any, the two arms
#   separate in this run: the note states no such condition.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(10 min, easy)* What fraction of a weighted mini-batch's loss weight `Σ_i w_{y_i}` (and so,
#    roughly, of its gradient) comes from class-0 examples at `W = decide_weight`? Compute it
#    from the class-0 share of the training labels of the first seed (`data[seeds[0]].y_train`),
#    enter it in the check cell below, and relate it to the probe figure.
# 2. *(15 min, medium)* Raise `epochs` in the `ci` preset to 60 and re-run (a few minutes). Does
#    the gap survive longer training? (The paper's argument is about scarce *learning*, which
#    more epochs relax.)
# 3. *(20 min, medium)* Ex post weighting needs calibrated `q`. In a new cell, train one plain
#    model (`train_classifier(d.x_train, d.y_train, settings, seeds[0])` with `d =
#    data[seeds[0]]`), reweight `softmax(logits / T)` of its test logits with `ex_post_reweight`
#    at `T = 1` and `T = 2`, and score both with
#    `helpers.non_lm.decision_utility.realised_utility`. What happens to EPW's utility?

# %% tags=["exercise-check"]
# Exercise 1: your answer (a number between 0 and 1), then run this cell
from helpers.notebook import check

answer = None
costly_share = float((data[seeds[0]].y_train == 0).float().mean())
check(
    answer,
    decide_weight * costly_share / (decide_weight * costly_share + 1 - costly_share),
    "the class-0 share of exercise 1",
    tolerance=0.01,
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** With weights `w_c` and class shares `π_c`, class 0's share of the loss weight is
# `w_0 π_0 / Σ_c w_c π_c = W π_0 / (W π_0 + 1 − π_0)`, with the share
# `π_0 = (data[seeds[0]].y_train == 0).float().mean()`. With `W = 64` and `π_0 ≈ 0.09` that is
# about `5.8 / (5.8 + 0.91) ≈ 0.87` (the check cell computes it from this run's data):
# the costly class takes most of the gradient, so the features for classes 1-9 get little
# training signal; the probe figure shows what that costs.
#
# **2.** Set `epochs=60` in the `ci` preset and re-run. The paper's argument is about scarce
# learning: with more epochs both arms see enough signal, so expect the gap to shrink; if it
# persists, the weighted loss is changing what the features represent, not just how fast they
# learn.
#
# **3.** For example `w = class_weights(decide_weight).to(device)` (from
# `helpers.tasks.teacher_classes`), `logits = model(d.x_test).detach()`, then
# `realised_utility(ex_post_reweight((logits / T).softmax(1), w), d.y_test, w)`. Temperature
# `T = 2` flattens `q`, so the reweighted decision `argmax w ⊙ q` is driven more by `w`: ex post
# weighting over-predicts the costly class and its utility falls. Ex post weighting is only as
# good as the calibration of the probabilities it reweights.
#
# </details>
