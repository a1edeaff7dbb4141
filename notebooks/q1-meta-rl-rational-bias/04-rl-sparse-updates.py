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
# # Does reinforcement learning update only a small fraction of parameters?
#
# > **The corpus claim** (note n04): "Across seven RL algorithms and ten LLM families, RL
# > induces intrinsic parameter sparsity of 5–30% without explicit regularization.
# > Critically, these sparse updates are nearly full-rank and nearly identical across random
# > seeds, indicating structural rather than arbitrary parameter selection."
#
# **Source** [arXiv:2505.11711](https://arxiv.org/abs/2505.11711). Mukherjee, Yuan, Hakkani-Tür, Peng,
# *Reinforcement Learning Finetunes Small Subnetworks in Large Language Models*, arXiv
# 2505.11711, 2025. They load a base and an RL-tuned checkpoint in **bf16** and count the
# parameters whose value did not change: across 7 RL algorithms and 10 models only 5-30% of
# parameters change (so 70-95% *update sparsity*), while SFT checkpoints change most of
# theirs; the updates touch nearly every matrix and are nearly full-rank; subnetworks from
# different seeds, data and algorithms overlap "substantially more than chance". This
# notebook mirrors their sparsity-per-algorithm table, their rank table and their overlap
# analysis, on a 0.4M-parameter model.
#
# **What the note overstates.** "Nearly identical across random seeds" is not the paper's
# finding: "nearly identical" there describes the *model* you get by fine-tuning only the
# subnetwork; the subnetworks themselves overlap more than chance, not almost fully. And the
# measurement counts exact equality in bf16, so it depends on how far each weight moved
# relative to bf16's resolution. Later work (arXiv 2511.08567) attributes part of RL's
# sparsity to bf16 precision; other work (arXiv 2602.01599) finds that random sparse masks
# train well too. This notebook is built to separate those explanations.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * measure which parameters a fine-tuning run changed, in bf16 and in fp32, and why the two differ
# * explain how Adam's step size, the learning rate and bf16 resolution set the measured sparsity
# * judge an overlap between two masks against the chance overlap of masks of the same density
#
# **Prerequisites.** The lab notebook; [GRPO](../../book/glossary.md); the n06 notebook (the same task and loop).

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
# "smoke" (seconds), "ci" (CPU default; time: status
# page), "full" (GPU: 3x the steps, all arms all seeds)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list (at least 2)
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"
# Adam, every arm at every rate (matched learning rate)
learning_rates = [3e-6, 1e-5, 3e-5]
# the matched rate at which seed overlap is decided (the spec pilot's)
decision_lr = 1e-5
# criterion: GRPO sparsity minus SFT sparsity, at each matched rate
sparsity_gap_min = 0.10
# criterion: within-base GRPO pair's (Jaccard - chance) above the shuffled-reward
# pair's by more than this (the spec's margin over a null, with the control as null)
overlap_margin = 0.05
rank_min = 0.9  # reported: rank(ΔW)/min(shape) of every RL-updated block matrix
# premise: share of GRPO groups the base answers both right and wrong, at least this
mixed_groups_min = 0.5

# %%
import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from helpers import notebook, params, plots
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings, bases_by_seed
from helpers.measure import sparsity as sp
from helpers.results import arm_difference, minus, per_seed
from helpers.rl.objectives import PGSettings, train_policy
from helpers.tasks import key_lookup as kl
from helpers.verdict import Criterion, Verdict, format_interval, paper_rows, say, where

PRESETS = {
    "smoke": dict(sft_steps=40, rl_steps=3),
    "ci": dict(sft_steps=800, rl_steps=100),
    "full": dict(sft_steps=800, rl_steps=300),
}
run = notebook.start(scale, PRESETS, seeds, device, globals(), min_seeds=2,
                     positive="sparsity_gap_min overlap_margin rank_min mixed_groups_min",
                     learning_rates=learning_rates)
cfg, seeds, device = run.cfg, run.seeds, run.device
params.check_positive(
    **{f"learning_rates[{i}]": lr for i, lr in enumerate(learning_rates)}
)
if decision_lr not in learning_rates:
    raise ValueError(
        f"decision_lr={decision_lr} must be one of learning_rates={learning_rates}"
    )
learning_rates = sorted(learning_rates)
# report-only arms: first seed at smoke and ci, all at full
report = params.report_seeds(seeds, scale)
# a base's second RL run (the within-base pair) uses RL seed `seed + SECOND`
SECOND = 1000
# rates with within-base pairs: the deciding rate at smoke and ci, every rate at full
pair_rates = learning_rates if scale == "full" else [decision_lr]
print(f"report seeds={report} pair rates={pair_rates}")

# %% [markdown]
# ## The experiment
#
# * **Bases.** The n06 base recipe: a 2-layer GPT-2 after SFT on the key-lookup task (160
#   two-letter keys, two-digit answers, a teacher that is right with a per-key probability
#   between 0.02 and 0.9), one base per seed (seed `s` sets the initialisation and the SFT data
#   draw and order). RL and SFT below use the 80 RL keys.
# * **Arms**, each from the seed's base for the same number of steps with 128 sequences per step,
#   Adam, no weight decay, at each learning rate:
#   **SFT** on the gold answers; **SFT-new**, SFT on a fresh random answer per key (new
#   knowledge to write in); **RFT**, rejection-sampling fine-tuning (sample 8 answers per key,
#   train on the right ones: the PSR objective of n06); **GRPO** (16 keys × 8 samples, reward
#   ±1, one on-policy step per batch); and **GRPO-shuffled**, GRPO whose rewards are permuted
#   across the batch: the same kind of update with no information about which answer was
#   right, the control for overlap that comes from the weights rather than the task. GRPO and
#   GRPO-shuffled run twice from each base at `decision_lr` (RL seeds `s` and `s + 1000`).
# * **Measures.** A parameter counts as *changed* if its bf16 value differs from the base's
#   bf16 value (the paper's measurement); also with an fp32 tolerance of 1e-5. Parameters that
#   never received a gradient in any run (position embeddings beyond the 6 tokens used) are
#   left out. Update sparsity = 1 − changed fraction. Rank: rank(ΔW)/min(shape) for each 2-D
#   matrix of the transformer blocks. Overlap: Jaccard index of the changed sets of two runs from
#   the same base, against
#   the Jaccard index two *independent* random sets of the same densities would have,
#   p₁p₂/(p₁+p₂−p₁p₂).
#
# All arms share one small loop (`helpers.rl.objectives.train_policy`): the comparison is about
# which parameters move, so the arms must share the sampler, the optimizer and the batch size
# exactly, and TRL's `GRPOTrainer` cannot run the SFT and shuffled-reward arms in the same loop.
#
# **Design notes.** Written after one prototype run of this code with seeds 0, 1, 2, so the
# changes below were made knowing that run's numbers. Changes to the spec: (1) SFT and GRPO get
# one run per seed (the deciding criteria need them); RFT and SFT-new are report-only and run on
# the first seed at scales `smoke` and `ci` (every seed at `full`). (2) The shuffled control
# also gets seed pairs, so its own seed overlap is a baseline for GRPO's: it runs on the first
# two seeds at `smoke` and `ci` (one pair; every seed at `full`). (3) The "RL sparser than SFT"
# criterion is decided at *each* matched learning rate, because the prototype showed that the
# gap depends on the rate; the seed-overlap criterion is
# decided at `decision_lr` (the spec pilot's rate), because at the largest rate ~95% of
# parameters changed in the prototype and no two masks that dense can beat chance by 0.05. The
# other rates are reported.
#
# **Seeds and intervals.** SFT and GRPO run on 5 seeds at scale `ci` (10 at `full`). The
# sparsity gap is decided at each rate on the mean of seeds: its 95% Student-t interval over
# seeds must lie above `sparsity_gap_min` (the gap is paired by seed: GRPO and SFT runs of one
# seed share the seed). Overlap must beat chance in every GRPO seed pair (10 pairs at `ci`), and
# the rank must reach `rank_min` in every seed (the lowest relative rank over every block
# matrix of that seed's RL runs, all rates). The criteria table shows per-seed (per-pair)
# values with their mean and interval. With the report-only arms on one seed (the control on
# one pair), a `ci` run trains 14 policies per rate against 11 for the old three-seed design,
# about a quarter more time; the loop is shared with other notebooks and was not made cheaper.
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules).**
# Written before running this version at `ci`. (1) *A seed is a base and its runs.* Until now
# every seed's runs started from one base (seed 0), so the five seeds were five RL runs from one
# frozen model. Now seed `s` trains base `s` (same recipe as n06, so the two notebooks share the
# cached bases) and every arm of seed `s` starts from it; differences such as GRPO − SFT are
# paired by base. (2) *Seed overlap, within a base, beyond the control.* The claim ("nearly
# identical subnetworks across seeds"; the paper: overlap substantially above chance) is about
# two RL runs from *one* base, so each base now gets two GRPO runs (RL seeds `s` and `s + 1000`)
# and the comparison is replicated across bases. The old rule ("every GRPO seed pair above chance
# by 0.05") passed although the shuffled-reward control, which carries no information about the
# task, overlapped at least as much (0.111 against 0.105 in the last `ci` build): it was settled
# by the weights, not the task. The deciding quantity is now, per base, (GRPO pair's Jaccard −
# chance) − (shuffled-reward pair's Jaccard − chance), and its mean's interval must lie above
# `overlap_margin` = 0.05: the spec's margin over a null, with the control as the null instead
# of independent random masks. Both one-arm overlaps stay as report-only rows. (3) *Rank is
# report only.* "Every RL matrix at relative rank ≥ 0.9" passes for any optimiser: a sum of 100
# Adam steps on these small matrices is generically full rank, whatever the objective (the
# no-information control included). Compared with SFT's update from the same base the difference
# sits at the ceiling (both ≈ 1), so it cannot separate RL from SFT either; both rows are shown,
# neither decides. (4) *Mean-interval rules.* Every deciding criterion decides on the 95%
# interval of the mean over seeds; "every seed/pair" counts are shown beside it and never decide
# (the chance that all of n seeds pass falls as seeds are added). (5) *Premise.* GRPO's update
# comes only from groups whose samples get different rewards; if a base answered (almost)
# always right or always wrong, RL would have no room to change behaviour and its "sparsity"
# would be the sparsity of no signal. The premise, per base before RL: the expected share of
# GRPO groups of 8 samples with a right and a wrong answer, 1 − p⁸ − (1 − p)⁸ averaged over the
# RL keys, at least `mixed_groups_min` = 0.5 (most of GRPO's batch carries a gradient), decided
# on the mean's interval. (6) *Compute.* The within-base pairs cost two runs per base at one
# rate, and the control now needs its pair on every base. To pay for it, the pairs run only at
# `decision_lr` at `smoke` and `ci` (every rate at `full`), the old across-seed pairing is gone,
# and the shuffled control runs at the other two rates on the first seed only (report, as RFT and
# SFT-new); SFT gets a second run on the first base (report: SFT's own overlap). Per `ci` build
# that is 54 runs (decision rate 28, each other rate 13) against 42 before, of which the
# extra 12 are mostly GRPO/shuffled runs; no budget was cut.

# %% [markdown]
# **The measurement in code.** `changed_mask` rounds the base's and the tuned model's
# parameters to bfloat16 and marks the entries that differ; `chance_jaccard` is the
# overlap two independent masks of the same densities would have. Both are the functions
# the measures below call.

# %%
notebook.show_source(sp.changed_mask, sp.chance_jaccard)

# %%
bases = bases_by_seed(
    lambda st: kl.base(TinyLMConfig(), st, device=device),
    SFTSettings(num_steps=cfg["sft_steps"], learning_rate=1e-3),
    seeds,
)
rl_keys = [k for k in kl.make_keys() if k.split == "rl"]
prompts = [k.prompt for k in rl_keys]
gold = [kl.answer_text(k.answer) for k in rl_keys]
new_labels = [
    kl.answer_text(int(a))
    for a in np.random.default_rng(7).integers(0, 100, len(rl_keys))
]
GROUP = 8  # GRPO samples per prompt


def start_of_rl(seed: int) -> dict:
    """Base ``seed`` on the RL keys: exact Pass@1, and the expected share of GRPO
    groups of ``GROUP`` samples with a right and a wrong answer (non-zero advantage)."""
    b = bases[seed]
    dist = kl.answer_distribution(b.model, b.tokenizer, rl_keys, device)
    p = dist[np.arange(len(rl_keys)), [k.answer for k in rl_keys]]
    mixed = 1 - p**GROUP - (1 - p) ** GROUP
    return {
        "seed": seed,
        "pass@1": float(p.mean()),
        "mixed groups": float(mixed.mean()),
    }


start = pd.DataFrame([start_of_rl(s) for s in seeds]).set_index("seed")
say(
    "The bases before RL, on the RL keys (mean [95% interval] over bases): Pass@1 "
    f"{format_interval(start['pass@1'].tolist())}; share of GRPO groups with a right "
    f"and a wrong answer {format_interval(start['mixed groups'].tolist())}."
)
ARMS = {  # arm: (objective, answers, seeds at every rate, within-base pair seeds)
    "SFT": ("SFT", gold, seeds, report),
    "SFT-new": ("SFT", new_labels, report, []),
    "RFT": ("PSR", gold, report, []),
    "GRPO": ("GRPO", gold, seeds, seeds),
    "GRPO-shuffled": ("GRPO-shuffled", gold, report, seeds),
}
RL_ARMS = ("RFT", "GRPO", "GRPO-shuffled")


def planned_runs(lr: float) -> list[tuple[str, int, int]]:
    """``(arm, base seed, rep)`` of every run at ``lr``: rep 1 is the base's second
    run (seed ``seed + SECOND``), only at the pair rates."""
    out = []
    for arm, (_, _, every, pair) in ARMS.items():
        paired = pair if lr in pair_rates else []
        out += [(arm, s, 0) for s in seeds if s in every or s in paired]
        out += [(arm, s, 1) for s in paired]
    return out


tracker = sp.GradientTracker()  # shared: "touched" = received a gradient in some run
tuned, rewards = {}, {}
for lr in learning_rates:
    settings = PGSettings(
        num_steps=cfg["rl_steps"],
        prompts_per_step=16,
        group_size=GROUP,
        learning_rate=lr,
    )
    for arm, seed, rep in planned_runs(lr):
        objective, answers = ARMS[arm][:2]
        log, tuned[(lr, arm, seed, rep)] = train_policy(
            bases[seed].model,
            bases[seed].tokenizer,
            prompts,
            answers,
            objective,
            settings,
            seed + rep * SECOND,
            device=device,
            after_backward=tracker,
        )
        rewards[(lr, arm, seed, rep)] = log["train reward"].tail(10).mean()

masks = {
    key: sp.changed_mask(bases[key[2]].model, model, tracker.touched)
    for key, model in tuned.items()
}
rows = []
for (lr, arm, seed, rep), model in tuned.items():
    base_model = bases[seed].model
    fp32 = sp.changed_mask(base_model, model, tracker.touched, precision="fp32")
    ranks = sp.relative_ranks(base_model, model)
    rows.append(
        {
            "lr": lr,
            "arm": arm,
            "seed": seed,
            "rep": rep,
            "sparsity (bf16)": sp.sparsity(masks[(lr, arm, seed, rep)]),
            "sparsity (fp32, tol 1e-5)": sp.sparsity(fp32),
            "min relative rank": min(ranks.values()),
            "mean relative rank": float(np.mean(list(ranks.values()))),
            "train reward (last 10 steps)": rewards[(lr, arm, seed, rep)],
        }
    )
all_runs = pd.DataFrame(rows)
runs = all_runs[all_runs["rep"] == 0]  # one run per arm, rate and base
summary = runs.groupby(["lr", "arm"], sort=False)[
    [
        "sparsity (bf16)",
        "sparsity (fp32, tol 1e-5)",
        "min relative rank",
        "train reward (last 10 steps)",
    ]
].mean()
summary.style.format("{:.3f}")

# %% [markdown]
# ## Sparsity against learning rate (the paper's sparsity table, per arm)
#
# Each point is one run; lines join the means. Solid: the paper's bf16 measurement; the right
# panel repeats it with an fp32 tolerance of 1e-5. The paper's RL checkpoints sit at 70-95%
# sparsity and its SFT checkpoints far lower.

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 4.3), sharey=True)
for ax, column in zip(axes, ["sparsity (bf16)", "sparsity (fp32, tol 1e-5)"]):
    plots.seed_points(ax, runs, "lr", column, arms=list(ARMS))
    plots.log_x_ticks(ax, learning_rates)
    ax.set(
        xlabel="learning rate (Adam, log scale)",
        ylabel="update sparsity (share unchanged)",
        title=column,
    )
    ax.legend(fontsize="small")
plots.finish(fig, "Update sparsity against the learning rate, per arm");

# %% [markdown]
# ## Why: how far each weight moves against bf16's resolution
#
# bf16 keeps 8 significant bits, so a weight `w` only changes its bf16 value once it moves by
# about `|w|/256` (half the gap to the next bf16 number). Adam moves every weight that gets a
# consistent gradient by about the learning rate per step, whatever the gradient's size; a
# weight whose gradient keeps flipping sign moves much less. The left panel bins the weights
# by their size and shows the share that changed, at `decision_lr`, first seed (its base and its
# runs): whether large weights (coarse bf16 spacing) stay put. The right panel shows the median
# |Δw| per run in fp32, against the run's own base: whether the arms differ in how far weights
# move (RL's per-sample advantages of both signs can cancel where SFT's targets cannot).

# %%
values = {s: sp.touched_values(bases[s].model, tracker.touched) for s in seeds}
edges = torch.logspace(-4, 0, 13)
centers = (edges[:-1] * edges[1:]).sqrt()
fig, axes = plt.subplots(1, 2, figsize=(13, 4.3))
for arm in ("SFT", "GRPO", "GRPO-shuffled", "RFT"):
    mask = masks[(decision_lr, arm, seeds[0], 0)]
    share = sp.change_by_magnitude(values[seeds[0]], mask, edges)
    axes[0].plot(
        centers, share, marker="o", ms=4, color=plots.arm_color(arm), label=arm
    )
axes[0].set_xscale("log")
axes[0].set(
    xlabel="|w| in the base (log scale)",
    ylabel="share of weights whose bf16 value changed",
    title=f"changed share by weight size, lr {decision_lr:g}, seed {seeds[0]}",
)
axes[0].legend(fontsize="small")
moves = pd.DataFrame(
    [
        {
            "lr": lr,
            "arm": arm,
            "seed": seed,
            "median |Δw|": float(
                sp.touched_values(model, tracker.touched)
                .sub(values[seed])
                .abs()
                .median()
            ),
        }
        for (lr, arm, seed, rep), model in tuned.items()
        if rep == 0
    ]
)
plots.seed_points(axes[1], moves, "lr", "median |Δw|", arms=list(ARMS))
plots.reference_line(
    axes[1],
    float(np.mean([sp.bf16_spacing(v).median() / 2 for v in values.values()])),
    "median half bf16 spacing of the base weights (mean over bases)"
)
plots.log_x_ticks(axes[1], learning_rates)
axes[1].set_yscale("log")
axes[1].set(
    xlabel="learning rate (log scale)",
    ylabel="median |Δw| (fp32, log scale)",
    title="how far weights move",
)
axes[1].legend(fontsize="x-small", loc="upper left")
plots.finish(fig, "Which weights change in bf16, and how far weights move");

# %% [markdown]
# ## Rank of the updates and overlap between runs
#
# Left: rank(ΔW)/min(shape) for every block matrix of every RL run and of every SFT run (all
# rates and bases), each against its own base. Right: for each base, the Jaccard overlap of the
# changed sets of its two GRPO runs (RL seeds `s` and `s + 1000`), minus the overlap two random
# sets of the same densities would have, at `decision_lr`; the same for the base's two
# shuffled-reward runs; and the difference of the two. If the shuffled runs overlap as much, the
# overlap comes from the weights (which ones are small, which ones get large gradients), not from
# the task.

# %%
def block_ranks(arms: tuple[str, ...]) -> list[float]:
    """rank(ΔW)/min(shape) of every block matrix of every rep-0 run of ``arms``."""
    return [
        r
        for (lr, arm, seed, rep), model in tuned.items()
        if arm in arms and rep == 0
        for r in sp.relative_ranks(bases[seed].model, model).values()
    ]


def pair_overlaps(arm: str, lr: float) -> list[dict]:
    """Jaccard and chance Jaccard of the two runs of ``arm`` per base at ``lr``."""
    out = []
    for seed in ARMS[arm][3]:
        ma, mb = masks[(lr, arm, seed, 0)], masks[(lr, arm, seed, 1)]
        chance = sp.chance_jaccard(float(ma.float().mean()), float(mb.float().mean()))
        out.append(
            {
                "lr": lr,
                "arm": arm,
                "seed": seed,
                "jaccard": sp.jaccard(ma, mb),
                "chance": chance,
                "excess": sp.jaccard(ma, mb) - chance,
            }
        )
    return out


overlaps = pd.DataFrame(
    [
        row
        for lr in pair_rates
        for arm in ("GRPO", "GRPO-shuffled", "SFT")
        for row in pair_overlaps(arm, lr)
    ]
)
excess = {key: part["excess"].tolist() for key, part in overlaps.groupby(["lr", "arm"])}
# the deciding quantity, per base: GRPO's overlap beyond chance minus the control's
beyond_control = {
    lr: minus(excess[(lr, "GRPO")], excess[(lr, "GRPO-shuffled")]) for lr in pair_rates
}

fig, axes = plt.subplots(
    1, 2, figsize=(13, 4.3), gridspec_kw={"width_ratios": [1, 1.4]}
)
bins = np.linspace(0, 1, 21)
for arms, label in ((RL_ARMS, "RL"), (("SFT", "SFT-new"), "SFT")):
    axes[0].hist(
        block_ranks(arms),
        bins=bins,
        alpha=0.6,
        color=plots.arm_color("GRPO" if label == "RL" else "SFT"),
        label=f"{label} runs",
    )
plots.reference_line(axes[0], rank_min, f"reported threshold {rank_min}", vertical=True)
axes[0].set(
    xlabel="rank(ΔW) / min(shape)",
    ylabel="matrices",
    title="update rank per block matrix",
)
axes[0].legend(fontsize="small")
at_decision = overlaps[overlaps["lr"] == decision_lr]
for arm in ("GRPO", "GRPO-shuffled", "SFT"):
    part = at_decision[at_decision["arm"] == arm]
    axes[1].plot(
        part["seed"], part["excess"], "o", color=plots.arm_color(arm), label=arm
    )
axes[1].plot(
    seeds,
    beyond_control[decision_lr],
    "s--",
    color="black",
    label="GRPO − GRPO-shuffled (decides)",
)
plots.reference_line(
    axes[1],
    overlap_margin,
    f"criterion for the difference: > {overlap_margin}"
)
axes[1].axhline(0, color="grey", lw=0.5)
axes[1].set_xticks(seeds)
axes[1].set(
    xlabel="base (seed)",
    ylabel="Jaccard − chance Jaccard (a base's two runs)",
    title=f"overlap of changed sets beyond chance, lr {decision_lr:g}",
)
axes[1].legend(fontsize="x-small")
plots.finish(fig, "Rank of the updates, and overlap of changed sets beyond chance");


def pairs_text(values: list[float]) -> str:
    """Mean [95% interval] over bases, or the one base's value."""
    return (
        format_interval(values) if len(values) > 1 else f"{values[0]:.3g} (one base)"
    )


say(
    "Overlap of a base's two runs beyond chance, mean [95% interval] over bases: "
    + "; ".join(
        (
            f"lr {lr:g}: GRPO {pairs_text(excess[(lr, 'GRPO')])}, "
            f"shuffled-reward {pairs_text(excess[(lr, 'GRPO-shuffled')])}, "
            f"SFT {pairs_text(excess[(lr, 'SFT')])}; GRPO minus shuffled-reward "
            f"{where(beyond_control[lr], overlap_margin)}"
        )
        for lr in pair_rates
    )
    + "."
)
overlaps.pivot_table(
    index=["lr", "arm"], values=["jaccard", "chance", "excess"], sort=False
).style.format("{:.3f}")

# %% [markdown]
# ## Verdict
#
# Deciding (each on the 95% interval of the mean over seeds, a seed being a base and its runs):
# GRPO's sparsity above SFT's by `sparsity_gap_min` at *each* matched learning rate; and, at
# `decision_lr`, the overlap of a base's two GRPO runs beyond chance exceeding the overlap of
# the same base's two shuffled-reward runs beyond chance by more than `overlap_margin`.
# Premise: the bases leave GRPO a signal (share of groups with a right and a wrong answer at
# least `mixed_groups_min`). Reported: the update rank, alone and against SFT's; GRPO's and the
# control's overlap beyond chance, each alone; the "paper-like" regime (RL at a 10× smaller rate
# than SFT, as in practice).

# %%
gap = {lr: arm_difference(runs, "sparsity (bf16)", "GRPO", "SFT", seeds, lr=lr)
       for lr in learning_rates}
# per seed: the lowest relative rank over the block matrices of its runs, all rates
lowest_rank = runs.groupby(["arm", "seed"])["min relative rank"].min()
grpo_rank = [lowest_rank[("GRPO", s)] for s in seeds]
sft_rank = [lowest_rank[("SFT", s)] for s in seeds]
rank_gap = minus(grpo_rank, sft_rank)
paper_like = [(rl_lr, sft_lr) for rl_lr in learning_rates for sft_lr in learning_rates
              if np.isclose(sft_lr, 10 * rl_lr)]
paper_like_gap = [
    minus(
        per_seed(runs, "sparsity (bf16)", seeds, arm="GRPO", lr=rl_lr),
        per_seed(runs, "sparsity (bf16)", seeds, arm="SFT", lr=sft_lr),
    )
    for rl_lr, sft_lr in paper_like
]
premises = [
    Criterion(f"share of GRPO groups ({GROUP} samples) with a right and a wrong "
              "answer, base before RL", by_seed=start["mixed groups"].tolist(),
              threshold=mixed_groups_min, op=">=", every_seed=True),
]
criteria = [
    *[Criterion(f"sparsity GRPO - SFT at lr {lr:g} (mean of seeds)", by_seed=gap[lr],
                threshold=sparsity_gap_min, op=">=") for lr in learning_rates],
    Criterion(f"within-base Jaccard - chance, GRPO pair minus shuffled-reward pair, "
              f"lr {decision_lr:g} (mean of bases)",
              by_seed=beyond_control[decision_lr], threshold=overlap_margin, op=">",
              every_seed=True),
    *[Criterion(f"within-base {pair} pair Jaccard - chance at lr {decision_lr:g}",
                by_seed=excess[(decision_lr, arm)], threshold=overlap_margin, op=">",
                every_seed=True, decides=False)
      for pair, arm in (("GRPO", "GRPO"), ("shuffled-reward", "GRPO-shuffled"))],
    Criterion("min rank(ΔW)/min(shape) over the block matrices of a seed's GRPO runs",
              by_seed=grpo_rank, threshold=rank_min, op=">=", every_seed=True,
              decides=False),
    Criterion("min rank(ΔW)/min(shape), GRPO minus SFT (same base, all rates)",
              by_seed=rank_gap, threshold=0.0, op=">=", every_seed=True, decides=False),
    *[Criterion(f"paper-like: sparsity GRPO at lr {rl_lr:g} "
                f"- SFT at lr {sft_lr:g} (mean of seeds)", by_seed=g,
                threshold=sparsity_gap_min, op=">=", decides=False)
      for (rl_lr, sft_lr), g in zip(paper_like, paper_like_gap)],
]


def arm_sparsity(arm: str, lr: float) -> list[float]:
    """bf16 sparsity of every rep-0 run of ``arm`` at ``lr``, one value per base."""
    return runs[(runs["arm"] == arm) & (runs["lr"] == lr)]["sparsity (bf16)"].tolist()


def sparsity_by_rate(arm: str) -> str:
    """``arm``'s bf16 sparsity at each learning rate, for the paper-vs-run table."""
    return "; ".join(f"{format_interval(arm_sparsity(arm, lr), 2)} at {lr:g}"
                     for lr in learning_rates)


grpo_pairs = at_decision[at_decision["arm"] == "GRPO"]
shuffled_pairs = at_decision[at_decision["arm"] == "GRPO-shuffled"]
verdict = Verdict(
    note_id="n04", criteria=criteria, premises=premises,
    claim=("RL updates a sparse, full-rank subnetwork that two RL runs from one base "
           "share beyond a shuffled-reward control; SFT updates far more parameters."),
    key_number=(f"sparsity GRPO - SFT at lr {decision_lr:g}", gap[decision_lr]),
    paper_vs_run=paper_rows("paper (7 algorithms, 10 LLMs)", [
        ("RL update sparsity (bf16)", "70-95%", sparsity_by_rate("GRPO")),
        ("SFT update sparsity (bf16)", "much lower than RL", sparsity_by_rate("SFT")),
        ("update rank", "> 99% on average",
         f"lowest per seed: GRPO {format_interval(grpo_rank, 2)}, "
         f"SFT {format_interval(sft_rank, 2)}"),
        ("seed overlap", "substantially above chance",
         f"Jaccard of a base's two GRPO runs "
         f"{pairs_text(grpo_pairs['jaccard'].tolist())} vs chance "
         f"{pairs_text(grpo_pairs['chance'].tolist())}; shuffled-reward control "
         f"{pairs_text(shuffled_pairs['jaccard'].tolist())} vs chance "
         f"{pairs_text(shuffled_pairs['chance'].tolist())}, at lr {decision_lr:g}"),
    ]),
    parameters=run.parameters | {
        "report_seeds": report, "pair_rates": pair_rates,
        "second_rl_seed": f"seed + {SECOND}", "learning_rates": learning_rates,
        "decision_lr": decision_lr},
)
verdict.publish()

say(
    "At matched rates, GRPO's bf16 sparsity minus SFT's (paired by base) is "
    + "; ".join(f"{where(gap[lr], digits=2)} at lr {lr:g} (GRPO "
                f"{format_interval(arm_sparsity('GRPO', lr), 2)}, SFT "
                f"{format_interval(arm_sparsity('SFT', lr), 2)})"
                for lr in learning_rates)
    + ". "
    + " ".join(f"In the paper-like regime (GRPO at {rl_lr:g}, SFT at {sft_lr:g}) the "
               f"gap is {format_interval(g, 2)}."
               for (rl_lr, sft_lr), g in zip(paper_like, paper_like_gap))
    + f" At lr {decision_lr:g}, GRPO-shuffled's sparsity is "
    f"{format_interval(arm_sparsity('GRPO-shuffled', decision_lr), 2)}; the "
    "overlap of a base's two GRPO runs beyond chance minus that of its two "
    f"shuffled-reward runs is {where(beyond_control[decision_lr], 0)}. The lowest "
    f"update rank, GRPO minus SFT from the same base, is "
    f"{where(rank_gap, 0)}."
)

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the paper
#
# * **Scale and precision.** 0.4M parameters trained in fp32 and *measured* in bf16; the paper's
#   models have billions of parameters, train in bf16 with mixed precision, and run for hundreds
#   to thousands of steps at learning rates around 1e-6. What the measurement sees is how far a
#   weight moved relative to bf16 spacing, so learning rate × steps decides most of the answer:
#   read the figures by rate, not as one number per arm.
# * **Where a sparsity gap can come from here.** At a matched rate, RL's per-step gradients are
#   noisier than SFT's (advantages of both signs, many groups with zero advantage), so Adam can
#   move its weights less far and fewer of them cross a bf16 step; the shuffled control, pure
#   noise, isolates that effect. A gap of that origin is an optimisation effect, not the
#   selection of a task-specific subnetwork. The "paper-like" rows compare RL at a 10× smaller
#   rate with SFT, which is how RL and SFT checkpoints are usually produced in practice: there a
#   gap follows from the rates alone. The sentence under the verdict gives both, from this run.
# * **Overlap.** Compare a base's two GRPO runs with its two shuffled-reward runs (the sentence
#   under the overlap figure): a control with no task information can also overlap beyond chance, because
#   which weights change depends on which are small (fine bf16 spacing) and which get steady
#   gradients, whatever the reward. Only the part of GRPO's overlap *above* the control's is
#   about the task. The note's "nearly identical across seeds" is not what the paper claims.
# * **One task, one model shape.** The paper's 7 algorithms and 10 models become 3 update rules
#   on one 2-layer model; the rank is the least surprising part (reported, not deciding): a sum
#   of 100 noisy rank-one-ish updates is generically full rank, for SFT as for RL.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(20 min, medium)* Add a fourth learning rate, 1e-6, to `learning_rates` in the parameters
#    cell. Predict GRPO's and SFT's bf16 sparsity from the right panel of the "why" figure
#    before you run it.
# 2. *(10 min, easy)* Count a change only if |Δw| exceeds a tolerance that scales with the
#    weight: |Δw| > |w|/256. What is the sparsity (share unchanged) under that rule of the GRPO
#    run at `decision_lr` from the first seed's base (`tuned[(decision_lr, "GRPO", seeds[0], 0)]`,
#    over the entries in `tracker.touched`)? How close does that come to its bf16 measurement,
#    and what does that tell you about it?
# 3. *(40 min, hard)* Replace Adam by plain SGD. `train_policy` takes an `after_backward`
#    callable that runs between the backward pass and Adam's step: make it take the SGD step
#    itself and zero the gradients, so that Adam, which then only ever sees zero gradients,
#    moves nothing. Train SFT and GRPO from the first seed's base this way. Which arm is sparser
#    now, and why does Adam's per-parameter normalisation matter for the paper's measurement?

# %% tags=["exercise-check"]
# Exercise 2: your answer (a number between 0 and 1), then run this cell
from helpers.notebook import check

answer = None
w_base = sp.touched_values(bases[seeds[0]].model, tracker.touched)
w_grpo = sp.touched_values(tuned[(decision_lr, "GRPO", seeds[0], 0)], tracker.touched)
check(
    answer,
    1 - float(((w_grpo - w_base).abs() > w_base.abs() / 256).float().mean()),
    "the sparsity under the relative tolerance (exercise 2)",
    tolerance=0.01,
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** Adam moves a weight with a consistent gradient by about `lr` per step, so the distance
# after 100 steps scales with the rate: read the median |Δw| line at 3e-6 and divide by 3. The
# changed share is the share of weights whose half bf16 spacing (|w|/256) is below their move;
# at 1e-6 most weights of size ≳ 0.01 stay put, so both arms get sparser and the absolute gap
# between them shrinks towards zero as both approach 100%.
#
# **2.** With `w0 = sp.touched_values(bases[seeds[0]].model, tracker.touched)` and `w1` the
# same for the tuned model, `1 - ((w1 - w0).abs() > w0.abs() / 256).float().mean()`; compare it
# with the run's `sparsity (bf16)` in `all_runs`. It should track the bf16 count closely (bf16
# rounding is exactly a relative threshold of that size, up to where in its bf16 interval the
# weight starts), which shows the bf16 count is a *relative-size* threshold, not a test of
# "was this weight updated".
#
# **3.** For example:
#
# ```python
# def sgd_step(policy, lr=0.1):
#     with torch.no_grad():
#         for p in policy.parameters():
#             if p.grad is not None:
#                 p -= lr * p.grad
#                 p.grad.zero_()
#
# sgd = {}
# for arm in ("SFT", "GRPO"):
#     _, model = train_policy(bases[seeds[0]].model, bases[seeds[0]].tokenizer, prompts, gold,
#                             arm, PGSettings(num_steps=cfg["rl_steps"]),
#                             seeds[0], device=device, after_backward=sgd_step)
#     sgd[arm] = sp.sparsity(sp.changed_mask(bases[seeds[0]].model, model, tracker.touched))
# ```
#
# (Adam's step on an all-zero gradient is exactly 0: its moment estimates stay 0. Its own
# `learning_rate` no longer matters; try several SGD rates.) With SGD the step is
# `lr × gradient`, so weights with tiny gradients barely move and sparsity depends on the
# gradient's size, not its consistency; the learning rate needed to move anything is far larger.
# Adam's normalisation makes every weight with a steady gradient move at the same speed, which
# is why almost every parameter changes at rates used for SFT.
#
# </details>
