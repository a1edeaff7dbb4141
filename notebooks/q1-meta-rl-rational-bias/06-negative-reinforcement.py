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
# # Does negative reinforcement alone outperform full reinforcement learning?
#
# > **The corpus claim** (note n06, cited by both questions): "Training with only negative
# > samples consistently improves Pass@k across the spectrum, often matching full PPO and
# > GRPO. Negative reinforcement suppresses incorrect trajectories while preserving
# > diversity, whereas positive-only reinforcement degrades higher-k performance by
# > concentrating probability mass."
#
# **Source** [arXiv:2506.01347](https://arxiv.org/abs/2506.01347). Zhu, Xia, Wei, Chen, Chen, Meng, *The Surprising Effectiveness of Negative
# Reinforcement in LLM Reasoning*, arXiv 2506.01347, 2025. With Qwen2.5-Math-7B and
# Qwen3-4B on MATH, training only on wrong samples (**NSR**) improves Pass@k up to
# k = 256 and often matches PPO/GRPO; training only on right samples (**PSR**) raises
# Pass@1 and hurts large k. Their gradient analysis: NSR lowers the probability of wrong
# answers and hands it back *in proportion to the model's prior*, so whatever else the
# model believed stays reachable. **W-REINFORCE** (positive term weighted by 0.1) is their
# best overall. This notebook mirrors the paper's signature figure, Pass@k curves per
# objective on a log-k axis.
#
# **What the note overstates.** "Consistently improves Pass@k across the spectrum" holds
# for a strong reasoning prior; the spec's pilot on a lookup task found NSR *below* the
# base at large k in 2 of 3 seeds. We test the robust part (PSR sharpens, NSR keeps
# diversity) as the verdict and report "NSR ≥ base at every k" separately.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * write PSR, NSR, REINFORCE, W-REINFORCE and GRPO as per-sample weights of one policy gradient
# * compute Pass@k exactly and read a Pass@k curve on a log-k axis
# * explain why removing probability from wrong answers preserves diversity
#
# **Prerequisites.** The lab notebook; [Pass@k](../../book/glossary.md); policy gradients (REINFORCE).

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
# "smoke" (seconds), "ci" (CPU default; time: status page), "full" (GPU: longer runs)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"
pass64_gap_min = 0.03  # criterion: mean held-out Pass@64, NSR minus PSR
pass64_worst_seed = -0.02  # report: the spec's floor for a seed's held-out Pass@64 gap
# criterion: PSR's Pass@1 lead (RL keys) over the best other objective must be at
# least one RL key's worth of Pass@1, 1/80: Pass@1 is exact (no sampling noise), so
# a smaller lead is a tie, not a win (design notes, 2026-12-02)
pass1_win_margin = 0.0125
# premise: each base's Pass@64 - Pass@1 at least half the SFT teacher's (about 0.5
# on both splits): room for PSR to sharpen and for the tail to be lost
base_headroom_min = 0.25

# %%
import matplotlib.pyplot as plt
import numpy as np

from helpers import notebook, plots
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings, bases_by_seed
from helpers.results import arm_difference, highest, minus, per_seed
from helpers.rl.objectives import OBJECTIVES, PGSettings, compare_objectives, sample_coefficients
from helpers.tasks import key_lookup as kl
from helpers.verdict import Criterion, Verdict, format_interval, paper_rows, say

PRESETS = {
    "smoke": dict(sft_steps=40, rl_steps=3, eval_every=3),
    "ci": dict(sft_steps=800, rl_steps=60, eval_every=10),
    "full": dict(sft_steps=800, rl_steps=200, eval_every=20),
}
# one SFT base per seed; one RL run per objective and seed, from that seed's base
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="pass64_gap_min pass1_win_margin base_headroom_min",
                     thresholds="pass64_worst_seed")
cfg, seeds, device = run.cfg, run.seeds, run.device
KS = (1, 2, 4, 8, 16, 32, 64)

# %% [markdown]
# ## The experiment
#
# * **Task.** 160 two-letter keys (`^cb=`), each with a correct two-digit answer and four
#   distractors. The SFT teacher answers correctly with a per-key probability `q` between
#   0.02 and 0.9 and otherwise picks a distractor (weights 0.5/0.25/0.15/0.1). The base
#   model therefore starts with a *prior* over a few plausible answers per key: the right
#   one is often in it, rarely on top. RL uses 80 keys; 80 are held out.
# * **Arms**, from the same base, same batches of 16 keys × 8 samples, Adam 3e-4, reward
#   +1 / −1: PSR, NSR, ±1 REINFORCE, W-REINFORCE (λ = 0.1) and GRPO. They differ *only*
#   in the weight each sample's log-probability gets (see `helpers.rl.objectives`). TRL's
#   `GRPOTrainer` always normalises rewards within the group, so it cannot express PSR or
#   NSR; all five arms share one small loop instead, which keeps the comparison fair.
# * **Measures**, exact: an answer is two tokens, so the policy's probability `p` of the
#   right answer is computed by enumeration, and Pass@k = `1 - (1 - p)^k`, the value the
#   unbiased sampling estimator converges to; answer entropy over the 100 answers.
#
# **Design notes.** The spec's task, arms and criteria (these notes were written after a
# prototype run of the same code, whose Pass@64 gap sat just under the 0.03 bar; the bar was
# left where the spec put it). One change: Pass@k is exact rather than estimated from ≥128
# samples per key (the answer space is small enough to enumerate), which removes sampling
# noise from the verdict. The arithmetic-with-distractors variant the spec suggests is left
# as an exercise: it does not fit the 3-minute budget next to five arms × five seeds.
#
# **Seeds and intervals.** The verdict uses five seeds at `scale="ci"` (two at `smoke`, ten at
# `full`), one RL run per objective and seed. Each deciding criterion reports its per-seed
# values, their mean and a 95% Student-t interval over seeds: the mean held-out Pass@64 gap
# passes only when its whole interval is at or above `pass64_gap_min`; the spec's "in every
# seed" criteria keep their per-seed test. No arm is report only: all five objectives enter
# the first criterion (below), so all five run on every seed, and the notebook costs about 5/3
# of its former three-seed run. A fidelity correction: the spec's first criterion is "PSR has
# the *best* Pass@1 on the RL keys of all objectives, above NSR, in every seed", and an earlier
# version of this notebook tested only PSR > NSR. That tests the weaker half: an objective that
# is only above NSR can still sharpen less than ±1 REINFORCE or GRPO, which also reinforce right
# samples (GRPO with a larger weight whenever few samples of a group are right), so "positive
# samples alone sharpen Pass@1 most" was never put at risk. The deciding criterion is now PSR's
# Pass@1 minus the best of the other four objectives, in every seed; PSR − NSR stays as a
# report-only row.
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules)**
# (written before the run). *A seed is now a (base, RL) pair.* Until now one SFT base (SFT
# seed 0) served every verdict seed, so the five seeds were five RL runs from one frozen
# base. Now seed `s` trains base `s` (SFT seed `s`: initialisation, data draw, order) and all
# five objectives of seed `s` start from it; every difference between objectives is paired
# within a seed, and "NSR − base" is taken against that seed's own base. Figures and prose
# that showed "the base" show the mean of the bases. *Mean-interval rules.* The "in every
# seed" rules made a criterion harder to pass the more seeds were run; every deciding
# criterion now decides on the 95% interval of the mean over seeds, and the count of seeds
# passing alone is shown beside it. *A tie is not a win.* In the last `ci` build "PSR has
# the best Pass@1" passed in one seed by 5·10⁻⁶. Pass@1 here is exact (enumeration, float
# precision about 10⁻⁶), so no sampling noise sets the bar; what does is the size of a
# difference that matters. Pass@1 on the RL keys is a mean over 80 keys, and we take one
# key's worth, 1/80 = 0.0125 (`pass1_win_margin`): a lead smaller than the value of
# answering one more of the 80 keys right is a tie. The criterion is PSR's margin over the
# runner-up, per seed, and passes when the interval of its mean lies at or above 0.0125. We
# chose the mean margin over a 0/1 "PSR best in this seed" with a Wilson interval: with 5
# seeds the Wilson interval clears 1/2 only at 5/5, which would bring the every-seed rule
# back, and the 0/1 outcome throws away how large the lead is. *The worst-seed floor*
# (held-out Pass@64 gap ≥ −0.02 "in every seed") becomes report-only: as a mean-interval
# rule on the same values it is implied by the ≥ 0.03 criterion whenever that one passes,
# so it could not change the verdict; the count of seeds above the floor stays visible.
# *Premise* (what the claim needs of each base, before RL; threshold from the teacher, not
# from a run): Pass@k headroom, base Pass@64 − Pass@1 ≥ 0.25 on the RL keys and on the
# held-out keys. The SFT teacher has Pass@1 ≈ 0.50 and Pass@64 ≈ 1.00 on both splits (a gap
# of 0.5); a base with at least half that gap has the right answer often in its prior but
# rarely on top, which is the condition under which PSR can sharpen Pass@1 and lose the
# tail while NSR keeps it. Budgets unchanged: the four new bases (800 SFT steps each) are the
# cost of the independent replication.

# %% [markdown]
# **The objectives in code.** The five arms differ in one function, the weight each sampled
# answer's log-probability gets from its reward; sampling, the loss and Adam are the book's
# one policy-gradient loop (`helpers.rl.core.train`, tested equal to TRL's GRPO gradient).

# %%
notebook.show_source(sample_coefficients)

# %%
# seed s: SFT base s (its init, data draw and order), then every objective from it
bases = bases_by_seed(
    lambda st: kl.base(TinyLMConfig(), st, device=device),
    SFTSettings(num_steps=cfg["sft_steps"], learning_rate=1e-3),
    seeds,
)
tokenizer = bases[seeds[0]].tokenizer  # the same character vocabulary for every base
keys = kl.make_keys()
rl_keys, held_out = (
    [k for k in keys if k.split == "rl"],
    [k for k in keys if k.split == "held_out"],
)


def evaluate(model) -> dict[str, float]:
    """Pass@k and entropy on the RL keys and the held-out keys."""
    on_rl, on_held = (
        kl.evaluate(model, tokenizer, rl_keys, KS, device),
        kl.evaluate(model, tokenizer, held_out, KS, device),
    )
    return {
        **{f"rl {m}": v for m, v in on_rl.items()},
        **{f"held-out {m}": v for m, v in on_held.items()},
    }


settings = PGSettings(num_steps=cfg["rl_steps"])
# every objective of seed s starts from base s
log, models = compare_objectives(
    {seed: base.model for seed, base in bases.items()}, tokenizer,
    [k.prompt for k in rl_keys], [kl.answer_text(k.answer) for k in rl_keys], OBJECTIVES,
    seeds, settings, eval_fn=evaluate, eval_every=cfg["eval_every"], device=device,
)
base_by_seed = {seed: evaluate(base.model) for seed, base in bases.items()}
# figures and prose show the mean over the bases; differences use each seed's own
base_metrics = {
    m: float(np.mean([base_by_seed[s][m] for s in seeds]))
    for m in base_by_seed[seeds[0]]
}

# %% [markdown]
# ## Pass@k per objective (the paper's signature figure)
#
# Each line is one objective's mean over seeds at the end of training (dots: single seeds);
# the grey line is the mean of the seeds' SFT bases. Left: the keys RL trained on; right: held-out keys, where
# only what RL did to the shared network carries over.

# %%
final = log[log["step"] == settings.num_steps]
fig, axes = plt.subplots(1, 2, figsize=(13, 4.3), sharey=True)
for ax, split in zip(axes, ["rl", "held-out"]):
    ax.plot(
        KS,
        [base_metrics[f"{split} pass@{k}"] for k in KS],
        color=plots.arm_color("base"),
        lw=2.5,
        label="base (SFT, mean of bases)",
    )
    for arm in OBJECTIVES:
        part = final[final["arm"] == arm]
        ax.plot(
            KS,
            [part[f"{split} pass@{k}"].mean() for k in KS],
            marker="o",
            ms=3,
            color=plots.arm_color(arm),
            label=arm,
        )
        for k in (1, 64):
            ax.scatter(
                [k] * len(part),
                part[f"{split} pass@{k}"],
                color=plots.arm_color(arm),
                s=10,
                alpha=0.5,
            )
    plots.log_x_ticks(ax, KS)
    ax.set(
        xlabel="k (samples per key, log scale)",
        ylabel="Pass@k",
        title=f"{'RL' if split == 'rl' else 'held-out'} keys",
    )
axes[0].legend(fontsize="small")
plots.finish(
    fig, "Pass@k at the end of RL per objective, mean of seeds, against the base"
);
end_means = final.groupby("arm")[
    [f"{split} pass@{k}" for split in ("rl", "held-out") for k in (1, 64)]
].mean()
top_pass1 = end_means["rl pass@1"].idxmax()
top_held64 = end_means["held-out pass@64"].idxmax()
say(
    "At the end of RL (mean of seeds), the highest Pass@1 on the RL keys "
    f"is {top_pass1}'s ({end_means.loc[top_pass1, 'rl pass@1']:.3f}; base "
    f"{base_metrics['rl pass@1']:.3f}, mean of bases), and the highest held-out "
    f"Pass@64 is {top_held64}'s "
    f"({end_means.loc[top_held64, 'held-out pass@64']:.3f}; bases "
    f"{base_metrics['held-out pass@64']:.3f}). The verdict below tests "
    "the spec's comparisons with 95% intervals over seeds."
)

# %% [markdown]
# ## Entropy and Pass@1 during training
#
# The mechanism the paper describes: PSR piles probability on answers it has already sampled
# right; NSR only takes mass away from wrong samples and spreads it over the rest of the prior,
# so its entropy should fall more slowly. Left: Pass@1 on the RL keys; right: answer entropy on
# the held-out keys (bands: min-max over seeds).

# %%
curve = log.dropna(subset=["held-out entropy"])
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plots.seed_band(axes[0], curve, "step", "rl pass@1", arms=list(OBJECTIVES))
axes[0].set(xlabel="RL step", ylabel="Pass@1, RL keys")
plots.seed_band(axes[1], curve, "step", "held-out entropy", arms=list(OBJECTIVES))
axes[1].set(xlabel="RL step", ylabel="answer entropy, held-out keys (nats)")
for ax in axes:
    ax.legend(fontsize="x-small")
plots.finish(
    fig, "Pass@1 on RL keys and held-out answer entropy during RL, per objective"
);

# %% [markdown]
# ## Verdict
#
# Premise (each seed's base, before RL): Pass@64 − Pass@1 at least `base_headroom_min` on
# the RL keys and on the held-out keys. Deciding, each on the 95% interval of the mean over
# seeds (the count of seeds passing alone shown beside it): PSR's Pass@1 on the RL keys
# leads the best of the other four objectives by at least `pass1_win_margin`; NSR's
# held-out entropy above PSR's; the held-out Pass@64 gap (NSR − PSR) at least
# `pass64_gap_min`. Reported, not decided: the spec's worst-seed floor `pass64_worst_seed`,
# PSR − NSR on its own, "NSR ≥ its own base at every k" and the comparisons with GRPO.

# %%
OTHERS = [arm for arm in OBJECTIVES if arm != "PSR"]
pass1_lead = minus(
    per_seed(final, "rl pass@1", seeds, arm="PSR"),
    highest(final, "rl pass@1", OTHERS, seeds),
)  # PSR minus the best other objective, per seed
pass1_gap = arm_difference(final, "rl pass@1", "PSR", "NSR", seeds)
entropy_gap = arm_difference(final, "held-out entropy", "NSR", "PSR", seeds)
pass64_gap = arm_difference(final, "held-out pass@64", "NSR", "PSR", seeds)
at = final.set_index(["arm", "seed"])  # for readings that mix in a base or pick an arm
# worst (split, k), per seed, against that seed's own base
nsr_vs_base = [
    min(
        at.loc[("NSR", s), f"{split} pass@{k}"] - base_by_seed[s][f"{split} pass@{k}"]
        for split in ("rl", "held-out")
        for k in KS
    )
    for s in seeds
]
premises = [
    Criterion(f"base Pass@64 - Pass@1, {name} keys",
              by_seed=[base_by_seed[s][f"{split} pass@64"]
                       - base_by_seed[s][f"{split} pass@1"] for s in seeds],
              threshold=base_headroom_min, op=">=", every_seed=True)
    for split, name in (("rl", "RL"), ("held-out", "held-out"))
]
criteria = [
    Criterion("Pass@1 on RL keys, PSR - best other objective (the win margin)",
              by_seed=pass1_lead, threshold=pass1_win_margin, op=">=", every_seed=True),
    Criterion("held-out entropy, NSR - PSR", by_seed=entropy_gap, threshold=0.0,
              op=">", unit=" nats", every_seed=True),
    Criterion("held-out Pass@64, NSR - PSR (mean of seeds)", by_seed=pass64_gap,
              threshold=pass64_gap_min, op=">=", every_seed=True),
    Criterion("held-out Pass@64, NSR - PSR, against the spec's worst-seed floor",
              by_seed=pass64_gap, threshold=pass64_worst_seed, op=">=",
              every_seed=True, decides=False),
    Criterion("Pass@1 on RL keys, PSR - NSR", by_seed=pass1_gap, threshold=0.0, op=">",
              every_seed=True, decides=False),
    Criterion("NSR - own base, worst (split, k)", by_seed=nsr_vs_base, threshold=0.0,
              op=">=", every_seed=True, decides=False),
    Criterion("held-out Pass@64, NSR - GRPO (mean)",
              arm_difference(final, "held-out pass@64", "NSR", "GRPO", seeds), 0.0,
              ">=", decides=False),
    Criterion("Pass@1 on RL keys, W-REINFORCE - GRPO (mean)",
              arm_difference(final, "rl pass@1", "W-REINFORCE", "GRPO", seeds), 0.0,
              ">=", decides=False),
]
runner_up = [max(OTHERS, key=lambda arm: at.loc[(arm, s), "rl pass@1"]) for s in seeds]
verdict = Verdict(
    note_id="n06", criteria=criteria, premises=premises, parameters=run.parameters,
    claim=("Negative-only reinforcement keeps diversity and large-k "
           "Pass@k; positive-only sharpens Pass@1 and loses the tail."),
    key_number=("held-out Pass@64 gap NSR - PSR", pass64_gap),
    paper_vs_run=paper_rows("paper (MATH, Qwen)", [
        ("Pass@1: PSR vs the other objectives",
         "PSR above NSR (W-REINFORCE best overall)",
         f"PSR - best other {format_interval(pass1_lead)} (RL "
         f"keys; best other per seed: {', '.join(runner_up)})"),
        ("Pass@1: PSR vs NSR", "PSR higher",
         f"{format_interval(pass1_gap)} (PSR - NSR, RL keys)"),
        ("large-k Pass@k: NSR vs PSR", "NSR higher up to k = 256",
         f"{format_interval(pass64_gap)} (Pass@64, held out)"),
        ("NSR vs base at every k", "NSR >= base",
         f"worst gap per seed, against its own base {format_interval(nsr_vs_base)}"),
    ]),
)
verdict.publish()

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the paper
#
# * **Lookup, not reasoning.** The paper's models have a rich reasoning prior; NSR's
#   strength is that it hands the freed probability back to that prior. Our prior is the
#   SFT teacher's five answers per key, a much thinner one, and on the held-out keys every
#   objective can only act through shared weights.
# * **Held-out keys feel RL only through the shared weights.** Sharpening on 80 keys can
#   spill over to the other 80 and lower their Pass@64 below the base's; the note's "improves
#   Pass@k across the spectrum" is therefore reported, not decided (this run's numbers follow).
# * **Two-token answers, exact Pass@k.** The paper samples up to 256 solutions; we compute
#   Pass@k exactly, so differences between arms are not sampling noise.

# %%
held_loss = {  # per seed, against that seed's own base
    arm: [
        at.loc[(arm, s), "held-out pass@64"] - base_by_seed[s]["held-out pass@64"]
        for s in seeds
    ]
    for arm in OBJECTIVES
}
below = [arm for arm, v in held_loss.items() if np.mean(v) < 0]
say(
    "Held-out Pass@64 minus the seed's own base's, per objective "
    "(mean of seeds [95% interval]): "
    + "; ".join(f"{arm} {format_interval(v)}" for arm, v in held_loss.items())
    + ". "
    + (
        f"{'Every objective' if len(below) == len(OBJECTIVES) else ', '.join(below)} "
        "ends below the base on average here."
        if below
        else "No objective ends below the base on average here."
    )
)

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(20 min, medium)* At this run's λ = 0.1, is W-REINFORCE's held-out Pass@64 (mean of
#    seeds) closer to NSR's or to PSR's? Then run W-REINFORCE alone at λ = 0.5, 1 and 10:
#    `compare_objectives(...)` as in the training cell with `["W-REINFORCE"]` and
#    `PGSettings(num_steps=cfg["rl_steps"], positive_weight=λ)`. At which λ does it behave like
#    PSR on the Pass@k figure?
# 2. *(40 min, easy)* Run `scale="full"` (200 steps, ten seeds). Does NSR's held-out Pass@64
#    lead over PSR grow or shrink with training?
# 3. *(30 min, medium)* Give the teacher a systematic bug that the base learns as its favourite
#    answer (the spec's "a + b mod 10 with a bug" variant, in lookup form): with
#    `kl.KeyTask(q_low=0.2, q_high=0.3)` the first distractor gets `(1 − q)·0.5 ≥ 0.35` of the
#    teacher's answers and the right one `q`, second. Pass that task to `kl.base(..., task=...)`
#    and `kl.make_keys(...)` in the training cell and re-run: which objective recovers the right
#    answer?

# %% tags=["exercise-check"]
# Exercise 1: your answer ("NSR" or "PSR"), then run this cell
from helpers.notebook import check

answer = None
w_reinforce = end_means.loc["W-REINFORCE", "held-out pass@64"]
check(
    answer,
    "NSR"
    if abs(w_reinforce - end_means.loc["NSR", "held-out pass@64"])
    < abs(w_reinforce - end_means.loc["PSR", "held-out pass@64"])
    else "PSR",
    "the closer objective of exercise 1",
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** Compare the W-REINFORCE, NSR and PSR rows of `end_means` (mean of seeds at the end of
# RL), column `held-out pass@64`. λ scales the positive term. At λ = 1 W-REINFORCE is ±1
# REINFORCE; PSR is the limit of a large positive weight relative to the negative one (Adam's
# normalisation makes the overall scale irrelevant). For each seed `s` run
# `compare_objectives(bases[s].model, tokenizer, [k.prompt for k in rl_keys],
# [kl.answer_text(k.answer) for k in rl_keys], ["W-REINFORCE"], [s], PGSettings(num_steps=cfg["rl_steps"], positive_weight=λ),
# eval_fn=evaluate, eval_every=cfg["eval_every"], device=device)` and compare Pass@1 and
# Pass@64 with the PSR line: the curve should move from NSR-like towards PSR-like as λ grows.
#
# **2.** Run with `scale="full"` and compare the `held-out pass@64` rows at the last step. The
# mechanism (PSR concentrates mass, NSR spreads it in proportion to the prior) predicts a gap that
# grows with training until NSR too runs out of wrong answers to push down; the verdict table
# tells you whether that happens here.
#
# **3.** In the training cell use `task = kl.KeyTask(q_low=0.2, q_high=0.3)`,
# `lambda st: kl.base(TinyLMConfig(), st, task=task, device=device)` and
# `keys = kl.make_keys(task)` (the base is cached under its task, so this trains new bases).
# PSR raises the right answer only through the samples that hit it. NSR pushes mass off every
# wrong sample, mostly the bug, and hands it back in proportion to the prior, so the right
# answer, the prior's second choice, gains most from each wrong sample. Read `rl pass@1` and
# `rl pass@64` per objective at the end: the mechanism predicts that NSR recovers the right
# answer without losing its tail, where PSR's gain comes with a narrower distribution.
#
# </details>
