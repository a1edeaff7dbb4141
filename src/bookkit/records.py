"""Verdict records across builds: the expectation check, re-recording, pooling and the replication.

``data/verdicts/<note>.json`` is the committed record of each claim notebook at scale ``ci``
with its default seeds (:func:`record_expectations`, never typed). A build compares every new
record with it (:func:`compare_records`: a changed verdict word, a criterion or premise whose mean
falls outside its recorded interval). ``make replicate`` re-runs the book with disjoint seeds,
so new bases and new RL seeds, and :func:`compare_replication` writes what moved.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from bookkit.paths import BUILD, EXPECTED
from helpers.params import SCALE_SEEDS
from helpers.record_file import read_record, write_json_atomic


def load_records() -> dict[str, dict[str, Any]]:
    """Valid verdict records of the last execution, by note id (partial or corrupt files are ignored)."""
    records = {}
    for path in sorted((BUILD / "verdicts").glob("*.json")):
        record = read_record(path)
        if record is not None:
            records[record["note_id"]] = record
    return records


def expected_run(record: dict[str, Any]) -> bool:
    """Whether a record comes from the run the expectations are about: scale ``ci``, default seeds."""
    parameters = record.get("parameters", {})
    return parameters.get("scale") == "ci" and parameters.get("seeds") == SCALE_SEEDS["ci"]


def compare_records(new: dict[str, Any], expected: dict[str, Any], tolerance: float = 1e-6) -> list[str]:
    """What differs between a new verdict record and the recorded one (empty: the run met its expectation).

    A difference is: another verdict word; a criterion added or removed; a criterion whose new
    value (its mean over seeds) lies outside the recorded 95% interval (widened by ``tolerance``,
    relative, so that a zero-width interval allows float noise); or, for a value with no interval
    (exact, or one seed), one that moved by more than ``tolerance`` (relative).
    """
    problems = []
    if new["verdict"] != expected["verdict"]:
        problems.append(f"verdict '{new['verdict']}', recorded '{expected['verdict']}'")

    def rows(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {
            **{c["name"]: c for c in record["criteria"]},
            **{f"premise: {c['name']}": c for c in record.get("premises", [])},
        }

    old, now = rows(expected), rows(new)
    for name in sorted(set(old) ^ set(now)):
        problems.append(f"criterion '{name}' {'is new' if name in now else 'is gone'}")
    for name in [n for n in now if n in old]:
        c, e = now[name], old[name]
        value = c["mean"] if c.get("mean") is not None else c["measured"]
        if e.get("low") is not None and e.get("high") is not None:
            slack = tolerance * max(1.0, abs(value))  # a zero-width interval (all seeds equal) allows float noise
            if not e["low"] - slack <= value <= e["high"] + slack:
                problems.append(
                    f"'{name}': {value:.4g} outside the recorded interval [{e['low']:.4g}, {e['high']:.4g}]"
                )
        else:
            reference = e["mean"] if e.get("mean") is not None else e["measured"]
            same = (value != value and reference != reference) or abs(value - reference) <= tolerance * max(
                1.0, abs(reference)
            )
            if not same:
                problems.append(f"'{name}': {value:.6g}, recorded {reference:.6g} (no interval: must be equal)")
    return problems


def check_expectations(records: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Compare the build's ``ci`` records with ``data/verdicts``; write and return ``_build/status/expectations.json``.

    Each note gets ``status``: ``matches``, ``differs`` (with the differences), ``not recorded``
    (no committed record yet) or ``not compared`` (the run's scale or seeds are not the recorded ones).
    """
    records = load_records() if records is None else records
    notes = {}
    for note_id, record in sorted(records.items()):
        expected = read_record(EXPECTED / f"{note_id}.json")
        if not expected_run(record):
            notes[note_id] = {"status": "not compared", "problems": []}
        elif expected is None:
            notes[note_id] = {"status": "not recorded", "problems": []}
        else:
            problems = compare_records(record, expected)
            notes[note_id] = {"status": "differs" if problems else "matches", "problems": problems}
    result = {"notes": notes}
    write_json_atomic(BUILD / "status" / "expectations.json", result)
    return result


def report_expectations(result: dict[str, Any]) -> int:
    """Print the expectation check; return 1 when a record differs or is missing, else 0."""
    failed = 0
    for note_id, row in result["notes"].items():
        print(f"[expect] {note_id}: {row['status']}" + "".join(f"\n[expect]     {p}" for p in row["problems"]))
        failed += row["status"] in ("differs", "not recorded")
    if failed:
        print(
            f"[expect] FAILED: {failed} note(s) differ from data/verdicts or have no recorded expectation. "
            "If the change is deliberate, run `python -m bookkit.run record` and commit data/verdicts with the reason.",
            flush=True,
        )
    return 1 if failed else 0


def record_expectations() -> list[Path]:
    """Copy the last build's ``ci`` verdict records into ``data/verdicts`` (the recorded expectations)."""
    records = load_records()
    wrong = sorted(n for n, r in records.items() if not expected_run(r))
    if wrong or not records:
        raise SystemExit(
            f"[book] record: needs a build at scale ci with the default seeds {SCALE_SEEDS['ci']}; "
            f"these records are not: {wrong or 'none found'}"
        )
    written = []
    for note_id, record in sorted(records.items()):
        record = {k: v for k, v in record.items() if k != "written_at"}
        written.append(write_json_atomic(EXPECTED / f"{note_id}.json", record))
    timings = BUILD / "status" / "timings.json"
    if timings.exists():  # the execution order of a build with no timings of its own (a clean clone: CI)
        walls = {t["notebook"]: round(t["wall_s"], 1) for t in json.loads(timings.read_text())["notebooks"]}
        written.append(write_json_atomic(EXPECTED / "timings.json", {"wall_s": walls}))
    print(f"[book] recorded {len(written)} verdict records (and the build's wall times) in {EXPECTED}")
    return written


def pooled_verdict(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The verdict of two records of one notebook with disjoint seed sets, their seeds pooled.

    Each deciding criterion present in both gets the two sets' per-seed values together (an exact
    value keeps the first record's); the statuses and the verdict word are recomputed with the usual
    rules. Returns ``{"verdict", "counts", "seeds"}``.
    """
    from helpers.verdict import Criterion, counts, verdict_word

    def pooled(first_rows: list[dict[str, Any]], second_rows: list[dict[str, Any]]) -> list[Criterion]:
        other = {c["name"]: c for c in second_rows}
        out = []
        for c in first_rows:
            if not c["decides"]:
                continue
            d = other.get(c["name"], {})
            flags = {"every_seed": bool(c.get("every_seed")), "binary": bool(c.get("binary"))}
            if c.get("by_seed") is not None and d.get("by_seed") is not None:
                out.append(
                    Criterion(c["name"], None, c["threshold"], c["op"], by_seed=c["by_seed"] + d["by_seed"], **flags)
                )
            else:
                out.append(Criterion(c["name"], c["measured"], c["threshold"], c["op"]))
        return out

    criteria = pooled(first["criteria"], second["criteria"])
    premises = pooled(first.get("premises", []), second.get("premises", []))
    seeds = list(first["parameters"].get("seeds", [])) + list(second["parameters"].get("seeds", []))
    return {"verdict": verdict_word(criteria, premises), "counts": counts(criteria), "seeds": seeds}


def expectations_fingerprint(folder: Path = EXPECTED) -> str:
    """A short hash of the recorded expectations (``n*.json``): which records a robustness run was compared with.

    After a re-record the fingerprint changes, and the status page marks an older robustness run
    as stale instead of pooling seeds that ran on different code.
    """
    digest = hashlib.sha256()
    for path in sorted(folder.glob("n*.json")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def note_fingerprint(note_id: str, folder: Path = EXPECTED) -> str:
    """A short hash of one note's recorded expectation: which record a replication row was compared with."""
    path = folder / f"{note_id}.json"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else ""


def stale_notes(result: dict[str, Any], folder: Path = EXPECTED) -> list[str]:
    """The notes of a replication (or variance) record compared with an expectation that has since been re-recorded.

    Rows carry their note's fingerprint (``expectation``); a record written before rows had one is
    judged by its whole-folder fingerprint.
    """
    whole = result.get("expectations") == expectations_fingerprint(folder)
    return [
        row["note"]
        for row in result.get("notes", [])
        if ("expectation" in row and row["expectation"] != note_fingerprint(row["note"], folder))
        or ("expectation" not in row and not whole)
    ]


def criterion_rows(first: dict[str, Any], other: dict[str, Any]) -> list[dict[str, Any]]:
    """Per deciding criterion and premise of one note: the book's and the replication's mean, interval,
    status and per-seed values, whether the replication's mean is outside the book's interval, and whether
    the status went pass <-> fail (a *contradiction*; a move to or from ``unresolved`` is not one)."""

    def rows_of(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
        rows = {c["name"]: c for c in record["criteria"] if c["decides"]}
        rows.update({f"premise: {c['name']}": c for c in record.get("premises", [])})
        return rows

    mine, theirs = rows_of(first), rows_of(other)
    out = []
    for name, c in mine.items():
        d = theirs.get(name)
        if d is None:
            continue
        outside = (
            c.get("low") is not None
            and d.get("mean") is not None
            and not (c["low"] - 1e-9 <= d["mean"] <= c["high"] + 1e-9)
        )
        out.append(
            {
                "criterion": name,
                "book": {k: c.get(k) for k in ("mean", "low", "high", "status", "by_seed")},
                "replication": {k: d.get(k) for k in ("mean", "low", "high", "status", "by_seed")},
                "mean outside the book's interval": bool(outside),
                "contradiction": {c["status"], d["status"]} == {"pass", "fail"},
            }
        )
    return out


def kept_rows(path: Path, rerun: set[str], seeds: list[int], scale: str) -> list[dict[str, Any]]:
    """The rows of an earlier replication record that still hold: notes not re-run now, same seeds and
    scale, compared with the expectation that is still recorded. So a replication can be run a few
    notebooks at a time; a row whose note was re-recorded since is dropped, not kept as stale."""
    try:
        earlier = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    if not earlier or earlier.get("seeds") != seeds or earlier.get("scale") != scale:
        return []
    stale = set(stale_notes(earlier, path.parent))
    kept = []
    for row in earlier.get("notes", []):
        if row["note"] in rerun or row["note"] in stale:
            continue
        kept.append(
            {
                **row,
                "expectation": row.get("expectation") or note_fingerprint(row["note"], path.parent),
                "written_at": row.get("written_at") or earlier.get("written_at"),
            }
        )
    return kept


def compare_replication(seeds: list[int], scale: str = "ci") -> dict[str, Any]:
    """Compare the records in ``_build/replication/verdicts`` with the recorded expectations (or this
    build's records); write ``data/verdicts/replication.json`` (per-seed values kept, so the
    replication can be audited) and return it."""
    target = BUILD / "replication"
    built = load_records()
    rows = []
    for path in sorted((target / "verdicts").glob("*.json")):
        other = read_record(path)
        if other is None:
            continue
        first = read_record(EXPECTED / f"{other['note_id']}.json") or built.get(other["note_id"])
        if first is None:
            continue
        criteria = criterion_rows(first, other)
        pooled = pooled_verdict(first, other)
        rows.append(
            {
                "note": other["note_id"],
                "seeds (book)": first["parameters"].get("seeds"),
                "verdict (book)": first["verdict"],
                "seeds (re-run)": other["parameters"].get("seeds", seeds),
                "verdict (re-run)": other["verdict"],
                "counts (re-run)": other["counts"],
                "changed": first["verdict"] != other["verdict"],
                "criteria that changed status": [
                    r["criterion"] for r in criteria if r["book"]["status"] != r["replication"]["status"]
                ],
                "contradictions": [r["criterion"] for r in criteria if r["contradiction"]],
                "means outside the book's interval": sum(r["mean outside the book's interval"] for r in criteria),
                "criteria": criteria,
                "verdict (pooled)": pooled["verdict"],
                "counts (pooled)": pooled["counts"],
            }
        )
    for row in rows:
        row["expectation"] = note_fingerprint(row["note"])
        row["written_at"] = time.strftime("%Y-%m-%d")
    rows += kept_rows(EXPECTED / "replication.json", {r["note"] for r in rows}, seeds, scale)
    rows.sort(key=lambda r: r["note"])
    result = {
        "scale": scale,
        "seeds": seeds,
        "written_at": time.strftime("%Y-%m-%d"),
        "notes": rows,
        "changed": sum(r["changed"] for r in rows),
        "contradictions": sum(len(r["contradictions"]) for r in rows),
        "means outside": sum(r["means outside the book's interval"] for r in rows),
        "criteria compared": sum(len(r["criteria"]) for r in rows),
        "expectations": expectations_fingerprint(),
    }
    write_json_atomic(EXPECTED / "replication.json", result)
    for row in rows:
        print(
            f"[replicate] {row['note']}: {row['verdict (book)']} -> {row['verdict (re-run)']}; "
            f"pooled: {row['verdict (pooled)']}"
            + (
                f" (status changed: {', '.join(row['criteria that changed status'])})"
                if row["criteria that changed status"]
                else ""
            )
            + (f" CONTRADICTED: {', '.join(row['contradictions'])}" if row["contradictions"] else "")
        )
    print(
        f"[replicate] {result['changed']} of {len(rows)} verdict words changed with seeds {seeds} "
        "(new bases, new RL seeds); "
        f"{result['contradictions']} deciding criteria went pass <-> fail; {result['means outside']} of "
        f"{result['criteria compared']} means outside the book's interval"
    )
    return result
