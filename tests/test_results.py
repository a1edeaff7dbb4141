import math

import pandas as pd
import pytest

from helpers.results import arm_difference, highest, minus, per_seed, ratio, rows


def stacked_log() -> pd.DataFrame:
    """Two arms x two seeds x two steps, listed out of seed order; success = arm + seed / 10 + step / 100."""
    offsets = {"GRPO": 0.0, "PSR": 0.5}
    return pd.DataFrame(
        [
            {"arm": arm, "seed": seed, "step": step, "success": offsets[arm] + seed / 10 + step / 100}
            for arm in ("GRPO", "PSR")
            for seed in (1, 0)
            for step in (0, 4)
        ]
    )


def test_rows_keeps_the_rows_whose_columns_match():
    part = rows(stacked_log(), arm="PSR", step=4)
    assert sorted(part["seed"]) == [0, 1]
    assert set(part["arm"]) == {"PSR"} and set(part["step"]) == {4}
    assert len(rows(stacked_log())) == 8


def test_per_seed_follows_the_order_of_the_seeds_given():
    log = stacked_log()
    assert per_seed(log, "success", [0, 1], arm="GRPO", step=4) == [0.04, 0.1 + 0.04]
    assert per_seed(log, "success", [1, 0], arm="GRPO", step=4) == [0.1 + 0.04, 0.04]
    assert per_seed(log, "success", [1], arm="PSR", step=0) == [0.5 + 0.1]
    assert all(type(v) is float for v in per_seed(log, "success", [0, 1], arm="PSR", step=0))


def test_per_seed_refuses_a_missing_or_an_ambiguous_row():
    log = stacked_log()
    with pytest.raises(ValueError, match="0 rows for seed 7"):
        per_seed(log, "success", [7], arm="GRPO", step=0)
    with pytest.raises(ValueError, match="2 rows for seed 0"):
        per_seed(log, "success", [0], arm="GRPO")  # two steps match


def test_arm_difference_is_paired_by_seed():
    diff = arm_difference(stacked_log(), "success", "PSR", "GRPO", [1, 0], step=0)
    assert diff == [(0.5 + 0.1) - 0.1, 0.5 - 0.0]


def test_highest_picks_the_best_arm_within_each_seed():
    log = pd.DataFrame({"arm": ["a", "a", "b", "b"], "seed": [0, 1, 0, 1], "score": [0.3, 0.9, 0.5, 0.2]})
    assert highest(log, "score", ["a", "b"], [0, 1]) == [0.5, 0.9]
    assert highest(log, "score", ["a"], [1, 0]) == [0.9, 0.3]


def test_minus_and_ratio_work_element_by_element():
    assert minus([3.0, 1.0], [1.0, 2.0]) == [2.0, -1.0]
    assert ratio([1.0, 3.0], [4.0, 2.0]) == [0.25, 1.5]
    assert math.isnan(ratio([1.0], [0.0])[0])
    with pytest.raises(ValueError, match="different lengths"):
        minus([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="different lengths"):
        ratio([1.0, 2.0], [1.0])
