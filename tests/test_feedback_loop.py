"""n12's simulator and rankers: NDCG, the examination model, the position tower, determinism."""

import pytest
import torch

from helpers.non_lm.rankers import RankerSettings, _scores_of, fit_ranker, implied_examination, run_loop
from helpers.tasks.feedback_loop import (
    LoopConfig,
    empty_logs,
    make_world,
    ndcg,
    ranking_from_scores,
    satisfied_clicks_per_impression,
    simulate_round,
)

SMALL = LoopConfig(num_users=20, num_items=40, rounds=2, impressions_per_round=400)


def test_ndcg_by_hand():
    gains = torch.tensor([[3.0, 1.0, 2.0]])
    assert ndcg(torch.tensor([[9.0, 1.0, 5.0]]), gains) == pytest.approx(1.0)
    # order 1, 2, 3 -> gains 3, 1, 2; ideal 3, 2, 1
    dcg = 3 + 1 / torch.log2(torch.tensor(3.0)) + 2 / 2
    ideal = 3 + 2 / torch.log2(torch.tensor(3.0)) + 1 / 2
    assert ndcg(torch.tensor([[3.0, 2.0, 1.0]]), gains) == pytest.approx(float(dcg / ideal))


def test_ranking_and_scores_round_trip():
    scores = torch.tensor([[0.1, 0.9, 0.5], [0.7, 0.2, 0.3]])
    ranking = ranking_from_scores(scores)
    assert ranking.tolist() == [[1, 2, 0], [0, 2, 1]]
    assert torch.equal(ranking_from_scores(_scores_of(ranking)), ranking)


def test_simulated_clicks_follow_examination_times_relevance():
    config = LoopConfig(num_users=10, num_items=30)
    world = make_world(config, 0)
    logs = simulate_round(world, world.legacy_ranking, 200_000, torch.Generator().manual_seed(0))
    assert logs.shows.sum() == 200_000 * config.slate_size
    assert bool((logs.clicks <= logs.shows).all() and (logs.satisfied <= logs.clicks).all())
    shown = logs.shows > 0  # each (user, slot) shown at exactly one position under a fixed ranking
    assert int(shown.sum()) == config.num_users * config.slate_size
    users, slots, positions = torch.nonzero(shown, as_tuple=True)
    observed = logs.clicks[shown] / logs.shows[shown]
    expected = world.relevance[users, slots] * world.exam[positions]
    assert torch.allclose(observed, expected, atol=0.03)


def test_satisfied_clicks_by_hand():
    world = make_world(LoopConfig(num_users=1, num_items=5, slate_size=2), 0)
    world.relevance = torch.tensor([[0.5, 1.0]])
    world.satisfaction = torch.tensor([[1.0, 0.5]])
    world.exam = torch.tensor([1.0, 0.25])
    assert satisfied_clicks_per_impression(world, torch.tensor([[0, 1]])) == pytest.approx(0.5 + 0.25 * 0.5)
    assert satisfied_clicks_per_impression(world, torch.tensor([[1, 0]])) == pytest.approx(0.5 + 0.25 * 0.5)


def test_position_tower_learns_a_decreasing_examination_curve():
    world = make_world(LoopConfig(), 1)
    logs = empty_logs(LoopConfig())
    gen = torch.Generator().manual_seed(1)
    for _ in range(3):  # rotate the rankings so every item is seen at several positions
        logs = logs + simulate_round(world, torch.roll(world.legacy_ranking, _, dims=1), 3000, gen)
    model = fit_ranker(world, logs, RankerSettings(position_tower=True), seed=0)
    implied = implied_examination(model, world)
    assert implied[0] == pytest.approx(1.0) and bool((implied[1:] < implied[:-1]).all())
    assert torch.allclose(implied, world.exam, atol=0.1)


def test_settings_reject_bad_values():
    with pytest.raises(ValueError, match="kind"):
        RankerSettings(kind="tree")
    with pytest.raises(ValueError, match="position_dropout"):
        RankerSettings(position_dropout=1.0)


@pytest.mark.parametrize("kind", ["dot", "mmoe"])
def test_run_loop_is_deterministic(kind: str):
    settings = RankerSettings(kind=kind, position_tower=True, steps=30)
    first, _ = run_loop(SMALL, settings, seed=4)
    second, _ = run_loop(SMALL, settings, seed=4)
    assert first.equals(second) and len(first) == SMALL.rounds + 1
    assert first.loc[0, "legacy_top_share"] == 1.0
