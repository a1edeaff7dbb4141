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
# # Can models reliably improve themselves without external feedback?
#
# > **The corpus claim** (note n13, cited by Q2): "Pure self-improvement stalls due to the
# > generation-verification gap, diversity collapse, and reward hacking. Reliable improvement
# > methods succeed by smuggling in external anchors: past model versions, third-party
# > judges, user corrections, or tool feedback."
#
# **Sources.** The note is a **synthesis across papers**, not one paper's finding:
# [arXiv:2412.02674](https://arxiv.org/abs/2412.02674) (Song et al., *Mind the Gap*, arXiv 2412.02674: iterative
# self-improvement saturates within a few rounds; Pass@k falls for large k as diversity is
# lost), [arXiv:2505.21444](https://arxiv.org/abs/2505.21444) (Shafayat et al., *Can Large Reasoning Models
# Self-Train?*, arXiv 2505.21444: a majority-vote self-reward first matches RL on gold
# answers, then is hacked and performance collapses), and [arXiv:2305.17493](https://arxiv.org/abs/2305.17493)
# (Shumailov et al., *The Curse of Recursion*, arXiv 2305.17493: training on your own outputs
# collapses the distribution; Gerstgrasser et al., arXiv 2404.01413, show that *accumulating*
# real data alongside keeps the error bounded). This notebook mirrors the shape of Shafayat
# et al.'s self-reward curves and Song et al.'s saturation, in one toy.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * run rounds of self-training on majority-vote labels, and measure whether they stall
# * compare anchors: a programmatic checker, and accumulated gold data with replay
# * read "agreement with yourself" against true accuracy: the self-reward hacking picture
#
# **Prerequisites.** [Majority vote](../../book/glossary.md) (self-consistency); [SFT](../../book/glossary.md).

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
# page), "full" (more rounds and fine-tuning; GPU)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"
# the criteria are read after this round at
# every scale (smoke runs 2 and reads its last)
decide_round = 6
anchor_gain_min = 0.1  # criterion: Pass@1 at the deciding round, T minus P
# criterion: P ends at most this far above the round-0 majority-of-8 accuracy
stall_margin = 0.03
# criteria: the odds of P's confidently-wrong share grow, and its entropy
# shrinks, by this factor
collapse_factor = 2.0
chance = 0.1  # premise: round-0 Pass@1 on the held-out test above this (1 in 10 digits)
# the first operand runs over 0 .. first_max - 1 (design note 11); 10 gives the
# earlier 300 one-digit problems
first_max = 100

# %%
import matplotlib.pyplot as plt
import pandas as pd

from helpers import notebook, params, plots
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings, bases_by_seed
from helpers.results import minus, per_seed, ratio
from helpers.rl import selftrain
from helpers.rl.selftrain import SelfTrainSettings
from helpers.tasks import chain_arithmetic as chain
from helpers.verdict import Criterion, Verdict, format_interval, paper_rows, say, where

PRESETS = {
    "smoke": dict(gold=400, pretrain_steps=40, rounds=2, pool=200, steps_per_round=5),
    "ci": dict(gold=400, pretrain_steps=300, rounds=6, pool=1000, steps_per_round=50),
    "full": dict(gold=400, pretrain_steps=300, rounds=10, pool=4000, steps_per_round=200),
}
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="decide_round anchor_gain_min stall_margin collapse_factor "
                              "first_max")
cfg, seeds, device = run.cfg, run.seeds, run.device
# the round the criteria read: decide_round unless smoke stops earlier
decided = min(decide_round, cfg["rounds"])
print(f"criteria read after round {decided}")

# %% [markdown]
# ## The experiment
#
# * **Task**: arithmetic mod 10, answered with a single digit: `37*8=` → `6`, with `+`, `-`
#   and `*`, a first operand from 0 to 99 and a second from 0 to 9: 3,000 distinct problems.
#   The answer depends only on the first operand's units digit, so the problems share 300 table
#   entries. Because the answer is one token, the model's whole answer distribution is one
#   softmax, so accuracy, entropy, majority-of-8 accuracy and the confidently-wrong share are
#   computed exactly.
# * **A held-out test.** The 3,000 problems are split once, at random within each operator,
#   into 2,000 training-side problems and 1,000 **test** problems. The gold labels and the
#   unlabelled pool come from the training side only; no arm ever trains on a test problem. A
#   test problem is new, but its table entry also appears on the training side: what is learned
#   there can transfer, if the model learns to read the units digit (design note 11).
# * **Round 0**: the book's tiny GPT fine-tuned on 400 labelled examples (300 steps) drawn from
#   the training side; they cover about three quarters of the table's entries. Seed `s` trains
#   its own round-0 model (its own gold draw, initialisation and batch order) and draws its own
#   pool.
# * **Each round** (the criteria are read after round 6; `full` runs 10): the model answers each
#   of 1,000 unlabelled problems (drawn from the training side) 8 times, a training set is built
#   from the answers, and the model is fine-tuned on it for 50 steps. Arms: **P**, the majority
#   answer is the label (no anchor); **T**, only answers that a programmatic checker accepts are
#   kept (a tool anchor); **H**, the majority labels plus the 200 gold examples and a replay of
#   the round-0 model's labels (a past-data anchor; report only).
# * **Metrics** on the 1,000 held-out problems: Pass@1; majority-of-8 accuracy of the round-0 model
#   (the **ceiling** that majority labels can teach; dashed: the mean over the seeds' bases); answer entropy; the share of problems
#   on which at least 7 of 8 samples agree on a *wrong* answer (**confidently wrong**). On the
#   pool, by construction: the round's **self-reward**, the average share of samples agreeing
#   with their majority, and the true accuracy of the majority labels. The pool's own Pass@1
#   (problems the arms train on) is plotted as a diagnostic, never as a test.
#
# **Design notes** (written before the default-seed run; prototypes on seed 0). Changes from
# the spec and from an earlier version of this notebook.
#
# (1) **One operation, not 3-4.** Answering in one token, the tiny GPT stayed at chance
# (Pass@1 0.10) on 3-4-step chains after 1,500 steps on 4,000 examples, and on 2-step chains
# after 1,000 steps on 2,000 examples. One-operation problems with a 200-example gold set gave a
# round-0 Pass@1 of 0.56 over all 300 problems, inside the spec's 0.4-0.6.
#
# (2) **50 fine-tuning steps per round** instead of about 100, to keep the CPU build short; a
# prototype with 100 steps (on the earlier, not held-out, test) showed the same ordering of arms.
#
# (3) **A held-out test (a fidelity correction).** The earlier version drew the unlabelled pool
# from all 300 problems and measured every metric on the same 300. Arm T then trained on
# checker-accepted answers *to the questions it was scored on*, so "T beats P" measured how well a
# model memorises verified answers to its test questions, not whether self-training with an anchor
# improves the model; P's stall was likewise measured on the problems it trained on. Shafayat et
# al. and Song et al. self-train on one set of questions and evaluate on another. Now the pool
# and the gold set come from 201 training-side problems and every reported or deciding metric
# from 99 disjoint problems, so a gain must transfer to unseen problems. This changes the
# starting point, which a prototype on seed 0 (before this design) measured: the round-0 model
# scored Pass@1 0.11 on the held-out problems (chance is 0.10) and 0.99 on the gold problems it
# had seen (0.69 over the training side, inside the spec's 0.4-0.6 there); it was confidently
# wrong on 0.59 of the held-out problems. A model trained on *all* training-side problems with
# their true labels for 1,200 steps reached 0.33 on the held-out problems (`*` 0.58, `+` 0.31,
# `-` 0.12): this much of the table is learnable by transfer, which bounds what any anchor can
# add on the test. A start that is already confidently wrong on most test problems also caps
# the confidently-wrong ratio (the share cannot exceed 1): the notebook computes that cap from
# its own start and shows it with the verdict. The thresholds stay the spec's.
#
# (4) **Seeds and intervals.** The verdict uses 5 seeds at `ci` (10 at `full`; the spec asked
# for 3), and each criterion shows the mean over seeds with its 95% Student-t interval. The
# deciding criteria keep this notebook's "in every seed" test (stricter than the spec's "3
# seeds"; the issue on verdicts asks that every-seed criteria keep their per-seed test): each
# passes only when every seed passes, fails when no seed does or the interval lies on the fail
# side, and is unresolved otherwise. A seed changes the self-training run (sampled votes, batch
# order); the round-0 model is shared, so the interval is over self-training, not over the base.
# Arm H decides nothing and runs on the first seed at `smoke` and `ci` (every seed at `full`),
# which pays for the extra seeds of P and T. The criteria are read after round 6 at every
# scale; `full` grows only budgets (more rounds shown after the deciding one, a larger pool, more
# steps per round).
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules)**
# (written before the run that follows them; measurements on seeds 0 and 1 with today's code).
#
# (5) **A base per seed.** Until now every seed self-trained from one round-0 model, so the
# interval covered only the self-training run. Now seed `s` trains its own round-0 model (its
# own draw of the 200 gold examples from the training side, its initialisation and batch order)
# and draws its own unlabelled pool; every arm of seed `s` starts from that model, and every
# difference or ratio (T − P, P − ceiling, end / start) is taken within the seed against its
# own round-0 model. Seed 0 keeps the earlier gold and pool draws.
#
# (6) **Mean-interval rules.** The four deciding criteria are decided on the 95% interval of the
# mean over seeds at the spec's thresholds; how many seeds pass alone is shown beside them and
# decides nothing (the chance that all of 5 seeds pass falls as seeds are added even when the
# effect is real).
#
# (7) **The premise: round 0 is above chance on the held-out test.** Self-training can only
# amplify what the round-0 model knows about the problems it is scored on; a model at chance
# there has nothing for majority labels to amplify or for the checker to transfer from, so a
# "stall" would be read off a floor. Per base: round-0 Pass@1 on the held-out test problems above
# 0.1 (one digit in ten). The previous build's record read 0.09 (the verdict "not reproduced"
# was in fact "premise not met"); that record predates later changes to the SFT and model code.
#
# (8) **The pretraining budget stays at 300 steps** (measured before this run, on the held-out
# test, gold set of seed 0, initialisation seeds 0 and 1). Round-0 Pass@1 after 300 / 600 /
# 1,000 steps: 0.130 / 0.148 / 0.160 (seed 0; 0.171 at 1,500) and 0.125 / 0.131 / 0.134
# (seed 1); Pass@1 on the training side stays at 0.69-0.73 from 300 steps on. With today's code
# the premise holds at 300 steps with about 0.03 to spare, and each further 300 steps buys about
# 0.01 on the test at the cost of five more bases, so the budget, and the build's compute, stay.
# For scale: a model that knew only each operator's answer frequencies and sampled from them
# would score 0.116 on this test (the `*` table's answers are not uniform), so much of the
# margin over chance is knowledge of those frequencies, not of the test problems; the run
# reports where its bases stand against that baseline too (the sentence after the verdict).
#
# (9) **The confidently-wrong criterion on the odds.** In the design prototype the round-0 model
# was confidently wrong on 0.59 of the test problems (0.53-0.55 in the measurements above),
# and a share cannot exceed 1: "at least doubles" was out of reach from any start above 0.5,
# so the criterion was settled by construction. It now asks that the **odds** of the share,
# share / (1 − share), at least double (`collapse_factor`) from round 0 to the deciding round,
# per seed. For a small start the odds equal the share and this is the spec's doubling; from any
# start it is attainable (0.55 → 0.71, 0.59 → 0.74) and asks the same shift on the log-odds
# scale, ln 2, wherever the start lies. The plain ratio of shares is still reported, marked as
# capped. The entropy criterion is unchanged: entropy can fall to 0 from any start.
#
# (10) **Design note 2's budget reason, corrected.** The 100-step prototype cited there was run
# on the earlier test (the 300 problems the arms trained on), which design note 3 abandoned; it
# says nothing about the held-out test, and it has not been rerun there. Fifty steps per round
# is a compute choice for the CPU build, not a setting shown to be equivalent to the spec's 100;
# the `full` preset (200 steps per round) is where a larger per-round budget is checked.
#
# **Design notes, 2026-12-03 (issue 28: the premise failed, so the experiment changed)**
#
# (11) **A split that can transfer.** With one-digit operands every held-out problem was a table
# entry the model had never seen, and transfer to it was a matter of luck: the last build's
# bases scored 0.150 [0.087, 0.212] on the test (base 0: 0.087, below chance), so the premise
# was not met, and notes 3 and 8 had already measured that neither more steps nor every
# training-side label lifts it far (0.33 at most). The papers self-train on some questions and
# evaluate on others *of the same skill*; here the skill had no shared structure between the
# two sides. Now the first operand runs over 0-99 (`first_max`) while the answer depends only
# on its units digit: the 3,000 problems share 300 table entries, the split is still by problem
# (no test prompt is ever trained on), and a model that learns to read the units digit carries
# what it learns on the training side to the test. Measured before this run, seeds 0 and 1
# with today's code (round 0, Pass@1 on the test, 300 steps): 0.30 and 0.39 with 200 gold
# examples, 0.52 and 0.39 with 400; one-digit operands on the same seeds: 0.087 and 0.180.
#
# (12) **400 gold examples instead of 200**, so that round 0 sits in the spec's 0.4-0.6 (it
# did with 400 on both prototype seeds, 200 left it at 0.30-0.39). Honesty about the choice:
# the same prototype also ran P and T for 6 rounds on both seeds and both gold sizes, so their
# outcome was seen before the choice. With 200, T − P was +0.29 and +0.31 and P's entropy did
# not fall (0.42 → 0.51 on seed 0); with 400, T − P was +0.25 and +0.29 and P's entropy fell by
# 1.8× and 2.5×. The spec's round-0 range, not those outcomes, fixed the number; the reader
# can rerun with `gold=200` in the preset (exercise 1) to see the other one. The pretraining
# budget stays at 300 steps.

# %% [markdown]
# **The three anchors in code.** Each round, `round_pairs` turns the 8 sampled answers per
# pool problem into that round's fine-tuning set: P takes the majority answer as the label,
# T keeps only the answers the checker accepts, H adds the gold set and the replay to the
# majority labels. It is the function `selftrain.self_train` calls.

# %%
notebook.show_source(selftrain.round_pairs)

# %%
train_side, test = chain.split_problems(first_max=first_max)
# base s trains on its own gold draw from the training side (seed 0: the draw of
# earlier builds); seed s also draws its own unlabelled pool
def gold_of(base_seed: int) -> list[tuple[str, str]]:
    """The gold set of base ``base_seed``."""
    drawn = chain.draw(train_side, cfg["gold"], seed=1 + 10 * base_seed)
    return [(p.prompt, str(p.answer)) for p in drawn]


base_golds = []


def make_base(st: SFTSettings):  # noqa: ANN201
    """The round-0 model of base seed ``st.seed``: SFT on its gold set."""
    base_golds.append(gold_of(st.seed))
    return chain.base(TinyLMConfig(), st, base_golds[-1], device=device)


bases = bases_by_seed(
    make_base,
    SFTSettings(num_steps=cfg["pretrain_steps"], learning_rate=1e-3),
    seeds,
)
golds = dict(zip(seeds, base_golds))  # seed s: the gold set its base trained on
pools = {s: chain.draw(train_side, cfg["pool"], seed=2 + 10 * s) for s in seeds}
held_out = {p.prompt for p in test}
for s in seeds:
    assert not held_out & ({p.prompt for p in pools[s]} | {q for q, _ in golds[s]}), (
        f"a test problem leaked into seed {s}'s training data"
    )
# round 0 on the held-out test, per base (the same numbers as each arm's round-0 row)
start = pd.DataFrame(
    {
        s: selftrain.metrics(
            bases[s].model, bases[s].tokenizer, test, votes=8, seed=s, device=device
        )
        for s in seeds
    }
).T.rename_axis("seed")
print(
    f"{len(train_side)} training-side problems (seed {seeds[0]}: gold covers "
    f"{len({q for q, _ in golds[seeds[0]]})}, the pool "
    f"{len({p.prompt for p in pools[seeds[0]]})}); {len(test)} held-out test problems"
)
# a stricter reference than chance (report only): Pass@1 of a model that knows only
# each operator's answer frequencies (over its 100 problems) and samples from them
answers_of = {
    op: [p.answer for p in chain.all_problems(first_max) if p.ops == op]
    for op in chain.OPS
}
prior = sum(answers_of[p.ops].count(p.answer) / len(answers_of[p.ops]) for p in test) / len(test)
print(f"chance {chance:g}; answer-frequency baseline {prior:.3f}")
start.round(3)

# %%
names = {
    "P": "P: majority vote only",
    "T": "T: checker anchor",
    "H": "H: past-data anchor",
}
# H is report only
arm_seeds = {"P": seeds, "T": seeds, "H": params.report_seeds(seeds, scale)}
settings = SelfTrainSettings(
    rounds=cfg["rounds"], steps_per_round=cfg["steps_per_round"]
)
rounds = pd.concat(
    [
        selftrain.self_train(
            bases[seed].model,
            bases[seed].tokenizer,
            arm,
            pools[seed],
            golds[seed],
            test,
            settings,
            seed,
            device,
        ).assign(arm=names[arm], seed=seed)
        for arm in names
        for seed in arm_seeds[arm]
    ],
    ignore_index=True,
)
# the majority-vote ceiling of each seed's round-0 model; the figure shows their mean
ceiling = start["maj@8"]

# %% [markdown]
# ## Accuracy per round, against the majority-vote ceiling
#
# Left: Pass@1 on the held-out test problems. Thin lines are seeds, the band their range; the
# dashed line is the round-0 models' majority-of-8 accuracy on the same problems (mean over the
# seeds' bases; each seed's criterion uses its own), the best that
# majority labels could teach if they were learned perfectly; the dotted vertical line marks the
# round the criteria read. Right, as a diagnostic only: Pass@1 on the pool's own problems, the
# ones the arms train on.

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
plots.seed_band(axes[0], rounds, "round", "pass@1", arms=list(names.values()))
axes[0].axhline(
    ceiling.mean(),
    color="#222222",
    ls="--",
    lw=1,
    label="round-0 majority-of-8 accuracy (mean of bases)",
)
axes[0].legend()
axes[0].set(
    xlabel="self-training round", ylabel=f"Pass@1 on the {len(test)} held-out problems"
)
plots.seed_band(axes[1], rounds, "round", "pool_pass@1", arms=list(names.values()))
axes[1].set(
    xlabel="self-training round", ylabel="Pass@1 on the pool's problems (trained on)"
)
for ax in axes:
    ax.axvline(decided, color="grey", ls=":", lw=1)
plots.finish(
    fig,
    "Pass@1 per self-training round: held-out "
    "test (left), the pool's own problems (right)",
);

# %% [markdown]
# ## Diversity and confident errors, and the self-reward picture
#
# Left and middle: the answer entropy and the confidently-wrong share per round, on the held-out
# test. Right: each round's self-reward (agreement with the majority, which the P arm is
# implicitly trained to raise) against the true accuracy of the majority labels it trains on,
# both on the pool, one dot per round and seed. Hacking looks like moving right without moving up.

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4))
plots.seed_band(axes[0], rounds, "round", "entropy", arms=list(names.values()))
axes[0].set(xlabel="self-training round", ylabel="answer entropy on the test (nats)")
plots.seed_band(
    axes[1], rounds, "round", "confidently_wrong", arms=list(names.values())
)
axes[1].set(xlabel="self-training round", ylabel="confidently wrong share on the test")
for arm in names.values():
    part = rounds[(rounds["arm"] == arm) & rounds["self_reward"].notna()]
    axes[2].plot(
        part.groupby("round")["self_reward"].mean(),
        part.groupby("round")["label_accuracy"].mean(),
        marker="o",
        color=plots.arm_color(arm),
        label=arm,
    )
    axes[2].scatter(
        part["self_reward"],
        part["label_accuracy"],
        color=plots.arm_color(arm),
        s=10,
        alpha=0.4,
    )
axes[2].set(xlabel="self-reward on the pool: agreement with the majority",
            ylabel="true accuracy of the majority labels")
axes[2].legend()
for ax in axes[:2]:
    ax.get_legend().remove()
plots.finish(
    fig,
    "Answer entropy and confidently-wrong share per round "
    "(test); self-reward against label accuracy (pool)",
);

# %% [markdown]
# ## Verdict
#
# The spec's criteria, on the held-out test after the deciding round, each decided on the mean
# over seeds and its 95% interval (how many seeds pass alone is shown beside): T's Pass@1 at
# least `anchor_gain_min` above P's; P's Pass@1 at most `stall_margin` above its round-0 model's
# majority-of-8 accuracy; the odds of P's confidently-wrong share at least multiplied by
# `collapse_factor`; P's entropy at least divided by it. The premise, per base: round-0 Pass@1
# on the held-out test above chance (`chance`, one digit in ten). Every difference and ratio is
# taken within a seed, against that seed's round-0 model.

# %%
def at(arm: str, metric: str, after_round: int = decided) -> list[float]:
    """The metric of ``arm`` after round ``after_round`` (default: the deciding round)
    in each of its seeds; round 0 is the seed's base."""
    return per_seed(rounds, metric, arm_seeds[arm], arm=names[arm], round=after_round)


def odds(share: float) -> float:
    """``share / (1 - share)``."""
    return share / (1 - share)


base_pass = list(start["pass@1"])  # round 0, per seed
t_minus_p = minus(at("T", "pass@1"), at("P", "pass@1"))
wrong_end, wrong_start = at("P", "confidently_wrong"), at("P", "confidently_wrong", 0)
wrong_odds_ratio = ratio([odds(e) for e in wrong_end], [odds(b) for b in wrong_start])
h_minus_p = minus(at("H", "pass@1"), at("P", "pass@1")[: len(arm_seeds["H"])])
pool_t_minus_p = minus(at("T", "pool_pass@1"), at("P", "pool_pass@1"))
premises = [
    Criterion(f"round-0 Pass@1 on the held-out test, above chance ({chance:g})",
              by_seed=base_pass, threshold=chance, op=">", every_seed=True)
]
criteria = [
    Criterion(f"Pass@1 after round {decided}, T - P (test)", by_seed=t_minus_p,
              threshold=anchor_gain_min, every_seed=True),
    Criterion(f"Pass@1 of P after round {decided} - its round-0 majority-of-8 accuracy "
              "(test)", by_seed=minus(at("P", "pass@1"), [ceiling[s] for s in seeds]),
              threshold=stall_margin, op="<=", every_seed=True),
    Criterion("P: odds of the confidently-wrong share, deciding round / start (test)",
              by_seed=wrong_odds_ratio, threshold=collapse_factor, every_seed=True),
    Criterion("P: answer entropy, start / deciding round (test)", every_seed=True,
              by_seed=ratio(at("P", "entropy", 0), at("P", "entropy")),
              threshold=collapse_factor),
    Criterion("P: confidently-wrong share, deciding round / start (test; report only: "
              "capped at 1 / start)", by_seed=ratio(wrong_end, wrong_start),
              threshold=collapse_factor, decides=False),
    Criterion(f"Pass@1 after round {decided}, H - P (test; report only, seeds "
              f"{arm_seeds['H']})", by_seed=h_minus_p, op=">", decides=False),
    Criterion(f"Pass@1 after round {decided} on the pool's problems (trained on), T - "
              "P (report only)", by_seed=pool_t_minus_p, op=">", decides=False),
]
pass_at = lambda arm: format_interval(at(arm, "pass@1"), 2)  # noqa: E731
start_pass = format_interval(base_pass, 2)
verdict = Verdict(
    note_id="n13", criteria=criteria, premises=premises,
    claim=("Self-training on majority-vote labels stalls at the vote's ceiling and "
           "collapses onto confident errors; an external anchor (a checker) keeps "
           "improving."),
    key_number=(f"Pass@1 after round {decided} on held-out problems, T - P", t_minus_p),
    paper_vs_run=paper_rows("papers", [
        ("pure self-improvement", "saturates within a few rounds (Song et al.); "
         "majority self-reward collapses (Shafayat et al.)",
         f"P: Pass@1 {start_pass} → {pass_at('P')} "
         f"(ceiling {format_interval(list(ceiling), 2)})"),
        ("external anchor", "RL on gold answers keeps improving",
         f"T (checker): {start_pass} → {pass_at('T')}"),
        ("past data", "accumulating real data bounds the error (Gerstgrasser et al.)",
         f"H: {start_pass} → {pass_at('H')}"),
    ], "this run (held-out test)"),
    parameters=run.parameters | {
        "report_seeds": arm_seeds["H"], "decide_round": decided,
        "test_problems": len(test), "training_side_problems": len(train_side),
        "chance": chance,
    },
)
verdict.publish()

# %%
# What the run shows, in words computed from its numbers.
say(
    f"On the {len(test)} held-out problems the round-0 models' Pass@1 is "
    f"{where(base_pass, chance)}, chance, and {where(base_pass, prior)}, the score of "
    "a model that knows only each operator's answer frequencies. They are confidently "
    f"wrong on {format_interval(list(start['confidently_wrong']), 2)} of them. After "
    f"round {decided}, P's Pass@1 minus its round-0 model's is "
    f"{where(minus(at('P', 'pass@1'), base_pass))}, and T's is "
    f"{where(minus(at('T', 'pass@1'), base_pass))} (95% intervals over seeds). On the "
    "pool's own problems, which they train on, P reaches "
    f"{format_interval(at('P', 'pool_pass@1'), 2)} and T "
    f"{format_interval(at('T', 'pool_pass@1'), 2)}."
)

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the papers
#
# * **A synthesis, tested in one toy.** The note combines findings from several papers with
#   different models and tasks; here one tiny model on one task shows the shape each paper
#   reports, not their numbers.
# * **A lookup table with one rule, not reasoning.** The round-0 model knows the table entries its
#   gold set showed it and guesses on the others; what transfers to a test problem is the rule
#   "read the units digit" (design note 11), not an algorithm for arithmetic. Its majority vote
#   is right where it already is and wrong where it guesses, so majority labels cannot teach it
#   anything it did not know: the generation-verification gap in its plainest form (no
#   verification ability beyond generation). In a large model, voting over reasoning paths *can*
#   beat a single sample, which is why self-training first helps there before it stalls.
# * **Collapse is read on the odds.** The confidently-wrong share cannot exceed 1, so collapse is
#   read on its odds (design note 9), which have room to grow from any start below 1.
# * **The checker is exact.** T's anchor is the true answer check; a real tool or judge is
#   noisier and can itself be gamed.
# * **Only one anchor among several.** Third-party judges (the spec's arm J) and user
#   corrections are not run here.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(20 min, medium)* Lower the gold set to 200 examples (`gold=200` in the `ci` preset). First
#    estimate the share of the 300 table entries (units digit of the first operand, operator,
#    second operand) that 200 draws with repeats cover (for the first seed the draw is
#    `chain.draw(train_side, 200, seed=1 + 10 * seeds[0])`) and check it below. Then predict
#    round-0 Pass@1 on the held-out test, and how much room T then has; re-run to see.
# 2. *(30 min, hard)* Make T's checker noisy: accept a wrong answer with probability 0.2.
#    `selftrain.self_train` builds each round's training set with `round_pairs`: copy both into a
#    cell (`notebook.show_source(selftrain.self_train, selftrain.round_pairs)` shows them; run
#    `from helpers.rl.selftrain import *` before them, for the names they use), let your
#    `round_pairs` also keep each sampled wrong answer of arm T with probability 0.2 (drawn with
#    its own `np.random.default_rng`), and make your `self_train` call it. Run T on every seed as
#    the `rounds` cell does. Does T still beat P?
# 3. *(25 min, hard)* Replace the majority label by a label sampled from the 8 answers (no vote):
#    in the copies of exercise 2, add an arm whose label for each problem is one answer drawn
#    from its row of `counts`, and run it like P. Which collapse does that remove, and which does
#    it keep?

# %% tags=["exercise-check"]
# Exercise 1: your answer (a share between 0 and 1), then run this cell
from helpers.notebook import check

answer = None
check(
    answer,
    len({(p.digits[0] % 10, p.ops, p.digits[1])
         for p in chain.draw(train_side, 200, seed=1 + 10 * seeds[0])})
    / (len(chain.OPS) * 10 * 10),  # the table entries
    "the covered share of exercise 1",
    tolerance=0.03,
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** 200 draws spread over 300 table entries cover about 1 − e^{-2/3} ≈ 49% of them (400
# draws: about 74%), so the round-0 model knows fewer entries, its Pass@1 on the test falls
# (0.30-0.39 on the prototype seeds of design note 12, against 0.39-0.52), and T has more
# entries left to learn from the checker.
#
# **2.** In your `round_pairs`, for arm T, add
# `[(p.prompt, str(d)) for p, c in zip(problems, counts) for d in range(10) if d != p.answer
# for _ in range(noise_rng.binomial(int(c[d]), 0.2))]` to the accepted pairs, with
# `noise_rng = np.random.default_rng(0)`. With 20% false accepts, T trains on some wrong
# answers, but they are spread over many digits while the right answer recurs; expect T to keep
# its advantage on the pool with a smaller margin, and whatever it had on the test to shrink.
#
# **3.** For example `[(p.prompt, str(int(noise_rng.choice(10, p=c / c.sum())))) for p, c in
# zip(problems, counts)]`. Sampling the label keeps the model's own distribution (no
# sharpening), so entropy should fall much less; but it still trains on its own errors, so
# accuracy should not rise either.
#
# </details>
