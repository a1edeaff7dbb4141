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

import json
import math
import operator
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

REPRODUCED, PARTLY, NOT_REPRODUCED = "reproduced", "partly reproduced", "not reproduced at this scale"
INCONCLUSIVE = "inconclusive at this budget"
PREMISE_NOT_MET = "premise not met at this scale"
VERDICT_WORDS = (REPRODUCED, PARTLY, INCONCLUSIVE, NOT_REPRODUCED, PREMISE_NOT_MET)
PASS, FAIL, UNRESOLVED = "pass", "fail", "unresolved"
_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
RECORD_SCHEMA = 3
INTERVAL_METHOD = (
    "95% Student-t interval of the mean over seeds (n-1 degrees of freedom); "
    "95% Wilson interval for a 0/1 outcome per seed"
)

#: Two-sided 95% quantiles t(0.975, df) for df = 1..30 (standard table values).
_T975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)


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
    if op not in _OPS:
        raise ValueError(f"op={op!r} is not one of {tuple(_OPS)}")
    if math.isnan(low) or math.isnan(high):
        return FAIL
    worst, best = (low, high) if op in (">=", ">") else (high, low)
    if _OPS[op](worst, threshold):
        return PASS
    return UNRESOLVED if _OPS[op](best, threshold) else FAIL


def where(values: Sequence[float], reference: float = 0.0, digits: int = 3, unit: str = "") -> str:
    """Words for where the 95% interval of ``values`` lies against ``reference``, for prose built from a run:
    ``"above 0 (0.12 [0.05, 0.19])"``, ``"below 0 (...)"`` or ``"not distinguishable from 0 (...)"``."""
    _, low, high = mean_interval(values)
    ref = _fmt(reference, digits)
    text = format_interval(values, digits, unit)
    if low > reference:
        return f"above {ref} ({text})"
    if high < reference:
        return f"below {ref} ({text})"
    return f"not distinguishable from {ref} ({text})"


def format_interval(values: Sequence[float], digits: int = 3, unit: str = "") -> str:
    """``"0.123 [0.101, 0.145]"``: mean and 95% interval over seeds, for prose built from a run."""
    mean, low, high = mean_interval(values)
    if math.isinf(low):
        return f"{_fmt(mean, digits)}{unit} (one seed, no interval)"
    return f"{_fmt(mean, digits)}{unit} [{_fmt(low, digits)}, {_fmt(high, digits)}]"


def say(text: str):  # noqa: ANN201 - IPython display object
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
    ``per_seed=`` is the old spelling of ``by_seed=..., every_seed=True``.
    """

    name: str
    measured: float | Sequence[float] | None = None
    threshold: float = 0.0
    op: str = ">="
    per_seed: list[float] | None = None
    decides: bool = True
    unit: str = ""
    by_seed: list[float] | None = None
    every_seed: bool = False
    binary: bool = False

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"op={self.op!r} is not one of {tuple(_OPS)}")
        if self.per_seed is not None:
            if self.by_seed is not None:
                raise ValueError(f"{self.name}: give per_seed (every seed) or by_seed (mean), not both")
            self.by_seed, self.per_seed, self.every_seed = list(self.per_seed), None, True
            if self.measured is not None and not isinstance(self.measured, Sequence):
                self.measured = None  # the old convention stored the worst seed here: the mean decides now
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
        return not math.isnan(value) and _OPS[self.op](value, self.threshold)

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
            return f"{_fmt(self.measured, digits)}{self.unit} (exact, no seeds)"
        mean, low, high = self.interval
        if self.binary:
            ones = f"{int(sum(self.by_seed))}/{len(self.by_seed)} seeds"
            return f"{ones} = {_fmt(mean, digits)} [{_fmt(low, digits)}, {_fmt(high, digits)}] (Wilson)"
        text = (
            format_interval(self.values, digits, self.unit)
            + " ("
            + ", ".join(_fmt(v, digits) for v in self.values)
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


ADMONITION_CLASS = {
    REPRODUCED: "tip",
    PARTLY: "warning",
    INCONCLUSIVE: "note",
    NOT_REPRODUCED: "danger",
    PREMISE_NOT_MET: "caution",
}


def key_text(key: dict[str, Any]) -> str:
    """``label = mean [low, high]`` (or ``label = value``) of a record's key number."""
    if key.get("low") is None:
        return f"{key['label']} = {_fmt(key['value'])}"
    return f"{key['label']} = {_fmt(key['value'])} [{_fmt(key['low'])}, {_fmt(key['high'])}]"


def admonition_text(record: dict[str, Any], note: str = "") -> str:
    """The MyST admonition of a verdict record: the word, the counts and reason, the key number (and ``note``)."""
    kind = ADMONITION_CLASS[record["verdict"]]
    return (
        f":::{{admonition}} Verdict: {record['verdict']}\n:class: {kind}\n\n{record['reason']}. "
        f"Key number: {key_text(record['key_number'])} (mean of seeds, 95% interval).{note}\n:::"
    )


#: Box colours of the HTML verdict (Jupyter, Colab, GitHub), by admonition class.
_BOX_COLOUR = {"tip": "#2e7d32", "warning": "#ef8f00", "note": "#546e7a", "danger": "#c62828", "caution": "#5e35b1"}


class VerdictBox:
    """A verdict shown everywhere: ``text/markdown`` holds the MyST admonition the book renders (myst-nb is
    set to prefer it, ``_config.yml``), ``text/html`` a styled box for Jupyter, Colab and GitHub, which do not
    know MyST, and ``text/plain`` the same words for a terminal."""

    def __init__(self, record: dict[str, Any], note: str = "") -> None:
        self.record, self.note = record, note

    def _repr_markdown_(self) -> str:
        return admonition_text(self.record, self.note)

    def _repr_html_(self) -> str:
        import html

        colour = _BOX_COLOUR[ADMONITION_CLASS[self.record["verdict"]]]
        body = html.escape(
            f"{self.record['reason']}. Key number: {key_text(self.record['key_number'])} "
            f"(mean of seeds, 95% interval).{self.note}"
        )
        return (
            f'<div style="border-left:6px solid {colour};background:{colour}14;padding:0.6em 1em;margin:0.5em 0">'
            f'<p style="margin:0 0 0.3em 0;font-weight:bold;color:{colour}">Verdict: '
            f'{html.escape(self.record["verdict"])}</p><p style="margin:0">{body}</p></div>'
        )

    def __repr__(self) -> str:
        return (
            f"Verdict: {self.record['verdict']}. {self.record['reason']}. "
            f"Key number: {key_text(self.record['key_number'])}"
        )


def _fmt(x: float, digits: int = 3) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:.{digits}g}" if abs(x) < 1000 else f"{x:,.0f}"


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
                + "; ".join(f"{p.name} = {p.describe()}, needs {p.op} {_fmt(p.threshold)}" for p in unmet)
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
                    "threshold": f"{c.op} {_fmt(c.threshold)}{c.unit}",
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


def provenance() -> dict[str, str | None]:
    """What produced a record: the book's commit and build date (``$BOOK_COMMIT``, ``$BOOK_BUILD_DATE``, set
    by the runner; ``None`` elsewhere, e.g. on Colab) and the versions of torch, transformers and TRL."""
    from importlib import metadata

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "commit": os.environ.get("BOOK_COMMIT"),
        "build_date": os.environ.get("BOOK_BUILD_DATE"),
        "torch": version("torch"),
        "transformers": version("transformers"),
        "trl": version("trl"),
    }


def _criterion_record(c: Criterion) -> dict[str, Any]:
    interval = c.interval
    low, high = (None, None) if interval is None or math.isinf(interval[1]) else (interval[1], interval[2])
    row = {k: v for k, v in asdict(c).items() if k != "per_seed"}
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


def write_json_atomic(path: Path, payload: dict[str, Any]) -> Path:
    """Write JSON to a temporary sibling and rename it over ``path``: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(payload, f, indent=1, sort_keys=True)
            f.write("\n")
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


def first_design(note_id: str) -> dict[str, Any]:
    """The verdict record of a claim's first design, kept when an experiment was redesigned.

    A redesigned notebook shows its first design's numbers beside its own; when that design
    can no longer run beside the new one (another base, another critique format), the last
    record it produced is kept in ``helpers/first_designs/<note_id>.json`` (package data, so it
    is there on Colab too). Returns the record; ``criteria`` maps name to the recorded mean.
    """
    from importlib import resources

    text = (resources.files("helpers") / "first_designs" / f"{note_id}.json").read_text()
    record = json.loads(text)
    record["criteria"] = {c["name"]: c["mean"] for c in record["criteria"]}
    return record
