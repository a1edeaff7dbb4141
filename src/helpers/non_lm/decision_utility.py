"""Utility-weighted decisions: ex post reweighting, the weighted loss, and realised utility.

With utility ``u(a, y) = w_y * 1[a = y]``, the decision that maximises expected utility
under beliefs ``q`` is ``argmax_a w_a q_a``, and the minimiser of the weighted
cross-entropy ``E[w_y * -log p_y]`` is ``p ∝ w ⊙ P(y | x)``. So a model trained *without*
weights can be made utility-aware afterwards by :func:`ex_post_reweight`; n08 compares that
to training *with* the weights.

Used by: n08.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import torch

from helpers.measure.probes import probe_accuracy
from helpers.non_lm.classifiers import BottleneckMLP, ClassifierSettings, predict_proba, train_classifier
from helpers.runtime import progress
from helpers.tasks.teacher_classes import TeacherData, class_weights


def ex_post_reweight(probs: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """``p ∝ w ⊙ q``, row-normalised: the weighted-loss optimum built from unweighted
    beliefs ``q``."""
    if probs.shape[-1] != weights.shape[-1]:
        raise ValueError(f"{probs.shape[-1]} classes in probs but {weights.shape[-1]} weights")
    scaled = probs * weights
    return scaled / scaled.sum(dim=-1, keepdim=True)


def weighted_cross_entropy(probs: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor) -> float:
    """``sum_i w_{y_i} (-log p_{y_i}) / sum_i w_{y_i}``: the loss weighted training minimises, on held-out data."""
    w = weights[labels]
    nll = -probs.gather(1, labels[:, None]).squeeze(1).clamp_min(1e-12).log()
    return float((w * nll).sum() / w.sum())


def realised_utility(probs: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor) -> float:
    """Mean utility ``w_y * 1[a = y]`` of deciding ``a = argmax p`` (``p`` already utility-weighted)."""
    decisions = probs.argmax(dim=1)
    return float((weights[labels] * (decisions == labels).float()).mean())


def compare_weighting(
    data: dict[int, TeacherData],
    costly_weights: list[float],
    seeds: list[int],
    settings: ClassifierSettings,
    widths: list[int] | None = None,
) -> pd.DataFrame:
    """Weighted training (WT) vs plain training + ex post reweighting (EPW), per weight, seed and width.

    ``data`` maps a seed to its :class:`~helpers.tasks.teacher_classes.TeacherData` (one draw per
    seed). For each seed and width, one plain model serves every weight (ex post weighting
    needs no retraining); one weighted model is trained per weight. Rows: seed, width,
    costly_weight, arm, weighted_ce, utility, probe_accuracy (a linear probe on the frozen
    bottleneck, classes 1-9), costly_recall (share of class-0 test examples decided as class 0).
    """
    rows = []
    jobs = [(seed, width) for seed in seeds for width in (widths or [settings.width])]
    for seed, width in progress(jobs, desc="seed x width"):
        d, run_settings = data[seed], replace(settings, width=width)
        num_classes = d.train_probs.shape[1]
        plain = train_classifier(d.x_train, d.y_train, run_settings, seed, num_classes=num_classes)
        plain_probe = representation_probe(plain, d)
        for costly in costly_weights:
            w = class_weights(costly, num_classes).to(d.x_train.device)
            weighted = train_classifier(d.x_train, d.y_train, run_settings, seed, class_weights=w)
            arms = [
                ("WT", predict_proba(weighted, d.x_test), representation_probe(weighted, d)),
                ("EPW", ex_post_reweight(predict_proba(plain, d.x_test), w), plain_probe),
            ]
            for arm, probs, probe in arms:
                decided_costly = probs.argmax(dim=1)[d.y_test == 0] == 0
                rows.append(
                    {
                        "seed": seed,
                        "width": width,
                        "costly_weight": costly,
                        "arm": arm,
                        "weighted_ce": weighted_cross_entropy(probs, d.y_test, w),
                        "utility": realised_utility(probs, d.y_test, w),
                        "probe_accuracy": probe,
                        "costly_recall": float(decided_costly.float().mean()),
                    }
                )
    return pd.DataFrame(rows)


@torch.no_grad()
def representation_probe(model: BottleneckMLP, data: TeacherData) -> float:
    """Linear-probe accuracy on ``model``'s frozen bottleneck for the ordinary classes (1-9)."""
    train, test = data.y_train != 0, data.y_test != 0
    return probe_accuracy(
        model.features(data.x_train)[train], data.y_train[train], model.features(data.x_test)[test], data.y_test[test]
    )
