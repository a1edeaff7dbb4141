"""Evaluative vs directive feedback: group-baseline REINFORCE, hindsight-guided on-policy distillation, or both.

Every step samples ``group_size`` responses for each of ``prompts_per_step`` words (the
interactions). The user's feedback on each is used according to the arm:

* **REINFORCE** (evaluative): every token of a response gets the advantage ``r - mean(r)``
  of its group, with ``r`` the exact-match reward.
* **OPD** (directive, Wang et al., 2026): on a share ``hint_share`` of interactions the user
  names the first wrong letter; a teacher reads the prompt *with that hint* and scores the
  student's own tokens, and each token gets the advantage ``log pi_T(y_t) - log pi_theta(y_t)``
  (no gradient through either log-probability in the advantage).
* **both**: the sum of the two advantages.

The teacher is the current policy with the hint in its context (``teacher="current"``, the
self-distillation form), or the frozen pretrained model (``teacher="frozen"``, the n09 spec's
first proposal; see the notebook's design notes for why the default is the former).
TRL's ``GRPOTrainer`` takes one scalar reward per completion, so the per-token advantages
are an advantage function on the book's policy-gradient loop (:mod:`helpers.rl.core`).

Used by: n09.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch

from helpers.lm.sampling import cut_at_special, encode, sample_tokens, through_end, token_logprobs
from helpers.rl import core
from helpers.rl.core import Rollout, group_advantages, groups_of
from helpers.tasks import hidden_preferences as hp

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

TEACHERS = ("current", "frozen")
DISTILLATIONS = ("sampled", "logits")


@dataclass(frozen=True)
class FeedbackSettings(core.RLSettings):
    """One phase-1 run. ``use_reward``/``use_hints`` pick the arm; both False is the no-update control."""

    min_group = 2
    prompts_per_step: int = 8
    use_reward: bool = True
    use_hints: bool = False
    hint_share: float = 0.5
    teacher: str = "current"
    distillation: str = (
        "sampled"  # "sampled": per-token advantage on the student's tokens; "logits": full-vocabulary KL
    )
    eval_every: int = 10

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.distillation not in DISTILLATIONS:
            raise ValueError(f"distillation={self.distillation!r} is not one of {DISTILLATIONS}")
        if self.teacher not in TEACHERS:
            raise ValueError(f"teacher={self.teacher!r} is not one of {TEACHERS}")
        if not 0.0 <= self.hint_share <= 1.0:
            raise ValueError(f"hint_share must be in [0, 1], got {self.hint_share}")


def teacher_logprobs(
    teacher: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    words: list[str],
    ids: torch.Tensor,
    hints: list[tuple[int, str] | None],
) -> tuple[list[int], torch.Tensor]:
    """The hinted rows, and the teacher's log-probabilities of their sampled tokens given the *hinted* prompt."""
    rows, inputs = hinted_inputs(tokenizer, words, ids, hints)
    if not rows:
        return rows, torch.zeros(0, ids.shape[1], device=ids.device)
    return rows, token_logprobs(teacher, inputs, hp.HINTED_PROMPT_LEN)


def hinted_inputs(
    tokenizer: PreTrainedTokenizerBase,
    words: list[str],
    ids: torch.Tensor,
    hints: list[tuple[int, str] | None],
) -> tuple[list[int], torch.Tensor | None]:
    """The rows that got a hint, and the teacher's input for them: the hinted prompt, then the sampled response."""
    rows = [i for i, h in enumerate(hints) if h is not None]
    if not rows:
        return rows, None
    hinted = encode(tokenizer, [hp.hinted_prompt(words[i], *hints[i]) for i in rows], ids.device)
    return rows, torch.cat([hinted, ids[rows]], dim=1)


def opd_advantages(rows: list[int], teacher_logp: torch.Tensor, student_logp: torch.Tensor) -> torch.Tensor:
    """The paper's idea, per token:
    ``log pi_T(y_t | hinted prompt) - log pi_theta(y_t | prompt)`` on hinted rows,
    0 elsewhere."""
    advantages = torch.zeros_like(student_logp)
    if rows:
        advantages[rows] = teacher_logp - student_logp[rows]
    return advantages


def logit_distillation_loss(batch: Rollout, student_logits: torch.Tensor) -> torch.Tensor:
    """KL(pi_T || pi_theta) over the whole vocabulary, summed over hinted rows and
    trained tokens, per trained token of the batch."""
    rows, teacher_logits = batch.info["hinted_rows"], batch.info.get("teacher_logits")
    if not rows:
        return student_logits.sum() * 0.0
    mask = batch.response_mask()
    t_logp = teacher_logits.log_softmax(-1)
    s_logp = student_logits[rows].log_softmax(-1)
    kl = (t_logp.exp() * (t_logp - s_logp)).sum(-1)
    return (kl * mask[rows]).sum() / mask.sum()


def train(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    settings: FeedbackSettings,
    seed: int,
    eval_words: list[str],
    eval_samples: int,
    device: str = "cpu",
    show_progress: bool = True,
) -> pd.DataFrame:
    """Phase 1 from a copy of ``model``; :func:`helpers.tasks.hidden_preferences.evaluate` on ``eval_words``
    at step 0, every ``eval_every`` steps and at the end.

    The book's policy-gradient loop (:func:`helpers.rl.core.train`) with per-token advantages:
    the group-centred reward (``scale="none"``, REINFORCE with the group mean as baseline)
    and/or :func:`opd_advantages`. Returns per evaluation the step, the number of interactions
    so far and the three metrics.
    """
    per_step = settings.prompts_per_step * settings.group_size
    if not (settings.use_reward or settings.use_hints):  # the no-update control: evaluated once, never trained
        metrics = hp.evaluate(copy.deepcopy(model).to(device).eval(), tokenizer, eval_words, eval_samples, seed, device)
        steps = sorted({*range(0, settings.num_steps + 1, settings.eval_every), settings.num_steps})
        return pd.DataFrame([{"step": s, "interactions": s * per_step, **metrics} for s in steps])
    frozen = copy.deepcopy(model).to(device).eval() if settings.teacher == "frozen" else None
    generator = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)

    def rollout(policy: torch.nn.Module, step: int) -> Rollout:
        words = [
            w
            for w in hp.make_words(settings.prompts_per_step, seed=1_000_000 * (seed + 1) + step - 1)
            for _ in range(settings.group_size)
        ]
        prompts = encode(tokenizer, [hp.prompt(w) for w in words], device)
        ids, logprobs = sample_tokens(policy, prompts, hp.MAX_RESPONSE, generator, return_logprobs=True)
        responses, ends = cut_at_special(tokenizer, ids)
        rewards = torch.tensor([hp.reward(w, y) for w, y in zip(words, responses)], dtype=torch.float32)
        info = {"hinted_rows": []}
        if settings.use_hints:
            hints = [hp.hint(w, y) if rng.random() < settings.hint_share else None for w, y in zip(words, responses)]
            teacher = frozen if frozen is not None else policy  # the current policy, reading the hint
            if settings.distillation == "sampled":
                rows, teacher_logp = teacher_logprobs(teacher, tokenizer, words, ids, hints)
                info["opd"] = opd_advantages(rows, teacher_logp, logprobs)
            else:
                rows, inputs = hinted_inputs(tokenizer, words, ids, hints)
                if rows:
                    logits = teacher(input_ids=inputs).logits
                    info["teacher_logits"] = logits[:, hp.HINTED_PROMPT_LEN - 1 : -1].float()
            info["hinted_rows"] = rows
        return Rollout(
            torch.cat([prompts, ids], dim=1),
            hp.PROMPT_LEN,
            rewards,
            groups_of(settings.prompts_per_step, settings.group_size),
            mask=through_end(ends, hp.MAX_RESPONSE),
            logprobs=logprobs,
            info=info,
        )

    def advantages(batch: Rollout) -> torch.Tensor:
        total = torch.zeros(len(batch.seqs), batch.length)
        if settings.use_reward:
            total += group_advantages(batch.rewards, batch.groups, scale="none")[:, None]
        if "opd" in batch.info:
            total += batch.info["opd"].cpu()
        return total

    def held_out(step: int, policy: torch.nn.Module, batch: Rollout | None) -> dict[str, float]:
        return {
            "interactions": step * per_step,
            **hp.evaluate(policy, tokenizer, eval_words, eval_samples, seed, device),
        }

    extra = logit_distillation_loss if settings.use_hints and settings.distillation == "logits" else None
    history, _ = core.train(
        model,
        rollout,
        settings,
        advantages=advantages,
        extra_loss=extra,
        evaluate=held_out,
        device=device,
        desc="phase 1",
        show_progress=show_progress,
    )
    return history
