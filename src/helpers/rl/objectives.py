"""Policy-gradient objectives that differ only in how each sample's reward becomes its weight.

For a batch of sampled answers with rewards ``r = ±1``, every objective here minimises
``-c · log π(answer)`` (token-averaged over the batch, :mod:`helpers.rl.core`) with a
per-sample coefficient ``c`` (:func:`sample_coefficients`), the only line that differs:

* **PSR** (positive-sample reinforcement): ``c = 1[r > 0]``, likelihood of right answers only;
* **NSR** (negative-sample reinforcement): ``c = -1[r < 0]``, push down wrong answers only;
* **REINFORCE** (±1): ``c = r``, both together;
* **W-REINFORCE**: ``c = λ 1[r > 0] - 1[r < 0]``, positives down-weighted (λ = 0.1 in the paper);
* **GRPO**: ``c = (r - mean_group) / (std_group + ε)``, the group-normalised advantage
  (:func:`helpers.rl.core.group_advantages`);
* **GRPO-shuffled**: GRPO on rewards permuted across the whole batch (a control: same
  update statistics, no information about which answer was right);
* **SFT**: no sampling; the reference answers are teacher-forced with ``c = 1``.

TRL's ``GRPOTrainer`` cannot express PSR/NSR (it always centres rewards within the group),
so all five arms run the book's core loop, whose GRPO step is tested equal to TRL's.

Used by: n06 (the five objectives), n04 (SFT, PSR as online rejection-sampling fine-tuning,
GRPO and GRPO-shuffled, compared by which parameters they move).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import torch

from helpers.lm.sampling import encode, sample_tokens
from helpers.rl import core
from helpers.rl.core import Rollout, group_advantages, groups_of

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

OBJECTIVES: tuple[str, ...] = ("PSR", "NSR", "REINFORCE", "W-REINFORCE", "GRPO")
#: Every objective :func:`train_policy` accepts: :data:`OBJECTIVES` and the two controls.
ALL_OBJECTIVES: tuple[str, ...] = (*OBJECTIVES, "GRPO-shuffled", "SFT")


@dataclass(frozen=True)
class PGSettings(core.RLSettings):
    """Sizes of a policy-gradient run (defaults: the n06 spec)."""

    positive_weight: float = 0.1  # λ of W-REINFORCE


def sample_coefficients(
    rewards: torch.Tensor, objective: str, positive_weight: float = 0.1, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Per-sample loss coefficients for ``rewards`` of shape ``(prompts, group)`` with values ±1.

    ``"GRPO-shuffled"`` permutes the rewards across the batch with ``generator`` first.
    ``"SFT"`` gives every (teacher-forced) sample the coefficient 1.
    """
    if objective == "GRPO-shuffled":
        order = torch.randperm(rewards.numel(), generator=generator).to(rewards.device)
        rewards, objective = rewards.reshape(-1)[order].reshape(rewards.shape), "GRPO"
    if objective == "SFT":
        return torch.ones_like(rewards)
    positive, negative = (rewards > 0).float(), (rewards < 0).float()
    if objective == "PSR":
        return positive
    if objective == "NSR":
        return -negative
    if objective == "REINFORCE":
        return positive - negative
    if objective == "W-REINFORCE":
        return positive_weight * positive - negative
    if objective == "GRPO":
        return group_advantages(rewards, scale="group")
    raise ValueError(f"objective={objective!r} is not one of {ALL_OBJECTIVES}")


def train_policy(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    prompts: Sequence[str],
    answers: Sequence[str],
    objective: str,
    settings: PGSettings,
    seed: int,
    eval_fn: Callable[[torch.nn.Module], dict[str, float]] | None = None,
    eval_every: int = 10,
    device: str = "cpu",
    after_backward: Callable[[torch.nn.Module], None] | None = None,
) -> tuple[pd.DataFrame, torch.nn.Module]:
    """Train a copy of ``model`` on two-token ``answers`` with reward +1 (exact match) / -1 (anything else).

    Each step draws ``prompts_per_step`` prompts and samples ``group_size`` answers for each;
    ``"SFT"`` instead teacher-forces the answers of ``prompts_per_step × group_size`` prompts
    drawn with replacement (same number of sequences per step, no sampling, reward logged as
    NaN). The step is :func:`helpers.rl.core.train`'s with :func:`sample_coefficients` as the
    advantage. ``after_backward(policy)`` runs after every backward pass (e.g. to record which
    parameters received a gradient). Returns ``(log, trained)``: the log has ``step`` and the
    training reward, plus ``eval_fn``'s metrics at step 0, every ``eval_every`` steps and at the end.
    """
    if objective not in ALL_OBJECTIVES:  # fail early on an unknown objective
        raise ValueError(f"objective={objective!r} is not one of {ALL_OBJECTIVES}")
    generator = torch.Generator().manual_seed(seed)
    prompt_ids, answer_ids = encode(tokenizer, prompts, device), encode(tokenizer, answers, device)
    prompt_length, group = prompt_ids.shape[1], settings.group_size

    def rollout(policy: torch.nn.Module, step: int) -> Rollout:
        if objective == "SFT":
            batch = torch.randint(len(prompts), (settings.prompts_per_step * group,), generator=generator)
            seqs = torch.cat([prompt_ids[batch], answer_ids[batch]], dim=1)
            rewards = torch.full((len(batch),), float("nan"))
            return Rollout(seqs, prompt_length, rewards, torch.arange(len(batch)))
        batch = torch.randperm(len(prompts), generator=generator)[: settings.prompts_per_step]
        prompt_rows = prompt_ids[batch].repeat_interleave(group, 0)
        seqs = torch.cat([prompt_rows, sample_tokens(policy, prompt_rows, 2, generator)], dim=1)
        correct = (seqs[:, prompt_length:] == answer_ids[batch].repeat_interleave(group, 0)).all(dim=1)
        return Rollout(seqs, prompt_length, correct.float() * 2 - 1, groups_of(len(batch), group))

    def coefficients(batch: Rollout) -> torch.Tensor:
        rewards = batch.rewards.reshape(-1, 1 if objective == "SFT" else group)
        return sample_coefficients(rewards, objective, settings.positive_weight, generator).reshape(-1)

    def log(step: int, policy: torch.nn.Module, batch: Rollout | None) -> dict[str, float]:
        return {"train reward": float("nan") if batch is None else float(batch.rewards.mean())}

    return core.train(
        model,
        rollout,
        settings,
        advantages=coefficients,
        after_backward=after_backward,
        log=log,
        evaluate=None if eval_fn is None else lambda step, policy, batch: eval_fn(policy),
        eval_every=eval_every,
        device=device,
        desc=objective,
    )


def compare_objectives(
    model: torch.nn.Module | Mapping[int, torch.nn.Module],
    tokenizer: PreTrainedTokenizerBase,
    prompts: Sequence[str],
    answers: Sequence[str],
    objectives: Sequence[str],
    seeds: Sequence[int],
    settings: PGSettings,
    eval_fn: Callable | None = None,
    eval_every: int = 10,
    device: str = "cpu",
) -> tuple[pd.DataFrame, dict[tuple[str, int], torch.nn.Module]]:
    """:func:`train_policy` for every objective and seed; logs stacked with ``arm`` and ``seed``.

    ``model`` is one base or ``{seed: base}`` (a base per seed: every objective of seed ``s`` starts from base ``s``).
    """
    bases = core.base_per_seed(model, seeds)
    return core.sweep(
        {o: o for o in objectives},
        seeds,
        lambda _, objective, s: train_policy(
            bases[s], tokenizer, prompts, answers, objective, settings, s, eval_fn, eval_every, device
        ),
    )
