"""n08's helpers: teacher task, ex post reweighting, weighted loss, utility, probes, MLP training."""

import math

import pytest
import torch

from helpers.measure.probes import probe_accuracy
from helpers.non_lm.classifiers import ClassifierSettings, predict_proba, train_classifier
from helpers.non_lm.decision_utility import (
    compare_weighting,
    ex_post_reweight,
    realised_utility,
    weighted_cross_entropy,
)
from helpers.tasks.teacher_classes import TeacherTask, class_weights, make_data

SMALL = TeacherTask(num_train=600, num_test=400)


def test_ex_post_reweight_is_the_weighted_loss_optimum_on_a_hand_example():
    q = torch.tensor([[0.2, 0.8]])
    p = ex_post_reweight(q, torch.tensor([4.0, 1.0]))
    assert torch.allclose(p, torch.tensor([[0.5, 0.5]]))  # 0.8 vs 0.2 * 4


def test_weighted_cross_entropy_and_utility_by_hand():
    probs = torch.tensor([[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]])
    labels = torch.tensor([0, 0, 1])
    w = torch.tensor([3.0, 1.0])
    expected = (3 * -math.log(0.5) + 3 * -math.log(0.9) + 1 * -math.log(0.8)) / 7
    assert weighted_cross_entropy(probs, labels, w) == pytest.approx(expected)
    # decisions: argmax -> 0 (tie goes to the first), 0, 1: all right; utility (3 + 3 + 1) / 3
    assert realised_utility(probs, labels, w) == pytest.approx(7 / 3)


def test_teacher_task_is_deterministic_and_near_the_specified_bayes_accuracy():
    a, b = make_data(TeacherTask(), 0), make_data(TeacherTask(), 0)
    assert torch.equal(a.y_train, b.y_train) and torch.equal(a.x_test, b.x_test)
    assert not torch.equal(a.y_train, make_data(TeacherTask(), 1).y_train)
    assert 0.72 < a.bayes_accuracy < 0.78
    # labels are samples from the teacher: their agreement with its argmax matches the Bayes accuracy
    agreement = float((a.test_probs.argmax(1) == a.y_test).float().mean())
    assert agreement == pytest.approx(a.bayes_accuracy, abs=0.03)


def test_class_weights_rejects_non_positive_weight():
    assert class_weights(8.0).tolist() == [8.0] + [1.0] * 9
    with pytest.raises(ValueError, match="costly_weight"):
        class_weights(0.0)


def test_probe_reads_a_linearly_coded_label_and_not_noise():
    g = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 3, (300,), generator=g)
    coded = torch.nn.functional.one_hot(labels, 3).float() + 0.1 * torch.randn(300, 3, generator=g)
    noise = torch.randn(300, 3, generator=g)
    assert probe_accuracy(coded[:200], labels[:200], coded[200:], labels[200:]) == 1.0
    assert probe_accuracy(noise[:200], labels[:200], noise[200:], labels[200:]) < 0.55


def test_training_is_deterministic_and_unit_weights_change_nothing():
    d = make_data(SMALL, 0)
    settings = ClassifierSettings(epochs=2)
    first = predict_proba(train_classifier(d.x_train, d.y_train, settings, seed=3), d.x_test)
    again = predict_proba(train_classifier(d.x_train, d.y_train, settings, seed=3), d.x_test)
    unit = predict_proba(
        train_classifier(d.x_train, d.y_train, settings, seed=3, class_weights=torch.ones(10)), d.x_test
    )
    assert torch.equal(first, again) and torch.allclose(first, unit, atol=1e-6)
    with pytest.raises(ValueError, match="epochs"):
        train_classifier(d.x_train, d.y_train, ClassifierSettings(epochs=0), seed=0)


def test_compare_weighting_rows_and_arms_agree_at_unit_weight():
    data = {0: make_data(SMALL, 0)}
    df = compare_weighting(data, [1, 16], [0], ClassifierSettings(epochs=2))
    assert len(df) == 4 and set(df["arm"]) == {"WT", "EPW"}
    at_one = df[df["costly_weight"] == 1].set_index("arm")
    assert at_one.loc["WT", "weighted_ce"] == pytest.approx(at_one.loc["EPW", "weighted_ce"], abs=1e-6)
