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
# # Can models reliably improve themselves without external feedback?
#
# > **The corpus claim** (note n13, cited by Q2): "Pure self-improvement stalls due to the
# > generation-verification gap, diversity collapse, and reward hacking. Reliable improvement
# > methods succeed by smuggling in external anchors: past model versions, third-party
# > judges, user corrections, or tool feedback."
#
# **Sources.** The note is a **synthesis across papers**, not one paper's finding:
# {cite}`song2024mindthegap` (Song et al., *Mind the Gap*, arXiv 2412.02674: iterative
# self-improvement saturates within a few rounds; Pass@k falls for large k as diversity is
# lost), {cite}`shafayat2025selftrain` (Shafayat et al., *Can Large Reasoning Models
# Self-Train?*, arXiv 2505.21444: a majority-vote self-reward first matches RL on gold
# answers, then is hacked and performance collapses), and {cite}`shumailov2023curse`
# (Shumailov et al., *The Curse of Recursion*, arXiv 2305.17493: training on your own outputs
# collapses the distribution; Gerstgrasser et al., arXiv 2404.01413, show that *accumulating*
# real data alongside keeps the error bounded). This notebook mirrors the shape of Shafayat
# et al.'s self-reward curves and Song et al.'s saturation, in one toy.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * run rounds of self-training on majority-vote labels, and see where they stall
# * compare anchors: a programmatic checker, and accumulated gold data with replay
# * read "agreement with yourself" against true accuracy: the self-reward hacking picture
#
# **Prerequisites.** {term}`Majority vote` (self-consistency); {term}`SFT`.

# %% tags=["colab"]
# Colab set-up: installs the book's helpers (and their pinned requirements) when this
# notebook runs on Colab; does nothing anywhere else.
import sys

if "google.colab" in sys.modules:
    import subprocess

    REPO = "https://github.com/reward-bias-book/reward-bias-book"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", f"{REPO}/raw/main/requirements.txt"], check=False)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+{REPO}.git"], check=True)

# %% tags=["parameters"]
scale = "ci"  # "smoke" (seconds), "ci" (CPU default, about 2 minutes), "full" (more fine-tuning per round; GPU)
seeds = [0, 1, 2]  # one self-training run per arm and seed (sampled votes, batch order); the round-0 model is shared
device = "auto"  # "auto", "cpu", "cuda" or "mps"
anchor_gain_min = 0.1  # criterion: final accuracy, T minus P
stall_margin = 0.03  # criterion: P ends at most this far above the round-0 majority-of-8 accuracy
collapse_factor = 2.0  # criteria: P's confidently-wrong share grows, and its entropy shrinks, by this factor

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import bases, params, plots, runtime, selftrain
from helpers.models import TinyLMConfig
from helpers.selftrain import SelfTrainSettings
from helpers.tasks import chain_arithmetic as chain
from helpers.train import SFTSettings
from helpers.verdict import Criterion, Verdict

device = runtime.setup(device)
PRESETS = {
    "smoke": dict(gold=200, pretrain_steps=40, rounds=2, pool=200, steps_per_round=5),
    "ci": dict(gold=200, pretrain_steps=300, rounds=6, pool=1000, steps_per_round=50),
    "full": dict(gold=200, pretrain_steps=300, rounds=10, pool=4000, steps_per_round=200),
}
cfg = params.choose_scale(scale, PRESETS)
seeds = params.check_seeds(seeds)
params.check_positive(anchor_gain_min=anchor_gain_min, stall_margin=stall_margin, collapse_factor=collapse_factor)
plots.use_book_style()
print(f"scale={scale} device={device} seeds={seeds} {cfg}")

# %% [markdown]
# ## The experiment
#
# * **Task**: arithmetic mod 10, answered with a single digit: `7*8=` → `6`, with `+`, `-`
#   and `*`: 300 distinct problems. Because the answer is one token, the model's whole answer
#   distribution is one softmax, so accuracy, entropy, majority-of-8 accuracy and the
#   confidently-wrong share are computed exactly.
# * **Round 0**: the book's tiny GPT fine-tuned on 200 labelled examples (300 steps), which
#   cover about half of the problems. It answers about 55% right: it has memorised what it saw
#   and guesses elsewhere, often confidently.
# * **Each round** (6 rounds): the model answers each of 1,000 unlabelled problems (drawn from
#   the same 300) 8 times, a training set is built from the answers, and the model is
#   fine-tuned on it for 50 steps. Arms: **P**, the majority answer is the label (no anchor);
#   **T**, only answers that a programmatic checker accepts are kept (a tool anchor); **H**,
#   the majority labels plus the 200 gold examples and a replay of the round-0 model's labels
#   (a past-data anchor).
# * **Metrics** on all 300 problems: Pass@1; majority-of-8 accuracy of the round-0 model (the
#   **ceiling** that majority labels can teach, dashed); answer entropy; the share of problems
#   on which at least 7 of 8 samples agree on a *wrong* answer (**confidently wrong**); and the
#   round's **self-reward**, the average share of samples agreeing with their majority.
#
# **Design notes** (written before the default-seed run; prototypes on seed 0). Two changes
# from the spec. (1) **One operation, not 3-4.** Answering in one token, the tiny GPT stayed at
# chance (Pass@1 0.10) on 3-4-step chains after 1,500 steps on 4,000 examples, and on 2-step
# chains after 1,000 steps on 2,000 examples. One-operation problems with a 200-example gold
# set give round-0 Pass@1 0.56, inside the spec's 0.4-0.6. The unlabelled pool and the test
# problems then come from the same 300 problems: this is self-training on the questions you
# care about, the setting of Shafayat et al. (2) **50 fine-tuning steps per round** instead of
# about 100, to stay under 3 minutes; the prototype with 100 steps showed the same ordering of
# arms (P falling, T rising) with a stronger collapse of P (entropy 0.26 → 0.09), so the
# collapse criteria are, if anything, harder to meet here.

# %%
gold = [(p.prompt, str(p.answer)) for p in chain.make_problems(cfg["gold"], seed=1)]
base = bases.chain_arithmetic_base(TinyLMConfig(), SFTSettings(num_steps=cfg["pretrain_steps"], learning_rate=1e-3), gold, device=device)
pool, test = chain.make_problems(cfg["pool"], seed=2), chain.all_problems()
start = selftrain.metrics(base.model, base.tokenizer, test, votes=8, seed=0, device=device)
print("round-0 model: " + ", ".join(f"{k} {v:.3f}" for k, v in start.items()))
print(f"gold examples cover {len({p for p, _ in gold})} of {len(test)} problems")

# %%
names = {"P": "P: majority vote only", "T": "T: checker anchor", "H": "H: past-data anchor"}
settings = SelfTrainSettings(rounds=cfg["rounds"], steps_per_round=cfg["steps_per_round"])
rounds = pd.concat([selftrain.self_train(base.model, base.tokenizer, arm, pool, gold, test, settings, seed, device).assign(arm=names[arm], seed=seed)
                    for seed in seeds for arm in names], ignore_index=True)
ceiling = start["maj@8"]

# %% [markdown]
# ## Accuracy per round, against the majority-vote ceiling
#
# Thin lines are seeds, the band their range; the dashed line is the round-0 model's
# majority-of-8 accuracy, the best that majority labels could teach if they were learned
# perfectly.

# %%
fig, ax = plt.subplots(figsize=(7, 4.2))
plots.seed_band(ax, rounds, "round", "pass@1", arms=list(names.values()))
ax.axhline(ceiling, color="#222222", ls="--", lw=1, label="round-0 majority-of-8 accuracy")
ax.legend()
ax.set(xlabel="self-training round", ylabel="Pass@1 on all 300 problems")
plots.finish(fig, "Without an anchor, self-training does not pass its own majority vote");

# %% [markdown]
# ## Diversity and confident errors, and the self-reward picture
#
# Left and middle: the answer entropy and the confidently-wrong share per round. Right: each
# round's self-reward (agreement with the majority, which the P arm is implicitly trained to
# raise) against the true accuracy of the majority labels it trains on, one dot per round
# and seed. Hacking looks like moving right without moving up.

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4))
plots.seed_band(axes[0], rounds, "round", "entropy", arms=list(names.values()))
axes[0].set(xlabel="self-training round", ylabel="answer entropy (nats)")
plots.seed_band(axes[1], rounds, "round", "confidently_wrong", arms=list(names.values()))
axes[1].set(xlabel="self-training round", ylabel="confidently wrong share")
for arm in names.values():
    part = rounds[(rounds["arm"] == arm) & rounds["self_reward"].notna()]
    axes[2].plot(part.groupby("round")["self_reward"].mean(), part.groupby("round")["label_accuracy"].mean(), marker="o",
                 color=plots.arm_color(arm), label=arm)
    axes[2].scatter(part["self_reward"], part["label_accuracy"], color=plots.arm_color(arm), s=10, alpha=0.4)
axes[2].set(xlabel="self-reward: agreement with the majority", ylabel="true accuracy of the majority labels")
axes[2].legend()
for ax in axes[:2]:
    ax.get_legend().remove()
plots.finish(fig, "Pure self-training grows more certain and more confidently wrong");

# %% [markdown]
# ## Verdict
#
# The spec's criteria, in every seed: T's final Pass@1 at least `anchor_gain_min` above P's;
# P's final Pass@1 at most `stall_margin` above the round-0 majority-of-8 accuracy; P's
# confidently-wrong share at least multiplied by `collapse_factor`; P's entropy at least
# divided by it.

# %%
last = rounds[rounds["round"] == cfg["rounds"]].set_index(["arm", "seed"])
first = rounds[rounds["round"] == 0].set_index(["arm", "seed"])
at = lambda table, arm, metric: [float(table.loc[(names[arm], s), metric]) for s in seeds]  # noqa: E731
t_minus_p = [t - p for t, p in zip(at(last, "T", "pass@1"), at(last, "P", "pass@1"))]
p_over_ceiling = [p - ceiling for p in at(last, "P", "pass@1")]
wrong_ratio = [e / s for e, s in zip(at(last, "P", "confidently_wrong"), at(first, "P", "confidently_wrong"))]
entropy_ratio = [s / e for e, s in zip(at(last, "P", "entropy"), at(first, "P", "entropy"))]
h_minus_p = [h - p for h, p in zip(at(last, "H", "pass@1"), at(last, "P", "pass@1"))]
criteria = [
    Criterion("final Pass@1, T - P (every seed)", min(t_minus_p), anchor_gain_min, ">=", per_seed=t_minus_p),
    Criterion("final Pass@1 of P - round-0 majority-of-8 accuracy (every seed)", max(p_over_ceiling), stall_margin, "<=",
              per_seed=p_over_ceiling),
    Criterion("P: confidently-wrong share, final / start (every seed)", min(wrong_ratio), collapse_factor, ">=", per_seed=wrong_ratio),
    Criterion("P: answer entropy, start / final (every seed)", min(entropy_ratio), collapse_factor, ">=", per_seed=entropy_ratio),
    Criterion("final Pass@1, H - P (report only)", np.mean(h_minus_p), 0.0, ">", decides=False, by_seed=h_minus_p),
]
verdict = Verdict(
    note_id="n13",
    claim="Self-training on majority-vote labels stalls at the vote's ceiling and collapses onto confident errors; an external anchor (a checker) keeps improving.",
    criteria=criteria,
    key_number=("final Pass@1, T - P (mean of seeds)", float(np.mean(t_minus_p))),
    paper_vs_run=[
        {"quantity": "pure self-improvement", "papers": "saturates within a few rounds (Song et al.); majority self-reward collapses (Shafayat et al.)",
         "this run (mean of seeds)": f"P: Pass@1 {start['pass@1']:.2f} → {np.mean(at(last, 'P', 'pass@1')):.2f} (ceiling {ceiling:.2f})"},
        {"quantity": "external anchor", "papers": "RL on gold answers keeps improving",
         "this run (mean of seeds)": f"T (checker): {start['pass@1']:.2f} → {np.mean(at(last, 'T', 'pass@1')):.2f}"},
        {"quantity": "past data", "papers": "accumulating real data bounds the error (Gerstgrasser et al.)",
         "this run (mean of seeds)": f"H: {start['pass@1']:.2f} → {np.mean(at(last, 'H', 'pass@1')):.2f}"},
    ],
    parameters={"scale": scale, "seeds": seeds, "anchor_gain_min": anchor_gain_min, "stall_margin": stall_margin,
                "collapse_factor": collapse_factor, **cfg},
)
verdict.publish()

# %% tags=["nbval-check-output"]
# The verdict in one line. The test suite re-executes this notebook with nbval and checks that this
# line comes out identical: same seeds, same numbers.
print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the papers
#
# * **A synthesis, tested in one toy.** The note combines findings from several papers with
#   different models and tasks; here one tiny model on one task shows the shape each paper
#   reports, not their numbers.
# * **Memorisation, not reasoning.** The round-0 model knows the problems it saw and guesses
#   on the others. Its majority vote is therefore right where it already was and wrong where it
#   guessed; majority labels cannot teach it anything it did not know, which is the
#   generation-verification gap in its plainest form (no verification ability beyond
#   generation). In a large model, voting over reasoning paths *can* beat a single sample,
#   which is why self-training first helps there before it stalls.
# * **Collapse is only partly visible at this size.** The first round of fine-tuning on 1,000
#   new labels *raises* the answer entropy in every arm (the model is pushed on problems it
#   had guessed at), and only later rounds sharpen it again; so P's entropy and its
#   confidently-wrong share are measured against a start that is not their extreme. P does
#   not just stall, it declines: it trains on its wrong majorities until it believes them.
# * **The checker is exact.** T's anchor is the true answer check; a real tool or judge is
#   noisier and can itself be gamed.
# * **Only one anchor among several.** Third-party judges (the spec's arm J) and user
#   corrections are not run here.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. Raise the gold set to 300 examples. Predict round-0 Pass@1 and how much room T then has.
# 2. Make T's checker noisy: accept a wrong answer with probability 0.2 (edit `round_pairs`).
#    Does T still beat P?
# 3. Replace the majority label by a label sampled from the 8 answers (no vote). Which
#    collapse does that remove, and which does it keep?

# %% [markdown] tags=["solution"]
# :::{admonition} Solutions (instructors: `make student` removes this cell)
# :class: dropdown
#
# **1.** 300 examples drawn with repeats cover about 1 − e^{-1} ≈ 63% of the problems, so
# expect Pass@1 around 0.65-0.7; T can only learn problems on which at least one of 8 samples
# is right, which shrinks as the model grows confident.
#
# **2.** With 20% false accepts, T trains on some wrong answers, but they are spread over
# many digits while the right answer recurs; expect T to stay above P with a smaller margin.
#
# **3.** Sampling the label keeps the model's own distribution (no sharpening), so entropy
# falls much less; but it still trains on its own errors, so accuracy does not rise either.
# :::
