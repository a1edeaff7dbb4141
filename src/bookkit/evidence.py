"""What the experiments say about a question: badges, forest plot, scoreboard and synthesis from verdict records.

Everything here is computed at build time from the verdict records of the run
(``_build/verdicts/*.json``), so no verdict word or number on a chapter page or the front page
is typed by hand. The hand-written part is ``data/argument.json``: for each question, one line per
cited note saying which link of the answer's argument the note is (it names no result).

Used by: :mod:`bookkit.book` (chapter pages, front page) and :mod:`bookkit.site` (build).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from helpers.intervals import FAIL, PASS, UNRESOLVED
from helpers.record_file import INCONCLUSIVE, NOT_REPRODUCED, PARTLY, PREMISE_NOT_MET, REPRODUCED, VERDICT_WORDS
from helpers.verdict_box import key_text

#: Badge colour (sphinx-design) and plot colour of each verdict word and criterion status.
BADGE = {
    REPRODUCED: "success",
    PARTLY: "warning",
    INCONCLUSIVE: "secondary",
    NOT_REPRODUCED: "danger",
    PREMISE_NOT_MET: "dark",
}
COLOUR = {
    REPRODUCED: "#2e7d32",
    PARTLY: "#ef8f00",
    INCONCLUSIVE: "#7f7f7f",
    NOT_REPRODUCED: "#c62828",
    PREMISE_NOT_MET: "#5e35b1",
    PASS: "#2e7d32",
    FAIL: "#c62828",
    UNRESOLVED: "#7f7f7f",
}
#: Standardised distances beyond this are drawn at the edge of the forest plot, with an arrow.
CLIP = 6.0


def load_argument(root: Path) -> dict[str, dict[str, str]]:
    """``data/argument.json``: question id → note id → the link of the answer's argument that the note is."""
    path = root / "data" / "argument.json"
    return json.loads(path.read_text()) if path.exists() else {}


def badge(record: dict[str, Any], url: str) -> str:
    """A MyST badge (sphinx-design role) with the verdict word and key number, linking to ``url``."""
    text = (
        f"{record['verdict']} · {key_text(record['key_number'])}".replace("<", "‹").replace(">", "›").replace("`", "'")
    )
    return f"{{bdg-link-{BADGE[record['verdict']]}}}`{text} <{url}>`"


def standardised(criterion: dict[str, Any]) -> tuple[float, bool]:
    """``(distance, exact)``: how far a criterion's mean is from its threshold, pass side positive.

    With an interval, the distance is ``(mean - threshold) / half-width`` (signed so that passing is
    positive): the criterion's interval is then ``[d - 1, d + 1]``, and it lies wholly on the pass side
    exactly when ``d > 1``. With no interval (an exact value, or one seed) it is ``+1.5`` or ``-1.5`` for a
    pass or a fail (drawn as a hollow marker): there is no spread to scale by.
    """
    sign = 1.0 if criterion["op"] in (">=", ">") else -1.0
    low, high, mean = criterion.get("low"), criterion.get("high"), criterion.get("mean")
    if low is None or high is None or mean is None or high - mean <= 0:
        value = criterion["measured"]
        passes = not math.isnan(value) and sign * (value - criterion["threshold"]) >= 0
        return (1.5 if passes else -1.5), True
    return sign * (mean - criterion["threshold"]) / (high - mean), False


def forest_rows(records: dict[str, dict[str, Any]], note_ids: list[str]) -> list[dict[str, Any]]:
    """One row per deciding criterion of the cited notes that have a record, in citation order."""
    rows = []
    for nid in note_ids:
        record = records.get(nid)
        if record is None:
            continue
        for c in record["criteria"]:
            if not c["decides"]:
                continue
            distance, exact = standardised(c)
            rows.append(
                {
                    "note": nid,
                    "verdict": record["verdict"],
                    "criterion": c["name"],
                    "status": c["status"],
                    "distance": distance,
                    "exact": exact,
                }
            )
    return rows


def forest_plot(records: dict[str, dict[str, Any]], note_ids: list[str], path: Path, title: str) -> Path | None:
    """Draw the chapter's forest plot into ``path`` (PNG); ``None`` when no cited note has a record.

    One row per deciding criterion: the mean's distance from the threshold in units of its 95%
    interval's half-width, pass side to the right, with the interval as a bar; colour = the
    criterion's status; rows grouped by note, labelled with the note's verdict.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers import plots

    rows = forest_rows(records, note_ids)
    if not rows:
        return None
    plots.use_book_style()
    fig, ax = plt.subplots(figsize=(10, 0.34 * len(rows) + 1.6))
    y = len(rows) - 1
    labels, previous = [], None
    for row in rows:
        d = max(-CLIP, min(CLIP, row["distance"]))
        colour = COLOUR[row["status"]]
        if row["exact"]:
            ax.plot([d], [y], marker="D", mfc="white", mec=colour, ms=6, ls="none")
        else:
            ax.plot([max(-CLIP, d - 1), min(CLIP, d + 1)], [y, y], color=colour, lw=2.5, solid_capstyle="butt")
            ax.plot([d], [y], marker="o", color=colour, ms=5)
            if abs(row["distance"]) > CLIP:
                ax.annotate(
                    "",
                    xy=(math.copysign(CLIP + 0.4, d), y),
                    xytext=(d, y),
                    arrowprops={"arrowstyle": "->", "color": colour},
                )
        name = row["criterion"] if len(row["criterion"]) <= 58 else row["criterion"][:55] + "..."
        labels.append((y, f"{row['note']}: {name}"))
        if row["note"] != previous and previous is not None:
            ax.axhline(y + 0.5, color="#dddddd", lw=0.8)
        previous = row["note"]
        y -= 1
    ax.axvline(0, color="black", lw=1)
    ax.axvspan(0, CLIP + 0.6, color=COLOUR[PASS], alpha=0.05)
    ax.set_yticks([t for t, _ in labels], [label for _, label in labels], fontsize=8)
    ax.set_xlim(-CLIP - 0.6, CLIP + 0.6)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("(mean - threshold) / half-width of the 95% interval, pass side to the right")
    for status in (PASS, UNRESOLVED, FAIL):
        ax.plot([], [], color=COLOUR[status], lw=2.5, label=status)
    ax.plot([], [], marker="D", mfc="white", mec="black", ls="none", label="no interval (exact or one seed)")
    ax.set_title(title, fontsize=11)
    margin = 0.45 / fig.get_figheight()  # the legend's strip below the axes, in figure fractions
    fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, margin, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def verdict_counts(records: dict[str, dict[str, Any]], note_ids: list[str]) -> dict[str, int]:
    """How many of ``note_ids`` got each verdict word (notes without a record are not counted)."""
    words = [records[n]["verdict"] for n in note_ids if n in records]
    return {w: words.count(w) for w in VERDICT_WORDS}


def scoreboard_plot(rows: list[tuple[str, dict[str, int]]], path: Path) -> Path:
    """The front page's scoreboard: one horizontal stacked bar per question, notes by verdict word."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers import plots

    plots.use_book_style()
    fig, ax = plt.subplots(figsize=(9, 0.8 * len(rows) + 1.4))
    for i, (_label, counts) in enumerate(reversed(rows)):
        left = 0
        for word in VERDICT_WORDS:
            n = counts.get(word, 0)
            if n:
                ax.barh(i, n, left=left, color=COLOUR[word], edgecolor="white")
                ax.text(left + n / 2, i, str(n), ha="center", va="center", color="white", fontsize=10, weight="bold")
                left += n
    ax.set_yticks(range(len(rows)), [label for label, _ in reversed(rows)])
    ax.set_xlabel("claims cited by the question (notebooks)")
    from matplotlib.patches import Patch

    handles = [Patch(color=COLOUR[word], label=word) for word in VERDICT_WORDS]
    ax.set_title("Verdicts of this build, per question", fontsize=11)
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.45 / fig.get_figheight(), 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


#: How the synthesis reads each verdict word: a heading for the group of notes with that verdict.
GROUP = {
    REPRODUCED: "Holds in miniature (reproduced)",
    PARTLY: "Holds in part (partly reproduced)",
    INCONCLUSIVE: "Not settled at this budget (inconclusive: an interval straddles its threshold)",
    NOT_REPRODUCED: "Does not hold at this scale (not reproduced)",
    PREMISE_NOT_MET: "Not tested: the starting model lacks what the claim needs (premise not met)",
}


def synthesis(
    question_id: str,
    note_ids: list[str],
    records: dict[str, dict[str, Any]],
    titles: dict[str, str],
    argument: dict[str, dict[str, str]],
    links: dict[str, str],
) -> str:
    """The chapter's written synthesis, generated from the records: counts, then the answer's argument
    grouped by what the experiments say of each link (the link's wording from ``data/argument.json``)."""
    counts = verdict_counts(records, note_ids)
    run = sum(counts.values())
    lines = [
        f"Of the {len(note_ids)} claims the answer cites, {run} ran in this build: "
        + ", ".join(f"{n} {w}" for w, n in counts.items() if n)
        + "."
    ]
    if run < len(note_ids):
        lines[0] += f" {len(note_ids) - run} have no record in this build."
    for word in VERDICT_WORDS:
        group = [n for n in note_ids if n in records and records[n]["verdict"] == word]
        if not group:
            continue
        lines += ["", f"**{GROUP[word]}.**", ""]
        for n in group:
            link = argument.get(question_id, {}).get(n, titles[n])
            r = records[n]
            c = r["counts"]
            lines.append(
                f"* {link} ([{n}]({links[n]}): {c['pass']} pass, {c['fail']} fail, {c['unresolved']} unresolved; "
                f"{key_text(r['key_number'])})"
            )
    return "\n".join(lines)


def contradictions(text: str, records: dict[str, dict[str, Any]], urls: dict[str, str]) -> list[str]:
    """Notes whose verdict as stated in ``text`` differs from their record (the check of generated prose).

    Reads two forms: synthesis items ``* ... ([nNN](...): ...`` under a group heading, and badges
    ``{bdg-link-...}`word · ... <url>``` whose url is a note's ``urls`` entry. Returns one message per
    contradiction (and per badge or item that names no known verdict).
    """
    import re

    problems = []
    current = None
    for line in text.splitlines():
        heading = next((w for w, h in GROUP.items() if line.strip() == f"**{h}.**"), None)
        if heading:
            current = heading
            continue
        m = re.match(r"\* .*\(\[(n\d\d)\]\(", line)
        if m and m.group(1) in records and records[m.group(1)]["verdict"] != current:
            problems.append(
                f"{m.group(1)} listed under '{current}', its record says '{records[m.group(1)]['verdict']}'"
            )
    by_url = {url: nid for nid, url in urls.items()}
    for m in re.finditer(r"\{bdg-link-\w+\}`([^`]*?) · [^`]*<([^>`]+)>`", text):
        word, nid = m.group(1).strip(), by_url.get(m.group(2))
        if nid is None or nid not in records:
            problems.append(f"a badge links to {m.group(2)}, which is no recorded note's verdict section")
        elif word != records[nid]["verdict"]:
            problems.append(f"{nid}: badge says '{word}', its record says '{records[nid]['verdict']}'")
    return problems
