"""n09's hidden-preference task, its feedback, and the OPD / REINFORCE losses on hand-checked cases."""

import math

import numpy as np
import torch

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.sampling import cut_at_special, encode, through_end
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.rl import opd
from helpers.rl.core import Rollout
from helpers.rl.opd import FeedbackSettings
from helpers.tasks import hidden_preferences as hp


def test_preferences_reward_and_hints_by_hand():
    assert hp.preferred("bdaeh") == "gaahh!"
    assert hp.reward("bdaeh", "gaahh!") == 1.0 and hp.reward("bdaeh", "gaahh") == 0.0
    assert hp.hint("bdaeh", "bdaeh") == (0, "g")
    assert hp.hint("bdaeh", "gaaeh!") == (3, "h")
    assert hp.hint("bdaeh", "gaahh") is None  # letters right, "!" missing: no hint, ever
    assert hp.hint("bdaeh", "ga") == (2, "a")
    assert hp.substitution_accuracy("bdaeh", "gdaeh") == (1, 3)  # b, d, e are substituted; only b is right
    assert (
        hp.hinted_prompt("bdaeh", 2, "c") == "bdaeh|2c>"
        and len(hp.hinted_prompt("bdaeh", 2, "c")) == hp.HINTED_PROMPT_LEN
    )


def test_pretraining_data_obeys_hints_and_has_the_bang_habit():
    pairs = hp.pretraining_examples(4000, seed=0)
    hinted = [(p, t) for p, t in pairs if "|" in p]
    assert 0.45 < len(hinted) / len(pairs) < 0.55
    for p, t in hinted[:200]:
        word, position, letter = p[:5], int(p[6]), p[7]
        assert t[position] == letter and all(t[i] == word[i] for i in range(5) if i != position)
    assert all(t[:5] == p[:5] for p, t in pairs if "|" not in p)
    assert 0.08 < np.mean([t.endswith("!") for _, t in pairs]) < 0.12


def test_responses_are_cut_and_masked_at_eos():
    tok = build_char_tokenizer()
    ids = torch.tensor(
        [
            tok("gaahh!", add_special_tokens=False)["input_ids"] + [tok.eos_token_id],
            tok("abc", add_special_tokens=False)["input_ids"] + [tok.eos_token_id] + [5] * 3,
        ]
    )
    responses, ends = cut_at_special(tok, ids)
    assert responses == ["gaahh!", "abc"] and through_end(ends, 7).sum(1).tolist() == [7.0, 4.0]


def test_logit_distillation_is_zero_for_identical_contexts_and_positive_otherwise():
    tok = build_char_tokenizer()
    model = build_model(TinyLMConfig(n_embd=32, n_layer=1), tok, seed=0)
    words = ["bdaeh", "abcde"]
    ids = torch.tensor([tok("gaahh!", add_special_tokens=False)["input_ids"] + [tok.eos_token_id]] * 2)
    prompts = encode(tok, [hp.prompt(w) for w in words])
    logits = model(input_ids=torch.cat([prompts, ids], 1)).logits[:, hp.PROMPT_LEN - 1 : -1]
    hints = [(0, "g"), None]
    rows, teacher_logits = (
        [0],
        model(input_ids=torch.cat([encode(tok, [hp.hinted_prompt(words[0], 0, "g")]), ids[:1]], 1))
        .logits[:, hp.HINTED_PROMPT_LEN - 1 : -1]
        .detach(),
    )
    batch = Rollout(
        torch.cat([prompts, ids], 1),
        hp.PROMPT_LEN,
        torch.zeros(2),
        torch.zeros(2, dtype=torch.long),
        info={"hinted_rows": rows, "teacher_logits": teacher_logits},
    )
    loss = opd.logit_distillation_loss(batch, logits)
    assert float(loss.detach()) > 0  # the hinted context changes the teacher's distribution
    batch.info["hinted_rows"] = []
    assert float(opd.logit_distillation_loss(batch, logits).detach()) == 0.0
    # sampled-token advantages: zero on unhinted rows, log-ratio on hinted rows
    logp = logits.log_softmax(-1).gather(2, ids[:, :, None]).squeeze(-1).detach()
    rows, teacher_logp = opd.teacher_logprobs(model, tok, words, ids, hints)
    adv = opd.opd_advantages(rows, teacher_logp, logp)
    assert rows == [0] and torch.all(adv[1] == 0) and not torch.all(adv[0] == 0)


def test_phase1_runs_deterministically_and_the_control_does_not_move():
    tok = build_char_tokenizer()
    model = build_model(TinyLMConfig(n_embd=32, n_layer=1), tok, seed=0)
    words = hp.make_words(4, seed=5)
    settings = FeedbackSettings(
        use_reward=True,
        use_hints=True,
        distillation="logits",
        num_steps=2,
        prompts_per_step=2,
        group_size=2,
        eval_every=1,
    )
    a = opd.train(model, tok, settings, 0, words, 2, show_progress=False)
    b = opd.train(model, tok, settings, 0, words, 2, show_progress=False)
    assert a.equals(b) and a["interactions"].tolist() == [0, 4, 8]
    control = opd.train(
        model,
        tok,
        FeedbackSettings(use_reward=False, use_hints=False, num_steps=2, eval_every=1),
        0,
        words,
        2,
        show_progress=False,
    )
    assert control[["exact", "substitution", "bang"]].nunique().max() == 1
    assert math.isclose(control["exact"].iloc[0], a["exact"].iloc[0])
