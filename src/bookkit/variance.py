"""How much of a criterion's spread is the base model? Five bases × two RL seeds (``make variance``).

The book's build runs seeds 0-4: base ``s`` with RL seed ``s``. ``make variance`` re-runs a few
notebooks with seeds ``period + s`` and ``$BOOK_BASE_SEED_PERIOD=period``, so seed ``period + s``
starts from base ``s`` (cached: not retrained) with another RL seed. Each deciding criterion then has two
values per base, and a one-way random-effects split (the MultiBERTs split of pre-training and fine-tuning
seeds) says how much of its variance lies between bases:

* within-base variance ``σ²_w``: the mean over bases of ``(x₁ - x₂)² / 2`` (the RL seeds' spread);
* between-base variance ``σ²_b = max(0, var(base means) - σ²_w / 2)``;
* the base's share ``σ²_b / (σ²_b + σ²_w)``.

With five bases the share is a rough estimate (its own uncertainty is wide); it says which claims
an interval over RL seeds from one base would have misrepresented.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

#: Notebooks the split is measured for (issue 28): the ones whose verdicts moved most with a new base.
DEFAULT_NOTES = ("n01", "n02", "n07", "n09", "n13")
#: Seed offset of the second RL seed of each base.
PERIOD = 1000


def split(first: list[float], second: list[float]) -> dict[str, float]:
    """The variance split of one criterion from two values per base (``first[i]``, ``second[i]`` share base ``i``)."""
    if len(first) != len(second) or len(first) < 2:
        raise ValueError("split needs two values for each of at least two bases")
    within = statistics.fmean((a - b) ** 2 / 2 for a, b in zip(first, second))
    means = [(a + b) / 2 for a, b in zip(first, second)]
    between = max(0.0, statistics.variance(means) - within / 2)
    total = between + within
    return {
        "between_base_var": between,
        "within_base_var": within,
        "base_share": between / total if total > 0 else float("nan"),
        "within_base_sd": within**0.5,
        "between_base_sd": between**0.5,
    }


def compare(book: dict[str, dict[str, Any]], rerun: dict[str, dict[str, Any]], period: int = PERIOD) -> dict[str, Any]:
    """Pair the book's records (seeds ``s``) with the re-run's (seeds ``period + s``) and split every
    deciding criterion."""
    notes = []
    for note_id, other in sorted(rerun.items()):
        first = book.get(note_id)
        if first is None:
            continue
        seeds, seeds2 = first["parameters"]["seeds"], other["parameters"]["seeds"]
        if [s + period for s in seeds] != seeds2:
            raise ValueError(f"{note_id}: re-run seeds {seeds2} are not the book's {seeds} + {period}")
        theirs = {c["name"]: c for c in other["criteria"]}
        rows = []
        for c in first["criteria"]:
            d = theirs.get(c["name"])
            if not c["decides"] or d is None or c.get("by_seed") is None or d.get("by_seed") is None:
                continue
            rows.append(
                {
                    "criterion": c["name"],
                    "book (RL seed s)": c["by_seed"],
                    "re-run (RL seed s + period)": d["by_seed"],
                    **split(c["by_seed"], d["by_seed"]),
                }
            )
        notes.append({"note": note_id, "bases": seeds, "criteria": rows})
    return {"written_at": time.strftime("%Y-%m-%d"), "period": period, "notes": notes}


def table(result: dict[str, Any]) -> str:
    """Markdown: one row per deciding criterion, the base's share of variance and the two spreads."""
    lines = [
        "| note | criterion | base's share of variance | between-base sd | within-base (RL) sd |",
        "|---|---|---|---|---|",
    ]
    for note in result["notes"]:
        for r in note["criteria"]:
            share = "n/a" if r["base_share"] != r["base_share"] else f"{r['base_share']:.0%}"
            name = r["criterion"].replace("|", "\\|")
            lines.append(
                f"| {note['note']} | {name} | {share} | {r['between_base_sd']:.3g} | {r['within_base_sd']:.3g} |"
            )
    return "\n".join(lines)
