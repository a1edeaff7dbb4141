"""Preference pairs whose labels follow quality, while *length* is spuriously tied to winning.

A response is a string of ``length`` tokens from a vocabulary of ``vocab_size`` ids; the
first half of the ids are "good" tokens. Its **true quality** ``q`` is the share of good
tokens, drawn independently of its length, so length carries no information about quality
in the population of responses. Training pairs are labelled by Bradley-Terry on ``q``
(``P(a preferred) = sigmoid(label_sharpness * (q_a - q_b))``) and then *sub-sampled* so that
the preferred response is the longer one in ``longer_wins`` of the pairs (0.9 in training):
that selection is the spurious correlation. Test pairs are labelled by the true order of
``q`` and drawn with ``longer_wins`` 0.5 (neutral) or 0.1 (anti-correlated).

Used by: n10 (counterfactual-invariant reward models).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class PreferenceTask:
    """Sizes of the preference task (defaults: the n10 spec)."""

    vocab_size: int = 16
    min_length: int = 4
    max_length: int = 32
    label_sharpness: float = 12.0

    def __post_init__(self) -> None:
        if self.vocab_size < 2 or self.vocab_size % 2:
            raise ValueError(f"vocab_size must be even and >= 2 (half good, half bad tokens), got {self.vocab_size}")
        if not 1 <= self.min_length < self.max_length:
            raise ValueError(f"need 1 <= min_length < max_length, got {self.min_length}, {self.max_length}")


@dataclass
class Responses:
    """A batch of responses: token ids padded with ``-1``, lengths and true quality."""

    tokens: torch.Tensor  # (n, max_length), long, -1 after the end
    lengths: torch.Tensor  # (n,), long
    quality: torch.Tensor  # (n,), float: share of good tokens

    def __len__(self) -> int:
        return len(self.lengths)

    def subset(self, index: torch.Tensor) -> Responses:
        """The responses at ``index``."""
        return Responses(self.tokens[index], self.lengths[index], self.quality[index])


@dataclass
class PreferencePairs:
    """Pairs of responses, ``chosen`` preferred to ``rejected``."""

    chosen: Responses
    rejected: Responses

    def __len__(self) -> int:
        return len(self.chosen)

    @property
    def longer_wins_share(self) -> float:
        """Share of pairs whose chosen response is the longer one."""
        return float((self.chosen.lengths > self.rejected.lengths).float().mean())


def sample_responses(task: PreferenceTask, n: int, generator: torch.Generator) -> Responses:
    """``n`` responses: length uniform on ``[min_length, max_length]``, good-token rate uniform on [0, 1],
    independent."""
    lengths = torch.randint(task.min_length, task.max_length + 1, (n,), generator=generator)
    rate = torch.rand(n, 1, generator=generator)
    half = task.vocab_size // 2
    good = torch.rand(n, task.max_length, generator=generator) < rate
    ids = torch.randint(0, half, (n, task.max_length), generator=generator) + half * (~good).long()
    inside = torch.arange(task.max_length)[None, :] < lengths[:, None]
    tokens = torch.where(inside, ids, torch.full_like(ids, -1))
    quality = (good & inside).sum(dim=1).float() / lengths.float()
    return Responses(tokens, lengths, quality)


def make_pairs(
    task: PreferenceTask, n_pairs: int, longer_wins: float, seed: int, noisy_labels: bool
) -> PreferencePairs:
    """``n_pairs`` pairs in which the chosen response is the longer one in a share ``longer_wins`` of them.

    ``noisy_labels=True`` (training) samples the winner by Bradley-Terry on quality;
    ``False`` (test) takes the truly better response and drops ties. Pairs of equal length
    are dropped, so every pair has a longer and a shorter side.
    """
    if not 0.0 <= longer_wins <= 1.0:
        raise ValueError(f"longer_wins must be in [0, 1], got {longer_wins}")
    g = torch.Generator().manual_seed(seed)
    want_longer = round(n_pairs * longer_wins)
    want = {True: want_longer, False: n_pairs - want_longer}
    kept: dict[bool, list[tuple[Responses, Responses]]] = {True: [], False: []}
    have = {True: 0, False: 0}
    while have[True] < want[True] or have[False] < want[False]:
        a, b = sample_responses(task, 4 * n_pairs, g), sample_responses(task, 4 * n_pairs, g)
        delta = a.quality - b.quality
        if noisy_labels:
            a_wins = torch.rand(len(delta), generator=g) < torch.sigmoid(task.label_sharpness * delta)
            valid = a.lengths != b.lengths
        else:
            a_wins = delta > 0
            valid = (a.lengths != b.lengths) & (delta != 0)
        winner_longer = torch.where(a_wins, a.lengths > b.lengths, b.lengths > a.lengths)
        for longer in (True, False):
            idx = torch.nonzero(valid & (winner_longer == longer)).flatten()[: want[longer] - have[longer]]
            chosen_a = a_wins[idx]
            chosen = _where(chosen_a, a.subset(idx), b.subset(idx))
            rejected = _where(chosen_a, b.subset(idx), a.subset(idx))
            kept[longer].append((chosen, rejected))
            have[longer] += len(idx)
    parts = kept[True] + kept[False]
    order = torch.randperm(n_pairs, generator=g)
    return PreferencePairs(_cat([p[0] for p in parts]).subset(order), _cat([p[1] for p in parts]).subset(order))


def length_bins(lengths: torch.Tensor, task: PreferenceTask, num_bins: int = 4) -> torch.Tensor:
    """Bin index (0 .. num_bins-1) of each length, equal-width bins over ``[min_length, max_length]``."""
    span = task.max_length - task.min_length + 1
    return ((lengths - task.min_length) * num_bins // span).clamp(0, num_bins - 1)


def _where(mask: torch.Tensor, first: Responses, second: Responses) -> Responses:
    return Responses(
        torch.where(mask[:, None], first.tokens, second.tokens),
        torch.where(mask, first.lengths, second.lengths),
        torch.where(mask, first.quality, second.quality),
    )


def _cat(parts: list[Responses]) -> Responses:
    return Responses(
        torch.cat([p.tokens for p in parts]),
        torch.cat([p.lengths for p in parts]),
        torch.cat([p.quality for p in parts]),
    )
