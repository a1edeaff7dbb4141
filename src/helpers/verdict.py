"""From criteria to a verdict: compare measured values with thresholds, render, and record.

A claim notebook builds a list of :class:`Criterion` from its own run, wraps them in a
:class:`Verdict`, shows :meth:`Verdict.admonition` near the top of the results and
:meth:`Verdict.table` in full, and records it (:meth:`Verdict.publish` does all three) so the chapter pages,
the execution-status page and the tests can read it. Nothing here knows any number in
advance: the verdict word is a function of the measured values and the thresholds.

Verdict words: ``reproduced`` (every deciding criterion passes), ``partly reproduced``
(some do), ``not reproduced at this scale`` (none do).
"""

from __future__ import annotations

import json
import math
import operator
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

REPRODUCED, PARTLY, NOT_REPRODUCED = "reproduced", "partly reproduced", "not reproduced at this scale"
VERDICT_WORDS = (REPRODUCED, PARTLY, NOT_REPRODUCED)
_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
RECORD_SCHEMA = 1


@dataclass
class Criterion:
    """One test of the claim: ``measured <op> threshold``.

    ``per_seed`` holds the value in each seed when the criterion must hold "in every
    seed": then it passes only if every seed's value passes too. ``decides=False``
    marks a *report only* row: shown with its numbers, not counted in the verdict.
    ``by_seed`` holds per-seed values of a criterion decided on their mean: shown beside
    the mean, not tested one by one.
    """

    name: str
    measured: float
    threshold: float
    op: str = ">="
    per_seed: list[float] | None = None
    decides: bool = True
    unit: str = ""
    by_seed: list[float] | None = None

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"op={self.op!r} is not one of {tuple(_OPS)}")
        self.measured = float(self.measured)
        self.threshold = float(self.threshold)
        if self.per_seed is not None:
            self.per_seed = [float(v) for v in self.per_seed]
        if self.by_seed is not None:
            self.by_seed = [float(v) for v in self.by_seed]

    @property
    def passed(self) -> bool:
        """Whether the measured value (and every seed's value, if given) meets the threshold."""
        compare = _OPS[self.op]
        if math.isnan(self.measured) or not compare(self.measured, self.threshold):
            return False
        return self.per_seed is None or all(compare(v, self.threshold) for v in self.per_seed)


def verdict_word(criteria: list[Criterion]) -> str:
    """``reproduced`` / ``partly reproduced`` / ``not reproduced at this scale`` from the deciding criteria."""
    deciding = [c for c in criteria if c.decides]
    if not deciding:
        raise ValueError("a verdict needs at least one deciding criterion")
    passed = sum(c.passed for c in deciding)
    if passed == len(deciding):
        return REPRODUCED
    return PARTLY if passed else NOT_REPRODUCED


def admonition_text(record: dict[str, Any], note: str = "") -> str:
    """The MyST admonition of a verdict record: the word, the one-line reason, the key number (and ``note``)."""
    kind = {REPRODUCED: "tip", PARTLY: "warning", NOT_REPRODUCED: "danger"}[record["verdict"]]
    key = record["key_number"]
    return (f":::{{admonition}} Verdict: {record['verdict']}\n:class: {kind}\n\n{record['reason']}. "
            f"Key number: {key['label']} = {_fmt(key['value'])}.{note}\n:::")


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "nan"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


@dataclass
class Verdict:
    """The outcome of one claim notebook's run.

    Attributes:
        note_id: the corpus note (``"n01"``).
        claim: one line saying what was tested.
        criteria: the criteria, deciding and report-only.
        key_number: ``(label, value)`` shown in the chapter's evidence table.
        paper_vs_run: rows ``{"quantity", "paper", "this run"}`` for the side-by-side table.
        parameters: the run's parameters (scale, seeds, thresholds...).
    """

    note_id: str
    claim: str
    criteria: list[Criterion]
    key_number: tuple[str, float]
    paper_vs_run: list[dict[str, str]] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def word(self) -> str:
        """The verdict word."""
        return verdict_word(self.criteria)

    @property
    def reason(self) -> str:
        """One line: which deciding criteria passed and which failed."""
        deciding = [c for c in self.criteria if c.decides]
        failed = [c.name for c in deciding if not c.passed]
        if not failed:
            return f"all {len(deciding)} deciding criteria pass"
        return f"{len(deciding) - len(failed)} of {len(deciding)} deciding criteria pass; failed: " + "; ".join(failed)

    def table(self) -> pd.DataFrame:
        """The criteria as a table: criterion, measured (and per seed), threshold, pass, decides."""
        rows = []
        for c in self.criteria:
            values = c.per_seed if c.per_seed is not None else c.by_seed
            seeds = "" if values is None else " (" + ", ".join(_fmt(v) for v in values) + ")"
            rows.append(
                {
                    "criterion": c.name,
                    "measured (per seed)": _fmt(c.measured) + c.unit + seeds,
                    "threshold": f"{c.op} {_fmt(c.threshold)}{c.unit}",
                    "pass": "yes" if c.passed else "no",
                    "decides verdict": "yes" if c.decides else "report only",
                }
            )
        return pd.DataFrame(rows)

    def paper_table(self) -> pd.DataFrame:
        """The paper's headline numbers beside this run's."""
        return pd.DataFrame(self.paper_vs_run)

    def admonition(self):  # noqa: ANN201 - IPython display object
        """A short MyST admonition with the verdict and its one-line reason (for the top of the results)."""
        from IPython.display import Markdown

        return Markdown(admonition_text(self.to_record()))

    def summary(self) -> str:
        """One line with the verdict and every criterion's measured value (what nbval compares across runs)."""
        values = "; ".join(f"{c.name} = {c.measured:.6g}" for c in self.criteria)
        return f"{self.note_id}: {self.word} | {values}"

    def to_record(self) -> dict[str, Any]:
        """The JSON-able record the book and tests read."""
        return {
            "schema": RECORD_SCHEMA,
            "note_id": self.note_id,
            "claim": self.claim,
            "verdict": self.word,
            "reason": self.reason,
            "key_number": {"label": self.key_number[0], "value": float(self.key_number[1])},
            "criteria": [{**asdict(c), "passed": c.passed} for c in self.criteria],
            "paper_vs_run": self.paper_vs_run,
            "parameters": self.parameters,
            "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
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


def write_json_atomic(path: Path, payload: dict[str, Any]) -> Path:
    """Write JSON to a temporary sibling and rename it over ``path``: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(payload, f, indent=1, sort_keys=True)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_record(path: str | Path) -> dict[str, Any] | None:
    """A verdict record, or ``None`` if it is missing, unreadable, partial or of another schema."""
    try:
        record = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    if record.get("complete") is not True or record.get("schema") != RECORD_SCHEMA:
        return None
    if record.get("verdict") not in VERDICT_WORDS:
        return None
    return record
