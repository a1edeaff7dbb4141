"""Shared fixtures: the repository root, and offline settings for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import runtime

ROOT = Path(__file__).resolve().parents[1]
runtime.apply_offline_env()


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh model cache for one test."""
    path = tmp_path / "cache"
    monkeypatch.setenv("BOOK_CACHE_DIR", str(path))
    return path


def shared_dir() -> Path | None:
    """``../shared`` beside the checkout (the corpus and claim specs), if present."""
    path = ROOT.parent / "shared"
    return path if (path / "claims").is_dir() else None


os.environ.setdefault("MPLBACKEND", "Agg")
