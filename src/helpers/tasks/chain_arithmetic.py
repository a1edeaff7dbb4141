"""Chain arithmetic mod 10, answered with one digit: a task where a checker, a vote and the truth can disagree.

A prompt ``3+4*2-5=`` applies operations (``+``, ``-``, ``*``) to digits, left to right,
mod 10; the answer is a single digit token. n13 uses chains of one operation whose first
operand runs over 0..99 (``37*8=``, 3,000 distinct problems, split by :func:`split_problems`
into a training side and a held-out test that no arm trains on). The answer depends only on the
first operand's units digit, so a held-out problem shares its table entry with training-side
problems, and a model that learns to ignore the tens digit transfers to it; with one-digit
operands (``first_max=10``, 300 problems) every held-out problem is an unseen table entry and a
tiny GPT stays near chance there. A tiny GPT answering in one token also stays at chance on
longer chains (see the notebook's design notes). Because the answer is one token, the model's
whole answer distribution is one softmax over the ten digits (:func:`answer_probs`), so
accuracy, answer entropy, majority-vote accuracy and the share of "confidently wrong"
problems are computed exactly, without sampling noise.

Used by: n13 (self-improvement needs an external anchor).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

    from helpers.lm.models import CachedModel, TinyLMConfig
    from helpers.lm.sft import SFTSettings

DIGITS = "0123456789"
OPS = "+-*"


@dataclass(frozen=True)
class ChainProblem:
    """Digits ``x0 .. xk`` and operators ``op1 .. opk``."""

    digits: tuple[int, ...]
    ops: str

    @property
    def prompt(self) -> str:
        """``3+4-2+5=``."""
        return "".join(f"{d}{op}" for d, op in zip(self.digits, self.ops)) + f"{self.digits[-1]}="

    @property
    def answer(self) -> int:
        """The value mod 10, left to right."""
        value = self.digits[0]
        for op, d in zip(self.ops, self.digits[1:]):
            value = value + d if op == "+" else value - d if op == "-" else value * d
        return value % 10


def make_problems(n: int, seed: int, steps: tuple[int, ...] = (1,)) -> list[ChainProblem]:
    """``n`` problems (with repeats) with a number of operations drawn uniformly from ``steps``."""
    rng = np.random.default_rng(seed)
    problems = []
    for _ in range(n):
        k = int(rng.choice(steps))
        problems.append(
            ChainProblem(tuple(int(d) for d in rng.integers(0, 10, k + 1)), "".join(rng.choice(list(OPS), k)))
        )
    return problems


def all_problems(first_max: int = 10) -> list[ChainProblem]:
    """Every one-operation problem with a first operand in ``0 .. first_max - 1`` and a second in
    ``0 .. 9``: ``first_max x 3 x 10`` of them (300 for one-digit operands)."""
    if first_max < 1:
        raise ValueError(f"first_max must be at least 1, got {first_max}")
    return [ChainProblem((a, b), op) for a in range(first_max) for op in OPS for b in range(10)]


def split_problems(
    test_share: float = 1 / 3, seed: int = 3, first_max: int = 10
) -> tuple[list[ChainProblem], list[ChainProblem]]:
    """``(train, test)``: the problems of :func:`all_problems` split at random, within each operator,
    into a training side (for the gold labels and the unlabelled pool) and a disjoint held-out test."""
    if not 0 < test_share < 1:
        raise ValueError(f"test_share must be in (0, 1), got {test_share}")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for op in OPS:
        part = [p for p in all_problems(first_max) if p.ops == op]
        order = rng.permutation(len(part))
        cut = round(len(part) * test_share)
        test += [part[i] for i in order[:cut]]
        train += [part[i] for i in order[cut:]]
    return train, test


def draw(problems: list[ChainProblem], n: int, seed: int) -> list[ChainProblem]:
    """``n`` problems drawn uniformly, with repeats, from ``problems``."""
    rng = np.random.default_rng(seed)
    return [problems[int(i)] for i in rng.integers(0, len(problems), n)]


@torch.no_grad()
def answer_probs(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    problems: list[ChainProblem],
    device: str = "cpu",
    batch_size: int = 1024,
) -> np.ndarray:
    """``(problems, 10)``: the model's next-token distribution after each prompt, renormalised over the ten digits."""
    digit_ids = tokenizer.convert_tokens_to_ids(list(DIGITS))
    out = []
    for start in range(0, len(problems), batch_size):
        chunk = problems[start : start + batch_size]
        enc = tokenizer([p.prompt for p in chunk], return_tensors="pt", padding=True, add_special_tokens=False).to(
            device
        )
        logits = model(**enc).logits[:, -1, digit_ids].float()
        out.append(logits.double().softmax(-1).cpu().numpy())
    probs = np.concatenate(out)
    return probs / probs.sum(1, keepdims=True)


def answers(problems: list[ChainProblem]) -> np.ndarray:
    """The true answers as an int array."""
    return np.array([p.answer for p in problems])


def majority_vote_accuracy(probs: np.ndarray, truth: np.ndarray, votes: int, samples: int, seed: int) -> float:
    """Accuracy of the most frequent of ``votes`` sampled answers (ties: lowest digit), averaged over
    ``samples`` draws."""
    rng = np.random.default_rng(seed)
    counts = np.stack([rng.multinomial(votes, p, size=samples) for p in probs])  # (problems, samples, 10)
    return float((counts.argmax(-1) == truth[:, None]).mean())


def confidently_wrong_share(probs: np.ndarray, truth: np.ndarray, votes: int = 8, agree: int = 7) -> float:
    """Exact share of problems on which at least ``agree`` of ``votes`` samples give the same *wrong* answer.

    For one wrong digit with probability ``p`` that is ``P(Binomial(votes, p) >= agree)``; with
    ``agree > votes / 2`` two digits cannot both reach it, so the events add up.
    """
    from math import comb

    if 2 * agree <= votes:
        raise ValueError(f"agree={agree} must be a strict majority of votes={votes}")
    tail = sum(comb(votes, j) * probs**j * (1 - probs) ** (votes - j) for j in range(agree, votes + 1))
    wrong = np.ones_like(probs, dtype=bool)
    wrong[np.arange(len(truth)), truth] = False
    return float((tail * wrong).sum(1).mean())


def entropy(probs: np.ndarray) -> float:
    """Mean answer entropy in nats."""
    return float(-(probs * np.log(np.clip(probs, 1e-12, None))).sum(1).mean())


# --- the task's base model -------------------------------------------------------------------


def base(
    config: TinyLMConfig,
    settings: SFTSettings,
    gold: list[tuple[str, str]],
    device: str = "cpu",
    progress: bool = True,
) -> CachedModel:
    """The round-0 model of n13: SFT on the small labelled ``gold`` set, cached."""
    from helpers.lm.sft import cached_base

    return cached_base(
        "chain_arithmetic_base", __name__, config, settings, {"gold": gold}, lambda n: gold, device, progress
    )
