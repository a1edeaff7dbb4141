"""n07's helpers: column-addition traces, the bug subclass, critiques, (Critique-)GRPO plumbing."""

import numpy as np
import pytest
import torch

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.sampling import encode, sample_tokens, sequence_logprob
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.rl import critique as cq
from helpers.tasks import column_addition as ca

SMALL = TinyLMConfig(n_embd=32, n_head=2, n_layer=1, n_positions=64)


def test_trace_by_hand():
    p = ca.Problem(347, 285)  # 7+5=12, 4+8+1=13, 3+2+1=6
    assert p.prompt == "^347+285=" and len(p.prompt) == ca.PROMPT_LEN
    assert ca.correct_trace(p) == "2c1,3c1,6c0>0632" and len(ca.correct_trace(p)) == ca.TRACE_LEN
    assert p.is_bug
    assert ca.teacher_attempt(p) == "2c1,3c1,5c0>0532"  # the dropped carry into the hundreds
    assert ca.correct_trace(ca.Problem(999, 1)) == "0c1,0c1,0c1>1000"
    q = ca.Problem(123, 456)  # no carries: the teacher is right
    assert not q.is_bug and ca.teacher_attempt(q) == ca.correct_trace(q) == "9c0,7c0,5c0>0579"


def test_bug_subclass_is_exactly_a_tens_carry():
    for a in range(0, 1000, 37):
        for b in range(0, 1000, 41):
            tens_carry = (a % 100 + b % 100) >= 100
            assert ca.Problem(a, b).is_bug == tens_carry
            assert (ca.teacher_attempt(ca.Problem(a, b)) == ca.correct_trace(ca.Problem(a, b))) == (not tens_carry)


def test_reward_wrong_column_and_critiques():
    p = ca.Problem(347, 285)
    bug = ca.teacher_attempt(p)
    assert ca.reward(p, ca.correct_trace(p)) == 1.0 and ca.reward(p, bug) == 0.0
    assert ca.first_wrong_column(p, bug) == "h"
    assert ca.first_wrong_column(p, "2c1,4c1,6c0>0642") == "t"
    assert ca.first_wrong_column(p, "2c1,3c1,6c0>0633") == "a"
    assert ca.first_wrong_column(p, ca.correct_trace(p)) == ""
    assert ca.critique(p, bug, "indicative") == "|wrong>"
    assert ca.critique(p, bug, "ground_truth") == "|=0632>"
    assert ca.critique(p, bug, "cot") == "|h:cin>"  # where (hundreds) and what (the carry coming in)
    assert ca.critique(p, "2c1,4c1,6c0>0642", "cot") == "|t:sum>"  # a wrong tens digit, not a dropped carry
    assert ca.critique(p, "2c1,3c1,6c0>0633", "cot") == "|a:ans>"  # right columns, wrong answer
    assert all(len(ca.critique(p, bug, k)) == ca.CRITIQUE_LEN for k in ca.CRITIQUES)
    assert ca.refinement_context(p, bug, "cot") == "^347+285=2c1,3c1,5c0>0532|h:cin>"
    with pytest.raises(ValueError, match="critique kind"):
        ca.critique(p, bug, "hint")


def test_teacher_refinement_only_fixes_what_the_critique_localises():
    p = ca.Problem(347, 285)
    bug = ca.teacher_attempt(p)
    assert ca.teacher_refinement(p, bug, "indicative") == bug  # a retry repeats the bug
    assert ca.teacher_refinement(p, bug, "cot") == ca.correct_trace(p)
    assert ca.teacher_refinement(p, bug, "ground_truth") == ca.correct_trace(p)


def test_splits_are_disjoint_and_subclasses_respected():
    train = ca.make_problems(300, seed=0, split="train")
    evals = ca.make_problems(100, seed=0, split="eval", bug=True)
    assert not set(train) & set(evals) and len(set(train)) == 300
    assert all(p.is_bug for p in evals) and all(ca.split_of(p) == "eval" for p in evals)
    pairs = ca.sft_examples(400, seed=1)
    prompts = {x[: ca.PROMPT_LEN] for x, _ in pairs}
    assert not prompts & {p.prompt for p in ca.make_problems(200, seed=2, split="eval")}
    assert all(len(c) == ca.TRACE_LEN for _, c in pairs)
    assert 0.35 < np.mean([len(x) > ca.PROMPT_LEN for x, _ in pairs]) < 0.65  # refine_share 0.5
    with pytest.raises(ValueError, match="split"):
        ca.make_problems(1, 0, split="test")


def test_slip_is_wrong_in_one_column():
    rng = np.random.default_rng(0)
    for p in ca.make_problems(50, seed=3):
        s = ca.slip(p, rng)
        assert ca.reward(p, s) == 0.0 and ca.first_wrong_column(p, s) in "uth" and len(s) == ca.TRACE_LEN


def test_cached_sampling_matches_full_forward_sampling():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0).eval()
    prompts = encode(tok, [p.prompt for p in ca.make_problems(4, seed=0)])
    with torch.no_grad():
        fast = sample_tokens(model, prompts, 6, torch.Generator().manual_seed(7))
        seq, gen = prompts, torch.Generator().manual_seed(7)
        for _ in range(6):
            probs = model(input_ids=seq).logits[:, -1].float().softmax(-1)
            seq = torch.cat([seq, torch.multinomial(probs, 1, generator=gen)], dim=1)
    assert torch.equal(fast, seq[:, prompts.shape[1] :])
    # sequence_logprob sums the per-token log-probabilities of the continuation
    with torch.no_grad():
        logp = model(input_ids=seq).logits.log_softmax(-1)
    manual = sum(logp[0, t - 1, seq[0, t]] for t in range(prompts.shape[1], seq.shape[1]))
    assert sequence_logprob(model, seq, prompts.shape[1])[0].item() == pytest.approx(manual.item(), abs=1e-4)


def test_critique_settings_validate():
    with pytest.raises(ValueError, match="critique"):
        cq.CritiqueSettings(critique="hint")
    with pytest.raises(ValueError, match="group_size"):
        cq.CritiqueSettings(group_size=1)


def test_training_is_deterministic_and_logs_refinements():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0)
    problems = ca.make_problems(32, seed=0)
    settings = cq.CritiqueSettings(num_steps=2, prompts_per_step=4, group_size=4, critique="cot")
    log_a, pol_a = cq.train(model, tok, problems, settings, seed=1)
    log_b, pol_b = cq.train(model, tok, problems, settings, seed=1)
    assert log_a.equals(log_b)
    assert all(torch.equal(a, b) for a, b in zip(pol_a.parameters(), pol_b.parameters()))
    assert (log_a["refinements"].iloc[1:] == 4).all()  # a random model fails every first attempt


def test_refinement_success_per_kind_matches_one_call_per_kind():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0).eval()
    problems = ca.make_problems(6, seed=1, split="eval", bug=True)
    together = cq.refinement_success_per_kind(model, tok, problems, ca.CRITIQUES, samples=2, seed=4)
    assert together == {k: cq.refinement_success(model, tok, problems, k, samples=2, seed=4) for k in ca.CRITIQUES}


def test_bug_refinements_start_from_the_teachers_bug():
    """n07's second design: every refinement example on a bug problem repairs the teacher's own bug."""
    pairs = ca.sft_examples(2000, seed=4)
    bug_refinements = [
        (x, y) for x, y in pairs if len(x) > ca.PROMPT_LEN and ca.Problem(int(x[1:4]), int(x[5:8])).is_bug
    ]
    assert len(bug_refinements) > 300
    for x, y in bug_refinements:
        p = ca.Problem(int(x[1:4]), int(x[5:8]))
        assert x[ca.PROMPT_LEN : ca.PROMPT_LEN + ca.TRACE_LEN] == ca.teacher_attempt(p)
        if x.endswith("|h:cin>"):
            assert y == ca.correct_trace(p)
