"""n13's arithmetic task, its exact metrics, and the training sets of the three self-training arms."""

import math

import numpy as np

from helpers.rl import selftrain
from helpers.tasks import chain_arithmetic as chain


def test_problems_and_answers_by_hand():
    assert chain.ChainProblem((7, 8), "*").prompt == "7*8=" and chain.ChainProblem((7, 8), "*").answer == 6
    assert chain.ChainProblem((3, 4, 2, 5), "+-+").answer == 0  # 3+4-2+5 = 10
    assert chain.ChainProblem((2, 5), "-").answer == 7
    problems = chain.all_problems()
    assert len(problems) == len({p.prompt for p in problems}) == 300
    assert all(len(p.ops) == 1 for p in chain.make_problems(50, seed=0))


def test_exact_metrics_on_hand_made_distributions():
    truth = np.array([0, 1])
    sure_right = np.eye(10)[[0, 1]]
    assert chain.confidently_wrong_share(sure_right, truth) == 0.0 and chain.entropy(sure_right) == 0.0
    sure_wrong = np.eye(10)[[3, 3]]
    assert math.isclose(chain.confidently_wrong_share(sure_wrong, truth), 1.0)
    # p = 0.9 on one wrong digit: P(Bin(8, 0.9) >= 7) = 0.9^8 + 8 * 0.9^7 * 0.1
    probs = np.full((1, 10), 0.1 / 9)
    probs[0, 5] = 0.9
    assert math.isclose(chain.confidently_wrong_share(probs, np.array([0])), 0.9**8 + 8 * 0.9**7 * 0.1, rel_tol=1e-9)
    assert math.isclose(chain.entropy(np.full((1, 10), 0.1)), math.log(10))
    # majority of 8 from a 0.4 / 0.3 / 0.3 distribution is right more often than a single sample
    p = np.zeros((200, 10))
    p[:, 0], p[:, 1], p[:, 2] = 0.4, 0.3, 0.3
    assert chain.majority_vote_accuracy(p, np.zeros(200, dtype=int), 8, samples=8, seed=0) > 0.45


def test_round_pairs_per_arm():
    problems = [chain.ChainProblem((1, 1), "+"), chain.ChainProblem((2, 2), "*")]  # answers 2 and 4
    counts = np.zeros((2, 10), dtype=int)
    counts[0, [2, 7]] = [3, 5]  # majority 7 (wrong), 3 right samples
    counts[1, 9] = 8  # all wrong
    gold, replay = [("5+5=", "0")], [("1+1=", "2")]
    assert selftrain.round_pairs("P", problems, counts, gold, replay) == [("1+1=", "7"), ("2*2=", "9")]
    assert selftrain.round_pairs("T", problems, counts, gold, replay) == [("1+1=", "2")] * 3
    assert selftrain.round_pairs("H", problems, counts, gold, replay) == [
        ("1+1=", "7"),
        ("2*2=", "9"),
        ("5+5=", "0"),
        ("1+1=", "2"),
    ]


def test_sampled_counts_follow_the_distribution():
    rng = np.random.default_rng(0)
    counts = selftrain.sample_counts(np.tile(np.eye(10)[3], (5, 1)), 8, rng)
    assert (counts[:, 3] == 8).all() and counts.sum() == 40


def test_split_is_disjoint_stratified_and_draws_stay_on_the_training_side():
    train, test = chain.split_problems()
    assert len(train) == 201 and len(test) == 99  # 33 of each operator held out
    assert not {p.prompt for p in train} & {p.prompt for p in test}
    assert {p.prompt for p in train} | {p.prompt for p in test} == {p.prompt for p in chain.all_problems()}
    assert all(sum(p.ops == op for p in test) == 33 for op in chain.OPS)
    assert chain.split_problems() == (train, test)  # fixed split
    drawn = chain.draw(train, 500, seed=2)
    assert len(drawn) == 500 and {p.prompt for p in drawn} <= {p.prompt for p in train}
