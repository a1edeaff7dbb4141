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
# # Does reinforcement learning squeeze exploration diversity in search agents?
#
# > **The corpus claim** (note n03): "RL training compresses behavioral diversity in search
# > agents through the same entropy collapse mechanism documented in reasoning—policies converge
# > on narrow reward-maximizing strategies. SFT on diverse demonstrations preserves exploration
# > breadth, suggesting diversity-preservation techniques are essential for RL search scaling."
#
# **Sources** [arXiv:2505.22617](https://arxiv.org/abs/2505.22617) [arXiv:2509.21128](https://arxiv.org/abs/2509.21128). Cui et al., *The Entropy
# Mechanism of Reinforcement Learning for Reasoning Language Models*, arXiv 2505.22617, 2025:
# policy entropy collapses early (about 73% of the drop and 76% of the eventual gain within the
# first ~200 steps), performance follows R = −a·exp(H) + b, and the entropy change is about
# −η·Cov(log π(a), A), a covariance that stays mostly positive. Matsutani et al., *RL Squeezes,
# SFT Expands*, arXiv 2509.21128, 2025: with 256 samples per problem and clustered
# trajectories, RL compresses the *incorrect* trajectories and SFT expands the correct ones.
# This notebook mirrors Cui et al.'s entropy curve and entropy–performance fit, and Matsutani et
# al.'s count of distinct incorrect trajectories, on a toy search agent.
#
# **What the note overstates.** Neither paper studies search agents: the note *extends* the
# reasoning results to search. This notebook is that extension on a toy, not a reproduction of
# a search-agent result.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * run GRPO on a multi-turn episode in which the environment writes tokens between the agent's
# * measure exploration diversity as action-token entropy and as unique trajectories per prompt
# * compute Cui et al.'s Cov(log π, A) and their entropy–performance fit, and say when they apply
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
# "smoke" (seconds), "ci" (CPU default; time: status
# page), "full" (GPU: 3x the steps, both arms all seeds)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"
learning_rate = 5e-4  # Adam, both arms
# criterion: final action entropy / SFT's (diverse arm, mean of seeds)
entropy_ratio_max = 0.5
# criterion: final unique *incorrect* query sequences / diverse SFT's (mean of seeds)
unique_ratio_max = 0.5
# premises, on each diverse base before GRPO: half the diverse teacher's action
# entropy (0.936 nats: ln 3 on the first query, ln 2 on the second after a miss,
# which 2/3 of episodes make) and half its 6 incorrect sequences per prompt
base_entropy_min = 0.47
base_incorrect_min = 3.0
# premise: GRPO's groups of 8 need mixed rewards; at these success rates at least
# half of them do (1 - p^8 - (1 - p)^8 >= 0.5 for p in [0.09, 0.91])
base_success_low, base_success_high = 0.1, 0.9

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import notebook, params, plots
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings, bases_by_seed
from helpers.results import minus, per_seed, ratio
from helpers.rl import agent
from helpers.tasks import shard_search as ss
from helpers.verdict import Criterion, Verdict, format_interval, paper_rows, say

PRESETS = {
    "smoke": dict(sft_steps=30, rl_steps=4, eval_every=2),
    "ci": dict(sft_steps=600, rl_steps=200, eval_every=20),
    "full": dict(sft_steps=600, rl_steps=600, eval_every=25),
}
# episodes per prompt for the deciding measures: the same at every scale
EVAL_ROLLOUTS = 64
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="learning_rate entropy_ratio_max unique_ratio_max "
                              "base_entropy_min base_incorrect_min base_success_low "
                              "base_success_high",
                     learning_rate=learning_rate, eval_rollouts=EVAL_ROLLOUTS)
cfg, seeds, device = run.cfg, run.seeds, run.device
# the narrow arm is report-only
arm_seeds = {"diverse": seeds, "narrow": params.report_seeds(seeds, scale)}
print(f"narrow arm (report only): seeds={arm_seeds['narrow']}")

# %% [markdown]
# ## The experiment
#
# * **Environment.** Six shards `1`-`6`; the prompt (`^135>`) names three *likely* shards and a
#   hidden key sits in one of them. The agent has two queries: it writes a shard, the environment
#   writes `+` (hit) or `-` (miss), and the episode ends at the hit (`^135>3-1+`). Reward 1 for a
#   hit. Every order of probing two distinct likely shards succeeds with probability 2/3, so the
#   best policies form a whole family, and narrowing to one order buys nothing: any loss of
#   diversity here is pure loss.
# * **Bases.** SFT on **diverse** demonstrations (likely shards in a random order) or **narrow**
#   ones (always ascending). Both kinds of demonstration succeed at the optimum rate, 2/3.
# * **RL.** GRPO, 16 prompts × 8 episodes per step, Adam, reward on success; only the agent's
#   queries are trained. TRL's `GRPOTrainer` generates a completion in one piece and cannot let
#   an environment write tokens between the agent's, so this multi-turn loop lives in
#   `helpers.rl.agent`.
# * **Measures.** Every `eval_every` steps, 64 episodes per prompt (20 prompts): success, the
#   agent's action-token entropy, and unique query sequences per prompt (the trajectory count of
#   Matsutani et al.), the last two also on the *incorrect* episodes alone (those that never hit
#   the key). Every step: the exact entropy of the first query and Cov(log π, A) over the
#   batch's trained tokens.
#
# **Design notes** (written after a prototype run with seed 0, before the multi-seed run; the
# thresholds are the spec's, unchanged). Two queries, not the
# spec's four: with four, every order finds the key, every group has reward 1 everywhere, and
# GRPO has no signal at all. The key is always among the likely shards, so that every order is
# exactly as good. Clip-Cov is left as an exercise (time budget).
#
# **Seeds and intervals.** Both deciding criteria are tested in every seed of the diverse arm:
# 5 seeds at scale `ci` (10 at `full`); the criteria table also shows each one's mean and 95%
# Student-t interval over seeds. The narrow arm is report-only and runs on the first seed at
# `smoke` and `ci` (every seed at `full`); its time pays for the two extra diverse seeds, so a
# `ci` run still trains six GRPO policies. The deciding measures use 64 episodes per prompt at
# every scale (an earlier `full` preset used 256): the number of distinct sequences a sample
# contains grows with the sample's size, so a ratio measured on 256 episodes would test a
# different condition from the same ratio on 64. **The squeeze is counted on incorrect
# trajectories.** Matsutani et al.'s finding is that RL compresses the *incorrect* trajectories
# (and SFT expands the correct ones); an earlier version of this notebook counted all unique
# query sequences, which mixes in the correct episodes, a set that the squeeze claim says
# nothing about (here the correct ones include every episode that hits on its first query).
# The entropy criterion stays on all of the agent's tokens, because Cui et al.'s entropy is the
# policy's entropy over all generated tokens and their Cov(log π, A) is taken over all tokens of
# the batch; restricted to failed episodes the advantage only varies between groups, which is no
# longer the term in their ΔH ≈ −η·Cov. The entropy on incorrect episodes and the all-episode
# sequence count are reported beside the deciding rows.
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules)**
# (written before the run). *A seed is now a (base, RL) pair.* Until now both SFT bases were
# trained once (SFT seed 0) and the five verdict seeds were five GRPO runs from that one
# frozen diverse base, so the interval over seeds left out the base's own variation. Now seed
# `s` trains diverse base `s` (and narrow base `s` on the narrow arm's report seeds) with SFT
# seed `s`, and each ratio "after / before GRPO" is taken against that seed's own base.
# *Mean-interval rules.* The two deciding criteria were "in every seed": a rule that gets
# harder to pass as seeds are added. Both now decide on the 95% interval of the mean ratio
# over seeds against the same thresholds (0.5); how many seeds pass alone is shown beside it,
# not deciding. *Premises* (what the claim needs of the starting diverse model, one value per
# base; thresholds from the task, not from any run): (i) diversity to collapse: the base's
# action entropy at least half the diverse teacher's (the teacher probes the three likely
# shards in a uniform order: ln 3 on the first query, ln 2 on the second after a miss, which
# 2/3 of episodes make, so 0.936 nats over trained tokens; half is 0.47), and at least 3
# unique incorrect query sequences per prompt (half the teacher's 6; a policy collapsed onto
# one order has 1, so from fewer than 3 a halving is hardly measurable); (ii) a learning
# signal: success strictly between 0.1 and 0.9, where at least half of GRPO's groups of 8 have
# mixed rewards (1 − p⁸ − (1 − p)⁸ ≥ 0.5). A base that fails these has not set up the claim's
# condition, which is a defect of the experiment, not a finding. The narrow arm stays
# report-only on the report seeds (the first seed at `ci`): it is the only row that touches
# the note's second sentence, so it is not moved to `full`. Budgets unchanged; the four new
# diverse bases (600 SFT steps each) are the cost of the independent replication.

# %% [markdown]
# **The agent and its environment in code.** `rollout` lets the agent write a shard and the
# environment (`env_reply`) answer `+` or `-` before the next query; `trained` marks the
# queries made before the hit, the only tokens GRPO trains. This is the loop the runs use.

# %%
notebook.show_source(agent.rollout, ss.env_reply)

# %%
# a base per seed and style: seed s's arms start from base s of their style
bases = {
    style: bases_by_seed(
        lambda st, style=style: ss.base(TinyLMConfig(), st, style, device=device),
        SFTSettings(num_steps=cfg["sft_steps"], learning_rate=1e-3),
        arm_seeds[style],
    )
    for style in ("diverse", "narrow")
}
settings = agent.AgentSettings(
    num_steps=cfg["rl_steps"],
    prompts_per_step=16,
    group_size=8,
    learning_rate=learning_rate,
    eval_every=cfg["eval_every"],
    eval_rollouts=EVAL_ROLLOUTS,
)
logs = []
for style, by_seed in bases.items():
    for seed, base in by_seed.items():
        log, _ = agent.train(
            base.model,
            base.tokenizer,
            settings,
            seed,
            device=device,
            desc=f"{style} SFT + GRPO, seed {seed}",
        )
        logs.append(log.assign(arm=f"{style} SFT → GRPO", seed=seed))
log = pd.concat(logs, ignore_index=True)
evals = log.dropna(subset=["success"])
DIVERSE, NARROW = "diverse SFT → GRPO", "narrow SFT → GRPO"

# %% [markdown]
# ## Entropy and diversity against RL step
#
# Mean of seeds with a min-max band (the narrow arm: its report seeds). Top left: action-token
# entropy on the evaluation rollouts. Top right: success (dashed: the optimum, 2/3). Bottom:
# unique query sequences per prompt out of 64 episodes, over all episodes (left; the optimum's
# family has 9: 3 first-query hits and 6 ordered pairs) and over the incorrect episodes only
# (right; every ordered pair of likely shards misses for one of the three keys, so the
# optimum's family has 6 incorrect sequences).

# %%
fig, axes = plt.subplots(2, 2, figsize=(13, 8), sharex=True)
plots.seed_band(axes[0, 0], evals, "step", "action entropy")
axes[0, 0].set(ylabel="action-token entropy (nats)", title="entropy")
plots.seed_band(axes[0, 1], evals, "step", "success")
plots.reference_line(axes[0, 1], 2 / 3, "optimum 2/3")
axes[0, 1].set(ylabel="success rate", title="success")
plots.seed_band(axes[1, 0], evals, "step", "unique sequences")
axes[1, 0].set(xlabel="RL step", ylabel="unique query sequences per prompt",
               title=f"all episodes ({EVAL_ROLLOUTS} per prompt)")
plots.seed_band(axes[1, 1], evals, "step", "unique incorrect sequences")
axes[1, 1].set(xlabel="RL step", ylabel="unique incorrect query sequences per prompt",
               title=f"incorrect episodes (of {EVAL_ROLLOUTS} per prompt)")
for ax in axes.flat:
    ax.legend(fontsize="x-small")
plots.finish(
    fig, "Entropy, success and trajectory diversity during GRPO, per SFT base"
);

# %% [markdown]
# ## Cui et al.'s two relations, on this toy
#
# Left: success against entropy over the diverse arm's evaluations, with the fit R = −a·exp(H) + b
# (least squares in exp(H)). Cui et al. find performance *bought* with entropy; here every order is
# equally good by construction, so the design expects no slope. Right: per step, Cov(log π, A)
# over the batch against the change in first-query entropy that step produced (Cui et al.:
# ΔH ≈ −η·Cov, so a negative relation).

# %%
diverse = evals[evals["arm"] == DIVERSE]
x, r = np.exp(diverse["action entropy"].to_numpy()), diverse["success"].to_numpy()
slope, intercept = np.polyfit(x, r, 1)
r2 = 1 - ((r - (slope * x + intercept)) ** 2).sum() / ((r - r.mean()) ** 2).sum()
steps = log[log["arm"] == DIVERSE].sort_values(["seed", "step"]).copy()
steps["entropy change"] = steps.groupby("seed")["first-query entropy"].diff()
# a step's batch covariance and the change its update made
pairs = steps.dropna(subset=["entropy change", "cov(logp, A)"])
cov_corr = float(np.corrcoef(pairs["cov(logp, A)"], pairs["entropy change"])[0, 1])
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
axes[0].scatter(
    diverse["action entropy"],
    r,
    s=14,
    color=plots.arm_color(DIVERSE),
    alpha=0.7,
    label="evaluations (all seeds)",
)
h = np.linspace(diverse["action entropy"].min(), diverse["action entropy"].max(), 50)
axes[0].plot(h, slope * np.exp(h) + intercept, color=plots.arm_color("ideal"), lw=1.5,
             label=f"R = {-slope:+.3f}·exp(H) {intercept:+.3f}, R² = {r2:.2f}")
axes[0].set(
    xlabel="action-token entropy H (nats)",
    ylabel="success rate R",
    title="performance against entropy (diverse arm)",
)
axes[0].legend(fontsize="x-small")
axes[1].scatter(
    pairs["cov(logp, A)"],
    pairs["entropy change"],
    s=8,
    alpha=0.4,
    color=plots.arm_color(DIVERSE),
)
axes[1].axhline(0, color="#999999", lw=0.8)
axes[1].axvline(0, color="#999999", lw=0.8)
axes[1].set(
    xlabel="Cov(log π, A) over the step's batch",
    ylabel="change in first-query entropy (nats)",
    title=f"covariance against entropy change (r = {cov_corr:.2f})",
)
plots.finish(fig, "Entropy-performance fit and the covariance mechanism");
positive_share = float((pairs["cov(logp, A)"] > 0).mean())
say(
    (
        f"Diverse arm, {len(diverse)} evaluations over {len(seeds)} seeds: the fit "
        f"gives a = {-slope:+.3f}, b = {intercept:+.3f}, R² = {r2:.2f}. Cov(log π, A) "
        f"was positive on {positive_share:.0%} of {len(pairs)} steps; its correlation "
        f"with the step's change in first-query entropy is r = {cov_corr:+.2f}, "
    )
    + ("" if cov_corr < 0 else "not ")
    + "the negative sign that ΔH ≈ −η·Cov predicts."
)

# %% [markdown]
# ## Verdict
#
# Premises (each diverse base, before GRPO): action entropy at least `base_entropy_min`, unique
# incorrect sequences per prompt at least `base_incorrect_min`, success strictly between
# `base_success_low` and `base_success_high`. Deciding (diverse arm, 95% interval of the mean
# over seeds; the count of seeds passing alone is shown): the final action entropy at most
# `entropy_ratio_max` of the seed's SFT base's, and the final number of unique *incorrect*
# query sequences per prompt at most `unique_ratio_max` of that base's. Reported: the same two
# ratios on the other episode set (entropy on incorrect episodes, sequences over all episodes),
# the success change
# (what the lost diversity bought), the fit's R², the covariance–entropy-change correlation,
# and the narrow arm.

# %%
def on_bases(column: str) -> list[float]:
    """``column`` on each seed's diverse base (the step-0 evaluation)."""
    return per_seed(evals, column, seeds, arm=DIVERSE, step=0)


def after_over_before(column: str) -> list[float]:
    """Per seed: ``column`` after GRPO over its value on the seed's diverse base (NaN
    when that is 0)."""
    end = per_seed(evals, column, seeds, arm=DIVERSE, step=cfg["rl_steps"])
    return ratio(end, on_bases(column))


entropy_ratio = after_over_before("action entropy")
incorrect_ratio = after_over_before("unique incorrect sequences")
unique_ratio = after_over_before("unique sequences")
success_change = minus(
    per_seed(evals, "success", seeds, arm=DIVERSE, step=cfg["rl_steps"]),
    on_bases("success"),
)
narrow_unique = per_seed(
    evals, "unique sequences", arm_seeds["narrow"], arm=NARROW, step=cfg["rl_steps"]
)
diverse_start_unique = float(np.mean(on_bases("unique sequences")))
premises = [
    Criterion(name, by_seed=on_bases(column), threshold=bar, op=op, every_seed=True)
    for name, column, bar, op in [
        ("action entropy of the diverse SFT base (nats)", "action entropy",
         base_entropy_min, ">="),
        ("unique incorrect query sequences per prompt, diverse SFT base",
         "unique incorrect sequences", base_incorrect_min, ">="),
        ("success of the diverse SFT base, above the lower bound", "success",
         base_success_low, ">"),
        ("success of the diverse SFT base, below the upper bound", "success",
         base_success_high, "<"),
    ]
]
criteria = [
    Criterion("action entropy after / before GRPO (diverse SFT, own base)",
              by_seed=entropy_ratio, threshold=entropy_ratio_max, op="<=",
              every_seed=True),
    Criterion("unique incorrect query sequences after / before GRPO "
              "(diverse SFT, own base)", by_seed=incorrect_ratio,
              threshold=unique_ratio_max, op="<=", every_seed=True),
    Criterion("unique query sequences, all episodes, after / before GRPO (diverse SFT)",
              unique_ratio, unique_ratio_max, "<=", decides=False),
    Criterion("action entropy on incorrect episodes after / before GRPO (diverse SFT)",
              after_over_before("action entropy (incorrect)"), entropy_ratio_max, "<=",
              decides=False),
    Criterion("success after - before GRPO (diverse SFT)", success_change, 0.0, ">",
              decides=False),
    Criterion("R² of R = -a·exp(H) + b (diverse arm, all evaluations)", r2, 0.5, ">=",
              decides=False),
    Criterion("corr(Cov(log π, A), entropy change) per step (diverse arm, all steps)",
              cov_corr, 0.0, "<", decides=False),
    Criterion("unique sequences after GRPO from narrow SFT "
              f"(seeds {arm_seeds['narrow']}) vs the diverse SFT bases' mean",
              narrow_unique, diverse_start_unique, ">=", decides=False),
]
verdict = Verdict(
    note_id="n03", criteria=criteria, premises=premises,
    claim=("GRPO collapses a search agent's entropy and squeezes its incorrect "
           "trajectories; diverse SFT demonstrations supply the breadth RL squeezes."),
    key_number=("action entropy after / before (diverse arm)", entropy_ratio),
    paper_vs_run=paper_rows("papers (reasoning, 0.5B-32B)", [
        ("entropy collapse", "most of the drop in the first ~200 steps",
         f"action entropy x{format_interval(entropy_ratio, 2)} "
         f"after {cfg['rl_steps']} steps"),
        ("R = -a·exp(H) + b", "tight fit, performance bought with entropy",
         f"R² = {r2:.2f} (pooled), success change {format_interval(success_change)}"),
        ("RL squeezes incorrect trajectories", "fewer clusters after RL",
         f"unique incorrect sequences x{format_interval(incorrect_ratio, 2)} "
         f"(all episodes x{format_interval(unique_ratio, 2)})"),
    ], "this run (diverse arm, mean [95% interval] over seeds)"),
    parameters=run.parameters
    | {"narrow_seeds": arm_seeds["narrow"], "eval_rollouts": EVAL_ROLLOUTS},
)
verdict.publish()
say(
    f"From the narrow base, GRPO ends with {format_interval(narrow_unique, 2)} "
    f"unique query sequences per prompt (seeds {arm_seeds['narrow']}), "
    + ("at or above" if np.mean(narrow_unique) >= diverse_start_unique else "below")
    + f" the diverse bases' {diverse_start_unique:.2f} (mean of {len(seeds)} bases)"
    " before GRPO."
)

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the papers
#
# * **A search agent by analogy.** Two queries over six shards is a search agent only in shape
#   (the agent acts, the environment answers, the agent acts again); the papers' evidence is about
#   reasoning traces. The collapse shown here is the reasoning mechanism, transplanted.
# * **Diversity with no value.** We built the task so that all orders are equally good. Whatever
#   entropy GRPO removes here, it cannot remove it because narrowing pays: only the noise of
#   sampled advantages (the orders that happened to hit get pushed up) can drive it. In Cui et
#   al. performance rises as entropy falls; here success has no room above the demonstrations'
#   2/3, so their exponential fit has no slope to find by design (the fit's R² and the success
#   change are in the table above). The squeeze is the note's claim; "reward-maximising" cannot
#   be what drives it here.
# * **"SFT preserves breadth"** is read as: breadth must come from the demonstrations, because RL
#   only removes it. The narrow-arm row of the table compares the narrow base's unique-sequence
#   count after GRPO with the diverse bases' mean before it (report-only, on its report seeds).
# * **Exact where possible.** First-query entropy is exact; action entropy and unique sequences come
#   from 64 sampled episodes per prompt, at every scale.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(40 min, hard)* Implement Clip-Cov: zero the gradient of the 2% of trained tokens with the
#    largest (log π − mean)·(A − mean). `helpers.rl.core.train` takes an `advantages` callable
#    that may return one weight per token; `agent.train` does not pass one, so copy it
#    (`notebook.show_source(agent.train)`) into a new cell, add `advantages=clip_cov` to its
#    `core.train(...)` call, and run it from `bases["diverse"][seeds[0]].model` with the
#    notebook's `settings`. Does entropy still collapse?
# 2. *(10 min, medium)* Give the agent three queries: a policy that probes three distinct likely
#    shards always finds the key. Predict what happens to GRPO's learning signal. To see the
#    condition in this run: a group of 8 episodes trains only if its rewards differ, which at
#    success `p` happens with probability `1 − p⁸ − (1 − p)⁸`. Compute it with `p` the diverse
#    arm's `train reward` at the last step, averaged over seeds, then at `p = 1`.
# 3. *(45 min, hard)* Make one order better than the others: put the key in the smallest likely
#    shard half of the time. In your copy of `agent.train` (exercise 1), replace
#    `ss.make_episodes` by your own episode maker, and copy `agent.evaluate` too so that success
#    is measured on the same key distribution. Now narrowing pays: does the exponential fit
#    improve?

# %% tags=["exercise-check"]
# Exercise 2: your answer (a number between 0 and 1, for this run's p), then run this cell
from helpers.notebook import check

answer = None
p_last = log[(log["arm"] == DIVERSE) & (log["step"] == cfg["rl_steps"])][
    "train reward"
].mean()
check(
    answer,
    1 - p_last**settings.group_size - (1 - p_last) ** settings.group_size,
    "the share of groups with a learning signal (exercise 2)",
    tolerance=0.02,
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** The copy of `agent.train` needs the names it uses, its annotations included:
# `from helpers.rl import core`, `from helpers.rl.agent import AgentSettings, evaluate, first_query_entropy,
# rollout`, `from helpers.rl.core import Rollout, group_advantages, groups_of`, `import torch`,
# `from transformers import PreTrainedTokenizerBase` (or start the cell with
# `from __future__ import annotations`). Then:
#
# ```python
# def clip_cov(batch, share=0.02):
#     trained, logp = batch.info["trained"], batch.info["query_logprobs"]
#     adv = group_advantages(batch.rewards, batch.groups)[:, None].expand_as(trained)
#     c = (logp - logp[trained].mean()) * (adv - adv[trained].mean())
#     cut = torch.quantile(c[trained], 1 - share)
#     per_query = torch.where(trained & (c > cut), 0.0, adv)
#     per_token = torch.zeros(len(adv), 2 * ss.BUDGET)  # queries at even offsets
#     per_token[:, 0::2] = per_query
#     return per_token
# ```
#
# and `core.train(..., advantages=clip_cov)` in the copy. Compare the `action entropy` column of
# its log with the diverse arm's. Cui et al. find this keeps entropy higher for the same reward;
# here it should slow the collapse, since the tokens with high covariance are exactly the lucky,
# already-likely queries.
#
# **2.** The check cell computes `1 - p**8 - (1 - p)**8` with `p` the mean over seeds of the
# diverse arm's `train reward` at step `cfg["rl_steps"]`. Near the optimum, 2/3, almost every
# group has mixed rewards. With three queries every order of the likely shards finds the key:
# `p = 1`, every group has reward 1 everywhere, the share is 0, GRPO's advantages are all zero
# and nothing moves. The collapse needs reward variance within groups.
#
# **3.** For example an episode maker that draws the prompt as `ss.make_episodes` does and the key
# as `ep.likely[0]` with probability 1/2, else one of the other two likely shards; use it for the
# training pool and, in the copied `evaluate`, for the evaluation episodes. Then the ascending
# order wins more often, GRPO moves towards it *and* success rises as entropy falls: performance
# is bought with entropy, the regime Cui et al.'s fit describes, and R² should rise accordingly.
#
# </details>
