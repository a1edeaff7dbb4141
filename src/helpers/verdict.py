"""From criteria to a verdict: compare measured values with thresholds, with uncertainty over seeds.

A claim notebook builds a list of :class:`Criterion` from its own run, wraps them in a
:class:`Verdict`, shows :meth:`Verdict.admonition` near the top of the results and
:meth:`Verdict.table` in full, and records it (:meth:`Verdict.publish` does all three) so the chapter pages,
the execution-status page, the expectation check and the tests can read it. Nothing here knows any
number in advance: the verdict word is a function of the measured values and the thresholds.

**A seed is a (base, RL) pair.** In a language-model notebook seed ``s`` trains base ``s``
(initialisation, data draw and order) and runs RL seed ``s``; every arm of seed ``s`` starts from
base ``s``. So the interval below covers both sources of variation, and arm differences are paired.

**Uncertainty.** A criterion measured in several seeds reports the seeds' mean and a 95%
Student-t interval over seeds (``mean ± t(0.975, n-1) · sd / √n``, sd with ``n-1``), the
few-run convention of CleanRL-style reports; a t-interval is wider than a bootstrap over 5 seeds,
which is the honest direction with so few runs. A 0/1 outcome per seed (``binary=True``) gets a
95% Wilson score interval of the proportion instead. Each deciding criterion gets a *status*:
``pass`` when the whole interval is on the pass side of the threshold, ``fail`` when it is wholly
on the fail side, ``unresolved`` when it straddles it (a value with no seeds, an exact computation,
is its own comparison).

**Every seed is shown, never decides.** ``every_seed=True`` adds the count of seeds that pass on
their own beside the interval. It does not decide: the chance that every one of ``n`` seeds passes
falls as seeds are added, so a rule built on it gets harder with more evidence.

**Premises.** A claim needs something of the starting model (a habit to collapse onto, a bug to
copy, a round 0 above chance). :class:`Verdict` takes those checks as ``premises``, criteria
measured on the bases before RL; when one does not pass, the verdict is ``premise not met at this
scale``, with its numbers: the experiment did not set up the claim's condition, which is a defect
of the experiment, not a finding about the claim.

Verdict words: ``reproduced`` (every deciding criterion passes), ``not reproduced at this scale``
(every one fails), ``partly reproduced`` (some pass, some fail, none unresolved),
``inconclusive at this budget`` (at least one unresolved) and ``premise not met at this scale``,
always shown with the counts.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.intervals import (
    FAIL,
    INTERVAL_METHOD,
    OPS,
    PASS,
    UNRESOLVED,
    fmt,
    format_interval,
    lies,
    mean_interval,
    side,
    where,
    wilson_interval,
)
from helpers.record_file import (
    INCONCLUSIVE,
    NOT_REPRODUCED,
    PARTLY,
    PREMISE_NOT_MET,
    RECORD_SCHEMA,
    REPRODUCED,
    VERDICT_WORDS,
    first_design,
    provenance,
    read_record,
    write_json_atomic,
)
from helpers.verdict_box import VerdictBox

# What a notebook imports from here: the verdict's vocabulary, and the interval words it is built on.
# fmt: off
__all__ = [
    "FAIL", "INCONCLUSIVE", "NOT_REPRODUCED", "PARTLY", "PASS", "PREMISE_NOT_MET", "REPRODUCED", "UNRESOLVED",
    "VERDICT_WORDS", "Criterion", "Verdict", "counts", "first_design", "format_interval", "lies", "mean_interval",
    "paper_row", "paper_rows", "read_record", "say", "side", "verdict_word", "where", "wilson_interval",
]
# fmt: on


def say(text: str) -> None:
    """Show a sentence of results as Markdown. Prose that states a number or a finding of the run is
    built in a code cell from the run's values and shown with this, never typed into a Markdown cell."""
    from IPython.display import Markdown, display

    display(Markdown(text))


@dataclass
class Criterion:
    """One test of the claim: ``measured <op> threshold``, with its spread over seeds.

    Give the seeds' values as ``by_seed`` (or as a list in ``measured``): the criterion is decided
    on their **mean**, and passes when the mean's 95% interval is on the pass side of the threshold.
    ``binary=True`` marks 0/1 outcomes (the share of seeds where something happened; Wilson
    interval). ``every_seed=True`` also shows how many seeds pass on their own (report only: see the
    module docstring). With no seeds, ``measured`` is one exact value and decides on its own.
    ``decides=False`` marks a *report only* row: shown with its numbers, not counted in the verdict.
    """

    name: str
    measured: float | Sequence[float] | None = None
    threshold: float = 0.0
    op: str = ">="
    decides: bool = True
    unit: str = ""
    by_seed: list[float] | None = None
    every_seed: bool = False
    binary: bool = False

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"op={self.op!r} is not one of {tuple(OPS)}")
        if isinstance(self.measured, Sequence) and not isinstance(self.measured, str):
            if self.by_seed is not None:
                raise ValueError(f"{self.name}: a list of measured values is by_seed; do not give both")
            self.by_seed, self.measured = list(self.measured), None
        if self.by_seed is not None:
            self.by_seed = [float(v) for v in self.by_seed]
        if self.measured is None:
            if self.by_seed is None:
                raise ValueError(f"{self.name}: measured=None needs by_seed values")
            self.measured = self.interval[0]
        self.measured = float(self.measured)
        self.threshold = float(self.threshold)
        if self.binary:
            if self.by_seed is None:
                raise ValueError(f"{self.name}: binary=True needs one 0/1 outcome per seed (by_seed)")
            wilson_interval(self.by_seed)  # raises on values other than 0 and 1
        if self.by_seed is not None and not math.isnan(self.measured):
            mean = self.interval[0]
            if not math.isclose(self.measured, mean, rel_tol=1e-6, abs_tol=1e-9):
                raise ValueError(f"{self.name}: measured={self.measured:.6g} is not the mean of by_seed ({mean:.6g})")

    @property
    def values(self) -> list[float] | None:
        """The per-seed values, or ``None`` for an exact value."""
        return self.by_seed

    @property
    def interval(self) -> tuple[float, float, float] | None:
        """``(mean, low, high)`` over seeds (Wilson for ``binary``), or ``None`` for an exact value."""
        if self.by_seed is None:
            return None
        if any(math.isnan(v) for v in self.by_seed):
            return math.nan, math.nan, math.nan
        return wilson_interval(self.by_seed) if self.binary else mean_interval(self.by_seed)

    def passes(self, value: float) -> bool:
        """Whether one value (a seed's, or a mean) is on the pass side of the threshold."""
        return not math.isnan(value) and OPS[self.op](value, self.threshold)

    @property
    def seeds_passing(self) -> tuple[int, int] | None:
        """``(k, n)``: how many of the ``n`` seeds pass on their own (shown, never deciding)."""
        if self.by_seed is None:
            return None
        return sum(self.passes(v) for v in self.by_seed), len(self.by_seed)

    @property
    def status(self) -> str:
        """``pass``, ``fail`` or ``unresolved`` (see the module docstring)."""
        if self.by_seed is not None:
            _, low, high = self.interval
            return side(low, high, self.threshold, self.op)
        return PASS if self.passes(self.measured) else FAIL

    @property
    def passed(self) -> bool:
        """Whether the criterion's status is ``pass``."""
        return self.status == PASS

    def describe(self, digits: int = 3) -> str:
        """The measured value as text: mean [95% interval], the seeds, and how many seeds pass alone."""
        if self.values is None:
            return f"{fmt(self.measured, digits)}{self.unit} (exact, no seeds)"
        mean, low, high = self.interval
        if self.binary:
            ones = f"{int(sum(self.by_seed))}/{len(self.by_seed)} seeds"
            return f"{ones} = {fmt(mean, digits)} [{fmt(low, digits)}, {fmt(high, digits)}] (Wilson)"
        text = (
            format_interval(self.values, digits, self.unit)
            + " ("
            + ", ".join(fmt(v, digits) for v in self.values)
            + ")"
        )
        if self.every_seed:
            k, n = self.seeds_passing
            text += f"; {k}/{n} seeds pass alone"
        return text


def counts(criteria: list[Criterion]) -> dict[str, int]:
    """How many deciding criteria pass, fail and are unresolved."""
    deciding = [c.status for c in criteria if c.decides]
    return {s: deciding.count(s) for s in (PASS, FAIL, UNRESOLVED)}


def verdict_word(criteria: list[Criterion], premises: Sequence[Criterion] = ()) -> str:
    """The verdict word from the premises and the deciding criteria's statuses (see the module docstring)."""
    if any(p.status != PASS for p in premises):
        return PREMISE_NOT_MET
    n = counts(criteria)
    total = sum(n.values())
    if not total:
        raise ValueError("a verdict needs at least one deciding criterion")
    if n[UNRESOLVED]:
        return INCONCLUSIVE
    if n[PASS] == total:
        return REPRODUCED
    return PARTLY if n[PASS] else NOT_REPRODUCED


@dataclass
class Verdict:
    """The outcome of one claim notebook's run.

    Attributes:
        note_id: the corpus note (``"n01"``).
        claim: one line saying what was tested.
        criteria: the criteria, deciding and report-only.
        key_number: ``(label, value)`` or ``(label, per-seed values)`` shown in the chapter's
            evidence table (a list is shown as its mean and 95% interval).
        paper_vs_run: rows ``{"quantity", "paper", "this run"}`` for the side-by-side table
            (:func:`paper_row` builds one).
        parameters: the run's parameters (scale, seeds, thresholds...).
        premises: what the claim needs of the starting model, measured on the bases before RL
            (criteria with ``decides=True``); if one does not pass, the word is ``premise not met``.
    """

    note_id: str
    claim: str
    criteria: list[Criterion]
    key_number: tuple[str, float | Sequence[float]]
    paper_vs_run: list[dict[str, str]] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    premises: list[Criterion] = field(default_factory=list)

    @property
    def word(self) -> str:
        """The verdict word."""
        return verdict_word(self.criteria, self.premises)

    @property
    def reason(self) -> str:
        """One line: unmet premises, the counts, then which deciding criteria failed and which are unresolved."""
        deciding = [c for c in self.criteria if c.decides]
        n = counts(self.criteria)
        unmet = [p for p in self.premises if p.status != PASS]
        text = ""
        if unmet:
            text = (
                "premise not met: "
                + "; ".join(f"{p.name} = {p.describe()}, needs {p.op} {fmt(p.threshold)}" for p in unmet)
                + ". The criteria, not judged: "
            )
        text += f"{n[PASS]} of {len(deciding)} deciding criteria pass, {n[FAIL]} fail, {n[UNRESOLVED]} unresolved"
        for status, label in ((FAIL, "failed"), (UNRESOLVED, "unresolved (the interval straddles the threshold)")):
            names = [c.name for c in deciding if c.status == status]
            if names:
                text += f"; {label}: " + "; ".join(names)
        return text

    def table(self) -> pd.DataFrame:
        """The criteria as a table: criterion, mean [95% interval] (per seed), threshold, status, decides."""
        rows = []
        for role, c in [("premise", p) for p in self.premises] + [(None, c) for c in self.criteria]:
            rows.append(
                {
                    "criterion": c.name,
                    "measured: mean [95% interval] (per seed)": c.describe(),
                    "threshold": f"{c.op} {fmt(c.threshold)}{c.unit}",
                    "status": c.status,
                    "decides verdict": role or ("yes" if c.decides else "report only"),
                }
            )
        return pd.DataFrame(rows)

    def paper_table(self) -> pd.DataFrame:
        """The paper's headline numbers beside this run's."""
        return pd.DataFrame(self.paper_vs_run)

    def admonition(self) -> VerdictBox:
        """The verdict and its one-line reason (for the top of the results), as a display bundle:
        MyST for the book, HTML for Jupyter, Colab and GitHub."""
        return VerdictBox(self.to_record())

    def summary(self) -> str:
        """One line with the verdict and every criterion's measured value (what nbval compares across runs)."""
        values = "; ".join(f"{c.name} = {c.measured:.6g}" for c in [*self.premises, *self.criteria])
        return f"{self.note_id}: {self.word} | {values}"

    def _key(self) -> dict[str, Any]:
        label, value = self.key_number
        if isinstance(value, Sequence) and not isinstance(value, str):
            mean, low, high = mean_interval(value)
            return {
                "label": label,
                "value": mean,
                "low": None if math.isinf(low) else low,
                "high": None if math.isinf(high) else high,
                "values": [float(v) for v in value],
            }
        return {"label": label, "value": float(value), "low": None, "high": None}

    def to_record(self) -> dict[str, Any]:
        """The JSON-able record the book and tests read."""
        return {
            "schema": RECORD_SCHEMA,
            "note_id": self.note_id,
            "claim": self.claim,
            "verdict": self.word,
            "counts": counts(self.criteria),
            "reason": self.reason,
            "interval_method": INTERVAL_METHOD,
            "key_number": self._key(),
            "criteria": [_criterion_record(c) for c in self.criteria],
            "premises": [_criterion_record(p) for p in self.premises],
            "paper_vs_run": self.paper_vs_run,
            "parameters": self.parameters,
            "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "provenance": provenance(),
            "complete": True,
        }

    def publish(self, directory: str | Path | None = None) -> Path:
        """Record the verdict (see :meth:`record`) and display its admonition, criteria table and paper table."""
        from IPython.display import display

        path = self.record(directory)
        display(self.admonition())
        display(self.table())
        display(self.paper_table())
        return path

    def record(self, directory: str | Path | None = None) -> Path:
        """Write the record to ``directory/<note_id>.json`` atomically and return its path.

        ``directory`` defaults to ``$BOOK_VERDICT_DIR`` (set by the runner) or ``./verdicts``.
        """
        directory = Path(directory or os.environ.get("BOOK_VERDICT_DIR", "verdicts"))
        return write_json_atomic(directory / f"{self.note_id}.json", self.to_record())


def _criterion_record(c: Criterion) -> dict[str, Any]:
    interval = c.interval
    low, high = (None, None) if interval is None or math.isinf(interval[1]) else (interval[1], interval[2])
    row = asdict(c)
    k_n = c.seeds_passing
    return {
        **row,
        "mean": None if interval is None else interval[0],
        "low": low,
        "high": high,
        "status": c.status,
        "passed": c.passed,
        "seeds_passing": None if k_n is None else list(k_n),
    }


def paper_row(
    quantity: str, paper: str, run: str, paper_label: str = "paper", run_label: str = "this run"
) -> dict[str, str]:
    """One row of the paper-versus-run table (:attr:`Verdict.paper_vs_run`), its columns named once."""
    return {"quantity": quantity, paper_label: paper, run_label: run}


def paper_rows(
    paper_label: str, rows: Sequence[tuple[str, str, str]], run_label: str = "this run (mean of seeds [95% interval])"
) -> list[dict[str, str]]:
    """The paper-versus-run table from ``(quantity, paper, this run)`` triples, its two value columns named once.

    ``paper_rows("paper (MATH, Qwen)", [("Pass@1", "PSR higher", format_interval(gap))])`` is
    ``[paper_row("Pass@1", "PSR higher", ..., "paper (MATH, Qwen)", "this run (mean of seeds [95% interval])")]``.
    """
    return [paper_row(q, p, r, paper_label, run_label) for q, p, r in rows]
