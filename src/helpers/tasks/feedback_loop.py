"""A recommender feedback loop with position bias: users, fixed slates, examination, click logs.

Each of ``num_users`` users has a fixed slate of ``slate_size`` candidate items. A ranker
orders the slate; the user *examines* position ``p`` (1-based) with probability
``p ** -exam_power`` and, if examined, clicks with the pair's true click probability
``relevance``; a click is *satisfied* with probability ``satisfaction``. Items have a
"clickbait" score that raises click appeal and lowers satisfaction, so the two objectives
conflict. Round 0 is served by a random legacy ranker; each later round by the ranker
retrained on every log so far. Logs are kept as counts per (user, slot, position), which is
all a click model needs and keeps a round's simulation to a few tensor operations.

Used by: n12.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class LoopConfig:
    """Sizes of the simulated system (defaults: the n12 spec)."""

    num_users: int = 50
    num_items: int = 100
    dim: int = 8
    slate_size: int = 5
    exam_power: float = 1.5
    rounds: int = 6
    impressions_per_round: int = 2000
    relevance_scale: float = 1.5
    clickbait_strength: float = 1.5


@dataclass
class World:
    """The ground truth: slates (users x slots -> item id) and per-pair probabilities."""

    slates: torch.Tensor
    relevance: torch.Tensor  # P(click | examined), users x slots
    satisfaction: torch.Tensor  # P(satisfied | click), users x slots
    exam: torch.Tensor  # P(examined) per position, 1-based positions at index 0..slate_size-1
    legacy_ranking: torch.Tensor  # users x positions -> slot shown there in round 0


@dataclass
class Logs:
    """Accumulated counts, each users x slots x positions."""

    shows: torch.Tensor
    clicks: torch.Tensor
    satisfied: torch.Tensor

    def __add__(self, other: Logs) -> Logs:
        return Logs(self.shows + other.shows, self.clicks + other.clicks, self.satisfied + other.satisfied)


def make_world(config: LoopConfig, seed: int) -> World:
    """Draw users, items, slates and the legacy ranker from ``seed``."""
    g = torch.Generator().manual_seed(seed)
    users = torch.randn(config.num_users, config.dim, generator=g)
    items = torch.randn(config.num_items, config.dim, generator=g)
    bait = torch.randn(config.num_items, generator=g)
    slates = torch.stack(
        [torch.randperm(config.num_items, generator=g)[: config.slate_size] for _ in range(config.num_users)]
    )
    affinity = config.relevance_scale * (users[:, None, :] * items[slates]).sum(-1) / config.dim**0.5
    relevance = torch.sigmoid(affinity + config.clickbait_strength * bait[slates] - 1.0)
    satisfaction = torch.sigmoid(affinity - config.clickbait_strength * bait[slates] + 1.0)
    exam = torch.arange(1, config.slate_size + 1, dtype=torch.float) ** -config.exam_power
    legacy = torch.stack([torch.randperm(config.slate_size, generator=g) for _ in range(config.num_users)])
    return World(slates, relevance, satisfaction, exam, legacy)


def empty_logs(config: LoopConfig) -> Logs:
    """Logs with no impressions."""
    zeros = torch.zeros(config.num_users, config.slate_size, config.slate_size)
    return Logs(zeros.clone(), zeros.clone(), zeros.clone())


def simulate_round(world: World, ranking: torch.Tensor, impressions: int, generator: torch.Generator) -> Logs:
    """Serve ``impressions`` requests (users drawn uniformly) with ``ranking`` (users x positions -> slot)."""
    num_users, slate_size = world.slates.shape
    per_user = torch.bincount(
        torch.randint(0, num_users, (impressions,), generator=generator), minlength=num_users
    ).float()
    shows = torch.zeros(num_users, slate_size, slate_size)
    users = torch.arange(num_users)[:, None].expand(-1, slate_size)
    positions = torch.arange(slate_size)[None, :].expand(num_users, -1)
    shows[users, ranking, positions] = per_user[:, None].expand(-1, slate_size)
    click_prob = world.relevance[:, :, None] * world.exam[None, None, :]
    clicks = torch.binomial(shows, click_prob.expand_as(shows).contiguous(), generator=generator)
    satisfied = torch.binomial(
        clicks, world.satisfaction[:, :, None].expand_as(clicks).contiguous(), generator=generator
    )
    return Logs(shows, clicks, satisfied)


def ndcg(scores: torch.Tensor, gains: torch.Tensor) -> float:
    """Mean NDCG over users of ranking each user's slate by ``scores`` (users x slots) against ``gains``."""
    discounts = 1.0 / torch.log2(torch.arange(scores.shape[1], dtype=torch.float) + 2.0)
    order = scores.argsort(dim=1, descending=True, stable=True)
    dcg = (gains.gather(1, order) * discounts).sum(1)
    ideal = (gains.sort(dim=1, descending=True).values * discounts).sum(1)
    return float((dcg / ideal).mean())


def ranking_from_scores(scores: torch.Tensor) -> torch.Tensor:
    """Users x positions -> slot: the slate sorted by descending score (ties by slot order)."""
    return scores.argsort(dim=1, descending=True, stable=True)


def satisfied_clicks_per_impression(world: World, ranking: torch.Tensor) -> float:
    """Exact expected satisfied clicks per impression under ``ranking`` (no sampling)."""
    value = world.relevance * world.satisfaction
    return float((value.gather(1, ranking) * world.exam[None, :]).sum(1).mean())


def legacy_top_is_best_share(world: World) -> float:
    """Share of users whose legacy top item is also their most clickable one: the legacy-top share of a
    correct ranker."""
    return float((world.legacy_ranking[:, 0] == world.relevance.argmax(dim=1)).float().mean())
