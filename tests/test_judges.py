"""n14's verification items and the reward-model judging helpers, on hand-checked cases."""

import numpy as np
import pytest
import torch

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.sampling import sample_tokens
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.rewards import judges
from helpers.tasks import verify_chain as vc


def test_items_and_targets_by_hand():
    c = vc.Claim((3, 4, 2, 5, 1), "+*+*", 9)
    assert c.prompt == "3+4*2+5*1=9?" and c.running == [7, 4, 9, 9] and c.correct
    assert c.target("outcome") == "Y" and c.target("reasoning") == "7499Y"
    wrong = vc.with_claim(c, 2)
    assert not wrong.correct and wrong.target("reasoning") == "7499N"
    claims = vc.make_claims(2000, seed=0, k=6)
    assert all(len(x.ops) == 6 for x in claims)
    assert 0.46 < np.mean([x.correct for x in claims]) < 0.54


def test_vote_accuracy_majority_ties_and_invalid_votes():
    votes = np.array([[1, 1, 0], [0, 0, 1], [1, 0, -1], [-1, -1, -1]])
    truth = np.array([True, False, False, False])
    assert judges.vote_accuracy(votes, truth) == 1.0  # a tie and no valid vote both count as N
    assert judges.vote_accuracy(votes[:, :1], np.array([True, False, True, False])) == 1.0


def test_greedy_decoding_is_deterministic_and_judgements_have_the_right_shape():
    tok = build_char_tokenizer()
    model = build_model(TinyLMConfig(n_embd=32, n_layer=1), tok, seed=0)
    items = vc.make_claims(5, seed=1, k=4)
    ids = torch.tensor([tok(c.prompt, add_special_tokens=False)["input_ids"] for c in items])
    assert torch.equal(sample_tokens(model, ids, 5, None), sample_tokens(model, ids, 5, None))
    assert judges.judgements(model, tok, items, "reasoning", 3, seed=0).shape == (5, 3)
    p = judges.p_yes(model, tok, items, "outcome")
    assert p.shape == (5,) and ((p > 0) & (p < 1)).all()
    params = sum(x.numel() for x in model.parameters())
    assert judges.flops_per_judgement(model, items, "reasoning") == 2.0 * params * (12 + 5)
    assert judges.flops_per_judgement(model, items, "outcome") == 2.0 * params * (12 + 1)


def test_block_vote_accuracy_averages_disjoint_blocks():
    truth = np.array([True, False])
    # item 0 votes Y, N, Y, Y, N, N, Y; item 1 votes N throughout
    votes = np.array([[1, 0, 1, 1, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]])
    # one vote: item 0 right on 4 of 7 votes, item 1 always right
    assert judges.block_vote_accuracy(votes, truth, 1) == pytest.approx((4 / 7 + 1) / 2)
    # three votes: blocks (1, 0, 1) -> Y and (1, 0, 0) -> N; the seventh vote is unused
    assert judges.block_vote_accuracy(votes, truth, 3) == pytest.approx((1 + 0) / 2 / 2 + 1 / 2)
    assert judges.block_vote_accuracy(votes, truth, 7) == judges.vote_accuracy(votes, truth)
    for m in (0, 8):
        with pytest.raises(ValueError, match=f"m={m}"):
            judges.block_vote_accuracy(votes, truth, m)
