"""Noisy digit addition with a verbalised confidence: the task of the lab and of claim n01.

A prompt ``^{c}{a}{b}=`` asks for ``(a + b) mod 10``. The noise class ``c`` (A-E)
sets a label-noise rate ``e``: the training label is the true sum with probability
``1 - e`` and a uniformly random digit otherwise. So the best achievable accuracy
for class ``c`` is exactly ``p* = 1 - e + e/10``, and a calibrated model says so.

A response is ``{y};{d}`` then end-of-sequence: an answer digit ``y`` (or ``?`` to
abstain) and a confidence digit ``d`` read as ``q = (d + 0.5) / 10``.

Correctness is scored by its exact expectation over the label noise,
``(1 - e) * [y = a + b mod 10] + e / 10`` (0 for an abstention), so accuracy and
calibration are measured without label-sampling noise.

Used by: ``notebooks/lab``, ``notebooks/q1-meta-rl-rational-bias/01-binary-reward-calibration``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedTokenizerBase

    from helpers.lm.models import CachedModel, TinyLMConfig
    from helpers.lm.sft import SFTSettings

ABSTAIN = "?"
SEP = ";"
#: Noise rate per class, as in the n01 spec.
NOISE_RATES: dict[str, float] = {"A": 0.0, "B": 0.2, "C": 0.4, "D": 0.6, "E": 0.8}
#: Probability that the SFT teacher abstains, per class ("some abstentions in the noisiest classes").
SFT_ABSTAIN_RATES: dict[str, float] = {"A": 0.0, "B": 0.0, "C": 0.0, "D": 0.05, "E": 0.1}
CONFIDENCE_STYLES = ("overconfident", "calibrated")


def prompt_text(cls: str, a: int, b: int) -> str:
    """The prompt string for class ``cls`` and operands ``a``, ``b``."""
    return f"^{cls}{a}{b}="


def true_sum(a: int, b: int) -> int:
    """The noiseless answer, ``(a + b) mod 10``."""
    return (a + b) % 10


def best_accuracy(cls: str) -> float:
    """``p*``: the highest expected accuracy any policy can reach on class ``cls``."""
    e = NOISE_RATES[cls]
    return 1.0 - e + e / 10.0


def confidence_of_digit(d: int) -> float:
    """The probability a confidence digit stands for: bin centre ``(d + 0.5) / 10``."""
    return (d + 0.5) / 10.0


def calibrated_digit(p: float) -> int:
    """The confidence digit whose bin contains ``p`` (the digit a calibrated model writes)."""
    return int(min(9, max(0, np.floor(p * 10))))


def expected_correct(cls: str, a: int, b: int, answer: str | None) -> float:
    """Exact expected correctness of ``answer`` against a noisy label; 0 for abstain or malformed."""
    if answer is None or answer == ABSTAIN or not answer.isdigit():
        return 0.0
    e = NOISE_RATES[cls]
    return (1.0 - e) * float(int(answer) == true_sum(a, b)) + e / 10.0


def parse_completion(text: str) -> tuple[str | None, float | None]:
    """Split a completion ``"{y};{d}"`` into ``(answer, confidence)``.

    Returns ``(None, None)`` for a malformed completion. ``answer`` is a digit or ``"?"``.
    """
    text = text.strip()
    if len(text) != 3 or text[1] != SEP or not text[2].isdigit():
        return None, None
    if not (text[0].isdigit() or text[0] == ABSTAIN):
        return None, None
    return text[0], confidence_of_digit(int(text[2]))


@dataclass(frozen=True)
class PromptRow:
    """One prompt with its ground truth (the columns TRL passes to reward functions)."""

    prompt: str
    cls: str
    a: int
    b: int


def all_prompts(classes: str = "ABCDE") -> list[PromptRow]:
    """Every prompt of the given classes: 100 operand pairs per class, in a fixed order."""
    for c in classes:
        if c not in NOISE_RATES:
            raise ValueError(f"unknown noise class {c!r}; classes are {''.join(NOISE_RATES)}")
    return [PromptRow(prompt_text(c, a, b), c, a, b) for c in classes for a in range(10) for b in range(10)]


def sft_completion(row: PromptRow, rng: np.random.Generator, confidence_style: str = "overconfident") -> str:
    """Sample one SFT target completion for ``row`` from the noisy teacher.

    The answer is the noisy label (sometimes an abstention in the noisiest classes).
    ``confidence_style="overconfident"``: digit 9 with probability 0.7, else uniform,
    independent of correctness (the spec's overconfident start);
    ``"calibrated"``: the digit of the class's ``p*`` (the ablation's start).
    """
    if confidence_style not in CONFIDENCE_STYLES:
        raise ValueError(f"confidence_style={confidence_style!r} is not one of {CONFIDENCE_STYLES}")
    if rng.random() < SFT_ABSTAIN_RATES[row.cls]:
        return f"{ABSTAIN}{SEP}0"
    if rng.random() < NOISE_RATES[row.cls]:
        answer = int(rng.integers(10))
    else:
        answer = true_sum(row.a, row.b)
    if confidence_style == "overconfident":
        digit = 9 if rng.random() < 0.7 else int(rng.integers(10))
    else:
        digit = calibrated_digit(best_accuracy(row.cls))
    return f"{answer}{SEP}{digit}"


def sft_examples(
    num_examples: int, seed: int, confidence_style: str = "overconfident", classes: str = "ABCDE"
) -> list[tuple[str, str]]:
    """``num_examples`` (prompt, completion) pairs drawn uniformly over prompts of ``classes``."""
    rng = np.random.default_rng(seed)
    rows = all_prompts(classes)
    picks = rng.integers(len(rows), size=num_examples)
    return [(rows[i].prompt, sft_completion(rows[i], rng, confidence_style)) for i in picks]


def correctness_reward(
    prompts: list[str], completions: list[str], cls: list[str], a: list[int], b: list[int], **_: object
) -> list[float]:
    """Binary-correctness reward (RLVR), in exact expectation over the label noise.

    TRL reward signature.
    """
    return [expected_correct(c, int(x), int(y), parse_completion(t)[0]) for t, c, x, y in zip(completions, cls, a, b)]


def brier_reward(
    prompts: list[str], completions: list[str], cls: list[str], a: list[int], b: list[int], **_: object
) -> list[float]:
    """The RLCR calibration term ``-E[(q - 1[correct])^2]``, exact over the label noise.

    TRL reward signature. With ``c`` the expected correctness,
    ``E[(q - Z)^2] = q^2 - 2qc + c``. A malformed completion is scored as a wrong
    answer given with ``q = 1`` (the worst case).
    """
    out = []
    for t, c, x, y in zip(completions, cls, a, b):
        answer, q = parse_completion(t)
        if q is None:
            out.append(-1.0)
            continue
        p = expected_correct(c, int(x), int(y), answer)
        out.append(-(q * q - 2.0 * q * p + p))
    return out


# ---------------------------------------------------------------------------
# Exact evaluation of a policy: enumerate every answer and confidence token.
# ---------------------------------------------------------------------------

ANSWER_CHARS = "0123456789" + ABSTAIN


def policy_distribution(
    model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, rows: list[PromptRow], device: str = "cpu"
) -> tuple[np.ndarray, np.ndarray]:
    """The policy's exact output distribution on ``rows`` (sampling at temperature 1).

    Returns:
        ``p_answer``: shape ``(N, 11)``, probability of each answer token in
        :data:`ANSWER_CHARS` as the first completion token (the rest, ``1 - sum``, is
        malformed output); ``p_conf``: shape ``(N, 11, 10)``, probability of each
        confidence digit after ``answer;``, renormalised over the ten digits.
    """
    import torch

    answer_ids = tokenizer.convert_tokens_to_ids(list(ANSWER_CHARS))
    digit_ids = tokenizer.convert_tokens_to_ids(list("0123456789"))
    sep_id = tokenizer.convert_tokens_to_ids(SEP)
    k = len(ANSWER_CHARS)
    with torch.no_grad():
        # All prompts have the same length, so no padding: one pass over the prompts, then
        # the 11 continuations "answer;" reuse the prompts' key/value cache (3x fewer tokens).
        enc = tokenizer([r.prompt for r in rows], return_tensors="pt", add_special_tokens=False).to(device)
        out = model(**enc, use_cache=True)
        first = out.logits[:, -1].float().softmax(-1)[:, answer_ids]
        cache = out.past_key_values
        cache.batch_repeat_interleave(k)
        follow = torch.tensor([[a, sep_id] for a in answer_ids], device=device).repeat(len(rows), 1)
        attention = torch.ones(len(rows) * k, enc["input_ids"].shape[1] + 2, dtype=torch.long, device=device)
        logits = model(input_ids=follow, attention_mask=attention, past_key_values=cache, use_cache=False).logits
        conf = logits[:, -1].float()[:, digit_ids].softmax(-1)
    return first.cpu().numpy(), conf.cpu().numpy().reshape(len(rows), len(ANSWER_CHARS), 10)


def calibration_rows(rows: list[PromptRow], p_answer: np.ndarray, p_conf: np.ndarray) -> pd.DataFrame:
    """One row per (prompt, answer digit, confidence digit): weight, confidence, expected correctness.

    Abstentions and malformed outputs are left out (they carry no confidence about an answer).
    Weights are probabilities under the policy divided by the number of prompts.
    """
    n = len(rows)
    noise = np.array([NOISE_RATES[r.cls] for r in rows])[:, None]
    truth = np.array([true_sum(r.a, r.b) for r in rows])[:, None]
    correct = (1.0 - noise) * (np.arange(10)[None, :] == truth) + noise / 10.0  # (prompt, answer digit)
    weight = p_answer[:, :10, None] * p_conf[:, :10, :] / n  # (prompt, answer digit, confidence digit)
    return pd.DataFrame(
        {
            "cls": np.repeat([r.cls for r in rows], 100),
            "weight": weight.ravel(),
            "confidence": np.tile(confidence_of_digit(np.arange(10)), 10 * n),
            "correct": np.repeat(correct.ravel(), 10),
        }
    )


def calibration_report(rows: list[PromptRow], p_answer: np.ndarray, p_conf: np.ndarray) -> dict[str, float]:
    """Accuracy and calibration of a policy on ``rows``, exact (no sampling).

    Keys: ``accuracy`` (expected correctness over all outputs; abstaining scores 0),
    ``ece``, ``brier``, ``auroc`` (over answered outputs), ``mean_confidence``,
    ``abstain_rate``, ``malformed_rate`` and ``confident_error_rate`` (share of
    answered outputs that are wrong and given with confidence >= 0.7).
    """
    from helpers.measure import metrics

    table = calibration_rows(rows, p_answer, p_conf)
    w, q, c = table["weight"].to_numpy(), table["confidence"].to_numpy(), table["correct"].to_numpy()
    accuracy = float((w * c).sum())
    return {
        "accuracy": accuracy,
        "ece": metrics.ece(q, c, w),
        "brier": metrics.brier(q, c, w),
        "auroc": metrics.auroc(q, c, w),
        "mean_confidence": float(np.average(q, weights=w)),
        "abstain_rate": float(p_answer[:, 10].mean()),
        "malformed_rate": float(1.0 - p_answer.sum(axis=1).mean()),
        "confident_error_rate": float((w * (1 - c) * (q >= 0.7)).sum() / w.sum()),
    }


def evaluate(
    model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, rows: list[PromptRow], device: str = "cpu"
) -> dict[str, float]:
    """:func:`calibration_report` of ``model`` on ``rows`` (what the RL eval callback records)."""
    return calibration_report(rows, *policy_distribution(model, tokenizer, rows, device))


def expected_reward_curve(p: float, q: np.ndarray, brier_term: bool) -> np.ndarray:
    """Expected reward of answering with confidence ``q`` when the answer is right with probability ``p``.

    Binary reward: ``p`` whatever ``q`` (flat). With the Brier term (RLCR):
    ``p - [(1-p)q^2 + p(1-q)^2] = 2pq - q^2``, maximised exactly at ``q = p``.
    """
    q = np.asarray(q, dtype=float)
    return 2 * p * q - q**2 if brier_term else np.full_like(q, p)


def evaluate_by_class(
    model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, rows: list[PromptRow], device: str = "cpu"
) -> pd.DataFrame:
    """:func:`calibration_report` per noise class, from one pass over ``rows``; one row per class with ``p*``."""
    p_answer, p_conf = policy_distribution(model, tokenizer, rows, device)
    classes = np.array([r.cls for r in rows])
    out = []
    for cls in dict.fromkeys(classes):
        mask = classes == cls
        subset = [r for r, m in zip(rows, mask) if m]
        out.append({"class": cls, "p*": best_accuracy(cls), **calibration_report(subset, p_answer[mask], p_conf[mask])})
    return pd.DataFrame(out)


# --- the task's base model -------------------------------------------------------------------


def base(
    config: TinyLMConfig,
    settings: SFTSettings,
    confidence_style: str = "overconfident",
    device: str = "cpu",
    progress: bool = True,
) -> CachedModel:
    """The SFT base for noisy addition, cached (:func:`helpers.lm.sft.cached_base`)."""
    from helpers.lm.sft import cached_base

    return cached_base(
        "noisy_addition_base",
        __name__,
        config,
        settings,
        {"confidence_style": confidence_style},
        lambda n: sft_examples(n, seed=settings.seed, confidence_style=confidence_style),
        device,
        progress,
    )
