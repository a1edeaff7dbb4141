"""n10's preference task, the MMD penalty, best-of-n and the policy rollouts, on cases computed by hand."""

import math

import pytest
import torch
from torch import nn

from helpers.rewards.reward_models import (
    RMSettings,
    best_of_n,
    mmd_across_bins,
    pairwise_accuracy,
    rollouts_to_responses,
    train_reward_model,
)
from helpers.tasks.preference_pairs import PreferenceTask, length_bins, make_pairs, sample_responses

TASK = PreferenceTask()


class _Score(nn.Module):
    """A scorer reading a fixed function of the responses (quality or length) from the tokens."""

    def __init__(self, by: str) -> None:
        super().__init__()
        self.by = by

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        inside = tokens >= 0
        if self.by == "length":
            return inside.sum(1).float()
        return ((tokens >= 0) & (tokens < TASK.vocab_size // 2)).sum(1).float() / inside.sum(1).float()


def test_responses_have_the_stated_lengths_padding_and_quality():
    r = sample_responses(TASK, 500, torch.Generator().manual_seed(0))
    assert r.lengths.min() >= TASK.min_length and r.lengths.max() <= TASK.max_length
    for i in range(20):
        body = r.tokens[i, : r.lengths[i]]
        assert (body >= 0).all() and (r.tokens[i, r.lengths[i] :] == -1).all()
        assert math.isclose(float(r.quality[i]), float((body < 8).float().mean()), abs_tol=1e-6)
    # quality is independent of length in the population
    big = sample_responses(TASK, 20_000, torch.Generator().manual_seed(1))
    assert abs(torch.corrcoef(torch.stack([big.lengths.float(), big.quality]))[0, 1]) < 0.03


def test_pairs_have_the_planted_length_correlation_and_true_test_labels():
    train = make_pairs(TASK, 1000, 0.9, seed=0, noisy_labels=True)
    anti = make_pairs(TASK, 1000, 0.1, seed=1, noisy_labels=False)
    assert len(train) == len(anti) == 1000
    assert math.isclose(train.longer_wins_share, 0.9, abs_tol=1e-6) and math.isclose(
        anti.longer_wins_share, 0.1, abs_tol=1e-6
    )
    assert (anti.chosen.quality > anti.rejected.quality).all()
    assert (train.chosen.lengths != train.rejected.lengths).all()
    # Bradley-Terry labels at sharpness 12 are noisy: some training winners are worse
    assert 0.0 < float((train.chosen.quality < train.rejected.quality).float().mean()) < 0.3
    # an oracle scorer is right on every test pair; a length scorer is right exactly where the longer one wins
    assert pairwise_accuracy(_Score("quality"), anti) == 1.0
    assert math.isclose(pairwise_accuracy(_Score("length"), anti), 0.1, abs_tol=1e-6)


def test_length_bins_are_equal_width():
    assert length_bins(torch.tensor([4, 11, 12, 18, 19, 25, 26, 32]), TASK).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


def test_mmd_matches_a_hand_computation_and_vanishes_for_identical_bins():
    z = torch.tensor([[0.0], [1.0], [0.0], [1.0]])
    assert float(mmd_across_bins(z, torch.tensor([0, 0, 1, 1]), 2, bandwidth=1.0)) < 1e-7
    # bins {0} and {2}: K = exp(-4/2); MMD^2 = 1 + 1 - 2 exp(-2)
    z = torch.tensor([[0.0], [2.0]])
    assert math.isclose(
        float(mmd_across_bins(z, torch.tensor([0, 1]), 2, bandwidth=1.0)), 2 - 2 * math.exp(-2), rel_tol=1e-6
    )
    # three bins, one of them empty: the mean over the two present bins' pair equals a naive double loop
    g = torch.Generator().manual_seed(0)
    z, bins = torch.randn(30, 3, generator=g), torch.randint(0, 3, (30,), generator=g) * 2  # bins 0, 2, 4 of 5
    naive = []
    for i in range(5):
        for j in range(i + 1, 5):
            a, b = z[bins == i], z[bins == j]
            if len(a) and len(b):
                k = lambda x, y: torch.exp(-torch.cdist(x, y).pow(2) / 2).mean()  # noqa: E731
                naive.append(k(a, a) + k(b, b) - 2 * k(a, b))
    assert math.isclose(
        float(mmd_across_bins(z, bins, 5, bandwidth=1.0)), float(torch.stack(naive).mean()), rel_tol=1e-5
    )


def test_best_of_n_oracle_improves_with_n_and_pools_are_shared():
    oracle = best_of_n(None, TASK, [1, 16], 300, seed=0)
    assert oracle["quality"].iloc[1] > oracle["quality"].iloc[0] + 0.3
    same = best_of_n(_Score("quality"), TASK, [1, 16], 300, seed=0)
    assert oracle.equals(same)
    longest = best_of_n(_Score("length"), TASK, [16], 300, seed=0)
    assert longest["length"].iloc[0] > 28


def test_rollouts_are_cut_at_the_first_eos():
    eos = TASK.vocab_size + 1
    samples = torch.full((2, TASK.max_length), 3)
    samples[0, 5] = eos
    samples[0, 2] = 12  # a bad token
    responses, trained = rollouts_to_responses(samples, TASK)
    assert responses.lengths.tolist() == [5, TASK.max_length]
    assert math.isclose(float(responses.quality[0]), 4 / 5, rel_tol=1e-6) and float(responses.quality[1]) == 1.0
    assert trained[0].sum() == 6 and trained[1].all()
    assert (responses.tokens[0, 5:] == -1).all()


def test_reward_model_training_is_deterministic_and_the_penalty_lowers_mmd():
    pairs = make_pairs(TASK, 500, 0.9, seed=0, noisy_labels=True)
    plain_a, log_a = train_reward_model(
        pairs, TASK, RMSettings(num_steps=40, batch_pairs=64, conditional=False), seed=3
    )
    plain_b, _ = train_reward_model(pairs, TASK, RMSettings(num_steps=40, batch_pairs=64, conditional=False), seed=3)
    assert all(torch.equal(p, q) for p, q in zip(plain_a.parameters(), plain_b.parameters()))
    _, log_c = train_reward_model(
        pairs, TASK, RMSettings(num_steps=40, batch_pairs=64, mmd_weight=30.0, conditional=False), seed=3
    )
    assert log_c["mmd"].iloc[-10:].mean() < log_a["mmd"].iloc[-10:].mean()


def test_multi_bandwidth_mmd_averages_the_kernels():
    z = torch.tensor([[0.0], [2.0]])
    value = float(mmd_across_bins(z, torch.tensor([0, 1]), 2, bandwidth=1.0, scales=(1.0, 2.0)))
    assert math.isclose(value, 2 - math.exp(-2) - math.exp(-0.5), rel_tol=1e-6)


def test_the_representation_saturates_with_tanh_and_not_with_leaky_relu():
    from helpers.rewards.reward_models import SumPoolRewardModel

    long, short = torch.zeros(1, 32, dtype=torch.long), torch.zeros(1, 4, dtype=torch.long)
    for activation, saturates in (("tanh", True), ("leaky_relu", False)):
        torch.manual_seed(0)
        model = SumPoolRewardModel(16, activation=activation)
        with torch.no_grad():
            model.embed.weight.mul_(10)  # large sums, as on long responses
            z_long, z_short = model.representation(long), model.representation(short)
        assert (z_long.abs().max() <= 1.0) == saturates
        if not saturates:  # the representation keeps growing with length
            assert float(z_long.norm()) > 2 * float(z_short.norm())
    with pytest.raises(ValueError, match="activation"):
        SumPoolRewardModel(16, activation="relu6")
