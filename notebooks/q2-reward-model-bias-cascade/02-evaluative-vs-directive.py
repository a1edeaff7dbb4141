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
# # Can scalar rewards capture all the information in agent feedback?
#
# > **The corpus claim** (note n09, cited by Q2): "Natural feedback carries two orthogonal
# > types of information: evaluative (how well an action performed) and directive (how it
# > should change). Scalar rewards capture evaluation but discard directional specifics that
# > token-level distillation can recover, making the two complementary rather than redundant."
#
# **Source** [arXiv:2603.10165](https://arxiv.org/abs/2603.10165). Wang, Chen, Jin, Wang, Yang, *OpenClaw-RL: Train Any Agent Simply
# by Talking*, arXiv 2603.10165, 2026. The next state after an agent's action (a user's reply,
# a tool's output) is used twice: a judge turns it into a scalar reward for binary RL
# (evaluative), and **hindsight-guided on-policy distillation** (OPD) writes a hint from it
# into a teacher's context and distils ([On-policy distillation](../../book/glossary.md)) the teacher's token-level judgement of the agent's own
# response back into the agent (directive). The paper reports that the combination beats
# either alone. This notebook mirrors that three-arm comparison on a task where we control
# exactly which information each channel carries.
#
# The headline numbers we found for this paper come from secondary summaries that disagree
# with each other, so none is quoted here as checked.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * separate what a scalar reward can teach from what a hint can teach, on one task
# * implement on-policy distillation from a hint-conditioned teacher, and REINFORCE beside it
# * explain why a sampled-token distillation signal can stall where the full distribution does not
#
# **Prerequisites.** The lab chapter's policy gradient ([Advantage](../../book/glossary.md)); KL divergence.

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
# page), "full" (more interactions and seeds; GPU)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"
# share of interactions on which the user names the first wrong letter (the spec's)
hint_share = 0.5
substitution_gain_min = 0.1  # criterion: substitution accuracy, OPD minus REINFORCE
bang_excess_max = 0.1  # criterion: "!" rate, OPD minus no-updates control, at most this
exact_tolerance = 0.02  # criterion: exact match, both >= max(REINFORCE, OPD) minus this
# criteria: substitution accuracy and "!" rate, both >= the better single arm minus this
retention_tolerance = 0.1
# guard: a quantity is off its floor (can test "complementary") when the better single arm
# beats the no-updates control on it by at least this (mean over seeds, 95% interval)
learned_min = 0.1
# premises, on each seed's phase-0 base: it does not already do what the feedback teaches,
# and it obeys a hint (the directive signal is the model read with a hint)
base_substitution_max = 0.1
base_bang_max = 0.5
hint_obedience_min = 0.5

# %%
import matplotlib.pyplot as plt
import pandas as pd

from helpers import notebook, params, plots
from helpers.lm.models import TinyLMConfig
from helpers.lm.sft import SFTSettings, bases_by_seed
from helpers.results import arm_difference, highest, minus, per_seed
from helpers.rl import opd
from helpers.rl.opd import FeedbackSettings
from helpers.tasks import hidden_preferences as hp
from helpers.verdict import Criterion, Verdict, format_interval, paper_rows, say, where

PRESETS = {
    "smoke": dict(
        pretrain_steps=40, steps=4, eval_every=2, eval_words=16, eval_samples=2
    ),
    "ci": dict(
        pretrain_steps=800, steps=80, eval_every=16, eval_words=64, eval_samples=4
    ),
    "full": dict(
        pretrain_steps=1500, steps=300, eval_every=20, eval_words=256, eval_samples=8
    ),
}
# one phase-0 base and one phase-1 run per arm for each seed
run = notebook.start(scale, PRESETS, seeds, device, globals(),
                     positive="substitution_gain_min bang_excess_max exact_tolerance "
                              "retention_tolerance learned_min base_substitution_max "
                              "base_bang_max hint_obedience_min")
cfg, seeds, device = run.cfg, run.seeds, run.device
variant_seeds = params.report_seeds(seeds, scale)  # the two report-only OPD variants
if not 0.0 < hint_share <= 1.0:
    raise ValueError(f"hint_share must be in (0, 1], got {hint_share}")

# %% [markdown]
# ## The experiment
#
# * **Task.** The prompt is 5 letters from `a`-`h`, e.g. `bdaeh>`. The model's habit is to
#   copy them. The user has two **hidden preferences**: four letters should be substituted
#   (`b→g, d→a, e→h, g→c`), and the answer should end in `"!"`. For `bdaeh` the user wants
#   `gaahh!`.
# * **Feedback** after every response. *Evaluative*: reward 1 iff the response is exactly
#   right. *Directive*: on half of the interactions, a hint "position `i` should be `c`" naming
#   the first wrong letter. Nobody ever explains the `"!"`: a hint is only about letters.
# * **Phase 0** (800 steps of supervised pretraining): copying, where half the prompts carry a
#   random hint (`bdaeh|2c>`) and the target obeys it; so the model can act as a
#   hint-conditioned teacher. 10% of targets end in `"!"`, a meaningless habit that gives the
#   reward something to find.
# * **Phase 1**, the same 5,120 interactions per arm (80 steps of 8 words × 8 samples):
#   **REINFORCE** on the scalar reward (group baseline); **OPD**: the current model reads the
#   prompt *with the hint* as a teacher, and the student is distilled towards the teacher's
#   next-token distribution on its own response; **REINFORCE + OPD**: both losses; **no
#   updates**: the phase-0 model.
# * **Metrics** on 64 held-out words, 4 samples each: exact match; **substitution accuracy**
#   (over the letters the user wants changed); **`"!"` rate**.
#
# The loop is `helpers.rl.opd.train`: TRL's `GRPOTrainer` takes one scalar reward per completion,
# and OPD needs a per-token signal from a second context.
#
# **Design notes** (written before the default-seed run, after prototypes on seed 0 only).
# Three changes from the spec, each from a prototype. (1) **Distillation over the whole
# next-token distribution** (`KL(π_teacher ‖ π_student)` at every response position of a
# hinted interaction) instead of the spec's sampled-token advantage `log π_T(y_t) − log π_θ(y_t)`.
# The sampled-token form learned nothing: substitution accuracy 0.000 after 3,840
# interactions at learning rates 3e-4 and 1e-3. The reason is structural: the hint names a
# position *because* the student got it wrong there, so the right letter is never among the
# student's sampled tokens at that position, and the wrong one has probability ≈ 1, where
# `∇ log π` vanishes. OpenClaw-RL's code offers the full-distribution form as its "top-K
# logits" option. The sampled-token arm is still run, report-only, on the first seed.
# (2) **The teacher is the current model with the hint**, not the frozen phase-0 model: a
# frozen teacher pulls every *unhinted* position back to copying, and in the prototype OPD
# then plateaued at substitution accuracy 0.37 (vs 0.75). Also run report-only. (3) **800
# pretraining steps** instead of about 1,500: the 800-step model already copies exactly and
# obeys a hint on 100% of held-out words, and the saving keeps the notebook under 3 minutes.
#
# **Seeds and intervals** (written with the change to 5 seeds, before its run). The verdict
# uses 5 seeds at the CI scale (2 at smoke, 10 at `full`), with the per-seed values, their mean
# and a 95% Student-t interval shown for every criterion. The three deciding criteria stay
# "in every seed", as they were written for this notebook: each must hold in all 5 seeds
# (unresolved when it holds in some), a stricter test than on 3. The two OPD variants are
# report-only and run on the first seed at the CI scale, on every seed at `scale="full"`. The
# no-update control is now evaluated once per seed instead of at every evaluation step (its
# model never changes and the evaluation re-seeds its sampler, so the numbers are identical).
# The three learning arms all decide the verdict, so nothing else can move to one seed: each
# seed costs what it did, and phase 1 trains 17 runs at the CI scale instead of 11 (about 1.5
# times its former time; the phase-0 model is trained once, as before).
#
# **Design notes, 2026-12-02 (issue 28: a base per seed, premises, mean-interval rules)**
# (written before the run). (1) **A base per seed.** The five seeds were five phase-1 runs
# from one phase-0 model (seed 0): pseudo-replication, since the interval covered the RL
# runs but not the pretraining. Seed `s` now pretrains its own phase-0 model (initialisation,
# data draw, batch order) and every arm of seed `s`, the report-only variants included,
# starts from it; each arm's difference is taken against the same seed's arms. This costs
# four more 800-step pretrainings at the CI scale; the budgets are unchanged. (2) **Decided
# on the mean.** "In every seed" rules get harder as seeds are added (the chance that all
# pass falls), so each criterion is now decided on the 95% interval of the mean over seeds
# against the same threshold; the count of seeds passing alone is shown beside it, never
# deciding. (3) **Premises** (what the claim needs of each phase-0 base, before any
# feedback): it does not already do what the feedback should teach, *substitution accuracy
# at most `base_substitution_max` = 0.1* (the smallest gain the first criterion counts) and
# *`"!"` rate at most `base_bang_max` = 0.5* (at most a coin flip: no preference for it yet);
# and the directive signal is there to learn, *the base obeys a hint naming a letter other
# than the copy on at least `hint_obedience_min` of held-out words* (0.9 as first written;
# see the correction below)
# (`hidden_preferences.hint_obedience`), because OPD's teacher is the model reading the
# hint, and a teacher that ignores hints carries no direction (the spec's risk). (4) **The
# complementarity criterion was settled by the floor.** The spec's "exact match,
# REINFORCE + OPD ≥ best single arm − 0.02" passed because every arm's exact match was at
# most 0.006 at this budget (the reward is sparse, see the last section): three numbers
# near 0 are within 0.02 of each other whatever the combination does (once the same rule
# measured +0.236 and the verdict did not move). Two changes. (a) A **guard**: a
# complementarity criterion decides only when its quantity is off the floor, meaning the
# better single arm beats the no-updates control on it by at least `learned_min` = 0.1
# (mean interval); otherwise it is shown as report only, with the guard's numbers in its
# name. So the spec's exact-match rule stays, and decides wherever a budget (e.g.
# `scale="full"`) lifts exact match off the floor. (b) **Complementary, measured where each
# channel teaches something**: "complementary rather than redundant" means the combination
# keeps what each channel alone teaches. So two new criteria (same form as the spec's): the
# combination's substitution accuracy, and its `"!"` rate, each at least the better single
# arm's minus `retention_tolerance` = 0.1, the smallest difference the other two criteria
# count as a change. This is a real test: OPD's distillation also moves the `"!"` (it is
# the current model's whole next-token distribution) and can undo what the reward finds.
# Both have the same guard. (5) The arms × seeds loop is written once, over the deciding
# arms of every seed and the variants of the variant seeds.
#
# **Correction to premise (3), same day, after a first CI run of the bases** (stated because
# the threshold moved after numbers were seen). The hint-obedience threshold was first 0.9,
# "reliably", a number with no argument behind it. The five CI bases obey a hint naming a
# letter other than the copy on 0.83, 1.00, 0.78, 0.77 and 1.00 of sampled answers (the
# prototype's "100%" was seed 0's base on hints that could name the copy's own letter). What
# OPD needs is that the hint makes the named letter the teacher's most likely letter there,
# so that distilling the teacher pulls the student towards it: a majority, *hint obedience
# at least 0.5*. That is the threshold now; 0.9 would have needed more pretraining steps
# per base than the CI budget has.
#
# **Design note 6, 2026-12-03 (issue 28: the premise failed on new bases, so the recipe
# changed).** The replication (seeds 20-24: new bases, new RL seeds) read hint obedience
# 0.698 [0.380, 1.015] (per base 1.00, 0.77, 0.55, 0.83, 0.34): premise not met, while the
# book's bases read 0.795 [0.642, 0.948]. The base, not the budget, was the cause. Measured
# before this run on a separate check draw (64 words, seed 998, not the evaluation words),
# every 200 steps: at the old learning rate 3e-3, base 0 stayed at 0.79-0.88 from step 400 to
# 2,000, and base 24 at 0.41-0.59 to step 1,600, falling after step 1,000: more steps do not
# help, the constant rate 3e-3 keeps the hint rule from settling. At 1e-3, base 24 read
# 0.83 / 0.87 / 1.00 at steps 400 / 800 / 1,000, base 22 1.00 from step 400, base 3
# 0.86-0.89 (the old rate left it at 0.70 on the evaluation words), bases 0 and 4 1.00 at step
# 800 (every base measured, at step 800: 1.00, 0.88, 1.00, 1.00, 0.87). So phase 0 now trains at
# 1e-3 for the same 800 steps: the same cost, and a teacher that reads its hint on every
# base measured. Every number of this notebook moved with its bases (re-recorded).
#
# **Design note 7, 2026-12-03 (issue 29: evaluation sized to its use).** At `ci` phase 1 is
# evaluated every 16 steps (was 8): 6 points per curve instead of 11. Every criterion reads
# the end of phase 1 (and the base), and the evaluation samples from its own seeded
# generator, so no value of the verdict can move; the curves and exercise 1's answer are on a
# grid of 1,024 interactions instead of 512.

# %% [markdown]
# **The directive signal in code.** The deciding OPD arms train on
# `logit_distillation_loss`, `KL(π_teacher ‖ π_student)` on the hinted interactions, where
# the teacher is the current model reading the hinted prompt. `opd_advantages` is the
# paper's sampled-token form, run below as a report-only variant. `opd.train` uses both.

# %%
notebook.show_source(opd.logit_distillation_loss, opd.opd_advantages)

# %% [markdown]
# **The phase-0 bases** (one per seed), on the held-out words before any feedback: the
# premises' quantities. `hint obedience` is the share of answers to a hinted prompt that put
# the hinted letter (never the copy's) where the hint says.

# %%
bases = bases_by_seed(
    lambda st: hp.base(TinyLMConfig(), st, device=device),
    SFTSettings(num_steps=cfg["pretrain_steps"], learning_rate=1e-3),  # design note 6
    seeds,
)
eval_words = hp.make_words(cfg["eval_words"], seed=999)
on_base = pd.DataFrame(
    [
        {
            "seed": seed,
            **hp.evaluate(
                m.model, m.tokenizer, eval_words, cfg["eval_samples"], seed, device
            ),
            "hint obedience": hp.hint_obedience(
                m.model, m.tokenizer, eval_words, cfg["eval_samples"], seed, device
            ),
        }
        for seed, m in bases.items()
    ]
).set_index("seed")
print("example:", eval_words[0], "-> the user wants", hp.preferred(eval_words[0]))
on_base.round(3)

# %%
common = dict(
    num_steps=cfg["steps"], hint_share=hint_share, eval_every=cfg["eval_every"]
)
arms = {
    "no updates": FeedbackSettings(use_reward=False, use_hints=False, **common),
    "REINFORCE (evaluative)": FeedbackSettings(
        use_reward=True, use_hints=False, **common
    ),
    "OPD (directive)": FeedbackSettings(
        use_reward=False, use_hints=True, distillation="logits", **common
    ),
    "REINFORCE + OPD": FeedbackSettings(
        use_reward=True, use_hints=True, distillation="logits", **common
    ),
}
variants = {
    "OPD, sampled-token advantage": FeedbackSettings(
        use_reward=False, use_hints=True, distillation="sampled", **common
    ),
    "OPD, frozen phase-0 teacher": FeedbackSettings(
        use_reward=False,
        use_hints=True,
        teacher="frozen",
        distillation="logits",
        **common,
    ),
}
# every arm of seed s starts from base s; the variants run on the variant seeds only
runs = [
    (seed, arm, settings)
    for seed in seeds
    for arm, settings in (arms | (variants if seed in variant_seeds else {})).items()
]
logs = pd.concat(
    [
        opd.train(
            bases[seed].model,
            bases[seed].tokenizer,
            settings,
            seed,
            eval_words,
            cfg["eval_samples"],
            device,
        ).assign(arm=arm, seed=seed)
        for seed, arm, settings in runs
    ],
    ignore_index=True,
)

# %% [markdown]
# ## Learning curves: what each channel can teach
#
# Thin lines are seeds, the band their range. Left: the reward's target, everything right.
# Middle: the part a hint can name. Right: the part nobody names. The sentence under the
# figure gives each arm's values at the end of phase 1.

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4))
for ax, metric, label in [
    (axes[0], "exact", "exact match"),
    (axes[1], "substitution", "substitution accuracy"),
    (axes[2], "bang", 'share of answers ending in "!"'),
]:
    plots.seed_band(
        ax, logs[logs["arm"].isin(arms)], "interactions", metric, arms=list(arms)
    )
    ax.set(
        xlabel="interactions (responses with feedback)",
        ylabel=label,
        ylim=(-0.02, 1.02),
    )
for ax in axes[1:]:
    ax.get_legend().remove()
plots.finish(
    fig,
    "Exact match, substitution accuracy and '!' "
    "rate against interactions, per feedback arm",
);

# %%
end = logs[logs["step"] == cfg["steps"]]  # the end of phase 1


def val(arm: str, metric: str, on: list[int] | None = None) -> list[float]:
    """Per seed (``on``, default all): ``metric`` of ``arm`` at the end of phase 1."""
    return per_seed(end, metric, on or seeds, arm=arm)


def difference(
    first: str, second: str, metric: str, on: list[int] | None = None
) -> list[float]:
    """Per seed (``on``, default all): ``metric`` of arm ``first`` minus arm
    ``second``'s (same base)."""
    return arm_difference(end, metric, first, second, on or seeds)


def vs_control(arm: str, metric: str) -> str:
    """Where ``arm`` minus the no-updates control lies, in words with its interval."""
    return where(difference(arm, "no updates", metric), digits=2)


names = {
    "exact": "exact match",
    "substitution": "substitution accuracy",
    "bang": '"!" rate',
}
say(
    "At the end of phase 1 (mean [95% interval] over seeds): "
    + "; ".join(
        f"**{arm}**: "
        + ", ".join(
            f"{label} {format_interval(val(arm, m), 2)}" for m, label in names.items()
        )
        for arm in arms
    )
    + ". "
    + " Minus the no-updates control: REINFORCE's substitution accuracy is "
    + vs_control("REINFORCE (evaluative)", "substitution")
    + ', its "!" rate '
    + vs_control("REINFORCE (evaluative)", "bang")
    + ', and OPD\'s "!" rate '
    + vs_control("OPD (directive)", "bang")
    + "."
)

# %% [markdown]
# ## The two variants the design notes set aside
#
# Substitution accuracy of OPD in its default form (full next-token distribution, current
# model as teacher) against the spec's two first proposals, on the first seed.

# %%
fig, ax = plt.subplots(figsize=(7, 4))
first = logs[logs["seed"] == seeds[0]]
plots.seed_band(
    ax,
    first[first["arm"].isin(["OPD (directive)", *variants])],
    "interactions",
    "substitution",
    arms=["OPD (directive)", *variants],
)
ax.set(
    xlabel="interactions (responses with feedback)",
    ylabel="substitution accuracy",
    ylim=(-0.02, 1.02),
)
plots.finish(
    fig, f"OPD variants, seed {seeds[0]}: substitution accuracy against interactions"
);

# %%
say(
    f"Substitution accuracy at the end of phase 1, seed {seeds[0]}: "
    + "; ".join(
        f"{arm} {val(arm, 'substitution', seeds[:1])[0]:.2f}"
        for arm in ["OPD (directive)", *variants]
    )
    + (
        " (REINFORCE: "
        f"{val('REINFORCE (evaluative)', 'substitution', seeds[:1])[0]:.2f})."
    )
)

# %% [markdown]
# ## Verdict
#
# The spec's criteria at the end of phase 1, each decided on the mean over seeds and its 95%
# interval (per-seed values and the count of seeds passing alone shown): OPD's substitution
# accuracy at least `substitution_gain_min` above REINFORCE's; OPD's `"!"` rate at most
# `bang_excess_max` above the no-updates control's; the combination's exact match at least
# the better single arm's minus `exact_tolerance`, and (design note 4) its substitution
# accuracy and `"!"` rate at least the better single arm's minus `retention_tolerance`.
# Each of the last three decides only when its quantity is off the floor. The premises are
# measured on the phase-0 bases (the table above).

# %%
premises = [
    Criterion("phase-0 base: substitution accuracy (does not already substitute)",
              by_seed=list(on_base["substitution"]), threshold=base_substitution_max,
              op="<=", every_seed=True),
    Criterion('phase-0 base: "!" rate (no preference for it yet)',
              by_seed=list(on_base["bang"]), threshold=base_bang_max, op="<=",
              every_seed=True),
    Criterion("phase-0 base: hint obedience (a teacher with direction)",
              by_seed=list(on_base["hint obedience"]), threshold=hint_obedience_min,
              every_seed=True),
]
REINFORCE, OPD, BOTH = "REINFORCE (evaluative)", "OPD (directive)", "REINFORCE + OPD"


def complementary(metric: str, tolerance: float) -> Criterion:
    """The combination minus the better single arm on ``metric``, per seed; decides
    only when that arm lifts ``metric`` off the control's floor (design note 4)."""
    best = highest(end, metric, [REINFORCE, OPD], seeds)
    lift = minus(best, val("no updates", metric))
    off_floor = Criterion("guard", by_seed=lift, threshold=learned_min).passed
    floor = "" if off_floor else (" (report only: at its floor; best single arm - no "
                                  f"updates {format_interval(lift, 2)}, needs >= "
                                  f"{learned_min:g})")
    return Criterion(f"{names[metric]}, REINFORCE + OPD - best single arm{floor}",
                     by_seed=minus(val(BOTH, metric), best), threshold=-tolerance,
                     decides=off_floor, every_seed=True)


sub_gain = difference(OPD, REINFORCE, "substitution")
criteria = [
    Criterion("substitution accuracy, OPD - REINFORCE", by_seed=sub_gain,
              threshold=substitution_gain_min, every_seed=True),
    Criterion('"!" rate, OPD - no updates', threshold=bang_excess_max, op="<=",
              by_seed=difference(OPD, "no updates", "bang"), every_seed=True),
    complementary("exact", exact_tolerance),
    complementary("substitution", retention_tolerance),
    complementary("bang", retention_tolerance),
    Criterion('"!" rate, REINFORCE - no updates (report only: the reward finds what '
              "nobody says)", by_seed=difference(REINFORCE, "no updates", "bang"),
              threshold=0.1, decides=False),
    Criterion("exact match, REINFORCE + OPD (report only)", by_seed=val(BOTH, "exact"),
              threshold=0.5, decides=False),
] + [
    Criterion(f"substitution accuracy, {arm} - REINFORCE (report only; seeds "
              f"{variant_seeds})", threshold=substitution_gain_min, decides=False,
              by_seed=difference(arm, REINFORCE, "substitution", variant_seeds))
    for arm in variants
]
arms_text = lambda metric, shown: ", ".join(  # noqa: E731
    f"{arm.split(' (')[0]} {format_interval(val(arm, metric), 2)}" for arm in shown
)
verdict = Verdict(
    note_id="n09", criteria=criteria, premises=premises,
    claim=("A scalar reward and hint-guided on-policy distillation teach different "
           "things: hints teach what they name, the reward what nobody names, and "
           "together they do best."),
    key_number=("substitution accuracy, OPD - REINFORCE", sub_gain),
    paper_vs_run=paper_rows("paper (OpenClaw-RL)", [
        ("combined vs. single signals", "combination beats binary RL and OPD alone",
         "exact match: " + arms_text("exact", [REINFORCE, OPD, BOTH])),
        ("directive signal", "token-level, from hints in the teacher's context",
         "substitution accuracy: " + arms_text("substitution", [OPD, REINFORCE])),
        ("headline numbers", "secondary summaries disagree; not quoted", "—"),
    ]),
    parameters=run.parameters
    | {"variant_seeds": variant_seeds, "hint_share": hint_share},
)
verdict.publish()

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval
# and checks that this line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the paper
#
# * **Orthogonal by construction.** Here the hint and the reward carry *disjoint* information
#   because we built them that way: the hint never mentions the `"!"`. In real conversations a
#   user's correction also tells you the answer was bad, and a judge's scalar also reflects
#   the things a hint names. "Orthogonal" is the note's word; the paper's evidence is that the
#   two signals add up, not that they are independent.
# * **A perfect hint follower as teacher.** The phase-0 model is trained to obey a hint (each
#   seed's base's rate is in the table of the bases, and a premise of the verdict); a real
#   model reading a vague hint is a noisier teacher.
# * **Which distillation.** In the design prototype the spec's sampled-token advantage learned
#   nothing (the design notes; this run's values are under the variants figure), for a
#   structural reason: the student never samples the right letter where the hint points. In a
#   large model the right token usually has some probability under the student, so the
#   sampled-token form can work there; in a tiny model with a saturated habit it cannot.
# * **Distillation can also copy the teacher's habits.** Matching the teacher's whole
#   next-token distribution at every position of a hinted interaction also moves the positions
#   the hint says nothing about, such as the `"!"`. Whether OPD's `"!"` rate ends above, below
#   or level with the no-updates control in this run is in the sentence under the learning
#   curves: "cannot teach what nobody says" is one criterion, "leaves it alone" would be
#   another.
# * **The reward is sparse.** Exact match on 5 letters plus `"!"`: REINFORCE alone gets a
#   reward only on words with no letter to substitute (1 in 32) that happen to end in `"!"`.
#   So the reward alone can push the `"!"` but has almost no signal about the letters, and the
#   combination needs the hints first: once the letters are right, the reward becomes
#   informative about the `"!"`.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. *(30 min, medium)* Read from `logs` after how many interactions OPD's substitution accuracy,
#    averaged over seeds, first reaches 0.5 at the default `hint_share = 0.5` (`-1` if it never
#    does at this scale), and check it below. Then set `hint_share = 1.0` and `0.1` and re-run (a
#    few minutes each; faster: run only the OPD arm, `opd.train` as in the `logs` cell with
#    `dataclasses.replace(arms["OPD (directive)"], hint_share=...)`). How does the number of
#    interactions OPD needs scale with the share of hinted interactions?
# 2. *(30 min, hard)* Give the reward partial credit: `r = share of the 6 positions right`
#    (against `hp.preferred(word)`). Predict what REINFORCE alone now learns, then run it on the
#    first seed. `opd.train` scores with `hp.reward`: copy it into a cell
#    (`notebook.show_source(opd.train)` shows it; run `from helpers.rl.opd import *` before it,
#    for the names it uses), replace `hp.reward(w, y)` in its `rollout` by your reward, and call
#    the copy as the `logs` cell calls `opd.train`, with `arms["REINFORCE (evaluative)"]`.
# 3. *(15 min, medium)* In the design prototype the frozen-teacher variant plateaued. Why?
#    Compute, for a student that has learned the substitution at position 0 and is hinted about
#    position 2, the teacher's probability of the student's token at position 0.

# %% tags=["exercise-check"]
# Exercise 1: your answer (a number of interactions, or -1), then run this cell
from helpers.notebook import check

answer = None
opd_curve = (
    logs[logs["arm"] == "OPD (directive)"].groupby("interactions")["substitution"].mean()
)
check(
    answer,
    int(opd_curve.index[opd_curve >= 0.5].min()) if (opd_curve >= 0.5).any() else -1,
    "the number of interactions of exercise 1",
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** With `opd_log = logs[logs["arm"] == "OPD (directive)"]`, the curve is
# `opd_log.groupby("interactions")["substitution"].mean()`; the answer is its first index where
# it is at least 0.5 (evaluations come every `eval_every` steps of 64 interactions, so the
# answer is a multiple of that). OPD only learns from hinted interactions, so to first order the
# number of interactions it needs scales like `1 / hint_share`: ten times as many at 0.1 as at
# 1.0.
#
# **2.** For example `def partial(word, response): target = hp.preferred(word); return sum(a == b
# for a, b in zip(response, target)) / len(target)`, and in the copy `rewards =
# torch.tensor([partial(w, y) for w, y in zip(words, responses)], dtype=torch.float32)`. The
# evaluation still uses `hp.evaluate`, so exact match stays exact. With partial credit every
# substituted letter raises the reward, so REINFORCE learns the substitution too, more slowly
# than OPD (it must discover each letter by sampling it); the evaluative signal is then no longer
# blind to what the hints name. The claim's "complementary" depends on how coarse the scalar is.
#
# **3.** The frozen teacher copies, so it gives the student's (correct) substituted letter at
# position 0 a probability near 0: the distillation pulls position 0 back to copying while it
# pushes position 2 forward. Substitutions the student has learned are unlearned whenever a
# later position is hinted, and accuracy settles where the two pulls balance.
#
# </details>
