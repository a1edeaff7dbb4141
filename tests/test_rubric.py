"""n11's rubric task and reward combiners on hand-checked cases, and a deterministic GRPO step."""

import math

import numpy as np
import torch

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.sampling import cut_at_special, through_end
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.rl import rubric
from helpers.rl.core import group_advantages
from helpers.rl.rubric import RubricSettings, combined_rewards
from helpers.tasks import rubric_answers as ra

P = ra.Problem("C", "abcdef")


def test_scores_of_the_ideal_a_stuffed_and_a_partial_response():
    assert P.prompt == "C:abcdef>" and ra.PROMPT_LEN == 9
    assert (
        ra.proxy_reward(P, P.ideal) == 1.0 and all(ra.rubric_checks(P, P.ideal)) and ra.true_quality(P, P.ideal) == 1.0
    )
    stuffed = "aabbccddeeffaabb"
    assert math.isclose(ra.proxy_reward(P, stuffed), 16 / 6)
    assert ra.rubric_checks(P, stuffed) == (False, False, False) and ra.true_quality(P, stuffed) == 0.0
    # key + 3 right letters + 1 wrong: precision 3/4, recall 3/6 -> F1 = 0.6
    assert ra.rubric_checks(P, "Cabcx") == (True, True, True)
    assert math.isclose(ra.true_quality(P, "Cabcx"), 0.6) and math.isclose(ra.proxy_reward(P, "Cabcx"), 0.5)
    assert ra.rubric_checks(P, "abcdef") == (True, False, True) and ra.true_quality(P, "abcdef") == 0.0
    assert ra.rubric_checks(P, "Caaab") == (True, True, False)
    assert ra.token_f1("", "abc") == 0.0


def test_the_rubric_free_quality_scores_content_without_the_checks():
    assert ra.ideal_f1(P, P.ideal) == 1.0
    # a stuffed response fails every check (true quality 0) but keeps some content: 6 of its 16
    # tokens match the 7 of the ideal -> precision 6/16, recall 6/7
    stuffed = "aabbccddeeffaabb"
    assert math.isclose(ra.ideal_f1(P, stuffed), 2 * (6 / 16) * (6 / 7) / (6 / 16 + 6 / 7))
    # the reference without its key fails one check (true quality 0); without the rubric it is close to ideal
    assert ra.true_quality(P, "abcdef") == 0.0 and math.isclose(ra.ideal_f1(P, "abcdef"), 12 / 13)
    scores = ra.score([P, P], [P.ideal, stuffed])
    assert scores["ideal_f1"][0] == 1.0 and scores["quality"][1] == 0.0 and scores["ideal_f1"][1] > 0.5


def test_problems_and_teacher_statistics():
    problems = ra.make_problems(500, seed=0)
    assert all(len(set(p.reference)) == ra.REF_LEN and p.key in ra.KEYS for p in problems)
    pairs = ra.sft_examples(4000, seed=0)
    responses = [r for _, r in pairs]
    assert all(len(r) <= ra.MAX_RESPONSE for r in responses)
    keyed = np.mean([r[:1] == p[0] for p, r in pairs])
    assert 0.8 < keyed < 0.9  # the key is dropped 15% of the time
    too_long = np.mean([len(r) > ra.MAX_LENGTH for r in responses])
    assert 0.15 < too_long < 0.35  # stuffing (30%) makes some answers run long


def test_reward_combiners():
    proxy = np.array([[1.0, 2.0, 0.5], [2.0, 2.5, 1.0]])
    checks = np.zeros((2, 3, 3), dtype=bool)
    checks[0, 0] = True  # only rollout 0 of group 0 passes everything
    checks[0, 1] = [True, False, False]
    dense, keep = combined_rewards(proxy, checks, RubricSettings(combiner="dense"))
    assert np.array_equal(dense, proxy) and keep.all()
    summed, _ = combined_rewards(proxy, checks, RubricSettings(combiner="sum", rubric_weight=3.0))
    assert np.allclose(summed[0], [1.0 + 3.0, 2.0 + 1.0, 0.5])
    gated, keep = combined_rewards(proxy, checks, RubricSettings(combiner="gate"))
    assert np.allclose(gated[0], [1.0, -0.5, -0.5]) and keep.tolist() == [True, False]
    # GRPO on the gated rewards: the passing rollout is pushed up, the others down, and a group in
    # which nothing passes has equal (floor) rewards, so its advantages are already exactly zero:
    # the gate's `keep` names those groups, it does not change the update
    advantages = group_advantages(torch.tensor(gated, dtype=torch.float32))
    assert advantages[0, 0] > 0 and (advantages[0, 1:] < 0).all()
    assert torch.equal(advantages[1], torch.zeros(3))


def test_responses_are_cut_at_the_first_special_token():
    tok = build_char_tokenizer()
    row0 = (
        tok("Cabc", add_special_tokens=False)["input_ids"]
        + [tok.eos_token_id]
        + tok("ab" * 6, add_special_tokens=False)["input_ids"]
    )
    row1 = tok("Cabcdefaaaaaaaaa", add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
    responses, ends = cut_at_special(tok, torch.tensor([row0, row1]))
    assert responses == ["Cabc", "Cabcdefaaaaaaaaa"]
    assert through_end(ends, 17).sum(1).tolist() == [5.0, 17.0]  # the response and its EOS are trained


def test_grpo_runs_deterministically_and_logs_every_step():
    tok = build_char_tokenizer()
    model = build_model(TinyLMConfig(n_embd=32, n_layer=1), tok, seed=0)
    settings = RubricSettings(combiner="gate", num_steps=2, prompts_per_step=2, group_size=4)
    log_a, pol_a = rubric.train(model, tok, settings, seed=1, show_progress=False)
    log_b, pol_b = rubric.train(model, tok, settings, seed=1, show_progress=False)
    assert log_a.equals(log_b) and list(log_a["step"]) == [0, 1, 2]
    assert all(torch.equal(p, q) for p, q in zip(pol_a.parameters(), pol_b.parameters()))
    moved = not all(torch.equal(p, q) for p, q in zip(model.parameters(), pol_a.parameters()))
    # the two updates (steps 0 and 1) move the policy exactly when the gate kept a group
    assert moved == bool(log_a["groups_kept"].iloc[:2].gt(0).any())
