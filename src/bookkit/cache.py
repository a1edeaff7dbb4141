"""Prune the model cache (``make prune-cache``): drop bases trained by code that has since changed.

Every base in ``~/.cache/reward-bias-book`` (:func:`helpers.runtime.default_cache_dir`) is keyed by its recipe and
the hash of the code that trained it (``spec.json``: ``spec.recipe`` and ``spec.code``). Editing a task
module or the training code gives every later base of that recipe a new hash, and the old entries are
never read again, so a machine that builds often accumulates them. This keeps, per recipe, the entries of
the code hash written most recently and removes the rest; a base removed by mistake is only retrained.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path


def _spec(entry: Path) -> dict:
    try:
        return json.loads((entry / "spec.json").read_text()).get("spec", {})
    except (OSError, ValueError):
        return {}


def stale_entries(folder: Path) -> list[Path]:
    """Entries of ``folder`` whose recipe has a more recently written entry from other code."""
    newest: dict[str, tuple[float, str]] = {}
    entries = []
    for entry in sorted(p for p in folder.iterdir() if p.is_dir()):
        spec = _spec(entry)
        recipe, code = spec.get("recipe"), spec.get("code")
        if recipe is None or code is None:
            continue
        written = (entry / "spec.json").stat().st_mtime
        entries.append((entry, recipe, code))
        if recipe not in newest or written > newest[recipe][0]:
            newest[recipe] = (written, code)
    return [entry for entry, recipe, code in entries if code != newest[recipe][1]]


def prune(folder: Path) -> tuple[int, int]:
    """Remove :func:`stale_entries` (and their lock files); return how many entries and bytes were freed."""
    if not folder.is_dir():
        return 0, 0
    stale = stale_entries(folder)
    freed = 0
    for entry in stale:
        freed += sum(f.stat().st_size for f in entry.rglob("*") if f.is_file())
        shutil.rmtree(entry, ignore_errors=True)
        (folder / f"{entry.name}.lock").unlink(missing_ok=True)
    return len(stale), freed
