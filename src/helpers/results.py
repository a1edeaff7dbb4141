"""Per-seed readings of a notebook's stacked log: one metric, one value per seed, in the order of the seeds.

A claim notebook stacks its runs into one long table, a row per run and evaluation (columns such
as ``arm``, ``seed``, ``step``, then one column per metric). Its verdict needs each criterion as a
list with one value per seed, and arm differences *paired by seed* (seed ``s`` of every arm starts
from base ``s``). These functions read that list out of the log, once, the same way everywhere:

* :func:`rows`: the rows where some columns hold given values (``arm="GRPO", step=200``);
* :func:`per_seed`: one column's value in each seed's single matching row, as floats;
* :func:`arm_difference` and :func:`highest`: arm ``a`` minus arm ``b``, or the best of several
  arms, per seed;
* :func:`minus` and :func:`ratio`: element by element on two per-seed lists (end - start, end / start).

A reading that matches no row, or more than one, for a seed raises instead of guessing.
Used by n03, n04, n05, n06, n09, n10, n11 and n13.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd


def rows(log: pd.DataFrame, **where: Any) -> pd.DataFrame:
    """The rows of ``log`` in which every named column equals its value, e.g. ``rows(log, arm="GRPO", step=0)``."""
    for column, value in where.items():
        log = log[log[column] == value]
    return log


def per_seed(log: pd.DataFrame, column: str, seeds: Sequence[int], **where: Any) -> list[float]:
    """``column`` in the one row of each seed that matches ``where``, in the order of ``seeds``.

    ``per_seed(log, "success", seeds, arm="GRPO", step=200)`` is GRPO's success at step 200, per seed.
    Raises ``ValueError`` when a seed has no matching row or more than one.
    """
    matching = rows(log, **where)
    values = []
    for seed in seeds:
        found = matching.loc[matching["seed"] == seed, column]
        if len(found) != 1:
            raise ValueError(f"{column!r}: {len(found)} rows for seed {seed} where {where}, expected one")
        values.append(float(found.iloc[0]))
    return values


def minus(first: Sequence[float], second: Sequence[float]) -> list[float]:
    """``first - second`` element by element: two per-seed lists of the same seeds."""
    if len(first) != len(second):
        raise ValueError(f"per-seed lists of different lengths: {len(first)} and {len(second)}")
    return [a - b for a, b in zip(first, second)]


def ratio(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """``numerators / denominators`` element by element; NaN where a denominator is 0 (no ratio to take).

    A NaN makes the criterion that holds it unresolved (:mod:`helpers.verdict`) rather than stopping the run.
    """
    if len(numerators) != len(denominators):
        raise ValueError(f"per-seed lists of different lengths: {len(numerators)} and {len(denominators)}")
    return [n / d if d != 0 else math.nan for n, d in zip(numerators, denominators)]


def arm_difference(
    log: pd.DataFrame, column: str, first: str, second: str, seeds: Sequence[int], **where: Any
) -> list[float]:
    """Per seed: ``column`` of arm ``first`` minus that of arm ``second`` (paired: the same seed's runs)."""
    return minus(per_seed(log, column, seeds, arm=first, **where), per_seed(log, column, seeds, arm=second, **where))


def highest(log: pd.DataFrame, column: str, arms: Sequence[str], seeds: Sequence[int], **where: Any) -> list[float]:
    """Per seed: the highest ``column`` among ``arms`` (the best arm is picked within each seed)."""
    by_arm = [per_seed(log, column, seeds, arm=arm, **where) for arm in arms]
    return [max(values) for values in zip(*by_arm)]
