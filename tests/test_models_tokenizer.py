import json

import pytest
import torch

from helpers.lm.models import (
    TinyLMConfig,
    build_model,
    cached_model,
    config_hash,
    count_parameters,
    load_pretrained,
    save_model,
)
from helpers.lm.tokenizer import build_char_tokenizer

SMALL = TinyLMConfig(n_embd=32, n_head=2, n_positions=16)


def test_tokenizer_round_trip_and_padding(tmp_path):
    tok = build_char_tokenizer()
    ids = tok("^C37=0;9")["input_ids"]
    assert len(ids) == 8 and tok.decode(ids) == "^C37=0;9"
    batch = tok(["^A1=", "^A12="], padding=True, add_special_tokens=False)
    assert batch["input_ids"][0][0] == tok.pad_token_id  # left padding
    assert tok.batch_decode([[*ids, tok.eos_token_id, tok.pad_token_id]], skip_special_tokens=True) == ["^C37=0;9"]
    tok.save_pretrained(tmp_path)
    from transformers import AutoTokenizer

    assert AutoTokenizer.from_pretrained(tmp_path).decode(ids) == "^C37=0;9"
    with pytest.raises(ValueError):
        build_char_tokenizer("aa")


def test_build_model_is_seeded_and_sized():
    tok = build_char_tokenizer()
    a, b = build_model(SMALL, tok, seed=3), build_model(SMALL, tok, seed=3)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))
    assert count_parameters(build_model(TinyLMConfig(), tok)) == pytest.approx(4.1e5, rel=0.05)
    with pytest.raises(ValueError):
        TinyLMConfig(n_embd=30, n_head=4)


def test_save_and_load_pretrained_locally_keeps_logits(tmp_path):
    tok = build_char_tokenizer()
    model = build_model(SMALL, tok, seed=1).eval()
    save_model(model, tok, tmp_path / "m")
    loaded, tok2 = load_pretrained(tmp_path / "m")  # the hub code path, on a local folder
    x = tok(["^A12="], return_tensors="pt")["input_ids"]
    with torch.no_grad():
        assert torch.equal(model(x).logits, loaded.eval()(x).logits)
    assert (tmp_path / "m" / "model.safetensors").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".m.")]  # no temp folder left


def test_cached_model_trains_once_and_rebuilds_corrupt_entries(tmp_path):
    tok = build_char_tokenizer()
    calls = []

    def train():
        calls.append(1)
        return build_model(SMALL, tok, seed=len(calls)), tok, {"loss": [1.0, 0.5]}

    spec = {"recipe": "test", "model": SMALL}
    first = cached_model(spec, train, tmp_path)
    second = cached_model(spec, train, tmp_path)
    assert len(calls) == 1 and not first.from_cache and second.from_cache
    assert second.history == {"loss": [1.0, 0.5]}
    assert all(torch.equal(x, y) for x, y in zip(first.model.parameters(), second.model.parameters()))

    (second.path / "COMPLETE").unlink()  # a partial entry: never loaded
    third = cached_model(spec, train, tmp_path)
    assert len(calls) == 2 and not third.from_cache

    (third.path / "model.safetensors").write_bytes(b"garbage")  # a corrupt file: rebuilt
    fourth = cached_model(spec, train, tmp_path)
    assert len(calls) == 3 and not fourth.from_cache
    assert json.loads((fourth.path / "spec.json").read_text())["spec"]["recipe"] == "test"


def test_config_hash_changes_with_the_recipe():
    assert config_hash({"a": 1, "m": SMALL}) == config_hash({"m": SMALL, "a": 1})
    assert config_hash({"a": 1}) != config_hash({"a": 2})


def test_code_hash_follows_the_source():
    from helpers.lm import sft as train
    from helpers.lm.models import code_hash
    from helpers.measure import metrics

    assert code_hash(train) == code_hash(train) and len(code_hash(train)) == 16
    assert code_hash(train) != code_hash(metrics) and code_hash(train, metrics) != code_hash(metrics, train)


def test_what_follows_a_base_does_not_depend_on_the_cache_state(tmp_path):
    """Training a base (cache miss) leaves the caller's random stream where a cache hit leaves it."""
    tok = build_char_tokenizer()

    def train():
        torch.rand(1000)  # training draws random numbers
        return build_model(SMALL, tok, seed=0), tok, {}

    spec = {"recipe": "rng", "model": SMALL}
    torch.manual_seed(7)
    miss = cached_model(spec, train, tmp_path)
    after_miss = torch.rand(3)
    torch.manual_seed(7)
    hit = cached_model(spec, train, tmp_path)
    after_hit = torch.rand(3)
    assert not miss.from_cache and hit.from_cache and torch.equal(after_miss, after_hit)


def test_two_processes_asking_for_one_base_train_it_once(tmp_path):
    """A parallel build: two processes want the same entry; the lock makes one train and the other read."""
    import subprocess
    import sys

    script = (
        "import sys, time\n"
        "from helpers.lm.models import TinyLMConfig, build_model, cached_model\n"
        "from helpers.lm.tokenizer import build_char_tokenizer\n"
        "tok = build_char_tokenizer()\n"
        "def train():\n"
        "    open(sys.argv[2], 'a').write('trained\\n'); time.sleep(1.0)\n"
        "    return build_model(TinyLMConfig(n_layer=1, n_embd=16, n_head=2), tok, seed=0), tok, {}\n"
        "cached_model({'recipe': 'lock'}, train, sys.argv[1])\n"
    )
    log = tmp_path / "log.txt"
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "cache"), str(log)]) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert log.read_text().count("trained") == 1
