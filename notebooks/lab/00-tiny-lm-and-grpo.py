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
scale = "ci"  # "smoke" (seconds), "ci" (CPU default), "full" (GPU)
seeds = [0]  # the lab runs one GRPO seed (a list; only the first is used)
device = "auto"  # "auto", "cpu", "cuda" or "mps"

# %%
from helpers import notebook

PRESETS = {
    "smoke": dict(sft_steps=40, rl_steps=4, prompts_per_step=4),
    "ci": dict(sft_steps=1000, rl_steps=40, prompts_per_step=16),
    "full": dict(sft_steps=1000, rl_steps=200, prompts_per_step=32),
}
run = notebook.start(scale, PRESETS, seeds, device)
cfg, seeds, device = run.cfg, run.seeds, run.device

# %% [markdown]
# ## 1. A character-level tokenizer, built in code
#
# `helpers.lm.tokenizer.build_char_tokenizer` makes a `PreTrainedTokenizerFast` whose
# vocabulary is one token per character plus `<pad>`, `<eos>` and `<unk>`. Because it
# is a genuine `transformers` tokenizer, TRL and `generate` accept it unchanged.

# %%
from helpers.lm.tokenizer import build_char_tokenizer

tokenizer = build_char_tokenizer()
example = "^C37=0;9"
print(f"vocabulary size: {len(tokenizer)}")
print(
    f"{example!r} -> {tokenizer(example)['input_ids']} -> "
    f"{tokenizer.decode(tokenizer(example)['input_ids'])!r}"
)

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
        "example SFT target": [
            na.prompt_text(c, 3, 7) + na.sft_completion(na.PromptRow("", c, 3, 7), rng)
            for c in na.NOISE_RATES
        ],
    }
)

# %% [markdown]
# ## 3. A tiny GPT-2, and its supervised base
#
# `helpers.lm.models.TinyLMConfig` describes the shape; the task's recipe `na.base`
# builds the model and trains it with the plain SFT loop of `helpers.lm.sft`
# (cross-entropy on the answer tokens only). The SFT teacher is deliberately
# **overconfident**: it writes confidence 9 in 70% of its answers, whatever the class.
# The trained base is cached under a hash of its whole recipe, so the claim notebooks
# that start from it do not train it again.

# %%
from helpers.lm.models import TinyLMConfig, count_parameters
from helpers.lm.sft import SFTSettings

lm_config = TinyLMConfig()
sft_settings = SFTSettings(num_steps=cfg["sft_steps"], learning_rate=1e-3)
base = na.base(lm_config, sft_settings, device=device)
print(
    f"{count_parameters(base.model):,} parameters; loaded from cache: {base.from_cache}"
)

# %%
import matplotlib.pyplot as plt

from helpers import plots

loss = np.array(base.history["sft_loss"])
window = max(1, len(loss) // 50)
fig, ax = plt.subplots()
ax.plot(loss, color=plots.arm_color("SFT"), alpha=0.3, lw=0.8, label="per step")
ax.plot(
    np.convolve(loss, np.ones(window) / window, mode="valid"),
    color=plots.arm_color("SFT"),
    lw=2,
    label=f"moving mean ({window} steps)",
)
ax.set(
    xlabel="SFT step (batch of 64 examples)",
    ylabel="cross-entropy on answer tokens (nats)",
)
ax.legend()
plots.finish(
    fig, "Supervised training of the base: answer-token cross-entropy against SFT step"
);

# %% [markdown]
# ## 4. GRPO with TRL and a reward we write
#
# GRPO [arXiv:2402.03300](https://arxiv.org/abs/2402.03300) samples a *group* of completions for each prompt, scores each with the reward
# function, and pushes up the log-probability of completions that beat their group's
# mean (the group mean is the baseline; no value network). `helpers.rl.train_grpo`
# wraps TRL's `GRPOTrainer` with settings for a tiny model on a CPU: no gradient
# checkpointing, no checkpoints, no telemetry, one progress bar, and an evaluation
# callback. The reward here is `na.correctness_reward`: the *expected* correctness of
# the answer under the label noise, so the reward is not itself noisy.

# %%
import copy

from helpers.rl import GRPOSettings, train_grpo

prompts = [
    dict(prompt=r.prompt, cls=r.cls, a=r.a, b=r.b) for r in na.all_prompts("ABCD")
]
eval_rows = na.all_prompts("ABCD")
policy = copy.deepcopy(base.model)
grpo = GRPOSettings(
    num_steps=cfg["rl_steps"],
    prompts_per_step=cfg["prompts_per_step"],
    group_size=8,
    learning_rate=1e-3,
    seed=seeds[0],
)
train_log, eval_log = train_grpo(
    policy,
    tokenizer,
    prompts,
    [na.correctness_reward],
    grpo,
    device=device,
    eval_fn=lambda m: na.evaluate(m, base.tokenizer, eval_rows, device),
    eval_every=max(1, grpo.num_steps // 4),
)

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
axes[0].plot(train_log["step"], train_log["reward"], color=plots.arm_color("GRPO"))
axes[0].set(xlabel="GRPO step", ylabel="mean reward of sampled answers", title="reward")
axes[1].plot(train_log["step"], train_log["entropy"], color=plots.arm_color("GRPO"))
axes[1].set(
    xlabel="GRPO step", ylabel="mean token entropy (nats)", title="policy entropy"
)
axes[2].plot(
    eval_log["step"], eval_log["accuracy"], marker="o", color=plots.arm_color("GRPO")
)
axes[2].set(
    xlabel="GRPO step",
    ylabel="expected accuracy, classes A-D",
    title="accuracy (exact)",
)
plots.finish(
    fig, f"GRPO run (seed {seeds[0]}): reward, entropy and exact accuracy against step"
);

# %% [markdown]
# ## 5. Measuring exactly instead of sampling
#
# The model's answer is one token and its confidence one more, so we can enumerate
# every (answer, confidence) pair with two batched forward passes and weight each by
# its probability: `na.evaluate` returns *exact* accuracy and calibration of the
# policy, with no sampling noise. The metric functions in `helpers.measure.metrics` accept
# such weights (and fractional correctness) and reduce to the usual sample metrics
# for 0/1 data.

# %%
before, after = (
    na.evaluate(base.model, base.tokenizer, eval_rows, device),
    na.evaluate(policy, base.tokenizer, eval_rows, device),
)
pd.DataFrame({"base (SFT)": before, "after GRPO": after}).round(3)

# %% [markdown]
# ## 6. The same GRPO step by hand, checked against TRL
#
# Seven claim notebooks need something `GRPOTrainer` does not offer: a weight per sample
# instead of a group advantage (n06), an environment that writes tokens between the
# agent's (n03), a bonus on planning tokens (n05), refinements that join a group (n07),
# a per-token teacher signal (n09). They all run one small loop, `helpers.rl.core.train`.
# Here is its GRPO step written out: sample a group per prompt, score it, turn rewards
# into group advantages, and weight each token's log-probability. The conventions are
# TRL's: `scale_rewards="group"` (sample standard deviation + 1e-4) and
# `loss_type="dapo"` (the sum over every trained token, divided by their number).

# %%
import torch

from helpers.lm.sampling import cut_at_special, encode, sample_tokens, through_end


def grpo_batch(model, rows, generator, group_size=8, length=4):
    """One GRPO batch from `model`: ids, trained-token mask and group advantages."""
    prompt_ids = encode(tokenizer, [r["prompt"] for r in rows], device)
    prompt_ids = prompt_ids.repeat_interleave(group_size, 0)
    completion = sample_tokens(model, prompt_ids, length, generator)  # 1. sample groups
    texts, ends = cut_at_special(tokenizer, completion)  # the answer ends at <eos>
    mask = through_end(ends, length).to(device)  # train the answer and its <eos>
    repeated = [r for r in rows for _ in range(group_size)]
    columns = {k: [r[k] for r in repeated] for k in ("cls", "a", "b")}
    rewards = torch.tensor(na.correctness_reward(None, texts, **columns), device=device)
    grouped = rewards.view(-1, group_size)  # 2. score; 3. advantage within the group
    centred = grouped - grouped.mean(1, keepdim=True)
    advantages = (centred / (grouped.std(1, keepdim=True) + 1e-4)).view(-1)
    return prompt_ids, completion, mask, advantages


def grpo_loss(model, prompt_ids, completion, mask, advantages):
    """-A · log π(token), summed over trained tokens, divided by their number."""
    seqs = torch.cat([prompt_ids, completion], dim=1)
    logits = model(input_ids=seqs).logits[:, prompt_ids.shape[1] - 1 : -1]
    logp = logits.log_softmax(-1).gather(2, completion[..., None]).squeeze(-1)  # 4.
    return -(advantages[:, None] * logp * mask).sum() / mask.sum()  # 5.


hand = copy.deepcopy(base.model).eval()
batch = grpo_batch(hand, prompts[:8], torch.Generator().manual_seed(seeds[0]))
ours = torch.autograd.grad(grpo_loss(hand, *batch), list(hand.parameters()))

# %% [markdown]
# TRL's trainer computes its loss in `GRPOTrainer._compute_loss` from the same tensors
# (prompt and completion ids, the completion mask, the advantages). With one gradient
# step per batch its importance ratio is 1, so its clipped objective has exactly the
# gradient of `-A · log π`. We hand it our batch and compare the two gradients,
# parameter by parameter; `tests/test_core.py` checks the same for the book's core loop.

# %%
import tempfile

from datasets import Dataset
from trl import GRPOTrainer

from helpers.rl import grpo_config

prompt_ids, completion, mask, advantages = batch
with tempfile.TemporaryDirectory() as out:
    trainer = GRPOTrainer(
        model=hand,
        reward_funcs=[na.correctness_reward],
        args=grpo_config(GRPOSettings(max_completion_length=4), device, out),
        train_dataset=Dataset.from_list(prompts[:8]),
        processing_class=tokenizer,
    )
    trainer.current_gradient_accumulation_steps = 1
    inputs = {
        "prompt_ids": prompt_ids,
        "prompt_mask": torch.ones_like(prompt_ids),
        "completion_ids": completion,
        "completion_mask": mask.long(),
        "advantages": advantages,
        "num_items_in_batch": mask.sum(),
    }
    theirs = torch.autograd.grad(
        trainer._compute_loss(hand, inputs), list(hand.parameters()), allow_unused=True
    )
gap = max(
    float((a - (b if b is not None else 0)).abs().max()) for a, b in zip(ours, theirs)
)
scale_of = max(float(a.abs().max()) for a in ours)
print(f"largest gradient entry {scale_of:.3g}; largest difference from TRL's {gap:.2g}")

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
# 1. *(10 min, easy)* In the GRPO cell of section 4, set `learning_rate=1e-4` in `GRPOSettings`.
#    Predict the accuracy after the run's GRPO steps, then re-run from that cell on.
# 2. *(20 min, medium)* Write a reward with TRL's signature, like `na.correctness_reward`
#    (`notebook.show_source(na.correctness_reward)` shows it), that pays 1 for any answer with
#    confidence digit 9, and pass it to `train_grpo` in place of `[na.correctness_reward]`.
#    What happens to accuracy, and why does the entropy fall?
# 3. *(5 min, easy)* The best any policy can reach on classes A-D is the mean of their `p*`
#    (section 2). How far below that ceiling is the policy after GRPO: `mean p* − accuracy`,
#    from the table of section 5?
# 4. *(5 min, easy)* Overconfidence is mean stated confidence minus accuracy. Did GRPO make
#    the policy `"more"` or `"less"` overconfident than its base? Why does a reward that never
#    looks at the confidence digit change it at all?

# %% tags=["exercise-check"]
# Exercise 3: your answer (a number between 0 and 1), then run this cell
from helpers.notebook import check

answer = None
check(
    answer,
    np.mean([na.best_accuracy(c) for c in "ABCD"]) - after["accuracy"],
    "the gap to the ceiling of exercise 3",
    tolerance=0.01,
)

# %% tags=["exercise-check"]
# Exercise 4: your answer ("more" or "less"), then run this cell
from helpers.notebook import check

answer = None
check(
    answer,
    "more"
    if after["mean_confidence"] - after["accuracy"]
    > before["mean_confidence"] - before["accuracy"]
    else "less",
    "the direction of exercise 4",
)

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** With a 10x smaller step size the policy moves about 10x less per step, so expect accuracy
# after the run to stay close to the base's. Compare the `accuracy` column of the GRPO log with
# the default run; the direction of change should match, with a smaller size.
#
# **2.** For example
# `def confident_reward(prompts, completions, **_): return [float(t.strip().endswith(";9")) for t in completions]`,
# then `train_grpo(policy, tokenizer, prompts, [confident_reward], grpo, ...)` from a fresh
# `copy.deepcopy(base.model)`. The new reward ignores the answer, so nothing pushes accuracy up; it
# can drift down as the model trades answer probability for the confidence token. Expect the
# confidence digit to become nearly deterministic (9), which is why entropy falls: GRPO
# concentrates probability on whatever the reward pays for, and here that is one token.
#
# **3.** The mean of `p*` over A-D is `(1 + 0.82 + 0.64 + 0.46) / 4 = 0.73`; subtract the
# `accuracy` of the "after GRPO" column. What is left is the accuracy GRPO has not yet found: the
# label noise itself costs nothing here, since `p*` already accounts for it.
#
# **4.** Compute `mean_confidence − accuracy` in each column of the section 5 table and compare.
# The correctness reward has no expected gradient on the confidence digit, but it moves accuracy:
# if accuracy rises while the confidence stays where SFT left it (digit 9 in 70% of answers),
# overconfidence falls without calibration ever being rewarded; any change of the confidence
# itself is drift through the shared network. Claim n01 builds on exactly this.
#
# </details>
