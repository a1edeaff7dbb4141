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
# # Can rubrics and dense rewards work together without hacking?
#
# > **The corpus claim** (note n11, cited by Q2): "DRO shows that using rubrics to accept or
# > reject rollout groups—rather than converting rubric scores into dense rewards—prevents
# > reward hacking. This separation preserves the categorical strength of rubrics while
# > letting token-level rewards optimize within valid answers."
#
# **Source** [arXiv:2506.13351](https://arxiv.org/abs/2506.13351). Xu, Chakraborty, Sharma, Nunes, Sharma, Demopulos, Kıcıman, Lu, Chandra,
# *Direct Reasoning Optimization*, arXiv 2506.13351 (v3 subtitled "... Meets Rubric Gates
# ..."). DRO's dense reward (R3) is the model's per-token confidence in a reference answer
# given its own reasoning; rubrics act as hard accept/reject checks on rollout groups. The
# earlier version reports 51.8% / 58.8% win rates against GPT-4o on ParaRev at about 45% lower
# training cost.
#
# **What the paper does not contain.** We found no ablation in the paper that compares a rubric
# *gate* with the same rubric turned into a *dense reward term*: that comparison is the note's
# framing. This notebook runs that comparison itself, on a toy where the dense reward is
# gameable by construction.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * recognise a dense proxy reward that an optimizer can game, and see it being gamed
# * implement a rubric as a group-level gate ([Rubric gate](../../book/glossary.md)) in GRPO, and as a reward term
# * compare the two on the quality you actually care about, not on the reward optimized
#
# **Prerequisites.** The lab chapter's GRPO (group-normalised advantages).

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
# page), "full" (more steps and prompts; GPU)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"
rubric_weights = [0.5, 2.0]  # λ of the "dense + λ·rubric" arms (the spec's)
gate_pass_min = 0.9  # criterion: the gate's rubric pass rate after RL
# criterion: the dense-only arm's pass rate after RL (it gets hacked)
dense_pass_max = 0.5
quality_margin_over_dense = 0.2  # criterion: gate true quality minus dense-only
quality_tolerance = 0.02  # criterion: gate true quality >= best summed arm minus this

# %%
import matplotlib.pyplot as plt
import pandas as pd

from helpers import notebook, params, plots
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings, bases_by_seed
from helpers.results import highest, minus, per_seed
from helpers.rl import rubric
from helpers.rl.rubric import RubricSettings
from helpers.tasks import rubric_answers as ra
from helpers.verdict import Criterion, Verdict, format_interval, lies, paper_rows, say, where

PRESETS = {
    "smoke": dict(
        sft_steps=40, rl_steps=3, prompts_per_step=4, eval_problems=16, eval_samples=2
    ),
    "ci": dict(
        sft_steps=400,
        rl_steps=60,
        prompts_per_step=8,
        eval_problems=128,
        eval_samples=4,
    ),
    "full": dict(
        sft_steps=1000,
        rl_steps=300,
        prompts_per_step=32,
        eval_problems=512,
        eval_samples=8,
    ),
}
# one SFT base per seed; one RL run per arm and seed, from that seed's base
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="gate_pass_min dense_pass_max quality_margin_over_dense "
                              "quality_tolerance")
cfg, seeds, device = run.cfg, run.seeds, run.device
params.check_positive(
    **{f"rubric_weights[{i}]": w for i, w in enumerate(rubric_weights)}
)

# %% [markdown]
# ## The experiment
#
# * **Task.** A prompt `K:abcdef>` gives a key letter and a 6-letter reference answer. The
#   ideal response is `Kabcdef`: the key, then the reference.
# * **Dense proxy reward**: credit (1/6) for every response token that appears in the
#   reference. It rewards getting the content right, token by token, and it is **gameable**:
#   repeating reference letters for all 16 allowed tokens earns up to 16/6.
# * **Rubric**: three hard checks: length ≤ 8; first token is the key; no token more than
#   twice. **True quality** (the spec's): the token F1 of the answer against the reference if
#   every check passes, else 0. RL never sees it.
# * **A quality without the rubric** (report only): the token F1 of the whole response against
#   the ideal response (key + reference). Stuffing lowers its precision and a dropped key its
#   recall, but no check sets it to 0.
# * **Base model**: the book's tiny GPT, fine-tuned for 400 steps on a noisy teacher that
#   substitutes letters, sometimes drops the key and sometimes repeats reference letters at the
#   end. The noise rates were chosen so that the base passes the rubric about half the time
#   (this run's base is measured below).
# * **Arms** (GRPO, group size 8, 8 prompts per step, 60 steps; in each seed every arm starts
#   from that seed's base and sees the same problems):
#   **dense only**; **dense + λ·rubric** for λ in {0.5, 2}, where the rubric becomes a dense
#   term (λ times the share of checks passed); **rubric gate**: a rollout that fails a check
#   gets its group's lowest proxy reward minus 1, so a group in which nothing passes gets the
#   same reward for every rollout and no gradient.
#
# **Which loop.** An earlier version said the gate needed its own loop because it "drops whole
# groups from the loss, which a per-completion reward function cannot express". That was
# wrong: a group where nothing passes has equal (floor) rewards, so its group-normalised
# advantage is 0, and TRL's reward functions see the whole batch with each group side by
# side, so `GRPOTrainer` could run the gate. (One float detail: the mean of eight equal
# rewards such as 5/6 − 1 can be off by 1e-7, which the division by the spread turns into
# ±1e-3 in TRL's formula; the book's core sets a uniform group's advantage to exactly 0.)
# The arms run on the core loop (`helpers.rl.core.train`, whose gradient is tested equal
# to TRL's), so they share the sampler and evaluation of the other hand-written methods.
#
# **What "true quality" means here.** The spec defines true quality *through the rubric*: an
# answer that fails any check scores 0, however much of the reference it contains. An arm that
# raises the rubric pass rate therefore raises true quality partly by construction, and the gate
# optimizes the pass rate directly. So the quality criteria below test two things together: that
# the gate's answers pass the rubric, and that among passing answers the dense reward still
# improves content (the F1 part, the claim's "token-level rewards optimize within valid
# answers"). They do not test that the rubric is the right definition of quality. For that
# reason the rubric-free F1 against the ideal response is reported beside them: if the gate
# also wins there, its win is not only an artefact of the definition.
#
# **Design notes** (written before the default-seed run, after one prototype on seed 0 with
# these settings). The spec's task, arms and criteria, unchanged. The teacher's noise rates
# (15% substitution, 15% dropped key, 30% stuffing) were set so the base passes the rubric
# about half the time (0.57 in the seed-0 prototype). In that prototype, dense-only and
# λ = 0.5 were hacked within 20 steps and λ = 2 and the gate were not; that is a design-time
# observation, not this run's result. Held-out evaluation: 128 new problems, 4 samples each,
# after RL.
#
# **Seeds and intervals.** The verdict uses 5 seeds at scale `ci` (10 at `full`), and each
# criterion shows the mean of the seeds with its 95% Student-t interval. The four deciding
# criteria keep this notebook's "in every seed" test (stricter than the spec's "3 seeds"; the
# issue on verdicts asks that every-seed criteria keep their per-seed test): each passes only when
# every seed passes, fails when no seed does or the interval lies on the fail side, and is
# unresolved otherwise.
# n11 has no report-only arm to move to one seed: the criterion "gate against the best summed
# λ" needs both summed arms in every seed, so all four arms run on every seed and the notebook
# takes about 5/3 of its former 3-seed time at `ci`. The rubric-free F1 (report only) costs no
# extra run: it is scored on the same rollouts. It was added because true quality is defined
# through the rubric (see above), so a gate's win on it partly restates the pass rate; a quality
# that ignores the rubric shows whether the answers themselves got better.
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules)**,
# written before the run. (1) *A seed is a (base, RL) pair.* Until now every seed's four arms
# started from one SFT base (seed 0), so the five seeds were five RL runs from one frozen
# base. Now seed `s` trains base `s` (its initialisation, the noisy teacher's data draw and
# the batch order; the recipe, 400 steps at lr 3e-3, is unchanged) and all four arms of seed
# `s` start from base `s`, so every arm difference stays paired within a seed; the interval
# over seeds now covers the base as well as the RL run. The base's held-out numbers are
# measured on each base. (2) *Deciding rules.* The four deciding criteria are decided on the
# 95% interval of the mean over seeds, on the same quantities and thresholds as before, with
# "k/n seeds pass alone" shown beside each (report only). The every-seed rule replaced above
# cannot be the deciding rule of an interval-based verdict: its chance of passing falls with
# every seed added, so the verdict would depend on how many seeds were run. The criteria are
# renamed accordingly. (3) *Premise.* What the claim needs of the starting model: a base
# whose rubric pass rate on the held-out problems is above `dense_pass_max` (0.5) and below
# `gate_pass_min` (0.9), per base, decided on the mean over bases. Below 0.5, "dense-only ends
# at or under 0.5" would hold with no hacking at all; at or above 0.9, "the gate ends at or
# above 0.9" would hold with no RL. Between them, groups have signal for the gate: with
# rollouts passing independently at a rate between 0.5 and 0.9, at least 57% of groups of 8
# hold both a passing and a failing rollout (1 − 0.9⁸ − 0.1⁸), and under 0.4% have no
# passing rollout, i.e. no gradient. The thresholds are the criteria's own bars, not the
# observed values (the teacher's noise was tuned for about 0.57 on seed 0). (4) *Criteria
# settled by construction.* None of the four is settled by the base once the premise holds,
# but "true quality, gate − dense only" is close to it: true quality is 0 for a failing
# answer, so once dense-only is hacked (pass rate near 0) its true quality is near 0 by the
# definition, and the criterion reduces to "the gate's own true quality is at least 0.2",
# which its pass rate criterion already mostly implies. It stays deciding (it is the spec's),
# and two report-only rows test what the definition does not: the fall of dense-only's pass
# rate against its own base (hacking is a change, not a level), and the gate's F1 *within
# valid answers* (true quality over pass rate) after RL minus its base's, which is the
# claim's "token-level rewards optimize within valid answers" measured without the rubric's
# zeroing. The rubric-free F1 rows stay report only. Budgets are unchanged.

# %% [markdown]
# **The arms in code.** `combined_rewards` turns each group's proxy rewards and rubric checks
# into the rewards GRPO sees: the proxy alone, the proxy plus `λ` times the share of checks
# passed, or the gate (a failing rollout gets its group's lowest proxy minus 1; a group with
# no passing rollout is then uniform, so GRPO gives it no gradient). It is the function
# `rubric.train` calls.

# %%
notebook.show_source(rubric.combined_rewards)

# %%
# a verdict seed is a (base, RL) pair: seed s trains base s (initialisation, the
# teacher's noisy data and the batch order), and every arm of seed s starts from it
bases = bases_by_seed(
    lambda st: ra.base(TinyLMConfig(), st, device=device),
    SFTSettings(num_steps=cfg["sft_steps"], learning_rate=3e-3),
    seeds,
)
tokenizer = bases[seeds[0]].tokenizer  # one character tokenizer for every base
held_out = ra.make_problems(cfg["eval_problems"], seed=999)
start = pd.DataFrame(
    [
        {
            "seed": s,
            **ra.evaluate(
                bases[s].model,
                tokenizer,
                held_out,
                cfg["eval_samples"],
                seed=s,
                device=device,
            ),
        }
        for s in seeds
    ]
).set_index("seed")
print("base models on held-out problems (one row per seed's base):")
print(start.round(3).to_string())
for p in held_out[:3]:
    print(f"  {p.prompt}  ideal {p.ideal}")

# %%
sizes = dict(num_steps=cfg["rl_steps"], prompts_per_step=cfg["prompts_per_step"])
arms = {
    "dense only": RubricSettings(combiner="dense", **sizes),
    **{f"dense + {w:g}·rubric": RubricSettings(combiner="sum", rubric_weight=w, **sizes)
       for w in rubric_weights},
    "rubric gate": RubricSettings(combiner="gate", **sizes),
}
logs, final, policies = [], [], {}
for seed in seeds:
    for arm, settings in arms.items():
        log, policy = rubric.train(
            bases[seed].model, tokenizer, settings, seed, device=device
        )
        logs.append(log.assign(arm=arm, seed=seed))
        # the last seed's policy of each arm, for the examples below
        policies[arm] = policy
        final.append(
            {
                "arm": arm,
                "seed": seed,
                **ra.evaluate(
                    policy,
                    tokenizer,
                    held_out,
                    cfg["eval_samples"],
                    seed=seed,
                    device=device,
                ),
            }
        )
logs, final = pd.concat(logs, ignore_index=True), pd.DataFrame(final)

# %% [markdown]
# ## Proxy reward, true quality, rubric pass rate and rubric-free F1 during RL
#
# The training batches' means per step (64 rollouts each): thin lines are seeds, the band
# their range. An arm whose proxy rises while its true quality and pass rate fall is being
# hacked. The last panel is the rubric-free F1 against the ideal response.

# %%
fig, axes = plt.subplots(1, 4, figsize=(19, 4))
for ax, metric, label in [(axes[0], "proxy", "dense proxy reward"),
                          (axes[1], "quality", "true quality (token F1 or 0)"),
                          (axes[2], "pass_rate", "rubric pass rate"),
                          (axes[3], "ideal_f1", "F1 against the ideal (no rubric)")]:
    plots.seed_band(ax, logs, "step", metric, arms=list(arms))
    ax.set(xlabel="GRPO step", ylabel=label)
for ax in axes[1:]:
    ax.get_legend().remove()
plots.finish(
    fig,
    "Proxy reward, true quality, rubric pass rate "
    "and rubric-free F1 per GRPO step, per arm",
);

# %% [markdown]
# What do the arms' responses look like? Three samples per arm (the last seed's policies) on
# the first held-out problem, then the held-out means per arm after RL (mean of seeds): the
# proxy, true quality, the rubric-free F1, rubric pass rate, length, and each check's pass rate.

# %%
problem = held_out[0]
print(f"prompt {problem.prompt}   ideal response {problem.ideal}")
for arm, policy in policies.items():
    samples = ra.sample_responses(
        policy, tokenizer, [problem], 3, seed=0, device=device
    )
    print(
        f"  {arm:>20}: "
        + "   ".join(f"{r:<16} q={ra.true_quality(problem, r):.2f}" for r in samples)
    )
final.groupby("arm", sort=False).mean(numeric_only=True).drop(columns="seed").round(3)

# %% [markdown]
# ## Verdict
#
# Premise (each seed's base, before RL): a held-out rubric pass rate above `dense_pass_max` and
# below `gate_pass_min`. The spec's criteria on held-out problems after RL, each decided on the
# 95% interval of the mean over seeds (how many seeds pass alone is shown beside): the gate's
# pass rate at least `gate_pass_min`; the dense-only arm's at most `dense_pass_max`; the gate's
# true quality within `quality_tolerance` of the best summed-λ arm (or above it; the best arm
# is picked per seed) and at least `quality_margin_over_dense` above dense-only. Report only:
# dense-only's pass rate against its base, the gate's F1 within valid answers against its base,
# the summed arms' pass rates, and the gate's margins on the rubric-free F1.

# %%
def col(arm: str, metric: str) -> list[float]:
    """Per-seed held-out values of one arm after RL, in the order of `seeds`."""
    return per_seed(final, metric, seeds, arm=arm)


def shown(arm: str, metric: str, digits: int = 2) -> str:
    """``metric`` of ``arm`` after RL: mean [95% interval] over seeds."""
    return format_interval(col(arm, metric), digits)


summed = [f"dense + {w:g}·rubric" for w in rubric_weights]
gate_quality, gate_f1 = col("rubric gate", "quality"), col("rubric gate", "ideal_f1")
gate_minus_best = minus(gate_quality, highest(final, "quality", summed, seeds))
gate_minus_dense = minus(gate_quality, col("dense only", "quality"))
f1_gate_minus_dense = minus(gate_f1, col("dense only", "ideal_f1"))
f1_gate_minus_best = minus(gate_f1, highest(final, "ideal_f1", summed, seeds))
base_pass = [float(start.loc[s, "pass_rate"]) for s in seeds]
# F1 within valid answers: mean true quality over the pass rate (quality is the F1
# of a passing answer and 0 otherwise), on the base and on the gate after RL
base_valid_f1 = [float(start.loc[s, "quality"]) / p for s, p in zip(seeds, base_pass)]
gate_valid_f1 = [q / p for q, p in zip(gate_quality, col("rubric gate", "pass_rate"))]
valid_f1_gain = minus(gate_valid_f1, base_valid_f1)
premises = [
    Criterion("base: rubric pass rate on held-out problems, above the dense-only bar",
              by_seed=base_pass, threshold=dense_pass_max, op=">", every_seed=True),
    Criterion("base: rubric pass rate on held-out problems, below the gate's bar",
              by_seed=base_pass, threshold=gate_pass_min, op="<", every_seed=True),
]
criteria = [
    Criterion("gate: rubric pass rate after RL", threshold=gate_pass_min,
              by_seed=col("rubric gate", "pass_rate"), every_seed=True),
    Criterion("dense only: rubric pass rate after RL", threshold=dense_pass_max,
              by_seed=col("dense only", "pass_rate"), op="<=", every_seed=True),
    Criterion("true quality, gate - best summed-λ arm", by_seed=gate_minus_best,
              threshold=-quality_tolerance, every_seed=True),
    Criterion("true quality, gate - dense only", by_seed=gate_minus_dense,
              threshold=quality_margin_over_dense, every_seed=True),
    Criterion("dense only: rubric pass rate after RL - its base (report only)", op="<",
              by_seed=minus(col("dense only", "pass_rate"), base_pass), decides=False),
    Criterion("gate: F1 within valid answers after RL - its base (report only)",
              by_seed=valid_f1_gain, op=">", decides=False),
    *[Criterion(f"{arm}: rubric pass rate after RL (report only)", decides=False,
                by_seed=col(arm, "pass_rate"), threshold=gate_pass_min)
      for arm in summed],
    Criterion("F1 against the ideal (no rubric), gate - dense only (report only)",
              by_seed=f1_gate_minus_dense, op=">", decides=False),
    Criterion("F1 against the ideal (no rubric), gate - best summed-λ arm (report "
              "only)", by_seed=f1_gate_minus_best, threshold=-quality_tolerance,
              decides=False),
]
verdict = Verdict(
    note_id="n11", criteria=criteria, premises=premises,
    claim=("A rubric used as a group-level gate stops a gameable dense reward from "
           "being hacked, and is at least as good as the rubric used as a dense reward "
           "term."),
    key_number=("true quality, gate - dense only", gate_minus_dense),
    paper_vs_run=paper_rows("paper (DRO)", [
        ("gate vs. rubric as dense term", "not ablated (the note's framing)",
         f"true quality: gate {shown('rubric gate', 'quality')} vs. "
         + ", ".join(f"{a} {shown(a, 'quality')}" for a in summed)),
        ("hacking without the rubric", "—", "dense only: pass rate "
         f"{shown('dense only', 'pass_rate')}, length "
         f"{shown('dense only', 'length', 3)} tokens"),
        ("quality without the rubric (F1 against the ideal)", "—",
         ", ".join(f"{a} {shown(a, 'ideal_f1')}" for a in arms)),
        ("headline", "51.8% / 58.8% win rate vs. GPT-4o (ParaRev)", "—"),
    ]),
    parameters=run.parameters | {"rubric_weights": rubric_weights},
)
verdict.publish()

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# **The summed arms against the gate, and the quality without the rubric**, from this run (mean
# [95% interval] over seeds). A summed arm counts as hacked when its whole pass-rate interval is
# at most `dense_pass_max` and as not hacked when it is wholly above; it counts as matching the
# gate when the interval of "gate minus this arm" on true quality lies below `quality_tolerance`.

# %%
HACKED = {"above": "not hacked", "below": "hacked like dense-only",
          "straddles": "hacked or not: unresolved at this budget"}
AGAINST_GATE = {"below": "at least as good as the gate (within the tolerance)",
                "above": "below the gate", "straddles": "not separable from the gate at this budget"}
say("\n".join([
    *[f"* **{arm}**: pass rate {shown(arm, 'pass_rate')} "
      f"({HACKED[lies(col(arm, 'pass_rate'), dense_pass_max)]}); true quality "
      f"{shown(arm, 'quality')}, gate minus this arm {format_interval(gap, 2)}: "
      f"{AGAINST_GATE[lies(gap, quality_tolerance)]}."
      for arm in summed for gap in [minus(gate_quality, col(arm, "quality"))]],
    "* **Without the rubric** (F1 against the ideal response), the gate's answers score "
    f"{shown('rubric gate', 'ideal_f1')}, dense-only's {shown('dense only', 'ideal_f1')}; gate "
    f"minus dense-only {where(f1_gate_minus_dense, digits=2)}, gate minus the best summed arm "
    f"{format_interval(f1_gate_minus_best, 2)}.",
    "* **Within valid answers** (true quality over pass rate), the gate's F1 after RL "
    f"minus its base's is {where(valid_f1_gain, digits=2)}; the bases' pass rate was "
    f"{format_interval(base_pass, 2)}.",
]))

# %% [markdown]
# ## Where the toy differs from the paper
#
# * **The dense reward.** DRO's R3 is the policy's own confidence in a reference answer after
#   its reasoning; ours is a count of reference tokens. Both reward content token by token,
#   and both can be gamed by a response that stuffs reference-like content, but R3 is much
#   harder to game than our count.
# * **The rubric is exact.** Our checks are code and never wrong; the paper's rubrics are
#   judged by a model. A noisy or gameable judge weakens every arm that uses it (exercise 2).
# * **A tuned λ against the gate.** The spec expected that a well-tuned λ may match the gate at
#   this size; the list above says, for this run, which summed arm is hacked and which matches
#   the gate. The gate has no knob to tune: a failing rollout ranks below every passing one
#   whatever the proxy's scale, while a summed term must outweigh the proxy gain that hacking
#   buys (exercise 1). Where a summed arm matches the gate, "rather than dense rewards" holds only
#   against a too-small λ.
# * **True quality is defined through the rubric** (F1 if every check passes, else 0); the
#   paper's quality is a judge's preference against GPT-4o. The rubric-free F1 against the
#   ideal response is this notebook's check that the gate's win is not only the definition.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(25 min, medium)* Find the smallest λ for which the summed arm is not hacked: set
#    `rubric_weights = [0.75, 1, 1.5]` in the parameters cell and re-run. Relate it to the
#    largest proxy gain hacking can buy (16/6 − 1) and the rubric term it costs.
# 2. *(35 min, hard)* Make the rubric judge noisy during training (not evaluation): flip each
#    check's outcome with probability 0.2. `rubric.train` scores with `ra.score`: copy it into a
#    cell (`notebook.show_source(rubric.train)` shows it; run `from helpers.rl.rubric import *`
#    before it, for the names it uses) and replace `ra.score(...)` in its `rollout` by a function
#    that calls `ra.score` and flips `scores["checks"]` with its own `np.random.default_rng`. Run
#    the gate and `dense + 2·rubric` arms on the first seed with the settings of the RL cell, and
#    score the policies with `ra.evaluate` as that cell does. Which arm suffers more?
# 3. *(10 min, easy)* Under the gate, a group in which nothing passes gets no gradient. Read
#    `groups_kept` (already in the training log `logs`): what share of the gate's groups get no
#    gradient at step 0, averaged over seeds? What does that do to the effective batch size early
#    in training?

# %% tags=["exercise-check"]
# Exercise 3: your answer (a share between 0 and 1), then run this cell
from helpers.notebook import check

answer = None
check(
    answer,
    1 - logs.loc[(logs["arm"] == "rubric gate") & (logs["step"] == 0), "groups_kept"].mean(),
    "the share of exercise 3",
    tolerance=0.01,
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** Hacking moves the proxy from about 1 (the ideal response) to at most 16/6 ≈ 2.67 and
# fails the length and repetition checks (two of three), which costs λ·2/3 in the summed arm.
# Hacking pays while 1.67 > 2λ/3, i.e. for λ below about 2.5 *once fully hacked*; early in
# training the gains from a little stuffing are smaller, so a λ below 2.5 can already hold if it
# stops hacking before it starts. Compare the smallest λ you find with this bound.
#
# **2.** For example `def noisy_score(problems, responses): scores = ra.score(problems,
# responses); flip = noise_rng.random(scores["checks"].shape) < 0.2; return {**scores, "checks":
# scores["checks"] ^ flip}` with `noise_rng = np.random.default_rng(0)`, called in the copy in
# place of `ra.score`. With a noisy judge, the gate sometimes floors a good response and
# sometimes lets a stuffed one compete on the proxy, where it wins; the summed arm's penalty
# only shrinks in expectation. Expect the gate's advantage to depend on the noise rate; measure
# it.
#
# **3.** `1 - logs[(logs.arm == "rubric gate") & (logs.step == 0)]["groups_kept"].mean()`. If
# rollouts passed independently with probability 0.5 (the base's design target), a group of 8
# would have no passing rollout with probability 0.5^8 ≈ 0.4%, so few groups would lose their
# gradient; compare with the logged share. It matters for weak bases whose pass rate is low.
#
# </details>
