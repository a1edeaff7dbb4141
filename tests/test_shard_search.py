"""n03's helpers: the shard-search environment, its demonstrations, and the multi-turn GRPO loop."""

import itertools
from collections import Counter

import pytest
import torch

from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.tokenizer import build_char_tokenizer
from helpers.rl import agent
from helpers.tasks import shard_search as ss

SMALL = TinyLMConfig(n_embd=32, n_head=2, n_positions=16)


def test_environment_by_hand():
    ep = ss.Episode("^135>", "1")
    assert ep.likely == "135"
    assert ss.rollout_text(ep, "31") == "3-1+"
    assert ss.rollout_text(ep, "13") == "1+.."  # the episode ends at the hit
    assert ss.rollout_text(ep, "35") == "3-5-"
    assert ss.success("3-1+") and ss.success("1+..") and not ss.success("3-5-")
    assert ss.query_sequence("3-1+") == "31" and ss.query_sequence("1+..") == "1"
    assert len(ss.PROMPTS) == 20


def test_every_order_of_likely_shards_is_equally_good():
    for prompt in ss.PROMPTS[:5]:
        likely = prompt[1:4]
        for order in ("".join(p) for p in itertools.permutations(likely, 2)):
            wins = sum(ss.success(ss.rollout_text(ss.Episode(prompt, key), order)) for key in likely)
            assert wins == 2  # two of the three keys: success 2/3 for every order


def test_demonstrations_diverse_and_narrow():
    diverse = ss.sft_examples(3000, seed=0, style="diverse")
    narrow = ss.sft_examples(3000, seed=0, style="narrow")
    first = Counter(p[1:4].index(r[0]) for p, r in diverse)  # position of the first query among the likely shards
    assert all(abs(first[i] / 3000 - 1 / 3) < 0.03 for i in range(3))
    assert all(r[0] == p[1] for p, r in narrow)  # always the smallest likely shard first
    assert sum(ss.success(r) for _, r in diverse) / 3000 == pytest.approx(2 / 3, abs=0.03)
    with pytest.raises(ValueError, match="style"):
        ss.sft_examples(2, seed=0, style="wide")


def test_rollout_trains_only_queries_before_the_hit():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0).eval()
    episodes = ss.make_episodes(40, seed=1)
    seqs, trained, texts, entropies, _ = agent.rollout(model, tok, episodes, torch.Generator().manual_seed(0))
    assert seqs.shape == (40, len(ss.PROMPTS[0]) + 2 * ss.BUDGET) and trained.shape == entropies.shape == (
        40,
        ss.BUDGET,
    )
    for e, t, m in zip(episodes, texts, trained):
        assert t == ss.rollout_text(e, t[0::2])  # the environment's tokens follow from the agent's
        assert m.tolist() == [True, t[1] != ss.HIT]
    again = agent.rollout(model, tok, episodes, torch.Generator().manual_seed(0))[2]
    assert again == texts


def test_training_is_deterministic_and_logs_the_measures():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0)
    settings = agent.AgentSettings(num_steps=2, prompts_per_step=4, group_size=4, eval_every=1, eval_rollouts=4)
    log, a = agent.train(model, tok, settings, seed=0)
    _, b = agent.train(model, tok, settings, seed=0)
    assert list(log["step"]) == [0, 1, 2]
    assert {"success", "action entropy", "unique sequences", "first-query entropy", "cov(logp, A)"} <= set(log.columns)
    assert {"unique incorrect sequences", "action entropy (incorrect)"} <= set(log.columns)
    assert (log["unique incorrect sequences"].dropna() <= log["unique sequences"].dropna()).all()
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))


def test_incorrect_episodes_are_measured_apart():
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=0).eval()
    m = agent.evaluate(model, tok, rollouts=6, seed=0)
    episodes = [ss.Episode(p, p[1 + i % 3]) for p in ss.PROMPTS for i in range(6)]
    _, trained, texts, entropies, _ = agent.rollout(model, tok, episodes, torch.Generator().manual_seed(0))
    failed = [not ss.success(t) for t in texts]
    per_prompt = [
        len({ss.query_sequence(t) for t, f in zip(texts[i * 6 : (i + 1) * 6], failed[i * 6 : (i + 1) * 6]) if f})
        for i in range(len(ss.PROMPTS))
    ]
    assert m["unique incorrect sequences"] == pytest.approx(sum(per_prompt) / len(per_prompt))
    all_per_prompt = [len({ss.query_sequence(t) for t in texts[i * 6 : (i + 1) * 6]}) for i in range(len(ss.PROMPTS))]
    assert m["unique sequences"] == pytest.approx(sum(all_per_prompt) / len(all_per_prompt))
    rows = torch.tensor(failed)
    assert m["action entropy (incorrect)"] == pytest.approx(float(entropies[trained & rows[:, None]].mean()))
    assert m["success"] == pytest.approx(1 - sum(failed) / len(failed))
