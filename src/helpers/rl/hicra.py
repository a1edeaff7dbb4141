"""GRPO and HICRA on plan-then-execute responses, with exact training-dynamics measurements.

**HICRA** (Wang et al., 2025) gives planning tokens a larger credit: every token of a
response gets the group-normalised advantage ``A``, and planning tokens get
``A + α·|A|`` instead (α = 0.2 in the paper; α = 0 is GRPO). Here the planning token is
the first response token of :mod:`helpers.tasks.plan_execute`. TRL's ``GRPOTrainer``
has one advantage per sequence, so this per-token change is an advantage function on the
book's GRPO loop (:mod:`helpers.rl.core`); reward 1 for a correct response.

:func:`helpers.tasks.plan_execute.evaluate` measures the paper's training-dynamics quantities *exactly* from the
policy's probabilities (no sampling noise): plan and execution error, execution-token
entropy, per-prompt plan entropy (token level) and the entropy of the plan histogram over
a batch of prompts (strategy level, the analogue of the paper's semantic entropy).

Used by: n05 (two-phase learning).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import torch

from helpers.lm.sampling import decode, encode, sample_tokens
from helpers.rl import core
from helpers.rl.core import Rollout, group_advantages, groups_of
from helpers.tasks import plan_execute as pe

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


@dataclass(frozen=True)
class HicraSettings(core.RLSettings):
    """Sizes of one RL run (defaults: the n05 spec at CPU scale). ``alpha = 0`` is GRPO."""

    num_steps: int = 300
    prompts_per_step: int = 32
    learning_rate: float = 1e-3
    alpha: float = 0.0
    eval_every: int = 10

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.alpha < 0:
            raise ValueError(f"alpha must be >= 0, got {self.alpha}")


def token_advantages(advantages: torch.Tensor, planning: torch.Tensor, alpha: float) -> torch.Tensor:
    """Per-token advantages ``(rows, tokens)``: ``A`` everywhere, ``A + α|A|`` where
    ``planning`` (a ``tokens`` mask) is true."""
    return advantages[:, None] + alpha * advantages.abs()[:, None] * planning.float()[None, :]


def policy_loss(per_token: torch.Tensor, logprobs: torch.Tensor) -> torch.Tensor:
    """HICRA's objective written out: the core's ``-A · log π`` on per-token advantages, token-averaged.

    :func:`train` does not call it (it passes :func:`token_advantages` to :func:`helpers.rl.core.train`,
    whose default loss is this one); the tests check the two agree and what the planning bonus does.
    """
    return core.policy_gradient_loss(logprobs, per_token, torch.ones_like(logprobs))


def train(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    problems: Sequence[pe.Problem],
    eval_problems: Sequence[pe.Problem],
    settings: HicraSettings,
    seed: int,
    device: str = "cpu",
    desc: str = "",
) -> tuple[pd.DataFrame, torch.nn.Module]:
    """RL on ``problems`` from a copy of ``model``; :func:`helpers.tasks.plan_execute.evaluate` on
    ``eval_problems`` every ``eval_every`` steps.

    The book's GRPO loop (:func:`helpers.rl.core.train`) with :func:`token_advantages` as
    the advantage. Returns ``(log, trained)``; the log has ``step``, the training reward and
    the metrics.
    """
    generator = torch.Generator().manual_seed(seed)
    prompt_ids = encode(tokenizer, [p.prompt for p in problems], device)
    planning = torch.zeros(pe.RESPONSE_TOKENS, dtype=torch.bool, device=device)
    planning[0] = True

    def rollout(policy: torch.nn.Module, step: int) -> Rollout:
        batch = torch.randint(len(problems), (settings.prompts_per_step,), generator=generator)
        ids = prompt_ids[batch.to(device)].repeat_interleave(settings.group_size, 0)
        response = sample_tokens(policy, ids, pe.RESPONSE_TOKENS, generator)
        texts = decode(tokenizer, response)
        graded = [pe.grade(problems[int(batch[i // settings.group_size])], t)["correct"] for i, t in enumerate(texts)]
        return Rollout(
            torch.cat([ids, response], dim=1),
            ids.shape[1],
            torch.tensor(graded, dtype=torch.float32),
            groups_of(len(batch), settings.group_size),
        )

    def advantages(batch: Rollout) -> torch.Tensor:
        return token_advantages(group_advantages(batch.rewards, batch.groups), planning.cpu(), settings.alpha)

    def held_out(step: int, policy: torch.nn.Module, batch: Rollout | None) -> dict[str, float]:
        reward = float("nan") if batch is None else float(batch.rewards.mean())
        return {"train reward": reward, **pe.evaluate(policy, tokenizer, eval_problems, device)}

    return core.train(
        model,
        rollout,
        settings,
        advantages=advantages,
        evaluate=held_out,
        device=device,
        desc=desc or f"alpha={settings.alpha:g}",
    )


def halving_step(log: pd.DataFrame, metric: str) -> float:
    """The first logged step at which ``metric`` is at most half its step-0 value (``inf`` if it never is)."""
    start = float(log.loc[log["step"] == 0, metric].iloc[0])
    hit = log[(log["step"] > 0) & (log[metric] <= start / 2)]
    return float(hit["step"].iloc[0]) if len(hit) else float("inf")
