import math
from itertools import product

import numpy as np
import pytest

from helpers.measure import metrics


def test_ece_of_a_hand_computed_reliability_table():
    # 10 answers at confidence 0.95 with 7 right (gap 0.25), 10 at 0.65 with 6 right (gap 0.05)
    q = [0.95] * 10 + [0.65] * 10
    c = [1] * 7 + [0] * 3 + [1] * 6 + [0] * 4
    assert metrics.ece(q, c) == pytest.approx(0.5 * 0.25 + 0.5 * 0.05)


def test_weights_equal_repeated_rows_and_fractional_correctness():
    q, c = [0.95, 0.65], [0.7, 0.6]
    assert metrics.ece(q, c, weights=[10, 10]) == pytest.approx(0.15)
    assert metrics.ece([0.95, 0.95, 0.35], [1, 0, 0], weights=[2, 1, 1]) == pytest.approx(
        metrics.ece([0.95] * 3 + [0.35], [1, 1, 0, 0])
    )


def test_perfectly_calibrated_bins_give_zero_ece():
    assert metrics.ece([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0]) == pytest.approx(0.0)


def test_reliability_bins_shares_and_means():
    bins = metrics.reliability_bins([0.05, 0.15, 0.15, 1.0], [0, 1, 0, 1])
    assert bins["weight"].sum() == pytest.approx(1.0)
    assert bins.loc[1, "accuracy"] == pytest.approx(0.5)
    assert bins.loc[9, "confidence"] == pytest.approx(1.0)  # 1.0 falls in the last bin
    assert math.isnan(bins.loc[5, "accuracy"])


def test_brier_binary_and_expected():
    assert metrics.brier([0.9, 0.2], [1, 0]) == pytest.approx((0.01 + 0.04) / 2)
    # E[(q - Z)^2] with Z ~ Bernoulli(0.3), q = 0.5: 0.3 * 0.25 + 0.7 * 0.25
    assert metrics.brier([0.5], [0.3]) == pytest.approx(0.25)


def test_auroc_matches_pairwise_count():
    rng = np.random.default_rng(0)
    s = rng.integers(0, 5, 40) / 4
    y = rng.integers(0, 2, 40)
    pos, neg = s[y == 1], s[y == 0]
    expected = np.mean([1.0 if a > b else 0.5 if a == b else 0.0 for a, b in product(pos, neg)])
    assert metrics.auroc(s, y) == pytest.approx(expected)
    assert metrics.auroc([0.1, 0.9], [0, 1]) == 1.0
    assert metrics.auroc([0.9, 0.1], [0, 1]) == 0.0
    assert math.isnan(metrics.auroc([0.3, 0.4], [1, 1]))


def test_pass_at_k_unbiased_estimator():
    assert metrics.pass_at_k(5, 2, 1) == pytest.approx(0.4)
    assert metrics.pass_at_k(10, 3, 2) == pytest.approx(1 - 21 / 45)
    assert metrics.pass_at_k(5, 2, 4) == 1.0
    assert metrics.pass_at_k(5, 0, 3) == 0.0
    with pytest.raises(ValueError):
        metrics.pass_at_k(5, 6, 1)
    with pytest.raises(ValueError):
        metrics.pass_at_k(5, 1, 6)


def test_bad_inputs_raise():
    with pytest.raises(ValueError):
        metrics.ece([1.2], [1])
    with pytest.raises(ValueError):
        metrics.ece([0.5, 0.5], [1])
    with pytest.raises(ValueError):
        metrics.ece([], [])


def test_ece_with_abstentions():
    q, c, w = [0.95, 0.65], [0.7, 0.6], [10, 10]
    # no abstention: the plain ECE
    assert metrics.ece_with_abstentions(q, c, w, [0.0], [0.5]) == pytest.approx(metrics.ece(q, c, w))
    # an abstention charged correctness 0 at confidence 0 is calibrated: ECE scales by the answered share
    assert metrics.ece_with_abstentions(q, c, w, [20.0], [0.0]) == pytest.approx(0.5 * metrics.ece(q, c, w))
    # charged its would-be answer's correctness 0.6, it adds a gap of 0.6 on its share
    assert metrics.ece_with_abstentions(q, c, w, [20.0], [0.6]) == pytest.approx(0.5 * 0.15 + 0.5 * 0.6)
    with pytest.raises(ValueError):
        metrics.ece_with_abstentions(q, c, w, [1.0, 2.0], [0.5])
