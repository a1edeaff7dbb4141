"""n06's helpers: key-lookup task, exact answer distribution and Pass@k, policy-gradient objectives."""

import numpy as np
import pytest
import torch

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.sft import SFTSettings, sft
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.measure.metrics import pass_at_k, pass_at_k_exact
from helpers.rl.objectives import OBJECTIVES, PGSettings, sample_coefficients, train_policy
from helpers.tasks import key_lookup as kl

SMALL = TinyLMConfig(n_embd=32, n_head=2, n_positions=16)


def test_coefficients_on_known_rewards():
    r = torch.tensor([[1.0, -1.0, -1.0, -1.0]])
    assert sample_coefficients(r, "PSR").tolist() == [[1, 0, 0, 0]]
    assert sample_coefficients(r, "NSR").tolist() == [[0, -1, -1, -1]]
    assert sample_coefficients(r, "REINFORCE").tolist() == [[1, -1, -1, -1]]
    assert sample_coefficients(r, "W-REINFORCE", 0.1)[0].tolist() == pytest.approx([0.1, -1, -1, -1])
    # GRPO: mean -0.5, sample std (TRL's) sqrt((2.25 + 3 * 0.25) / 3) = 1
    assert sample_coefficients(r, "GRPO")[0].tolist() == pytest.approx([1.5, -0.5, -0.5, -0.5], rel=1e-3)
    assert sample_coefficients(torch.ones(1, 4), "GRPO").abs().max() == 0  # an all-right group teaches nothing
    with pytest.raises(ValueError, match="objective"):
        sample_coefficients(r, "DPO")


def test_keys_are_deterministic_and_split_in_half():
    keys = kl.make_keys()
    assert keys == kl.make_keys() and len({k.prompt for k in keys}) == 160
    assert sum(k.split == "rl" for k in keys) == 80
    for k in keys[:10]:
        p = kl.teacher_distribution(k)
        assert p.sum() == pytest.approx(1.0) and p[k.answer] == pytest.approx(k.q)
        assert k.answer not in k.distractors and 0.02 <= k.q <= 0.9


def test_exact_pass_at_k_is_the_limit_of_the_unbiased_estimator():
    # 1000 samples with 300 right: the estimator is close to 1 - 0.7^k
    for k in (1, 4, 16):
        assert pass_at_k(1000, 300, k) == pytest.approx(float(pass_at_k_exact([0.3], k)[0]), abs=0.01)


def test_answer_distribution_matches_a_direct_forward_pass():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=3).eval()
    keys = kl.make_keys()[:3]
    dist = kl.answer_distribution(model, tok, keys)
    assert dist.shape == (3, 100) and (dist.sum(1) <= 1 + 1e-5).all()
    ids = tok([keys[1].prompt + "42"], return_tensors="pt", add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        logp = model(input_ids=ids).logits[0, -3:-1].log_softmax(-1)
    direct = torch.exp(logp[0, ids[0, -2]] + logp[1, ids[0, -1]]).item()
    assert dist[1, 42] == pytest.approx(direct, rel=1e-4)


@pytest.mark.parametrize("objective", ["PSR", "NSR"])
def test_train_policy_is_deterministic_and_moves_the_right_way(objective: str):
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0)
    keys = kl.make_keys()[:4]
    sft(
        model,
        tok,
        kl.sft_examples(keys, 512, seed=0),
        SFTSettings(num_steps=40, batch_size=32, learning_rate=3e-3),
        progress=False,
    )
    prompts, answers = [k.prompt for k in keys], [kl.answer_text(k.answer) for k in keys]
    settings = PGSettings(num_steps=15, prompts_per_step=4, group_size=8, learning_rate=1e-3)
    right_mass = lambda m: kl.answer_distribution(m, tok, keys)[np.arange(4), [k.answer for k in keys]].mean()  # noqa: E731
    log, trained = train_policy(model, tok, prompts, answers, objective, settings, seed=1)
    again, _ = train_policy(model, tok, prompts, answers, objective, settings, seed=1)
    assert log.equals(again) and len(log) == 16
    if objective == "PSR":  # pulls sampled right answers up
        assert right_mass(trained) > right_mass(model)
    else:  # pushes sampled wrong answers down: the base's favourite wrong answer loses most
        before, after = kl.answer_distribution(model, tok, keys), kl.answer_distribution(trained, tok, keys)
        for i, k in enumerate(keys):
            before[i, k.answer] = -1
        favourite = before.argmax(1)
        assert (after[np.arange(4), favourite] < before[np.arange(4), favourite]).all()
    assert set(OBJECTIVES) == {"PSR", "NSR", "REINFORCE", "W-REINFORCE", "GRPO"}
