"""The book's command line: execute notebooks with papermill, time them, and build the HTML.

::

    python -m bookkit.run execute [--scale ci] [--only PATTERN ...] [--jobs 2]  # notebooks -> _build/executed
    python -m bookkit.run build                                        # stage + jupyter-book -> _build/html
    python -m bookkit.run all [--scale ci]                             # both, then the expectation check
    python -m bookkit.run bench [--scale ci]                           # both, then the timing table
    python -m bookkit.run table                                        # the timing table of the last run
    python -m bookkit.run seedcost [--only NB ...] [--counts 1 3 5 10] # cost of 1, 3, 5, 10 seeds (benchmark)
    python -m bookkit.run check                                        # the last run's records vs data/verdicts
    python -m bookkit.run record                                       # the last run's records -> data/verdicts
    python -m bookkit.run replicate --seeds 20 21 22 23 24            # new bases and RL seeds, compare verdicts
    python -m bookkit.run chapters                                     # refresh committed chapter pages
    python -m bookkit.run student                                      # notebooks without solutions -> _build/student
    python -m bookkit.run scaffold QUESTION.txt [--claims DIR]         # a new chapter from a corpus question

Each notebook runs in its own child process (so its kernel's peak memory and CPU time
can be measured), offline, with the verdict directory and model cache under
``_build/``. A failing notebook stops the run with the notebook and cell named. The
verdict record of a notebook is deleted before it runs, so a run killed midway never
leaves a stale record that a later build would read as valid.

Two notebooks run at once, each kernel with one torch thread, whether the build runs one
notebook or all of them (``BOOK_TORCH_THREADS=1``; see :func:`helpers.runtime.setup`): a
2-core machine is kept busy and a notebook's numbers never depend on the schedule.

**Recorded expectations.** ``data/verdicts/<note>.json`` is the committed verdict record of
each claim notebook at scale ``ci`` with its default seeds, written by ``record`` from a
build, never by hand. ``all`` compares every new record with it (:func:`compare_records`) and
fails, after building the HTML, on a changed verdict word or a value outside its recorded
interval; a deliberate change is committed by re-recording, so the diff shows it.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from helpers import runtime
from helpers.lm.models import default_cache_dir
from bookkit import book
from bookkit import corpus
from bookkit import evidence
from bookkit import instructor
from bookkit import scaffold
from bookkit import seedcost
from helpers.params import SCALE_SEEDS, SCALES
from helpers.verdict import admonition_text, read_record, write_json_atomic

from bookkit.paths import BUILD, EXPECTED, ROOT
from bookkit.records import (check_expectations, compare_records, compare_replication, expected_run,  # noqa: F401
                             expectations_fingerprint, load_records, pooled_verdict, record_expectations,
                             report_expectations)
#: Notebooks executed at once; each kernel gets one torch thread.
DEFAULT_JOBS = 2
#: Seeds of the independent replication: as many as ``ci`` runs, disjoint from every scale's seeds (``full``
#: uses 0-9). A seed is a (base, RL) pair, so these are new bases *and* new RL seeds.
REPLICATION_SEEDS = [20, 21, 22, 23, 24]
ROBUSTNESS_SEEDS = REPLICATION_SEEDS  # the command's old name


def toc_files(root: Path = ROOT) -> list[str]:
    """Every ``file:`` entry of ``_toc.yml`` in reading order (without extension), root first."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))
            for part_key in ("chapters", "parts"):
                walk(entry.get(part_key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return files


def toc_notebooks(root: Path = ROOT) -> list[str]:
    """The notebooks the book contains (``notebooks/...ipynb``), in reading order (:func:`bookkit.toc.notebooks`)."""
    from bookkit import toc

    return toc.notebooks(root)


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


def build_stamp() -> dict[str, str]:
    """The commit (short hash, ``-dirty`` with uncommitted changes; ``unknown`` outside git), today's date and
    the versions of torch, transformers and TRL: printed in every page's footer and kept in every verdict record."""
    from helpers.verdict import provenance

    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    commit = git("rev-parse", "--short=10", "HEAD") or "unknown"
    if commit != "unknown" and git("status", "--porcelain", "--untracked-files=no"):
        commit += "-dirty"
    versions = {k: v for k, v in provenance().items() if k in ("torch", "transformers", "trl")}
    return {"commit": commit, "build_date": time.strftime("%Y-%m-%d"), **{k: v or "?" for k, v in versions.items()}}


def footer_html(stamp: dict[str, str]) -> str:
    """The build stamp as the footer line of every page."""
    return (f"Built from commit <code>{stamp['commit']}</code> on {stamp['build_date']} with torch {stamp['torch']}, "
            f"transformers {stamp['transformers']}, TRL {stamp['trl']}. Code: MIT licence; text and figures: CC BY 4.0.")


def _execute_one(src: str, out: str, scale: str, cwd: str, extra: str = "{}") -> int:
    """Child-process entry: run one notebook with papermill; print a JSON line with the kernel's usage.

    ``extra`` is a JSON object of further papermill parameters (e.g. ``{"seeds": [3, 4, 5]}``).
    """
    import papermill
    from traitlets.config import Config

    config = Config({"KernelManager": {"transport": "ipc"}})  # no "TCP without encryption" notice
    status: dict[str, Any] = {"outcome": "ok"}
    try:
        papermill.execute_notebook(src, out, parameters={"scale": scale, **json.loads(extra)}, cwd=cwd, progress_bar=False,
                                   kernel_name="python3", language="python", config=config)
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
    proc = subprocess.run([sys.executable, "-m", "bookkit.run", "_one", str(ROOT / nb), str(out), scale, str(workdir),
                           json.dumps(extra)], env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BOOK-STATUS ")]
    status = json.loads(lines[-1][len("BOOK-STATUS "):]) if lines else {"outcome": "crashed", "error": proc.stderr[-2000:]}
    record = {"notebook": nb, "scale": scale, "wall_s": wall, "startup_s": startup_seconds(out, wall),
              "cpu_s": status.get("cpu_s", float("nan")), "peak_mib": status.get("peak_mib", float("nan")),
              "outcome": status["outcome"], "status": status}
    print(f"[book]   {nb}: {status['outcome']} in {wall:.1f} s (start-up {record['startup_s']:.1f} s, "
          f"kernel CPU {record['cpu_s']:.1f} s, peak {record['peak_mib']:.0f} MiB)", flush=True)
    return record


def _check(record: dict[str, Any]) -> None:
    """Stop the build, naming notebook and cell, when a notebook failed or wrote no valid verdict."""
    nb, status = record["notebook"], record.pop("status")
    if status["outcome"] != "ok":
        where = f"cell [{status.get('cell')}]" if status.get("cell") is not None else "start-up"
        raise SystemExit(f"[book] FAILED: {nb}, {where}: {status.get('error', '').strip()[-1500:]}\n"
                         f"executed copy with the traceback: {BUILD / 'executed' / nb}")
    note_id = note_of(nb)
    if note_id and read_record(BUILD / "verdicts" / f"{note_id}.json") is None:
        raise SystemExit(f"[book] FAILED: {nb} ran but wrote no valid verdict record for {note_id}")


def execute(scale: str, only: list[str] | None = None, seeds: list[int] | None = None,
            jobs: int = DEFAULT_JOBS) -> list[dict[str, Any]]:
    """Execute the book's notebooks (or those matching ``only``) at ``scale``; return and save their timings.

    ``seeds`` overrides every notebook's ``seeds`` parameter. ``jobs`` notebooks run at once
    (longest first, by the last recorded wall time), each kernel with one torch thread.
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
    previous = {t["notebook"]: t for t in json.loads(timings_path.read_text())["notebooks"]} if timings_path.exists() else {}
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

        expected_wall = {nb: previous.get(nb, {}).get("wall_s", 0.0) for nb in notebooks}
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
    write_json_atomic(timings_path, {**old, "scale": scale, "jobs": jobs, "seeds": seeds, "notebooks": ordered,
                                     "execute_wall_s": elapsed})
    print(f"[book] executed {len(timings)} notebook(s) in {elapsed:.1f} s", flush=True)
    return timings


def existing_notebooks(root: Path = ROOT) -> set[str]:
    """Notebook paths (``notebooks/...ipynb``) that exist in the repository."""
    return {p.relative_to(root).as_posix() for p in (root / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts}


def render_chapters(target_root: Path, records: dict[str, dict[str, Any]] | None) -> None:
    """Rewrite the generated block of every chapter page (and the front page) under ``target_root/book``.

    With ``records`` (a build), the chapter pages get verdict badges, a forest plot
    (``book/figures/<question>-forest.png``) and the synthesis, and the front page a scoreboard.
    """
    data = ROOT / "data" / "corpus"
    notes, existing = corpus.load_notes(data), existing_notebooks()
    questions = corpus.load_questions(data)
    argument = evidence.load_argument(ROOT)
    for question in questions:
        page = target_root / "book" / f"{question.id}.md"
        forest = None
        if records:
            drawn = evidence.forest_plot(records, question.notes, target_root / "book" / "figures" / f"{question.id}-forest.png",
                                         f"{question.id}: deciding criteria of the cited claims")
            forest = f"figures/{question.id}-forest.png" if drawn else None
        block = book.render_generated_block(question, notes, records, existing, argument, forest)
        if records:
            urls = {n: book.verdict_url(f"book/{question.id}.md", notes[n].notebook) for n in question.notes}
            wrong = evidence.contradictions(block, records, urls)
            if wrong:
                raise SystemExit(f"[book] {question.id}: the generated page contradicts the records: {wrong}")
        page.write_text(book.replace_generated_block(page.read_text(), block))
    front = target_root / "book" / "intro.md"
    scoreboard = None
    if records:
        evidence.scoreboard_plot([(q.id, evidence.verdict_counts(records, q.notes)) for q in questions],
                                 target_root / "book" / "figures" / "scoreboard.png")
        scoreboard = "figures/scoreboard.png"
    front.write_text(book.replace_generated_block(front.read_text(), book.render_front_block(questions, records or {}, scoreboard)))


def pin_colab_cell(path: Path, commit: str) -> None:
    """Set the published copy's Colab cell to install the helpers of the commit the book was built from
    (left at ``main`` for a build from uncommitted changes, whose commit Colab could not fetch)."""
    import nbformat

    from bookkit import colab

    if commit == "unknown" or commit.endswith("-dirty"):
        return
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if colab.TAG in cell.metadata.get("tags", []):
            cell.source = colab.pin(cell.source, commit)
    nbformat.write(nb, path)


def add_verdict_banner(path: Path, record: dict[str, Any]) -> None:
    """Insert the verdict admonition after the notebook's first (title) cell, so a reader sees it first."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    text = admonition_text(record, " The numbers are in the *Verdict* section at the end; they come from this build's run.")
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(text, metadata={"tags": ["verdict-banner"]}))
    nbformat.write(nb, path)


def build() -> Path:
    """Stage the book with executed notebooks, fill evidence tables and status, run jupyter-book (-W)."""
    stage = BUILD / "book_src"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, stage / name)
    import yaml

    config = yaml.safe_load((stage / "_config.yml").read_text())
    config.setdefault("html", {})["extra_footer"] = footer_html(build_stamp())  # the build stamp on every page
    (stage / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    shutil.copytree(ROOT / "book", stage / "book")
    missing = []
    for nb in toc_notebooks():
        executed = BUILD / "executed" / nb
        if not executed.exists():
            missing.append(nb)
            continue
        (stage / nb).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(executed, stage / nb)
        pin_colab_cell(stage / nb, build_stamp()["commit"])
    if missing:
        raise SystemExit(f"[book] not executed yet (run `python -m bookkit.run execute`): {missing}")
    records = load_records()
    for nb in toc_notebooks():
        record = records.get(note_of(nb) or "")
        if record is not None:
            add_verdict_banner(stage / nb, record)
    render_chapters(stage, records)
    timings_path = BUILD / "status" / "timings.json"
    timings = json.loads(timings_path.read_text())
    expectations_path = BUILD / "status" / "expectations.json"
    expectations = json.loads(expectations_path.read_text()) if expectations_path.exists() else None
    robustness_path = EXPECTED / "replication.json"
    robust = json.loads(robustness_path.read_text()) if robustness_path.exists() else None
    if robust is not None:
        robust["stale"] = robust.get("expectations") != expectations_fingerprint()
    variance_path = EXPECTED / "variance.json"
    split = json.loads(variance_path.read_text()) if variance_path.exists() else None
    if split is not None:
        split["stale"] = split.get("expectations") != expectations_fingerprint()
    (stage / "book" / "status.md").write_text(book.render_status_page(timings, records, expectations, robust, split))
    (stage / "book" / "instructors.md").write_text(instructor.render_instructor_page(ROOT, toc_notebooks(), timings["notebooks"]))
    html = BUILD / "html"
    shutil.rmtree(html, ignore_errors=True)
    start = time.perf_counter()
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(stage), "--path-output", str(BUILD.parent),
           "-W", "--keep-going", "--quiet"]
    proc = subprocess.run(cmd, cwd=ROOT, env=kernel_env())
    if proc.returncode != 0:
        raise SystemExit(f"[book] jupyter-book build failed or warned (exit {proc.returncode}); see the messages above")
    seconds = time.perf_counter() - start
    write_json_atomic(timings_path, {**json.loads(timings_path.read_text()), "html_s": seconds})
    print(f"[book] HTML built in {seconds:.1f} s: {html / 'index.html'}", flush=True)
    return html


def robustness(seeds: list[int], scale: str = "ci", only: list[str] | None = None) -> dict[str, Any]:
    """The independent replication: re-execute the book with a disjoint seed set into ``_build/replication``.

    A seed is a (base, RL) pair, so the new seeds train new bases *and* run new RL seeds. The
    reference is the recorded expectation (``data/verdicts``) where there is one, else this build's
    record. Writes ``data/verdicts/replication.json`` (committed: the status page shows the
    replication's verdicts, the counts, and every deciding criterion that went pass <-> fail).
    """
    target = BUILD / "replication"
    env = {**os.environ, "BOOK_BUILD_DIR": str(target)}
    cmd = [sys.executable, "-m", "bookkit.run", "execute", "--scale", scale, "--seeds", *map(str, seeds)]
    if only:
        cmd += ["--only", *only]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    return compare_replication(seeds, scale)


def collect(runs: list[Path]) -> None:
    """Merge the build folders of several runs (one notebook each, as the CI matrix makes them) into ``_build``:
    executed notebooks and verdict records side by side, and one timings table in reading order."""
    own = BUILD / "status" / "timings.json"  # notebooks this build already holds stay, unless a run replaces them
    timings: dict[str, dict[str, Any]] = (
        {t["notebook"]: t for t in json.loads(own.read_text())["notebooks"]} if own.exists() else {})
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
    write_json_atomic(own, {**previous, **meta, "notebooks": ordered,
                            "execute_wall_s": previous.get("execute_wall_s") or max((t["wall_s"] for t in ordered), default=0.0)})
    print(f"[book] collected {len(ordered)} notebook(s) from {len(runs)} run(s) into {BUILD}")


def write_colab_cells(root: Path = ROOT) -> list[str]:
    """Rewrite every notebook's Colab cell (``.ipynb`` and its jupytext ``.py``) from ``_config.yml``."""
    import jupytext
    import nbformat

    from bookkit import colab

    source = colab.cell_source(colab.repository_url(root))
    changed = []
    for nb in toc_notebooks(root):
        notebook = nbformat.read(root / nb, as_version=4)
        cells = [c for c in notebook.cells if colab.TAG in c.metadata.get("tags", [])]
        if len(cells) != 1:
            raise SystemExit(f"{nb}: expected one cell tagged {colab.TAG!r}, found {len(cells)}")
        if cells[0].source != source:
            cells[0].source = source
            nbformat.write(notebook, root / nb)
            jupytext.write(notebook, (root / nb).with_suffix(".py"), fmt="py:percent")
            changed.append(nb)
    return changed


def run_variance(notes: list[str] | None = None, compare_only: bool = False) -> int:
    """``make variance``: re-run a few notebooks with seeds ``1000 + s`` sharing base ``s``, and split the variance.

    Needs this build's ``ci`` records (seeds 0-4) in ``_build/verdicts``. Writes
    ``data/verdicts/variance.json`` (committed; the status page shows it) and prints the table.
    """
    from bookkit import variance

    notes = list(notes or variance.DEFAULT_NOTES)
    target = BUILD / "variance"
    seeds = [variance.PERIOD + s for s in SCALE_SEEDS["ci"]]
    if not compare_only:
        env = {**os.environ, "BOOK_BUILD_DIR": str(target), "BOOK_BASE_SEED_PERIOD": str(variance.PERIOD),
               "BOOK_CACHE_DIR": os.environ.get("BOOK_CACHE_DIR", str(default_cache_dir()))}  # the book's bases
        paths = [nb for nb in toc_notebooks() if note_of(nb) in notes]
        cmd = [sys.executable, "-m", "bookkit.run", "execute", "--scale", "ci", "--seeds", *map(str, seeds), "--only", *paths]
        subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    rerun = {}
    for path in sorted((target / "verdicts").glob("*.json")):
        record = read_record(path)
        if record is not None and record["note_id"] in notes:
            rerun[record["note_id"]] = record
    book_records = {n: r for n, r in load_records().items() if expected_run(r)}
    result = {**variance.compare(book_records, rerun), "expectations": expectations_fingerprint()}
    write_json_atomic(EXPECTED / "variance.json", result)
    print(variance.table(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bookkit.run`` (and the ``book`` console script)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_one"]:
        return _execute_one(*argv[1:6])
    parser = argparse.ArgumentParser(prog="python -m bookkit.run", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("execute", "all", "bench", "replicate", "robustness"):
        p = sub.add_parser(name)
        p.add_argument("--scale", default="ci", choices=SCALES)
        p.add_argument("--only", nargs="*", help="substrings of notebook paths to run (default: all)")
        p.add_argument("--seeds", nargs="*", type=int, default=REPLICATION_SEEDS if name in ("replicate", "robustness") else None,
                       help="override every notebook's seeds parameter")
        p.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help="notebooks executed at once (one torch thread each)")
        if name in ("replicate", "robustness"):
            p.add_argument("--compare-only", action="store_true", help="re-compare the last robustness run, no execution")
    p = sub.add_parser("variance", help="five bases x two RL seeds: the base's share of each criterion's variance")
    p.add_argument("--only", nargs="*", default=None, help="note ids (default: n01 n02 n07 n09 n13)")
    p.add_argument("--compare-only", action="store_true", help="re-compare the last variance run, no execution")
    p = sub.add_parser("seedcost", help="wall time of a few notebooks against their number of seeds")
    p.add_argument("--scale", default="ci", choices=SCALES)
    p.add_argument("--only", nargs="*", default=list(seedcost.DEFAULT_NOTEBOOKS))
    p.add_argument("--counts", nargs="*", type=int, default=list(seedcost.DEFAULT_COUNTS))
    p = sub.add_parser("collect", help="merge the _build folders of per-notebook jobs (the CI matrix) into _build")
    p.add_argument("runs", nargs="+", type=Path, help="folders that each hold executed/, verdicts/, status/timings.json")
    sub.add_parser("colab", help="regenerate every notebook's Colab cell from _config.yml")
    sub.add_parser("stepbench", help="the tiny GPT's forward + backward time against its matmul floor")
    sub.add_parser("build")
    sub.add_parser("check", help="compare the last build's verdict records with data/verdicts")
    sub.add_parser("record", help="copy the last build's ci verdict records into data/verdicts")
    sub.add_parser("table")
    sub.add_parser("chapters")
    sub.add_parser("student")
    p = sub.add_parser("scaffold", help="scaffold the chapter of a new corpus question file")
    p.add_argument("question", type=Path, help="the question's raw text file (copied into data/corpus/raw)")
    p.add_argument("--claims", type=Path, default=ROOT.parent / "shared" / "claims", help="folder of claim specs")
    args = parser.parse_args(argv)
    if args.command in ("replicate", "robustness"):
        if args.compare_only:
            compare_replication(args.seeds, args.scale)
        else:
            robustness(args.seeds, args.scale, args.only)
        return 0
    if args.command == "collect":
        collect(args.runs)
        return 0
    if args.command == "colab":
        changed = write_colab_cells()
        print(f"[book] Colab cell regenerated in {len(changed)} notebook(s): {changed or 'none needed'}")
        return 0
    if args.command == "variance":
        return run_variance(args.only, args.compare_only)
    if args.command == "seedcost":
        result = seedcost.measure(ROOT, BUILD, args.only, args.counts, args.scale)
        write_json_atomic(BUILD / "status" / "seedcost.json", result)
        print(seedcost.table(result))
        print(f"[book] figure: {seedcost.figure(result, BUILD / 'status' / 'seed_cost.png')}")
        return 0
    if args.command in ("stepbench", "bench"):
        from bookkit import stepbench

        print(stepbench.table(stepbench.measure()), flush=True)
        if args.command == "stepbench":
            return 0
    if args.command in ("execute", "all", "bench"):
        execute(args.scale, args.only, args.seeds, args.jobs)
    if args.command in ("all", "bench", "check"):
        check_expectations()
    if args.command in ("build", "all", "bench"):
        build()
    if args.command == "record":
        record_expectations()
    if args.command in ("bench", "table"):
        print(book.timing_table(json.loads((BUILD / "status" / "timings.json").read_text())))
    if args.command == "chapters":
        render_chapters(ROOT, None)
    if args.command == "scaffold":
        created = scaffold.scaffold_question(args.question, ROOT, args.claims)
        render_chapters(ROOT, None)
        for kind, paths in created.items():
            print(f"[book] {kind}: {', '.join(paths) or 'nothing new'}")
    if args.command == "student":
        written = instructor.export_student(ROOT, toc_notebooks(), BUILD / "student")
        print(f"[book] {len(written)} student notebooks (no solutions, no outputs) in {BUILD / 'student'}")
    if args.command in ("all", "check"):
        return report_expectations(json.loads((BUILD / "status" / "expectations.json").read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
