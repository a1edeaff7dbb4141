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
# # Does RL training follow a predictable two-phase learning sequence?
#
# > **The corpus claim** (note n05): "Across eight models, RL training consistently shows a
# > first phase where execution correctness drives learning, followed by a second phase where
# > strategic planning becomes the bottleneck. Planning token entropy increases while execution
# > entropy stabilizes, and concentration of optimization on planning tokens yields significant
# > performance gains."
#
# **Source** [arXiv:2509.03646](https://arxiv.org/abs/2509.03646). Wang, Xu, Liu, Wu, Lin, Chen, *Emergent Hierarchical
# Reasoning in LLMs through Reinforcement Learning*, arXiv 2509.03646, 2025. They mark
# *planning tokens* with "strategic grams" and follow RL training: first, the perplexity and
# entropy of execution tokens drop sharply (the model firms up procedures it already has);
# then the *semantic* entropy of strategic grams, the diversity of strategies used, rises
# together with accuracy. **HICRA** gives planning tokens the advantage `A + α|A|` (α = 0.2),
# with gains such as Qwen3-4B-Instruct on AIME24 from 68.5 to 73.1. This notebook mirrors their
# training-dynamics figure (execution, planning and entropy curves against step) in miniature.
#
# **What the note overstates.** "Planning token entropy increases": the paper says token-level
# entropy is misleading and it is the strategy-level (semantic) entropy that rises. We measure
# both, per prompt (token level) and over a batch of prompts (strategy level), and report which
# one moves.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * separate a policy's failures into planning errors and execution errors, and track both exactly
# * tell token-level entropy (per prompt) from strategy-level entropy (across prompts)
# * write HICRA as a per-token change of GRPO's advantages
#
# **Prerequisites.** The lab notebook; [GRPO](../../book/glossary.md); [Entropy collapse](../../book/glossary.md).

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
# "smoke" (seconds), "ci" (CPU default: the spec's 300
# steps), "full" (GPU: 1000 steps, HICRA on every seed)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"
hicra_alpha = 0.2  # HICRA's planning-token bonus α (the paper's value)
entropy_rise_min = 0.2  # criterion: batch plan entropy, end minus start (nats)

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import notebook, params, plots
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings, bases_by_seed
from helpers.results import minus, per_seed, ratio
from helpers.rl import hicra
from helpers.tasks import plan_execute as pe
from helpers.verdict import Criterion, Verdict, format_interval, paper_rows, say

# eval_every sets the resolution of the halving steps: the same at ci and full
PRESETS = {
    "smoke": dict(sft_steps=40, rl_steps=4, prompts_per_step=4, eval_every=2),
    "ci": dict(sft_steps=800, rl_steps=300, prompts_per_step=32, eval_every=10),
    "full": dict(sft_steps=800, rl_steps=1000, prompts_per_step=32, eval_every=10),
}
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="hicra_alpha entropy_rise_min")
cfg, seeds, device = run.cfg, run.seeds, run.device
# HICRA is report-only: first seed at smoke and ci, all at full
hicra_seeds = params.report_seeds(seeds, scale)
print(f"hicra_seeds={hicra_seeds}")
# the budget of the design before issue 22, read off the same runs (design note 5)
OLD_STEPS = 180
MAX_DIGIT = 4

# %% [markdown]
# ## The experiment
#
# * **Task.** A prompt `^abc>tt=` gives three digits (1-4) and a target. The response is one
#   **planning token** choosing a formula, A: a·b+c, B: a·c+b, C: (a+b)·c, D: a+b+c, then four
#   **execution tokens**: the formula's intermediate value and result, two digits each
#   (`^342>10=` → `B0610`). Exactly one formula reaches each target, and each formula is the
#   right one for a quarter of the prompts. Reward 1 for a right plan executed right, else 0.
# * **Base.** One per seed (seed s trains base s: initialisation, data draw, batch order).
#   SFT on a teacher with the wrong planning *habit* (A 70%, B/C/D 10% each, whatever
#   the target) and noisy execution (each execution digit corrupted with probability 0.25). A
#   plan choice that ignores the target reaches it on a quarter of the prompts, whatever the
#   habit; the teacher's own traces are fully right 0.75⁴ ≈ 0.32 of the time. The bases'
#   measured errors are printed under the training cell.
# * **Arms.** GRPO, 32 prompts × 8 samples per step, Adam 3e-4, one on-policy step per batch;
#   and HICRA, the same with the planning token's advantage raised to `A + α|A|`. TRL's
#   `GRPOTrainer` has one advantage per sequence, so HICRA's per-token change lives in a small
#   loop (`helpers.rl.hicra`), which both arms share.
# * **Measures, exact** (from the policy's probabilities on 256 training prompts, no sampling
#   noise): *plan error* = P(a plan that cannot reach the target); *execution error* = P(the
#   digits do not follow from the chosen plan); execution-token entropy (teacher-forced on the
#   chosen plan's correct trace); *plan entropy per prompt* (token level) and the entropy of the
#   plan histogram over the batch of prompts (strategy level, the analogue of the paper's
#   semantic entropy).
#
# **Design notes** (written after prototypes with seed 0, in which plan error did not halve within
# 150-250 steps, and before the multi-seed run; note 3 adds a deciding criterion because of that
# prototype, which makes the verdict stricter, not looser).
# (1) Half the SFT examples are *execution practice* with the plan given in the prompt. Without
# them the base executed its rare plans 2-7× worse than its habitual one (full-trace accuracy
# A 0.35, B 0.05, C 0.13, D 0.19), which makes A the best plan for a model that ignores the
# target, and GRPO collapsed onto A within 40 steps (per-prompt plan entropy 0.02) with plan
# error never moving. With practice the habit is unchanged and every plan is executable
# (A 0.28, B 0.19, C 0.16, D 0.20). Exercise 1 turns practice off. (2) Digits 1-4 rather than
# 0-9 (156 distinct prompts): the spec's fallback for a 2-layer model; with supervision a model
# of this size learns the right plan for 1-4 digits in 800 steps (plan error 0.001) but not for
# 1-6 (0.19). (3) "Plan error halves by the end" is a deciding criterion of its own, so that a
# run whose plan error halves at some evaluation and then climbs back cannot pass on the
# ordering alone. (4) HICRA is report-only and runs on the first seed at scales `smoke` and
# `ci` (every seed at `full`).
#
# **Seeds and intervals.** The GRPO arm, which decides the verdict, runs on 5 seeds at scale `ci`
# (10 at `full`). The ordering and the plan-error ratio must hold in every seed; the batch plan
# entropy rise is decided on the mean of seeds: its 95% Student-t interval must lie above
# `entropy_rise_min`. The criteria table shows each criterion's per-seed values, mean and
# interval. The two extra seeds cost about half a `ci` run more; the evaluation now computes
# each distinct prompt of the 256 evaluation problems once, weighted by its count (the same
# numbers, half the evaluation work), and HICRA stays on one seed. Halving steps are read on a
# grid of `eval_every` = 10 steps at `ci` and `full` alike (an earlier `full` preset used 25, a
# coarser grid on which the two halvings tie more often). **A plan error that never halves
# fails the ordering.** An earlier version scored "execution error halves before plan error"
# as passed when plan error never halved (a step of ∞ comes after any finite step), so a run
# with no second phase at all passed the criterion that is meant to show two phases in order.
# The ordering is now 1 for a seed only when both errors halve and execution error halves at an
# earlier evaluation; a seed in which either never halves scores 0 ("never" in the table).
#
# (5) **The spec's budget: 300 steps at `ci`, not 180** (a correction asked for by a review,
# written before the run). With 180 steps the plan error barely moved in the last recorded
# build (at the end, on average a little over four fifths of its start), so the deciding
# question, *does a second phase come and hold?*, was asked of a run too short to show it: a
# "not yet" read as "no". The spec asks for 300 steps; `ci` now runs them, and `full` keeps
# 1000. The old design's numbers stay visible without a second run: a 300-step run passes
# through step 180 with exactly the random stream a 180-step run uses (the learning rate is
# constant and evaluations fall on the same 10-step grid), so the criteria read at step 180
# *are* the old design's, and the table under the verdict shows them beside the new ones.
# The thresholds do not move. The same review found HICRA's α = 1.0 arm (the spec's second
# value) dropped without a word; it is back, report-only, on the same seed as α = 0.2.
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules)**
# (written before the run). (6) *A seed is a (base, RL) pair.* Until now every seed's RL run
# started from one base (SFT seed 0), so the seeds replicated the RL run only, not the
# experiment. Seed s now trains base s (`bases_by_seed`) and every arm of seed s, HICRA
# included, starts from it; quantities "at the start" are read per seed on that seed's base.
# (7) *Premises*, measured on each base before RL (step 0), decided on the mean over bases:
# the claim is about two bottlenecks removed in turn, so the base must have both.
# **Plan error ≥ 0.5**: most responses pick a plan that cannot reach the target (a base that
# ignores the target scores 0.75, one that plans scores 0), the habit phase 2 must undo.
# **Execution error ≥ 0.25**: at least a quarter of the responses are mis-executed (the
# teacher's noise alone gives about 1 − 0.775⁴ ≈ 0.64), so phase 1 has something to fix and
# its halving is an absolute change of at least 0.125 in an exact measure. If a premise
# fails, the verdict is "premise not met", not a finding about the claim.
# (8) *Mean-interval rules.* "In every seed" no longer decides: the chance that all of n seeds
# pass falls as seeds are added, so such a rule gets stricter with more evidence. The ordering
# ("both errors halve, execution error first") is 0/1 per seed: it decides on the **share of
# seeds** where it happens, with a 95% Wilson interval that must lie at or above **0.5**
# (a majority of (base, RL) pairs show the two phases in order). 0.5 because the claim says
# "consistently", so at least a majority; and a higher share could not pass at 5 seeds (5 of 5
# gives a Wilson interval [0.57, 1]), which would make the criterion unpassable at `ci`. The
# plan-error ratio decides on the 95% t-interval of its mean over seeds (≤ 0.5), with the
# count of seeds that pass alone shown beside it; the entropy rise is unchanged. The budget
# table below builds the same criteria at step 180 and at the end, so it applies the same rule
# rather than restating it. (9) *Budget.* RL stays at 300 steps: in the last build (one base)
# the plan-error ratio at step 300 was 0.98, 0.66, 0.59, 0.98, 0.90 by seed, two seeds still
# moving towards 0.5, so the deciding quantity had not settled before step 300 and no cut is
# argued. SFT stays at 800 steps per base; the four extra bases are the price of replication.
# (The thresholds of note 7 were set from the construction; one `ci` base, seed 1, measured
# afterwards as a check: plan error 0.74, execution error 0.79, share of plan A 0.66.)

# %% [markdown]
# **HICRA's advantage in code.** Every token of a response gets the group-normalised
# advantage `A`; `token_advantages` raises it to `A + α|A|` on the planning token. GRPO is
# the same function at `α = 0`: the arms below differ only in `alpha`.

# %%
notebook.show_source(hicra.token_advantages)

# %%
# seed s trains base s; every arm of seed s starts from it (hicra_seeds ⊆ seeds)
bases = bases_by_seed(
    lambda st: pe.base(TinyLMConfig(), st, max_digit=MAX_DIGIT, device=device),
    SFTSettings(num_steps=cfg["sft_steps"], learning_rate=2e-3),
    seeds,
)
problems = pe.make_problems(2000, seed=11, max_digit=MAX_DIGIT)
eval_problems = problems[:256]
arms = {
    "GRPO": (0.0, seeds),
    f"HICRA (α={hicra_alpha:g})": (hicra_alpha, hicra_seeds),
    "HICRA (α=1)": (1.0, hicra_seeds),
}
logs = []
for arm, (alpha, arm_seeds) in arms.items():
    settings = hicra.HicraSettings(
        num_steps=cfg["rl_steps"],
        prompts_per_step=cfg["prompts_per_step"],
        group_size=8,
        learning_rate=3e-4,
        alpha=alpha,
        eval_every=cfg["eval_every"],
    )
    for seed in arm_seeds:
        log, _ = hicra.train(
            bases[seed].model,
            bases[seed].tokenizer,
            problems,
            eval_problems,
            settings,
            seed,
            device=device,
            desc=f"{arm} seed {seed}",
        )
        logs.append(log.assign(arm=arm, seed=seed))
log = pd.concat(logs, ignore_index=True)
grpo = log[log["arm"] == "GRPO"]
phase = {
    s: (
        hicra.halving_step(part, "execution error"),
        hicra.halving_step(part, "plan error"),
    )
    for s, part in grpo.groupby("seed")
}
# step 0 of seed s's GRPO run is base s, before any update
base_rows = grpo[grpo["step"] == 0].set_index("seed").loc[seeds]
say(
    f"The bases (step 0; mean [95% interval] over {len(seeds)} bases): plan error "
    f"{format_interval(base_rows['plan error'])}, execution error "
    f"{format_interval(base_rows['execution error'])}, accuracy "
    f"{format_interval(base_rows['accuracy'])}, share of plan A "
    f"{format_interval(base_rows['share A'], 2)}."
)


def step_text(step: float) -> str:
    """A halving step for a table: the step, or "never" when the error never halved."""
    return f"{step:.0f}" if np.isfinite(step) else "never"


pd.DataFrame({f"seed {s}": [step_text(e), step_text(p)] for s, (e, p) in phase.items()},
             index=["execution error halves at step", "plan error halves at step"])

# %% [markdown]
# ## Training dynamics (the paper's figure in miniature)
#
# GRPO, mean of seeds with a min-max band. The dotted line marks where execution error has
# halved (mean over the seeds in which it halved), the end of phase 1 if there is one. Top
# left: the two kinds of failure. Top right: execution-token entropy. Bottom left: plan entropy
# per prompt (token level) and over the batch (strategy level). Bottom right: accuracy, GRPO
# against HICRA.

# %%
boundary = (
    np.mean([e for e, _ in phase.values() if np.isfinite(e)])
    if any(np.isfinite(e) for e, _ in phase.values())
    else None
)
fig, axes = plt.subplots(2, 2, figsize=(13, 8), sharex=True)
long = grpo.melt(
    id_vars=["step", "seed"],
    value_vars=["execution error", "plan error"],
    var_name="arm",
)
plots.seed_band(axes[0, 0], long, "step", "value")
axes[0, 0].set(
    ylabel="error rate", title="execution error and plan error (GRPO)", ylim=(0, 1)
)
plots.seed_band(axes[0, 1], grpo, "step", "execution entropy", arms=["GRPO"])
axes[0, 1].set(
    ylabel="entropy per execution token (nats)", title="execution-token entropy (GRPO)"
)
long = grpo.melt(
    id_vars=["step", "seed"],
    value_vars=["plan entropy (per prompt)", "plan entropy (batch)"],
    var_name="arm",
)
plots.seed_band(axes[1, 0], long, "step", "value")
plots.reference_line(axes[1, 0], np.log(4), "ln 4: plans used equally")
axes[1, 0].set(
    xlabel="RL step",
    ylabel="entropy (nats)",
    title="plan entropy: per prompt vs over the batch (GRPO)",
    ylim=(0, 1.9),
)
plots.seed_band(axes[1, 1], log, "step", "accuracy")
axes[1, 1].set(
    xlabel="RL step", ylabel="P(right plan, executed right)", title="accuracy"
)
for ax in axes.flat:
    if boundary is not None:
        ax.axvline(boundary, color=plots.arm_color("ideal"), ls=":", lw=1.2)
    ax.legend(fontsize="x-small")
plots.finish(
    fig, "Execution, planning and entropy during RL (dotted: execution error halved)"
);

# %% [markdown]
# ## Which plans the policy uses
#
# The share of each plan over the 256 evaluation prompts, GRPO, first seed. The teacher used A
# 70% of the time; a policy that had learned to plan would use each plan a quarter of the time
# (one quarter of prompts need each), and the batch entropy above would reach ln 4.

# %%
first = grpo[grpo["seed"] == seeds[0]]
fig, ax = plt.subplots(figsize=(8, 3.8))
ax.stackplot(
    first["step"],
    [first[f"share {p}"] for p in pe.PLANS],
    labels=[f"plan {p}" for p in pe.PLANS],
    colors=plots.PALETTE[:4],
    alpha=0.85,
)
ax.set(
    xlabel="RL step",
    ylabel="share of prompts (expected)",
    ylim=(0, 1),
    xlim=(0, cfg["rl_steps"]),
)
ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize="small")
plots.finish(fig, f"Plan shares under GRPO, seed {seeds[0]}");
share_a = grpo.pivot(index="step", columns="seed", values="share A")
peak_step = share_a.mean(axis=1).idxmax()
say(
    f"Share of plan A under GRPO (mean [95% interval] over {len(seeds)} seeds): "
    f"{format_interval(share_a.loc[0])} at step 0, "
    f"{format_interval(share_a.loc[peak_step])} at step {peak_step} (the "
    f"highest mean), {format_interval(share_a.loc[cfg['rl_steps']])} at the end."
)

# %% [markdown]
# ## Verdict
#
# Premises (each base, before RL): plan error ≥ 0.5 and execution error ≥ 0.25 (design note 7).
# Deciding (GRPO): the share of seeds in which both errors halve and execution error halves
# first is at least 0.5 (Wilson interval; a seed whose plan error never halves scores 0); on the
# mean of seeds, plan error at the end is at most half its start (the second phase happens and
# holds), and batch plan entropy rises by `entropy_rise_min` nats from start to end. Reported:
# the change of per-prompt (token-level) plan entropy, and HICRA against GRPO (area under the
# accuracy curve, seeds HICRA ran on).

# %%
def grpo_at(step: int, column: str) -> list[float]:
    """``column`` of each seed's GRPO run at ``step`` (step 0: the seed's base)."""
    return per_seed(grpo, column, seeds, step=step)


def deciding_values(steps: int) -> dict[str, list[float]]:
    """The three deciding quantities per seed, reading the GRPO runs up to ``steps``
    only."""
    part = grpo[grpo["step"] <= steps]
    halves = {s: (hicra.halving_step(g, "execution error"),
                  hicra.halving_step(g, "plan error")) for s, g in part.groupby("seed")}
    # order: 1 only when both errors halve, execution error first; "never" fails
    return {
        "order": [float(np.isfinite(halves[s][1]) and halves[s][0] < halves[s][1])
                  for s in seeds],
        "plan_ratio": ratio(grpo_at(steps, "plan error"), grpo_at(0, "plan error")),
        "batch_rise": minus(grpo_at(steps, "plan entropy (batch)"),
                            grpo_at(0, "plan entropy (batch)")),
    }


def deciding_criteria(steps: int) -> list[Criterion]:
    """The three deciding criteria, reading the GRPO runs up to ``steps`` only."""
    values = deciding_values(steps)
    return [
        Criterion("both errors halve, execution error first "
                  "(share of seeds; 1 = yes, 0 = not or never)",
                  by_seed=values["order"], threshold=0.5, op=">=", binary=True),
        Criterion("plan error at end / at start (mean of seeds)",
                  by_seed=values["plan_ratio"], threshold=0.5, op="<=",
                  every_seed=True),
        Criterion("batch plan entropy, end - start (mean of seeds)",
                  by_seed=values["batch_rise"], threshold=entropy_rise_min, op=">=",
                  every_seed=True, unit=" nats"),
    ]


now = deciding_values(cfg["rl_steps"])
plan_ratio, batch_rise = now["plan_ratio"], now["batch_rise"]
premises = [
    Criterion(f"base {error}, before RL (mean of bases)", by_seed=grpo_at(0, error),
              threshold=bar, op=">=", every_seed=True)
    for error, bar in (("plan error", 0.5), ("execution error", 0.25))
]
token_change = minus(grpo_at(cfg["rl_steps"], "plan entropy (per prompt)"),
                     grpo_at(0, "plan entropy (per prompt)"))
exec_entropy_change = minus(grpo_at(cfg["rl_steps"], "execution entropy"),
                            grpo_at(0, "execution entropy"))
hicra_arm = f"HICRA (α={hicra_alpha:g})"


def auc(arm: str, seed: int) -> float:
    """Mean accuracy over the logged steps (area under the accuracy curve / steps)."""
    part = log[(log["arm"] == arm) & (log["seed"] == seed)]
    return float(np.trapezoid(part["accuracy"], part["step"]) / cfg["rl_steps"])


auc_gap = [auc(hicra_arm, s) - auc("GRPO", s) for s in hicra_seeds]
auc_gap_1 = [auc("HICRA (α=1)", s) - auc("GRPO", s) for s in hicra_seeds]
criteria = [
    *deciding_criteria(cfg["rl_steps"]),
    Criterion("per-prompt plan entropy, end - start (mean of seeds)",
              by_seed=token_change, threshold=0.0, op=">", decides=False, unit=" nats"),
    *[Criterion(f"accuracy AUC, {arm} - GRPO (seeds {hicra_seeds})", by_seed=gaps,
                threshold=0.0, op=">", decides=False)
      for arm, gaps in (("HICRA", auc_gap), ("HICRA (α=1)", auc_gap_1))],
]
phase_text = ", ".join(f"{step_text(phase[s][0])} / {step_text(phase[s][1])}"
                       for s in seeds)
verdict = Verdict(
    note_id="n05", criteria=criteria, premises=premises,
    claim=("RL first fixes execution, then planning; strategy-level "
           "planning entropy rises; crediting planning tokens (HICRA) helps."),
    key_number=("plan error at end / at start (GRPO)", plan_ratio),
    paper_vs_run=paper_rows("paper (8 models)", [
        ("phase 1, then phase 2", "execution entropy and perplexity drop sharply first",
         f"execution / plan error halve at step (per seed): {phase_text}; "
         f"execution entropy {format_interval(exec_entropy_change, 2)} nats"),
        ("phase 2", "semantic entropy of strategies rises with accuracy",
         f"plan error x{format_interval(plan_ratio, 2)}; batch "
         f"plan entropy {format_interval(batch_rise, 2)} nats"),
        ("token-level planning entropy", "misleading (not the signal)",
         f"{format_interval(token_change, 2)} nats per prompt"),
        ("HICRA vs GRPO", "AIME24 68.5 -> 73.1 (Qwen3-4B-Instruct)",
         f"accuracy AUC {format_interval(auc_gap)} at α={hicra_alpha:g}, "
         f"{format_interval(auc_gap_1)} at α=1 (seeds {hicra_seeds})"),
    ], "this run (GRPO, mean [95% interval] over seeds)"),
    parameters=run.parameters | {"hicra_seeds": hicra_seeds, "max_digit": MAX_DIGIT},
)
verdict.publish()

# %% [markdown]
# **The old budget beside the new** (design note 5). The same GRPO runs, read at step 180 (the
# design before the correction) and at the end, through the same deciding criteria (and so the
# same rules). Each cell: the criterion's measured value (mean or share, 95% interval, seeds)
# and its status.

# %%
def budget_column(criteria: list[Criterion]) -> list[str]:
    """One table column: each deciding criterion's measured value and status."""
    return [f"{c.describe()}: {c.status}" for c in criteria]


if cfg["rl_steps"] > OLD_STEPS:
    display(pd.DataFrame(
        {f"step {OLD_STEPS} (old design)": budget_column(deciding_criteria(OLD_STEPS)),
         f"step {cfg['rl_steps']} (this design)": budget_column(criteria[:3])},
        index=[f"{c.name} ({c.op} {c.threshold:g})" for c in criteria[:3]],
    ))
else:
    say(f"At scale `{scale}` the runs are shorter than the "
        f"old design's {OLD_STEPS} steps: no comparison.")

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the paper
#
# * **One planning token, chosen from four.** The paper's plans are multi-token strategic
#   phrases inside long solutions, found by n-gram statistics; here the plan is one token at a
#   known position, which lets us measure plan and execution errors exactly but makes "planning"
#   a four-way classification of the prompt.
# * **A habit the base must unlearn.** The paper's models start with many strategies in use; our
#   base starts with one dominant plan. In the seed-0 prototypes (see the design notes) GRPO
#   first *sharpened* that habit (per-prompt and batch plan entropy both fell while execution
#   improved) before the plan started to depend on the target; such a dip is the entropy
#   collapse of the n03 notebook, and whether the policy recovers from it within the budget
#   decides the second phase here. The share of plan A printed under the plan-share figure
#   shows whether this run dips the same way.
# * **Short runs.** 300 steps on 156 distinct prompts at scale `ci`; the paper trains for
#   hundreds of steps on thousands of problems. Scale `full` runs 1000 steps (on every seed,
#   with HICRA too): run it before quoting this notebook on the second phase.
# * **Reading the verdict.** The first criterion needs both phases, in order; the second asks
#   that the plan error still be halved at the end, and the third that strategy-level entropy
#   rise. The plan-share figure shows how the plans the policy uses change within this budget.
# * **HICRA on one seed at `ci`.** Its rows (α = 0.2, the paper's value, and α = 1) are
#   report-only for that reason.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(30 min, medium)* Build the bases with `practice_share=0.0` in `pe.base` (no execution
#    practice), i.e.
#    `lambda st: pe.base(TinyLMConfig(), st, max_digit=MAX_DIGIT, practice_share=0.0, device=device)`
#    in the bases cell. Predict the plan-share figure before you run it, then explain the result
#    with the per-plan execution accuracies quoted in the design notes.
# 2. *(25 min, medium)* This run already has a HICRA arm at α = 1 beside α = `hicra_alpha`, on
#    `hicra_seeds`. First: which α gave the larger accuracy AUC on those seeds (0.2 or 1)? Then
#    run both on every seed (`hicra_seeds = seeds` in a new cell after the set-up cell, and
#    re-run from there). Does a larger planning credit speed up phase 2, or does it sharpen
#    the habit faster?
# 3. *(15 min, medium)* The batch plan entropy can reach ln 4 without the policy planning at
#    all. Construct such a policy, and say which measured quantity would expose it.

# %% tags=["exercise-check"]
# Exercise 2: your answer (the α with the larger accuracy AUC: 0.2 or 1), then run this cell
from helpers.notebook import check

answer = None
check(
    answer,
    hicra_alpha if np.mean(auc_gap) > np.mean(auc_gap_1) else 1.0,
    "the α of exercise 2",
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** Without practice, plan A is executed right far more often than B, C or D, so for a
# policy that ignores the target A has the highest expected reward: GRPO moves every prompt to
# A within a few dozen steps, per-prompt and batch plan entropy both go to ~0, and plan error
# stays near 0.75, the share of prompts that need another plan (what the prototype quoted in
# the design notes did). Planning cannot be learned until the alternatives can be executed:
# execution first is a precondition here, not just an order of events.
#
# **2.** Compare the two HICRA rows of the verdict table (accuracy AUC minus GRPO's, same
# seeds): the larger mean wins; the check cell compares `np.mean(auc_gap)` with
# `np.mean(auc_gap_1)`. `hicra_seeds` is set in the set-up cell, so overriding it must come
# after that cell. With α = 1 a positive advantage on the planning token is doubled and a
# negative one vanishes, so sampled plans are only ever pushed *up*: that speeds up learning
# the right plan on prompts where it is sampled, and also reinforces the habit wherever the
# habit succeeds. Compare the accuracy curves and the share of plan A to see which effect wins.
#
# **3.** A policy that picks a plan uniformly at random on every prompt has batch entropy ln 4
# and per-prompt entropy ln 4 too, with plan error 0.75. Batch entropy measures diversity, not
# planning: plan error (or accuracy) tells them apart, and so does the gap between batch and
# per-prompt entropy, which is large only when each prompt gets its own, confident plan.
#
# </details>
