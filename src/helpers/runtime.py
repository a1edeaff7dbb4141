"""Process-wide settings every notebook applies first: offline hub, quiet logs, threads, seeds, device.

Used by every notebook (through :func:`setup`) and by the papermill runner, which
exports the same environment to each kernel it starts.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from tqdm.std import tqdm

_T = TypeVar("_T")

#: Environment every execution runs under: no hub traffic, no telemetry, and an
#: OpenMP wait policy that keeps 2-thread torch fast on a busy 2-core machine.
OFFLINE_ENV: dict[str, str] = {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "OMP_WAIT_POLICY": "PASSIVE",
}

DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda", "mps")


def default_cache_dir() -> Path:
    """Where trained base models are cached: ``$BOOK_CACHE_DIR`` or ``~/.cache/reward-bias-book``.

    Here, not beside the cache code in :mod:`helpers.lm.models`, so that the runner can name the
    cache without importing torch (the papermill child of every notebook imports this module).
    """
    return Path(os.environ.get("BOOK_CACHE_DIR", Path.home() / ".cache" / "reward-bias-book"))


def apply_offline_env() -> None:
    """Set :data:`OFFLINE_ENV` in this process (values already set by the caller win)."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def resolve_device(device: str = "auto") -> str:
    """Turn ``"auto"`` into ``"cuda"``, ``"mps"`` or ``"cpu"``; check an explicit choice exists.

    Raises:
        ValueError: ``device`` is not one of :data:`DEVICES`, or names an accelerator this machine lacks.
    """
    import torch

    if device not in DEVICES:
        raise ValueError(f"device={device!r} is not one of {DEVICES}")
    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for but torch sees no CUDA GPU; use device='auto' or 'cpu'")
    if device == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device='mps' was asked for but this machine has no MPS backend")
    return device


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and CUDA) with one integer."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def setup(device: str = "auto", threads: int | None = None) -> str:
    """Prepare a notebook's process: offline env, thread count, quiet library logs.

    Args:
        device: ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"mps"``.
        threads: torch intra-op threads on the CPU. ``None`` means ``$BOOK_TORCH_THREADS``, else 1:
            the book's published numbers are computed with one thread per notebook (the runner
            executes two notebooks at once on 2 cores), and torch's reductions differ in the 4th
            decimal between 1 and 2 threads, so one thread everywhere keeps "same seed, same
            numbers" true alone, in the build and in the tests. ``BOOK_TORCH_THREADS=0`` keeps
            torch's own choice (faster alone on a multi-core machine, numbers not identical).

    Returns:
        The resolved device name.
    """
    apply_offline_env()
    import torch
    import transformers

    if threads is None:
        threads = int(os.environ.get("BOOK_TORCH_THREADS", "1"))
    if threads > 0:
        torch.set_num_threads(threads)
    transformers.logging.set_verbosity_error()
    return resolve_device(device)


def progress(
    iterable: Iterable[_T] | None = None, total: int | None = None, desc: str = "", disable: bool = False
) -> tqdm[_T]:
    """A plain-text tqdm bar on stdout, refreshed at most every 2 s (or `$BOOK_PROGRESS_INTERVAL`).

    Plain (not ``tqdm.auto``) on purpose: in a kernel without ipywidgets the widget
    bar falls back with an ``IProgress not found`` warning, and widget state does not
    survive into the static book. Every long loop of the book uses this bar.
    """
    import sys

    from tqdm.std import tqdm

    interval = float(os.environ.get("BOOK_PROGRESS_INTERVAL", "2"))  # the runner sets 30: few lines in stored outputs
    return tqdm(iterable, total=total, desc=desc, disable=disable, file=sys.stdout, mininterval=interval, ascii=True)
