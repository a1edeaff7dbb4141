"""Shared fixtures: the repository root, and offline settings for every test."""

from __future__ import annotations

import os
import subprocess
import sys
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


def run_module(
    module: str, *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """``python -m module args...`` with this interpreter, as the tests run the book's commands: output captured
    as text, a time limit, the repository as the working directory unless ``cwd`` says otherwise."""
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def shared_dir() -> Path | None:
    """``../shared`` beside the checkout (the corpus and claim specs), if present."""
    path = ROOT.parent / "shared"
    return path if (path / "claims").is_dir() else None


os.environ.setdefault("MPLBACKEND", "Agg")
