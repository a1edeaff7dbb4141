import numpy as np
import pytest
import torch

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.tasks import noisy_addition as na


def test_best_accuracy_and_expected_correctness():
    assert [round(na.best_accuracy(c), 2) for c in "ABCDE"] == [1.0, 0.82, 0.64, 0.46, 0.28]
    assert na.expected_correct("C", 3, 7, "0") == pytest.approx(0.6 + 0.04)
    assert na.expected_correct("C", 3, 7, "1") == pytest.approx(0.04)
    assert na.expected_correct("A", 3, 7, "?") == 0.0
    assert na.expected_correct("A", 3, 7, None) == 0.0


def test_parse_completion():
    assert na.parse_completion("7;9") == ("7", 0.95)
    assert na.parse_completion("?;0") == ("?", 0.05)
    for bad in ["7;", "79", "7;x", "x;1", "7;12", ""]:
        assert na.parse_completion(bad) == (None, None)


def test_rewards_on_known_cases():
    kw = dict(cls=["A", "A", "C", "A"], a=[3, 3, 3, 3], b=[7, 7, 7, 7])
    completions = ["0;9", "5;9", "0;6", "zz"]
    assert na.correctness_reward([""] * 4, completions, **kw) == pytest.approx([1.0, 0.0, 0.64, 0.0])
    # -(q^2 - 2qc + c): right & q=.95 -> -0.0025; wrong & q=.95 -> -0.9025; c=.64, q=.65 -> -(0.4225-0.832+0.64)
    assert na.brier_reward([""] * 4, completions, **kw) == pytest.approx([-0.0025, -0.9025, -0.2305, -1.0])


def test_expected_reward_curve_peaks_at_p_only_with_brier():
    q = np.linspace(0, 1, 101)
    assert q[np.argmax(na.expected_reward_curve(0.3, q, True))] == pytest.approx(0.3)
    assert np.ptp(na.expected_reward_curve(0.3, q, False)) == 0.0


def test_sft_teacher_noise_matches_class():
    pairs = na.sft_examples(4000, seed=0, classes="AE")
    a_right = [c[0] == str((int(p[2]) + int(p[3])) % 10) for p, c in pairs if p[1] == "A"]
    e_right = [c[0] == str((int(p[2]) + int(p[3])) % 10) for p, c in pairs if p[1] == "E"]
    assert all(a_right)
    assert np.mean(e_right) == pytest.approx(0.9 * 0.28, abs=0.04)  # 10% abstain, else p* = 0.28
    with pytest.raises(ValueError):
        na.sft_examples(1, seed=0, confidence_style="bold")


def test_oracle_policy_report_is_exact():
    rows = na.all_prompts("ABCD")
    pa, pc = np.zeros((len(rows), 11)), np.zeros((len(rows), 11, 10))
    for i, r in enumerate(rows):
        pa[i, na.true_sum(r.a, r.b)] = 1
        pc[i, :, na.calibrated_digit(na.best_accuracy(r.cls))] = 1
    report = na.calibration_report(rows, pa, pc)
    assert report["accuracy"] == pytest.approx(np.mean([1.0, 0.82, 0.64, 0.46]))
    assert report["ece"] == pytest.approx(0.025)  # only the bin-centre rounding of p*
    assert report["abstain_rate"] == 0 and report["malformed_rate"] == pytest.approx(0)


def test_cached_policy_distribution_equals_full_forward():
    tok = build_char_tokenizer()
    model = build_model(TinyLMConfig(n_embd=32, n_head=2), tok, seed=1).eval()
    rows = na.all_prompts("BD")[:37]
    pa, pc = na.policy_distribution(model, tok, rows)
    texts = [r.prompt + y + na.SEP for r in rows for y in na.ANSWER_CHARS]
    with torch.no_grad():
        logits = model(**tok(texts, return_tensors="pt", add_special_tokens=False)).logits[:, -1]
    digits = tok.convert_tokens_to_ids(list("0123456789"))
    ref = logits[:, digits].softmax(-1).numpy().reshape(pc.shape)
    np.testing.assert_allclose(pc, ref, atol=1e-5)
    assert pa.shape == (37, 11) and np.all(pa.sum(1) <= 1 + 1e-6)


def test_evaluate_by_class_splits_rows():
    tok = build_char_tokenizer()
    model = build_model(TinyLMConfig(n_embd=32, n_head=2), tok, seed=1).eval()
    table = na.evaluate_by_class(model, tok, na.all_prompts("AE"))
    assert list(table["class"]) == ["A", "E"] and list(table["p*"]) == [1.0, pytest.approx(0.28)]
