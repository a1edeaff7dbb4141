"""GRPO on the rubric task with three ways to combine a dense proxy reward and a rubric.

* ``dense``: the proxy reward alone;
* ``sum``: proxy + ``rubric_weight`` x (share of rubric checks passed), the rubric as a dense term;
* ``gate``: the rubric as a group-level gate, as in DRO (Xu et al., 2025): a rollout that fails
  a check gets the group's lowest proxy reward minus 1 (so it ranks below every passing
  rollout). A group in which no rollout passes gets no gradient: every rollout in it gets the
  same floor reward, so its group-normalised advantage is 0 (:func:`helpers.rl.core.group_advantages`
  makes it exactly 0; TRL's formula leaves a float residue of about ±1e-3 there).

Rollouts are sampled for ``MAX_RESPONSE`` tokens and cut at the first special token; the
policy gradient runs over the response tokens up to and including that EOS, with GRPO's
group-normalised advantage, token-averaged over the batch (:mod:`helpers.rl.core`). The gate
is only a reward function that sees each group's rewards side by side, which TRL's reward
functions also do (they get the whole batch, groups adjacent): ``GRPOTrainer`` could run it
unchanged, up to that residue. The notebook uses the book's core loop, tested equal to TRL's GRPO loss, so that
its four arms share the sampler and evaluation of the other hand-written methods.

The task's *true quality* is defined through the rubric (token F1 if every check passes, else
0). :func:`helpers.tasks.rubric_answers.score` also reports a quality that does not use the rubric, ``ideal_f1``: the
token F1 of the whole response against the ideal response (key + reference), where stuffing lowers
precision and a dropped key lowers recall, so the arms can be compared off the rubric too.

Used by: n11.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch

from helpers.lm.sampling import cut_at_special, encode, sample_tokens, through_end
from helpers.rl import core
from helpers.rl.core import Rollout, groups_of
from helpers.tasks import rubric_answers as ra

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

COMBINERS = ("dense", "sum", "gate")


@dataclass(frozen=True)
class RubricSettings(core.RLSettings):
    """One RL run (defaults: n11 at the CI scale)."""

    min_group = 2
    prompts_per_step: int = 8
    combiner: str = "dense"
    rubric_weight: float = 0.0  # λ of the "sum" combiner

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.combiner not in COMBINERS:
            raise ValueError(f"combiner={self.combiner!r} is not one of {COMBINERS}")


def combined_rewards(proxy: np.ndarray, checks: np.ndarray, settings: RubricSettings) -> tuple[np.ndarray, np.ndarray]:
    """Rewards ``(prompts, group)`` for the combiner, and which groups are kept.

    ``proxy`` is ``(prompts, group)``; ``checks`` is ``(prompts, group, 3)`` booleans.
    """
    passed = checks.all(axis=2)
    # logged; a group with no passing rollout is uniform, so its advantage is 0
    keep = np.ones(len(proxy), dtype=bool)
    if settings.combiner == "dense":
        return proxy.astype(float), keep
    if settings.combiner == "sum":
        return proxy + settings.rubric_weight * checks.mean(axis=2), keep
    floor = proxy.min(axis=1, keepdims=True) - 1.0
    return np.where(passed, proxy, floor), passed.any(axis=1)


def train(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    settings: RubricSettings,
    seed: int,
    device: str = "cpu",
    show_progress: bool = True,
) -> tuple[pd.DataFrame, torch.nn.Module]:
    """GRPO (:func:`helpers.rl.core.train`) from a copy of ``model`` on fresh problems every step.

    Logs the proxy, quality and pass rate of the batch sampled at each step (step ``k``: the
    policy after ``k`` updates), up to one last batch sampled after the final update.
    """
    generator = torch.Generator().manual_seed(seed)
    shape = (settings.prompts_per_step, settings.group_size)

    def rollout(policy: torch.nn.Module, step: int) -> Rollout:
        problems = ra.make_problems(settings.prompts_per_step, seed=100_000 * (seed + 1) + step - 1)
        prompt_ids = encode(tokenizer, [p.prompt for p in problems], device).repeat_interleave(settings.group_size, 0)
        ids = sample_tokens(policy, prompt_ids, ra.MAX_RESPONSE, generator)
        responses, ends = cut_at_special(tokenizer, ids)
        scores = ra.score([p for p in problems for _ in range(settings.group_size)], responses)
        rewards, keep = combined_rewards(scores["proxy"].reshape(shape), scores["checks"].reshape(*shape, 3), settings)
        return Rollout(
            torch.cat([prompt_ids, ids], dim=1),
            ra.PROMPT_LEN,
            torch.tensor(rewards.reshape(-1), dtype=torch.float32),
            groups_of(*shape),
            mask=through_end(ends, ra.MAX_RESPONSE),
            info={**ra.summary(scores), "groups_kept": float(keep.mean())},
        )

    def log(step: int, policy: torch.nn.Module, batch: Rollout | None) -> dict[str, float] | None:
        return None if batch is None else {"step": step - 1, **batch.info}  # the batch was sampled before this update

    label = settings.combiner if settings.combiner != "sum" else f"sum λ={settings.rubric_weight:g}"
    history, policy = core.train(
        model,
        rollout,
        settings,
        log=log,
        device=device,
        desc=label,
        show_progress=show_progress,
    )
    with torch.no_grad():
        last = rollout(policy, settings.num_steps + 1)
    return pd.concat([history, pd.DataFrame([{"step": settings.num_steps, **last.info}])], ignore_index=True), policy
