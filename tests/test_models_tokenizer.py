import json

import pytest
import torch

from helpers.models import TinyLMConfig, build_model, cached_model, config_hash, count_parameters, load_pretrained, save_model
from helpers.tokenizer import build_char_tokenizer

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
    from helpers import metrics, train
    from helpers.models import code_hash

    assert code_hash(train) == code_hash(train) and len(code_hash(train)) == 16
    assert code_hash(train) != code_hash(metrics) and code_hash(train, metrics) != code_hash(metrics, train)
