"""Where a result lies: the mean of seeds, its 95% interval, and the interval against a threshold.

The statistics under every verdict of the book, with no knowledge of criteria or records:

* :func:`mean_interval`: the seeds' mean and its 95% Student-t interval (``mean ± t(0.975, n-1) · sd / √n``,
  sd with ``n-1``), the few-run convention of CleanRL-style reports; wider than a bootstrap over five
  seeds, which is the honest direction with so few runs;
* :func:`wilson_interval`: the share of 0/1 outcomes and its 95% Wilson score interval;
* :func:`side`: :data:`PASS`, :data:`FAIL` or :data:`UNRESOLVED`, where an interval lies against a threshold;
* :func:`lies`, :func:`where` and :func:`format_interval`: the same in words, for prose built from a run's
  numbers.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

PASS, FAIL, UNRESOLVED = "pass", "fail", "unresolved"
OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
INTERVAL_METHOD = (
    "95% Student-t interval of the mean over seeds (n-1 degrees of freedom); "
    "95% Wilson interval for a 0/1 outcome per seed"
)

#: Two-sided 95% quantiles t(0.975, df) for df = 1..30 (standard table values).
# fmt: off
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)
# fmt: on


def t_quantile_975(df: int) -> float:
    """t(0.975, df): the table value for df ≤ 30, a close expansion above (2.00 at df = 60, 1.96 at ∞)."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be >= 1, got {df}")
    if df <= len(_T975):
        return _T975[df - 1]
    return 1.95996 + 2.3722 / df + 2.8224 / df**2  # Cornish-Fisher; matches the table to 1e-3 at df = 30


def mean_interval(values: Sequence[float]) -> tuple[float, float, float]:
    """``(mean, low, high)``: the mean of ``values`` and its 95% t-interval over seeds.

    One value has no interval: ``(v, -inf, inf)``. A NaN among the values gives NaN bounds.
    """
    v = [float(x) for x in values]
    if not v:
        raise ValueError("mean_interval needs at least one value")
    mean = sum(v) / len(v)
    if len(v) == 1:
        return mean, -math.inf, math.inf
    sd = math.sqrt(sum((x - mean) ** 2 for x in v) / (len(v) - 1))
    half = t_quantile_975(len(v) - 1) * sd / math.sqrt(len(v))
    return mean, mean - half, mean + half


def wilson_interval(outcomes: Sequence[float]) -> tuple[float, float, float]:
    """``(share, low, high)``: the share of 0/1 ``outcomes`` that are 1 and its 95% Wilson score interval.

    The binomial interval for "in how many seeds did it happen": unlike a t-interval it stays in
    [0, 1] and is not zero-width when every seed agrees (5 of 5 gives [0.57, 1]).
    """
    v = [float(x) for x in outcomes]
    if not v or any(x not in (0.0, 1.0) for x in v):
        raise ValueError(f"wilson_interval needs 0/1 outcomes, got {outcomes!r}")
    n, z = len(v), 1.959964
    share = sum(v) / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return share, max(0.0, centre - half), min(1.0, centre + half)


def side(low: float, high: float, threshold: float, op: str = ">=") -> str:
    """Where an interval ``[low, high]`` lies against ``threshold`` for the test ``value <op> threshold``:
    :data:`PASS` (wholly on the pass side), :data:`FAIL` (wholly on the fail side) or :data:`UNRESOLVED`."""
    if op not in OPS:
        raise ValueError(f"op={op!r} is not one of {tuple(OPS)}")
    if math.isnan(low) or math.isnan(high):
        return FAIL
    worst, best = (low, high) if op in (">=", ">") else (high, low)
    if OPS[op](worst, threshold):
        return PASS
    return UNRESOLVED if OPS[op](best, threshold) else FAIL


def lies(values: Sequence[float], reference: float = 0.0) -> str:
    """``"above"``, ``"below"`` or ``"straddles"``: where the 95% interval of ``values`` lies against ``reference``.

    For prose that gives each case its own words: ``{"above": "hacked", ...}[lies(rates, bar)]``.
    """
    _, low, high = mean_interval(values)
    return "above" if low > reference else "below" if high < reference else "straddles"


def where(values: Sequence[float], reference: float = 0.0, digits: int = 3, unit: str = "") -> str:
    """Words for where the 95% interval of ``values`` lies against ``reference``, for prose built from a run:
    ``"above 0 (0.12 [0.05, 0.19])"``, ``"below 0 (...)"`` or ``"not distinguishable from 0 (...)"``."""
    position = lies(values, reference)
    words = "not distinguishable from" if position == "straddles" else position
    return f"{words} {fmt(reference, digits)} ({format_interval(values, digits, unit)})"


def format_interval(values: Sequence[float], digits: int = 3, unit: str = "") -> str:
    """``"0.123 [0.101, 0.145]"``: mean and 95% interval over seeds, for prose built from a run."""
    mean, low, high = mean_interval(values)
    if math.isinf(low):
        return f"{fmt(mean, digits)}{unit} (one seed, no interval)"
    return f"{fmt(mean, digits)}{unit} [{fmt(low, digits)}, {fmt(high, digits)}]"


def fmt(x: float, digits: int = 3) -> str:
    """A number for a table or a sentence: ``digits`` significant digits, thousands as integers, ∞ and nan."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:.{digits}g}" if abs(x) < 1000 else f"{x:,.0f}"
