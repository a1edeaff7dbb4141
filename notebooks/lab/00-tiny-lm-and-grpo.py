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
# # The lab: a tiny language model, a toy task, and GRPO
#
# Every claim in this book is tested the same way: a **tiny causal language model**
# (a real `transformers` GPT-2 with about 0.4M parameters, built from a config, never
# downloaded), a **synthetic task whose ground truth we know exactly**, supervised
# training to get a base model, and then **reinforcement learning with TRL's
# `GRPOTrainer`** and a reward function we write ourselves.
#
# This page walks through those parts once, on the task the first claim notebook
# uses, so that the claim notebooks can stay short. It introduces the `helpers`
# modules you will see everywhere: `tokenizer`, `models`, `tasks`, `train`, `rl`,
# `metrics` and `plots`.

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * build a tiny GPT-2 from a config and a character tokenizer, and train it with SFT
# * write a reward function and run GRPO with TRL's `GRPOTrainer` on it
# * read a training log: reward, accuracy and entropy against step
#
# **Prerequisites.** Python and PyTorch basics; what a language model's next-token distribution is.

# %% tags=["colab"]
# Colab set-up: installs the book's helpers (and their pinned requirements) when this
# notebook runs on Colab; does nothing anywhere else.
import sys

if "google.colab" in sys.modules:
    import subprocess

    REPO = "https://github.com/reward-bias-book/reward-bias-book"
    # Only the helpers package, with the ranges of its pyproject.toml: Colab keeps its own torch,
    # numpy and matplotlib, and pip adds what Colab lacks (trl; transformers if too old).
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+{REPO}.git"], check=True)

# %% tags=["parameters"]
scale = "ci"  # "smoke" (seconds), "ci" (CPU default), "full" (GPU)
seeds = [0]  # the lab runs one GRPO seed (a list; only the first is used)
device = "auto"  # "auto", "cpu", "cuda" or "mps"

# %%
from helpers import params, runtime

device = runtime.setup(device)
PRESETS = {
    "smoke": dict(sft_steps=40, rl_steps=4, prompts_per_step=4),
    "ci": dict(sft_steps=1000, rl_steps=40, prompts_per_step=16),
    "full": dict(sft_steps=1000, rl_steps=200, prompts_per_step=32),
}
cfg = params.choose_scale(scale, PRESETS)
seeds = params.check_seeds(seeds, scale=scale)
print(f"scale={scale} device={device} {cfg}")

# %% [markdown]
# ## 1. A character-level tokenizer, built in code
#
# `helpers.tokenizer.build_char_tokenizer` makes a `PreTrainedTokenizerFast` whose
# vocabulary is one token per character plus `<pad>`, `<eos>` and `<unk>`. Because it
# is a genuine `transformers` tokenizer, TRL and `generate` accept it unchanged.

# %%
from helpers.tokenizer import build_char_tokenizer

tokenizer = build_char_tokenizer()
example = "^C37=0;9"
print(f"vocabulary size: {len(tokenizer)}")
print(f"{example!r} -> {tokenizer(example)['input_ids']} -> {tokenizer.decode(tokenizer(example)['input_ids'])!r}")

# %% [markdown]
# ## 2. The toy task: noisy addition with a stated confidence
#
# A prompt `^{c}{a}{b}=` asks for `(a + b) mod 10`. The class letter `c` sets how noisy
# the training labels are: class A is always right, class E is right only 28% of the
# time (the label is the true sum with probability `1 - e`, else a random digit). The
# model answers with a digit, a `;`, and a **confidence digit** `d` that stands for
# `q = (d + 0.5) / 10`. Because we know the noise, we know the best any model can do on
# each class, `p* = 1 - e + e/10`: a calibrated model says exactly that.

# %%
import numpy as np
import pandas as pd

from helpers.tasks import noisy_addition as na

rng = np.random.default_rng(1)
pd.DataFrame(
    {
        "class": list(na.NOISE_RATES),
        "label noise e": list(na.NOISE_RATES.values()),
        "best accuracy p*": [na.best_accuracy(c) for c in na.NOISE_RATES],
        "example SFT target": [na.prompt_text(c, 3, 7) + na.sft_completion(na.PromptRow("", c, 3, 7), rng) for c in na.NOISE_RATES],
    }
)

# %% [markdown]
# ## 3. A tiny GPT-2, and its supervised base
#
# `helpers.models.TinyLMConfig` describes the shape; `helpers.bases.noisy_addition_base`
# builds the model and trains it with the plain SFT loop of `helpers.train`
# (cross-entropy on the answer tokens only). The SFT teacher is deliberately
# **overconfident**: it writes confidence 9 in 70% of its answers, whatever the class.
# The trained base is cached under a hash of its whole recipe, so the claim notebooks
# that start from it do not train it again.

# %%
from helpers.bases import noisy_addition_base
from helpers.models import TinyLMConfig, count_parameters
from helpers.train import SFTSettings

lm_config = TinyLMConfig()
sft_settings = SFTSettings(num_steps=cfg["sft_steps"], learning_rate=1e-3)
base = noisy_addition_base(lm_config, sft_settings, device=device)
print(f"{count_parameters(base.model):,} parameters; loaded from cache: {base.from_cache}")

# %%
import matplotlib.pyplot as plt

from helpers import plots

plots.use_book_style()
loss = np.array(base.history["sft_loss"])
window = max(1, len(loss) // 50)
fig, ax = plt.subplots()
ax.plot(loss, color=plots.arm_color("SFT"), alpha=0.3, lw=0.8, label="per step")
ax.plot(np.convolve(loss, np.ones(window) / window, mode="valid"), color=plots.arm_color("SFT"), lw=2, label=f"moving mean ({window} steps)")
ax.set(xlabel="SFT step (batch of 64 examples)", ylabel="cross-entropy on answer tokens (nats)")
ax.legend()
plots.finish(fig, "Supervised training of the base: answer-token cross-entropy against SFT step");

# %% [markdown]
# ## 4. GRPO with TRL and a reward we write
#
# GRPO {cite}`shao2024deepseekmath` samples a *group* of completions for each prompt, scores each with the reward
# function, and pushes up the log-probability of completions that beat their group's
# mean (the group mean is the baseline; no value network). `helpers.rl.train_grpo`
# wraps TRL's `GRPOTrainer` with settings for a tiny model on a CPU: no gradient
# checkpointing, no checkpoints, no telemetry, one progress bar, and an evaluation
# callback. The reward here is `na.correctness_reward`: the *expected* correctness of
# the answer under the label noise, so the reward is not itself noisy.

# %%
import copy

from helpers.rl import GRPOSettings, train_grpo

prompts = [dict(prompt=r.prompt, cls=r.cls, a=r.a, b=r.b) for r in na.all_prompts("ABCD")]
eval_rows = na.all_prompts("ABCD")
policy = copy.deepcopy(base.model)
grpo = GRPOSettings(num_steps=cfg["rl_steps"], prompts_per_step=cfg["prompts_per_step"], group_size=8, learning_rate=1e-3, seed=seeds[0])
train_log, eval_log = train_grpo(
    policy, tokenizer, prompts, [na.correctness_reward], grpo, device=device,
    eval_fn=lambda m: na.evaluate(m, base.tokenizer, eval_rows, device), eval_every=max(1, grpo.num_steps // 4),
)

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
axes[0].plot(train_log["step"], train_log["reward"], color=plots.arm_color("GRPO"))
axes[0].set(xlabel="GRPO step", ylabel="mean reward of sampled answers", title="reward")
axes[1].plot(train_log["step"], train_log["entropy"], color=plots.arm_color("GRPO"))
axes[1].set(xlabel="GRPO step", ylabel="mean token entropy (nats)", title="policy entropy")
axes[2].plot(eval_log["step"], eval_log["accuracy"], marker="o", color=plots.arm_color("GRPO"))
axes[2].set(xlabel="GRPO step", ylabel="expected accuracy, classes A-D", title="accuracy (exact)")
plots.finish(fig, f"GRPO run (seed {seeds[0]}): reward, entropy and exact accuracy against step");

# %% [markdown]
# ## 5. Measuring exactly instead of sampling
#
# The model's answer is one token and its confidence one more, so we can enumerate
# every (answer, confidence) pair with two batched forward passes and weight each by
# its probability: `na.evaluate` returns *exact* accuracy and calibration of the
# policy, with no sampling noise. The metric functions in `helpers.metrics` accept
# such weights (and fractional correctness) and reduce to the usual sample metrics
# for 0/1 data.

# %%
before, after = na.evaluate(base.model, base.tokenizer, eval_rows, device), na.evaluate(policy, base.tokenizer, eval_rows, device)
pd.DataFrame({"base (SFT)": before, "after GRPO": after}).round(3)

# %% [markdown]
# ## Where to go next
#
# * The first claim notebook, *Does binary reward training hurt model calibration?*,
#   starts from this very base (loaded from the cache) and compares two rewards.
# * Every notebook has a `parameters` cell: `scale="full"` runs a longer experiment
#   meant for a GPU. An unknown scale fails at once with the allowed values.

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. Set `learning_rate=1e-4` in the GRPO settings. Predict the accuracy after 40 steps, then run.
# 2. Replace `na.correctness_reward` by a reward that pays 1 for any answer with confidence digit 9.
#    What happens to accuracy, and why does the entropy fall?

# %% [markdown] tags=["solution"]
# :::{admonition} Solutions (instructors: `make student` removes this cell)
# :class: dropdown
#
# **1.** With a 10x smaller step size the policy moves about 10x less per step, so expect accuracy
# after 40 steps to stay close to the base's. Compare the `accuracy` column of the GRPO log with
# the default run; the direction of change should match, with a smaller size.
#
# **2.** The new reward ignores the answer, so nothing pushes accuracy up; it can drift down as
# the model trades answer probability for the confidence token. Expect the confidence digit to
# become nearly deterministic (9), which is why entropy falls: GRPO concentrates probability on
# whatever the reward pays for, and here that is one token.
# :::
