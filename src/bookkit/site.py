"""The HTML book: stage the executed notebooks, generate the chapter, status and instructor pages, run jupyter-book.

Also the generated parts of the committed sources: the chapter pages' generated block
(:func:`render_chapters`, ``python -m bookkit.run chapters``) and every notebook's Colab cell
(:func:`write_colab_cells`, ``python -m bookkit.run colab``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bookkit import book, corpus, evidence, instructor
from bookkit.execution import build_stamp, kernel_env, note_of
from bookkit.paths import BUILD, EXPECTED, ROOT
from bookkit.records import load_records, stale_notes
from bookkit.toc import toc_notebooks
from helpers.record_file import write_json_atomic
from helpers.verdict_box import admonition_text


def footer_html(stamp: dict[str, str]) -> str:
    """The build stamp as the footer line of every page."""
    return (
        f"Built from commit <code>{stamp['commit']}</code> on {stamp['build_date']} with torch {stamp['torch']}, "
        f"transformers {stamp['transformers']}, TRL {stamp['trl']}. Code: MIT licence; text and figures: CC BY 4.0."
    )


def existing_notebooks(root: Path = ROOT) -> set[str]:
    """Notebook paths (``notebooks/...ipynb``) that exist in the repository."""
    return {
        p.relative_to(root).as_posix()
        for p in (root / "notebooks").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    }


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
            drawn = evidence.forest_plot(
                records,
                question.notes,
                target_root / "book" / "figures" / f"{question.id}-forest.png",
                f"{question.id}: deciding criteria of the cited claims",
            )
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
        evidence.scoreboard_plot(
            [(q.id, evidence.verdict_counts(records, q.notes)) for q in questions],
            target_root / "book" / "figures" / "scoreboard.png",
        )
        scoreboard = "figures/scoreboard.png"
    front.write_text(
        book.replace_generated_block(front.read_text(), book.render_front_block(questions, records or {}, scoreboard))
    )


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
    text = admonition_text(
        record, " The numbers are in the *Verdict* section at the end; they come from this build's run."
    )
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
        robust["stale_notes"] = stale_notes(robust)
        robust["stale"] = bool(robust["notes"]) and len(robust["stale_notes"]) == len(robust["notes"])
    variance_path = EXPECTED / "variance.json"
    split = json.loads(variance_path.read_text()) if variance_path.exists() else None
    if split is not None:
        split["stale_notes"] = stale_notes(split)
        split["stale"] = bool(split["notes"]) and len(split["stale_notes"]) == len(split["notes"])
    (stage / "book" / "status.md").write_text(book.render_status_page(timings, records, expectations, robust, split))
    (stage / "book" / "instructors.md").write_text(
        instructor.render_instructor_page(ROOT, toc_notebooks(), timings["notebooks"])
    )
    html = BUILD / "html"
    shutil.rmtree(html, ignore_errors=True)
    start = time.perf_counter()
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(stage),
        "--path-output",
        str(BUILD.parent),
        "-W",
        "--keep-going",
        "--quiet",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, env=kernel_env())
    if proc.returncode != 0:
        raise SystemExit(f"[book] jupyter-book build failed or warned (exit {proc.returncode}); see the messages above")
    seconds = time.perf_counter() - start
    write_json_atomic(timings_path, {**json.loads(timings_path.read_text()), "html_s": seconds})
    print(f"[book] HTML built in {seconds:.1f} s: {html / 'index.html'}", flush=True)
    return html


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
