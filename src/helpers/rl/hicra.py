"""GRPO and HICRA on plan-then-execute responses, with exact training-dynamics measurements.

**HICRA** (Wang et al., 2025) gives planning tokens a larger credit: every token of a
response gets the group-normalised advantage ``A``, and planning tokens get
``A + α·|A|`` instead (α = 0.2 in the paper; α = 0 is GRPO). Here the planning token is
the first response token of :mod:`helpers.tasks.plan_execute`. TRL's ``GRPOTrainer``
has one advantage per sequence, so this per-token change is an advantage function on the
book's GRPO loop (:mod:`helpers.rl.core`); reward 1 for a correct response.

:func:`evaluate` measures the paper's training-dynamics quantities *exactly* from the
policy's probabilities (no sampling noise): plan and execution error, execution-token
entropy, per-prompt plan entropy (token level) and the entropy of the plan histogram over
a batch of prompts (strategy level, the analogue of the paper's semantic entropy).

Used by: n05 (two-phase learning).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import torch

from helpers.lm.sampling import decode, encode, sample_tokens
from helpers.rl import core
from helpers.rl.core import Rollout, group_advantages, groups_of
from helpers.tasks import plan_execute as pe


@dataclass(frozen=True)
class HicraSettings:
    """Sizes of one RL run (defaults: the n05 spec at CPU scale). ``alpha = 0`` is GRPO."""

    num_steps: int = 300
    prompts_per_step: int = 32
    group_size: int = 8
    learning_rate: float = 1e-3
    alpha: float = 0.0
    eval_every: int = 10

    def __post_init__(self) -> None:
        if min(self.num_steps, self.prompts_per_step, self.group_size, self.eval_every) < 1:
            raise ValueError(f"num_steps, prompts_per_step, group_size and eval_every must be >= 1, got {self}")
        if self.alpha < 0:
            raise ValueError(f"alpha must be >= 0, got {self.alpha}")


def token_advantages(
    advantages: torch.Tensor, planning: torch.Tensor, alpha: float
) -> torch.Tensor:
    """Per-token advantages ``(rows, tokens)``: ``A`` everywhere, ``A + α|A|`` where
    ``planning`` (a ``tokens`` mask) is true."""
    return (
        advantages[:, None]
        + alpha * advantages.abs()[:, None] * planning.float()[None, :]
    )


def policy_loss(per_token: torch.Tensor, logprobs: torch.Tensor) -> torch.Tensor:
    """The loss :func:`train` steps on: the core's ``-A · log π``, token-averaged over the batch."""
    return core.policy_gradient_loss(logprobs, per_token, torch.ones_like(logprobs))


def _entropy(p: torch.Tensor, dim: int = -1) -> torch.Tensor:
    return -(p * p.clamp_min(1e-12).log()).sum(dim)


@torch.no_grad()
def evaluate(model, tokenizer, problems: Sequence[pe.Problem], device: str = "cpu") -> dict[str, float]:  # noqa: ANN001
    """Exact training-dynamics metrics of ``model`` on ``problems`` (see the module docstring).

    The correct trace of every plan is teacher-forced, so P(execution right | plan) is the
    product of its four next-token probabilities and the execution entropy is the mean entropy
    of those four next-token distributions, both weighted by the policy's plan probabilities.
    A problem that occurs several times in ``problems`` is computed once and weighted by its
    count (the same averages as computing every copy, for less work).
    """
    counts: dict[pe.Problem, int] = {}
    for p in problems:
        counts[p] = counts.get(p, 0) + 1
    unique = list(counts)
    plan_ids = tokenizer.convert_tokens_to_ids(list(pe.PLANS))
    texts = [p.prompt + pe.trace(plan, p.a, p.b, p.c) for p in unique for plan in pe.PLANS]
    ids = tokenizer(texts, return_tensors="pt", add_special_tokens=False)["input_ids"].to(device)
    width = len(unique[0].prompt)
    probs = model(input_ids=ids).logits[:, width - 1:-1].float().softmax(-1)  # rows x 6 x vocab
    n = len(unique)
    weight = torch.tensor([counts[p] for p in unique], dtype=torch.float32, device=ids.device)
    weight = weight / weight.sum()

    def mean(values: torch.Tensor) -> torch.Tensor:  # the average over ``problems``, repeats included
        return (weight.reshape(-1, *[1] * (values.dim() - 1)) * values).sum(0)

    plan_p = probs[::4, 0][:, plan_ids]  # n x 4: P(plan) on each prompt (rows of one prompt share the prefix)
    steps = probs[:, 1:].gather(2, ids[:, width + 1:, None]).squeeze(-1)  # 4n x 5
    exec_ok = steps.prod(1).reshape(n, 4)
    exec_entropy = _entropy(probs[:, 1:]).mean(1).reshape(n, 4)
    valid = torch.tensor([pe.PLANS.index(p.plan) for p in unique], device=ids.device)
    on_plan = plan_p.sum(1)
    p_valid = plan_p[torch.arange(n), valid]
    cond = plan_p / on_plan[:, None].clamp_min(1e-12)
    mean_plan = mean(cond)
    return {
        "accuracy": float(mean(p_valid * exec_ok[torch.arange(n), valid])),
        "plan error": float(1 - mean(p_valid)),
        "execution error": float(1 - mean((plan_p * exec_ok).sum(1) / on_plan.clamp_min(1e-12))),
        "execution entropy": float(mean((cond * exec_entropy).sum(1))),
        "plan entropy (per prompt)": float(mean(_entropy(cond))),
        "plan entropy (batch)": float(_entropy(mean_plan)),
        **{f"share {plan}": float(mean_plan[i]) for i, plan in enumerate(pe.PLANS)},
    }


def train(model, tokenizer, problems: Sequence[pe.Problem], eval_problems: Sequence[pe.Problem],  # noqa: ANN001
          settings: HicraSettings, seed: int, device: str = "cpu", desc: str = "") -> tuple[pd.DataFrame, torch.nn.Module]:
    """RL on ``problems`` from a copy of ``model``; :func:`evaluate` on ``eval_problems`` every ``eval_every`` steps.

    The book's GRPO loop (:func:`helpers.rl.core.train`) with :func:`token_advantages` as
    the advantage. Returns ``(log, trained)``; the log has ``step``, the training reward and
    the metrics.
    """
    generator = torch.Generator().manual_seed(seed)
    prompt_ids = encode(tokenizer, [p.prompt for p in problems], device)
    planning = torch.zeros(pe.RESPONSE_TOKENS, dtype=torch.bool, device=device)
    planning[0] = True

    def rollout(policy, step: int) -> Rollout:  # noqa: ANN001
        batch = torch.randint(len(problems), (settings.prompts_per_step,), generator=generator)
        ids = prompt_ids[batch.to(device)].repeat_interleave(settings.group_size, 0)
        response = sample_tokens(policy, ids, pe.RESPONSE_TOKENS, generator)
        texts = decode(tokenizer, response)
        graded = [pe.grade(problems[int(batch[i // settings.group_size])], t)["correct"] for i, t in enumerate(texts)]
        return Rollout(torch.cat([ids, response], dim=1), ids.shape[1], torch.tensor(graded, dtype=torch.float32),
                       groups_of(len(batch), settings.group_size))

    def advantages(batch: Rollout) -> torch.Tensor:
        return token_advantages(group_advantages(batch.rewards, batch.groups), planning.cpu(), settings.alpha)

    def log(step: int, policy, batch: Rollout | None) -> dict[str, float] | None:  # noqa: ANN001
        if step % settings.eval_every == 0 or step == settings.num_steps:
            reward = float("nan") if batch is None else float(batch.rewards.mean())
            return {"train reward": reward, **evaluate(policy, tokenizer, eval_problems, device)}
        return None

    return core.train(model, rollout, num_steps=settings.num_steps, learning_rate=settings.learning_rate,
                      advantages=advantages, log=log, device=device, desc=desc or f"alpha={settings.alpha:g}")


def halving_step(log: pd.DataFrame, metric: str) -> float:
    """The first logged step at which ``metric`` is at most half its step-0 value (``inf`` if it never is)."""
    start = float(log.loc[log["step"] == 0, metric].iloc[0])
    hit = log[(log["step"] > 0) & (log[metric] <= start / 2)]
    return float(hit["step"].iloc[0]) if len(hit) else float("inf")
