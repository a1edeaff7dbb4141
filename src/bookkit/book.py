"""Chapter pages and the execution-status page, generated from the corpus and the last execution.

A chapter page (``book/<question-id>.md``) has a hand-written introduction and a
generated block between :data:`BEGIN` and :data:`END`: the corpus answer quoted with
each note's title linked to its notebook, and the **evidence table** (note, verdict,
key number, notebook). The committed pages carry the block rendered without any
execution; the build re-renders it from the verdict records of the run.

Used by: :mod:`bookkit.site` (build, chapters), the scaffolding command and the structure tests.
"""

from __future__ import annotations

import os
import re
from typing import Any

from bookkit import evidence
from bookkit.corpus import Note, Question
from helpers.verdict_box import key_text

BEGIN = "<!-- BEGIN generated from data/corpus and the last execution; edit above this line -->"
END = "<!-- END generated -->"
PENDING = "experiment pending"
NOT_EXECUTED = "not executed in this build"


def _relative_link(from_page: str, target: str) -> str:
    return os.path.relpath(target, start=os.path.dirname(from_page)).replace(os.sep, "/")


def evidence_rows(
    question: Question, notes: dict[str, Note], records: dict[str, dict[str, Any]] | None, existing: set[str]
) -> list[dict[str, str]]:
    """One row per note the question cites: title, verdict, key number, notebook path (or blanks)."""
    rows = []
    for nid in question.notes:
        note = notes[nid]
        if note.notebook not in existing:
            rows.append({"note": nid, "title": note.title, "verdict": PENDING, "key": "—", "notebook": ""})
            continue
        record = (records or {}).get(nid)
        if record is None:
            rows.append(
                {"note": nid, "title": note.title, "verdict": NOT_EXECUTED, "key": "—", "notebook": note.notebook}
            )
        else:
            rows.append(
                {
                    "note": nid,
                    "title": note.title,
                    "verdict": verdict_cell(record),
                    "key": table_cell(key_text(record["key_number"])),
                    "notebook": note.notebook,
                }
            )
    return rows


def table_cell(text: str) -> str:
    """``text`` made safe for a Markdown table cell (a ``|`` in a label, as in ``P(Y | Unknown)``, is escaped)."""
    return text.replace("|", "\\|")


def verdict_cell(record: dict[str, Any]) -> str:
    """The verdict word with its counts of deciding criteria: ``reproduced (3 pass, 0 fail, 0 unresolved)``."""
    n = record["counts"]
    return f"{record['verdict']} ({n['pass']} pass, {n['fail']} fail, {n['unresolved']} unresolved)"


def verdict_url(page: str, notebook: str) -> str:
    """The URL of a notebook's *Verdict* section in the built HTML, relative to ``page``."""
    return _relative_link(page, notebook).rsplit(".", 1)[0] + ".html#verdict"


def render_generated_block(
    question: Question,
    notes: dict[str, Note],
    records: dict[str, dict[str, Any]] | None,
    existing: set[str],
    argument: dict[str, dict[str, str]] | None = None,
    forest: str | None = None,
) -> str:
    """The generated part of a chapter page: the corpus answer annotated with each cited note's verdict
    badge, the evidence table and, when the build has records, "What the experiments say" (the forest
    plot ``forest``, a figure path relative to the page, and the synthesis)."""
    page = f"book/{question.id}.md"
    records = records or {}
    answer = []
    for paragraph in question.paragraphs:
        for nid in question.notes:
            note = notes[nid]
            if note.notebook in existing:
                link = f"[*{note.title}*]({_relative_link(page, note.notebook)})"
                if nid in records:
                    link += " " + evidence.badge(records[nid], verdict_url(page, note.notebook))
            else:
                link = f"*{note.title}* ({PENDING})"
            paragraph = paragraph.replace(note.title, f" {link}", 1) if note.title in paragraph else paragraph
        answer.append("> " + re.sub(r"  +", " ", paragraph))
    lines = [
        BEGIN,
        "",
        "## The corpus answer",
        "",
        f"*Quoted from the corpus. How the question is read:* {question.interpretation}",
        "",
    ]
    if records:
        lines += [
            "*Beside each claim the answer cites: the verdict of the notebook that tests it in this build, "
            "with its key number (mean over seeds [95% interval]); the badge links to the notebook's "
            "verdict section.*",
            "",
        ]
    lines += [
        "\n>\n".join(answer),
        "",
        "## Evidence from this book's experiments",
        "",
        "Each row is one note the answer cites; the verdict and key number come from the notebook's own "
        "run in this build of the book. The key number is the mean over seeds with its 95% interval; a "
        "criterion whose interval straddles its threshold is *unresolved*, and makes the verdict "
        "*inconclusive at this budget*.",
        "",
        "| note | claim | verdict | key number | notebook |",
        "|---|---|---|---|---|",
    ]
    for row in evidence_rows(question, notes, records, existing):
        nb = f"[open]({_relative_link(page, row['notebook'])})" if row["notebook"] else "—"
        hosted = notes[row["note"]].chapter
        where = "" if hosted == question.id or not row["notebook"] else " (in another chapter)"
        lines.append(f"| {row['note']} | {row['title']} | {row['verdict']} | {row['key']} | {nb}{where} |")
    if records:
        lines += ["", "## What the experiments say", ""]
        if forest:
            lines += [
                f"```{{figure}} {forest}",
                ":name: forest-" + question.id,
                "",
                "Every deciding criterion of the cited notes: the distance of its mean from the spec's threshold, "
                "in units of the half-width of its 95% interval over seeds, pass side to the right, with the "
                "interval as a bar. A bar wholly right of the line passes, wholly left fails, across it is "
                'unresolved; an "in every seed" criterion passes only when every seed does, so its colour '
                "(the status) can differ from its bar. Generated from this build's verdict records.",
                "```",
                "",
            ]
        titles = {n: notes[n].title for n in question.notes}
        links = {n: _relative_link(page, notes[n].notebook) for n in question.notes}
        lines.append(evidence.synthesis(question.id, question.notes, records, titles, argument or {}, links))
    lines += ["", END]
    return "\n".join(lines)


def render_front_block(questions: list[Question], records: dict[str, dict[str, Any]], scoreboard: str | None) -> str:
    """The front page's generated block: the scoreboard figure and one generated paragraph per question."""
    lines = [BEGIN, "", "## What this build found", ""]
    if not records:
        return "\n".join(lines + ["*Filled in by the build from the notebooks' verdict records.*", "", END])
    if scoreboard:
        lines += [
            f"```{{figure}} {scoreboard}",
            ":name: scoreboard",
            "",
            "The verdicts of this build: each question's cited claims, by verdict word.",
            "```",
            "",
        ]
    for q in questions:
        counts = evidence.verdict_counts(records, q.notes)
        held = [n for n in q.notes if records.get(n, {}).get("verdict") == evidence.REPRODUCED]
        open_ = [n for n in q.notes if records.get(n, {}).get("verdict") == evidence.INCONCLUSIVE]
        text = (
            f"**{q.title}** The answer cites {len(q.notes)} claims; in this build "
            + ", ".join(f"{n} {w}" for w, n in counts.items() if n)
            + ". "
        )
        if held:
            text += "Reproduced in miniature: " + ", ".join(held) + ". "
        if open_:
            text += "Not settled at this budget: " + ", ".join(open_) + ". "
        text += f"See the chapter {{doc}}`{q.id}` for which links of the answer's argument these are."
        lines += [text, ""]
    return "\n".join(lines + [END])


def replace_generated_block(page_text: str, block: str) -> str:
    """Swap the generated block of a page for ``block`` (append it if the page has none)."""
    if BEGIN in page_text and END in page_text:
        head = page_text.split(BEGIN, 1)[0]
        tail = page_text.split(END, 1)[1]
        return head + block + tail
    return page_text.rstrip() + "\n\n" + block + "\n"


def timing_table(timings: dict[str, Any]) -> str:
    """Markdown table of a run's timings: per notebook wall, start-up, CPU, CPU/wall, memory, outcome, GPU; totals.

    ``timings`` is ``_build/status/timings.json``: ``notebooks`` (one record each), and when
    present ``html_s`` (the jupyter-book build) and ``execute_wall_s`` (elapsed, with ``jobs``
    notebooks at once, so it is less than the sum of the notebooks' wall times).
    """
    rows = timings["notebooks"]
    lines = [
        "| notebook | wall (s) | start-up (s) | CPU (s) | CPU / wall | peak memory (MiB) | outcome | GPU, full scale |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in rows:
        lines.append(
            f"| `{t['notebook']}` | {t['wall_s']:.1f} | {t.get('startup_s', float('nan')):.1f} | {t['cpu_s']:.1f} | "
            f"{t['cpu_s'] / max(t['wall_s'], 1e-9):.2f} | {t['peak_mib']:.0f} | {t['outcome']} | "
            f"{t.get('gpu', 'not measured')} |"
        )
    wall = sum(t["wall_s"] for t in rows)
    cpu = sum(t["cpu_s"] for t in rows)
    startup = sum(t.get("startup_s", 0.0) for t in rows)
    html = timings.get("html_s")
    lines.append(
        f"| **all notebooks, one after another** | **{wall:.1f}** | **{startup:.1f}** "
        f"({100 * startup / max(wall, 1e-9):.0f}%) | {cpu:.1f} | | | | |"
    )
    elapsed = timings.get("execute_wall_s")
    if elapsed is not None:
        jobs = timings.get("jobs", 1)
        lines.append(
            f"| **execution, {jobs} at a time (elapsed)** | **{elapsed:.1f}** | | {cpu:.1f} | "
            f"{cpu / max(elapsed, 1e-9):.2f} | | | |"
        )
    else:
        elapsed = wall
    if html is not None:
        lines.append(f"| HTML build (jupyter-book) | {html:.1f} | | | | | | |")
        lines.append(f"| **book total** | **{elapsed + html:.1f}** ({(elapsed + html) / 60:.1f} min) | | | | | | |")
    return "\n".join(lines)


def verdict_table(
    records: dict[str, dict[str, Any]],
    expectations: dict[str, Any] | None = None,
    robustness: dict[str, Any] | None = None,
) -> str:
    """Markdown table, one row per note: this build's verdict and counts, key number with interval,
    whether it matches the recorded expectation, and the verdict with the robustness seed set."""
    seeds = " ".join(map(str, robustness["seeds"])) if robustness else ""
    column = (
        f"replication: new bases and RL seeds {seeds} (`make replicate`, {robustness['written_at']})"
        if robustness
        else "replication: new bases and RL seeds"
    )
    stale = bool(robustness and robustness.get("stale"))
    if stale:  # run against an earlier record: its seeds ran on other code, so neither column is this code's
        column += ", **stale**: run before the last re-record"
    other = {row["note"]: row for row in (robustness or {}).get("notes", [])}
    expected = (expectations or {}).get("notes", {})
    lines = [
        f"| note | verdict (pass / fail / unresolved) | key number: mean [95% interval] | seeds | "
        f"recorded expectation | {column} | both seed sets pooled |",
        "|---|---|---|---|---|---|---|",
    ]
    for note_id, record in sorted(records.items()):
        row = other.get(note_id)
        again = (
            verdict_cell({"verdict": row["verdict (re-run)"], "counts": row["counts (re-run)"]}) if row else "not run"
        )
        if row and row["changed"]:
            again = f"**{again}** (changed)"
        if row and row.get("contradictions"):
            again += " (pass <-> fail: " + "; ".join(table_cell(n) for n in row["contradictions"]) + ")"
        check = expected.get(note_id, {}).get("status", "not compared")
        seeds_used = ", ".join(map(str, record["parameters"].get("seeds", [])))
        pooled = (
            verdict_cell({"verdict": row["verdict (pooled)"], "counts": row["counts (pooled)"]})
            if row and "verdict (pooled)" in row
            else "not run"
        )
        if row and (stale or note_id in robustness.get("stale_notes", [])):
            again, pooled = f"{again} (stale)", "not comparable (stale)"
        lines.append(
            f"| {note_id} | {verdict_cell(record)} | {table_cell(key_text(record['key_number']))} | {seeds_used} | "
            f"{check} | {again} | {pooled} |"
        )
    return "\n".join(lines)


def render_status_page(
    timings: dict[str, Any],
    records: dict[str, dict[str, Any]] | None = None,
    expectations: dict[str, Any] | None = None,
    robustness: dict[str, Any] | None = None,
    variance: dict[str, Any] | None = None,
) -> str:
    """The execution-status page: the verdicts of this build (with the expectation check and the
    robustness column), then the timing table of the last build (see :func:`timing_table`)."""
    lines = ["# Execution status", ""]
    if records:
        changed = f"{robustness['changed']} of {len(robustness['notes'])}" if robustness else "not measured"
        if robustness and "contradictions" in robustness:
            changed += (
                f"; deciding criteria that went pass <-> fail: {robustness['contradictions']} of "
                f"{robustness['criteria compared']}; means outside the book's 95% interval: "
                f"{robustness['means outside']} of {robustness['criteria compared']}"
            )
        if robustness and robustness.get("stale_notes") and not robustness.get("stale"):
            changed += (
                f"; stale for {', '.join(robustness['stale_notes'])}: re-recorded since, so those rows say nothing "
                "about this build until `make replicate` runs them again"
            )
        if robustness and robustness.get("stale"):
            changed += (
                f"; stale: that run, of {robustness['written_at']}, was compared with an earlier record "
                "and ran on the code of its day, so it says nothing about this build until "
                "`make replicate` runs again"
            )
        lines += [
            "## Verdicts",
            "",
            "Every claim notebook decides its verdict from its own run: each deciding criterion's mean over "
            "seeds with a 95% interval, compared with the spec's threshold, after the claim's premise (what it "
            "needs of the starting model) is checked on the bases (see *How to use this book*). A seed is a "
            "(base, RL) pair: seed *s* trains base *s* and runs RL seed *s*, and every arm of seed *s* starts "
            "from base *s*. *Recorded expectation* compares this build's record with the one committed in "
            "`data/verdicts/` (a changed verdict word, or a value outside its recorded interval, fails the "
            "build). The next column is an independent replication: every notebook re-run with a disjoint "
            "seed set of the same size, so new bases *and* new RL seeds (verdict words that changed: "
            f"{changed}); the last pools both seed sets and decides again with the same rules.",
            "",
            verdict_table(records, expectations, robustness),
            "",
        ]
    if variance and variance.get("notes"):
        from bookkit.variance import table as variance_table

        lines += [
            "## How much of the spread is the base?",
            "",
            f"`make variance` ({variance['written_at']}"
            f"{', **stale**: run before the last re-record' if variance.get('stale') else ''}"
            + (
                f"; stale for {', '.join(variance['stale_notes'])}: re-recorded since"
                if variance.get("stale_notes") and not variance.get("stale")
                else ""
            )
            + ") "
            "re-ran these notebooks with a second RL seed from each of the same five bases, so every deciding "
            "criterion has two values per base. The base's share is the between-base variance over the total "
            "(a one-way random-effects split, as MultiBERTs splits pre-training from fine-tuning seeds): a large "
            "share means an interval over RL seeds from one base would have been far too narrow. With five "
            "bases each share is a rough estimate.",
            "",
            variance_table(variance),
            "",
        ]
    lines += [
        "## Execution time",
        "",
        f"Every notebook of this build was executed by papermill at scale `{timings['scale']}` on the build machine "
        "(for CI: 2 CPU cores, no GPU), two notebooks at a time with one torch thread each. Wall time includes "
        "start-up: kernel start, papermill, and the cell that imports the libraries; CPU time and peak memory are "
        "the kernel's. The HTML build time is that of the previous build (this page is part of it). The GPU "
        "column is filled only by a run on a GPU.",
        "",
        timing_table(timings),
    ]
    return "\n".join(lines) + "\n"
