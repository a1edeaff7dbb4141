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
# # Does binary reward training hurt model calibration?
#
# > **The corpus claim** (note n01, cited by both questions): "Binary correctness rewards
# > incentivize high-confidence guessing because they don't penalize confident wrong
# > answers. Adding the Brier score as a second reward term mathematically guarantees
# > joint optimization of accuracy and calibration without trade-off."
#
# **Source** [arXiv:2507.16806](https://arxiv.org/abs/2507.16806). Damani, Puri, Slocum, Shenfeld, Choshen, Kim, Andreas, *Beyond Binary
# Rewards: Training LMs to Reason About Their Uncertainty* (RLCR), arXiv 2507.16806,
# 2025. RLCR trains with `R = 1[y = y*] - (q - 1[y = y*])^2`: correctness plus a Brier
# term on the model's verbalised confidence `q`. On HotpotQA with Qwen2.5-7B, plain RL
# with a binary reward (RLVR) ends with ECE about 0.37, RLCR about 0.03, with no loss of
# accuracy. This notebook mirrors that comparison (the paper's calibration table and
# reliability diagrams) in miniature.
#
# **What the note overstates.** The "guarantee without trade-off" is a statement about
# the *optimum*: with a bounded proper scoring rule added, the best policy gives its
# most likely answer with confidence equal to that answer's probability of being right.
# It says nothing about where a finite run of a gradient method ends, and the paper's
# own runs show small accuracy differences. We test both halves: the calibration gap
# and whether accuracy is kept.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * state why a correctness-only reward leaves confidence unconstrained and a Brier term does not
# * measure calibration with ECE and a reliability diagram
# * tell a threshold change from a change in the measured number when reading a verdict
#
# **Prerequisites.** The lab notebook; what a probability of being right means; the [Brier score](../../book/glossary.md).

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
scale = "ci"  # "smoke" (seconds), "ci" (CPU default; time: status page), "full" (GPU)
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"
ece_gap_min = 0.10  # criterion: mean ECE gap (RLVR minus RLCR) must reach this
# criterion: RLCR accuracy may trail RLVR accuracy by at most this
accuracy_tolerance = 0.03

# %%

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from helpers import notebook, params, plots
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings, bases_by_seed
from helpers.measure import metrics
from helpers.results import minus
from helpers.rl import GRPOSettings, compare_arms
from helpers.tasks import noisy_addition as na
from helpers.verdict import Criterion, Verdict, format_interval, paper_rows, say, where

PRESETS = {
    "smoke": dict(
        sft_steps=40,
        rl_steps=4,
        prompts_per_step=4,
        eval_every=2,
        calibrated_start=False,
    ),
    "ci": dict(
        sft_steps=1000,
        rl_steps=100,
        prompts_per_step=32,
        eval_every=20,
        calibrated_start=False,
    ),
    "full": dict(
        sft_steps=1000,
        rl_steps=400,
        prompts_per_step=32,
        eval_every=25,
        calibrated_start=True,
    ),
}
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="ece_gap_min accuracy_tolerance")
cfg, seeds, device = run.cfg, run.seeds, run.device

# %% [markdown]
# ## Why a binary reward cannot teach calibration: the expected reward
#
# Suppose the model's answer is right with probability `p` and it states confidence `q`.
# Under a **binary** reward the expected reward is `p`, whatever `q` is: the confidence
# token is never paid or punished, so nothing in the reward stops confident wrong
# answers. With the **Brier term** (RLCR) the expected reward is
# `p - [p(1-q)^2 + (1-p)q^2] = 2pq - q^2`, a parabola whose peak sits exactly at `q = p`.
# That is the whole mechanism; the experiment checks whether a GRPO run finds it.

# %%
q = plots.linspace01()
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
for ax, brier_term, name in [(axes[0], False, "RLVR"), (axes[1], True, "RLCR")]:
    for p, style in zip([0.2, 0.5, 0.8], [":", "--", "-"]):
        ax.plot(
            q,
            na.expected_reward_curve(p, q, brier_term),
            ls=style,
            color=plots.arm_color(name),
            label=f"P(correct) = {p}",
        )
        if brier_term:
            ax.plot([p], [p * p], "o", color=plots.arm_color(name))
    ax.set(
        xlabel="stated confidence q",
        ylabel="expected reward",
        title=f"{name}: "
        + ("correctness + Brier term" if brier_term else "binary correctness"),
    )
    ax.legend()
plots.finish(
    fig,
    "Only the Brier term makes the expected "
    "reward depend on q (peak at q = P(correct))",
);

# %% [markdown]
# ## The experiment
#
# * **Task** (see the lab): `^{c}{a}{b}=` → `(a + b) mod 10`, with label noise set by the
#   class letter, so the best accuracy per class, `p*`, is known exactly. Classes A-D are
#   used for RL; class E (80% noise) is held out as an **out-of-distribution** set.
# * **Bases**: the lab's SFT recipe, one base per seed (seed `s` trains base `s`: its
#   initialisation, data draw and batch order; cached, so a base the lab built is reused). Its
#   teacher was overconfident: confidence digit 9 in 70% of answers, independent of
#   correctness, and it sometimes abstains (`?`) on the noisiest classes.
# * **Arms**, identical except for the reward: **RLVR** = expected correctness only;
#   **RLCR** = expected correctness + Brier term. Both through TRL's `GRPOTrainer`
#   (the Brier term is just a second reward function, summed by TRL).
# * **Measurement**: exact accuracy, ECE (10 bins), Brier score, AUROC and abstention of
#   the policy, by enumerating answers and confidences (no sampling noise), every few steps.

# %% [markdown]
# **Design notes (written before the results below were seen).** The spec proposes 150 GRPO
# steps of 32 prompts x 8 samples. A first version of this notebook used 16 prompts x 120 steps
# at the CI scale to save time, and got *not reproduced*: RLCR lowered its confidence on every
# class alike (mean 0.73) without yet tying it to the class, so its ECE beat RLVR's in only 2 of
# 3 seeds (gaps +0.16, -0.16, +0.07; mean 0.027). That is a budget too small for the mechanism,
# not a test of it, so the CI scale now uses the spec's batch (32 x 8) for 100 steps (the spec's
# 150 at `scale="full"`, with 400). The criteria are the spec's and did not change.
#
# **Seeds and intervals.** The verdict uses five seeds at `scale="ci"` (two at `smoke`, ten at
# `full`), one GRPO run per arm and seed. Each deciding criterion reports its per-seed values,
# their mean and a 95% Student-t interval over seeds: the mean ECE gap and the accuracy
# difference pass only when the whole interval is on the pass side of the spec's threshold, and
# "ECE(RLCR) < ECE(RLVR) in every seed" keeps its per-seed test. Both arms decide, so neither is
# cut to one seed; the calibrated-start ablation is report only and runs (at `full`) on every
# seed. Two report-only measures were added for a fidelity reason: the ECE of the spec counts
# only answered outputs, so a policy that abstains on its hardest class drops exactly the
# prompts where calibration is hardest, and that flatters whichever arm abstains more. We
# therefore also report (i) the abstention rate per class and arm, and (ii) an ECE in which an
# abstention counts as an answer given with confidence 0 and charged the expected correctness
# of the answer the policy would otherwise have given (declining a question it could answer is
# an underconfident answer). Charging an abstention correctness 0 instead would make it
# perfectly calibrated at confidence 0 and would only scale the ECE by the answered share, so
# it could not show the effect. Neither measure decides the verdict: the spec's criteria stand.
# Finally, an earlier text stated that held-out class E mirrors the paper's out-of-domain result
# (RLVR worse calibrated than RLCR). That is a statement about a run, whose sign a typed
# sentence cannot know, so the class-E comparison is now worded from the run's own interval.
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules).**
# Until now all five seeds started from one SFT base (seed 0), so the interval over seeds
# covered only the RL runs. Now a verdict seed is a (base, RL) pair: seed `s` trains base
# `s` with the lab's recipe (`bases_by_seed`; the cache shares any base the lab also
# builds), and both arms of seed `s` start from base `s`, so the arm differences stay
# paired. Everything measured "on the base" is now one value per base: the base's ECE, its
# per-class confidence, its abstention, shown as mean [95% interval] over bases; the
# reliability diagram shows the first seed's base, and says so. Three changes to the rules:
# (i) "ECE(RLCR) < ECE(RLVR) in every seed" is now decided on the mean's interval of the same
# gap against the same threshold (0), with the count of seeds that pass alone shown beside it:
# the chance that every one of n seeds passes falls as seeds are added, so an every-seed rule
# gets harder with more evidence. (ii) A **premise**, fixed before this run: the claim's
# deciding gap, ECE(RLVR) − ECE(RLCR) >= `ece_gap_min`, can only be reached if RLVR ends at
# ECE >= `ece_gap_min`, and under a binary reward the confidence token has no expected
# gradient, so RLVR's ECE is expected to stay near its base's (the spec's risk). So the claim
# needs an SFT base miscalibrated by at least `ece_gap_min`: base ECE (classes A-D) >=
# `ece_gap_min`, one value per base, decided on the mean's interval. Below that the
# experiment could not show the claimed gap whatever the rewards do. (iii) The note asks
# whether binary reward *hurts* calibration; the spec tests only RLCR against RLVR. A
# report-only row and a computed sentence now answer the other half: ECE(RLVR) − ECE(base),
# per seed against that seed's base (above 0: RLVR made calibration worse). It does not
# decide, because the spec's verdict is the comparison of the two rewards, and the spec itself
# predicts this difference may be near 0 (nothing in a binary reward moves confidence). The
# calibrated-start ablation stays report only (on at `full`, every seed there), now with a
# calibrated base per seed. No budget changed: `ci` now trains five bases (1,000 SFT steps
# each) instead of one.

# %% [markdown]
# **The two rewards in code.** RLVR trains on `correctness_reward` alone; RLCR adds
# `brier_reward`, and TRL sums the two. These are the functions the arms below pass to
# `GRPOTrainer`, shown from the module that runs.

# %%
notebook.show_source(na.correctness_reward, na.brier_reward)

# %%
sft_settings = SFTSettings(num_steps=cfg["sft_steps"], learning_rate=1e-3)
bases = bases_by_seed(
    lambda st: na.base(TinyLMConfig(), st, device=device), sft_settings, seeds
)
tokenizer = bases[seeds[0]].tokenizer  # the same character tokenizer for every base
in_dist, out_dist = na.all_prompts("ABCD"), na.all_prompts("E")
rl_prompts = [dict(prompt=r.prompt, cls=r.cls, a=r.a, b=r.b) for r in in_dist]
ARMS = {
    "RLVR": [na.correctness_reward],
    "RLCR": [na.correctness_reward, na.brier_reward],
}
grpo = GRPOSettings(
    num_steps=cfg["rl_steps"],
    prompts_per_step=cfg["prompts_per_step"],
    group_size=8,
    learning_rate=1e-3,
)


def evaluate(model):
    """In-distribution metrics, plus the out-of-distribution ECE and accuracy."""
    ind, ood = (
        na.evaluate(model, tokenizer, in_dist, device),
        na.evaluate(model, tokenizer, out_dist, device),
    )
    return {
        **ind,
        "ood_ece": ood["ece"],
        "ood_accuracy": ood["accuracy"],
        "ood_abstain_rate": ood["abstain_rate"],
    }


train_log, eval_log, models = compare_arms(
    {s: bases[s].model for s in seeds},
    tokenizer,
    rl_prompts,
    ARMS,
    seeds,
    grpo,
    device=device,
    eval_fn=evaluate,
    eval_every=cfg["eval_every"],
)

# %% [markdown]
# ## Calibration and accuracy during training
#
# Thin lines are single seeds, the band spans them, the thick line is their mean. The right
# panel's dashed line is the mean `p*` of classes A-D, the mean confidence a calibrated policy
# that answers as well as possible would state.

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
for ax, metric, label in [(axes[0], "ece", "ECE, classes A-D (lower is better)"),
                          (axes[1], "accuracy", "expected accuracy, classes A-D"),
                          (axes[2], "mean_confidence", "mean stated confidence, A-D")]:
    plots.seed_band(ax, eval_log, "step", metric, arms=list(ARMS))
    ax.set(xlabel="GRPO step", ylabel=label)
plots.reference_line(
    axes[2],
    np.mean([na.best_accuracy(c) for c in "ABCD"]),
    "mean p* (calibrated target)"
)
axes[2].legend()
plots.finish(
    fig,
    "ECE, accuracy and mean stated confidence "
    "on classes A-D against GRPO step, per arm",
);

# %% [markdown]
# ## Reliability diagrams: base, RLVR, RLCR (first seed and its base, classes A-D)
#
# A calibrated model's bars touch the diagonal: among answers given with confidence
# about `q`, a fraction `q` is right.

# %%
def bins_of(model):
    table = na.calibration_rows(
        in_dist, *na.policy_distribution(model, tokenizer, in_dist, device)
    )
    return metrics.reliability_bins(
        table["confidence"], table["correct"], table["weight"]
    )


fig, axes = plt.subplots(1, 3, figsize=(13, 4.4))
for ax, (name, model) in zip(
    axes,
    [
        ("base", bases[seeds[0]].model),
        ("RLVR", models[("RLVR", seeds[0])]),
        ("RLCR", models[("RLCR", seeds[0])]),
    ],
):
    plots.reliability_diagram(
        ax, bins_of(model), title=name, color=plots.arm_color(name)
    )
axes[0].legend(loc="upper left", fontsize="small")
plots.finish(
    fig,
    f"Reliability diagrams, classes A-D: base {seeds[0]} "
    f"and each arm after training from it (seed {seeds[0]})",
);

# %% [markdown]
# ## Confidence per class against the best achievable accuracy
#
# Each class has a known `p*`. A calibrated model's mean confidence on a class equals
# `p*` once it answers as well as possible; the abstention rate shows where a policy
# stopped answering instead.

# %%
all_rows = na.all_prompts("ABCDE")
per_class = pd.concat(
    [
        na.evaluate_by_class(model, tokenizer, all_rows, device).assign(
            arm=arm, seed=seed
        )
        for (arm, seed), model in [
            *((("base", s), bases[s].model) for s in seeds),
            *models.items(),
        ]
    ],
    ignore_index=True,
)
summary = (
    per_class.groupby(["arm", "class"])[
        ["p*", "accuracy", "mean_confidence", "abstain_rate"]
    ]
    .mean()
    .round(3)
)

fig, ax = plt.subplots(figsize=(8, 4))
width = 0.25
for i, arm in enumerate(["base", "RLVR", "RLCR"]):
    part = per_class[per_class["arm"] == arm].groupby("class")["mean_confidence"].mean()
    ax.bar(
        np.arange(5) + (i - 1) * width,
        part.values,
        width,
        color=plots.arm_color(arm),
        label=arm,
    )
ax.plot(
    np.arange(5),
    [na.best_accuracy(c) for c in "ABCDE"],
    "k_",
    markersize=30,
    mew=2,
    label="p* (ideal confidence)",
)
ax.set_xticks(
    np.arange(5),
    [
        f"{c}\n(noise {na.NOISE_RATES[c]:.0%})" + ("\nheld out" if c == "E" else "")
        for c in "ABCDE"
    ],
)
ax.set(xlabel="noise class", ylabel="mean stated confidence (answered prompts)")
ax.legend(ncol=2, fontsize="small")
plots.finish(
    fig, "Mean stated confidence per class and arm (mean of seeds/bases) against p*"
)
display(summary.unstack("arm"))

# How far each arm's per-class confidence sits from p* on the RL
# classes: mean over A-D of |mean confidence - p*|, one value per seed.
in_rl = per_class[per_class["class"].isin(list("ABCD"))].assign(
    miss=lambda d: (d["mean_confidence"] - d["p*"]).abs())
conf_miss = {arm: in_rl[in_rl["arm"] == arm].groupby("seed")["miss"].mean().tolist()
             for arm in ["base", *ARMS]}
say(
    (
        "Mean over classes A-D of |mean stated confidence "
        "− p\\*| (mean of seeds [95% interval]): "
    )
    + "; ".join(f"{arm} {format_interval(v)}" for arm, v in conf_miss.items())
    + "."
)

# %% [markdown]
# ## Abstention per class (report only)
#
# The ECE above counts answered outputs only. A policy that abstains (`?`) on a class removes
# that class's prompts from its ECE, so the abstention rate per class is shown beside it: the
# share of the policy's probability on the abstain token, per class, as mean [95% interval]
# over seeds (for the base, over the bases of the seeds).

# %%
abstention = pd.DataFrame(
    {
        arm: {
            c: format_interval(
                per_class[(per_class["arm"] == arm) & (per_class["class"] == c)][
                    "abstain_rate"
                ].tolist()
            )
            for c in "ABCDE"
        }
        for arm in ["base", *ARMS]
    }
).rename_axis("class")
display(abstention)
mean_abstain = (
    per_class.groupby(["arm", "class"])["abstain_rate"].mean().unstack("class")
)
most = {arm: mean_abstain.loc[arm].idxmax() for arm in ARMS}
say(
    "Highest abstention (mean of seeds): "
    + "; ".join(
        (
            f"{arm} on class {c} ({mean_abstain.loc[arm, c]:.1%}; "
            f"base {mean_abstain.loc['base', c]:.1%})"
        )
        for arm, c in most.items()
    )
    + "."
)

# %% [markdown]
# ## Verdict
#
# The criteria are the spec's, fixed before the run, each decided on the 95% interval of the
# mean over seeds: the ECE gap RLVR − RLCR above 0 (the spec's "in every seed"; the count of
# seeds that pass alone is shown beside it), a mean ECE gap of at least `ece_gap_min`, and
# RLCR's accuracy no more than `accuracy_tolerance` below RLVR's (the "no trade-off" half).
# The premise, measured on the bases before RL: base ECE at least `ece_gap_min` (see the
# design notes). Abstention, the ECE counting abstentions, the out-of-distribution class and
# RLVR's change of ECE from its base are reported but do not decide.

# %%
final = eval_log[eval_log["step"] == eval_log["step"].max()].set_index(["arm", "seed"])
per_seed = {m: {a: [final.loc[(a, s), m] for s in seeds] for a in ARMS}
            for m in final.columns}
ece_gap = minus(per_seed["ece"]["RLVR"], per_seed["ece"]["RLCR"])
acc_diff = minus(per_seed["accuracy"]["RLCR"], per_seed["accuracy"]["RLVR"])
ood_gap = minus(per_seed["ood_ece"]["RLVR"], per_seed["ood_ece"]["RLCR"])
# the bases, before RL: step 0 of each seed's run (both arms start from base s)
at_start = eval_log[(eval_log["step"] == 0) & (eval_log["arm"] == "RLVR")]
base_ece = at_start.set_index("seed").loc[seeds, "ece"].tolist()
# the "hurt" half of the note: RLVR's ECE after training minus its own base's
rlvr_vs_base = minus(per_seed["ece"]["RLVR"], base_ece)


def ece_counting_abstentions(model) -> float:
    """ECE on classes A-D where an abstention is an answer with confidence 0, charged
    the expected correctness of the answer the policy would have given (its answer
    digits, renormalised)."""
    p_answer, p_conf = na.policy_distribution(model, tokenizer, in_dist, device)
    table = na.calibration_rows(in_dist, p_answer, p_conf)
    digit_correct = np.array(
        [[na.expected_correct(r.cls, r.a, r.b, str(d)) for d in range(10)]
         for r in in_dist]
    )
    would_be = (p_answer[:, :10] * digit_correct).sum(1) / p_answer[:, :10].sum(1)
    return metrics.ece_with_abstentions(
        table["confidence"], table["correct"], table["weight"],
        p_answer[:, 10] / len(in_dist), would_be,
    )


ece_abst = {a: [ece_counting_abstentions(models[(a, s)]) for s in seeds] for a in ARMS}
ece_abst_gap = minus(ece_abst["RLVR"], ece_abst["RLCR"])
criteria = [
    Criterion("ECE(RLCR) < ECE(RLVR): gap RLVR - RLCR above 0 (mean of seeds)",
              by_seed=ece_gap, threshold=0.0, op=">", every_seed=True),
    Criterion("mean ECE gap, RLVR - RLCR", ece_gap, ece_gap_min, ">="),
    Criterion("mean accuracy, RLCR - RLVR (no trade-off)", acc_diff,
              -accuracy_tolerance, ">="),
    *[Criterion(f"{arm} abstention rate (A-D)", per_seed["abstain_rate"][arm], 0.0,
                ">=", decides=False) for arm in ARMS],
    Criterion("ECE gap RLVR - RLCR, abstention counted at confidence 0",
              ece_abst_gap, ece_gap_min, ">=", decides=False),
    Criterion("out-of-distribution ECE (class E), RLVR - RLCR", ood_gap, 0.0, ">",
              decides=False),
    Criterion("ECE rise under RLVR: ECE(RLVR) - ECE(its base)", by_seed=rlvr_vs_base,
              threshold=0.0, op=">", every_seed=True, decides=False),
]
premises = [Criterion("base ECE (A-D), before RL: room for the claimed gap",
                      by_seed=base_ece, threshold=ece_gap_min, every_seed=True)]
verdict = Verdict(
    note_id="n01", criteria=criteria, premises=premises, parameters=run.parameters,
    claim=("A Brier term added to a binary reward gives "
           "calibrated confidence without costing accuracy."),
    key_number=("mean ECE gap RLVR - RLCR", ece_gap),
    paper_vs_run=paper_rows("paper (HotpotQA, Qwen2.5-7B)", [
        ("ECE after RLVR", "0.37", format_interval(per_seed["ece"]["RLVR"])),
        ("ECE after RLCR", "0.03", format_interval(per_seed["ece"]["RLCR"])),
        *[(f"ECE after {arm}, abstention at confidence 0", "n/a",
           format_interval(ece_abst[arm])) for arm in ARMS],
        ("accuracy, RLCR - RLVR", "about 0 (no loss)", format_interval(acc_diff)),
        ("ECE of the starting model (one base per seed)", "n/a",
         format_interval(base_ece)),
        ("ECE after RLVR - ECE of its base", "RLVR worsens calibration (most OOD)",
         format_interval(rlvr_vs_base)),
    ]),
)
verdict.publish()

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# **Did binary reward *hurt* calibration?** The note's question, answered against each seed's
# own base (report only): RLVR's ECE after training minus the ECE of the base it started from,
# and the same for mean stated confidence minus accuracy (its overconfidence).

# %%
overconf = {
    when: [float(f.loc[s, "mean_confidence"] - f.loc[s, "accuracy"]) for s in seeds]
    for when, f in (("base", at_start.set_index("seed")), ("RLVR", final.xs("RLVR")))
}
rise = where(rlvr_vs_base)
meaning = {
    "above": "binary reward made the answers worse calibrated than the SFT base "
    "left them",
    "below": "binary reward made calibration better than the SFT base left it",
    "not": "this run cannot tell a change of ECE under binary reward from none",
}[rise.split()[0]]
say(f"Across {len(seeds)} seeds, ECE(RLVR) − ECE(base) is {rise}: {meaning} (base ECE "
    f"{format_interval(base_ece)}, RLVR {format_interval(per_seed['ece']['RLVR'])}). "
    "Overconfidence, mean stated confidence − expected accuracy on classes A-D: base "
    f"{format_interval(overconf['base'])}, after RLVR "
    f"{format_interval(overconf['RLVR'])}.")

# %% [markdown]
# ## Optional ablation: a calibrated start (report only; on at `scale="full"`)
#
# From a base whose SFT teacher already stated `p*`, binary reward has nothing to fix in
# calibration, but as accuracy rises the unchanged confidence can become
# *under*confident. This ablation trains that base (one per report seed, with the same SFT
# settings) with both arms on the report seeds (`params.report_seeds`: every seed at `full`)
# and shows the first and last evaluation, mean of those seeds.

# %%
if cfg["calibrated_start"]:
    ablation_seeds = params.report_seeds(seeds, scale)
    calibrated = bases_by_seed(
        lambda st: na.base(
            TinyLMConfig(), st, confidence_style="calibrated", device=device
        ),
        sft_settings,
        ablation_seeds,
    )
    _, ablation_log, _ = compare_arms(
        {s: calibrated[s].model for s in ablation_seeds},
        tokenizer,
        rl_prompts,
        ARMS,
        ablation_seeds,
        grpo,
        device=device,
        eval_fn=evaluate,
        eval_every=cfg["eval_every"],
    )
    ends = ablation_log[ablation_log["step"].isin([0, ablation_log["step"].max()])]
    display(
        ends.groupby(["arm", "step"])[["accuracy", "ece", "mean_confidence"]]
        .mean()
        .round(3)
    )
else:
    print(
        "Calibrated-start ablation skipped at this scale (set scale='full' to run it)."
    )

# %% [markdown]
# ## Where the toy differs from the paper
#
# * **Scale and task.** A 0.4M-parameter GPT-2 answering one-token sums, not a 7B model
#   writing reasoning chains; confidence is one digit (10 bins), not free text.
# * **Exact expectations.** We reward the *expected* correctness over the label noise and
#   measure the policy's exact output distribution; the paper samples both. This removes
#   noise, not bias: the optimum is the same.
# * **Abstention.** Our SFT teacher sometimes abstains on the noisiest classes, and an
#   abstention scores as an answer that is never right. Under the Brier term, an early
#   overconfident answer on a very noisy class is worse than abstaining, so GRPO can
#   settle on abstaining there: a local optimum that costs accuracy and removes those
#   prompts from the answered-only ECE. The abstention table and the ECE that counts
#   abstentions show whether this run did. The paper's theorem is about the global optimum,
#   where answering with `q = p` wins.
# * **Out of distribution.** The paper finds RLVR hurts calibration most out of domain. Our
#   held-out class E is a much milder shift (same task, more noise); the sentence below says
#   which sign this run measured there.

# %%
ood = where(ood_gap)
ood_word = {
    "above": "worse under RLVR than under RLCR, the direction of the paper's "
    "out-of-domain result",
    "below": "better under RLVR than under RLCR, the opposite of the paper's "
    "out-of-domain result",
    "not": "not separated between the arms",
}[ood.split()[0]]
say(
    f"On held-out class E, ECE(RLVR) − ECE(RLCR) is {ood} (mean of seeds "
    f"[95% interval]): class-E calibration is {ood_word}."
)

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(10 min, easy)* Suppose `ece_gap_min = 0.3`. Predict the verdict word from the verdict
#    table alone: the measured numbers do not change, only the bar (and the premise uses the same
#    bar). Check it below, then confirm by setting the parameter and re-running if you like.
# 2. *(10 min, easy)* RLVR leaves confidence untouched *in expectation*. In how many seeds did
#    RLVR's mean stated confidence (classes A-D) end below where it started? Plot `eval_log` for
#    RLVR's `mean_confidence` across seeds: is the drift systematic or a random walk?
# 3. *(25 min, medium)* Replace the Brier term by a log-loss term, `log q` if right and
#    `log(1-q)` if wrong. Copy `na.brier_reward` (shown above) into a new cell as `log_reward`,
#    change its formula (in expectation over the label noise: `p·log q + (1-p)·log(1-q)`), and
#    run one more arm with the notebook's own arguments:
#    `compare_arms({s: bases[s].model for s in seeds}, tokenizer, rl_prompts,
#    {"RLCR-log": [na.correctness_reward, log_reward]}, seeds, grpo, device=device,
#    eval_fn=evaluate, eval_every=cfg["eval_every"])`. The paper's theorem needs a *bounded*
#    scoring rule: what could go wrong with `q` near 0 or 1, and can it happen here?

# %% tags=["exercise-check"]
# Exercise 1: your answer (one of "reproduced", "partly reproduced", "inconclusive at this
# budget", "not reproduced at this scale", "premise not met at this scale"), then run this cell
from dataclasses import replace

from helpers.notebook import check
from helpers.verdict import verdict_word

answer = None
check(
    answer,
    verdict_word(
        [replace(c, threshold=0.3) if c.threshold == ece_gap_min else c for c in criteria],
        [replace(p, threshold=0.3) if p.threshold == ece_gap_min else p for p in premises],
    ),
    "the verdict word of exercise 1",
)

# %% tags=["exercise-check"]
# Exercise 2: your answer (a whole number of seeds), then run this cell
from helpers.notebook import check

answer = None
check(
    answer,
    int(
        (
            final.xs("RLVR")["mean_confidence"]
            - at_start.set_index("seed")["mean_confidence"]
            < 0
        ).sum()
    ),
    "the number of seeds of exercise 2",
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** The measured ECE gap is computed from the run and does not depend on the threshold, so
# the table's *measured* column (mean, interval, per-seed values) is unchanged; only the status
# (pass, fail or unresolved) of the rows compared with `ece_gap_min` and possibly the verdict word
# change. Read the interval of "mean ECE gap, RLVR - RLCR" against 0.3, and first the premise's
# interval of base ECE against 0.3: if the premise no longer passes, the word is "premise not met
# at this scale" whatever the criteria say. This is why thresholds are parameters and never tuned
# after a run.
#
# **2.** Compare `final.xs("RLVR")["mean_confidence"]` with RLVR's step-0 rows (`at_start`), seed
# by seed; to plot, filter `eval_log` to the RLVR arm and draw `mean_confidence` against `step`,
# one line per seed. A correctness-only reward gives the confidence token zero expected gradient,
# so seeds that wander in different directions point to a random walk; every seed moving the same
# way points to a coupling through the shared network (the confidence digit is read by the same
# weights that learn the answer).
#
# **3.** For example, in the copied function replace the last line of the loop by
# `out.append(p * math.log(q) + (1 - p) * math.log(1 - q))` (with `import math`), and score a
# malformed completion as a wrong answer at the highest confidence, `math.log(1 - 0.95)`. In
# general `log q` goes to minus infinity as `q → 0`: one confident wrong answer gives an unbounded
# penalty, the reward's variance explodes, and GRPO's normalised advantages are dominated by a few
# samples. The paper's theorem needs a bounded proper rule for exactly this reason. Here the
# confidence is a bin centre, `q ∈ [0.05, 0.95]`, so the log term is bounded below by
# `log 0.05 ≈ -3.0`: the rule is still proper, but its penalties are up to about 3x the Brier
# term's largest and fall hardest on confident errors. Compare the `ece` and `accuracy` of the
# new arm's last evaluation with RLCR's.
#
# </details>
