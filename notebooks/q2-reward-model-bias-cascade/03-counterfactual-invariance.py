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
# # Can counterfactual invariance eliminate reward hacking biases?
#
# > **The corpus claim** (note n10, cited by Q2): "Causal reward modeling using
# > counterfactual invariance constrains reward predictions to remain consistent when
# > irrelevant variables change, eliminating length bias, sycophancy bias, concept bias, and
# > discrimination. Standard training cannot distinguish causal from spurious features;
# > counterfactual invariance forces isolation of actual quality signals."
#
# **Source** [arXiv:2501.09620](https://arxiv.org/abs/2501.09620). Wang, Zhao, Jiang, Chen, Zhu, Chen, Liu, Zhang, Fan, Ma, Wang,
# *Beyond Reward Hacking: Causal Rewards for Large Language Model Alignment*, arXiv 2501.09620,
# 2025. A reward model is trained with an extra **maximum mean discrepancy** ([MMD](../../book/glossary.md))
# penalty that makes its internal representation look the same across bins of a spurious
# variable (length, a sycophantic phrase, a concept, a demographic word). This notebook mirrors
# the paper's **length-bias** experiment (its length vs. quality trade-off against a vanilla
# reward model) on a synthetic preference task where the true quality is known exactly.
#
# **What the paper shows and what the note says.** The paper *reduces* these biases (the
# numbers quoted for Llama-3-8B, which we have only from a secondary summary and do not quote
# as checked: sycophancy 92.67% → 19.78%, discrimination 0.121 → 0.058). "Eliminating" is
# the note's word; this notebook says "reduces" unless its own numbers show elimination.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * build a preference dataset in which a spurious feature (length) predicts the label
# * train a Bradley-Terry reward model, and add an MMD invariance penalty to it
# * measure reward hacking downstream with [Best-of-n](../../book/glossary.md) selection against an oracle
#
# **Prerequisites.** The Bradley-Terry model of pairwise preferences; kernels (the RBF kernel).

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
# "smoke" (seconds), "ci" (CPU default; time: status page),
# "full" (more pairs, steps and lambdas; GPU or patient CPU)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
# "auto", "cpu", "cuda" or "mps" (the reward models
# are tiny: they train on the CPU either way)
device = "auto"
causal_lambda = 10.0  # the MMD weight the verdict is decided at (the spec's)
best_of = 64  # the n of the best-of-n criteria (the spec's), the same at every scale
# criterion: accuracy on anti-correlated test pairs, causal minus vanilla
anti_accuracy_gain_min = 0.10
bon_length_gap_min = 8.0  # criterion: best-of-64 length, vanilla minus causal (tokens)
# |neutral - anti-correlated accuracy| at most this counts as "eliminated" (report row);
# the vanilla model's gap must exceed it (premise: a length bias to eliminate)
eliminated_max = 0.02

# %%
import matplotlib.pyplot as plt
import pandas as pd

from helpers import notebook, params, plots, runtime
from helpers.results import arm_difference, minus, per_seed
from helpers.rewards.reward_models import (
    FIRST_DESIGN,
    DriftSettings,
    RMSettings,
    best_of_n,
    grpo_length_drift,
    mmd_across_bins,
    pairwise_accuracy,
    train_reward_model,
)
from helpers.tasks.preference_pairs import PreferenceTask, make_pairs
from helpers.verdict import Criterion, Verdict, format_interval, paper_rows, say, where

PRESETS = {
    "smoke": dict(
        train_pairs=1000,
        test_pairs=500,
        rm_steps=30,
        lambdas=[0.0, 10.0],
        ns=[1, 4, 64],
        bon_trials=100,
        drift_steps=3,
    ),
    "ci": dict(
        train_pairs=4000,
        test_pairs=2000,
        rm_steps=600,
        lambdas=[0.0, 1.0, 10.0, 100.0],
        ns=[1, 4, 16, 64],
        bon_trials=500,
        drift_steps=40,
    ),
    "full": dict(
        train_pairs=20000,
        test_pairs=5000,
        rm_steps=3000,
        lambdas=[0.0, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0],
        ns=[1, 2, 4, 8, 16, 32, 64, 128],
        bon_trials=2000,
        drift_steps=200,
    ),
}
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="causal_lambda best_of anti_accuracy_gain_min "
                              "bon_length_gap_min eliminated_max")
cfg, seeds, device = run.cfg, run.seeds, run.device
# report-only arms: the other λ, the conditional variant, GRPO
extra_seeds = params.report_seeds(seeds, scale)
if causal_lambda not in cfg["lambdas"] or 0.0 not in cfg["lambdas"]:
    raise ValueError(
        f"causal_lambda={causal_lambda} and 0 must be among "
        f"the lambdas of scale={scale!r}: {cfg['lambdas']}"
    )
if best_of not in cfg["ns"]:
    raise ValueError(
        f"best_of={best_of} is not among the ns of scale={scale!r}: {cfg['ns']}"
    )

# %% [markdown]
# ## The experiment
#
# * **Responses** are strings of 4 to 32 tokens from 16 ids; ids 0-7 are "good". A response's
#   **true quality** `q` is its share of good tokens, drawn *independently of its length*:
#   in the population of responses, length says nothing about quality.
# * **Training pairs** (4,000 per seed) are labelled by Bradley-Terry on quality,
#   `P(a ≻ b) = sigmoid(12 (q_a − q_b))`, then *selected* so that the preferred response is
#   the longer one in 90% of pairs. That selection is the spurious correlation, as when
#   annotators of real data happened to prefer longer answers.
# * **Test pairs** are labelled by the true order of quality, with the longer response
#   preferred in 50% (**neutral**) or 10% (**anti-correlated**) of pairs. A reward model that
#   learned "longer is better" fails on the second set.
# * **Reward model**: token embeddings, *summed* (so length is visible, as it is to a
#   transformer), an MLP to a 16-d representation `z`, a linear read-out. **Causal variant**:
#   the Bradley-Terry loss plus `λ · MMD²` between the distributions of `z` in eight
#   equal-width length bins over 4-32 tokens: if `z` looks the same whatever the length, the
#   reward cannot depend on length. The penalty is one kernel matrix (an average of RBF kernels
#   at five bandwidths) and a bin-mask matrix per batch (`helpers.rewards.reward_models.mmd_across_bins`).
# * **Downstream**: best-of-n. Draw `n` random responses, keep the one the reward model scores
#   highest, and record its length and true quality; the **oracle** picks by true quality.
#   The same candidate pools are used for every scorer.
#
# TRL's `RewardTrainer` expects a transformers sequence-classification model fed with text;
# the reward model here is a 4,000-parameter bag of tokens, so a plain 20-line loop trains it
# (`helpers.rewards.reward_models.train_reward_model`).
#
# **Design notes** (written before the default-seed run, after two prototypes whose seeds are
# named here). The spec's task, arms and criteria are kept; three details changed. (1) The
# first prototype (seeds 0, 1, 2) used a ReLU on the 16-d representation: under the MMD
# penalty every unit died, the reward became a constant and accuracy was 0.50 at `λ = 10` on
# two seeds. The representation now ends in `tanh`, which cannot die. (2) The RBF bandwidth is
# the median pairwise distance of `z` in the batch (the usual heuristic); a fixed bandwidth of
# 1 was weaker at `λ = 10` in the second prototype (seeds 0, 1). (3) The verdict uses the
# spec's *unconditional* MMD across length bins; the paper's *conditional* variant (MMD among
# chosen and among rejected responses separately) is run at `λ = 10` as a report-only row.
# The spec's larger-scale GRPO test runs here at every scale, report-only (first seed only at
# the CI scale), because it takes about 6 s per run: a fresh tiny policy trained by group-relative policy gradient against each
# reward model, and its length drift.
#
# **Seeds and intervals** (written with the change to 5 seeds, before its run). The verdict
# uses 5 seeds at the CI scale (2 at smoke, 10 at `full`); each criterion is decided on the
# mean of the seeds and its 95% Student-t interval (pass only when the whole interval is on
# the pass side of the spec's threshold; "inconclusive at this budget" when it straddles).
# Only the vanilla (`λ = 0`) and causal (`λ = causal_lambda`) reward models decide the
# verdict, so they train on every seed; the other λ of the sweep, the conditional variant and
# the GRPO policies are report-only and run on the first seed at the CI scale (every seed at
# `full`). That pays for the two extra seeds: 13 reward models at the CI scale instead of 15.
# **One correction:** the best-of-n criteria used the largest `n` of the preset, 64 at the CI
# scale but 128 at `scale="full"`, so the full run tested a stronger selection than the
# spec's best-of-64 against the same thresholds. The `n` is now the parameter `best_of = 64`
# at every scale; the larger `n` of `full` only extend the figure.
#
# **(4) A representation that does not cap the bias it measures** (a correction asked for by a
# review, written before the run; the thresholds do not move). Three details of the first
# design, all chosen to make the *causal* arm train, also shaped what the *vanilla* arm could
# show. (a) The `tanh` at the end of `z` saturates: the summed embeddings of long responses
# push every unit towards ±1, so beyond some length the vanilla reward stops growing with
# length, which caps the very length bias that the best-of-64 length criterion measures (the
# review reports a pilot without it that picked longer responses). `z` now ends in a leaky
# ReLU, which neither dies (the failure of the ReLU prototype) nor saturates. (b) One RBF kernel at the median
# distance sees differences at one scale only, and best-of-64 selects from the tail of the
# reward distribution; the MMD now averages kernels at ¼, ½, 1, 2 and 4 times the median
# distance. (c) Four wide length bins let the reward grow with length inside each bin; there
# are now eight. **The first design runs beside it**, vanilla and causal on every seed, and its
# three criteria are report-only rows of the verdict table, so both designs' numbers are shown
# with their intervals.
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules)**
# (written before the run). (1) **Seeds.** Nothing here is trained once and shared across
# verdict seeds: seed `s` draws its own training and test pairs, initialises and batches its
# own reward models, draws its own best-of-n pools and its own GRPO policy, so a verdict
# seed is already an independent replication of the whole pipeline; nothing moves.
# (2) **Decided on the mean.** The three criteria were already decided on the 95% interval
# of the mean over seeds; the table now also shows how many seeds pass alone (never
# deciding: the chance that every seed passes falls as seeds are added). (3) **Premises**:
# the claim is that the penalty *removes* a length bias, so each seed's vanilla (`λ = 0`)
# reward model must have one, at least as large as what the criteria ask the penalty to
# remove. *Accuracy*: the vanilla model's neutral minus anti-correlated accuracy at least
# `anti_accuracy_gain_min` = 0.10 (length costs it at least the accuracy the first
# criterion asks the penalty to win back; corrected below). *Selection*: the vanilla model's best-of-64 pick
# at least `bon_length_gap_min` = 8 tokens longer than the oracle's from the same pools (a
# selector that reads quality alone picks like the oracle, so this is the excess length
# there is to remove; the second criterion asks for 8 tokens of it). Both thresholds are the
# criteria's own, not read off a run. If a premise is not met, the verdict says so: the run
# did not set up a bias to eliminate. The first design's rows stay report-only.
#
# **Correction to the accuracy premise, same day, after the first CI run of this version**
# (stated because the threshold moved after numbers were seen). With the threshold 0.10 the
# premise was unresolved: neutral minus anti-correlated accuracy of the vanilla model was
# 0.068, 0.101, 0.096, 0.094, 0.104 (mean 0.093 [0.075, 0.111]), while the causal model's
# gain on anti-correlated pairs was 0.147 [0.112, 0.182], *larger* than that gap. So the
# premise's argument was wrong: the vanilla model's length reading costs it accuracy on
# neutral pairs too (where length is noise), and the gap between its two test sets
# understates what the penalty can win back. The premise now asks only what the claim
# needs, a length bias in accuracy that is not already "eliminated": neutral minus
# anti-correlated accuracy above `eliminated_max` = 0.02, the band the report-only
# "eliminated" row uses for "about 0". The selection premise is unchanged.

# %% [markdown]
# **The invariance penalty in code.** `mmd_across_bins` is the `MMD²` that the causal reward
# model adds, weighted by `λ`, to its Bradley-Terry loss in `train_reward_model`: the
# distance between the distributions of `z` in every pair of length bins, from one kernel
# matrix. This is the function the reward models below train with.

# %%
notebook.show_source(mmd_across_bins)

# %%
task = PreferenceTask()
data = {
    seed: dict(
        train=make_pairs(task, cfg["train_pairs"], 0.9, seed, noisy_labels=True),
        neutral=make_pairs(
            task, cfg["test_pairs"], 0.5, 1_000 + seed, noisy_labels=False
        ),
        anti=make_pairs(task, cfg["test_pairs"], 0.1, 2_000 + seed, noisy_labels=False),
    )
    for seed in seeds
}
print(
    "longer response preferred in: "
    + ", ".join(f"{k} {v.longer_wins_share:.2f}" for k, v in data[seeds[0]].items())
)

arms = {
    f"λ={lam:g}": RMSettings(
        num_steps=cfg["rm_steps"], mmd_weight=lam, conditional=False
    )
    for lam in cfg["lambdas"]
}
arms[f"λ={causal_lambda:g} conditional"] = RMSettings(
    num_steps=cfg["rm_steps"], mmd_weight=causal_lambda, conditional=True
)
causal, vanilla = f"λ={causal_lambda:g}", "λ=0"
# design note 4: the first design, shown beside the current one, never deciding
first_arms = {
    f"{arm}, first design": RMSettings(
        num_steps=cfg["rm_steps"], mmd_weight=lam, conditional=False, **FIRST_DESIGN
    )
    for arm, lam in ((vanilla, 0.0), (causal, causal_lambda))
}
arms.update(first_arms)
first_vanilla, first_causal = first_arms
# every seed; the other arms are report-only and run on extra_seeds
deciding = [vanilla, causal, *first_arms]
models, accuracy, selection = {}, [], []
for seed in seeds:
    run_arms = {
        arm: settings
        for arm, settings in arms.items()
        if arm in deciding or seed in extra_seeds
    }
    for arm, settings in runtime.progress(
        run_arms.items(), desc=f"seed {seed}: reward models", total=len(run_arms)
    ):
        model, _ = train_reward_model(data[seed]["train"], task, settings, seed)
        models[arm, seed] = model
        accuracy.append(
            {
                "arm": arm,
                "seed": seed,
                "lambda": settings.mmd_weight,
                "conditional": settings.conditional,
                **{
                    split: pairwise_accuracy(model, data[seed][split])
                    for split in ("train", "neutral", "anti")
                },
            }
        )
        selection.append(
            best_of_n(model, task, cfg["ns"], cfg["bon_trials"], seed).assign(
                arm=arm, seed=seed
            )
        )
    selection.append(
        best_of_n(None, task, cfg["ns"], cfg["bon_trials"], seed).assign(
            arm="oracle (true quality)", seed=seed
        )
    )
accuracy, selection = pd.DataFrame(accuracy), pd.concat(selection, ignore_index=True)
accuracy.groupby("arm", sort=False)[["train", "neutral", "anti"]].mean().round(3)

# %% [markdown]
# ## Test accuracy against λ
#
# Dots are single seeds, lines their mean. A reward model that has learned "longer is
# better" is right on most training pairs and wrong on the anti-correlated ones; one that
# reads quality alone scores the same on both test sets. The vanilla and causal λ run on
# every seed; at the CI scale the other λ run on the first seed only.

# %%
current = accuracy[~accuracy["conditional"] & ~accuracy["arm"].isin(list(first_arms))]
sweep = current.melt(id_vars=["arm", "seed", "lambda"], value_vars=["neutral", "anti"],
                     var_name="test pairs", value_name="accuracy")
sweep["x"] = sweep["lambda"].where(
    sweep["lambda"] > 0, min(lam for lam in cfg["lambdas"] if lam > 0) / 10
)
fig, ax = plt.subplots(figsize=(7, 4))
plots.seed_points(
    ax,
    sweep.assign(
        arm=sweep["test pairs"].map(
            {
                "neutral": "neutral test pairs (50% longer wins)",
                "anti": "anti-correlated test pairs (10% longer wins)",
            }
        )
    ),
    "x",
    "accuracy",
)
ticks = sorted(sweep["x"].unique())
plots.log_x_ticks(ax, ticks)
ax.set_xticks(ticks, ["0"] + [f"{v:g}" for v in ticks[1:]])
ax.axhline(0.5, color="grey", lw=0.8, ls=":")
ax.set(
    xlabel="MMD weight λ (log scale; 0 = vanilla reward model)",
    ylabel="pairwise accuracy vs. true quality",
    ylim=(0.4, 1.0),
)
plots.finish(
    fig, "Reward-model accuracy on neutral and anti-correlated test pairs against λ"
);

# %%
by_arm = accuracy.groupby("arm", sort=False)
say(
    (
        "Pairwise accuracy, neutral / anti-correlated "
        "test pairs (mean [95% interval] over seeds): "
    )
    + "; ".join(
        f"{arm}: {format_interval(g['neutral'], 2)} / {format_interval(g['anti'], 2)}"
        for arm, g in by_arm
    )
    + "."
)

# %% [markdown]
# ## Best-of-n: what the reward model's bias does to selection
#
# Left: the mean length of the selected response; the dotted line is the mean length of a
# random response (18 tokens). Right: its true quality. The **oracle is expected to lean
# short**: a short response's share of good tokens is a noisier number, so the most extreme
# (best) ones tend to be short (exercise 2). That is a property of the pool, not a bias; a
# length-biased reward model would lean the other way.

# %%
shown = ["λ=0", f"λ={causal_lambda:g}", "oracle (true quality)"]
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for ax, metric, label in [
    (axes[0], "length", "length of the selected response (tokens)"),
    (axes[1], "quality", "true quality of the selected response"),
]:
    plots.seed_band(
        ax, selection[selection["arm"].isin(shown)], "n", metric, arms=shown
    )
    plots.log_x_ticks(ax, cfg["ns"])
    ax.set(xlabel="candidates per selection, n (log scale)", ylabel=label)
axes[0].axhline((task.min_length + task.max_length) / 2, color="grey", lw=0.8, ls=":")
plots.finish(
    fig,
    "Best-of-n against the vanilla (λ=0) and "
    f"causal (λ={causal_lambda:g}) reward models",
);

# %%
picks = selection[selection["n"] == best_of].groupby("arm", sort=False)
say(
    (
        f"Best-of-{best_of} picks (mean [95% interval] "
        "over seeds), length in tokens / true quality: "
    )
    + "; ".join(
        f"{arm}: {format_interval(g['length'], 3)} / {format_interval(g['quality'], 2)}"
        for arm, g in picks
    )
    + (
        f". A random response is {(task.min_length + task.max_length) / 2:g} "
        "tokens long on average."
    )
)

# %% [markdown]
# ## Downstream RL: a policy trained against each reward model
#
# A fresh tiny GPT policy (2 layers, d = 64) generates a response after a start token and is
# trained by group-relative policy gradient against each reward model, and against true
# quality for comparison. The policy can only raise quality by writing good tokens; it can
# raise a length-biased reward by writing longer. This part is report-only, so at the CI scale
# it runs on the first seed only (all seeds at `scale="full"`). In the design prototype even
# the policy trained on true quality drifted to long responses (a fresh policy has nothing to
# gain from stopping early), so this figure can separate the arms mainly by how fast they drift.

# %%
drift = []
for seed in extra_seeds:
    for arm in runtime.progress(shown, desc=f"seed {seed}: GRPO policies"):
        score = None if arm.startswith("oracle") else models[arm, seed]
        drift.append(
            grpo_length_drift(
                score, task, DriftSettings(num_steps=cfg["drift_steps"]), seed
            ).assign(arm=arm, seed=seed)
        )
drift = pd.concat(drift, ignore_index=True)
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for ax, metric, label in [
    (axes[0], "length", "mean response length (tokens)"),
    (axes[1], "quality", "mean true quality"),
]:
    plots.seed_band(ax, drift, "step", metric, arms=shown)
    ax.set(xlabel="policy-gradient step", ylabel=label)
plots.finish(
    fig, "Policies trained against each reward model: length and true quality"
);

# %%
last_step = cfg["drift_steps"]
ends = (
    drift[drift["step"].isin([0, last_step])]
    .groupby(["arm", "step"])[["length", "quality"]]
    .mean()
)
say(
    (
        "Mean response length at step 0 → after "
        f"{cfg['drift_steps']} steps (seeds {extra_seeds}): "
    )
    + "; ".join(
        (
            f"{arm}: {ends.loc[(arm, 0), 'length']:.1f} → "
            f"{ends.loc[(arm, last_step), 'length']:.1f} tokens "
            f"(true quality {ends.loc[(arm, 0), 'quality']:.2f} "
            f"→ {ends.loc[(arm, last_step), 'quality']:.2f})"
        )
        for arm in shown
    )
    + "."
)

# %% [markdown]
# ## Verdict
#
# The spec's criteria at `λ = causal_lambda`, each decided on the mean of the seeds and its
# 95% interval (per-seed values and the count of seeds passing alone shown), after the
# premises on each seed's vanilla reward model (design notes of 2026-12-02): accuracy on
# anti-correlated pairs at least `anti_accuracy_gain_min` above the vanilla model's;
# best-of-`best_of` (64) length at least `bon_length_gap_min` tokens shorter; best-of-64
# true quality at least the vanilla model's.

# %%
bon = selection[selection["n"] == best_of]  # the best-of-64 picks
last = drift[drift["step"] == cfg["drift_steps"]]


def neutral_minus_anti(arm: str) -> list[float]:
    """Per seed: ``arm``'s accuracy on neutral minus anti-correlated test pairs."""
    return minus(per_seed(accuracy, "neutral", seeds, arm=arm),
                 per_seed(accuracy, "anti", seeds, arm=arm))


anti_gain = arm_difference(accuracy, "anti", causal, vanilla, seeds)
length_gap = arm_difference(bon, "length", vanilla, causal, seeds)
# the first design (design note 4), report only
first_anti_gain = arm_difference(accuracy, "anti", first_causal, first_vanilla, seeds)
first_gap = arm_difference(bon, "length", first_vanilla, first_causal, seeds)
first_quality_gap = arm_difference(bon, "quality", first_causal, first_vanilla, seeds)
oracle = "oracle (true quality)"
premises = [
    Criterion("vanilla RM: neutral - anti-correlated accuracy (a length bias in "
              "accuracy)", by_seed=neutral_minus_anti(vanilla), op=">",
              threshold=eliminated_max, every_seed=True),
    Criterion(f"vanilla RM: best-of-{best_of} length - oracle's (a length bias in "
              "selection)", threshold=bon_length_gap_min, unit=" tokens",
              by_seed=arm_difference(bon, "length", vanilla, oracle, seeds),
              every_seed=True),
]
criteria = [
    Criterion(f"anti-correlated accuracy, {causal} - vanilla", by_seed=anti_gain,
              threshold=anti_accuracy_gain_min, every_seed=True),
    Criterion(f"best-of-{best_of} length, vanilla - {causal}", by_seed=length_gap,
              threshold=bon_length_gap_min, every_seed=True, unit=" tokens"),
    Criterion(f"best-of-{best_of} true quality, {causal} - vanilla", every_seed=True,
              by_seed=arm_difference(bon, "quality", causal, vanilla, seeds)),
    Criterion(f"anti-correlated accuracy, {causal} conditional - vanilla (report only; "
              f"seeds {extra_seeds})", threshold=anti_accuracy_gain_min, decides=False,
              by_seed=arm_difference(accuracy, "anti", f"{causal} conditional",
                                     vanilla, extra_seeds)),
    Criterion(f"{causal}: |neutral - anti-correlated accuracy|, 'eliminated' would be "
              "~0 (report only)", by_seed=[abs(d) for d in neutral_minus_anti(causal)],
              threshold=eliminated_max, op="<=", decides=False),
    Criterion(f"GRPO policy length after {cfg['drift_steps']} steps, vanilla - "
              f"{causal} RM (report only; seeds {extra_seeds})", op=">", decides=False,
              by_seed=arm_difference(last, "length", vanilla, causal, extra_seeds),
              unit=" tokens"),
    Criterion(f"first design: anti-correlated accuracy, {causal} - vanilla (report "
              "only)", by_seed=first_anti_gain, threshold=anti_accuracy_gain_min,
              decides=False),
    Criterion(f"first design: best-of-{best_of} length, vanilla - {causal} (report "
              "only)", by_seed=first_gap, threshold=bon_length_gap_min, decides=False,
              unit=" tokens"),
    Criterion(f"first design: best-of-{best_of} true quality, {causal} - vanilla "
              "(report only)", by_seed=first_quality_gap, decides=False),
]
pair = lambda table, col: " → ".join(  # noqa: E731
    format_interval(per_seed(table, col, seeds, arm=arm), 3)
    for arm in (vanilla, causal)
)
oracle_lengths = format_interval(per_seed(bon, "length", seeds, arm=oracle), 3)
verdict = Verdict(
    note_id="n10", criteria=criteria, premises=premises,
    claim=("An MMD penalty across length bins makes a reward model ignore length: "
           "better accuracy where length misleads, shorter and no worse best-of-n "
           "picks."),
    key_number=(f"anti-correlated accuracy, {causal} - vanilla", anti_gain),
    paper_vs_run=paper_rows("paper (Llama-3-8B)", [
        ("length bias", "better length vs. win-rate trade-off than vanilla",
         f"anti-correlated accuracy {pair(accuracy, 'anti')}"),
        ("selection", "shorter responses at equal quality", f"best-of-{best_of} length "
         f"{pair(bon, 'length')} tokens (oracle {oracle_lengths})"),
        ("sycophancy (not tested here)",
         "92.67% → 19.78% (secondary summary, unchecked)", "—"),
    ], "this run (mean [95% interval], vanilla → causal)"),
    parameters=run.parameters | {"extra_seeds": extra_seeds},
)
verdict.publish()
say(
    f"Design note 4 in numbers: the best-of-{best_of} length gap, vanilla minus "
    f"causal, is {format_interval(length_gap, 3)} tokens with this design and "
    f"{format_interval(first_gap, 3)} with the first (`tanh`, one bandwidth, four "
    f"bins); the anti-correlated accuracy gain is {format_interval(anti_gain, 3)} and "
    f"{format_interval(first_anti_gain, 3)}. This design's length gap minus the "
    "first design's (paired by seed) is "
    f"{where(minus(length_gap, first_gap), unit=' tokens')}: the note expected it "
    "above 0."
)

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the paper
#
# * **One spurious variable, planted.** Length is the only nuisance here and we know its bins
#   exactly; the paper also handles sycophancy, concepts and demographic words, where the
#   spurious variable has to be labelled or detected first. Nothing here tests those.
# * **A bag-of-tokens reward model.** Quality is a share of tokens and the model sums token
#   embeddings, so "quality" and "length" are cleanly separable directions for it. In a real
#   reward model they are entangled with everything else the model reads.
# * **"Eliminating".** The report-only row above compares neutral and anti-correlated
#   accuracy at `λ = 10`: elimination would make that difference about 0, and the row's
#   interval says how far from 0 this run is. The paper's Pareto fronts show invariance being
#   bought with accuracy; the accuracy sentence under the λ figure shows what the largest λ
#   costs here.
# * **Downstream RL at this size** (the policy figure): a fresh policy has nothing to gain
#   from stopping early, so its length can drift upwards whatever it is trained against
#   (the sentence under the figure gives the arms' lengths, including the policy trained on
#   true quality); the figure can then separate the arms only by how fast they drift.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(15 min, medium)* Train on pairs without the spurious correlation: `longer_wins = 0.5` in
#    the training `make_pairs` call. Predict the vanilla model's anti-correlated accuracy, then
#    run it on the first seed `s = seeds[0]`: `model, _ = train_reward_model(pairs, task,
#    arms[vanilla], s)` with `pairs = make_pairs(task, cfg["train_pairs"], 0.5, s,
#    noisy_labels=True)`, then `pairwise_accuracy(model, data[s]["anti"])`; the same with
#    `arms[causal]`. What does the penalty still cost?
# 2. *(10 min, easy)* Why would the oracle's best-of-64 pick be *shorter* than average? Compute,
#    for a response of length `L` with good-token rate `p ~ U(0, 1)`, the chance that its quality
#    is exactly 1; enter it for the shortest length the task draws (`L = task.min_length`) below.
#    Why does this favour short responses?
# 3. *(20 min, medium)* Replace the eight length bins by two: train the causal model of the first
#    seed with `dataclasses.replace(arms[causal], num_bins=2)` and run `best_of_n` on it as the
#    reward-model cell does. Where is the boundary between the two bins (the longest length in
#    the first bin; `helpers.tasks.preference_pairs.length_bins` assigns them)? Which length
#    dependence can the penalty no longer see?

# %% tags=["exercise-check"]
# Exercise 2: your answer (a probability), then run this cell
from helpers.notebook import check

answer = None
check(answer, 1 / (task.min_length + 1), "the probability of exercise 2", tolerance=0.005)

# %% tags=["exercise-check"]
# Exercise 3: your answer (a length in tokens), then run this cell
import torch

from helpers.notebook import check
from helpers.tasks.preference_pairs import length_bins

answer = None
check(
    answer,
    max(
        n
        for n in range(task.min_length, task.max_length + 1)
        if int(length_bins(torch.tensor([n]), task, num_bins=2)) == 0
    ),
    "the longest length in the first bin of exercise 3",
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** With no spurious correlation the vanilla model has no reason to use length, so its
# anti-correlated accuracy rises to about its neutral accuracy; the penalty then only costs a
# little accuracy (it constrains the representation for nothing).
#
# **2.** `P(q = 1) = ∫ p^L dp = 1 / (L + 1)`: a 4-token response is all-good with probability
# 1/5, a 32-token one with 1/33. Among 64 random candidates the perfect ones are mostly short,
# so an unbiased selector picks short responses.
#
# **3.** `length_bins` cuts 4-32 tokens into equal-width bins, so the two bins are 4-18 and 19-32
# tokens. The penalty then only matches the two halves: the reward can still grow with length
# *within* each half, so best-of-n picks drift towards the top of each bin.
#
# </details>
