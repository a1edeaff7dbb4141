"""The corpus as data: questions (chapters) and research notes (claims), and which notebook serves which note.

Layout of ``data/corpus/``::

    raw/<question-id>.txt        the corpus files, verbatim (the input)
    questions/<question-id>.json title, interpretation, answer paragraphs, notes cited (in order)
    notes.json                   every note: id, title, summary, sources, citing questions,
                                 hosting chapter and notebook path

A note cited by several questions has one notebook, in the chapter of the first
question (in file order) that cites it. :func:`import_corpus` builds the JSON from the
raw files and the claim specs; a test re-runs it to keep the two in sync.

Used by: the book builder (chapter pages, evidence tables), the structure tests and
the scaffolding command.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

SOURCES_LINE = re.compile(r"^Sources (\d+) notes?$")
ARXIV = re.compile(r"arXiv (\d{4}\.\d{4,5})")
CITATION_END = re.compile(r"arXiv \d{4}\.\d{4,5}(, \d{4})?")


@dataclass
class Note:
    """One research note of the corpus: a claim the book tests with one notebook."""

    id: str
    slug: str
    title: str
    summary: str
    sources: list[str]
    arxiv: list[str]
    cited_by: list[str] = field(default_factory=list)
    chapter: str = ""
    notebook: str = ""


@dataclass
class Question:
    """One corpus question: a chapter of the book."""

    id: str
    title: str
    interpretation: str
    paragraphs: list[str]
    notes: list[str]


def parse_question_text(text: str) -> tuple[str, str, list[str], list[str]]:
    """Split a raw corpus file into ``(title, interpretation, answer paragraphs, note summaries)``.

    The format: line 1 the question, line 2 how it is read, then the answer's
    paragraphs, a line ``Sources N notes``, then the N notes' summaries.
    """
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    marker = next((i for i, ln in enumerate(lines) if SOURCES_LINE.match(ln)), None)
    if marker is None or marker < 3:
        raise ValueError("corpus file has no 'Sources N notes' line after a title, an interpretation and an answer")
    count = int(SOURCES_LINE.match(lines[marker]).group(1))
    summaries = lines[marker + 1 :]
    if len(summaries) != count:
        raise ValueError(f"'Sources {count} notes' but {len(summaries)} summaries follow")
    return lines[0], lines[1], lines[2:marker], summaries


def cited_titles(paragraphs: list[str], titles: list[str]) -> list[str]:
    """Note titles that occur in the answer, in order of first occurrence."""
    text = "\n".join(paragraphs)
    found = [(text.find(t), t) for t in titles if t in text]
    return [t for _, t in sorted(found)]


def _normalise(text: str) -> str:
    """Compare summaries modulo dash style and spacing (the specs retype en- and em-dashes)."""
    return re.sub(r"\s*[-–—]\s*", "-", text).strip()


def note_from_spec(spec_path: Path) -> Note:
    """A :class:`Note` from a claim spec (``nNN-slug.md``): title and summary from its **Note** line,
    sources from **Source**."""
    text = spec_path.read_text()
    note_id, slug = spec_path.stem.split("-", 1)
    match = re.search(r'\*\*Note\*\*[^:]*: "(?P<title>[^"]+)" — (?P<summary>.+)', text)
    if match is None:
        raise ValueError(f"{spec_path}: no '**Note** ...: \"title\" — summary' line")
    source_block = text.split("## Source", 1)[1].split("\n## ", 1)[0]
    bullets = [ln[2:].strip() for ln in source_block.splitlines() if ln.startswith("- ")]
    sources = [b[: CITATION_END.search(b).end()] for b in bullets if CITATION_END.search(b)] or bullets[:1]
    arxiv = sorted({a for s in sources for a in ARXIV.findall(s)})
    return Note(note_id, slug, match["title"].strip(), match["summary"].strip(), sources, arxiv)


def import_corpus(raw_dir: Path, claims_dir: Path, out_dir: Path) -> tuple[list[Question], list[Note]]:
    """Build ``questions/*.json`` and ``notes.json`` in ``out_dir`` from raw corpus files and claim specs.

    Checks that every note cited in an answer has a spec, and that each question's
    summaries match its cited notes' summaries in order (a mismatch raises).
    """
    notes = {n.id: n for n in (note_from_spec(p) for p in sorted(claims_dir.glob("n[0-9]*.md")))}
    by_title = {n.title: n for n in notes.values()}
    questions = []
    hosted: dict[str, list[str]] = {}
    for raw in sorted(raw_dir.glob("*.txt")):
        title, interpretation, paragraphs, summaries = parse_question_text(raw.read_text())
        cited = [by_title[t].id for t in cited_titles(paragraphs, list(by_title))]
        if [_normalise(notes[i].summary) for i in cited] != [_normalise(s) for s in summaries]:
            raise ValueError(f"{raw.name}: the cited notes' summaries differ from the file's source list")
        for nid, summary in zip(cited, summaries):
            notes[nid].summary = summary  # the corpus wording wins over the spec's retyping
        qid = raw.stem
        questions.append(Question(qid, title, interpretation, paragraphs, cited))
        for nid in cited:
            note = notes[nid]
            note.cited_by.append(qid)
            if not note.chapter:
                note.chapter = qid
                hosted.setdefault(qid, []).append(nid)
                note.notebook = f"notebooks/{qid}/{len(hosted[qid]):02d}-{note.slug}.ipynb"
    uncited = [n for n in notes.values() if not n.cited_by]
    for n in uncited:
        notes.pop(n.id)
    (out_dir / "questions").mkdir(parents=True, exist_ok=True)
    for q in questions:
        (out_dir / "questions" / f"{q.id}.json").write_text(json.dumps(asdict(q), indent=1, ensure_ascii=False) + "\n")
    payload = [asdict(n) for n in sorted(notes.values(), key=lambda n: n.id)]
    (out_dir / "notes.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    return questions, list(notes.values())


def load_questions(corpus_dir: str | Path) -> list[Question]:
    """Every question of ``data/corpus/questions``, in file order (q1, q2, ...)."""
    paths = sorted(Path(corpus_dir, "questions").glob("*.json"))
    return [Question(**json.loads(p.read_text())) for p in paths]


def load_notes(corpus_dir: str | Path) -> dict[str, Note]:
    """Every note of ``data/corpus/notes.json``, by id."""
    return {n["id"]: Note(**n) for n in json.loads(Path(corpus_dir, "notes.json").read_text())}
