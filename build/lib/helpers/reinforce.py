"""Policy-gradient objectives that differ only in how each sample's reward becomes its weight.

For a batch of sampled answers with rewards ``r = ±1``, every objective here minimises
``-mean(c * log π(answer))`` with a per-sample coefficient ``c`` (:func:`sample_coefficients`):

* **PSR** (positive-sample reinforcement): ``c = 1[r > 0]``, likelihood of right answers only;
* **NSR** (negative-sample reinforcement): ``c = -1[r < 0]``, push down wrong answers only;
* **REINFORCE** (±1): ``c = r``, both together;
* **W-REINFORCE**: ``c = λ 1[r > 0] - 1[r < 0]``, positives down-weighted (λ = 0.1 in the paper);
* **GRPO**: ``c = (r - mean_group) / (std_group + ε)``, the group-normalised advantage;
* **GRPO-shuffled**: GRPO on rewards permuted across the whole batch (a control: same
  update statistics, no information about which answer was right);
* **SFT**: no sampling; the reference answers are teacher-forced with ``c = 1``.

One on-policy gradient step per batch, so PPO's ratio is 1 and its clipped objective has the
same gradient as these. TRL's ``GRPOTrainer`` cannot express PSR/NSR (it always normalises
within the group), so all five arms share this small loop, which keeps the comparison fair.

Used by: n06 (the five objectives), n04 (SFT, PSR as online rejection-sampling fine-tuning,
GRPO and GRPO-shuffled, compared by which parameters they move).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import torch

from helpers.runtime import progress

OBJECTIVES: tuple[str, ...] = ("PSR", "NSR", "REINFORCE", "W-REINFORCE", "GRPO")
#: Every objective :func:`train_policy` accepts: :data:`OBJECTIVES` and the two controls.
ALL_OBJECTIVES: tuple[str, ...] = (*OBJECTIVES, "GRPO-shuffled", "SFT")


@dataclass(frozen=True)
class PGSettings:
    """Sizes of a policy-gradient run (defaults: the n06 spec)."""

    num_steps: int = 60
    prompts_per_step: int = 16
    group_size: int = 8
    learning_rate: float = 3e-4
    positive_weight: float = 0.1  # λ of W-REINFORCE

    def __post_init__(self) -> None:
        if min(self.num_steps, self.prompts_per_step, self.group_size) < 1:
            raise ValueError(f"num_steps, prompts_per_step and group_size must be >= 1, got {self}")


def sample_coefficients(rewards: torch.Tensor, objective: str, positive_weight: float = 0.1,
                        generator: torch.Generator | None = None) -> torch.Tensor:
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
        mean = rewards.mean(dim=1, keepdim=True)
        std = rewards.std(dim=1, unbiased=False, keepdim=True)
        return (rewards - mean) / (std + 1e-4)
    raise ValueError(f"objective={objective!r} is not one of {ALL_OBJECTIVES}")


def _sample_two_tokens(model, prompt_ids: torch.Tensor, group_size: int, generator: torch.Generator) -> torch.Tensor:  # noqa: ANN001
    """Sample ``group_size`` two-token continuations per prompt at temperature 1 (no padding: equal-length prompts)."""
    with torch.no_grad():
        first_probs = model(input_ids=prompt_ids).logits[:, -1].float().softmax(-1)
        first = torch.multinomial(first_probs.cpu(), group_size, replacement=True, generator=generator).to(prompt_ids.device)
        seqs = torch.cat([prompt_ids.repeat_interleave(group_size, 0), first.reshape(-1, 1)], dim=1)
        second_probs = model(input_ids=seqs).logits[:, -1].float().softmax(-1)
        second = torch.multinomial(second_probs.cpu(), 1, generator=generator).to(prompt_ids.device)
    return torch.cat([seqs, second], dim=1)


@torch.no_grad()
def sample_tokens(model, input_ids: torch.Tensor, num_tokens: int, generator: torch.Generator | None) -> torch.Tensor:  # noqa: ANN001
    """Sample exactly ``num_tokens`` tokens after each row of ``input_ids`` at temperature 1, with a KV cache.

    Rows must have equal length (no padding). Sampling draws from ``generator`` on the CPU, so
    the same generator state gives the same tokens on any device; ``generator=None`` decodes
    greedily instead. Returns ``(rows, num_tokens)``.
    """
    out = model(input_ids=input_ids, use_cache=True)
    tokens = []
    for i in range(num_tokens):
        probs = out.logits[:, -1].float().softmax(-1).cpu()
        if generator is None:
            tokens.append(probs.argmax(-1, keepdim=True).to(input_ids.device))
        else:
            tokens.append(torch.multinomial(probs, 1, generator=generator).to(input_ids.device))
        if i + 1 < num_tokens:
            out = model(input_ids=tokens[-1], past_key_values=out.past_key_values, use_cache=True)
    return torch.cat(tokens, dim=1)


def token_logprobs(model, seqs: torch.Tensor, width: int) -> torch.Tensor:  # noqa: ANN001
    """log π(token) of every token in ``seqs[:, width:]`` given everything before it, shape ``(rows, len - width)`` (with grad)."""
    logits = model(input_ids=seqs).logits[:, width - 1:-1].float()
    return logits.log_softmax(-1).gather(2, seqs[:, width:, None]).squeeze(-1)


def sequence_logprob(model, seqs: torch.Tensor, width: int) -> torch.Tensor:  # noqa: ANN001
    """Sum of log π(token) over ``seqs[:, width:]`` given everything before it, one value per row (with grad)."""
    return token_logprobs(model, seqs, width).sum(1)


def train_policy(model, tokenizer, prompts: Sequence[str], answers: Sequence[str], objective: str, settings: PGSettings,  # noqa: ANN001
                 seed: int, eval_fn: Callable[[torch.nn.Module], dict[str, float]] | None = None, eval_every: int = 10,
                 device: str = "cpu", after_backward: Callable[[torch.nn.Module], None] | None = None,
                 ) -> tuple[pd.DataFrame, torch.nn.Module]:
    """Train a copy of ``model`` on two-token ``answers`` with reward +1 (exact match) / -1 (anything else).

    Each step draws ``prompts_per_step`` prompts and samples ``group_size`` answers for each;
    ``"SFT"`` instead teacher-forces the answers of ``prompts_per_step × group_size`` prompts
    drawn with replacement (same number of sequences per step, no sampling, reward logged as
    NaN). ``after_backward(policy)`` runs after every backward pass, before the optimizer step
    (e.g. to record which parameters received a gradient). Returns ``(log, trained)``: the log
    has ``step`` and the training reward, plus ``eval_fn``'s metrics at step 0, every
    ``eval_every`` steps and at the end.
    """
    if objective not in ALL_OBJECTIVES:  # fail early on an unknown objective
        raise ValueError(f"objective={objective!r} is not one of {ALL_OBJECTIVES}")
    policy = copy.deepcopy(model).to(device).train()
    optimizer = torch.optim.Adam(policy.parameters(), lr=settings.learning_rate)
    generator = torch.Generator().manual_seed(seed)
    prompt_ids = tokenizer(list(prompts), return_tensors="pt", add_special_tokens=False)["input_ids"].to(device)
    answer_ids = tokenizer(list(answers), return_tensors="pt", add_special_tokens=False)["input_ids"].to(device)
    width = prompt_ids.shape[1]
    log = []

    def record(step: int, reward: float) -> None:
        row = {"step": step, "train_reward": reward}
        if eval_fn is not None and (step == 0 or step % eval_every == 0 or step == settings.num_steps):
            policy.eval()
            row.update(eval_fn(policy))
            policy.train()
        log.append(row)

    record(0, float("nan"))
    for step in progress(range(1, settings.num_steps + 1), desc=objective):
        if objective == "SFT":
            batch = torch.randint(len(prompts), (settings.prompts_per_step * settings.group_size,), generator=generator).to(device)
            seqs = torch.cat([prompt_ids[batch], answer_ids[batch]], dim=1)
            rewards = torch.full((len(batch), 1), float("nan"), device=device)
        else:
            batch = torch.randperm(len(prompts), generator=generator)[: settings.prompts_per_step].to(device)
            seqs = _sample_two_tokens(policy, prompt_ids[batch], settings.group_size, generator)
            correct = (seqs[:, width:] == answer_ids[batch].repeat_interleave(settings.group_size, 0)).all(dim=1)
            rewards = (correct.float() * 2 - 1).reshape(len(batch), settings.group_size)
        coefficients = sample_coefficients(rewards, objective, settings.positive_weight, generator).reshape(-1)
        loss = -(coefficients * sequence_logprob(policy, seqs, width)).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if after_backward is not None:
            after_backward(policy)
        optimizer.step()
        record(step, float(rewards.mean()))
    policy.eval()
    return pd.DataFrame(log), policy


def compare_objectives(model, tokenizer, prompts: Sequence[str], answers: Sequence[str], objectives: Sequence[str],  # noqa: ANN001
                       seeds: Sequence[int], settings: PGSettings, eval_fn: Callable | None = None, eval_every: int = 10,
                       device: str = "cpu") -> tuple[pd.DataFrame, dict[tuple[str, int], torch.nn.Module]]:
    """:func:`train_policy` for every objective and seed from the same base; logs stacked with ``arm`` and ``seed``."""
    logs, models = [], {}
    for objective in objectives:
        for seed in seeds:
            log, models[(objective, seed)] = train_policy(model, tokenizer, prompts, answers, objective, settings, seed,
                                                          eval_fn, eval_every, device)
            logs.append(log.assign(arm=objective, seed=seed))
    return pd.concat(logs, ignore_index=True), models
