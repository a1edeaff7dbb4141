"""Checks for a notebook's papermill parameters, with errors that name the parameter and its allowed values.

Every notebook calls :func:`choose_scale` and :func:`check_seeds` right after its
``parameters`` cell, so a typo fails in the first seconds with a message a reader can act on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

#: The scales every notebook offers: ``smoke`` (seconds, for tests), ``ci`` (the
#: default: 1-3 minutes on 2 CPU cores) and ``full`` (a GPU-sized run).
SCALES: tuple[str, ...] = ("smoke", "ci", "full")

#: The seeds a notebook runs when its ``seeds`` parameter is ``None``: two at ``smoke`` (so the
#: interval code runs), five at ``ci`` (the fewest that give a usable 95% interval of a mean),
#: ten at ``full``. The robustness check re-runs ``ci`` with the disjoint set ``[5, 6, 7, 8, 9]``.
SCALE_SEEDS: dict[str, list[int]] = {"smoke": [0, 1], "ci": [0, 1, 2, 3, 4], "full": list(range(10))}


def choose_scale(scale: str, presets: Mapping[str, T]) -> T:
    """Return ``presets[scale]``, or raise a ``ValueError`` naming the allowed scales."""
    if scale not in presets:
        raise ValueError(f"scale={scale!r} is not a known scale; choose one of {sorted(presets)}")
    return presets[scale]


def check_seeds(seeds: Sequence[int] | None, minimum: int = 1, scale: str | None = None) -> list[int]:
    """Validate the ``seeds`` parameter: a non-empty list of distinct non-negative integers.

    ``None`` means the scale's default seeds (:data:`SCALE_SEEDS`; ``scale`` must then be given).
    """
    if seeds is None:
        if scale not in SCALE_SEEDS:
            raise ValueError(f"seeds=None needs a known scale to pick the default seeds, got scale={scale!r}")
        seeds = SCALE_SEEDS[scale]
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence):
        raise ValueError(f"seeds must be a list of integers, got {seeds!r}")
    seeds = list(seeds)
    if len(seeds) < minimum:
        raise ValueError(f"seeds must hold at least {minimum} seed(s), got {seeds!r}")
    if any(not isinstance(s, int) or isinstance(s, bool) or s < 0 for s in seeds):
        raise ValueError(f"seeds must be non-negative integers, got {seeds!r}")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {seeds!r}")
    return seeds


def report_seeds(seeds: Sequence[int], scale: str) -> list[int]:
    """Seeds for *report-only* arms: the first seed at ``smoke`` and ``ci`` (their compute goes to the
    deciding arms' seeds instead), every seed at ``full``."""
    return list(seeds) if scale == "full" else list(seeds[:1])


def check_positive(**values: Any) -> None:
    """Raise a ``ValueError`` naming the first parameter that is not a positive number."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
