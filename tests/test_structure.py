"""The book's structure: corpus data, notebook conventions, table of contents, chapter pages."""

import ast
import json
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from tests.conftest import ROOT, shared_dir

from bookkit import book, corpus, site, toc

DATA = ROOT / "data" / "corpus"
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
NOTES = corpus.load_notes(DATA)
QUESTIONS = corpus.load_questions(DATA)


def test_corpus_data_is_in_sync_with_the_raw_corpus(tmp_path):
    shared = shared_dir()
    if shared is None:
        pytest.skip("../shared/claims not beside this checkout")
    corpus.import_corpus(DATA / "raw", shared / "claims", tmp_path)
    assert json.loads((tmp_path / "notes.json").read_text()) == json.loads((DATA / "notes.json").read_text())
    for q in (tmp_path / "questions").glob("*.json"):
        assert json.loads(q.read_text()) == json.loads((DATA / "questions" / q.name).read_text())


def test_every_cited_note_exists_and_has_one_notebook_path():
    for q in QUESTIONS:
        assert q.notes, f"{q.id} cites no note"
        for nid in q.notes:
            assert nid in NOTES, f"{q.id} cites unknown note {nid}"
            assert q.notes.count(nid) == 1
            text = "\n".join(q.paragraphs)
            assert NOTES[nid].title in text
    paths = [n.notebook for n in NOTES.values()]
    assert all(paths) and len(set(paths)) == len(paths)
    for n in NOTES.values():
        assert n.chapter == n.cited_by[0] and n.notebook.startswith(f"notebooks/{n.chapter}/")
        assert n.summary and n.sources


def test_toc_and_notebooks_match():
    listed = toc.toc_notebooks(ROOT)
    for nb in listed:
        assert (ROOT / nb).exists(), f"_toc.yml lists missing {nb}"
    on_disk = {p.relative_to(ROOT).as_posix() for p in NOTEBOOKS}
    assert on_disk == set(listed), "every notebook must be in _toc.yml and vice versa"
    hosted = {n.notebook for n in NOTES.values()}
    assert {nb for nb in listed if not nb.startswith("notebooks/lab/")} <= hosted
    for f in toc.toc_files(ROOT):
        assert (ROOT / f).with_suffix(".md").exists() or (ROOT / f).with_suffix(".ipynb").exists() or f == "book/status"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_conventions(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name} is committed with outputs"
    twin = path.with_suffix(".py")
    assert twin.exists(), f"{path.name} has no jupytext .py twin"
    paired = jupytext.read(twin)
    strip = lambda cells: [(c.cell_type, c.source.strip()) for c in cells]  # noqa: E731
    assert strip(paired.cells) == strip(nb.cells), f"{path.name} and {twin.name} differ: run `jupytext --sync`"

    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    namespace: dict = {}
    exec(tagged[0].source, namespace)
    assert namespace["scale"] == "ci" and namespace["device"] == "auto"
    assert namespace["seeds"] is None or isinstance(namespace["seeds"], list), (
        "seeds: None (the scale's seeds) or a list"
    )

    colab = [c for c in nb.cells if "colab" in c.metadata.get("tags", [])]
    assert len(colab) == 1 and "google.colab" in colab[0].source
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    from bookkit import colab as colab_cell

    assert colab[0].source == colab_cell.cell_source(repo), (
        "the Colab cell is generated: run `python -m bookkit.run colab`"
    )
    assert nb.cells.index(colab[0]) < nb.cells.index(tagged[0])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_scale_sets_the_same_fields(path: Path):
    """The GPU scale cannot be run here; at least its preset must name what the CPU scale names."""
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    found = [
        n.value
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PRESETS" for t in n.targets)
    ]
    assert len(found) == 1 and isinstance(found[0], ast.Dict), f"{path.name}: one literal PRESETS dict"

    def fields(node: ast.expr) -> set[str]:
        if isinstance(node, ast.Call):
            return {k.arg for k in node.keywords if k.arg}
        if isinstance(node, ast.Dict):
            return {ast.literal_eval(k) for k in node.keys if k is not None}
        raise AssertionError(f"{path.name}: a PRESETS entry is neither dict(...) nor {{...}}")

    presets = {ast.literal_eval(k): fields(v) for k, v in zip(found[0].keys, found[0].values)}
    assert set(presets) == {"smoke", "ci", "full"}, f"{path.name}: scales {sorted(presets)}"
    assert presets["full"] == presets["ci"] == presets["smoke"], f"{path.name}: scales set different fields"


def test_claim_notebooks_quote_their_note():
    for note in NOTES.values():
        path = ROOT / note.notebook
        if path.exists():
            text = path.with_suffix(".py").read_text()
            assert f"# # {note.title}" in text, f"{path.name}: title must be the note's question"
            assert note.id in text


def test_committed_chapter_pages_are_generated_from_the_corpus():
    existing = site.existing_notebooks(ROOT)
    for q in QUESTIONS:
        page = (ROOT / "book" / f"{q.id}.md").read_text()
        block = book.render_generated_block(q, NOTES, None, existing)
        assert block in page, f"book/{q.id}.md is stale: run `make chapters`"
        pending = [nid for nid in q.notes if NOTES[nid].notebook not in existing]
        assert page.count(book.PENDING) >= len(pending)


def test_every_claim_notebook_has_a_recorded_expectation():
    """data/verdicts holds each claim's ci record (`make record`), so `make book` can check its verdict."""
    from helpers.params import SCALE_SEEDS
    from helpers.record_file import read_record

    for note in NOTES.values():
        if (ROOT / note.notebook).exists():
            record = read_record(ROOT / "data" / "verdicts" / f"{note.id}.json")
            assert record is not None, (
                f"{note.id}: no recorded expectation in data/verdicts (run `make book`, `make record`)"
            )
            assert record["parameters"]["scale"] == "ci" and record["parameters"]["seeds"] == SCALE_SEEDS["ci"]
            assert "written_at" not in record, "recorded by `make record`, which drops the timestamp"


def test_readme_module_map_matches_the_tree():
    """Every module of src/helpers and src/bookkit is named in the README's map, and every name there exists."""
    import re

    readme = (ROOT / "README.md").read_text()
    modules = {p.name for d in ("helpers", "bookkit") for p in (ROOT / "src" / d).rglob("*.py")} - {"__init__.py"}
    missing = sorted(m for m in modules if m not in readme)
    assert not missing, f"modules missing from the README's map: {missing}"
    start = readme.index("\nhelpers/\n")
    block = readme[start : readme.index("```", start)]
    named = set(re.findall(r"\b([a-z_]+\.py)\b", block))
    unknown = sorted(named - modules)
    assert not unknown, f"the README's map names modules that do not exist: {unknown}"
