"""Rounds of self-training on chain arithmetic, with and without an external anchor.

Each round the current model answers every problem of a fixed unlabelled pool ``votes``
times (samples from its exact answer distribution), a training set is built from those
answers, and the model is fine-tuned on it for ``steps_per_round`` steps. Arms:

* ``P`` (pure self-consistency): the majority answer of each problem is its label;
* ``T`` (tool anchor): only the sampled answers that a programmatic checker accepts are kept
  (a problem with no accepted answer is dropped), i.e. rejection sampling with a verifier;
* ``H`` (past-data anchor): the majority labels, plus the original gold set (accumulated)
  and a replay of the round-0 model's majority labels.

Used by: n13.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.lm.sft import SFTSettings, sft
from helpers.runtime import progress
from helpers.tasks import chain_arithmetic as chain

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

ARMS = ("P", "T", "H")


@dataclass(frozen=True)
class SelfTrainSettings:
    """One self-training run (defaults: n13 at the CI scale)."""

    rounds: int = 6
    votes: int = 8
    steps_per_round: int = 100
    batch_size: int = 64
    learning_rate: float = 1e-3

    def __post_init__(self) -> None:
        if min(self.rounds, self.votes, self.steps_per_round, self.batch_size) < 1:
            raise ValueError(f"rounds, votes, steps_per_round and batch_size must be >= 1, got {self}")


def sample_counts(probs: np.ndarray, votes: int, rng: np.random.Generator) -> np.ndarray:
    """``(problems, 10)`` counts of ``votes`` answers sampled from each row of ``probs``."""
    return np.stack([rng.multinomial(votes, p / p.sum()) for p in probs])


def round_pairs(
    arm: str,
    problems: list[chain.ChainProblem],
    counts: np.ndarray,
    gold: list[tuple[str, str]],
    replay: list[tuple[str, str]],
) -> list[tuple[str, str]]:
    """The training pairs of one round for ``arm`` from this round's sampled answer
    ``counts``."""
    if arm not in ARMS:
        raise ValueError(f"arm={arm!r} is not one of {ARMS}")
    majority = [(p.prompt, str(int(c.argmax()))) for p, c in zip(problems, counts)]
    if arm == "P":
        return majority
    if arm == "T":
        return [(p.prompt, str(p.answer)) for p, c in zip(problems, counts) for _ in range(int(c[p.answer]))]
    return majority + gold + replay


def metrics(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    test: list[chain.ChainProblem],
    votes: int,
    seed: int,
    device: str = "cpu",
) -> dict[str, float]:
    """Exact pass@1, majority-of-``votes`` accuracy, answer entropy (nats) and confidently-wrong share on ``test``."""
    probs, truth = chain.answer_probs(model, tokenizer, test, device), chain.answers(test)
    return {
        "pass@1": float(probs[np.arange(len(truth)), truth].mean()),
        f"maj@{votes}": chain.majority_vote_accuracy(probs, truth, votes, samples=8, seed=seed),
        "entropy": chain.entropy(probs),
        "confidently_wrong": chain.confidently_wrong_share(probs, truth, votes),
    }


def self_train(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    arm: str,
    pool: list[chain.ChainProblem],
    gold: list[tuple[str, str]],
    test: list[chain.ChainProblem],
    settings: SelfTrainSettings,
    seed: int,
    device: str = "cpu",
    show_progress: bool = True,
) -> pd.DataFrame:
    """``settings.rounds`` rounds of self-training of a copy of ``model``; one row of metrics per round
    (round 0 = the start).

    Besides :func:`metrics` on ``test`` (which should hold no problem of ``pool`` or ``gold``:
    the notebook checks), each row has ``pool_pass@1``, the exact Pass@1 on the pool's distinct
    problems (the ones trained on: a diagnostic, not a test), and, for rounds before the last,
    the round's **self-reward** (mean share of the ``votes`` samples that agree with the
    majority, on the pool), the true accuracy of the majority labels, and the number of training pairs.
    """
    policy = copy.deepcopy(model).to(device).eval()
    rng = np.random.default_rng(seed)
    truth = chain.answers(pool)
    seen = list(dict.fromkeys(pool))
    seen_truth = chain.answers(seen)

    def evaluate(r: int) -> dict[str, float]:
        on_pool = chain.answer_probs(policy, tokenizer, seen, device)
        return {
            "round": r,
            **metrics(policy, tokenizer, test, settings.votes, seed, device),
            "pool_pass@1": float(on_pool[np.arange(len(seen)), seen_truth].mean()),
        }

    rows = [evaluate(0)]
    replay: list[tuple[str, str]] = []
    for r in progress(range(1, settings.rounds + 1), desc=f"self-training {arm}", disable=not show_progress):
        counts = sample_counts(chain.answer_probs(policy, tokenizer, pool, device), settings.votes, rng)
        if r == 1 and arm == "H":
            replay = [(p.prompt, str(int(c.argmax()))) for p, c in zip(pool, counts)]
        pairs = round_pairs(arm, pool, counts, gold, replay)
        rows[-1].update(
            {
                "self_reward": float(counts.max(1).mean() / settings.votes),
                "label_accuracy": float((counts.argmax(1) == truth).mean()),
                "pairs": len(pairs),
            }
        )
        if pairs:
            sft(
                policy,
                tokenizer,
                pairs,
                SFTSettings(
                    num_steps=settings.steps_per_round,
                    batch_size=settings.batch_size,
                    learning_rate=settings.learning_rate,
                    warmup_steps=10,
                    seed=seed * 100 + r,
                ),
                device=device,
                progress=False,
            )
        rows.append(evaluate(r))
    return pd.DataFrame(rows)
