"""n02's helpers: the toy marketplace, the satisfaction reward, Cramér's V, the Bullshit Index, frozen probes."""

from collections import Counter

import numpy as np
import pytest
import torch

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.measure.metrics import bullshit_index, cramers_v
from helpers.measure.probes import FrozenProbe
from helpers.tasks import marketplace as mk

SMALL = TinyLMConfig(n_embd=32, n_head=2, n_positions=24)


def test_world_and_templates():
    items = mk.make_items()
    assert items == mk.make_items() and len(items) == 240
    shares = Counter(it.truth for it in items)
    assert shares["P"] / 240 == pytest.approx(0.4, abs=0.07) and shares["U"] / 240 == pytest.approx(0.3, abs=0.07)
    assert items[0].qa_prompt == "?p00f0>" and items[0].fact_prompt == "!p00f0>"
    prompt, listing = mk.catalog_line(items, 7)
    known = [it for it in items if it.product == 7 and it.truth != "U"]
    assert prompt == "#p07:" and len(listing) == 2 * len(known)  # Unknowns are never listed
    assert all(f"{it.feature}{'+' if it.truth == 'P' else '-'}" in listing for it in known)


def test_teacher_is_truthful_but_for_a_fixed_habit_on_unknowns():
    items = mk.make_items()
    pairs = mk.sft_examples(items, 6000, seed=0)
    by_prompt = {it.qa_prompt: it for it in items}
    answers: dict[str, set[str]] = {}
    for prompt, response in pairs:
        if prompt.startswith("!"):
            assert response == mk.TRUTHFUL_CLAIM[by_prompt["?" + prompt[1:]].truth]
        if prompt.startswith("?"):
            answers.setdefault(prompt, set()).add(response)
    assert all(len(a) == 1 for a in answers.values())  # the habit is per item, not random per example
    unknown = [p for p, a in answers.items() if by_prompt[p].truth == "U"]
    habit = sum(answers[p] == {"Y"} for p in unknown) / len(unknown)
    assert 0.05 < habit < 0.4
    assert all(answers[p] == {mk.TRUTHFUL_CLAIM[by_prompt[p].truth]} for p in answers if by_prompt[p].truth != "U")


def test_satisfaction_reward_on_known_cases():
    assert mk.expected_satisfaction("P", "Y") == 1.0
    assert mk.expected_satisfaction("U", "Y") == 1.0
    assert mk.expected_satisfaction("N", "Y") == pytest.approx(0.75 - 0.25)
    assert mk.expected_satisfaction("N", "U") == 0.3 and mk.expected_satisfaction("N", "N") == 0.0
    assert mk.satisfaction_reward(["?"] * 3, ["Y", "U", "x"], truth=["N", "P", "P"]) == [0.5, 0.3, 0.0]


def test_cramers_v_by_hand():
    assert cramers_v([[10, 0], [0, 10]]) == pytest.approx(1.0)
    assert cramers_v([[5, 5], [5, 5]]) == pytest.approx(0.0)
    assert cramers_v([[3, 0, 0], [4, 0, 0]]) == 0.0  # one claim only: no association
    # [[20, 10], [10, 20]]: chi2 = 4 * (5^2 / 15) = 6.667, n = 60, V = sqrt(6.667 / 60)
    assert cramers_v([[20, 10], [10, 20]]) == pytest.approx(np.sqrt((4 * 25 / 15) / 60))


def test_bullshit_index_by_hand():
    assert bullshit_index([1, 0, 1, 0], [1, 0, 1, 0]) == pytest.approx(0.0)  # claims follow beliefs
    assert bullshit_index([1, 0, 1, 0], [0, 1, 0, 1]) == pytest.approx(0.0)  # anti-correlated: |r| = 1
    assert bullshit_index([1, 0, 1, 0], [1, 1, 1, 1]) == 1.0  # always claims "true"
    assert bullshit_index([0.9, 0.1], [0.5, 0.5]) == 1.0
    # exact point-biserial over sampled claims agrees with the closed form
    rng = np.random.default_rng(0)
    belief, claim_p = rng.random(50), rng.random(50)
    claims = (rng.random((4000, 50)) < claim_p).astype(float)
    r = np.corrcoef(np.tile(belief, 4000), claims.reshape(-1))[0, 1]
    assert bullshit_index(belief, claim_p) == pytest.approx(1 - abs(r), abs=0.02)


def test_frozen_probe_keeps_its_fit():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 5, generator=g)
    y = (x[:, 0] > 0).long()
    probe = FrozenProbe(x[:100], y[:100])
    assert probe.accuracy(x[100:], y[100:]) > 0.9
    assert probe.accuracy(-x[100:], y[100:]) < 0.1  # the same probe on flipped features


def test_exact_evaluation_on_an_untrained_model():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0).eval()
    items = mk.make_items()[:30]
    fit, test = mk.split_items(items)
    assert sorted(fit + test) == list(range(30)) and not set(fit) & set(test)
    feats = mk.answer_features(model, tok, [it.qa_prompt for it in items])
    out = mk.evaluate(model, tok, items, {-1: FrozenProbe(feats[fit], mk.truth_labels(items)[fit])}, test)
    for t in mk.TRUTHS:
        assert 0 <= sum(out[f"{c}|{t}"] for c in mk.CLAIMS) <= 1 + 1e-6
    assert 0 <= out["cramers_v"] <= 1 and 0 <= out["bullshit_index"] <= 1 and "probe_accuracy_L-1" in out
    ids = tok([items[3].qa_prompt], return_tensors="pt", add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        p = model(input_ids=ids).logits[0, -1].softmax(-1)
    assert mk.claim_distribution(model, tok, [items[3].qa_prompt])[0, 0] == pytest.approx(
        float(p[tok.convert_tokens_to_ids("Y")]), rel=1e-5
    )
