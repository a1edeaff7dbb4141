"""n04's helpers: bf16/fp32 change masks, Jaccard and its chance level, update rank, SFT and shuffled-GRPO arms."""

import pytest
import torch
from torch import nn

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.measure import sparsity as sp
from helpers.rl.objectives import PGSettings, sample_coefficients, train_policy
from helpers.tasks import key_lookup as kl

SMALL = TinyLMConfig(n_embd=32, n_head=2, n_positions=16)


def _pair(base_values: list[float], tuned_values: list[float]) -> tuple[nn.Module, nn.Module]:
    base, tuned = nn.Linear(len(base_values), 1, bias=False), nn.Linear(len(base_values), 1, bias=False)
    with torch.no_grad():
        base.weight.copy_(torch.tensor([base_values]))
        tuned.weight.copy_(torch.tensor([tuned_values]))
    return base, tuned


def test_bf16_mask_counts_only_moves_beyond_bf16_resolution():
    # bf16 spacing at 1.0 is 2^-7 = 0.0078: a move of 0.001 rounds back, 0.01 does not;
    # at 0.001 the spacing is ~7.6e-6, so a move of 1e-4 shows.
    base, tuned = _pair([1.0, 1.0, 0.001, 0.5], [1.001, 1.01, 0.0011, 0.5])
    touched = {"weight": torch.ones(1, 4, dtype=torch.bool)}
    assert sp.changed_mask(base, tuned, touched).tolist() == [False, True, True, False]
    assert sp.changed_mask(base, tuned, touched, precision="fp32", tolerance=1e-5).tolist() == [True, True, True, False]
    assert sp.sparsity(sp.changed_mask(base, tuned, touched)) == pytest.approx(0.5)
    # untouched entries are left out of the mask altogether
    assert sp.changed_mask(base, tuned, {"weight": torch.tensor([[True, True, False, False]])}).tolist() == [
        False,
        True,
    ]
    with pytest.raises(ValueError, match="precision"):
        sp.changed_mask(base, tuned, touched, precision="fp16")


def test_bf16_spacing_on_known_values():
    assert sp.bf16_spacing(torch.tensor([1.0, -1.0, 0.5])).tolist() == [2**-7, 2**-7, 2**-8]


def test_jaccard_and_its_chance_level():
    a = torch.tensor([True, True, False, False])
    b = torch.tensor([True, False, True, False])
    assert sp.jaccard(a, b) == pytest.approx(1 / 3)
    assert (
        sp.jaccard(a, a) == 1.0
        and sp.jaccard(torch.zeros(3, dtype=torch.bool), torch.zeros(3, dtype=torch.bool)) == 1.0
    )
    assert sp.chance_jaccard(0.5, 0.5) == pytest.approx(0.25 / 0.75)
    # the formula is the expectation for independent random masks
    g = torch.Generator().manual_seed(0)
    x, y = torch.rand(200_000, generator=g) < 0.3, torch.rand(200_000, generator=g) < 0.6
    assert sp.jaccard(x, y) == pytest.approx(sp.chance_jaccard(0.3, 0.6), abs=0.005)
    with pytest.raises(ValueError, match="shapes"):
        sp.jaccard(a, a[:3])


def test_relative_rank_of_known_updates():
    base = build_model(SMALL, build_char_tokenizer(), seed=0)
    tuned = build_model(SMALL, build_char_tokenizer(), seed=0)
    name = "transformer.h.0.mlp.c_fc.weight"  # 32 x 128
    with torch.no_grad():
        dict(tuned.named_parameters())[name].add_(torch.outer(torch.ones(32), torch.arange(128.0)) * 1e-6)  # rank one
        dict(tuned.named_parameters())["transformer.h.1.attn.c_proj.weight"].add_(torch.randn(32, 32) * 1e-6)  # full
    ranks = sp.relative_ranks(base, tuned)
    assert ranks[name] == pytest.approx(1 / 32)
    assert ranks["transformer.h.1.attn.c_proj.weight"] == 1.0
    assert ranks["transformer.h.0.attn.c_attn.weight"] == 0.0  # untouched
    assert "transformer.wte.weight" not in ranks


def test_change_by_magnitude_bins():
    values = torch.tensor([0.001, 0.002, 0.1, 0.2])
    mask = torch.tensor([True, True, False, True])
    assert sp.change_by_magnitude(values, mask, torch.tensor([1e-4, 1e-2, 1.0])).tolist() == [1.0, 0.5]


def test_shuffled_grpo_keeps_the_rewards_but_not_their_order():
    rewards = torch.tensor([[1.0, 1.0, 1.0, 1.0], [-1.0, -1.0, -1.0, -1.0]])
    assert sample_coefficients(rewards, "GRPO").abs().max() == 0  # each group is constant
    shuffled = sample_coefficients(rewards, "GRPO-shuffled", generator=torch.Generator().manual_seed(1))
    assert shuffled.abs().max() > 0  # groups now mix right and wrong: the signal is noise
    assert sample_coefficients(rewards, "SFT").tolist() == [[1.0] * 4] * 2


def test_sft_arm_learns_the_targets_and_the_tracker_sees_every_used_weight():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0)
    keys = kl.make_keys()[:4]
    prompts, answers = [k.prompt for k in keys], [kl.answer_text(k.answer) for k in keys]
    tracker = sp.GradientTracker()
    settings = PGSettings(num_steps=30, prompts_per_step=4, group_size=2, learning_rate=3e-3)
    _, tuned = train_policy(model, tok, prompts, answers, "SFT", settings, seed=0, after_backward=tracker)
    before = kl.answer_distribution(model, tok, keys)[range(4), [k.answer for k in keys]].mean()
    after = kl.answer_distribution(tuned, tok, keys)[range(4), [k.answer for k in keys]].mean()
    assert after > 5 * before
    # positions 0-4 are the inputs whose logits are scored; later positions never get a gradient
    wpe = tracker.touched["transformer.wpe.weight"]
    assert wpe[:5].all() and not wpe[5:].any()
    _, again = train_policy(model, tok, prompts, answers, "SFT", settings, seed=0)
    assert all(torch.equal(a, b) for a, b in zip(tuned.parameters(), again.parameters()))
