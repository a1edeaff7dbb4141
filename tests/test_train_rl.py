import pandas as pd
import pytest

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.sft import SFTSettings, encode_pairs, sft
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.rl import GRPOSettings, compare_arms, train_grpo
from helpers.tasks import noisy_addition as na

SMALL = TinyLMConfig(n_embd=32, n_head=2, n_positions=16)
ROWS = [dict(prompt=r.prompt, cls=r.cls, a=r.a, b=r.b) for r in na.all_prompts("A")]


def test_encode_pairs_masks_the_prompt():
    tok = build_char_tokenizer()
    ids, mask, labels = encode_pairs(tok, [("^A12=", "3;9"), ("^A1=", "1;0")])
    assert (labels[0, :5] == -100).all() and labels[0, 5:].tolist() == [*tok("3;9")["input_ids"], tok.eos_token_id]
    assert mask[1].tolist() == [1] * 8 + [0]  # the shorter pair is right-padded


def test_sft_lowers_the_loss():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok)
    losses = sft(
        model,
        tok,
        [("^A12=", "3;9")] * 64,
        SFTSettings(num_steps=30, batch_size=16, learning_rate=3e-3),
        progress=False,
    )
    assert losses[-1] < 0.5 * losses[0]
    with pytest.raises(ValueError):
        SFTSettings(num_steps=-1)


def test_grpo_runs_through_trl_and_is_deterministic(cache_dir):
    base = na.base(SMALL, SFTSettings(num_steps=20, batch_size=16), progress=False)
    settings = GRPOSettings(num_steps=3, prompts_per_step=2, group_size=4, seed=7)
    logs = []
    for _ in range(2):
        model = build_model(SMALL, base.tokenizer)
        model.load_state_dict(base.model.state_dict())
        train_log, eval_log = train_grpo(
            model,
            base.tokenizer,
            ROWS,
            [na.correctness_reward, na.brier_reward],
            settings,
            eval_fn=lambda m: {"acc": na.evaluate(m, base.tokenizer, na.all_prompts("A"))["accuracy"]},
            eval_every=2,
            progress=False,
        )
        logs.append((train_log, eval_log))
    train_log, eval_log = logs[0]
    assert list(train_log["step"]) == [1, 2, 3]
    assert {"reward", "rewards/brier_reward/mean", "entropy"} <= set(train_log.columns)
    assert list(eval_log["step"]) == [0, 2, 3]
    pd.testing.assert_frame_equal(logs[0][1], logs[1][1])  # same seed, same numbers
    assert logs[0][0]["reward"].tolist() == logs[1][0]["reward"].tolist()


def test_compare_arms_labels_every_run(cache_dir):
    base = na.base(SMALL, SFTSettings(num_steps=10, batch_size=16), progress=False)
    settings = GRPOSettings(num_steps=1, prompts_per_step=2, group_size=2)
    train_log, eval_log, models = compare_arms(
        base.model,
        base.tokenizer,
        ROWS,
        {"X": [na.correctness_reward], "Y": [na.brier_reward]},
        [0, 1],
        settings,
        eval_fn=lambda m: {"one": 1.0},
        eval_every=1,
    )
    assert set(models) == {("X", 0), ("Y", 0), ("X", 1), ("Y", 1)}
    assert set(zip(eval_log["arm"], eval_log["seed"])) == set(models)
    with pytest.raises(ValueError):
        GRPOSettings(group_size=1)


def test_grpo_with_a_kl_penalty_uses_the_starting_weights_as_reference(cache_dir):
    base = na.base(SMALL, SFTSettings(num_steps=10, batch_size=16), progress=False)
    model = build_model(SMALL, base.tokenizer)
    model.load_state_dict(base.model.state_dict())
    path_before = model.config._name_or_path
    train_log, _ = train_grpo(
        model,
        base.tokenizer,
        ROWS,
        [na.correctness_reward],
        GRPOSettings(num_steps=2, prompts_per_step=2, group_size=4, beta=0.5),
        progress=False,
    )
    assert "kl" in train_log.columns and train_log["kl"].iloc[0] == pytest.approx(
        0.0, abs=1e-6
    )  # policy = reference at step 1
    assert model.config._name_or_path == path_before  # no trace of the temporary reference left on the model
