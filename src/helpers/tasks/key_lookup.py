"""Key lookup with a prior: two-letter keys, two-digit answers, a teacher that is often wrong.

Each key has a correct two-digit answer and four distractors. The SFT teacher gives the
right answer with a per-key probability ``q`` (spread over [0.02, 0.9]) and otherwise a
distractor (weights 0.5 / 0.25 / 0.15 / 0.1), so the base model starts with a *prior* over
five answers per key, and Pass@k at large k measures whether RL keeps the right answer
reachable. Half the keys are used for RL, half held out. An answer is two tokens, so the
policy's distribution over all 100 answers is computed exactly (:func:`answer_distribution`).

Used by: n06 (negative-sample reinforcement and Pass@k).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from helpers.measure.metrics import pass_at_k_exact

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

    from helpers.lm.models import CachedModel, TinyLMConfig
    from helpers.lm.sft import SFTSettings

DISTRACTOR_WEIGHTS = (0.5, 0.25, 0.15, 0.1)
DIGITS = "0123456789"


@dataclass(frozen=True)
class KeyTask:
    """The task's recipe (defaults: the n06 spec)."""

    num_keys: int = 160
    q_low: float = 0.02
    q_high: float = 0.9
    seed: int = 2024


@dataclass(frozen=True)
class Key:
    """One key: its prompt, the correct answer index (0-99), distractors, the teacher's q, and its split."""

    prompt: str
    answer: int
    distractors: tuple[int, ...]
    q: float
    split: str  # "rl" or "held_out"


def make_keys(task: KeyTask = KeyTask()) -> list[Key]:
    """The keys, deterministic in ``task.seed``; the first half (shuffled) is the RL split."""
    rng = np.random.default_rng(task.seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = ["".join(p) for p in itertools.product(letters, repeat=2)]
    chosen = rng.choice(len(names), size=task.num_keys, replace=False)
    keys = []
    for i, name_index in enumerate(chosen):
        answers = rng.choice(100, size=5, replace=False)
        q = float(rng.uniform(task.q_low, task.q_high))
        split = "rl" if i < task.num_keys // 2 else "held_out"
        keys.append(Key(f"^{names[name_index]}=", int(answers[0]), tuple(int(a) for a in answers[1:]), q, split))
    return keys


def answer_text(index: int) -> str:
    """``7 -> "07"``."""
    return f"{index:02d}"


def teacher_distribution(key: Key) -> np.ndarray:
    """The teacher's probability of each of the 100 answers."""
    p = np.zeros(100)
    p[key.answer] = key.q
    for d, w in zip(key.distractors, DISTRACTOR_WEIGHTS):
        p[d] += (1 - key.q) * w
    return p


def sft_examples(keys: list[Key], num_examples: int, seed: int) -> list[tuple[str, str]]:
    """``(prompt, answer)`` pairs sampled from the teacher, keys drawn uniformly."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(keys), size=num_examples)
    return [(keys[i].prompt, answer_text(int(rng.choice(100, p=teacher_distribution(keys[i]))))) for i in which]


@torch.no_grad()
def answer_distribution(
    model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, keys: list[Key], device: str = "cpu"
) -> np.ndarray:
    """The policy's exact probability of each two-digit answer, shape ``(len(keys), 100)``.

    Mass on non-digit first or second tokens is malformed output (``1 - row sum``). One pass
    over the prompts, then the ten one-digit continuations reuse the prompts' KV cache.
    """
    digit_ids = tokenizer.convert_tokens_to_ids(list(DIGITS))
    enc = tokenizer([k.prompt for k in keys], return_tensors="pt", add_special_tokens=False).to(device)
    out = model(**enc, use_cache=True)
    first = out.logits[:, -1].float().softmax(-1)[:, digit_ids]  # keys x 10
    cache = out.past_key_values
    cache.batch_repeat_interleave(10)
    follow = torch.tensor(digit_ids, device=device).repeat(len(keys))[:, None]
    attention = torch.ones(len(keys) * 10, enc["input_ids"].shape[1] + 1, dtype=torch.long, device=device)
    logits = model(input_ids=follow, attention_mask=attention, past_key_values=cache).logits
    second = logits[:, -1].float().softmax(-1)[:, digit_ids].reshape(len(keys), 10, 10)
    return (first[:, :, None] * second).reshape(len(keys), 100).cpu().numpy()


def evaluate(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    keys: list[Key],
    ks: tuple[int, ...],
    device: str = "cpu",
) -> dict[str, float]:
    """Mean Pass@k for each ``k`` and mean answer entropy (nats, malformed mass as one more outcome)."""
    dist = answer_distribution(model, tokenizer, keys, device)
    p_correct = dist[np.arange(len(keys)), [k.answer for k in keys]]
    full = np.concatenate([dist, np.clip(1 - dist.sum(1, keepdims=True), 0, 1)], axis=1)
    entropy = -(full * np.log(np.clip(full, 1e-12, 1))).sum(1)
    return {**{f"pass@{k}": float(pass_at_k_exact(p_correct, k).mean()) for k in ks}, "entropy": float(entropy.mean())}


# --- the task's base model -------------------------------------------------------------------


def base(
    config: TinyLMConfig,
    settings: SFTSettings,
    task: KeyTask = KeyTask(),
    device: str = "cpu",
    progress: bool = True,
) -> CachedModel:
    """The SFT base for key lookup, cached (:func:`helpers.lm.sft.cached_base`): it learns the teacher's prior."""
    from dataclasses import asdict

    from helpers.lm.sft import cached_base

    return cached_base(
        "key_lookup_base",
        __name__,
        config,
        settings,
        {"task": asdict(task)},
        lambda n: sft_examples(make_keys(task), n, seed=settings.seed),
        device,
        progress,
    )
