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
# # Can natural language feedback overcome numerical reward plateaus?
#
# > **The corpus claim** (note n07, cited by both questions): "Critique-GRPO shows that
# > models stuck on performance plateaus can generate correct solutions when given
# > chain-of-thought critiques, revealing that numerical rewards lack critical information
# > about why failures occur and how to improve."
#
# **Source** [arXiv:2506.03106](https://arxiv.org/abs/2506.03106). Zhang, Zhang, Sun, Feng, Lu, Yang, Meng, *Critique-GRPO: Advancing LLM
# Reasoning with Natural Language and Numerical Feedback*, arXiv 2506.03106, 2025.
# Numeric-only RL plateaus (4k → 32k prompts does not help), self-reflection is rare, and
# about 29% of training problems stay unsolved (Pass@4 = 0). Given a critique (indicative,
# ground-truth or chain-of-thought), the plateaued model fixes many of those failures.
# Critique-GRPO trains on the first responses *and* critique-guided refinements; average
# Pass@1 gains of +4.4 points (Qwen2.5-7B) and +3.8 (Qwen3-8B). This notebook mirrors the
# paper's two analyses in miniature: refinement success per critique type on a plateaued
# model, and training curves of GRPO vs Critique-GRPO.
#
# **The caveat, up front.** Our tiny model can use critiques because its SFT data taught
# it to. So this is a demonstration of the *information argument* (a 0/1 reward says
# nothing about where a trace went wrong; a critique does), not of a large model's
# emergent ability to read critiques.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * explain why a 0/1 reward cannot move a policy that never samples a correct answer
# * implement Critique-GRPO: a refinement added to a GRPO group as a response to the original prompt
# * separate the information a critique carries from the model's ability to use it
#
# **Prerequisites.** The lab notebook; [GRPO](../../book/glossary.md) advantages; n06 (policy-gradient objectives).

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
# the critique Critique-GRPO trains with: "indicative", "ground_truth" or "cot"
critique_kind = "cot"
plateau_max = 0.1  # criterion: GRPO's bug-subclass Pass@1 stays below this
# premise: each SFT base's bug-subclass Pass@1 at most this (it copies the bug)
premise_max = 0.02
# premise: each SFT base's clean-problem Pass@1 at least this (it can add: the bug is copied,
# not a failure to add at all)
premise_clean_min = 0.5
# criterion: chain-of-thought refinement success at least this ...
cot_success_min = 0.5
cot_margin_min = 0.3  # ... and this much above the indicative critique's
# criterion: Critique-GRPO minus GRPO, bug-subclass Pass@1 (mean over seeds)
gain_min = 0.3

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import notebook, plots
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings, bases_by_seed
from helpers.results import arm_difference, per_seed
from helpers.rl import critique as cq
from helpers.tasks import column_addition as ca
from helpers.verdict import (
    Criterion,
    Verdict,
    first_design,
    format_interval,
    paper_rows,
    say,
    where,
)

PRESETS = {
    # sft_steps is a maximum where to_premise: each base trains until it copies the bug
    # and adds (design notes, 2026-12-02 evening)
    "smoke": dict(sft_steps=60, sft_batch=16, to_premise=False, rl_steps=2,
                  eval_every=2, eval_problems=16),
    "ci": dict(sft_steps=4000, sft_batch=64, to_premise=True, rl_steps=100,
               eval_every=40, eval_problems=64),
    "full": dict(sft_steps=4000, sft_batch=64, to_premise=True, rl_steps=300,
                 eval_every=20, eval_problems=256),
}
if critique_kind not in ca.CRITIQUES:
    raise ValueError(f"critique_kind={critique_kind!r} is not one of {ca.CRITIQUES}")
# seed s: SFT base s, then one RL run per arm from it
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="plateau_max premise_max premise_clean_min cot_success_min "
                              "gain_min",
                     thresholds="cot_margin_min")
cfg, seeds, device = run.cfg, run.seeds, run.device
# the first design's RL budget (40 steps), read off the same runs (design note 3)
OLD_STEPS = min(40, cfg["rl_steps"])

# %% [markdown]
# ## The experiment
#
# * **Task.** Three-digit addition written as a column-by-column trace, units first:
#   `^347+285=` → `2c1,3c1,6c0>0632` (digit, carry; then the sum). The reward is 1 only for
#   the exact trace. The SFT teacher is right everywhere except a **bug subclass**: when the
#   tens column carries into the hundreds it drops that carry (`…,5c0>0532`). The design
#   intends a base that copies the bug, so that on that subclass every rollout scores 0, the
#   group advantage is 0 and GRPO has nothing to push on. Whether this run's bases do is
#   the premise, measured per base: the "SFT base" rows of the table below.
# * **Critiques** of a wrong trace, all seven characters: *indicative* `|wrong>` (what the
#   reward already said), *ground truth* `|=0632>` (the answer; the trace must still be
#   right) and *chain of thought* `|h:cin>` (where the trace first goes wrong and what went
#   wrong there: `cin`, the carry coming in was dropped; `sum`, the column is otherwise
#   wrong; `ans`, only the answer is). Half the SFT data are
#   refinements `prompt + attempt + critique → trace`, where the teacher repairs what the
#   critique localises and, after "wrong", can only try again.
# * **Arms**, from the seed's own SFT base (seed `s` trains base `s`), 16 prompts × 8
#   samples per step, Adam 3e-4: **GRPO**, and **Critique-GRPO**: 7 samples, one failed sample per prompt gets a critique, the model's
#   refinement is scored and added to the group *as a response to the original prompt*
#   (critique stripped), advantages normalised over the 8. TRL's `GRPOTrainer` has no hook to
#   add a sample generated from a different context to a group, so `helpers.rl.critique`
#   supplies that rollout to the book's GRPO loop (`helpers.rl.core`, tested equal to TRL's).
# * **Measures.** Bug-subclass Pass@1 and Pass@8 (8 samples per held-out problem), the share
#   of problems never solved in 8 samples (the paper's persistent failures), and refinement
#   success per critique type: the share of failed attempts that one refinement fixes.
#
# **Design notes.** The spec's task, arms and criteria, with two choices it left open:
# refinement success is measured on each seed's *GRPO-trained* model (the plateaued one,
# as in the paper), and the paper's shaping function for refinement tokens is left out.
# The SFT recipe matters: the plateau needs a *confidently* wrong base. In prototype runs
# (before any verdict), a base trained for 800 steps at learning rate 2e-3 still solved 2-3%
# of bug problems and plain GRPO escaped on its own. The first full run (three seeds, an
# earlier version of this notebook) used the present base (1000 steps, 1e-3, batch 64) and
# its verdict was "partly reproduced". To save 30 s we then tried batch 48: that base solved
# about 5% of bug problems, GRPO reached 0.45 after 40 steps and that run's verdict became
# "not reproduced". We went back to batch 64, because the spec's premise is a base that fails the
# subclass, and accept that this notebook runs over the book's 3-minute target on 2 cores.
#
# **Seeds and intervals.** The verdict uses five seeds at `scale="ci"` (two at `smoke`, ten at
# `full`; the spec asked for three), one RL run per arm and seed. Each deciding criterion
# reports its per-seed values, their mean and a 95% Student-t interval over seeds: the two
# refinement-success criteria (means over seeds, on each seed's GRPO model) pass only when the
# whole interval is on the pass side of the spec's threshold; the plateau and the
# Critique-GRPO gain keep the spec's "in every seed" test. No arm is report only (both arms
# enter the deciding criteria), so all ten runs are needed; the refinement success of the SFT
# base is shown for one model only, as before. The extra runs are paid for by two cheaper loops
# that change no number: rows whose GRPO advantage is exactly 0 (a group that is all right or
# all wrong, most groups on a plateau) skip the forward and backward pass, and the first
# attempts for the refinement test are sampled once for all three critique kinds.
#
# **Second design (issue 22), written before its first run.** A review argued that the first
# design tested something narrower than the claim, in three ways; each argument, and what
# changed:
#
# 1. *The chain-of-thought critique carried no "why".* `|col:h>` said where the trace first
#    went wrong and nothing about what; the paper's chain-of-thought critiques explain the
#    error ("you did not carry the 1"). So "cot refinement success ≥ 0.5" tested whether the
#    model could redo a column it was only pointed at. The critique is now `|h:cin>`: the
#    column, and the kind of error in it (`cin`, the carry coming in was dropped; `sum`,
#    otherwise wrong; `ans`, right columns and wrong answer), computed by
#    `column_addition.error_kind`. Still seven characters, so nothing else changes length.
# 2. *The base hardly saw the skill the criterion measures.* Refinement examples on bug
#    problems started from the teacher's own bug only half the time (a random slip
#    otherwise), so chain-of-thought refinements of the bug were about 4% of the SFT data.
#    They now always start from the teacher's bug, which doubles that share (printed below);
#    the critique kinds stay uniform, so the three channels remain comparable. Risk, stated
#    before the run: more correct bug traces in the SFT data (as refinement targets) may leak
#    into first attempts, which would weaken the plateau itself.
# 3. *The plateau rested on 40 RL steps.* A plateau is a claim about what more training
#    does not achieve, so GRPO gets 100 steps at `ci` (300 at `full`, was 150); if GRPO
#    escapes with more steps, the plateau criterion says so. The 40-step reading of the
#    same runs is shown beside (`OLD_STEPS`), as are the first design's recorded numbers
#    (`data/first_designs/n07.json`, recorded 2026-12-01 with the code of that day).
#
# Also new: refinement success of the SFT base is measured on every seed (it was one
# sample), as a report-only row, so a reader sees how much of the skill predates RL. No
# threshold moved. Expected, before the run: higher cot refinement success on both models;
# a Critique-GRPO gain at least as large; an unknown effect on the plateau.
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules).**
# Until now every seed's arms started from one SFT base (seed 0), so the seeds replicated
# the RL runs and not the base, and the base is what makes the plateau: a retrained base
# moved GRPO's end point from 0.08 to 0.42. Now a seed is a base and its RL runs: seed `s`
# trains base `s` (`bases_by_seed`: initialisation, data draw and batch order), both arms of
# seed `s` start from it, and the SFT-base rows (its bug Pass@1, its refinement success) are
# measured on each seed's own base. Four further changes, written before the run:
#
# 1. *A premise.* The claim needs a bug the base does not already solve: the spec asks for a
#    correct-answer probability "about 0" on the bug subclass, so that GRPO has nothing to
#    reinforce. We read "about 0" as at most one correct trace in 50 samples,
#    `premise_max` = 0.02: below the 2-3% of the prototype base that GRPO escaped from (first
#    design notes above), and at 8 samples per group still a correct sample in only about
#    one bug group in seven. It is measured per base (bug-subclass Pass@1 before RL, 8
#    samples on each held-out bug problem) and decided on the mean's 95% interval over bases.
#    When it is not met, the verdict is "premise not met at this scale": a GRPO escape from
#    a base that already solves the subclass says nothing about the claim.
# 2. *Mean-interval rules.* The plateau (`plateau_max`) and the Critique-GRPO gain
#    (`gain_min`) were decided "in every seed". The chance that every one of n seeds passes
#    falls as seeds are added, so that rule grows stricter with more evidence; both are now
#    decided, like the refinement criteria, on the 95% interval of the mean over seeds, with
#    the same thresholds. How many seeds pass alone is shown beside them (report only).
# 3. *Stale prose.* The "where the toy differs" list described results of earlier runs (a
#    re-run with other RL seeds escaping the plateau); those numbers are now computed below
#    the list, base by base.
# 4. *SFT budget 1000 → 2000 steps* (batch 64, learning rate 1e-3 unchanged; `ci` and
#    `full`). Seen while making this change, before any run of this version: around 1000
#    steps the tiny model learns to add, and bases of different seeds cross that step at
#    different times. A base caught mid-transition leaks correct bug traces and fails the
#    premise; GRPO's training on clean problems then finishes the transition for it, which
#    fits the earlier recorded bases (bug Pass@1 0.074, GRPO escaping to 0.2-0.4). Bug-subclass
#    / clean-problem Pass@1 of single bases (8 samples × 64 held-out bug problems, 32 clean):
#
#    | SFT steps | seed 0 | seed 1 | seed 2 | seed 3 | seed 4 |
#    | --- | --- | --- | --- | --- | --- |
#    | 1000 | 0.023 / 0.48 | | | | |
#    | 1500 | 0.000 / 0.89 | 0.000 / 0.96 | 0.004 / 0.93 | 0.107 / 0.65 | 0.002 / 0.94 |
#    | 2000 | | | | 0.000 / 1.00 | |
#    | 2500 | | | | 0.000 / 0.99 | |
#
#    (A probe, seed-0 initialisation with another data draw: 0.004 / 0.008 after 500 steps,
#    0.000 / 0.93 after 1000.) At 1500 steps seed 3 is still mid-transition, so the five
#    bases' mean would fail `premise_max`; at 2000 and 2500 it copies the bug and adds
#    correctly, and neither base trained at two budgets got worse with more steps. So 2000 steps, at twice the SFT
#    compute per base (the two RL runs per seed are unchanged). The per-base premise row
#    of this run is the check on all five.
#
# **Design notes, 2026-12-02 evening (issue 28: the premise was not met).** With 2000 steps
# for every base, the recorded run's premise failed: base 4 had not learned to add (clean
# Pass@1 0.082) and base 1 leaked correct bug traces (bug Pass@1 0.045), so the verdict was
# "premise not met at this scale". A fixed step count trains every base for the same time;
# the claim needs every base in the same *state* (copies the bug, can add), and bases of
# different seeds reach that state at different steps (the table above). So each base now
# trains **to its premise**, a deterministic rule fixed before this run
# (`column_addition.TrainedToPremise`): from step 1000, every 250 steps, it samples 8 first
# attempts on 32 held-out bug problems and 32 clean ones (its own draw, not the evaluation
# sets below) and stops at the first check with bug Pass@1 ≤ 0.01 and clean Pass@1 ≥ 0.9;
# 4000 steps is the maximum, and a base that never meets the rule stops there and shows in
# the premise rows. The notebook's premise check stays as it was, on the evaluation sets, so
# it tests the rule out of sample. Thresholds unchanged; the SFT steps each base took are
# printed below. Cost: a base that stops at 1500 steps costs three quarters of the old 2000.
#
# **Design note, 2026-12-03 (issue 29: evaluation sized to its use).** At `ci` the RL runs
# are evaluated every 40 steps (was 20): steps 0, 40, 80 and 100. Every deciding and
# report-only value is read at step 0 (the base), step 40 (the old design's budget) or step
# 100 (the end), and the evaluation draws from its own seeded generators, so no value of the
# verdict can move; the learning-curve figure has four points per run instead of six.

# %% [markdown]
# **The critique in code.** What the environment tells the model after a failed attempt,
# and how it names the error; the Critique-GRPO rollout that uses it is
# `helpers.rl.critique.train` (its step is the book's one GRPO loop).

# %%
notebook.show_source(ca.critique, ca.error_kind)

# %%
sft = SFTSettings(
    num_steps=cfg["sft_steps"], batch_size=cfg["sft_batch"], learning_rate=1e-3
)
config = TinyLMConfig(n_layer=2, n_positions=64)
# seed s trains base s (initialisation, data draw, batch order); its arms start from it
# trained to the premise: checked every 250 steps from step 1000 (ca.TrainedToPremise)
until = ca.TrainedToPremise() if cfg["to_premise"] else None
bases = bases_by_seed(
    lambda st: ca.base(config, st, device=device, until=until), sft, seeds
)
tokenizer = bases[seeds[0]].tokenizer  # the same character tokenizer for every base
sft_steps = {s: len(bases[s].history["sft_loss"]) for s in seeds}
cot_bug_share = [
    np.mean([x.endswith("|h:cin>") for x, _ in ca.sft_examples(20_000, seed=s)])
    for s in seeds
]
say(
    "SFT steps per base (" + ", ".join(f"base {s}: {n:,}" for s, n in sft_steps.items())
    + f"; at most {sft.num_steps:,}"
    + (", stopping at the first check where the base copies the bug and adds"
       if until else "") + "). Chain-of-thought refinements of the bug (`|h:cin>`) are "
    f"{np.mean(cot_bug_share):.1%} of the SFT examples (the first 20,000 of each "
    f"base's data draw, mean over the {len(seeds)} bases)."
)
n_eval = cfg["eval_problems"]
bug_eval = ca.make_problems(n_eval, seed=1, split="eval", bug=True)
clean_eval = ca.make_problems(n_eval // 2, seed=2, split="eval", bug=False)
rl_pool = ca.make_problems(512, seed=3, split="train")


def evaluate(model) -> dict[str, float]:
    """Pass@1 / Pass@8 / never-solved on held-out bug problems, Pass@1 on held-out clean
    ones."""
    bug = ca.evaluate(model, tokenizer, bug_eval, seed=5, device=device)
    clean = ca.evaluate(model, tokenizer, clean_eval, seed=6, device=device)
    return {**{f"bug {k}": v for k, v in bug.items()}, "clean pass@1": clean["pass@1"]}


arms = {
    "GRPO": cq.CritiqueSettings(num_steps=cfg["rl_steps"]),
    f"Critique-GRPO ({critique_kind})": cq.CritiqueSettings(
        num_steps=cfg["rl_steps"], critique=critique_kind
    ),
}
CRIT = f"Critique-GRPO ({critique_kind})"
# every arm of seed s starts from base s
log, models = cq.compare(
    {s: bases[s].model for s in seeds}, tokenizer, rl_pool, arms, seeds,
    eval_fn=evaluate, eval_every=cfg["eval_every"], device=device,
)
start = log[(log["step"] == 0) & (log["arm"] == "GRPO")].set_index("seed")
base_bug = [start.loc[s, "bug pass@1"] for s in seeds]
say(
    f"Bug-subclass Pass@1 of the SFT bases: {format_interval(base_bug)} (mean of the "
    f"{len(seeds)} bases [95% interval]); the premise asks for at most "
    f"`premise_max` = {premise_max}, and "
    f"{sum(v <= premise_max for v in base_bug)} of {len(seeds)} bases meet it alone."
)
start[["bug pass@1", "bug pass@8", "bug never solved", "clean pass@1"]].rename(
    index=lambda s: f"SFT base {s}"
).round(3)

# %% [markdown]
# ## Does a critique carry the missing information?
#
# Take each seed's GRPO-trained model (and, for comparison, that seed's SFT base), sample 4
# first attempts per held-out bug problem, and give every failed attempt each kind of critique.
# "Wrong" alone adds nothing the reward had not already said; naming the column (or the
# answer) adds where the trace went wrong. The bars show how often the model uses that.

# %%
refinement = pd.DataFrame(
    [
        {"model": name, "seed": seed, "critique": kind, **result}
        for name, seed, model in [("SFT base", s, bases[s].model) for s in seeds]
        + [("GRPO", s, models[("GRPO", s)]) for s in seeds]
        for kind, result in cq.refinement_success_per_kind(
            model, tokenizer, bug_eval, ca.CRITIQUES, seed=seed, device=device
        ).items()
    ]
)
fig, ax = plt.subplots(figsize=(7.5, 4))
on_grpo = refinement[refinement["model"] == "GRPO"]
means = on_grpo.groupby("critique", sort=False)["success"].mean()
ax.bar(
    range(len(ca.CRITIQUES)),
    [means[k] for k in ca.CRITIQUES],
    color=[plots.arm_color(k) for k in ca.CRITIQUES],
    alpha=0.7,
)
for i, kind in enumerate(ca.CRITIQUES):
    ax.scatter(
        [i] * len(seeds),
        on_grpo[on_grpo["critique"] == kind]["success"],
        color="black",
        s=14,
        zorder=3,
    )
ax.axhline(
    cot_success_min,
    color="grey",
    ls="--",
    lw=1,
    label=f"criterion for cot ({cot_success_min})",
)
ax.set_xticks(
    range(len(ca.CRITIQUES)),
    ["indicative\n|wrong>", "ground truth\n|=0632>", "chain of thought\n|h:cin>"],
)
ax.set(ylabel="failed attempts fixed by one refinement", ylim=(0, 1.05))
ax.legend(fontsize="small")
plots.finish(fig, "Refinement success after GRPO (bars: mean, dots: seeds)")
by_kind = {
    k: on_grpo[on_grpo["critique"] == k].sort_values("seed")["success"].tolist()
    for k in ca.CRITIQUES
}
order = sorted(ca.CRITIQUES, key=lambda k: -np.mean(by_kind[k]))
say(
    (
        "Share of failed attempts fixed by one refinement on the "
        "GRPO-trained models (mean of seeds [95% interval]): "
    )
    + "; ".join(f"{k.replace('_', ' ')} {format_interval(by_kind[k])}" for k in order)
    + (
        (
            f". Highest on average: {order[0].replace('_', ' ')}; "
            f"lowest: {order[-1].replace('_', ' ')}."
        )
        if np.mean(by_kind[order[0]]) > np.mean(by_kind[order[-1]])
        else ". The three are equal on average."
    )
)
refinement.pivot_table(
    index=["model", "seed"], columns="critique", values="success"
).round(3)

# %% [markdown]
# ## Does GRPO stall on the bug subclass, and does the critique move it?
#
# Bug-subclass Pass@1 on held-out problems during RL (band: min-max over seeds, thin lines:
# seeds). On the right, problems never solved in 8 samples: the paper's persistent failures.

# %%
curve = log.dropna(subset=["bug pass@1"])
fig, axes = plt.subplots(1, 2, figsize=(13, 4.3))
plots.seed_band(axes[0], curve, "step", "bug pass@1", arms=list(arms))
axes[0].axhline(plateau_max, color="grey", ls="--", lw=1)
axes[0].set(xlabel="RL step", ylabel="Pass@1, held-out bug problems", ylim=(-0.02, 1))
plots.seed_band(axes[1], curve, "step", "bug never solved", arms=list(arms))
axes[1].set(xlabel="RL step", ylabel="share never solved in 8 samples", ylim=(0, 1.02))
for ax in axes:
    ax.legend(fontsize="small")
plots.finish(
    fig, "Held-out bug problems during RL: Pass@1 and the share never solved, per arm"
)
ends = log[log["step"] == cfg["rl_steps"]]
end_bug = {
    arm: ends[ends["arm"] == arm].sort_values("seed")["bug pass@1"].tolist()
    for arm in arms
}
below = sum(v < plateau_max for v in end_bug["GRPO"])
say(
    (
        f"Bug-subclass Pass@1 after {cfg['rl_steps']} RL steps (mean of seeds [95% "
        f"interval]; SFT bases {format_interval(base_bug)}): "
    )
    + "; ".join(f"{arm} {format_interval(v)}" for arm, v in end_bug.items())
    + (
        f". GRPO's mean is {where(end_bug['GRPO'], plateau_max)}; "
        f"{below} of {len(seeds)} seeds end below `plateau_max` alone."
    )
)

# %% [markdown]
# ## Verdict
#
# The premises: each SFT base's bug-subclass Pass@1 at most `premise_max` (the base copies
# the bug; mean over bases), and its clean-problem Pass@1 at least `premise_clean_min` (a base
# that cannot add at all would also score about 0 on bug problems, without copying any bug;
# added by the lead after the helper's review, before any `ci` run of the notebook). The spec's criteria: GRPO's bug-subclass Pass@1 below
# `plateau_max` at the end; chain-of-thought refinement success at least `cot_success_min`
# and `cot_margin_min` above the indicative critique's (on the GRPO model); Critique-GRPO's
# bug-subclass Pass@1 at least `gain_min` above GRPO's. Every one is decided on the mean over
# seeds (a seed is a base and its RL runs): it passes only when the mean's 95% interval is
# wholly on the pass side; the table also shows how many seeds pass alone. Ground-truth
# success, persistent failures and clean-problem accuracy are reported, not decided.

# %%
end = {"step": cfg["rl_steps"]}  # the last evaluation of every run
grpo_end = per_seed(log, "bug pass@1", seeds, arm="GRPO", **end)
gain = arm_difference(log, "bug pass@1", CRIT, "GRPO", seeds, **end)
success = on_grpo.pivot(index="seed", columns="critique", values="success")
base_success = refinement[refinement["model"] == "SFT base"].pivot(
    index="seed", columns="critique", values="success")
cot_margin = (success["cot"] - success["indicative"]).tolist()
never_gap = arm_difference(log, "bug never solved", "GRPO", CRIT, seeds, **end)
clean_gap = arm_difference(log, "clean pass@1", CRIT, "GRPO", seeds, **end)
grpo_never = per_seed(log, "bug never solved", seeds, arm="GRPO", **end)
PLATEAU = "GRPO bug Pass@1 at the end (mean)"
GAIN = f"bug Pass@1, {CRIT} - GRPO (mean)"
premises = [
    Criterion("SFT base bug Pass@1 (mean over bases)", by_seed=base_bug,
              threshold=premise_max, op="<=", every_seed=True),
    Criterion("SFT base clean-problem Pass@1 (it can add; mean over bases)",
              by_seed=[start.loc[s, "clean pass@1"] for s in seeds],
              threshold=premise_clean_min, every_seed=True),
]
criteria = [
    Criterion(PLATEAU, by_seed=grpo_end, threshold=plateau_max, op="<",
              every_seed=True),
    Criterion("cot refinement success (GRPO model, mean)",
              by_seed=success["cot"].tolist(), threshold=cot_success_min,
              every_seed=True),
    Criterion("cot - indicative refinement success (mean)", by_seed=cot_margin,
              threshold=cot_margin_min, every_seed=True),
    Criterion(GAIN, by_seed=gain, threshold=gain_min, every_seed=True),
    Criterion("cot refinement success (SFT base, mean)", base_success["cot"].tolist(),
              cot_success_min, ">=", decides=False),
    Criterion("ground-truth refinement success (mean)",
              success["ground_truth"].tolist(), 0.5, ">=", decides=False),
    Criterion(f"never solved in 8, GRPO - {CRIT} (mean)", never_gap, 0.0, ">",
              decides=False),
    Criterion(f"clean Pass@1, {CRIT} - GRPO (mean)", clean_gap, -0.05, ">=",
              decides=False),
]
verdict = Verdict(
    note_id="n07", criteria=criteria, premises=premises,
    claim=("A critique that says where and how a trace went wrong lets a "
           "plateaued model fix failures a 0/1 reward cannot move."),
    key_number=("bug-subclass Pass@1 gain, Critique-GRPO - GRPO", gain),
    paper_vs_run=paper_rows("paper", [
        ("Pass@1 gain of Critique-GRPO over GRPO",
         "+4.4 (Qwen2.5-7B), +3.8 (Qwen3-8B) points, all problems",
         f"{format_interval([100 * g for g in gain])} points, bug subclass"),
        ("persistent failures under numeric RL",
         "~29% of training problems, Pass@4 = 0",
         f"{format_interval([100 * v for v in grpo_never], unit='%')} "
         "of bug problems, Pass@8 = 0"),
        ("refinement success: cot / ground truth / indicative",
         "cot highest, indicative lowest",
         " / ".join(format_interval(success[k].tolist())
                    for k in ("cot", "ground_truth", "indicative"))),
    ]),
    parameters=run.parameters | {"critique_kind": critique_kind},
)
verdict.publish()

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## The second design beside the first
#
# The deciding numbers of this run (means over seeds), read at the first design's RL budget
# (`OLD_STEPS`) and at this design's, beside the last record of the first design
# (`|col:h>` critique, the first SFT mixture, 40 steps; recorded with the code of that day).
# Refinement success is measured once, after RL, so it has no step-40 reading.

# %%
first = first_design("n07")
at_old = log[log["step"] == OLD_STEPS].set_index(["arm", "seed"])


rows = {
    PLATEAU: (
        np.mean([at_old.loc[("GRPO", s), "bug pass@1"] for s in seeds]),
        np.mean(grpo_end),
    ),
    "cot refinement success (GRPO model, mean)": (np.nan, np.mean(success["cot"])),
    "cot - indicative refinement success (mean)": (np.nan, np.mean(cot_margin)),
    GAIN: (
        np.mean(
            [
                at_old.loc[(CRIT, s), "bug pass@1"]
                - at_old.loc[("GRPO", s), "bug pass@1"]
                for s in seeds
            ]
        ),
        np.mean(gain),
    ),
}
# the first design's record names the two "every seed" criteria as they were then
old_name = {
    PLATEAU: "GRPO bug Pass@1 at the end, every seed",
    GAIN: f"bug Pass@1, {CRIT} - GRPO, every seed",
}
recorded = {
    name: first["criteria"].get(old_name.get(name, name), np.nan) for name in rows
}
pd.DataFrame(
    [
        {
            "criterion": name,
            "first design (recorded)": recorded[name],
            f"this design, step {OLD_STEPS}": old,
            f"this design, step {cfg['rl_steps']}": new,
        }
        for name, (old, new) in rows.items()
    ]
).set_index("criterion").round(3)

# %%
say(
    f"The first design's verdict was \"{first['verdict']}\"; this design's is "
    f"\"{verdict.word}\". GRPO's bug-subclass Pass@1 went from "
    f"{rows[PLATEAU][0]:.3f} at step {OLD_STEPS} to "
    f"{np.mean(grpo_end):.3f} at step {cfg['rl_steps']} (mean of seeds)"
    + (
        f"; the first design's record had {recorded[PLATEAU]:.3f} (one shared base)."
        if not np.isnan(recorded[PLATEAU])
        else "."
    )
)

# %% [markdown]
# ## Where the toy differs from the paper
#
# * **Critique-following is built in.** The SFT data contain refinements, so the model
#   knows what to do with `|h:cin>`. The paper's point is that large models can read free-text
#   critiques they were never trained on; nothing here speaks to that.
# * **Ground truth versus chain of thought.** In the paper, chain-of-thought critiques help
#   most. In a fully determined trace, the answer digits pin down every column, so `|=0632>`
#   carries at least as much information as our `|h:cin>`, which names the column and the
#   kind of error but not the digit: the model still has to redo the hundreds column. The
#   paper's chain-of-thought critiques explain the reasoning error, which an answer alone
#   does not. Which of the two wins in this run is computed below the list.
# * **The plateau is manufactured.** The bug is a systematic teacher error on a whole
#   subclass, meant to leave each base with almost no probability of the right trace there
#   (the premise); the refinement targets in the SFT data (correct bug traces after a
#   critique) can leak into first attempts. The paper's plateaus are softer: scaling data
#   stops helping, and persistent failures are 29% of problems, not a whole subclass. A
#   scalar reward is enough as soon as some samples succeed, so how far GRPO climbs depends
#   on how far the base leaks; the sentences below the list compare the two, base by base.
# * **What the refinements cost elsewhere.** The report-only row on clean (non-bug) problems
#   compares the arms where the base was already right. When it is negative, the refinements,
#   trained as if they answered the original prompt, also push clean problems towards the
#   repaired pattern (a carry into the hundreds) where it does not belong; the paper's
#   gains are averaged over all problems, so this is the number to watch before calling the
#   method free.
# * **Scale of the gain.** The paper's +4 points are over all problems with 7-8B models;
#   ours is measured on the subclass built to be stuck, so the two sizes are not comparable.

# %%
escaped = [s for s, v in zip(seeds, grpo_end) if v >= plateau_max]
varied = len(seeds) > 2 and min(np.std(base_bug), np.std(grpo_end)) > 0
leak_order = np.corrcoef(base_bug, grpo_end)[0, 1] if varied else np.nan
say(
    f"Base by base: bug-subclass Pass@1 of the SFT base "
    + ", ".join(f"{v:.3f}" for v in base_bug)
    + f"; GRPO's after {cfg['rl_steps']} steps "
    + ", ".join(f"{v:.3f}" for v in grpo_end)
    + f" (seeds {', '.join(map(str, seeds))}). "
    + (
        f"GRPO reaches `plateau_max` = {plateau_max} from the bases of seeds "
        f"{', '.join(map(str, escaped))}"
        if escaped
        else f"GRPO stays below `plateau_max` = {plateau_max} from every base"
    )
    + (
        f"; the correlation between the two over bases is {leak_order:.2f}."
        if not np.isnan(leak_order)
        else "."
    )
)

# %%
gt_minus_cot = (success["ground_truth"] - success["cot"]).tolist()
lead = {
    1: "ground truth is higher",
    -1: "chain of thought is higher",
    0: "the two are equal",
}[int(np.sign(np.mean(gt_minus_cot)))]
say(
    "Refinement success, ground truth minus chain of thought, on the GRPO "
    f"models: {format_interval(gt_minus_cot)} (mean of seeds [95% interval]); "
    f"{lead} on average in this run (the paper: chain of thought highest)."
)

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(25 min, medium)* Which critique has the highest refinement success on the GRPO models
#    in this run (`"indicative"`, `"ground_truth"` or `"cot"`)? Then set
#    `critique_kind="indicative"`, then `"ground_truth"`, and re-run. With "wrong" the added
#    refinement is almost always wrong: does Critique-GRPO still beat GRPO (extra sample vs
#    extra information)? Does the critique with the highest refinement success give the
#    fastest curve?
# 2. *(40 min, medium)* Change the `ci` preset's `sft_batch` to 48 in the set-up cell (in a
#    prototype run, that base solved a few per cent of bug problems). What happens to the
#    plateau, and to the gap between the arms?
# 3. *(45 min, hard)* The paper's shaping function up-weights correct refinement tokens that
#    the policy finds unlikely. `helpers.rl.core.train` takes an `advantages` callable that may
#    return one weight per token; `cq.train` does not pass one, so copy it
#    (`notebook.show_source(cq.train)`) into a new cell, store the per-token log π of every row
#    in the `Rollout` it builds (`logprobs=`), and pass `advantages=` a function that
#    multiplies the refinement rows' advantages by `1 / (π(token) + γ)`. Compare the curves.

# %% tags=["exercise-check"]
# Exercise 1: your answer ("indicative", "ground_truth" or "cot"), then run this cell
from helpers.notebook import check

answer = None
check(answer, order[0], "the critique of exercise 1")

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** The refinement table and the sentence under the bar chart rank the three kinds (mean of
# seeds on the GRPO models). With `"indicative"` the refinement is almost always wrong, so it
# adds a zero-reward sample to groups that are already all zero: the advantage stays 0 and the
# curve should look like GRPO's. Any gap left is the effect of the extra sample, not of
# information. The critique with the highest refinement success gives each group a positive
# sample most often; whether that trains faster also depends on how far the refinement is from
# what the policy would sample (the paper's shaping function addresses this).
#
# **2.** A base that solves a few per cent of bug problems gives GRPO some groups with a positive
# sample, and GRPO climbs out of the plateau on its own; the design notes record that this
# happened in a prototype run. The gap between the arms shrinks because the critique's information
# is no longer the only way to find the right trace. (At `ci` each base trains to its premise, so
# also read the SFT steps each base took and the premise rows: a base that never copies the bug
# gives "premise not met".)
#
# **3.** The copy needs `from collections.abc import Callable, Sequence`, `import torch`,
# `from helpers.lm.sampling import encode`, `from helpers.rl import core`,
# `from helpers.rl.core import Rollout`, `from helpers.rl.critique import CritiqueSettings, refine` and,
# for its annotations, `from transformers import PreTrainedTokenizerBase` (or start the cell with
# `from __future__ import annotations`).
# In its `rollout`, before the `return`:
#
# ```python
# all_seqs = torch.cat(seqs)
# logits = policy(input_ids=all_seqs).logits[:, ca.PROMPT_LEN - 1 : -1].float()
# logprobs = logits.log_softmax(-1).gather(2, all_seqs[:, ca.PROMPT_LEN :, None]).squeeze(-1)
# ```
#
# then `Rollout(all_seqs, ..., logprobs=logprobs, info=info)`, and `advantages=shaped` in the
# `core.train(...)` call, with
#
# ```python
# def shaped(batch, gamma=0.1):
#     adv = core.group_advantages(batch.rewards, batch.groups)[:, None].repeat(1, batch.length)
#     n = int(batch.info["refinements"])  # the refinements are the last n rows
#     if n:
#         adv[-n:] = adv[-n:] / (batch.logprobs[-n:].exp() + gamma)
#     return adv
# ```
#
# The log-probabilities are those of the refinement as a response to the original prompt
# (critique stripped), the context it is trained in, computed without gradient, so the weight is
# a constant. First attempts keep their plain advantage. Smaller γ up-weights tokens the policy
# finds unlikely more strongly. Run the copy per seed with `cq.CritiqueSettings(num_steps=cfg["rl_steps"], critique=critique_kind)`
# and `eval_fn=evaluate`, and compare `bug pass@1` curves for γ in {0.1, 1} with the
# Critique-GRPO arm.
#
# </details>
