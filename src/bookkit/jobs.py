"""Jobs that re-run parts of the book: the independent replication, the variance split, and merging CI runs.

:func:`robustness` and :func:`run_variance` re-execute notebooks with other seeds into their own build
folders (``python -m bookkit.run execute`` with ``BOOK_BUILD_DIR`` set) and write their committed
records under ``data/verdicts``; :func:`collect` merges the build folders of the CI matrix's jobs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from bookkit.execution import execute_into, note_of
from bookkit.paths import BUILD, EXPECTED
from bookkit.records import (
    compare_replication,
    expectations_fingerprint,
    expected_run,
    load_records,
    note_fingerprint,
)
from bookkit.toc import toc_notebooks
from helpers.params import SCALE_SEEDS
from helpers.record_file import read_record, write_json_atomic


def robustness(seeds: list[int], scale: str = "ci", only: list[str] | None = None) -> dict[str, Any]:
    """The independent replication: re-execute the book with a disjoint seed set into ``_build/replication``.

    A seed is a (base, RL) pair, so the new seeds train new bases *and* run new RL seeds. The
    reference is the recorded expectation (``data/verdicts``) where there is one, else this build's
    record. Writes ``data/verdicts/replication.json`` (committed: the status page shows the
    replication's verdicts, the counts, and every deciding criterion that went pass <-> fail).
    """
    execute_into(BUILD / "replication", scale, seeds, only)
    return compare_replication(seeds, scale)


def collect(runs: list[Path]) -> None:
    """Merge the build folders of several runs (one notebook each, as the CI matrix makes them) into ``_build``:
    executed notebooks and verdict records side by side, and one timings table in reading order."""
    own = BUILD / "status" / "timings.json"  # notebooks this build already holds stay, unless a run replaces them
    timings: dict[str, dict[str, Any]] = (
        {t["notebook"]: t for t in json.loads(own.read_text())["notebooks"]} if own.exists() else {}
    )
    meta: dict[str, Any] = {}
    for folder in runs:
        for sub in ("executed", "verdicts"):
            if (folder / sub).is_dir():
                shutil.copytree(folder / sub, BUILD / sub, dirs_exist_ok=True)
        path = folder / "status" / "timings.json"
        if path.exists():
            data = json.loads(path.read_text())
            timings.update({t["notebook"]: t for t in data["notebooks"]})
            meta = {k: v for k, v in data.items() if k in ("scale", "seeds")}
    ordered = [timings[nb] for nb in toc_notebooks() if nb in timings]
    previous = json.loads(own.read_text()) if own.exists() else {}
    write_json_atomic(
        own,
        {
            **previous,
            **meta,
            "notebooks": ordered,
            "execute_wall_s": previous.get("execute_wall_s") or max((t["wall_s"] for t in ordered), default=0.0),
        },
    )
    print(f"[book] collected {len(ordered)} notebook(s) from {len(runs)} run(s) into {BUILD}")


def run_variance(notes: list[str] | None = None, compare_only: bool = False) -> int:
    """``make variance``: re-run a few notebooks with seeds ``1000 + s`` sharing base ``s``, and split the variance.

    Needs this build's ``ci`` records (seeds 0-4) in ``_build/verdicts``. Writes
    ``data/verdicts/variance.json`` (committed; the status page shows it) and prints the table.
    """
    from bookkit import variance

    notes = list(notes or variance.DEFAULT_NOTES)
    target = BUILD / "variance"
    seeds = [variance.PERIOD + s for s in SCALE_SEEDS["ci"]]
    if not compare_only:  # seed 1000 + s trains no base of its own: it shares the book's base s
        paths = [nb for nb in toc_notebooks() if note_of(nb) in notes]
        execute_into(target, "ci", seeds, paths, env={"BOOK_BASE_SEED_PERIOD": str(variance.PERIOD)})
    rerun = {}
    for path in sorted((target / "verdicts").glob("*.json")):
        record = read_record(path)
        if record is not None and record["note_id"] in notes:
            rerun[record["note_id"]] = record
    book_records = {n: r for n, r in load_records().items() if expected_run(r)}
    result = {**variance.compare(book_records, rerun), "expectations": expectations_fingerprint()}
    for row in result["notes"]:
        row["expectation"] = note_fingerprint(row["note"])
    write_json_atomic(EXPECTED / "variance.json", result)
    print(variance.table(result))
    return 0
