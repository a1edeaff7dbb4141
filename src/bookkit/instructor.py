"""What instructors use: an assignable student copy of every notebook, and the instructor page.

Each notebook carries its teaching material in tagged markdown cells:

* ``objectives``: learning objectives and prerequisites (near the top);
* ``exercises``: the exercises (at the end);
* ``solution``: worked solutions, right after the exercises.

:func:`export_student` writes every notebook without its ``solution`` cells and without
outputs; :func:`render_instructor_page` lists objectives, prerequisites, time at the default
scale and the exercises (the suggested assignments) per notebook.

Used by: ``python -m bookkit.run student`` and the book build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

SOLUTION, EXERCISES, OBJECTIVES = "solution", "exercises", "objectives"


def tagged(nb: nbformat.NotebookNode, tag: str) -> list[nbformat.NotebookNode]:
    """The cells of ``nb`` that carry ``tag``, in order."""
    return [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]


def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without ``solution`` cells, outputs or execution counts."""
    out = nbformat.from_dict(nb)
    out.cells = [c for c in out.cells if SOLUTION not in c.get("metadata", {}).get("tags", [])]
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.get("metadata", {}).pop("papermill", None)
    return out


def export_student(root: Path, notebooks: list[str], out_dir: Path) -> list[Path]:
    """Write the student version of each ``notebooks`` path (relative to ``root``) under ``out_dir``."""
    written = []
    for rel in notebooks:
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(student_version(nbformat.read(root / rel, as_version=4)), target)
        written.append(target)
    return written


def export_student_zips(root: Path, notebooks: list[str], out_dir: Path) -> list[Path]:
    """One zip per chapter under ``out_dir``: the student versions of that chapter's notebooks.

    A chapter is a folder of ``notebooks/`` (``lab``, ``q1-...``); its zip holds the notebooks
    without solutions or outputs, flat, ready to upload to Colab or a course page (each
    notebook's first cell installs the helpers it needs). Returns the zips written.
    """
    import zipfile

    chapters: dict[str, list[str]] = {}
    for rel in notebooks:
        chapters.setdefault(Path(rel).parent.name, []).append(rel)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for chapter, rels in chapters.items():
        target = out_dir / f"{chapter}.zip"
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for rel in rels:
                student = student_version(nbformat.read(root / rel, as_version=4))
                bundle.writestr(f"{chapter}/{Path(rel).name}", nbformat.writes(student))
        written.append(target)
    return written


def _section(cell: nbformat.NotebookNode, drop_heading: bool = False) -> str:
    """A notebook cell's Markdown for the instructor page (``book/``): links that were relative to
    ``notebooks/<chapter>/`` (``../../book/glossary.md``) are made relative to ``book/``."""
    lines = cell.source.splitlines()
    if drop_heading and lines and lines[0].startswith("#"):
        lines = lines[1:]
    return "\n".join(lines).strip().replace("](../../book/", "](").replace("](../../", "](../")


def render_instructor_page(root: Path, notebooks: list[str], timings: list[dict[str, Any]] | None) -> str:
    """The instructor page: per notebook, objectives and prerequisites, time at the default scale, assignments."""
    times = {t["notebook"]: t["wall_s"] for t in timings or []}
    lines = [
        "# For instructors",
        "",
        "Every notebook runs on a laptop or on Colab at its default scale. Its exercises are the suggested "
        "assignments; worked solutions are in the notebook itself, in a collapsed *Solutions* box. "
        "`make student` writes an assignable copy of every notebook without solutions and without outputs "
        "into `_build/student/`, and one zip per chapter into `_build/student/zips/` to hand out as it is. "
        "Each exercise states its time and difficulty; exercises with a numeric or functional answer end with "
        "a check cell (`helpers.notebook.check`) that tells the student whether the answer is right without "
        "printing it.",
        "",
    ]
    for rel in notebooks:
        nb = nbformat.read(root / rel, as_version=4)
        title = next((c.source.splitlines()[0].lstrip("# ") for c in nb.cells if c.cell_type == "markdown"), rel)
        page = "../" + rel.removesuffix(".ipynb")
        lines += [f"## [{title}]({page}.ipynb)", ""]
        for cell in tagged(nb, OBJECTIVES):
            lines += [_section(cell), ""]
        wall = times.get(rel)
        lines += [
            f"**Time at the default scale** (2 CPU cores): {wall / 60:.1f} min."
            if wall is not None
            else "**Time at the default scale**: not measured in this build.",
            "",
        ]
        for cell in tagged(nb, EXERCISES):
            lines += ["**Suggested assignments.**", "", _section(cell, drop_heading=True), ""]
    return "\n".join(lines).rstrip() + "\n"
