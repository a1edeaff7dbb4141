"""`make prune-cache`: stale bases go, the newest code's bases and unreadable entries stay."""

import json
import os
from pathlib import Path

from bookkit import cache


def _entry(folder: Path, name: str, recipe: str | None, code: str, written: float) -> Path:
    entry = folder / name
    entry.mkdir()
    spec = {"spec": {"code": code, **({"recipe": recipe} if recipe else {})}, "history": {}}
    (entry / "spec.json").write_text(json.dumps(spec))
    (entry / "model.safetensors").write_bytes(b"x" * 100)
    (folder / f"{name}.lock").write_text("")
    os.utime(entry / "spec.json", (written, written))
    return entry


def test_prune_keeps_the_newest_code_of_each_recipe(tmp_path: Path):
    old_a = _entry(tmp_path, "a1", "recipe_a", "old", 100.0)
    new_a = [_entry(tmp_path, f"a{i}", "recipe_a", "new", 200.0 + i) for i in (2, 3)]
    only_b = _entry(tmp_path, "b1", "recipe_b", "old", 50.0)  # the only code of its recipe: kept
    no_recipe = _entry(tmp_path, "c1", None, "x", 10.0)  # not a recipe base: never touched
    assert cache.stale_entries(tmp_path) == [old_a]
    size = sum(f.stat().st_size for f in old_a.iterdir())
    assert cache.prune(tmp_path) == (1, size)
    assert not old_a.exists() and not (tmp_path / "a1.lock").exists()
    assert all(e.exists() for e in [*new_a, only_b, no_recipe])
    assert cache.prune(tmp_path) == (0, 0)
    assert cache.prune(tmp_path / "missing") == (0, 0)
