"""Plan, then execute: one planning token picks a formula, four execution tokens carry it out.

A prompt ``^abc>tt=`` gives three digits (1-6) and a two-digit target. The response is
a *plan* token naming one of four formulas, then the formula's intermediate value and its
result (two digits each)::

    A: a*b + c      (intermediate a*b)      B: a*c + b   (intermediate a*c)
    C: (a+b) * c    (intermediate a+b)      D: a+b+c     (intermediate a+b)

Problems are built so that exactly one formula reaches the target (its plan is drawn
uniformly first), so a response can fail in two distinguishable ways: a *plan error* (a
formula that cannot reach the target) or an *execution error* (digits that do not follow
from the chosen formula). The SFT teacher has the wrong planning habit on purpose: it
picks ``A`` 70% of the time whatever the target, and corrupts every execution digit with
probability 0.25; half its examples are execution practice with the plan given, so the
base can carry out every plan about equally well (see :func:`sft_examples`).

Used by: n05 (two-phase learning and HICRA).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

    from helpers.lm.models import CachedModel, TinyLMConfig
    from helpers.lm.sft import SFTSettings

PLANS: tuple[str, ...] = ("A", "B", "C", "D")
RESPONSE_TOKENS = 5  # plan + 2 intermediate digits + 2 result digits
MAX_DIGIT = 6  # digits 1..6 keep every value below 100: (6+6)*6 = 72
TEACHER_PRIOR: tuple[float, ...] = (0.7, 0.1, 0.1, 0.1)


@dataclass(frozen=True)
class Problem:
    """One prompt: the digits, the target, and the one plan that reaches it."""

    a: int
    b: int
    c: int
    target: int
    plan: str

    @property
    def prompt(self) -> str:
        """``^342>14=``."""
        return f"^{self.a}{self.b}{self.c}>{self.target:02d}="


def intermediate(plan: str, a: int, b: int, c: int) -> int:
    """The formula's first step: a*b (A), a*c (B) or a+b (C, D)."""
    return {"A": a * b, "B": a * c, "C": a + b, "D": a + b}[plan]


def result(plan: str, a: int, b: int, c: int) -> int:
    """The formula's value: a*b+c (A), a*c+b (B), (a+b)*c (C), a+b+c (D)."""
    return {"A": a * b + c, "B": a * c + b, "C": (a + b) * c, "D": a + b + c}[plan]


def trace(plan: str, a: int, b: int, c: int) -> str:
    """The correct response for ``plan``: ``"A" + "12" + "14"`` for a=3, b=4, c=2."""
    return f"{plan}{intermediate(plan, a, b, c):02d}{result(plan, a, b, c):02d}"


def make_problems(n: int, seed: int, max_digit: int = MAX_DIGIT) -> list[Problem]:
    """``n`` problems (with repeats possible), plans uniform, each with exactly one formula reaching its target.

    Digits are drawn from 1..``max_digit`` (at most 6, so every value has two digits).
    """
    if not 2 <= max_digit <= MAX_DIGIT:
        raise ValueError(f"max_digit must be between 2 and {MAX_DIGIT}, got {max_digit}")
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < n:
        plan = PLANS[int(rng.integers(4))]
        while True:  # digits until this plan is the only one reaching its value
            a, b, c = (int(x) for x in rng.integers(1, max_digit + 1, size=3))
            target = result(plan, a, b, c)
            if sum(result(p, a, b, c) == target for p in PLANS) == 1:
                break
        out.append(Problem(a, b, c, target, plan))
    return out


def grade(problem: Problem, response: str) -> dict[str, bool]:
    """Score one response: ``plan_ok`` (its plan reaches the target), ``exec_ok`` (its digits follow from its
    plan), ``correct`` (both).

    A response whose first token is not a plan, or whose length is wrong, fails both.
    """
    if len(response) != RESPONSE_TOKENS or response[0] not in PLANS:
        return {"plan_ok": False, "exec_ok": False, "correct": False}
    plan = response[0]
    plan_ok = plan == problem.plan
    exec_ok = response == trace(plan, problem.a, problem.b, problem.c)
    return {"plan_ok": plan_ok, "exec_ok": exec_ok, "correct": plan_ok and exec_ok}


def sft_examples(
    n: int,
    seed: int,
    prior: tuple[float, ...] = TEACHER_PRIOR,
    corruption: float = 0.25,
    max_digit: int = MAX_DIGIT,
    practice_share: float = 0.5,
) -> list[tuple[str, str]]:
    """``(prompt, response)`` pairs from the teacher: a planning habit and noisy execution of every plan.

    A share ``1 - practice_share`` are *habit* examples: the plan is drawn from ``prior``
    whatever the target, and the pair is ``(prompt, plan + execution)``, so the model learns
    the habit. The rest are *execution practice*: the plan is drawn uniformly and moved into
    the prompt, ``(prompt + plan, execution)``, so the model learns to carry out every plan
    equally well while the loss never touches its choice of plan. Each execution digit is
    replaced by a uniformly random digit with probability ``corruption`` (one time in ten
    that is the right digit again).
    """
    if abs(sum(prior) - 1) > 1e-9 or len(prior) != len(PLANS):
        raise ValueError(f"prior must be {len(PLANS)} probabilities summing to 1, got {prior}")
    if not 0 <= corruption <= 1 or not 0 <= practice_share <= 1:
        raise ValueError(f"corruption and practice_share must be in [0, 1], got {corruption}, {practice_share}")
    rng = np.random.default_rng(seed)
    problems = make_problems(n, seed + 1, max_digit)
    pairs = []
    for p in problems:
        practice = rng.random() < practice_share
        plan = PLANS[int(rng.integers(4))] if practice else PLANS[int(rng.choice(4, p=prior))]
        digits = "".join(
            d if rng.random() >= corruption else str(int(rng.integers(10))) for d in trace(plan, p.a, p.b, p.c)[1:]
        )
        pairs.append((p.prompt + plan, digits) if practice else (p.prompt, plan + digits))
    return pairs


# --- the task's base model -------------------------------------------------------------------


def base(
    config: TinyLMConfig,
    settings: SFTSettings,
    prior: tuple[float, ...] = TEACHER_PRIOR,
    corruption: float = 0.25,
    max_digit: int = MAX_DIGIT,
    practice_share: float = 0.5,
    device: str = "cpu",
    progress: bool = True,
) -> CachedModel:
    """The SFT base for plan-then-execute, cached: a skewed plan habit, noisy execution."""
    from helpers.lm.sft import cached_base

    return cached_base(
        "plan_execute_base",
        __name__,
        config,
        settings,
        {"prior": list(prior), "corruption": corruption, "max_digit": max_digit, "practice_share": practice_share},
        lambda n: sft_examples(
            n,
            seed=settings.seed,
            prior=prior,
            corruption=corruption,
            max_digit=max_digit,
            practice_share=practice_share,
        ),
        device,
        progress,
    )


# --- evaluation -----------------------------------------------------------------------------


def _entropy(p: torch.Tensor, dim: int = -1) -> torch.Tensor:
    return -(p * p.clamp_min(1e-12).log()).sum(dim)


@torch.no_grad()
def evaluate(
    model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, problems: Sequence[Problem], device: str = "cpu"
) -> dict[str, float]:
    """Exact training-dynamics metrics of ``model`` on ``problems`` (see the module docstring).

    The correct trace of every plan is teacher-forced, so P(execution right | plan) is the
    product of its four next-token probabilities and the execution entropy is the mean entropy
    of those four next-token distributions, both weighted by the policy's plan probabilities.
    A problem that occurs several times in ``problems`` is computed once and weighted by its
    count (the same averages as computing every copy, for less work).
    """
    counts: dict[Problem, int] = {}
    for p in problems:
        counts[p] = counts.get(p, 0) + 1
    unique = list(counts)
    plan_ids = tokenizer.convert_tokens_to_ids(list(PLANS))
    texts = [p.prompt + trace(plan, p.a, p.b, p.c) for p in unique for plan in PLANS]
    ids = tokenizer(texts, return_tensors="pt", add_special_tokens=False)["input_ids"].to(device)
    width = len(unique[0].prompt)
    probs = model(input_ids=ids).logits[:, width - 1 : -1].float().softmax(-1)  # rows x 6 x vocab
    n = len(unique)
    weight = torch.tensor([counts[p] for p in unique], dtype=torch.float32, device=ids.device)
    weight = weight / weight.sum()

    def mean(values: torch.Tensor) -> torch.Tensor:  # the average over ``problems``, repeats included
        return (weight.reshape(-1, *[1] * (values.dim() - 1)) * values).sum(0)

    plan_p = probs[::4, 0][:, plan_ids]  # n x 4: P(plan) on each prompt (rows of one prompt share the prefix)
    steps = probs[:, 1:].gather(2, ids[:, width + 1 :, None]).squeeze(-1)  # 4n x 5
    exec_ok = steps.prod(1).reshape(n, 4)
    exec_entropy = _entropy(probs[:, 1:]).mean(1).reshape(n, 4)
    valid = torch.tensor([PLANS.index(p.plan) for p in unique], device=ids.device)
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
        **{f"share {plan}": float(mean_plan[i]) for i, plan in enumerate(PLANS)},
    }
