"""Outcome vs reasoning reward models on :mod:`helpers.tasks.verify_chain`: verdicts, voting, scores and compute.

A *judgement* is the verdict token: sampled (temperature 1) or greedy, after the scratchpad
for a reasoning model. **Voting** takes ``m`` sampled judgements of the same item and keeps
the majority (a tie, or no valid vote, counts as ``N``); for the outcome model this is the
matched control (``m`` samples of its one-token verdict). **Inference compute** is counted
as ``2 x parameters x tokens processed`` per judgement (prompt + generated tokens), the usual
forward-pass estimate.

Used by: n14.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from helpers.lm.sampling import decode, encode, sample_tokens
from helpers.tasks import verify_chain as vc

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def _generated(style: str, claims: list[vc.Claim]) -> int:
    return 1 if style == "outcome" else len(claims[0].ops) + 1


@torch.no_grad()
def judgements(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    claims: list[vc.Claim],
    style: str,
    m: int,
    seed: int | None,
    device: str = "cpu",
) -> np.ndarray:
    """``(items, m)`` votes: 1 for ``Y``, 0 for ``N``, -1 for anything else;
    ``seed=None`` decodes greedily (use ``m=1``).

    All ``claims`` must have the same number of operations (equal prompt lengths).
    """
    prompts = encode(tokenizer, [c.prompt for c in claims], device).repeat_interleave(m, 0)
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    ids = sample_tokens(model, prompts, _generated(style, claims), generator)
    last = [t[-1] for t in decode(tokenizer, ids[:, -1:])]
    votes = np.array([1 if t == vc.YES else 0 if t == vc.NO else -1 for t in last])
    return votes.reshape(len(claims), m)


def vote_accuracy(votes: np.ndarray, truth: np.ndarray) -> float:
    """Accuracy of the majority of valid votes per item (ties and no valid votes count
    as ``N``)."""
    yes, no = (votes == 1).sum(1), (votes == 0).sum(1)
    return float(((yes > no) == truth).mean())


def block_vote_accuracy(votes: np.ndarray, truth: np.ndarray, m: int) -> float:
    """Accuracy of an ``m``-vote majority, averaged over the ``votes.shape[1] // m`` disjoint blocks of ``m``
    consecutive votes.

    Each block is an independent ``m``-vote majority, so the average has the expectation of one block
    (:func:`vote_accuracy` of ``votes[:, :m]``) and less sampling noise: with 15 votes per item, the
    1-vote accuracy averages 15 single votes instead of reading the first.
    """
    if not 1 <= m <= votes.shape[1]:
        raise ValueError(f"m={m} needs 1 <= m <= the {votes.shape[1]} votes per item")
    blocks = votes.shape[1] // m
    return float(np.mean([vote_accuracy(votes[:, b * m : (b + 1) * m], truth) for b in range(blocks)]))


@torch.no_grad()
def p_yes(
    model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, claims: list[vc.Claim], style: str, device: str = "cpu"
) -> np.ndarray:
    """``P(Y) / (P(Y) + P(N))`` at the verdict position; a reasoning model first writes its greedy scratchpad."""
    prompts = encode(tokenizer, [c.prompt for c in claims], device)
    if style == "reasoning":
        prompts = torch.cat([prompts, sample_tokens(model, prompts, len(claims[0].ops), None)], dim=1)
    logits = model(input_ids=prompts).logits[:, -1].float()
    yes, no = tokenizer.convert_tokens_to_ids([vc.YES, vc.NO])
    return logits[:, [yes, no]].softmax(-1)[:, 0].cpu().numpy()


def flops_per_judgement(model: torch.nn.Module, claims: list[vc.Claim], style: str) -> float:
    """``2 x parameters x (prompt + generated tokens)`` for one judgement of one item."""
    params = sum(p.numel() for p in model.parameters())
    return 2.0 * params * (len(claims[0].prompt) + _generated(style, claims))


def best_of_n(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    claims: list[vc.Claim],
    style: str,
    n: int,
    generator_accuracy: float,
    seed: int,
    device: str = "cpu",
) -> float:
    """Share of items on which the candidate the reward model scores highest (by :func:`p_yes`) is right.

    A weak generator proposes ``n`` candidate results per item: the right one with probability
    ``generator_accuracy``, otherwise a uniformly drawn wrong digit.
    """
    rng = np.random.default_rng(seed)
    candidates = []
    for c in claims:
        value = c.running[-1]
        candidates += [
            vc.with_claim(c, value if rng.random() < generator_accuracy else int((value + rng.integers(1, 10)) % 10))
            for _ in range(n)
        ]
    scores = p_yes(model, tokenizer, candidates, style, device).reshape(len(claims), n)
    picked = [candidates[i * n + int(j)] for i, j in enumerate(scores.argmax(1))]
    return float(np.mean([p.correct for p in picked]))
