"""The policy-gradient core: hand-checked advantages and losses, and equality with TRL's GRPOTrainer."""

import tempfile

import pytest
import torch

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.sampling import encode, sample_tokens, sequence_logprob, through_end
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.rl import core
from helpers.rl.core import Rollout, group_advantages, groups_of, policy_gradient_loss
from helpers.rl.trl_grpo import GRPOSettings, grpo_config

SMALL = TinyLMConfig(n_embd=32, n_head=2, n_positions=16)


def test_group_advantages_by_hand():
    # sample std (as TRL): [1, 0] has mean 0.5 and std 0.7071
    adv = group_advantages(torch.tensor([[1.0, 0.0], [2.0, 2.0]]))
    assert adv[0].tolist() == pytest.approx([0.5 / (0.5**0.5 + 1e-4), -0.5 / (0.5**0.5 + 1e-4)])
    assert adv[1].tolist() == [0.0, 0.0]  # a uniform group teaches nothing
    assert group_advantages(torch.tensor([[1.0, 0.0, 0.0]]), scale="none")[0].tolist() == pytest.approx(
        [2 / 3, -1 / 3, -1 / 3]
    )
    # ragged groups given by id (Critique-GRPO's mixed groups); a group of one gets 0
    flat = torch.tensor([1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 5.0])
    ragged = group_advantages(flat, torch.tensor([0, 0, 1, 1, 1, 1, 2]))
    assert ragged[:2].tolist() == pytest.approx(group_advantages(torch.tensor([[1.0, 0.0]]))[0].tolist())
    assert ragged[2:6].tolist() == pytest.approx(group_advantages(torch.tensor([[0.0, 0.0, 1.0, 1.0]]))[0].tolist())
    assert ragged[6].item() == 0.0
    # a uniform group gets exactly 0, even where the float mean of equal values is inexact
    floors = torch.full((1, 8), 5 / 6 - 1, dtype=torch.float32)
    assert group_advantages(floors).abs().max().item() == 0.0
    assert group_advantages(floors, scale="none").abs().max().item() == 0.0
    with pytest.raises(ValueError, match="scale"):
        group_advantages(flat, scale="batch")


def test_loss_types_by_hand():
    logp = torch.tensor([[-1.0, -2.0, -3.0], [-1.0, -1.0, -1.0]])
    mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    adv = torch.tensor([1.0, -2.0])
    # per-token -A·logp: row 0: 1, 2 (third masked); row 1: -2, -2, -2
    assert policy_gradient_loss(logp, adv, mask, "dapo").item() == pytest.approx((3 - 6) / 5)
    assert policy_gradient_loss(logp, adv, mask, "grpo").item() == pytest.approx((3 / 2 - 6 / 3) / 2)
    assert policy_gradient_loss(logp, adv, mask, "dr_grpo").item() == pytest.approx((3 - 6) / (2 * 3))
    with pytest.raises(ValueError, match="loss_type"):
        policy_gradient_loss(logp, adv, mask, "sum")


def _rollout(tok, model, advantages_zero_rows: bool = True) -> Rollout:  # noqa: ANN001
    prompts = encode(tok, ["^A12=", "^A34=", "^A56=", "^A78="]).repeat_interleave(2, 0)
    ids = sample_tokens(model.eval(), prompts, 4, torch.Generator().manual_seed(3))
    ends = torch.tensor([4, 1, 2, 4, 0, 3, 4, 2])
    return Rollout(
        torch.cat([prompts, ids], 1),
        prompts.shape[1],
        torch.tensor([1.0, 0, 0, 0, 1, 1, 0, 1]),
        groups_of(4, 2),
        mask=through_end(ends, 4),
    )


@pytest.mark.parametrize("loss_type", core.LOSS_TYPES)
def test_rows_with_zero_advantage_are_skipped_without_changing_loss_or_gradient(loss_type):
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0)
    batch = _rollout(tok, model)
    adv = group_advantages(batch.rewards, batch.groups)
    assert (adv[2:6] == 0).all()  # two uniform groups
    model.train()
    full_logp = model(input_ids=batch.seqs).logits[:, batch.prompt_length - 1 : -1].log_softmax(-1)
    full_logp = full_logp.gather(2, batch.seqs[:, batch.prompt_length :, None]).squeeze(-1)
    full = policy_gradient_loss(full_logp, adv, batch.response_mask(), loss_type)
    skipped = core.rollout_loss(model, batch, adv, loss_type)
    assert skipped.item() == pytest.approx(full.item(), abs=1e-6)
    params = list(model.parameters())
    for a, b in zip(
        torch.autograd.grad(full, params, allow_unused=True), torch.autograd.grad(skipped, params, allow_unused=True)
    ):
        assert (a is None and b is None) or torch.allclose(a, b, atol=1e-6)
    assert core.rollout_loss(model, batch, torch.zeros(8), loss_type) is None


def test_core_step_equals_trl_grpo_loss_and_gradient():
    """The core's GRPO gradient equals GRPOTrainer._compute_loss's on the same batch.

    Same advantages (TRL's group normalisation, reproduced from its rewards by
    ``group_advantages``), same aggregation for each of TRL's ``loss_type`` values the core
    names. One on-policy step: TRL's ratio is 1, so its clipped objective has our gradient.
    """
    from datasets import Dataset
    from trl import GRPOTrainer
    from trl.trainer.utils import nanstd

    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0)
    batch = _rollout(tok, model)
    # TRL's advantage formula, written with TRL's own nanstd
    grouped = batch.rewards.view(-1, 2)
    trl_adv = ((grouped - grouped.mean(1, keepdim=True)) / (nanstd(grouped, dim=1, keepdim=True) + 1e-4)).view(-1)
    assert torch.allclose(group_advantages(batch.rewards, batch.groups), trl_adv, atol=1e-6)
    mask = batch.response_mask()
    for loss_type in core.LOSS_TYPES:
        with tempfile.TemporaryDirectory() as out:
            settings = GRPOSettings(
                num_steps=1, prompts_per_step=4, group_size=2, max_completion_length=batch.length, loss_type=loss_type
            )
            trainer = GRPOTrainer(
                model=model,
                reward_funcs=[lambda completions, **_: [0.0] * len(completions)],
                args=grpo_config(settings, "cpu", out),
                train_dataset=Dataset.from_list([{"prompt": "^A12="}] * 8),
                processing_class=tok,
            )
            trainer.current_gradient_accumulation_steps = 1
            model.eval()  # TRL's "eval" mode: no gradient-accumulation rescaling (dropout is 0 in the tiny GPT)
            inputs = {
                "prompt_ids": batch.seqs[:, : batch.prompt_length],
                "prompt_mask": torch.ones_like(batch.seqs[:, : batch.prompt_length]),
                "completion_ids": batch.seqs[:, batch.prompt_length :],
                "completion_mask": mask.long(),
                "advantages": trl_adv,
                "num_items_in_batch": mask.sum(),
            }
            theirs = trainer._compute_loss(model, inputs)
            ours = core.rollout_loss(model, batch, group_advantages(batch.rewards, batch.groups), loss_type)
            # TRL's value is the ratio objective at ratio 1 (-Σ A / n), ours is -Σ A·log π / n:
            # different numbers with the same gradient, which is what the optimiser sees
            assert theirs.item() == pytest.approx(
                policy_gradient_loss(torch.ones_like(mask), trl_adv, mask, loss_type).item(), abs=1e-6
            )
            params = list(model.parameters())
            for a, b in zip(
                torch.autograd.grad(theirs, params, allow_unused=True),
                torch.autograd.grad(ours, params, allow_unused=True),
            ):
                if a is None or b is None:
                    assert a is None or not a.any()
                    continue
                assert torch.allclose(a, b, atol=1e-6), loss_type


def test_train_is_deterministic_and_steps_adam_on_a_zero_gradient():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0)
    prompts = encode(tok, ["^A12=", "^A34="]).repeat_interleave(4, 0)

    def rollout(policy, step, reward_fn=lambda ids: (ids[:, 0] % 2).float()):  # noqa: ANN001
        ids = sample_tokens(policy, prompts, 3, generator)
        return Rollout(torch.cat([prompts, ids], 1), prompts.shape[1], reward_fn(ids), groups_of(2, 4))

    runs = []
    for _ in range(2):
        generator = torch.Generator().manual_seed(1)
        runs.append(
            core.train(
                model,
                rollout,
                core.RLSettings(num_steps=3, learning_rate=1e-2),
                show_progress=False,
                log=lambda step, policy, batch: {"r": float("nan") if batch is None else float(batch.rewards.mean())},
            )
        )
    (log_a, a), (log_b, b) = runs
    assert log_a.equals(log_b) and log_a["step"].tolist() == [0, 1, 2, 3]
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))
    assert not all(torch.equal(x, y) for x, y in zip(model.parameters(), a.parameters()))
    # a batch whose every group is uniform has gradient 0: no forward pass, the weights do not move on step 1
    generator = torch.Generator().manual_seed(1)
    _, still = core.train(
        model,
        lambda p, s: rollout(p, s, lambda ids: torch.ones(len(ids))),
        core.RLSettings(num_steps=1, learning_rate=1e-2),
        show_progress=False,
    )
    assert all(torch.equal(x, y) for x, y in zip(model.parameters(), still.parameters()))


def test_sequence_logprob_is_the_sum_of_token_logprobs():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0).eval()
    prompts = encode(tok, ["^A12=", "^A34="])
    ids, logp = sample_tokens(model, prompts, 3, torch.Generator().manual_seed(0), return_logprobs=True)
    seqs = torch.cat([prompts, ids], 1)
    assert torch.allclose(sequence_logprob(model, seqs, prompts.shape[1]), logp.sum(1), atol=1e-5)


def test_the_evaluation_cadence_is_step_zero_every_k_and_the_last_step():
    assert [s for s in range(0, 26) if core.evaluation_due(s, 10, 25)] == [0, 10, 20, 25]


def test_every_rl_settings_class_validates_the_same_way():
    from helpers.rl.critique import CritiqueSettings
    from helpers.rl.hicra import HicraSettings
    from helpers.rl.trl_grpo import GRPOSettings

    for cls, field_name in [(HicraSettings, "num_steps"), (CritiqueSettings, "prompts_per_step")]:
        with pytest.raises(ValueError, match=f"{cls.__name__}.{field_name} must be >= 1"):
            cls(**{field_name: 0})
    with pytest.raises(ValueError, match="GRPOSettings.group_size must be >= 2"):
        GRPOSettings(group_size=1)
    with pytest.raises(ValueError, match="HicraSettings.learning_rate must be > 0"):
        HicraSettings(learning_rate=0.0)
