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
# # Why do ranking systems need to model selection bias explicitly?
#
# > **The corpus claim** (note n12, cited by Q2): "YouTube's multi-objective ranker uses
# > MMoE for conflicting objectives and a shallow position tower to remove selection bias
# > from training data. Without both mechanisms, models converge on degenerate equilibria
# > that amplify their own past decisions."
#
# **Source** [RecSys 2019](https://doi.org/10.1145/3298689.3346997). Zhao, Hong, Wei, Chen, Nath, Andrews, Kumthekar, Sathiamoorthy, Yi, Chi,
# *Recommending What Video to Watch Next: A Multitask Ranking System*, RecSys 2019. The
# ranker replaces a shared bottom with a **multi-gate mixture of experts** (MMoE) for its
# engagement and satisfaction objectives, and adds a **shallow tower** fed with position
# (10% position dropout in training, position missing at serving) whose logit is added to
# the main model's, so the main model does not learn "shown on top" as "relevant". The
# paper reports live-experiment gains for both (its tables; we quote no numbers we could
# not check).
#
# **What the note overstates.** The paper *motivates* the position tower with feedback
# loops ("the ranker learns from its own past decisions") but does not demonstrate
# "degenerate equilibria"; that half of the note is an extrapolation. This notebook tests
# it directly, in a simulated loop where the truth is known. It is not a language-model
# experiment: a small embedding model is the right "small model" for a recommender.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * simulate a ranker retrained on its own click logs, and watch position bias feed back into relevance
# * separate position effects from relevance with a shallow position tower
# * compare a shared-bottom ranker with an [MMoE](../../book/glossary.md) ranker
#
# **Prerequisites.** Logistic regression and embeddings; what click-through rate and examination probability are.

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
# page), "full" (more seeds, users and items)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
# the models here are tiny; everything runs on the CPU whatever this says
device = "auto"
ndcg_gain_min = 0.03  # criterion: final NDCG, tower minus naive
# criterion: without the tower, at least this share keeps the legacy top item
naive_legacy_share_min = 0.4
tower_legacy_share_max = 0.3  # criterion: with the tower, at most this share does

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from helpers import notebook, params, plots, runtime
from helpers.non_lm.rankers import Ranker, RankerSettings, fit_ranker, implied_examination, run_loop
from helpers.tasks.feedback_loop import LoopConfig, World, legacy_top_is_best_share, make_world
from helpers.verdict import Criterion, Verdict, format_interval, paper_rows, say

PRESETS = {
    "smoke": dict(
        loop=LoopConfig(rounds=2, impressions_per_round=500), steps=40, multitask=True
    ),
    "ci": dict(loop=LoopConfig(), steps=300, multitask=True),
    # full: 4x the users, items and impressions (the same
    # impressions per user and slates per item), the spec's 6 rounds
    "full": dict(
        loop=LoopConfig(num_users=200, num_items=400, impressions_per_round=8000),
        steps=500,
        multitask=True,
    ),
}
# one simulated world and click draw per seed; start validates the device
# name, but the simulator and models stay on the CPU
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="ndcg_gain_min naive_legacy_share_min tower_legacy_share_max")
cfg, seeds = run.cfg, run.seeds
# the report-only 2 x 2: first seed at smoke/ci, all at full
multitask_seeds = params.report_seeds(seeds, scale)
loop = cfg["loop"]
print(f"multi-task seeds={multitask_seeds}")

# %% [markdown]
# ## The simulated loop
#
# * **World.** 50 users and 100 items with random 8-d taste vectors. Each user has a
#   *fixed* slate of 5 candidate items (what a retrieval stage would hand the ranker), and a
#   true click probability per item. Items also carry a "clickbait" score: it raises click
#   appeal and lowers the chance that a click *satisfies* (used in the MMoE part).
# * **Users.** Position `p` of a slate is examined with probability `p^-1.5` (position 5 is
#   seen 9% as often as position 1); an examined item is clicked with its true probability.
#   The logs record only shows and clicks: examination is invisible.
# * **Loop.** Round 0 is served by a random **legacy ranker**. After each round of 2,000
#   impressions, a model is retrained *from scratch on all logs so far* and serves the next
#   round, in order of predicted click probability.
# * **Arms.** **naive**: a dot-product click model (user · item + item bias) trained on
#   clicks as they are. **tower**: the same model plus a shallow position tower (one logit
#   per position, 10% position dropout, position missing at serving).
# * **Measures**, exact from the simulator's truth: NDCG of each user's ranking against
#   the true click probabilities; and the **legacy-top share**, the fraction of users whose
#   top item is still the one the random legacy ranker put there. A ranker that had
#   learned the truth would keep it only where it happens to be best (dashed line).
#
# **Design notes.** The spec's world and criteria, unchanged (these notes were written after a
# prototype run of the same simulator, which already showed the tower missing the 0.3 bar in
# one seed; the bar was left where the spec put it). Two implementation choices: logs are kept as counts per (user, item, position), which is
# exactly what the click likelihood needs, and position dropout is applied *in expectation*
# (each row used with weight 0.9 with its position and 0.1 with the position missing)
# rather than by random masking, which removes one source of seed noise without changing
# the objective. Slates are fixed per user because the pilot found that with random slates
# the naive loop mostly corrects itself: self-reinforcement needs an item's position to
# vary little, which is also the situation in production where a ranker decides positions.
#
# **Seeds and intervals.** The verdict uses 5 seeds (simulated worlds) at scale `ci`, 10 at
# `full`, and each criterion is decided on the mean of the seeds with its 95% Student-t
# interval: it passes when the whole interval is on the pass side of the spec's threshold,
# fails when it is wholly on the fail side, and is unresolved when it straddles it. The
# multi-task 2 x 2 (shared bottom vs MMoE, with and without the tower) is report only and
# runs on the first seed at `ci` (every seed at `full`): in the 3-seed version it took about
# two thirds of the notebook's time, which now pays for the two extra seeds of the deciding
# arms. The `full` scale used to run 10 rounds; it now runs the spec's 6, because the
# criteria read the *final* model and the number of rounds is part of the condition tested
# (more rounds give the loop more time to lock in or to correct itself). `full` still draws
# 4x the users, items and impressions, with the spec's 40 impressions per user per round and
# 2.5 slates per item.
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules).**
# Written before this run. Here a seed is already one independent replication: it draws its
# own world (users, items, slates, legacy ranker) and its own clicks, and both arms of a seed
# share them, so the comparison is paired; there is no pretrained model to share. The three
# deciding criteria were already decided on the 95% interval of the mean over seeds, and none
# is a 0/1 outcome per seed, so no rule changes. New: two **premises**, what the claim needs
# of the starting state (the world and the legacy ranker's round 0), one value per seed:
# (i) *the logged data is position-biased*: under the legacy ranking, the expected click rate
# at position 1 is at least twice that at the last position (exact, from the simulator's
# truth). The legacy order is random, so the same mix of items sits in every position and any
# ratio above 1 is the position effect; twice is our bar for an effect a naive click model
# cannot miss. The simulator's examination curve sets it (about 5^1.5 ≈ 11 in expectation), so
# this premise guards the configuration (a flatter `exam_power`, exercise 1) rather than
# testing luck. (ii) *the legacy ranker is not already right*: the share of users whose legacy
# top item is their best one is at most `tower_legacy_share_max`. Otherwise a ranker that had
# learned the truth could fail the tower criterion, and keeping the legacy top item would not
# tell lock-in from correct ranking. The spec expects about 0.2 (5 slots in random order).

# %% [markdown]
# **The position tower in code.** In `fit_ranker` the tower's logit for the logged position
# (`position_logit`, zero without a tower) is added to the click logit of every training
# row; `Ranker.serve_scores` ranks by the position-free logits alone. These are the
# functions `run_loop` calls in every round.

# %%
notebook.show_source(fit_ranker, Ranker.serve_scores)

# %%
ARMS = {
    "naive": RankerSettings(steps=cfg["steps"]),
    "tower": RankerSettings(steps=cfg["steps"], position_tower=True),
}
histories, models = [], {}
for seed in runtime.progress(seeds, desc="seeds (naive + tower)"):
    for arm, settings in ARMS.items():
        history, models[(arm, seed)] = run_loop(loop, settings, seed)
        histories.append(history.assign(arm=arm, seed=seed))
history = pd.concat(histories, ignore_index=True)
worlds = {s: make_world(loop, s) for s in seeds}  # the ones run_loop drew, seed by seed
correct_share = np.mean([legacy_top_is_best_share(worlds[s]) for s in seeds])

# %% [markdown]
# ## The feedback loop, round by round
#
# Round 0 is the legacy ranker; round `r` is served by the model trained on rounds `0..r-1`
# (the last point is the model trained on every round). Thin lines are seeds.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plots.seed_band(axes[0], history, "round", "ndcg", arms=list(ARMS))
axes[0].set(xlabel="round", ylabel="NDCG against true click probability")
plots.seed_band(axes[1], history, "round", "legacy_top_share", arms=list(ARMS))
plots.reference_line(axes[1], correct_share, f"a correct ranker ({correct_share:.2f})")
axes[1].set(xlabel="round", ylabel="users keeping the legacy top item", ylim=(0, 1.05))
axes[1].legend(loc="upper right")
plots.finish(
    fig,
    "NDCG and legacy-top share per round of the "
    "loop, without and with a position tower",
);

# %% [markdown]
# ## What the tower learned, against the true examination curve
#
# The tower adds a logit per position; converted to "click rate at position `p` relative
# to position 1" (averaged over the slates' pairs), it can be laid over the simulator's
# examination curve `p^-1.5`. Agreement means the tower has soaked up the position effect,
# so the main model does not have to.

# %%
positions = np.arange(1, loop.slate_size + 1)
true_exam = positions.astype(float) ** -loop.exam_power
learned = {
    seed: implied_examination(models[("tower", seed)], worlds[seed]).numpy()
    for seed in seeds
}
fig, ax = plt.subplots(figsize=(6.5, 4))
ax.plot(positions, true_exam, "k--", lw=1.5, label="true examination, $p^{-1.5}$")
for k, seed in enumerate(seeds):
    ax.plot(positions, learned[seed], "o-", color=plots.arm_color("tower"), alpha=0.6,
            label=f"learned by the tower ({len(seeds)} seeds)" if k == 0 else None)
ax.set(
    xlabel="position on the slate",
    ylabel="click rate relative to position 1",
    xticks=positions,
)
ax.legend(fontsize="small")
plots.finish(
    fig,
    "Relative click rate per position: learned "
    "by the tower vs the true examination curve",
);
worst_gap = [float(np.abs(learned[s] - true_exam).max()) for s in seeds]
say(
    "Largest gap between the tower's curve and the true examination curve, "
    f"over positions 2-{loop.slate_size}: {format_interval(worst_gap, 2)} (mean "
    f"[95% interval] over {len(seeds)} seeds; position 1 is 1 by construction)."
)

# %% [markdown]
# ## Verdict
#
# The premises (see the design notes), on each seed's world before the loop runs: the
# round-0 logs are position-biased, and the legacy ranker is not already right.
# The spec's criteria, on the final model, each decided on the mean of the seeds and its 95%
# interval: the tower's NDCG at least `ndcg_gain_min` above the naive loop's; without the
# tower, at least `naive_legacy_share_min` of users keep the legacy top item; with it, at most
# `tower_legacy_share_max` do (a correct ranker would keep only the users whose legacy top item
# happens to be their best, about one in five by design: 5 slots in random legacy order).

# %%
def top_to_bottom_click_ratio(world: World) -> float:
    """Expected click rate at position 1 over that at the last position under the legacy
    ranking (round 0), exact from the simulator's truth."""
    shown = world.relevance.gather(1, world.legacy_ranking)  # users x positions
    rate = world.exam * shown.mean(0)
    return float(rate[0] / rate[-1])


premises = [
    Criterion("round-0 logs position-biased: click rate at position 1 / last position",
              by_seed=[top_to_bottom_click_ratio(worlds[s]) for s in seeds],
              threshold=2.0, op=">=", every_seed=True),
    Criterion("legacy ranker not already right: share of users whose legacy top is "
              "best", by_seed=[legacy_top_is_best_share(worlds[s]) for s in seeds],
              threshold=tower_legacy_share_max, op="<=", every_seed=True),
]
final = history[history["round"] == loop.rounds].set_index(["arm", "seed"])
at_end = lambda arm, col: [final.loc[(arm, s), col] for s in seeds]  # noqa: E731
ndcg_gain = [t - n for t, n in zip(at_end("tower", "ndcg"), at_end("naive", "ndcg"))]
naive_share = at_end("naive", "legacy_top_share")
tower_share = at_end("tower", "legacy_top_share")
criteria = [
    Criterion("final NDCG, tower - naive", by_seed=ndcg_gain, threshold=ndcg_gain_min),
    Criterion("legacy-top share without the tower", by_seed=naive_share,
              threshold=naive_legacy_share_min),
    Criterion("legacy-top share with the tower", by_seed=tower_share,
              threshold=tower_legacy_share_max, op="<="),
]
correct_by_seed = premises[1].by_seed
say(
    f"After {loop.rounds} rounds ({len(seeds)} seeds, mean [95% interval]): the legacy "
    f"ranker's top item is still on top for {format_interval(naive_share, 2)} of users "
    f"without the tower and {format_interval(tower_share, 2)} with it; a correct "
    f"ranker would keep it for {format_interval(correct_by_seed, 2)}. Final NDCG: "
    f"naive {format_interval(at_end('naive', 'ndcg'), 3)}, "
    f"tower {format_interval(at_end('tower', 'ndcg'), 3)}, "
    f"gain {format_interval(ndcg_gain, 2)}."
)

# %% [markdown]
# ## Conflicting objectives: shared bottom vs MMoE, with and without the tower (report only)
#
# Now the ranker predicts clicks *and* satisfaction given a click, and ranks by their
# product, while clickbait pulls the two apart. The 2 x 2 compares a shared-bottom
# network with an MMoE (4 experts, one gate per objective), each with and without the
# tower, on satisfied clicks per impression (exact, from the simulator). The spec expects
# that MMoE may show no gain at this scale; these rows do not decide the verdict, and they run
# on `multitask_seeds` (the first seed at scale `ci`, every seed at `full`).

# %%
multitask = pd.DataFrame()
if cfg["multitask"]:
    rows = []
    combos = [
        (kind, tower, seed)
        for kind in ("shared", "mmoe")
        for tower in (False, True)
        for seed in multitask_seeds
    ]
    for kind, tower, seed in runtime.progress(combos, desc="multi-task rankers"):
        h, _ = run_loop(
            loop,
            RankerSettings(kind=kind, position_tower=tower, steps=cfg["steps"]),
            seed,
        )
        rows.append(
            {
                "bottom": kind,
                "position tower": tower,
                "seed": seed,
                **h.iloc[-1][
                    ["ndcg_satisfied", "satisfied_clicks", "legacy_top_share"]
                ],
            }
        )
    multitask = pd.DataFrame(rows)
    table = (
        multitask.groupby(["bottom", "position tower"])[
            ["satisfied_clicks", "ndcg_satisfied", "legacy_top_share"]
        ]
        .mean()
        .round(3)
    )
    display(table)
    sat = multitask.set_index(["bottom", "position tower", "seed"])["satisfied_clicks"]

    def sat_diff(a, b):
        """Per-seed satisfied clicks per impression, arm ``a`` minus arm ``b`` (each a
        (bottom, tower) pair)."""
        return [float(sat[(*a, s)] - sat[(*b, s)]) for s in multitask_seeds]

    mmoe_gain_tower = sat_diff(("mmoe", True), ("shared", True))
    multitask_rows = [
        (
            "satisfied clicks/impression, MMoE - shared (no tower)",
            sat_diff(("mmoe", False), ("shared", False)),
        ),
        ("satisfied clicks/impression, MMoE - shared (with tower)", mmoe_gain_tower),
        (
            "satisfied clicks/impression, tower - no tower (MMoE)",
            sat_diff(("mmoe", True), ("mmoe", False)),
        ),
        (
            "satisfied clicks/impression, tower - no tower (shared)",
            sat_diff(("shared", True), ("shared", False)),
        ),
    ]
    criteria += [
        Criterion(f"{name} (report only)", values, 0.0, ">", decides=False)
        for name, values in multitask_rows
    ]
    shown = (
        (lambda v: f"{v[0]:+.2g}")
        if len(multitask_seeds) == 1
        else (lambda v: format_interval(v, 2))
    )
    say(
        (
            f"Report only, on {len(multitask_seeds)} "
            f"seed{'s' if len(multitask_seeds) > 1 else ''} "
            "(mean [95% interval] where there are several): "
        )
        + "; ".join(f"{name}: {shown(values)}" for name, values in multitask_rows)
        + "."
    )

    fig, ax = plt.subplots(figsize=(7, 4))
    for i, kind in enumerate(["shared", "mmoe"]):
        for j, tower in enumerate([False, True]):
            part = multitask[
                (multitask["bottom"] == kind) & (multitask["position tower"] == tower)
            ]
            x = 2 * i + j
            ax.bar(
                x,
                part["satisfied_clicks"].mean(),
                color=plots.arm_color("tower" if tower else "naive"),
                alpha=0.8,
            )
            ax.scatter(
                [x] * len(part), part["satisfied_clicks"], color="k", s=12, zorder=3
            )
    ax.set_xticks(
        range(4),
        ["shared\nno tower", "shared\n+ tower", "MMoE\nno tower", "MMoE\n+ tower"],
    )
    ax.set(ylabel="satisfied clicks per impression", ylim=(0, None))
    plots.finish(
        fig,
        "Satisfied clicks per impression after the loop, "
        f"2 x 2 ({len(multitask_seeds)} seed(s), dots)",
    )

# %%
verdict = Verdict(
    note_id="n12", criteria=criteria, premises=premises,
    claim=("Without a position tower, a ranker retrained on its own logs "
           "keeps its legacy ranker's choices; the tower breaks the loop."),
    key_number=("final NDCG gain of the tower", ndcg_gain),
    paper_vs_run=paper_rows("paper (YouTube, live)", [
        ("position tower vs none", "engagement gain (paper's table)",
         f"NDCG gain {format_interval(ndcg_gain, 2)}"),
        ("legacy-top share, naive / tower", "not measured",
         f"{format_interval(naive_share, 2)} / {format_interval(tower_share, 2)} "
         f"(correct ranker {format_interval(correct_by_seed, 2)})"),
        ("MMoE vs shared bottom", "gains on both objectives (paper's table)",
         "n/a" if multitask.empty
         else f"satisfied clicks {shown(mmoe_gain_tower)} (with tower; report only)"),
    ]),
    # the loop's settings as text; the multitask switch (on at every scale) is not kept
    parameters={k: v for k, v in run.parameters.items() if k != "multitask"}
    | {"multitask_seeds": multitask_seeds, "loop": str(loop)},
)
verdict.publish()

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the paper
#
# * **A simulator, not YouTube.** Examination is a fixed power law, users never change,
#   and every slate is fixed: the strongest version of the loop. With slates that vary
#   (the pilot tried random candidates) the naive loop largely corrects itself, because an
#   item then gets seen at several positions.
# * **The tower's input** is position only; the paper also feeds device and other
#   selection-bias features.
# * **Degenerate equilibria** are this notebook's test, not the paper's result: the
#   paper shows that the tower improves live metrics, not that rankers without it lock in.
# * **MMoE** needs tasks that conflict *and* a shared representation under pressure; with
#   8-d embeddings and two heads, a shared bottom may have enough room here (the 2 x 2 above
#   measures the difference, on one seed at scale `ci`). The paper's gains come from a much
#   larger model serving many more objectives.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(15 min, medium)* Make examination flatter, `exam_power = 0.5`. First: does the premise
#    "round-0 logs position-biased" (click-rate ratio at least 2) still hold in every seed?
#    Compute `top_to_bottom_click_ratio(make_world(dataclasses.replace(loop, exam_power=0.5),
#    s))` for each seed and answer `True` or `False` below. Then predict what happens to the
#    naive arm's legacy-top share, and check with `run_loop(dataclasses.replace(loop,
#    exam_power=0.5), ARMS["naive"], s)` on a seed or two.
# 2. *(35 min, hard)* Serve 10% of impressions with a random ranking (exploration). `run_loop`
#    has no such option: copy it into a cell (`notebook.show_source(run_loop)` shows it; run
#    `from helpers.non_lm.rankers import *` and `from helpers.non_lm.rankers import _scores_of`
#    before it, for the names it uses) and let each round's `simulate_round` serve 90% of the
#    impressions with `ranking` and 10% with a fresh random ranking per user. Does the naive loop
#    still lock in? Which of the two fixes costs less? For the price of exploration, first
#    compute, on the first seed's world (`worlds[seeds[0]]`), how many expected clicks per
#    impression a uniformly random ranking loses against the ideal one (each slate sorted by true
#    click probability), and check it below.
# 3. *(10 min, medium)* Suppose the tower saw the item id as well as the position. What can go
#    wrong when the tower can explain relevance too? (Hint: what does the main model then learn?)

# %% tags=["exercise-check"]
# Exercise 1: your answer (True or False), then run this cell
from dataclasses import replace

from helpers.notebook import check

answer = None
check(
    answer,
    all(
        top_to_bottom_click_ratio(make_world(replace(loop, exam_power=0.5), s)) >= 2.0
        for s in seeds
    ),
    "whether the premise holds (exercise 1)",
)

# %% tags=["exercise-check"]
# Exercise 2: your answer (expected clicks per impression), then run this cell
from helpers.notebook import check

answer = None
world0 = worlds[seeds[0]]
check(
    answer,
    float(
        (world0.relevance.sort(dim=1, descending=True).values * world0.exam).sum(1).mean()
        - (world0.relevance.mean(1) * world0.exam.sum()).mean()
    ),
    "the clicks per impression of exercise 2",
    tolerance=0.005,
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** The ratio is about `5^0.5 ≈ 2.2` in expectation, times the luck of each world's legacy
# mix, so some seeds can fall below 2: then the run no longer sets up the bias the claim is
# about, and the verdict would say so. With flatter examination, clicks depend less on position,
# so the naive model attributes less of the top slots' clicks to the items in them; expect the
# legacy-top share to fall more slowly than with steep examination, and the lock-in to be
# weaker.
#
# **2.** In the copy, replace the `simulate_round` line by
# `explore = torch.stack([torch.randperm(config.slate_size, generator=generator) for _ in
# range(config.num_users)])` and `logs = logs + simulate_round(world, ranking, int(0.9 * n),
# generator) + simulate_round(world, explore, n - int(0.9 * n), generator)` with
# `n = config.impressions_per_round`. Random rankings put every item in every position
# sometimes, so the naive model sees clicks that are not confounded by position. Expect lock-in
# to weaken as exploration grows. Price: a ranking puts slot `ranking[u, p]` at position `p`,
# where it is clicked with probability `exam[p] · relevance[u, slot]`; a uniformly random one
# earns `relevance[u].mean() · exam.sum()` per impression, the ideal one the sorted relevances
# times `exam`. Exploring 10% of impressions costs a tenth of the difference (less against a
# ranker that is not ideal), on every round; the tower costs nothing at serving time.
#
# **3.** If the tower sees the item id, it can absorb item relevance as well as position, and the
# main model (which is what serves) learns less about relevance. The tower must only see features
# that are independent of relevance at training time.
#
# </details>
