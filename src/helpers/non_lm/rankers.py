"""Click models for the feedback-loop simulator: a dot-product model and multi-task rankers.

Every model scores (user, item) pairs with a *main* click logit and, optionally, adds a
**shallow position tower**: one learned logit per position, summed with the main logit
during training and left out at serving (the paper's "position missing at serving"; the
tower's value for a missing position is the same for every item, so it cannot change a
ranking). Position dropout is applied in expectation: every logged row is used with its
position (weight ``1 - dropout``) and with the position marked missing (weight
``dropout``), which is what random dropout averages to, without its sampling noise.

The multi-task rankers (``shared`` bottom or ``mmoe``, Zhao et al. 2019) predict clicks and
satisfaction-given-click and rank by their product.

Used by: n12.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch
from torch import nn

from helpers.tasks.feedback_loop import (
    Logs,
    LoopConfig,
    World,
    empty_logs,
    make_world,
    ndcg,
    ranking_from_scores,
    satisfied_clicks_per_impression,
    simulate_round,
)


@dataclass(frozen=True)
class RankerSettings:
    """Model and training sizes (full-batch Adam on the aggregated logs)."""

    kind: str = "dot"  # "dot" (click model), "shared" or "mmoe" (click + satisfaction)
    position_tower: bool = False
    position_dropout: float = 0.1
    dim: int = 8
    hidden: int = 16
    experts: int = 4
    steps: int = 300
    learning_rate: float = 0.05
    weight_decay: float = 1e-3

    def __post_init__(self) -> None:
        if self.kind not in ("dot", "shared", "mmoe"):
            raise ValueError(f"kind={self.kind!r} is not one of 'dot', 'shared', 'mmoe'")
        if not 0.0 <= self.position_dropout < 1.0:
            raise ValueError(f"position_dropout must be in [0, 1), got {self.position_dropout}")


class Ranker(nn.Module):
    """Scores pairs; ``heads`` are ``("click",)`` for ``kind="dot"``, else ``("click", "satisfied")``."""

    def __init__(self, settings: RankerSettings, num_users: int, num_items: int, slate_size: int) -> None:
        super().__init__()
        self.settings = settings
        self.user = nn.Embedding(num_users, settings.dim)
        self.item = nn.Embedding(num_items, settings.dim)
        nn.init.normal_(self.user.weight, std=0.1)
        nn.init.normal_(self.item.weight, std=0.1)
        self.position = nn.Embedding(slate_size + 1, 1)  # index 0 = position missing
        nn.init.zeros_(self.position.weight)
        if settings.kind == "dot":
            self.item_bias = nn.Embedding(num_items, 1)
            nn.init.zeros_(self.item_bias.weight)
            self.heads: tuple[str, ...] = ("click",)
            return
        self.heads = ("click", "satisfied")
        num_experts = 1 if settings.kind == "shared" else settings.experts
        width = 2 * settings.dim
        # experts, gates and heads as stacked weights: one matrix product each instead of a loop of Linears
        self.expert_weight = nn.Parameter(torch.randn(num_experts, width, settings.hidden) / width**0.5)
        self.expert_bias = nn.Parameter(torch.zeros(num_experts, settings.hidden))
        self.gate = nn.Linear(width, num_experts * len(self.heads))
        self.head_weight = nn.Parameter(torch.randn(len(self.heads), settings.hidden) / settings.hidden**0.5)
        self.head_bias = nn.Parameter(torch.zeros(len(self.heads)))

    def main_logits(self, users: torch.Tensor, items: torch.Tensor) -> dict[str, torch.Tensor]:
        """Position-free logits per head."""
        u, i = self.user(users), self.item(items)
        if self.settings.kind == "dot":
            return {"click": (u * i).sum(-1) + self.item_bias(items).squeeze(-1)}
        x = torch.cat([u, i], dim=-1)
        experts = torch.relu(torch.einsum("...w,ewh->...eh", x, self.expert_weight) + self.expert_bias)
        gates = self.gate(x).unflatten(-1, (len(self.heads), -1)).softmax(-1)  # ... x heads x experts
        mixed = torch.einsum("...ke,...eh->...kh", gates, experts)  # ... x heads x hidden
        logits = (mixed * self.head_weight).sum(-1) + self.head_bias
        return {head: logits[..., k] for k, head in enumerate(self.heads)}

    def position_logit(self, positions: torch.Tensor) -> torch.Tensor:
        """The shallow tower's logit for 1-based positions (0 = missing); zero without a tower."""
        if not self.settings.position_tower:
            return torch.zeros(positions.shape)
        return self.position(positions).squeeze(-1)

    @torch.no_grad()
    def serve_scores(self, slates: torch.Tensor) -> torch.Tensor:
        """Users x slots serving scores: P(click) for a click model,
        P(click) P(satisfied | click) otherwise."""
        users = torch.arange(slates.shape[0])[:, None].expand_as(slates)
        logits = self.main_logits(users, slates)
        score = torch.sigmoid(logits["click"])
        return score * torch.sigmoid(logits["satisfied"]) if "satisfied" in logits else score


def _rows(world: World, logs: Logs, dropout: float) -> dict[str, torch.Tensor]:
    users, slots, positions = torch.nonzero(logs.shows > 0, as_tuple=True)
    items = world.slates[users, slots]
    rows = {
        "users": users,
        "items": items,
        "positions": positions + 1,
        "weight": torch.ones(len(users)),
        "shows": logs.shows[users, slots, positions],
        "clicks": logs.clicks[users, slots, positions],
        "satisfied": logs.satisfied[users, slots, positions],
    }
    if dropout > 0:  # each row once with its position and once with the position missing
        missing = {**rows, "positions": torch.zeros_like(positions)}
        rows = {k: torch.cat([rows[k], missing[k]]) for k in rows}
        rows["weight"] = torch.cat([torch.full((len(users),), 1 - dropout), torch.full((len(users),), dropout)])
    return rows


def _binomial_nll(
    logit: torch.Tensor, trials: torch.Tensor, successes: torch.Tensor, weight: torch.Tensor
) -> torch.Tensor:
    nll = -(successes * nn.functional.logsigmoid(logit) + (trials - successes) * nn.functional.logsigmoid(-logit))
    return (weight * nll).sum() / (weight * trials).sum().clamp_min(1.0)


def fit_ranker(world: World, logs: Logs, settings: RankerSettings, seed: int) -> Ranker:
    """Train a fresh :class:`Ranker` on all ``logs`` (binomial likelihood of the
    counts)."""
    torch.manual_seed(seed)
    num_users, slate_size = world.slates.shape
    model = Ranker(settings, num_users, int(world.slates.max()) + 1, slate_size)
    rows = _rows(world, logs, settings.position_dropout if settings.position_tower else 0.0)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.learning_rate, foreach=True)
    for _ in range(settings.steps):
        optimizer.zero_grad()
        logits = model.main_logits(rows["users"], rows["items"])
        loss = _binomial_nll(
            logits["click"] + model.position_logit(rows["positions"]),
            rows["shows"],
            rows["clicks"],
            rows["weight"],
        )
        if "satisfied" in logits:
            loss = loss + _binomial_nll(logits["satisfied"], rows["clicks"], rows["satisfied"], rows["weight"])
        loss = (
            loss + settings.weight_decay * (model.user.weight.pow(2).sum() + model.item.weight.pow(2).sum()) / num_users
        )
        loss.backward()
        optimizer.step()
    return model.eval()


def run_loop(config: LoopConfig, settings: RankerSettings, seed: int) -> tuple[pd.DataFrame, Ranker]:
    """Round 0 served by the legacy ranker, each later round by a ranker retrained from scratch on all logs.

    Returns one row per round ``0..config.rounds`` (the last is the final model, trained on every
    round) with NDCG against true click appeal and against satisfied clicks, the share of users
    whose top item is still the legacy ranker's, and exact satisfied clicks per impression.
    """
    world = make_world(config, seed)
    generator = torch.Generator().manual_seed(seed + 7919)
    logs, ranking, model, history = empty_logs(config), world.legacy_ranking, None, []
    for round_index in range(config.rounds + 1):
        scores = _scores_of(ranking)
        history.append(
            {
                "round": round_index,
                "ndcg": ndcg(scores, world.relevance),
                "ndcg_satisfied": ndcg(scores, world.relevance * world.satisfaction),
                "legacy_top_share": float((ranking[:, 0] == world.legacy_ranking[:, 0]).float().mean()),
                "satisfied_clicks": satisfied_clicks_per_impression(world, ranking),
            }
        )
        if round_index == config.rounds:
            break
        logs = logs + simulate_round(world, ranking, config.impressions_per_round, generator)
        model = fit_ranker(world, logs, settings, seed)
        ranking = ranking_from_scores(model.serve_scores(world.slates))
    return pd.DataFrame(history), model


@torch.no_grad()
def implied_examination(model: Ranker, world: World) -> torch.Tensor:
    """Per position, the click-rate ratio to position 1 that the tower implies, averaged over the slates' pairs.

    The tower adds a logit, the simulator multiplies a probability; this converts the first into
    the second's units (``mean sigmoid(m + b_p) / sigmoid(m + b_1)``) so the two can be compared.
    """
    users = torch.arange(world.slates.shape[0])[:, None].expand_as(world.slates)
    main = model.main_logits(users, world.slates)["click"].flatten()
    bias = model.position_logit(torch.arange(1, world.slates.shape[1] + 1))
    return torch.stack([(torch.sigmoid(main + b) / torch.sigmoid(main + bias[0])).mean() for b in bias])


def _scores_of(ranking: torch.Tensor) -> torch.Tensor:
    """Scores that reproduce ``ranking``: slate_size for the top slot, down to 1."""
    num_users, slate_size = ranking.shape
    scores = torch.zeros(num_users, slate_size)
    scores.scatter_(1, ranking, torch.arange(slate_size, 0, -1, dtype=torch.float).expand(num_users, -1).contiguous())
    return scores
