"""Instructors' student export and the chapter scaffold for a new corpus question."""

import json
import os
import shutil
from pathlib import Path

import nbformat
import papermill
import yaml
from tests.conftest import ROOT, run_module

from bookkit import instructor
from bookkit.corpus import load_notes
from bookkit.toc import toc_notebooks

NOTEBOOKS = toc_notebooks(ROOT)


def test_every_notebook_has_objectives_exercises_and_solutions():
    for rel in NOTEBOOKS:
        nb = nbformat.read(ROOT / rel, as_version=4)
        for tag in (instructor.OBJECTIVES, instructor.EXERCISES, instructor.SOLUTION):
            assert instructor.tagged(nb, tag), f"{rel} has no cell tagged {tag!r}"
        exercises = instructor.tagged(nb, instructor.EXERCISES)[0]
        assert exercises.source.startswith("## Exercises") and "\n1. " in exercises.source
        assert nb.cells.index(instructor.tagged(nb, instructor.SOLUTION)[0]) > nb.cells.index(exercises)


def test_student_export_drops_solutions_and_outputs_and_keeps_the_rest(tmp_path: Path):
    written = instructor.export_student(ROOT, NOTEBOOKS, tmp_path)
    assert len(written) == len(NOTEBOOKS)
    for rel, path in zip(NOTEBOOKS, written):
        original, student = nbformat.read(ROOT / rel, as_version=4), nbformat.read(path, as_version=4)
        assert not instructor.tagged(student, instructor.SOLUTION)
        assert len(instructor.tagged(student, instructor.EXERCISES)) == len(
            instructor.tagged(original, instructor.EXERCISES)
        )
        assert all(not c.outputs for c in student.cells if c.cell_type == "code")
        keep = [c.source for c in original.cells if instructor.SOLUTION not in c.metadata.get("tags", [])]
        assert [c.source for c in student.cells] == keep


def test_student_zips_hold_one_chapter_each(tmp_path: Path):
    import zipfile

    zips = instructor.export_student_zips(ROOT, NOTEBOOKS, tmp_path)
    chapters = {Path(rel).parent.name for rel in NOTEBOOKS}
    assert {z.stem for z in zips} == chapters
    for z in zips:
        names = zipfile.ZipFile(z).namelist()
        assert names and all(n.startswith(f"{z.stem}/") and n.endswith(".ipynb") for n in names)
        student = nbformat.reads(zipfile.ZipFile(z).read(names[0]).decode(), as_version=4)
        assert not instructor.tagged(student, instructor.SOLUTION)
    assert sum(len(zipfile.ZipFile(z).namelist()) for z in zips) == len(NOTEBOOKS)


def test_an_exported_notebook_executes(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BOOK_VERDICT_DIR", str(tmp_path / "verdicts"))
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path / "cache"))
    rel = "notebooks/q2-reward-model-bias-cascade/01-utility-weighted-loss.ipynb"
    [path] = instructor.export_student(ROOT, [rel], tmp_path / "student")
    out = papermill.execute_notebook(
        str(path),
        str(tmp_path / "out.ipynb"),
        parameters={"scale": "smoke"},
        cwd=str(tmp_path),
        progress_bar=False,
        kernel_name="python3",
    )
    assert any(instructor.EXERCISES in c.metadata.get("tags", []) for c in out.cells)


def test_instructor_page_lists_objectives_time_and_assignments():
    page = instructor.render_instructor_page(ROOT, NOTEBOOKS[:2], [{"notebook": NOTEBOOKS[0], "wall_s": 90.0}])
    assert page.count("**Learning objectives.**") == 2 and "1.5 min" in page and "not measured" in page
    assert page.count("**Suggested assignments.**") == 2 and ":class: dropdown" not in page


def _fake_spec(note_id: str, slug: str, title: str, summary: str, source: str) -> str:
    return (
        f'# {note_id}\n\n**Note** (cited by Q): "{title}" — {summary}\n\n## Source\n- {source}\n\n## Experiment\n- x\n'
    )


def test_scaffold_a_made_up_question(tmp_path: Path):
    """In a copy of the book: a question citing one hosted note (n01) and one new note (n99)."""
    root = tmp_path / "book"
    for name in ("data", "book", "notebooks"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("*.ipynb_checkpoints"))
    for name in ("_toc.yml", "_config.yml"):
        shutil.copy2(ROOT / name, root / name)
    claims = tmp_path / "claims"
    claims.mkdir()
    notes = load_notes(ROOT / "data" / "corpus")
    for n in notes.values():
        (claims / f"{n.id}-{n.slug}.md").write_text(_fake_spec(n.id, n.slug, n.title, n.summary, n.sources[0]))
    new_title, new_summary = (
        "Do made-up rewards teach made-up habits?",
        "A toy note for the scaffold test (arXiv 2601.00001).",
    )
    (claims / "n99-made-up-habits.md").write_text(
        _fake_spec("n99", "made-up-habits", new_title, new_summary, "Doe, Made Up, arXiv 2601.00001, 2026")
    )
    n01 = notes["n01"]
    question = tmp_path / "q3-made-up-question.txt"
    question.write_text(
        "Do made-up questions get chapters?\nThis reads the question literally.\n"
        f"First, calibration: {n01.title} Then habits: {new_title}\nSources 2 notes\n{n01.summary}\n{new_summary}\n"
    )
    env = {**os.environ, "BOOK_ROOT": str(root)}
    proc = run_module("bookkit.run", "scaffold", str(question), "--claims", str(claims), cwd=root, env=env, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (root / "book" / "q3-made-up-question.md").read_text()
    assert page.startswith("# Q3. Do made-up questions get chapters?")
    assert "experiment pending" in page and "01-binary-reward-calibration.ipynb" in page
    skeleton = root / "notebooks" / "q3-made-up-question" / "01-made-up-habits.py"
    assert skeleton.exists() and f"# # {new_title}" in skeleton.read_text()
    nb = __import__("jupytext").read(skeleton)
    tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
    assert {"objectives", "colab", "parameters", "exercises", "solution", "nbval-check-output"} <= set(tags)
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    questions = next(p for p in toc["parts"] if p["caption"] == "Questions")
    assert questions["chapters"][-1] == {"file": "book/q3-made-up-question"}
    assert json.loads((root / "data" / "corpus" / "questions" / "q3-made-up-question.json").read_text())["notes"] == [
        "n01",
        "n99",
    ]
    assert (
        not (root / "notebooks" / "q1-meta-rl-rational-bias" / "01-binary-reward-calibration.py")
        .read_text()
        .count("TODO")
    )
    # a second run creates nothing new
    again = run_module(
        "bookkit.run",
        "scaffold",
        str(root / "data/corpus/raw/q3-made-up-question.txt"),
        "--claims",
        str(claims),
        cwd=root,
        env=env,
        timeout=120,
    )
    assert again.returncode == 0 and again.stdout.count("nothing new") == 3, again.stdout + again.stderr
