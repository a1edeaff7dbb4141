"""n05's helpers: the plan-then-execute task, HICRA's per-token advantages, exact training-dynamics metrics."""

import math
from collections import Counter

import pandas as pd
import pytest
import torch

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.rl import hicra
from helpers.tasks import plan_execute as pe

SMALL = TinyLMConfig(n_embd=32, n_head=2, n_positions=16)


def test_traces_by_hand():
    # a=3, b=4, c=2: A 3*4+2, B 3*2+4, C (3+4)*2, D 3+4+2
    assert [pe.trace(p, 3, 4, 2) for p in pe.PLANS] == ["A1214", "B0610", "C0714", "D0709"]
    assert all(len(pe.trace(p, 6, 6, 6)) == pe.RESPONSE_TOKENS for p in pe.PLANS)  # largest values still fit


def test_problems_have_exactly_one_plan_and_uniform_plans():
    problems = pe.make_problems(4000, seed=0)
    assert problems == pe.make_problems(4000, seed=0)
    for p in problems[:500]:
        assert [pe.result(q, p.a, p.b, p.c) == p.target for q in pe.PLANS].count(True) == 1
        assert (
            pe.result(p.plan, p.a, p.b, p.c) == p.target
            and 1 <= min(p.a, p.b, p.c) <= max(p.a, p.b, p.c) <= pe.MAX_DIGIT
        )
    shares = Counter(p.plan for p in problems)
    assert all(abs(shares[q] / 4000 - 0.25) < 0.03 for q in pe.PLANS)


def test_grade_separates_plan_and_execution_errors():
    p = pe.Problem(2, 3, 4, 10, "A")  # A: 2*3+4 = 10; B: 2*4+3 = 11; C: 20; D: 9
    assert pe.grade(p, "A0610") == {"plan_ok": True, "exec_ok": True, "correct": True}
    assert pe.grade(p, "A0611") == {"plan_ok": True, "exec_ok": False, "correct": False}
    assert pe.grade(p, "D0509") == {"plan_ok": False, "exec_ok": True, "correct": False}
    assert pe.grade(p, "x0610") == {"plan_ok": False, "exec_ok": False, "correct": False}
    assert pe.grade(p, "A061") == {"plan_ok": False, "exec_ok": False, "correct": False}


def test_teacher_has_the_skewed_plan_habit_and_noisy_digits():
    pairs = pe.sft_examples(4000, seed=1)
    habit = [(q, r) for q, r in pairs if q.endswith("=")]  # the plan is in the response: the loss trains the habit
    practice = [(q, r) for q, r in pairs if q[-1] in pe.PLANS]  # the plan is given: only execution is trained
    assert len(habit) + len(practice) == 4000 and len(practice) / 4000 == pytest.approx(0.5, abs=0.03)
    assert Counter(r[0] for _, r in habit)["A"] / len(habit) == pytest.approx(0.7, abs=0.03)
    assert all(abs(Counter(q[-1] for q, _ in practice)[p] / len(practice) - 0.25) < 0.03 for p in pe.PLANS)
    wrong = 0
    for prompt, response in pairs:
        plan, digits = (response[0], response[1:]) if prompt.endswith("=") else (prompt[-1], response)
        a, b, c = (int(ch) for ch in prompt[1:4])
        assert len(digits) == 4
        wrong += sum(x != y for x, y in zip(digits, pe.trace(plan, a, b, c)[1:]))
    assert wrong / (4000 * 4) == pytest.approx(0.25 * 0.9, abs=0.02)  # a corrupted digit is right again 1 time in 10
    assert all(q.endswith("=") for q, _ in pe.sft_examples(50, seed=1, practice_share=0.0))
    with pytest.raises(ValueError, match="prior"):
        pe.sft_examples(3, seed=0, prior=(0.5, 0.5))


def test_hicra_raises_only_the_planning_token_credit():
    adv = torch.tensor([1.0, -2.0, 0.0])
    planning = torch.tensor([True, False, False])
    out = hicra.token_advantages(adv, planning, alpha=0.2)
    assert torch.allclose(out, torch.tensor([[1.2, 1, 1], [-1.6, -2, -2], [0, 0, 0]]))
    assert torch.equal(hicra.token_advantages(adv, planning, alpha=0.0), adv[:, None].expand(3, 3))
    with pytest.raises(ValueError, match="alpha"):
        hicra.HicraSettings(alpha=-1)


def test_exact_metrics_match_a_direct_forward_pass():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0).eval()
    problems = pe.make_problems(5, seed=3)
    m = pe.evaluate(model, tok, problems)
    # P(valid plan) and P(correct trace | valid plan) for each problem, by hand
    accuracy, plan_ok = 0.0, 0.0
    for p in problems:
        ids = tok([p.prompt + pe.trace(p.plan, p.a, p.b, p.c)], return_tensors="pt", add_special_tokens=False)[
            "input_ids"
        ]
        with torch.no_grad():
            logp = model(input_ids=ids).logits[0].log_softmax(-1)
        w = len(p.prompt)
        token_logp = [float(logp[w - 1 + i, ids[0, w + i]]) for i in range(pe.RESPONSE_TOKENS)]
        plan_ok += math.exp(token_logp[0]) / 5
        accuracy += math.exp(sum(token_logp)) / 5
    assert m["plan error"] == pytest.approx(1 - plan_ok, rel=1e-4)
    assert m["accuracy"] == pytest.approx(accuracy, rel=1e-3)
    assert m["plan entropy (batch)"] >= m["plan entropy (per prompt)"] - 1e-6  # entropy is concave
    assert sum(m[f"share {q}"] for q in pe.PLANS) == pytest.approx(1.0)


def test_repeated_problems_are_computed_once_with_their_weight():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0).eval()
    a, b = pe.make_problems(2, seed=5)
    once, repeated = pe.evaluate(model, tok, [a, b]), pe.evaluate(model, tok, [a, b, b, a, b, b])
    alone = {p: pe.evaluate(model, tok, [p]) for p in (a, b)}
    for metric in ("accuracy", "plan error", "execution error", "execution entropy", "plan entropy (per prompt)"):
        assert once[metric] == pytest.approx((alone[a][metric] + alone[b][metric]) / 2, rel=1e-5, abs=1e-7)
        assert repeated[metric] == pytest.approx((alone[a][metric] + 2 * alone[b][metric]) / 3, rel=1e-5, abs=1e-7)
    assert sum(repeated[f"share {q}"] for q in pe.PLANS) == pytest.approx(1.0)


def test_halving_step():
    log = pd.DataFrame({"step": [0, 10, 20, 30], "err": [0.8, 0.5, 0.4, 0.3], "flat": [0.5, 0.5, 0.5, 0.5]})
    assert hicra.halving_step(log, "err") == 20
    assert hicra.halving_step(log, "flat") == float("inf")


def test_training_is_deterministic():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0)
    problems = pe.make_problems(20, seed=0)
    settings = hicra.HicraSettings(num_steps=2, prompts_per_step=4, group_size=4, eval_every=1, learning_rate=1e-2)
    log, a = hicra.train(model, tok, problems, problems[:4], settings, seed=0)
    _, b = hicra.train(model, tok, problems, problems[:4], settings, seed=0)
    assert list(log["step"]) == [0, 1, 2] and {"accuracy", "plan error", "execution entropy"} <= set(log.columns)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))


def test_hicra_gradient_on_the_planning_token_is_scaled_by_one_plus_alpha():
    """hicra.policy_loss (the loss hicra.train steps on) on a hand-made batch: the gradient with respect
    to a positive-advantage planning token's log-prob is (1 + α) times GRPO's, (1 - α) for a negative one."""
    adv = torch.tensor([1.0, -1.0])
    planning = torch.tensor([True, False, False])
    grads = {}
    for alpha in (0.0, 0.2, 1.0):
        logp = torch.zeros(2, 3, requires_grad=True)
        hicra.policy_loss(hicra.token_advantages(adv, planning, alpha), logp).backward()
        grads[alpha] = logp.grad
    for alpha in (0.2, 1.0):
        assert torch.allclose(grads[alpha][:, 0], grads[0.0][:, 0] * torch.tensor([1 + alpha, 1 - alpha]))
        assert torch.equal(grads[alpha][:, 1:], grads[0.0][:, 1:])  # execution tokens: GRPO's gradient
