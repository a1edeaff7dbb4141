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
# # Does reinforcement learning update only a small fraction of parameters?
#
# > **The corpus claim** (note n04): "Across seven RL algorithms and ten LLM families, RL
# > induces intrinsic parameter sparsity of 5–30% without explicit regularization.
# > Critically, these sparse updates are nearly full-rank and nearly identical across random
# > seeds, indicating structural rather than arbitrary parameter selection."
#
# **Source** {cite}`mukherjee2025subnetworks`. Mukherjee, Yuan, Hakkani-Tür, Peng,
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
# **Prerequisites.** The lab notebook; {term}`GRPO`; the n06 notebook (the same task and loop).

# %% tags=["colab"]
# Colab set-up: installs the book's helpers (and their pinned requirements) when this
# notebook runs on Colab; does nothing anywhere else.
import sys

if "google.colab" in sys.modules:
    import subprocess

    REPO = "https://github.com/reward-bias-book/reward-bias-book"
    # Only the helpers package, with the ranges of its pyproject.toml:
    # Colab keeps its own torch, numpy and matplotlib, and pip adds
    # what Colab lacks (trl; transformers if too old).
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", f"git+{REPO}.git"], check=True
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
overlap_margin = 0.05  # criterion: GRPO seed-pair Jaccard above chance by at least this
rank_min = 0.9  # criterion: rank(ΔW)/min(shape) of every RL-updated block matrix

# %%
import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from helpers import notebook, params, plots
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings
from helpers.measure import sparsity as sp
from helpers.rl.objectives import PGSettings, train_policy
from helpers.tasks import key_lookup as kl
from helpers.verdict import Criterion, Verdict, format_interval, mean_interval, say

PRESETS = {
    "smoke": dict(sft_steps=40, rl_steps=3),
    "ci": dict(sft_steps=800, rl_steps=100),
    "full": dict(sft_steps=800, rl_steps=300),
}
run = notebook.start(
    scale,
    PRESETS,
    seeds,
    device,
    min_seeds=2,
    positive=dict(
        sparsity_gap_min=sparsity_gap_min,
        overlap_margin=overlap_margin,
        rank_min=rank_min,
    ),
    learning_rates=learning_rates,
)
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
# the shuffled control needs one seed pair at least
control_seeds = seeds if scale == "full" else seeds[:2]
print(f"report seeds={report} control seeds={control_seeds}")

# %% [markdown]
# ## The experiment
#
# * **Base.** The n06 base: a 2-layer GPT-2 after SFT on the key-lookup task (160 two-letter
#   keys, two-digit answers, a teacher that is right with a per-key probability between 0.02
#   and 0.9). RL and SFT below use the 80 RL keys.
# * **Arms**, each from the same base for the same number of steps with 128 sequences per step,
#   Adam, no weight decay, at each learning rate:
#   **SFT** on the gold answers; **SFT-new**, SFT on a fresh random answer per key (new
#   knowledge to write in); **RFT**, rejection-sampling fine-tuning (sample 8 answers per key,
#   train on the right ones: the PSR objective of n06); **GRPO** (16 keys × 8 samples, reward
#   ±1, one on-policy step per batch); and **GRPO-shuffled**, GRPO whose rewards are permuted
#   across the batch: the same kind of update with no information about which answer was
#   right, the control for overlap that comes from the weights rather than the task.
# * **Measures.** A parameter counts as *changed* if its bf16 value differs from the base's
#   bf16 value (the paper's measurement); also with an fp32 tolerance of 1e-5. Parameters that
#   never received a gradient in any run (position embeddings beyond the 6 tokens used) are
#   left out. Update sparsity = 1 − changed fraction. Rank: rank(ΔW)/min(shape) for each 2-D
#   matrix of the transformer blocks. Overlap: Jaccard index of two runs' changed sets, against
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

# %% [markdown]
# **The measurement in code.** `changed_mask` rounds the base's and the tuned model's
# parameters to bfloat16 and marks the entries that differ; `chance_jaccard` is the
# overlap two independent masks of the same densities would have. Both are the functions
# the measures below call.

# %%
notebook.show_source(sp.changed_mask, sp.chance_jaccard)

# %%
base = kl.base(
    TinyLMConfig(),
    SFTSettings(num_steps=cfg["sft_steps"], learning_rate=1e-3),
    device=device,
)
rl_keys = [k for k in kl.make_keys() if k.split == "rl"]
prompts = [k.prompt for k in rl_keys]
gold = [kl.answer_text(k.answer) for k in rl_keys]
new_labels = [
    kl.answer_text(int(a))
    for a in np.random.default_rng(7).integers(0, 100, len(rl_keys))
]
ARMS = {  # arm: (objective, target answers, seeds)
    "SFT": ("SFT", gold, seeds),
    "SFT-new": ("SFT", new_labels, report),
    "RFT": ("PSR", gold, report),
    "GRPO": ("GRPO", gold, seeds),
    "GRPO-shuffled": ("GRPO-shuffled", gold, control_seeds),
}
RL_ARMS = ("RFT", "GRPO", "GRPO-shuffled")

tracker = sp.GradientTracker()  # shared: "touched" = received a gradient in some run
tuned, rewards = {}, {}
for lr in learning_rates:
    settings = PGSettings(
        num_steps=cfg["rl_steps"], prompts_per_step=16, group_size=8, learning_rate=lr
    )
    for arm, (objective, answers, arm_seeds) in ARMS.items():
        for seed in arm_seeds:
            log, tuned[(lr, arm, seed)] = train_policy(
                base.model,
                base.tokenizer,
                prompts,
                answers,
                objective,
                settings,
                seed,
                device=device,
                after_backward=tracker,
            )
            rewards[(lr, arm, seed)] = log["train_reward"].tail(10).mean()

masks = {
    run: sp.changed_mask(base.model, model, tracker.touched)
    for run, model in tuned.items()
}
rows = []
for (lr, arm, seed), model in tuned.items():
    fp32 = sp.changed_mask(base.model, model, tracker.touched, precision="fp32")
    ranks = sp.relative_ranks(base.model, model)
    rows.append(
        {
            "lr": lr,
            "arm": arm,
            "seed": seed,
            "sparsity (bf16)": sp.sparsity(masks[(lr, arm, seed)]),
            "sparsity (fp32, tol 1e-5)": sp.sparsity(fp32),
            "min relative rank": min(ranks.values()),
            "mean relative rank": float(np.mean(list(ranks.values()))),
            "train reward (last 10 steps)": rewards[(lr, arm, seed)],
        }
    )
runs = pd.DataFrame(rows)
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
# by their size and shows the share that changed, at `decision_lr`, first seed: whether large
# weights (coarse bf16 spacing) stay put. The right panel shows the median |Δw| per run in
# fp32: whether the arms differ in how far weights move (RL's per-sample advantages of both
# signs can cancel where SFT's targets cannot).

# %%
values = sp.touched_values(base.model, tracker.touched)
edges = torch.logspace(-4, 0, 13)
centers = (edges[:-1] * edges[1:]).sqrt()
fig, axes = plt.subplots(1, 2, figsize=(13, 4.3))
for arm in ("SFT", "GRPO", "GRPO-shuffled", "RFT"):
    share = sp.change_by_magnitude(values, masks[(decision_lr, arm, seeds[0])], edges)
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
                sp.touched_values(model, tracker.touched).sub(values).abs().median()
            ),
        }
        for (lr, arm, seed), model in tuned.items()
    ]
)
plots.seed_points(axes[1], moves, "lr", "median |Δw|", arms=list(ARMS))
axes[1].axhline(
    float(sp.bf16_spacing(values).median() / 2),
    color=plots.arm_color("ideal"),
    ls="--",
    lw=1,
    label="median half bf16 spacing of the base weights",
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
# Left: rank(ΔW)/min(shape) for every block matrix of every RL run (all rates and seeds).
# Right: Jaccard overlap of the changed sets for pairs of runs at each rate, minus the overlap
# two random sets of the same densities would have. GRPO seed pairs against the shuffled
# control's seed pairs: if the shuffled runs overlap as much, the overlap comes from the
# weights (which ones are small, which ones get large gradients), not from the task.

# %%
rank_values = [
    r
    for (lr, arm, seed), model in tuned.items()
    if arm in RL_ARMS
    for r in sp.relative_ranks(base.model, model).values()
]


def pair_overlaps(arm: str, lr: float) -> list[dict]:
    """Jaccard and chance Jaccard for every pair of seeds of ``arm`` at ``lr``."""
    out = []
    for a, b in itertools.combinations(ARMS[arm][2], 2):
        ma, mb = masks[(lr, arm, a)], masks[(lr, arm, b)]
        chance = sp.chance_jaccard(float(ma.float().mean()), float(mb.float().mean()))
        out.append(
            {
                "lr": lr,
                "arm": arm,
                "pair": f"{a}-{b}",
                "jaccard": sp.jaccard(ma, mb),
                "chance": chance,
                "excess": sp.jaccard(ma, mb) - chance,
            }
        )
    return out


overlaps = pd.DataFrame(
    [
        row
        for lr in learning_rates
        for arm in ("GRPO", "GRPO-shuffled", "SFT")
        for row in pair_overlaps(arm, lr)
    ]
)
fig, axes = plt.subplots(
    1, 2, figsize=(13, 4.3), gridspec_kw={"width_ratios": [1, 1.4]}
)
axes[0].hist(rank_values, bins=np.linspace(0, 1, 21), color=plots.arm_color("GRPO"))
axes[0].axvline(
    rank_min,
    color=plots.arm_color("ideal"),
    ls="--",
    lw=1,
    label=f"criterion {rank_min}",
)
axes[0].set(
    xlabel="rank(ΔW) / min(shape)",
    ylabel="matrices (all RL runs)",
    title="update rank per block matrix",
)
axes[0].legend(fontsize="small")
plots.seed_points(
    axes[1],
    overlaps.rename(columns={"pair": "seed"}),
    "lr",
    "excess",
    arms=["GRPO", "GRPO-shuffled", "SFT"],
)
axes[1].axhline(
    overlap_margin,
    color=plots.arm_color("ideal"),
    ls="--",
    lw=1,
    label=f"criterion: chance + {overlap_margin}",
)
plots.log_x_ticks(axes[1], learning_rates)
axes[1].set(
    xlabel="learning rate (log scale)",
    ylabel="Jaccard − chance Jaccard (seed pairs)",
    title="overlap of changed sets beyond chance",
)
axes[1].legend(fontsize="x-small")
plots.finish(fig, "Rank of the updates, and overlap of changed sets beyond chance");

excess = {key: part["excess"].tolist() for key, part in overlaps.groupby(["lr", "arm"])}


def pairs_text(values: list[float]) -> str:
    """Mean [95% interval] over seed pairs, or the one pair's value."""
    return (
        format_interval(values)
        if len(values) > 1
        else f"{values[0]:.3g} (one seed pair)"
    )


say(
    "Overlap beyond chance, mean [95% interval] over seed pairs: "
    + "; ".join(
        (
            f"lr {lr:g}: GRPO {pairs_text(excess[(lr, 'GRPO')])}, "
            f"shuffled-reward {pairs_text(excess[(lr, 'GRPO-shuffled')])}, "
            f"SFT {pairs_text(excess[(lr, 'SFT')])}"
        )
        for lr in learning_rates
    )
    + "."
)
overlaps.pivot_table(
    index=["lr", "arm"], values=["jaccard", "chance", "excess"], sort=False
).style.format("{:.3f}")

# %% [markdown]
# ## Verdict
#
# Deciding: in every seed, every RL-updated block matrix at relative rank ≥ `rank_min`; every
# GRPO seed pair's Jaccard above chance by `overlap_margin` at `decision_lr`; GRPO's sparsity
# above SFT's by `sparsity_gap_min` (95% interval of the mean of seeds) at *each* matched
# learning rate. Reported: the
# "paper-like" regime (RL at a 10× smaller rate than SFT, as in practice), the shuffled
# control's overlap, and the fp32 view.

# %%
by = runs.set_index(["lr", "arm", "seed"])["sparsity (bf16)"]
gap = {
    lr: [by[(lr, "GRPO", s)] - by[(lr, "SFT", s)] for s in seeds]
    for lr in learning_rates
}
at_decision = overlaps[(overlaps["lr"] == decision_lr)]
grpo_excess = at_decision[at_decision["arm"] == "GRPO"]["excess"].tolist()
shuffled_excess = at_decision[at_decision["arm"] == "GRPO-shuffled"]["excess"].tolist()
runs["rl"] = runs["arm"].isin(RL_ARMS)
# over all rates and RL arms of a seed
seed_min_rank = runs[runs["rl"]].groupby("seed")["min relative rank"].min()
rl_min_rank = float(seed_min_rank.min())
paper_like = [
    (rl_lr, sft_lr)
    for rl_lr in learning_rates
    for sft_lr in learning_rates
    if np.isclose(sft_lr, 10 * rl_lr)
]
paper_like_gap = [
    [by[(rl_lr, "GRPO", s)] - by[(sft_lr, "SFT", s)] for s in seeds]
    for rl_lr, sft_lr in paper_like
]
criteria = [
    Criterion(
        "min rank(ΔW)/min(shape) over the block "
        "matrices of a seed's RL runs, every seed",
        None,
        rank_min,
        ">=",
        per_seed=[seed_min_rank[s] for s in seeds],
    ),
    Criterion(
        f"GRPO seed-pair Jaccard - chance at lr {decision_lr:g}, every seed pair",
        None,
        overlap_margin,
        ">",
        per_seed=grpo_excess,
    ),
    *[
        Criterion(
            f"sparsity GRPO - SFT at lr {lr:g} (mean of seeds)",
            gap[lr],
            sparsity_gap_min,
            ">=",
        )
        for lr in learning_rates
    ],
    Criterion(
        "GRPO-shuffled seed-pair Jaccard - chance at "
        f"lr {decision_lr:g} (seeds {control_seeds})",
        shuffled_excess,
        overlap_margin,
        ">",
        decides=False,
    ),
    *[
        Criterion(
            f"paper-like: sparsity GRPO at lr {rl_lr:g} "
            f"- SFT at lr {sft_lr:g} (mean of seeds)",
            g,
            sparsity_gap_min,
            ">=",
            decides=False,
        )
        for (rl_lr, sft_lr), g in zip(paper_like, paper_like_gap)
    ],
]


def arm_sparsity(arm: str, lr: float) -> list[float]:
    """bf16 sparsity of every run of ``arm`` at ``lr``, one value per seed."""
    return [by[(lr, arm, s)] for s in ARMS[arm][2]]


grpo_pairs = at_decision[at_decision["arm"] == "GRPO"]
verdict = Verdict(
    note_id="n04",
    claim=(
        "RL updates a sparse, full-rank subnetwork that overlaps across "
        "seeds more than chance; SFT updates far more parameters."
    ),
    criteria=criteria,
    key_number=(f"sparsity GRPO - SFT at lr {decision_lr:g}", gap[decision_lr]),
    paper_vs_run=[
        {
            "quantity": "RL update sparsity (bf16)",
            "paper (7 algorithms, 10 LLMs)": "70-95%",
            "this run (mean [95% interval] over seeds)": "; ".join(
                f"{format_interval(arm_sparsity('GRPO', lr), 2)} at {lr:g}"
                for lr in learning_rates
            ),
        },
        {
            "quantity": "SFT update sparsity (bf16)",
            "paper (7 algorithms, 10 LLMs)": "much lower than RL",
            "this run (mean [95% interval] over seeds)": "; ".join(
                f"{format_interval(arm_sparsity('SFT', lr), 2)} at {lr:g}"
                for lr in learning_rates
            ),
        },
        {
            "quantity": "update rank",
            "paper (7 algorithms, 10 LLMs)": "> 99% on average",
            "this run (mean [95% interval] over seeds)": (
                f"min {rl_min_rank:.2f} over all RL matrices"
            ),
        },
        {
            "quantity": "seed overlap",
            "paper (7 algorithms, 10 LLMs)": "substantially above chance",
            "this run (mean [95% interval] over seeds)": (
                f"Jaccard {pairs_text(grpo_pairs['jaccard'].tolist())} "
                f"vs chance {pairs_text(grpo_pairs['chance'].tolist())} "
                f"at lr {decision_lr:g} (over seed pairs)"
            ),
        },
    ],
    parameters=run.parameters
    | {
        "report_seeds": report,
        "control_seeds": control_seeds,
        "learning_rates": learning_rates,
        "decision_lr": decision_lr,
    },
)
verdict.publish()


def compare(a: list[float], b: list[float]) -> str:
    """Which of two per-seed lists is larger, judged by the 95% interval of their paired
    difference."""
    _, low, high = mean_interval([x - y for x, y in zip(a, b)])
    return (
        "higher than" if low > 0 else "lower than" if high < 0 else "not separable from"
    )


say(
    "At matched rates, GRPO's bf16 sparsity is "
    + "; ".join(
        (
            f"{compare(arm_sparsity('GRPO', lr), arm_sparsity('SFT', lr))} SFT's "
            f"at lr {lr:g} (GRPO {format_interval(arm_sparsity('GRPO', lr), 2)}, "
            f"SFT {format_interval(arm_sparsity('SFT', lr), 2)})"
        )
        for lr in learning_rates
    )
    + ". "
    + " ".join(
        (
            f"In the paper-like regime (GRPO at {rl_lr:g}, SFT "
            f"at {sft_lr:g}) the gap is {format_interval(g, 2)}."
        )
        for (rl_lr, sft_lr), g in zip(paper_like, paper_like_gap)
    )
    + (
        f" At lr {decision_lr:g}, GRPO-shuffled's sparsity is "
        f"{format_interval(arm_sparsity('GRPO-shuffled', decision_lr), 2)} (seeds "
        f"{control_seeds}); its seed-pair overlap beyond chance is "
        f"{pairs_text(shuffled_excess)}, against GRPO's {pairs_text(grpo_excess)}."
    )
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
# * **Overlap.** Compare GRPO's seed pairs with the shuffled-reward runs' (the sentence under the
#   overlap figure): a control with no task information can also overlap beyond chance, because
#   which weights change depends on which are small (fine bf16 spacing) and which get steady
#   gradients, whatever the reward. Only the part of GRPO's overlap *above* the control's is
#   about the task. The note's "nearly identical across seeds" is not what the paper claims.
# * **One task, one model shape.** The paper's 7 algorithms and 10 models become 3 update rules
#   on one 2-layer model; the rank criterion is the least surprising part: a sum of 100 noisy
#   rank-one-ish updates is generically full rank.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. Add a fourth learning rate, 1e-6. Predict GRPO's and SFT's bf16 sparsity from the right
#    panel of the "why" figure before you run it.
# 2. Count a change only if |Δw| exceeds a tolerance that scales with the weight: |Δw| > |w|/256.
#    How close does that come to the bf16 measurement, and what does that tell you about it?
# 3. Replace Adam by plain SGD (edit `train_policy` or copy it). Which arm is sparser now, and
#    why does Adam's per-parameter normalisation matter for the paper's measurement?

# %% [markdown] tags=["solution"]
# :::{admonition} Solutions (instructors: `make student` removes this cell)
# :class: dropdown
#
# **1.** Adam moves a weight with a consistent gradient by about `lr` per step, so the distance
# after 100 steps scales with the rate: read the median |Δw| line at 3e-6 and divide by 3. The
# changed share is the share of weights whose half bf16 spacing (|w|/256) is below their move;
# at 1e-6 most weights of size ≳ 0.01 stay put, so both arms get sparser and the absolute gap
# between them shrinks towards zero as both approach 100%.
#
# **2.** `changed = (delta.abs() > base.abs() / 256)`. It should track the bf16 count closely (bf16
# rounding is exactly a relative threshold of that size, up to where in its bf16 interval the
# weight starts), which shows the bf16 count is a *relative-size* threshold, not a test of
# "was this weight updated".
#
# **3.** With SGD the step is `lr × gradient`, so weights with tiny gradients barely move and
# sparsity depends on the gradient's size, not its consistency; the learning rate needed to move
# anything is far larger. Adam's normalisation makes every weight with a steady gradient move at
# the same speed, which is why almost every parameter changes at rates used for SFT.
# :::
