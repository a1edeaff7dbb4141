"""GRPO on the rubric task with three ways to combine a dense proxy reward and a rubric.

* ``dense``: the proxy reward alone;
* ``sum``: proxy + ``rubric_weight`` x (share of rubric checks passed), the rubric as a dense term;
* ``gate``: the rubric as a group-level gate, as in DRO (Xu et al., 2025): a rollout that fails
  a check gets the group's lowest proxy reward minus 1 (so it ranks below every passing
  rollout), and a group in which no rollout passes is dropped (no gradient from it).

Rollouts are sampled for ``MAX_RESPONSE`` tokens and cut at the first special token; the
policy gradient runs over the response tokens up to and including that EOS, with GRPO's
group-normalised advantage, token-averaged over the batch. TRL's ``GRPOTrainer`` gets rewards
per completion and cannot drop a group from the loss, so the gate is a 40-line loop.

The task's *true quality* is defined through the rubric (token F1 if every check passes, else
0). :func:`score` also reports a quality that does not use the rubric, ``ideal_f1``: the token
F1 of the whole response against the ideal response (key + reference), where stuffing lowers
precision and a dropped key lowers recall, so the arms can be compared off the rubric too.

Used by: n11.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from helpers.critique import cut_at_special, encode
from helpers.reinforce import sample_coefficients, sample_tokens, token_logprobs
from helpers.runtime import progress
from helpers.tasks import rubric_answers as ra

COMBINERS = ("dense", "sum", "gate")


@dataclass(frozen=True)
class RubricSettings:
    """One RL run (defaults: n11 at the CI scale)."""

    combiner: str = "dense"
    rubric_weight: float = 0.0  # λ of the "sum" combiner
    num_steps: int = 60
    prompts_per_step: int = 8
    group_size: int = 8
    learning_rate: float = 3e-4

    def __post_init__(self) -> None:
        if self.combiner not in COMBINERS:
            raise ValueError(f"combiner={self.combiner!r} is not one of {COMBINERS}")
        if min(self.num_steps, self.prompts_per_step) < 1 or self.group_size < 2:
            raise ValueError(f"num_steps, prompts_per_step must be >= 1 and group_size >= 2, got {self}")


def cut_responses(tokenizer, ids: torch.Tensor) -> tuple[list[str], list[int]]:  # noqa: ANN001
    """Responses cut at the first special token, and the number of trained tokens of each (with that EOS)."""
    texts, ends = cut_at_special(tokenizer, ids)
    return texts, [min(e + 1, ids.shape[1]) for e in ends.tolist()]


def combined_rewards(proxy: np.ndarray, checks: np.ndarray, settings: RubricSettings) -> tuple[np.ndarray, np.ndarray]:
    """Rewards ``(prompts, group)`` for the combiner, and which groups are kept.

    ``proxy`` is ``(prompts, group)``; ``checks`` is ``(prompts, group, 3)`` booleans.
    """
    passed = checks.all(axis=2)
    keep = np.ones(len(proxy), dtype=bool)
    if settings.combiner == "dense":
        return proxy.astype(float), keep
    if settings.combiner == "sum":
        return proxy + settings.rubric_weight * checks.mean(axis=2), keep
    floor = proxy.min(axis=1, keepdims=True) - 1.0
    return np.where(passed, proxy, floor), passed.any(axis=1)


def ideal_f1(problem: ra.Problem, response: str) -> float:
    """Token F1 of the whole response against the ideal response (key + reference): a quality without the rubric."""
    return ra.token_f1(response, problem.ideal)


def score(problems: list[ra.Problem], responses: list[str]) -> dict[str, np.ndarray]:
    """Proxy reward, rubric checks, true quality and the rubric-free ``ideal_f1`` of each response."""
    return {"proxy": np.array([ra.proxy_reward(p, r) for p, r in zip(problems, responses)]),
            "checks": np.array([ra.rubric_checks(p, r) for p, r in zip(problems, responses)]),
            "quality": np.array([ra.true_quality(p, r) for p, r in zip(problems, responses)]),
            "ideal_f1": np.array([ideal_f1(p, r) for p, r in zip(problems, responses)]),
            "length": np.array([len(r) for r in responses], dtype=float)}


def _summary(scores: dict[str, np.ndarray]) -> dict[str, float]:
    return {"proxy": float(scores["proxy"].mean()), "quality": float(scores["quality"].mean()),
            "ideal_f1": float(scores["ideal_f1"].mean()),
            "pass_rate": float(scores["checks"].all(axis=1).mean()), "length": float(scores["length"].mean()),
            **{name: float(scores["checks"][:, i].mean()) for i, name in enumerate(ra.CHECK_NAMES)}}


@torch.no_grad()
def sample_responses(model, tokenizer, problems: list[ra.Problem], samples: int, seed: int, device: str = "cpu") -> list[str]:  # noqa: ANN001
    """``samples`` responses per problem (problem-major) at temperature 1, cut at EOS."""
    prompts = encode(tokenizer, [p.prompt for p in problems], device).repeat_interleave(samples, 0)
    ids = sample_tokens(model, prompts, ra.MAX_RESPONSE, torch.Generator().manual_seed(seed))
    return cut_responses(tokenizer, ids)[0]


def evaluate(model, tokenizer, problems: list[ra.Problem], samples: int, seed: int, device: str = "cpu") -> dict[str, float]:  # noqa: ANN001
    """Mean proxy, true quality, ``ideal_f1``, rubric pass rate, length and each check's pass rate over ``samples`` rollouts per problem."""
    responses = sample_responses(model, tokenizer, problems, samples, seed, device)
    return _summary(score([p for p in problems for _ in range(samples)], responses))


def train(model, tokenizer, settings: RubricSettings, seed: int, device: str = "cpu",  # noqa: ANN001
          show_progress: bool = True) -> tuple[pd.DataFrame, torch.nn.Module]:
    """GRPO from a copy of ``model`` on fresh problems every step; logs the batch's proxy, quality and pass rate per step."""
    policy = copy.deepcopy(model).to(device)
    optimizer = torch.optim.Adam(policy.parameters(), lr=settings.learning_rate)
    generator = torch.Generator().manual_seed(seed)
    log = []
    label = settings.combiner if settings.combiner != "sum" else f"sum λ={settings.rubric_weight:g}"
    for step in progress(range(settings.num_steps + 1), desc=label, disable=not show_progress):
        problems = ra.make_problems(settings.prompts_per_step, seed=100_000 * (seed + 1) + step)
        prompt_ids = encode(tokenizer, [p.prompt for p in problems], device).repeat_interleave(settings.group_size, 0)
        policy.eval()
        ids = sample_tokens(policy, prompt_ids, ra.MAX_RESPONSE, generator)
        responses, trained = cut_responses(tokenizer, ids)
        scores = score([p for p in problems for _ in range(settings.group_size)], responses)
        shape = (settings.prompts_per_step, settings.group_size)
        rewards, keep = combined_rewards(scores["proxy"].reshape(shape), scores["checks"].reshape(*shape, 3), settings)
        log.append({"step": step, **_summary(scores), "groups_kept": float(keep.mean())})
        if step == settings.num_steps:
            break
        advantages = sample_coefficients(torch.tensor(rewards, dtype=torch.float32), "GRPO") * torch.tensor(keep)[:, None]
        mask = (torch.arange(ra.MAX_RESPONSE)[None, :] < torch.tensor(trained)[:, None]).float().to(device)
        policy.train()
        logp = token_logprobs(policy, torch.cat([prompt_ids, ids], dim=1), ra.PROMPT_LEN)
        loss = -(advantages.reshape(-1, 1).to(device) * logp * mask).sum() / mask.sum()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    policy.eval()
    return pd.DataFrame(log), policy
