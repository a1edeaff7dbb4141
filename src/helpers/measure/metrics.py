"""Evaluation metrics: calibration (ECE, Brier, reliability bins, AUROC) and unbiased Pass@k.

Every function accepts optional ``weights`` and *fractional* correctness in [0, 1]:
a row may stand for "this answer, given with this confidence, has probability w under
the policy and is right with probability c". With weights from an exact enumeration
of a tiny policy's outputs, the metrics are the population values, free of sampling
noise; with unit weights and 0/1 correctness they are the usual sample metrics.

Used by: n01 (calibration), n06 and later Pass@k notebooks, n02 (Cramér's V, Bullshit Index).
"""

from __future__ import annotations

from math import comb

import numpy as np
import pandas as pd

ArrayLike = np.ndarray | list[float]


def _prepare(
    confidence: ArrayLike, correct: ArrayLike, weights: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    q = np.asarray(confidence, dtype=float)
    c = np.asarray(correct, dtype=float)
    w = np.ones_like(q) if weights is None else np.asarray(weights, dtype=float)
    if not (q.shape == c.shape == w.shape):
        raise ValueError(f"shapes differ: confidence {q.shape}, correct {c.shape}, weights {w.shape}")
    if q.size == 0 or w.sum() <= 0:
        raise ValueError("need at least one row with positive weight")
    if np.any((q < 0) | (q > 1)) or np.any((c < 0) | (c > 1)) or np.any(w < 0):
        raise ValueError("confidence and correct must lie in [0, 1], weights must be >= 0")
    return q, c, w


def reliability_bins(
    confidence: ArrayLike, correct: ArrayLike, weights: ArrayLike | None = None, n_bins: int = 10
) -> pd.DataFrame:
    """Equal-width confidence bins: each bin's weight share, mean confidence and accuracy.

    Bin ``i`` holds confidences in ``[i/n, (i+1)/n)`` (the last bin includes 1.0).
    Empty bins are kept with NaN means and zero weight.
    """
    q, c, w = _prepare(confidence, correct, weights)
    idx = np.minimum((q * n_bins).astype(int), n_bins - 1)
    rows = []
    for b in range(n_bins):
        m = idx == b
        wb = w[m].sum()
        rows.append(
            {
                "bin": b,
                "lower": b / n_bins,
                "upper": (b + 1) / n_bins,
                "weight": wb / w.sum(),
                "confidence": (w[m] * q[m]).sum() / wb if wb > 0 else np.nan,
                "accuracy": (w[m] * c[m]).sum() / wb if wb > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def ece(confidence: ArrayLike, correct: ArrayLike, weights: ArrayLike | None = None, n_bins: int = 10) -> float:
    """Expected calibration error: the weight-averaged ``|accuracy - confidence|`` over equal-width bins."""
    bins = reliability_bins(confidence, correct, weights, n_bins).dropna()
    return float((bins["weight"] * (bins["accuracy"] - bins["confidence"]).abs()).sum())


def ece_with_abstentions(
    confidence: ArrayLike,
    correct: ArrayLike,
    weights: ArrayLike | None,
    abstain_weight: ArrayLike,
    abstain_correct: ArrayLike,
    abstain_confidence: float = 0.0,
    n_bins: int = 10,
) -> float:
    """ECE over answers *and* abstentions, an abstention counting as an answer given with confidence
    ``abstain_confidence`` (0 by default).

    ``confidence``, ``correct``, ``weights`` are the answered rows, as for :func:`ece`.
    ``abstain_weight[i]`` is the weight of abstaining on prompt ``i`` (on the same scale as
    ``weights``) and ``abstain_correct[i]`` the correctness charged to that abstention, e.g. the
    expected correctness of the answer the policy would have given. With ``abstain_correct = 0``
    an abstention at confidence 0 is perfectly calibrated and this is just :func:`ece` scaled by
    the answered share; with the would-be answer's correctness, declining to answer a question
    the policy could answer counts as an underconfident answer.
    """
    q, c, w = _prepare(confidence, correct, weights)
    aw = np.asarray(abstain_weight, dtype=float).ravel()
    ac = np.asarray(abstain_correct, dtype=float).ravel()
    if aw.shape != ac.shape:
        raise ValueError(f"shapes differ: abstain_weight {aw.shape}, abstain_correct {ac.shape}")
    aq = np.full_like(aw, float(abstain_confidence))
    return ece(np.concatenate([q, aq]), np.concatenate([c, ac]), np.concatenate([w, aw]), n_bins)


def brier(confidence: ArrayLike, correct: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Brier score ``E[(q - Z)^2]`` with ``Z ~ Bernoulli(correct)``: ``(q - c)^2 + c(1 - c)`` per row.

    For 0/1 correctness this is the usual mean squared error of the confidence.
    """
    q, c, w = _prepare(confidence, correct, weights)
    return float(np.average((q - c) ** 2 + c * (1 - c), weights=w))


def auroc(scores: ArrayLike, correct: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Area under the ROC curve of ``scores`` for separating right from wrong answers.

    A row with correctness ``c`` and weight ``w`` counts as a positive of weight ``w*c``
    and a negative of weight ``w*(1-c)``. Ties count one half. Returns NaN when there
    are no positives or no negatives.
    """
    s, c, w = _prepare(scores, correct, weights)
    pos, neg = w * c, w * (1 - c)
    if pos.sum() <= 0 or neg.sum() <= 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    s, pos, neg = s[order], pos[order], neg[order]
    uniq, start = np.unique(s, return_index=True)
    pos_g = np.add.reduceat(pos, start)
    neg_g = np.add.reduceat(neg, start)
    neg_below = np.concatenate([[0.0], np.cumsum(neg_g)[:-1]])
    area = (pos_g * (neg_below + 0.5 * neg_g)).sum()
    return float(area / (pos.sum() * neg.sum()))


def pass_at_k(num_samples: int, num_correct: int, k: int) -> float:
    """Unbiased Pass@k (Chen et al., 2021): ``1 - C(n - c, k) / C(n, k)`` for ``n`` samples, ``c`` correct."""
    if not 0 <= num_correct <= num_samples:
        raise ValueError(f"need 0 <= num_correct <= num_samples, got {num_correct}, {num_samples}")
    if not 1 <= k <= num_samples:
        raise ValueError(f"need 1 <= k <= num_samples, got k={k}, n={num_samples}")
    if num_samples - num_correct < k:
        return 1.0
    return 1.0 - comb(num_samples - num_correct, k) / comb(num_samples, k)


def pass_at_k_exact(p_correct: ArrayLike, k: int) -> np.ndarray:
    """Pass@k of a policy that is right with probability ``p_correct`` per sample: ``1 - (1 - p)^k``.

    The value the unbiased estimator :func:`pass_at_k` converges to; use it where the policy's
    probability of the right answer can be enumerated (n06).
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    return 1.0 - (1.0 - np.clip(np.asarray(p_correct, dtype=float), 0.0, 1.0)) ** k


def cramers_v(table: ArrayLike) -> float:
    """Cramér's V of a contingency table (rows: one variable's values, columns: the other's; counts or expected counts).

    ``sqrt(chi2 / (n (k - 1)))`` with ``k`` the smaller number of non-empty rows and columns.
    Empty rows and columns are dropped first; a table with a single non-empty row or column
    (e.g. a policy that always makes the same claim) has no association: V = 0.
    """
    t = np.asarray(table, dtype=float)
    t = t[t.sum(1) > 0][:, t.sum(0) > 0]
    k = min(t.shape) if t.size else 0
    if k < 2:
        return 0.0
    n = t.sum()
    expected = t.sum(1, keepdims=True) * t.sum(0, keepdims=True) / n
    chi2 = ((t - expected) ** 2 / expected).sum()
    return float(np.sqrt(chi2 / (n * (k - 1))))


def bullshit_index(belief: ArrayLike, claim_probability: ArrayLike) -> float:
    """Liang et al.'s Bullshit Index ``1 - |r_pb|``: r_pb is the point-biserial correlation between belief and claim.

    ``belief[i]`` is the model's probability that statement i is true; the claim is a 0/1
    variable (1 = "it is true") made with probability ``claim_probability[i]``. The
    correlation is computed exactly over that joint distribution (each statement equally
    likely), not from sampled claims. A constant belief or claim has no correlation: BI = 1.
    """
    b = np.asarray(belief, dtype=float)
    c = np.clip(np.asarray(claim_probability, dtype=float), 0.0, 1.0)
    if b.shape != c.shape or b.size == 0:
        raise ValueError(f"belief and claim_probability must be non-empty and of equal shape, got {b.shape}, {c.shape}")
    m = c.mean()
    var_b, var_y = b.var(), m * (1 - m)
    if var_b <= 1e-12 or var_y <= 1e-12:
        return 1.0
    r = ((b * c).mean() - b.mean() * m) / np.sqrt(var_b * var_y)
    return float(1.0 - abs(r))
