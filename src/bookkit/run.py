"""The book's command line: execute notebooks with papermill, time them, and build the HTML.

::

    python -m bookkit.run execute [--scale ci] [--only PATTERN ...] [--jobs 2]  # notebooks -> _build/executed
    python -m bookkit.run build                                        # stage + jupyter-book -> _build/html
    python -m bookkit.run all [--scale ci]                             # both, then the expectation check
    python -m bookkit.run bench [--scale ci]                           # both, then the timing table
    python -m bookkit.run table                                        # the timing table of the last run
    python -m bookkit.run prune-cache                                  # drop cached bases of changed code
    python -m bookkit.run seedcost [--only NB ...] [--counts 1 3 5 10] # cost of 1, 3, 5, 10 seeds (benchmark)
    python -m bookkit.run check                                        # the last run's records vs data/verdicts
    python -m bookkit.run record                                       # the last run's records -> data/verdicts
    python -m bookkit.run replicate --seeds 20 21 22 23 24            # new bases and RL seeds, compare verdicts
    python -m bookkit.run chapters                                     # refresh committed chapter pages
    python -m bookkit.run student                                      # student copies + a zip per chapter
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
build, never by hand. ``all`` compares every new record with it (:func:`bookkit.records.compare_records`) and
fails, after building the HTML, on a changed verdict word or a value outside its recorded
interval; a deliberate change is committed by re-recording, so the diff shows it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bookkit import book, cache, instructor, scaffold, seedcost
from bookkit.execution import DEFAULT_JOBS, _execute_one, execute
from bookkit.jobs import collect, robustness, run_variance
from bookkit.paths import BUILD, ROOT
from bookkit.records import check_expectations, compare_replication, record_expectations, report_expectations
from bookkit.site import build, render_chapters, write_colab_cells
from bookkit.toc import toc_notebooks
from helpers.params import SCALES
from helpers.record_file import write_json_atomic

#: Seeds of the independent replication: as many as ``ci`` runs, disjoint from every scale's seeds (``full``
#: uses 0-9). A seed is a (base, RL) pair, so these are new bases *and* new RL seeds.
REPLICATION_SEEDS = [20, 21, 22, 23, 24]
ROBUSTNESS_SEEDS = REPLICATION_SEEDS  # the command's old name


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
        p.add_argument(
            "--seeds",
            nargs="*",
            type=int,
            default=REPLICATION_SEEDS if name in ("replicate", "robustness") else None,
            help="override every notebook's seeds parameter",
        )
        p.add_argument(
            "--jobs", type=int, default=DEFAULT_JOBS, help="notebooks executed at once (one torch thread each)"
        )
        if name in ("replicate", "robustness"):
            p.add_argument(
                "--compare-only", action="store_true", help="re-compare the last robustness run, no execution"
            )
    p = sub.add_parser("variance", help="five bases x two RL seeds: the base's share of each criterion's variance")
    p.add_argument("--only", nargs="*", default=None, help="note ids (default: n01 n02 n07 n09 n13)")
    p.add_argument("--compare-only", action="store_true", help="re-compare the last variance run, no execution")
    p = sub.add_parser("seedcost", help="wall time of a few notebooks against their number of seeds")
    p.add_argument("--scale", default="ci", choices=SCALES)
    p.add_argument("--only", nargs="*", default=list(seedcost.DEFAULT_NOTEBOOKS))
    p.add_argument("--counts", nargs="*", type=int, default=list(seedcost.DEFAULT_COUNTS))
    p = sub.add_parser("collect", help="merge the _build folders of per-notebook jobs (the CI matrix) into _build")
    p.add_argument(
        "runs", nargs="+", type=Path, help="folders that each hold executed/, verdicts/, status/timings.json"
    )
    sub.add_parser("colab", help="regenerate every notebook's Colab cell from _config.yml")
    sub.add_parser("stepbench", help="the tiny GPT's forward + backward time against its matmul floor")
    sub.add_parser("build")
    sub.add_parser("check", help="compare the last build's verdict records with data/verdicts")
    sub.add_parser("record", help="copy the last build's ci verdict records into data/verdicts")
    sub.add_parser("table")
    sub.add_parser("prune-cache", help="remove cached bases trained by code that has since changed")
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
    if args.command == "prune-cache":
        from helpers.runtime import default_cache_dir

        removed, freed = cache.prune(default_cache_dir())
        print(f"[book] removed {removed} stale base(s) from {default_cache_dir()}: {freed / 2**20:.0f} MiB freed")
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
        zips = instructor.export_student_zips(ROOT, toc_notebooks(), BUILD / "student" / "zips")
        print(f"[book] {len(zips)} chapter bundles (one zip per chapter) in {BUILD / 'student' / 'zips'}")
    if args.command in ("all", "check"):
        return report_expectations(json.loads((BUILD / "status" / "expectations.json").read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
