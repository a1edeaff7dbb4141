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
TRL's ``GRPOTrainer`` takes one scalar reward per completion, so per-token advantages
need this small loop.

Used by: n09.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from helpers.critique import cut_at_special, encode
from helpers.reinforce import sample_tokens, token_logprobs
from helpers.runtime import progress
from helpers.tasks import hidden_preferences as hp

TEACHERS = ("current", "frozen")
DISTILLATIONS = ("sampled", "logits")


@dataclass(frozen=True)
class FeedbackSettings:
    """One phase-1 run. ``use_reward``/``use_hints`` pick the arm; both False is the no-update control."""

    use_reward: bool = True
    use_hints: bool = False
    num_steps: int = 60
    prompts_per_step: int = 8
    group_size: int = 8
    learning_rate: float = 3e-4
    hint_share: float = 0.5
    teacher: str = "current"
    distillation: str = "sampled"  # "sampled": per-token advantage on the student's tokens; "logits": full-vocabulary KL
    eval_every: int = 10

    def __post_init__(self) -> None:
        if self.distillation not in DISTILLATIONS:
            raise ValueError(f"distillation={self.distillation!r} is not one of {DISTILLATIONS}")
        if self.teacher not in TEACHERS:
            raise ValueError(f"teacher={self.teacher!r} is not one of {TEACHERS}")
        if min(self.num_steps, self.prompts_per_step, self.eval_every) < 1 or self.group_size < 2:
            raise ValueError(f"num_steps, prompts_per_step, eval_every must be >= 1 and group_size >= 2, got {self}")
        if not 0.0 <= self.hint_share <= 1.0:
            raise ValueError(f"hint_share must be in [0, 1], got {self.hint_share}")


def cut(tokenizer, ids: torch.Tensor) -> tuple[list[str], torch.Tensor]:  # noqa: ANN001
    """Responses cut at the first special token, and the mask of their tokens up to and including it."""
    texts, ends = cut_at_special(tokenizer, ids)
    mask = torch.arange(ids.shape[1])[None, :] <= ends[:, None]
    return texts, mask.float().to(ids.device)


@torch.no_grad()
def evaluate(model, tokenizer, words: list[str], samples: int, seed: int, device: str = "cpu") -> dict[str, float]:  # noqa: ANN001
    """Exact-match rate, substitution accuracy (over letters the user wants changed) and ``"!"`` rate of sampled responses."""
    ids = sample_tokens(model, encode(tokenizer, [hp.prompt(w) for w in words], device).repeat_interleave(samples, 0),
                        hp.MAX_RESPONSE, torch.Generator().manual_seed(seed))
    responses, _ = cut(tokenizer, ids)
    repeated = [w for w in words for _ in range(samples)]
    right, total = np.array([hp.substitution_accuracy(w, r) for w, r in zip(repeated, responses)]).sum(0)
    return {"exact": float(np.mean([hp.reward(w, r) for w, r in zip(repeated, responses)])),
            "substitution": float(right / max(total, 1)),
            "bang": float(np.mean([r[hp.WORD_LEN:hp.WORD_LEN + 1] == hp.BANG for r in responses]))}


def opd_advantages(teacher, tokenizer, words: list[str], ids: torch.Tensor, hints: list[tuple[int, str] | None],  # noqa: ANN001
                   student_logp: torch.Tensor) -> torch.Tensor:
    """Per-token ``log pi_T - log pi_theta`` on rows with a hint (teacher sees the hinted prompt); 0 on rows without."""
    advantages = torch.zeros_like(student_logp)
    rows = [i for i, h in enumerate(hints) if h is not None]
    if not rows:
        return advantages
    hinted = encode(tokenizer, [hp.hinted_prompt(words[i], *hints[i]) for i in rows], ids.device)
    with torch.no_grad():
        teacher_logp = token_logprobs(teacher, torch.cat([hinted, ids[rows]], dim=1), hp.HINTED_PROMPT_LEN)
    advantages[rows] = teacher_logp - student_logp[rows].detach()
    return advantages


def logit_distillation_loss(teacher, policy, tokenizer, words: list[str], ids: torch.Tensor,  # noqa: ANN001
                            hints: list[tuple[int, str] | None], student_logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Sum over hinted rows and response positions of KL(pi_T || pi_theta) over the whole vocabulary, per masked token of the batch."""
    rows = [i for i, h in enumerate(hints) if h is not None]
    if not rows:
        return student_logits.sum() * 0.0
    hinted = encode(tokenizer, [hp.hinted_prompt(words[i], *hints[i]) for i in rows], ids.device)
    with torch.no_grad():
        teacher_logits = teacher(input_ids=torch.cat([hinted, ids[rows]], dim=1)).logits[:, hp.HINTED_PROMPT_LEN - 1:-1].float()
    t_logp = teacher_logits.log_softmax(-1)
    s_logp = student_logits[rows].log_softmax(-1)
    kl = (t_logp.exp() * (t_logp - s_logp)).sum(-1)
    return (kl * mask[rows]).sum() / mask.sum()


def train(model, tokenizer, settings: FeedbackSettings, seed: int, eval_words: list[str], eval_samples: int,  # noqa: ANN001
          device: str = "cpu", show_progress: bool = True) -> pd.DataFrame:
    """Phase 1 from a copy of ``model``; :func:`evaluate` on ``eval_words`` at step 0, every ``eval_every`` steps and at the end.

    Returns per evaluation the step, the number of interactions so far and the three metrics.
    """
    policy = copy.deepcopy(model).to(device)
    frozen = copy.deepcopy(model).to(device).eval() if settings.teacher == "frozen" else None
    optimizer = torch.optim.Adam(policy.parameters(), lr=settings.learning_rate)
    generator = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    per_step = settings.prompts_per_step * settings.group_size
    log = []
    control = not (settings.use_reward or settings.use_hints)
    for step in progress(range(settings.num_steps + 1), desc="phase 1", disable=not show_progress):
        if step % settings.eval_every == 0 or step == settings.num_steps:
            policy.eval()
            if control and log:  # the control's model never changes and evaluate() reseeds its sampler: reuse
                metrics = {k: v for k, v in log[0].items() if k not in ("step", "interactions")}
            else:
                metrics = evaluate(policy, tokenizer, eval_words, eval_samples, seed, device)
            log.append({"step": step, "interactions": step * per_step, **metrics})
        if step == settings.num_steps:
            break
        if control:
            continue  # the no-update control: evaluated, never trained
        words = [w for w in hp.make_words(settings.prompts_per_step, seed=1_000_000 * (seed + 1) + step) for _ in range(settings.group_size)]
        prompts = encode(tokenizer, [hp.prompt(w) for w in words], device)
        policy.eval()
        ids = sample_tokens(policy, prompts, hp.MAX_RESPONSE, generator)
        responses, mask = cut(tokenizer, ids)
        policy.train()
        logits = policy(input_ids=torch.cat([prompts, ids], dim=1)).logits[:, hp.PROMPT_LEN - 1:-1].float()
        logp = logits.log_softmax(-1).gather(2, ids[:, :, None]).squeeze(-1)
        advantage = torch.zeros_like(logp)
        extra = logp.sum() * 0.0
        if settings.use_reward:
            r = torch.tensor([hp.reward(w, y) for w, y in zip(words, responses)], device=device).view(-1, settings.group_size)
            advantage += (r - r.mean(1, keepdim=True)).view(-1, 1)
        if settings.use_hints:
            hints = [hp.hint(w, y) if rng.random() < settings.hint_share else None for w, y in zip(words, responses)]
            teacher = frozen if frozen is not None else policy
            if settings.distillation == "sampled":
                advantage += opd_advantages(teacher, tokenizer, words, ids, hints, logp)
            else:
                extra = logit_distillation_loss(teacher, policy, tokenizer, words, ids, hints, logits, mask)
        loss = -(advantage * logp * mask).sum() / mask.sum() + extra
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return pd.DataFrame(log)
