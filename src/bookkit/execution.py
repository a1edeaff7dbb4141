"""Executing the book's notebooks: each with papermill in its own child process, offline, timed.

:func:`execute` runs the notebooks of ``_toc.yml`` (or some of them) at a scale, ``jobs`` at once,
each kernel with one torch thread (``BOOK_TORCH_THREADS=1``; see :func:`helpers.runtime.setup`), so a
notebook's numbers never depend on the schedule. Each runs in a child process
(``python -m bookkit.run _one ...``, :func:`_execute_one`) so its kernel's peak memory and CPU time
can be measured; a failing notebook stops the run with the notebook and cell named (:func:`_check`).
"""

from __future__ import annotations

import fnmatch
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bookkit import corpus
from bookkit.paths import BUILD, EXPECTED, ROOT
from bookkit.toc import toc_notebooks
from helpers import runtime
from helpers.params import SCALES
from helpers.record_file import read_record, write_json_atomic
from helpers.runtime import default_cache_dir

#: Notebooks executed at once; each kernel gets one torch thread.
DEFAULT_JOBS = 2


def kernel_env() -> dict[str, str]:
    """The environment every notebook kernel runs in: offline, cache and verdicts under ``_build``."""
    env = dict(os.environ)
    env.update(runtime.OFFLINE_ENV)
    # trained bases persist across builds (content-addressed: the key holds the recipe, the seed and the
    # code that determines the weights, so a change to any of them trains anew): ~/.cache/reward-bias-book
    env.setdefault("BOOK_CACHE_DIR", str(default_cache_dir()))
    env["BOOK_VERDICT_DIR"] = str(BUILD / "verdicts")
    env.setdefault("BOOK_PROGRESS_INTERVAL", "30")
    env.setdefault("BOOK_TORCH_THREADS", "1")  # one thread per kernel, always: see the module docstring
    env.setdefault("BOOK_COMMIT", build_stamp()["commit"])
    env.setdefault("BOOK_BUILD_DATE", build_stamp()["build_date"])
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # figures inline even if the caller set Agg
    return env


def execute_into(
    build: Path,
    scale: str,
    seeds: list[int],
    only: list[str] | None = None,
    jobs: int | None = None,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> None:
    """Re-run notebooks into another build folder: ``python -m bookkit.run execute`` in a child process with
    ``BOOK_BUILD_DIR=build`` (its own records and timings) and the book's model cache, the one way the
    replication, the variance split and the seed-cost benchmark re-execute the book. Raises on a failure."""
    cmd = [sys.executable, "-m", "bookkit.run", "execute", "--scale", scale, "--seeds", *map(str, seeds)]
    cmd += ["--only", *only] if only else []
    cmd += ["--jobs", str(jobs)] if jobs else []
    subprocess.run(cmd, env={**os.environ, **(env or {}), "BOOK_BUILD_DIR": str(build)}, cwd=cwd, check=True)


def build_stamp() -> dict[str, str]:
    """The commit (short hash, ``-dirty`` with uncommitted changes; ``unknown`` outside git), today's date and
    the versions of torch, transformers and TRL: printed in every page's footer and kept in every verdict record."""
    from helpers.record_file import provenance

    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    commit = git("rev-parse", "--short=10", "HEAD") or "unknown"
    if commit != "unknown" and git("status", "--porcelain", "--untracked-files=no"):
        commit += "-dirty"
    versions = {k: v for k, v in provenance().items() if k in ("torch", "transformers", "trl")}
    return {"commit": commit, "build_date": time.strftime("%Y-%m-%d"), **{k: v or "?" for k, v in versions.items()}}


def _execute_one(src: str, out: str, scale: str, cwd: str, extra: str = "{}") -> int:
    """Child-process entry: run one notebook with papermill; print a JSON line with the kernel's usage.

    ``extra`` is a JSON object of further papermill parameters (e.g. ``{"seeds": [3, 4, 5]}``).
    """
    import papermill
    from traitlets.config import Config

    config = Config({"KernelManager": {"transport": "ipc"}})  # no "TCP without encryption" notice
    status: dict[str, Any] = {"outcome": "ok"}
    try:
        papermill.execute_notebook(
            src,
            out,
            parameters={"scale": scale, **json.loads(extra)},
            cwd=cwd,
            progress_bar=False,
            kernel_name="python3",
            language="python",
            config=config,
            shutdown_kernel="immediate",  # nothing runs at the kernel's exit; a graceful stop cost about 2 s each
        )
    except papermill.PapermillExecutionError as err:
        status = {"outcome": "failed", "cell": err.exec_count, "error": f"{err.ename}: {err.evalue}"}
    except Exception as err:  # a notebook that cannot be read or started is reported, not a bare traceback
        status = {"outcome": "failed", "cell": None, "error": f"{type(err).__name__}: {err}"}
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    status.update(cpu_s=usage.ru_utime + usage.ru_stime, peak_mib=usage.ru_maxrss / 1024)
    print("BOOK-STATUS " + json.dumps(status), flush=True)
    return 0 if status["outcome"] == "ok" else 1


def note_of(notebook: str) -> str | None:
    """The note id a notebook serves (None for the lab)."""
    for note in corpus.load_notes(ROOT / "data" / "corpus").values():
        if note.notebook == notebook:
            return note.id
    return None


def startup_seconds(executed: Path, wall_s: float) -> float:
    """Start-up share of a notebook's wall time: everything but its cells, plus the import cell.

    Kernel start, papermill's bookkeeping and the first cell that imports ``helpers`` (library
    imports and ``runtime.setup``) count as start-up; the other cells are the experiment.
    """
    try:
        cells = [c for c in nbformat_read(executed).cells if c.cell_type == "code"]
    except Exception:  # noqa: BLE001 - an unreadable copy has no split; the wall time still counts
        return float("nan")
    durations = [float(c.metadata.get("papermill", {}).get("duration") or 0.0) for c in cells]
    imports = next((d for c, d in zip(cells, durations) if "from helpers" in c.source), 0.0)
    return max(0.0, wall_s - sum(durations)) + imports


def nbformat_read(path: Path):  # noqa: ANN201
    """Read a notebook (nbformat v4)."""
    import nbformat

    return nbformat.read(path, as_version=4)


def _run_notebook(nb: str, scale: str, extra: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    """Execute one notebook in a child process; its timing record (``status`` holds the child's report)."""
    out = BUILD / "executed" / nb
    out.parent.mkdir(parents=True, exist_ok=True)
    workdir = BUILD / "work" / Path(nb).stem
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"[book] executing {nb} at scale={scale} ...", flush=True)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bookkit.run", "_one", str(ROOT / nb), str(out), scale, str(workdir), json.dumps(extra)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BOOK-STATUS ")]
    status = (
        json.loads(lines[-1][len("BOOK-STATUS ") :]) if lines else {"outcome": "crashed", "error": proc.stderr[-2000:]}
    )
    record = {
        "notebook": nb,
        "scale": scale,
        "wall_s": wall,
        "startup_s": startup_seconds(out, wall),
        "cpu_s": status.get("cpu_s", float("nan")),
        "peak_mib": status.get("peak_mib", float("nan")),
        "outcome": status["outcome"],
        "status": status,
    }
    print(
        f"[book]   {nb}: {status['outcome']} in {wall:.1f} s (start-up {record['startup_s']:.1f} s, "
        f"kernel CPU {record['cpu_s']:.1f} s, peak {record['peak_mib']:.0f} MiB)",
        flush=True,
    )
    return record


def _check(record: dict[str, Any]) -> None:
    """Stop the build, naming notebook and cell, when a notebook failed or wrote no valid verdict."""
    nb, status = record["notebook"], record.pop("status")
    if status["outcome"] != "ok":
        where = f"cell [{status.get('cell')}]" if status.get("cell") is not None else "start-up"
        raise SystemExit(
            f"[book] FAILED: {nb}, {where}: {status.get('error', '').strip()[-1500:]}\n"
            f"executed copy with the traceback: {BUILD / 'executed' / nb}"
        )
    note_id = note_of(nb)
    if note_id and read_record(BUILD / "verdicts" / f"{note_id}.json") is None:
        raise SystemExit(f"[book] FAILED: {nb} ran but wrote no valid verdict record for {note_id}")


def execute(
    scale: str, only: list[str] | None = None, seeds: list[int] | None = None, jobs: int = DEFAULT_JOBS
) -> list[dict[str, Any]]:
    """Execute the book's notebooks (or those matching ``only``) at ``scale``; return and save their timings.

    ``seeds`` overrides every notebook's ``seeds`` parameter. ``jobs`` notebooks run at once
    (longest first, by this build folder's last wall times, else those of the recorded build in
    ``data/verdicts/timings.json``), each kernel with one torch thread.
    """
    if scale not in SCALES:
        raise SystemExit(f"--scale {scale!r} is not one of {SCALES}")
    if jobs < 1:
        raise SystemExit(f"--jobs must be >= 1, got {jobs}")
    if seeds is not None and not seeds:
        raise SystemExit("--seeds needs at least one seed")
    notebooks = toc_notebooks()
    if only:
        notebooks = [nb for nb in notebooks if any(fnmatch.fnmatch(nb, f"*{p}*") for p in only)]
        if not notebooks:
            raise SystemExit(f"no notebook in _toc.yml matches {only}")
    timings_path = BUILD / "status" / "timings.json"
    previous = (
        {t["notebook"]: t for t in json.loads(timings_path.read_text())["notebooks"]} if timings_path.exists() else {}
    )
    env = kernel_env()
    extra = {"seeds": list(seeds)} if seeds is not None else {}
    for nb in notebooks:  # a killed run leaves no stale record behind
        note_id = note_of(nb)
        if note_id:
            (BUILD / "verdicts" / f"{note_id}.json").unlink(missing_ok=True)
    start = time.perf_counter()
    timings = []
    if jobs == 1:
        for nb in notebooks:
            timings.append(_run_notebook(nb, scale, extra, env))
            _check(timings[-1])
    else:
        from concurrent.futures import ThreadPoolExecutor

        recorded = EXPECTED / "timings.json"  # a clean clone has no timings of its own: the recorded build's
        fallback = json.loads(recorded.read_text())["wall_s"] if recorded.exists() else {}
        expected_wall = {nb: previous.get(nb, {}).get("wall_s", fallback.get(nb, 0.0)) for nb in notebooks}
        order = sorted(notebooks, key=lambda nb: -expected_wall[nb])  # stable: reading order when unknown
        with ThreadPoolExecutor(jobs) as pool:
            done = dict(zip(order, pool.map(lambda nb: _run_notebook(nb, scale, extra, env), order)))
        timings = [done[nb] for nb in notebooks]
        for record in timings:
            _check(record)
    elapsed = time.perf_counter() - start
    previous.update({t["notebook"]: t for t in timings})
    ordered = [previous[nb] for nb in toc_notebooks() if nb in previous]
    old = json.loads(timings_path.read_text()) if timings_path.exists() else {}
    write_json_atomic(
        timings_path,
        {**old, "scale": scale, "jobs": jobs, "seeds": seeds, "notebooks": ordered, "execute_wall_s": elapsed},
    )
    print(f"[book] executed {len(timings)} notebook(s) in {elapsed:.1f} s", flush=True)
    return timings
