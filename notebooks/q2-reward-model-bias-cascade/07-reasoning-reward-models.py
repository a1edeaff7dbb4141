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
# # Can reward models benefit from reasoning before scoring?
#
# > **The corpus claim** (note n14, cited by Q2): "Three independent teams (RRM, RM-R1,
# > DeepSeek-GRM) discovered that adding chain-of-thought reasoning before reward scoring
# > enables adaptive test-time compute scaling for evaluation. Reasoning-based approaches raise
# > the capability ceiling of reward models beyond what outcome-based evaluation achieves."
#
# **Sources.** [arXiv:2505.14674](https://arxiv.org/abs/2505.14674) (Guo et al., *Reward Reasoning Model*, arXiv 2505.14674:
# pairwise judgements with chain of thought, trained by GRPO, combined by ELO or knockout
# tournaments); [arXiv:2505.02387](https://arxiv.org/abs/2505.02387) (Chen et al., RM-R1, arXiv 2505.02387: "chain-of-rubrics",
# distillation then RL; reported average 81.2 vs GPT-4o's 77.7 over RewardBench, RM-Bench and
# RMB for the 32B model); [arXiv:2504.02495](https://arxiv.org/abs/2504.02495) (Liu et al., DeepSeek-GRM, arXiv 2504.02495:
# principle → critique → score, 32 parallel samples voted). This notebook mirrors two of their
# figures in miniature: the accuracy of a reasoning vs an outcome reward model of the same size,
# and accuracy against the number of voted samples (inference compute).

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * train an outcome and a reasoning reward model of the same architecture on the same items
# * measure test-time scaling by voting, against a compute-matched control
# * say where voting can help: only where single judgements are imperfect
#
# **Prerequisites.** The lab chapter's tiny model; [Majority vote](../../book/glossary.md); [Best-of-n](../../book/glossary.md).

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
# page), "full" (wider models, longer training; GPU)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"
# the voting gain is read at this many votes (minus 1 vote), at k = 4, at every scale
decide_votes = 15
# criterion: greedy accuracy (k = 4), reasoning minus outcome model
ceiling_gain_min = 0.2
# criterion: reasoning model's voting gain (decide_votes votes minus 1, k = 4)
# minus the outcome model's (the control); also the premise's headroom
voting_gain_min = 0.03

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import notebook, params, plots, runtime
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings, bases_by_seed
from helpers.results import arm_difference, minus, per_seed
from helpers.rewards import judges
from helpers.tasks import verify_chain as vc
from helpers.verdict import Criterion, Verdict, format_interval, paper_rows, say, where

PRESETS = {
    "smoke": dict(width=32, sft_steps=20, test_items=60, votes=[1, 15], bon_items=30),
    "ci": dict(
        width=64, sft_steps=400, test_items=1200, votes=[1, 3, 7, 15], bon_items=200
    ),
    "full": dict(
        width=128,
        sft_steps=3000,
        test_items=2000,
        votes=[1, 3, 7, 15, 31],
        bon_items=1000,
    ),
}
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="decide_votes ceiling_gain_min voting_gain_min")
cfg, seeds, device = run.cfg, run.seeds, run.device
if decide_votes not in cfg["votes"]:
    raise ValueError(
        f"decide_votes={decide_votes} must be one "
        f"of this scale's vote counts {cfg['votes']}"
    )
# seeds for the report-only evaluations (k = 6, best-of-4)
report = params.report_seeds(seeds, scale)
print(f"report-only seeds={report}")

# %% [markdown]
# ## The experiment
#
# * **Items**: `3+4*2+5*1=9?`, a chain of `k` operations (`+` or `*` mod 10, left to right)
#   and a claimed result; half the claims are right. Reward models are trained on `k = 4` and
#   tested on `k = 4` and, out of distribution, `k = 6`.
# * **Outcome reward model**: the book's tiny GPT (2 layers, d = 64) trained to answer `Y` or
#   `N` at once. **Reasoning reward model**: the same architecture and steps, trained to write
#   the running values first (`7499`), then `Y` or `N`: RM-R1's distillation stage in
#   miniature (no RL stage here).
# * **Test-time compute**: `m` judgements sampled at temperature 1 and a majority vote. The
#   outcome model gets the same `m` (sampled verdicts) as the control; the x axis is inference
#   FLOPs (`2 × parameters × tokens processed`), so the reasoning model pays for its scratchpad.
# * **Best-of-4 for a weak generator** (report only): a generator proposes 4 results per chain,
#   each right with probability 0.3; each reward model picks the one it believes most.
#
# **Design notes** (written before the default-seed run, after one prototype on seed 0 with
# 600 steps). The spec's items, models and criteria, with these choices made explicit.
#
# (1) **The voting gain is decided at `k = 4`, in distribution**, with 15 votes against 1 at
# every scale (`full` adds a 31-vote point to the curve; it decides nothing). The prototype's
# reasoning model was imperfect there (one sample right 71% of the time), which is the condition
# the spec asks for, while at `k = 6` it was at chance (0.52), so there was nothing for votes to
# amplify; the `k = 6` gain is reported.
#
# (2) **400 training steps at d = 64** (the spec suggests fewer steps and a small width on CPU):
# ten models (2 styles × 5 seeds) train inside the notebook.
#
# (3) **Seeds and intervals.** The verdict uses 5 seeds at `ci` (10 at `full`): a seed is one
# initialisation and training-data order per reward model, plus the sampled votes. Each deciding
# criterion shows the mean over seeds with its 95% Student-t interval and keeps this notebook's
# "in every seed" test (stricter than the spec's "3 seeds"; the issue on verdicts asks that
# every-seed criteria keep their per-seed test): it passes only when every seed passes, fails when
# no seed does or the interval lies on the fail side, and is unresolved otherwise. The out-of-distribution `k = 6` evaluation and the best-of-4 selection decide nothing
# and run on the first seed at `smoke` and `ci` (every seed at `full`), which pays for part of the
# extra seeds. The outcome model's voting control, also report only, runs on every seed: it
# samples one token per vote, a negligible cost, and it is the comparison the voting criterion is
# read against.
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules)**
# (written before the run that follows them).
#
# (4) **A base per seed** (unchanged in substance): seed `s` already trained its own outcome and
# reasoning models from seed `s` (initialisation, training data, batch order); the cell now
# builds them with `bases_by_seed`, so the interval over seeds covers the reward models, not
# only the sampled votes.
#
# (5) **The voting criterion is measured against its control.** The previous build measured the
# reasoning model's gain from 15 votes over *one temperature-1 sample* and read it against zero:
# 0.033 [-0.015, 0.081], while the outcome model's 15 sampled verdicts gained 0.028
# [-0.043, 0.099] over one of its samples. Much of a gain over one T = 1 sample is the vote
# removing sampling noise, which any judge gets, reasoning or not; the claim is that reasoning
# makes inference compute pay, i.e. a gain *beyond* the control. The deciding quantity is now,
# per seed, (reasoning model's gain) − (outcome model's gain), at the spec's threshold
# `voting_gain_min` = 0.03: the spec's minimum gain, now counted above what the control buys
# instead of above nothing. The raw gain, the control's gain and the gain of the vote over the
# reasoning model's greedy judgement (which removes sampling noise without votes) are reported.
#
# (6) **Mean-interval rules.** Both deciding criteria are decided on the 95% interval of the
# mean over seeds, at the same thresholds; how many seeds pass alone is shown beside them but
# decides nothing: the chance that every one of 5 seeds passes falls as seeds are added even
# when the effect is real, so the old "in every seed" rule measured the seed count as much as
# the claim.
#
# (7) **Premises** (what the claim needs of the reward models before any vote; the spec: the
# voting gain is "measured where a single sample is imperfect"). Votes can only amplify a judge
# that is right more often than not, and can only add `voting_gain_min` where a single judgement
# leaves at least that much to gain. So, per seed, on `k = 4`: the reasoning model's one-sample
# accuracy is above chance (> 0.5) and at most 1 − `voting_gain_min` (0.97). Both thresholds
# come from the criterion's logic, not from the observed values. If either premise fails, the
# verdict reads "premise not met at this scale". No budget changes.
#
# **Design note 8, 2026-12-03 (issue 29: evaluation sized to the precision the criteria need)**
# (written before the run that follows it). Both deciding criteria were unresolved, and their
# noise came as much from the evaluation as from the seeds: on the 300 test items of the last
# record, the standard error that the items alone give each seed's value was a large share of
# the spread of the five seeds' values: 0.59 of it for the greedy gap, 0.43-0.62 for the voting
# gain minus the control's, 0.78 for the one-sample accuracy of the premises.
# An accuracy on `n` items has standard error about `sqrt(p(1 - p) / n)`, 0.026 at `p` = 0.7 and
# 300 items, and each criterion adds two to four of them. Two changes, neither of which moves
# what a criterion estimates: (a) **1,200 test items at `ci`** (was 300), which halves that
# error; judging is cheap beside training (about 18 s of this notebook's 256 s for 300 items);
# (b) **each `m`-vote accuracy is the mean over the disjoint blocks of `m` of the sampled
# votes** (`judges.block_vote_accuracy`; 15 votes at `ci`, 31 at `full`): at `ci`, 15 single
# votes for `m` = 1 instead of the first one, 5 blocks for `m` = 3, 2 for `m` = 7, one for 15. A block is an `m`-vote majority like
# the first `m` votes, so the expectation is the same and the one-vote term, which enters the
# voting criterion and the premises, is the mean of 15 samples. The thresholds do not move; the
# numbers do (re-recorded, and the replication re-run).

# %% [markdown]
# **The two reward models and the votes in code.** `Claim.target` is what each reward model
# is trained to write: the verdict alone, or the running values and then the verdict.
# `judgements` samples `m` judgements per item (the scratchpad first, for the reasoning
# model) and `vote_accuracy` takes their majority; `block_vote_accuracy` averages it over the
# disjoint blocks of `m` among the sampled votes. These are the functions used below.

# %%
notebook.show_source(vc.Claim.target, judges.judgements, judges.vote_accuracy,
                     judges.block_vote_accuracy)

# %%
# a verdict seed is a pair of bases: reward model s of each style trains with seed s
bases = {
    style: bases_by_seed(
        lambda st, style=style: vc.base(
            TinyLMConfig(n_embd=cfg["width"]), st, style, device=device, progress=False
        ),
        SFTSettings(num_steps=cfg["sft_steps"], learning_rate=3e-3),
        seeds,
    )
    for style in vc.STYLES
}
models = {(style, seed): bases[style][seed] for seed in seeds for style in vc.STYLES}
tests = {
    4: vc.make_claims(cfg["test_items"], seed=777, k=4),
    6: vc.make_claims(cfg["test_items"], seed=778, k=6),
}
names = {"outcome": "outcome RM", "reasoning": "reasoning RM"}
rows = []
for (style, seed), base in runtime.progress(models.items(), desc="judging"):
    for k, items in tests.items():
        if k != 4 and seed not in report:  # out of distribution: report only
            continue
        truth = np.array([c.correct for c in items])
        greedy = judges.vote_accuracy(
            judges.judgements(
                base.model, base.tokenizer, items, style, 1, None, device
            ),
            truth,
        )
        votes = judges.judgements(
            base.model, base.tokenizer, items, style, max(cfg["votes"]), seed, device
        )
        flops = judges.flops_per_judgement(base.model, items, style)
        for m in cfg["votes"]:
            rows.append(
                {
                    "arm": names[style],
                    "seed": seed,
                    "k": k,
                    "m": m,
                    "greedy": greedy,
                    "flops": m * flops,
                    # every disjoint block of m of the votes (design note 8)
                    "accuracy": judges.block_vote_accuracy(votes, truth, m),
                }
            )
    if seed in report:  # best-of-4: report only
        rows[-1]["best_of_4"] = judges.best_of_n(
            base.model,
            base.tokenizer,
            tests[4][: cfg["bon_items"]],
            style,
            4,
            0.3,
            seed,
            device,
        )
results = pd.DataFrame(rows)
results[results["m"] == 1].pivot_table(
    index=["arm", "k"], values="greedy", aggfunc=["mean", "min", "max", "count"]
).round(3)

# %% [markdown]
# ## Accuracy against inference compute
#
# One line per reward model; thin lines are seeds, the band their range (the legend gives the
# number of seeds). Points are the scale's vote counts `m`. Left: chains of the training length;
# right: longer chains (report only, first seed at `ci`).

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
for ax, k in zip(axes, tests):
    plots.seed_band(
        ax, results[results["k"] == k], "flops", "accuracy", arms=list(names.values())
    )
    ax.set_xscale("log")
    ax.minorticks_off()
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.set(
        xlabel="inference FLOPs per item (log scale)",
        ylabel="judgement accuracy",
        title=(
            f"k = {k} operations "
            f"({'in distribution' if k == 4 else 'out of distribution'})"
        ),
    )
plots.finish(
    fig,
    "Judgement accuracy against inference compute, "
    f"{' / '.join(map(str, cfg['votes']))} voted samples",
);

# %% [markdown]
# ## Verdict
#
# The spec's criteria, each decided on the mean over seeds and its 95% interval (how many seeds
# pass alone is shown beside): the reasoning model's greedy accuracy on `k = 4` at least
# `ceiling_gain_min` above the outcome model's; and the reasoning model's voting gain
# (`decide_votes` votes minus 1) on `k = 4` at least `voting_gain_min` **beyond** the outcome
# model's gain from as many sampled verdicts (the control), seed by seed. The premises, on each
# seed's reasoning model before any vote: one sampled judgement on `k = 4` is right more often
# than chance (0.5) and at most `1 - voting_gain_min` of the time (design notes, 2026-12-02).

# %%
get = lambda arm, k, m, col, on=seeds: per_seed(  # noqa: E731
    results, col, on, arm=arm, k=k, m=m
)
top = decide_votes
greedy_acc = {arm: get(arm, 4, 1, "greedy") for arm in ("reasoning RM", "outcome RM")}
ceiling_gain = minus(greedy_acc["reasoning RM"], greedy_acc["outcome RM"])
# accuracy with `top` votes minus with one, per seed
gain = lambda arm, k=4, on=seeds: minus(  # noqa: E731
    get(arm, k, top, "accuracy", on), get(arm, k, 1, "accuracy", on)
)
voting_gain, outcome_gain = gain("reasoning RM"), gain("outcome RM")
# the deciding quantity: the reasoning model's voting gain beyond the control's
beyond_control = minus(voting_gain, outcome_gain)
# votes against the greedy judgement, which also removes sampling noise
over_greedy = minus(get("reasoning RM", 4, top, "accuracy"), greedy_acc["reasoning RM"])
single_ood = get("reasoning RM", 6, 1, "accuracy", report)
ood_gain = gain("reasoning RM", 6, report)
bon = results.dropna(subset=["best_of_4"])
bon_gain = arm_difference(bon, "best_of_4", "reasoning RM", "outcome RM", report)
single = get("reasoning RM", 4, 1, "accuracy")
premises = [
    Criterion("reasoning RM k=4, one sampled judgement: accuracy above chance (0.5)",
              by_seed=single, threshold=0.5, op=">", every_seed=True),
    Criterion("reasoning RM k=4, one sampled judgement: accuracy at most "
              f"1 - {voting_gain_min:g} (room for the voting gain)", by_seed=single,
              threshold=1 - voting_gain_min, op="<=", every_seed=True),
]
criteria = [
    Criterion("greedy accuracy k=4, reasoning - outcome RM", by_seed=ceiling_gain,
              threshold=ceiling_gain_min, every_seed=True),
    Criterion(f"k=4, {top} votes - 1 vote: reasoning RM gain - outcome RM gain (the "
              "control)", by_seed=beyond_control, threshold=voting_gain_min,
              every_seed=True),
    Criterion(f"reasoning RM k=4, accuracy with {top} votes - 1 vote (report only: the "
              "control gains too)", by_seed=voting_gain, threshold=voting_gain_min,
              decides=False),
    Criterion(f"outcome RM k=4, {top} sampled verdicts - 1 (report only: the control)",
              by_seed=outcome_gain, threshold=voting_gain_min, decides=False),
    Criterion(f"reasoning RM k=4, accuracy with {top} votes - greedy judgement (report "
              "only)", by_seed=over_greedy, op=">", decides=False),
    Criterion(f"reasoning RM k=6 (out of distribution), {top} votes - 1 vote (report "
              f"only, seeds {report})", by_seed=ood_gain, threshold=voting_gain_min,
              decides=False),
    Criterion("best-of-4 selection accuracy, reasoning - outcome RM (report only, "
              f"seeds {report})", by_seed=bon_gain, op=">", decides=False),
]
verdict = Verdict(
    note_id="n14", criteria=criteria, premises=premises,
    claim=("A reward model that writes its reasoning before the verdict is more "
           "accurate than an outcome model of the same size, and voting over its "
           "samples buys more accuracy with more compute than voting over the outcome "
           "model's verdicts."),
    key_number=("greedy accuracy k=4, reasoning - outcome RM", ceiling_gain),
    paper_vs_run=paper_rows("papers", [
        ("reasoning vs. outcome RM",
         "RM-R1 32B: 81.2 average vs. GPT-4o 77.7 (reported)",
         f"greedy accuracy {format_interval(greedy_acc['reasoning RM'], 2)} vs. "
         f"{format_interval(greedy_acc['outcome RM'], 2)} (same model size)"),
        ("test-time scaling", "DeepSeek-GRM: accuracy rises with 32 voted samples",
         f"k=4, 1 to {top} votes: reasoning RM {format_interval(voting_gain)}, "
         f"outcome RM {format_interval(outcome_gain)}, difference "
         f"{format_interval(beyond_control)}; k=6: {format_interval(ood_gain)}"),
    ]),
    parameters=run.parameters | {"report_seeds": report},
)
verdict.publish()

# %%
# What the run shows, in words computed from its numbers.
say(
    "At k = 4 a single sampled judgement of the reasoning model is right "
    f"{format_interval(single)} of the time (mean [95% interval] over seeds); "
    f"its greedy judgement {format_interval(greedy_acc['reasoning RM'])}. "
    f"Voting {top} samples changes its accuracy by {format_interval(voting_gain)} "
    f"against one sample and by {format_interval(over_greedy)} against the greedy "
    f"judgement; the outcome model's {top} sampled verdicts change its accuracy "
    f"by {format_interval(outcome_gain)}. The reasoning model's gain beyond the "
    f"control is {where(beyond_control, voting_gain_min)}, the criterion's "
    f"threshold. Out of distribution (k = 6, seeds {report}) one sampled "
    "judgement of the reasoning model is right "
    f"{format_interval(single_ood)} of the time; against chance (0.5) that is "
    f"{where(single_ood, 0.5)}, and {top} votes change it by "
    f"{format_interval(ood_gain)}."
)

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the papers
#
# * **"Discovered independently" and "raise the ceiling"** are the note's framing of three
#   papers with different designs (pairwise tournaments, rubrics, principles and critiques).
#   Here one mechanism is tested: a scratchpad that computes what the verdict depends on.
#   The task is built so that the outcome model must do the whole chain in one step, which is
#   hard for a 2-layer model; the size of the gap is a property of this task, not a law.
# * **No RL stage.** RRM and RM-R1 train their reasoning by RL; here the scratchpad is
#   supervised (the distillation stage only).
# * **Votes amplify, they do not create.** Voting helps only where a single sampled judgement
#   is right more often than not and not always. Out of distribution the model must write six
#   running values, which it never saw in training; where its scratchpad breaks, votes cannot
#   fix that (the sentence after the verdict says where this run's single judgements stand).
# * **Compute.** The reasoning model spends more tokens per judgement; the figure's x axis
#   charges it for them.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(30 min, hard)* Train both models of the first seed on a mix of `k = 4` and `k = 6` chains.
#    `vc.base` trains through `helpers.lm.sft.cached_base` on `vc.sft_examples(n, seed, style)`
#    (`notebook.show_source(vc.base)` shows the call): make the same call under a new recipe
#    name, with your own `make_pairs(n)` returning half `k = 4` and half `k = 6` examples (put
#    the mix in `extra` too: the cache key holds it, not your function). Judge `tests[6]` as the
#    judging cell does. Does the reasoning model's `k = 6` accuracy rise, and does voting then
#    help there?
# 2. *(15 min, medium)* Give the outcome model 4 layers: `vc.base` with
#    `TinyLMConfig(n_embd=cfg["width"], n_layer=4)` and `style="outcome"`, on a seed or two, and
#    compare its greedy accuracy at `k = 4` with the table's. How much of the gap closes, and at
#    what compute? First read from `results` how many times the inference FLOPs of one reasoning
#    judgement is that of one (2-layer) outcome judgement at `k = 4`, and check it below.
# 3. *(30 min, hard)* Replace majority voting by averaging `P(Y)` over the sampled scratchpads.
#    `judges.p_yes` reads `P(Y)` after a greedy scratchpad: copy it into a cell
#    (`notebook.show_source(judges.p_yes)`; run `from helpers.rewards.judges import *` before it,
#    for the names it uses), repeat each prompt `m` times and sample the scratchpad with a seeded
#    `torch.Generator` instead of `None`, then call an item `Y` when its mean `P(Y)` is above
#    0.5. Which is better on `tests[4]` at `m = 15`, and why might the answer change when single
#    samples are near 50%?

# %% tags=["exercise-check"]
# Exercise 2: your answer (a ratio), then run this cell
from helpers.notebook import check

answer = None
flops_k4 = results[(results["m"] == 1) & (results["k"] == 4)].groupby("arm")["flops"].mean()
check(
    answer,
    float(flops_k4["reasoning RM"] / flops_k4["outcome RM"]),
    "the FLOPs ratio of exercise 2",
    tolerance=0.01,
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** For example `cached_base("mixed_k_reward_model", "helpers.tasks.verify_chain", config,
# settings, {"style": style, "k": [4, 6]}, make_pairs, device)` with `config` and `settings` as
# in the `bases` cell (`settings` with `seed=seeds[0]`) and `make_pairs = lambda n:
# vc.sft_examples(n // 2, seeds[0], style, k=4) + vc.sft_examples(n - n // 2, seeds[0] + 100,
# style, k=6)`. Mixed lengths teach the scratchpad to continue past four values, so `k = 6`
# accuracy should rise well above chance; once single samples are imperfect but better than
# chance, votes add accuracy there too.
#
# **2.** Both models have the same parameters, so the ratio is the tokens processed per
# judgement: the 12-token prompt plus 5 generated tokens (four running values and the verdict)
# against the prompt plus 1, `17 / 13 ≈ 1.3`. The 4-layer model has about twice the parameters
# of the 2-layer one (1.9 times at `width = 64`), so each of its judgements costs about
# `1.9 × 13 / 17 ≈ 1.5` times a reasoning judgement. Depth lets the outcome model
# compose more operations internally; expect a partial closing of the gap, not a full one, at
# this training budget, and at more compute than the scratchpad needs.
#
# **3.** Averaging probabilities uses the confidence of each vote, so it is usually at least as
# good as counting; near 50% single-sample accuracy both are noisy, and counting discards less
# signal only when probabilities are badly calibrated.
#
# </details>
