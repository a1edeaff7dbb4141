"""The book's command line: execute notebooks with papermill, time them, and build the HTML.

::

    python -m helpers.run execute [--scale ci] [--only PATTERN ...]   # notebooks -> _build/executed
    python -m helpers.run build                                        # stage + jupyter-book -> _build/html
    python -m helpers.run all [--scale ci]                             # both
    python -m helpers.run chapters                                     # refresh committed chapter pages

Each notebook runs in its own child process (so its kernel's peak memory and CPU time
can be measured), offline, with the verdict directory and model cache under
``_build/``. A failing notebook stops the run with the notebook and cell named. The
verdict record of a notebook is deleted before it runs, so a run killed midway never
leaves a stale record that a later build would read as valid.
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

from helpers import book, corpus, runtime
from helpers.params import SCALES
from helpers.verdict import read_record, write_json_atomic

ROOT = Path(os.environ.get("BOOK_ROOT", Path.cwd())).resolve()
BUILD = Path(os.environ.get("BOOK_BUILD_DIR", ROOT / "_build")).resolve()


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
    """The notebooks the book contains (``notebooks/...ipynb``), in reading order."""
    return [f + ".ipynb" for f in toc_files(root) if f.startswith("notebooks/")]


def kernel_env() -> dict[str, str]:
    """The environment every notebook kernel runs in: offline, cache and verdicts under ``_build``."""
    env = dict(os.environ)
    env.update(runtime.OFFLINE_ENV)
    env.setdefault("BOOK_CACHE_DIR", str(BUILD / "cache"))
    env["BOOK_VERDICT_DIR"] = str(BUILD / "verdicts")
    env.setdefault("BOOK_PROGRESS_INTERVAL", "30")
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # figures inline even if the caller set Agg
    return env


def _execute_one(src: str, out: str, scale: str, cwd: str) -> int:
    """Child-process entry: run one notebook with papermill; print a JSON line with the kernel's usage."""
    import papermill
    from traitlets.config import Config

    config = Config({"KernelManager": {"transport": "ipc"}})  # no "TCP without encryption" notice
    status: dict[str, Any] = {"outcome": "ok"}
    try:
        papermill.execute_notebook(src, out, parameters={"scale": scale}, cwd=cwd, progress_bar=False,
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


def execute(scale: str, only: list[str] | None = None) -> list[dict[str, Any]]:
    """Execute the book's notebooks (or those matching ``only``) at ``scale``; return and save their timings."""
    if scale not in SCALES:
        raise SystemExit(f"--scale {scale!r} is not one of {SCALES}")
    notebooks = toc_notebooks()
    if only:
        notebooks = [nb for nb in notebooks if any(fnmatch.fnmatch(nb, f"*{p}*") for p in only)]
        if not notebooks:
            raise SystemExit(f"no notebook in _toc.yml matches {only}")
    timings_path = BUILD / "status" / "timings.json"
    previous = {t["notebook"]: t for t in json.loads(timings_path.read_text())["notebooks"]} if timings_path.exists() else {}
    env = kernel_env()
    timings = []
    for nb in notebooks:
        note_id = note_of(nb)
        if note_id:
            (BUILD / "verdicts" / f"{note_id}.json").unlink(missing_ok=True)
        out = BUILD / "executed" / nb
        out.parent.mkdir(parents=True, exist_ok=True)
        workdir = BUILD / "work" / Path(nb).stem
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"[book] executing {nb} at scale={scale} ...", flush=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "helpers.run", "_one", str(ROOT / nb), str(out), scale, str(workdir)],
                              env=env, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BOOK-STATUS ")]
        status = json.loads(lines[-1][len("BOOK-STATUS "):]) if lines else {"outcome": "crashed", "error": proc.stderr[-2000:]}
        record = {"notebook": nb, "scale": scale, "wall_s": wall, "cpu_s": status.get("cpu_s", float("nan")),
                  "peak_mib": status.get("peak_mib", float("nan")), "outcome": status["outcome"]}
        timings.append(record)
        print(f"[book]   {status['outcome']} in {wall:.1f} s (kernel CPU {record['cpu_s']:.1f} s, "
              f"peak {record['peak_mib']:.0f} MiB)", flush=True)
        if status["outcome"] != "ok":
            where = f"cell [{status.get('cell')}]" if status.get("cell") is not None else "start-up"
            raise SystemExit(f"[book] FAILED: {nb}, {where}: {status.get('error', '').strip()[-1500:]}\n"
                             f"executed copy with the traceback: {out}")
        if note_id and read_record(BUILD / "verdicts" / f"{note_id}.json") is None:
            raise SystemExit(f"[book] FAILED: {nb} ran but wrote no valid verdict record for {note_id}")
    previous.update({t["notebook"]: t for t in timings})
    ordered = [previous[nb] for nb in toc_notebooks() if nb in previous]
    write_json_atomic(timings_path, {"scale": scale, "notebooks": ordered})
    total = sum(t["wall_s"] for t in timings)
    print(f"[book] executed {len(timings)} notebook(s) in {total:.1f} s", flush=True)
    return timings


def load_records() -> dict[str, dict[str, Any]]:
    """Valid verdict records of the last execution, by note id (partial or corrupt files are ignored)."""
    records = {}
    for path in sorted((BUILD / "verdicts").glob("*.json")):
        record = read_record(path)
        if record is not None:
            records[record["note_id"]] = record
    return records


def existing_notebooks(root: Path = ROOT) -> set[str]:
    """Notebook paths (``notebooks/...ipynb``) that exist in the repository."""
    return {p.relative_to(root).as_posix() for p in (root / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts}


def render_chapters(target_root: Path, records: dict[str, dict[str, Any]] | None) -> None:
    """Rewrite the generated block of every chapter page under ``target_root/book``."""
    data = ROOT / "data" / "corpus"
    notes, existing = corpus.load_notes(data), existing_notebooks()
    for question in corpus.load_questions(data):
        page = target_root / "book" / f"{question.id}.md"
        page.write_text(book.replace_generated_block(page.read_text(), book.render_generated_block(question, notes, records, existing)))


def build() -> Path:
    """Stage the book with executed notebooks, fill evidence tables and status, run jupyter-book (-W)."""
    stage = BUILD / "book_src"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, stage / name)
    shutil.copytree(ROOT / "book", stage / "book")
    missing = []
    for nb in toc_notebooks():
        executed = BUILD / "executed" / nb
        if not executed.exists():
            missing.append(nb)
            continue
        (stage / nb).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(executed, stage / nb)
    if missing:
        raise SystemExit(f"[book] not executed yet (run `python -m helpers.run execute`): {missing}")
    render_chapters(stage, load_records())
    timings_path = BUILD / "status" / "timings.json"
    timings = json.loads(timings_path.read_text())
    total = sum(t["wall_s"] for t in timings["notebooks"])
    (stage / "book" / "status.md").write_text(book.render_status_page(timings["notebooks"], timings["scale"], total))
    html = BUILD / "html"
    shutil.rmtree(html, ignore_errors=True)
    start = time.perf_counter()
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(stage), "--path-output", str(BUILD.parent),
           "-W", "--keep-going", "--quiet"]
    proc = subprocess.run(cmd, cwd=ROOT, env=kernel_env())
    if proc.returncode != 0:
        raise SystemExit(f"[book] jupyter-book build failed or warned (exit {proc.returncode}); see the messages above")
    print(f"[book] HTML built in {time.perf_counter() - start:.1f} s: {html / 'index.html'}", flush=True)
    return html


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m helpers.run`` (and the ``book`` console script)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_one"]:
        return _execute_one(*argv[1:5])
    parser = argparse.ArgumentParser(prog="python -m helpers.run", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("execute", "all"):
        p = sub.add_parser(name)
        p.add_argument("--scale", default="ci", choices=SCALES)
        p.add_argument("--only", nargs="*", help="substrings of notebook paths to run (default: all)")
    sub.add_parser("build")
    sub.add_parser("chapters")
    args = parser.parse_args(argv)
    if args.command in ("execute", "all"):
        execute(args.scale, args.only)
    if args.command in ("build", "all"):
        build()
    if args.command == "chapters":
        render_chapters(ROOT, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
