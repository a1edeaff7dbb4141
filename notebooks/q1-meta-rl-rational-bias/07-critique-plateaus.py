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
# # Can natural language feedback overcome numerical reward plateaus?
#
# > **The corpus claim** (note n07, cited by both questions): "Critique-GRPO shows that
# > models stuck on performance plateaus can generate correct solutions when given
# > chain-of-thought critiques, revealing that numerical rewards lack critical information
# > about why failures occur and how to improve."
#
# **Source** {cite}`zhang2025critiquegrpo`. Zhang, Zhang, Sun, Feng, Lu, Yang, Meng, *Critique-GRPO: Advancing LLM
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
# **Prerequisites.** The lab notebook; {term}`GRPO` advantages; n06 (policy-gradient objectives).

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
# "smoke" (seconds), "ci" (CPU default; time: status page), "full" (GPU: longer runs)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"
# the critique Critique-GRPO trains with: "indicative", "ground_truth" or "cot"
critique_kind = "cot"
plateau_max = 0.1  # criterion: GRPO's bug-subclass Pass@1 stays below this
# criterion: chain-of-thought refinement success at least this ...
cot_success_min = 0.5
cot_margin_min = 0.3  # ... and this much above the indicative critique's
# criterion: Critique-GRPO minus GRPO, bug-subclass Pass@1, in every seed
gain_min = 0.3

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import notebook, plots
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings
from helpers.rl import critique as cq
from helpers.tasks import column_addition as ca
from helpers.verdict import Criterion, Verdict, first_design, format_interval, say

PRESETS = {
    "smoke": dict(
        sft_steps=60, sft_batch=16, rl_steps=2, eval_every=2, eval_problems=16
    ),
    "ci": dict(
        sft_steps=1000, sft_batch=64, rl_steps=100, eval_every=20, eval_problems=64
    ),
    "full": dict(
        sft_steps=1000, sft_batch=64, rl_steps=300, eval_every=20, eval_problems=256
    ),
}
if critique_kind not in ca.CRITIQUES:
    raise ValueError(f"critique_kind={critique_kind!r} is not one of {ca.CRITIQUES}")
# one RL run per arm and seed (the SFT base is shared)
run = notebook.start(
    scale,
    PRESETS,
    seeds,
    device,
    positive=dict(
        plateau_max=plateau_max, cot_success_min=cot_success_min, gain_min=gain_min
    ),
    thresholds=dict(cot_margin_min=cot_margin_min),
)
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
#   group advantage is 0 and GRPO has nothing to push on. Whether this run's base does is
#   measured: its bug-subclass Pass@1 is the "SFT base" row of the table below.
# * **Critiques** of a wrong trace, all seven characters: *indicative* `|wrong>` (what the
#   reward already said), *ground truth* `|=0632>` (the answer; the trace must still be
#   right) and *chain of thought* `|h:cin>` (where the trace first goes wrong and what went
#   wrong there: `cin`, the carry coming in was dropped; `sum`, the column is otherwise
#   wrong; `ans`, only the answer is). Half the SFT data are
#   refinements `prompt + attempt + critique → trace`, where the teacher repairs what the
#   critique localises and, after "wrong", can only try again.
# * **Arms**, from one base, 16 prompts × 8 samples per step, Adam 3e-4: **GRPO**, and
#   **Critique-GRPO**: 7 samples, one failed sample per prompt gets a critique, the model's
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
base = ca.base(TinyLMConfig(n_layer=2, n_positions=64), sft, device=device)
sft_pairs = ca.sft_examples(sft.num_steps * sft.batch_size, seed=sft.seed)
cot_bug_share = float(np.mean([x.endswith("|h:cin>") for x, _ in sft_pairs]))
say(
    "Chain-of-thought refinements of the bug (`|h:cin>`) are "
    f"{cot_bug_share:.1%} of this base's {len(sft_pairs):,} SFT examples."
)
n_eval = cfg["eval_problems"]
bug_eval = ca.make_problems(n_eval, seed=1, split="eval", bug=True)
clean_eval = ca.make_problems(n_eval // 2, seed=2, split="eval", bug=False)
rl_pool = ca.make_problems(512, seed=3, split="train")


def evaluate(model) -> dict[str, float]:
    """Pass@1 / Pass@8 / never-solved on held-out bug problems, Pass@1 on held-out clean
    ones."""
    bug = ca.evaluate(model, base.tokenizer, bug_eval, seed=5, device=device)
    clean = ca.evaluate(model, base.tokenizer, clean_eval, seed=6, device=device)
    return {**{f"bug {k}": v for k, v in bug.items()}, "clean pass@1": clean["pass@1"]}


arms = {
    "GRPO": cq.CritiqueSettings(num_steps=cfg["rl_steps"]),
    f"Critique-GRPO ({critique_kind})": cq.CritiqueSettings(
        num_steps=cfg["rl_steps"], critique=critique_kind
    ),
}
CRIT = f"Critique-GRPO ({critique_kind})"
log, models = cq.compare(
    base.model,
    base.tokenizer,
    rl_pool,
    arms,
    seeds,
    eval_fn=evaluate,
    eval_every=cfg["eval_every"],
    device=device,
)
log[log["step"] == 0].iloc[[0]][
    ["bug pass@1", "bug pass@8", "bug never solved", "clean pass@1"]
].set_index(pd.Index(["SFT base"])).round(3)

# %% [markdown]
# ## Does a critique carry the missing information?
#
# Take each seed's GRPO-trained model (and, for comparison, the SFT base, sampled with each
# seed), sample 4
# first attempts per held-out bug problem, and give every failed attempt each kind of critique.
# "Wrong" alone adds nothing the reward had not already said; naming the column (or the
# answer) adds where the trace went wrong. The bars show how often the model uses that.

# %%
refinement = pd.DataFrame(
    [
        {"model": name, "seed": seed, "critique": kind, **result}
        for name, seed, model in [("SFT base", s, base.model) for s in seeds]
        + [("GRPO", s, models[("GRPO", s)]) for s in seeds]
        for kind, result in cq.refinement_success_per_kind(
            model, base.tokenizer, bug_eval, ca.CRITIQUES, seed=seed, device=device
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
        f"interval]; base {curve[curve['step'] == 0]['bug pass@1'].iloc[0]:.3f}): "
    )
    + "; ".join(f"{arm} {format_interval(v)}" for arm, v in end_bug.items())
    + (
        ". GRPO ends below `plateau_max` = "
        f"{plateau_max} in {below} of {len(seeds)} seeds."
    )
)

# %% [markdown]
# ## Verdict
#
# The spec's criteria: GRPO's bug-subclass Pass@1 below `plateau_max` at the end (every
# seed); chain-of-thought refinement success at least `cot_success_min` and `cot_margin_min`
# above the indicative critique's (mean of seeds, on the GRPO model); Critique-GRPO's
# bug-subclass Pass@1 at least `gain_min` above GRPO's in every seed. A criterion on a mean
# passes only when its 95% interval over seeds is wholly on the pass side. Ground-truth success,
# persistent failures and clean-problem accuracy are reported, not decided.

# %%
final = log[log["step"] == cfg["rl_steps"]].set_index(["arm", "seed"])
grpo_end = [final.loc[("GRPO", s), "bug pass@1"] for s in seeds]
gain = [
    final.loc[(CRIT, s), "bug pass@1"] - final.loc[("GRPO", s), "bug pass@1"]
    for s in seeds
]
success = on_grpo.pivot(index="seed", columns="critique", values="success")
on_base = refinement[refinement["model"] == "SFT base"]
base_success = on_base.pivot(index="seed", columns="critique", values="success")
cot_margin = (success["cot"] - success["indicative"]).tolist()
never_gap = [
    final.loc[("GRPO", s), "bug never solved"]
    - final.loc[(CRIT, s), "bug never solved"]
    for s in seeds
]
clean_gap = [
    final.loc[(CRIT, s), "clean pass@1"] - final.loc[("GRPO", s), "clean pass@1"]
    for s in seeds
]
grpo_never = [final.loc[("GRPO", s), "bug never solved"] for s in seeds]
criteria = [
    Criterion(
        "GRPO bug Pass@1 at the end, every seed",
        None,
        plateau_max,
        "<",
        per_seed=grpo_end,
    ),
    Criterion(
        "cot refinement success (GRPO model, mean)",
        success["cot"].tolist(),
        cot_success_min,
        ">=",
    ),
    Criterion(
        "cot - indicative refinement success (mean)", cot_margin, cot_margin_min, ">="
    ),
    Criterion(
        f"bug Pass@1, {CRIT} - GRPO, every seed", None, gain_min, ">=", per_seed=gain
    ),
    Criterion(
        "cot refinement success (SFT base, mean)",
        base_success["cot"].tolist(),
        cot_success_min,
        ">=",
        decides=False,
    ),
    Criterion(
        "ground-truth refinement success (mean)",
        success["ground_truth"].tolist(),
        0.5,
        ">=",
        decides=False,
    ),
    Criterion(
        f"never solved in 8, GRPO - {CRIT} (mean)", never_gap, 0.0, ">", decides=False
    ),
    Criterion(
        f"clean Pass@1, {CRIT} - GRPO (mean)", clean_gap, -0.05, ">=", decides=False
    ),
]
verdict = Verdict(
    note_id="n07",
    claim=(
        "A critique that says where and how a trace went wrong lets a "
        "plateaued model fix failures a 0/1 reward cannot move."
    ),
    criteria=criteria,
    key_number=("bug-subclass Pass@1 gain, Critique-GRPO - GRPO", gain),
    paper_vs_run=[
        {
            "quantity": "Pass@1 gain of Critique-GRPO over GRPO",
            "paper": "+4.4 (Qwen2.5-7B), +3.8 (Qwen3-8B) points, all problems",
            "this run (mean of seeds [95% interval])": (
                f"{format_interval([100 * g for g in gain])} points, bug subclass"
            ),
        },
        {
            "quantity": "persistent failures under numeric RL",
            "paper": "~29% of training problems, Pass@4 = 0",
            "this run (mean of seeds [95% interval])": (
                f"{format_interval([100 * v for v in grpo_never], unit='%')} "
                "of bug problems, Pass@8 = 0"
            ),
        },
        {
            "quantity": "refinement success: cot / ground truth / indicative",
            "paper": "cot highest, indicative lowest",
            "this run (mean of seeds [95% interval])": " / ".join(
                format_interval(success[k].tolist())
                for k in ("cot", "ground_truth", "indicative")
            ),
        },
    ],
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
    "GRPO bug Pass@1 at the end, every seed": (
        np.mean([at_old.loc[("GRPO", s), "bug pass@1"] for s in seeds]),
        np.mean(grpo_end),
    ),
    "cot refinement success (GRPO model, mean)": (np.nan, np.mean(success["cot"])),
    "cot - indicative refinement success (mean)": (np.nan, np.mean(cot_margin)),
    f"bug Pass@1, {CRIT} - GRPO, every seed": (
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
pd.DataFrame(
    [
        {
            "criterion": name,
            "first design (recorded)": first["criteria"].get(name, np.nan),
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
    f"{rows['GRPO bug Pass@1 at the end, every seed'][0]:.3f} at step {OLD_STEPS} to "
    f"{np.mean(grpo_end):.3f} at step {cfg['rl_steps']} (mean of seeds)"
    + (
        f"; the first design's record had {first['criteria'][next(iter(rows))]:.3f}."
        if next(iter(rows)) in first["criteria"]
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
# * **The plateau is meant to be manufactured.** The bug is a systematic teacher error on a
#   whole subclass, meant to leave the base with almost no probability of the right trace
#   there; how far it does is the "SFT base" row measured above, and the refinement targets
#   in the SFT data (correct bug traces after a critique) can leak into first attempts. The
#   paper's plateaus are softer: scaling data stops helping, and persistent failures are
#   29% of problems, not a whole subclass. A base trained for fewer SFT steps solves a few
#   per cent of bug problems and plain GRPO then escapes on its own (see the design notes):
#   a scalar reward is enough as soon as any sample succeeds.
# * **What the refinements cost elsewhere.** The report-only row on clean (non-bug) problems
#   compares the arms where the base was already right. When it is negative, the refinements,
#   trained as if they answered the original prompt, also push clean problems towards the
#   repaired pattern (a carry into the hundreds) where it does not belong; the paper's
#   gains are averaged over all problems, so this is the number to watch before calling the
#   method free.
# * **How robust the plateau is.** In an earlier, three-seed version of this
#   notebook, a re-run with RL seeds 3, 4, 5 (`make robustness`, same base) ended with GRPO at
#   0.10-0.17 bug-subclass Pass@1: a few lucky samples per group are enough for GRPO to start
#   climbing, so the plateau criterion failed and that run's verdict was "not reproduced at
#   this scale", although Critique-GRPO still led by 0.18-0.35 in every seed. Seeds 3 and 4
#   are now among the default five, so the plateau criterion's per-seed values above show
#   directly whether this run's seeds escape; the seed set is a parameter, so check others.
# * **Scale of the gain.** The paper's +4 points are over all problems with 7-8B models;
#   ours is measured on the subclass built to be stuck, so the two sizes are not comparable.

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
# 1. Set `critique_kind="indicative"`, then `"ground_truth"`. With "wrong" the added
#    refinement is almost always wrong: does Critique-GRPO still beat GRPO (extra sample vs
#    extra information)? Which critique has the highest refinement success in your run, and
#    does it give the fastest curve?
# 2. Change the `ci` preset's `sft_batch` to 48 (in a prototype run, that base solved a few
#    per cent of bug problems). What happens to the plateau, and to the gap between the arms?
# 3. The paper's shaping function up-weights correct refinement tokens that the policy
#    finds unlikely. Add a weight `1 / (π(token) + γ)` to the refinement rows in
#    `helpers.rl.critique.train` and compare the curves.

# %% [markdown] tags=["solution"]
# :::{admonition} Solutions (instructors: `make student` removes this cell)
# :class: dropdown
#
# **1.** With `"indicative"` the refinement is almost always wrong, so it adds a zero-reward
# sample to groups that are already all zero: the advantage stays 0 and the curve should look like
# GRPO's. Any gap left is the effect of the extra sample, not of information. The critique with
# the highest refinement success (see the refinement table) gives each group a positive sample
# most often; whether that trains faster also depends on how far the refinement is from what the
# policy would sample (the paper's shaping function addresses this).
#
# **2.** A base that solves a few per cent of bug problems gives GRPO some groups with a positive
# sample, and GRPO climbs out of the plateau on its own; the design notes record that this
# happened in a prototype run. The gap between the arms shrinks because the critique's information
# is no longer the only way to find the right trace.
#
# **3.** In `helpers.rl.critique.train`, compute per-token log-probabilities of the refinement rows,
# and multiply their advantage by `1 / (exp(logp) + γ)` (detached) before summing; leave the first
# attempts unchanged. Smaller γ up-weights tokens the policy finds unlikely more strongly. Compare
# `bug pass@1` curves for γ in {0.1, 1}.
# :::
