"""Scaffold a chapter from a new corpus question: page, notebook skeletons, ``_toc.yml`` entry.

``python -m bookkit.run scaffold data/corpus/raw/<id>.txt [--claims ../shared/claims]``:

1. re-imports the corpus (``data/corpus/questions/<id>.json``, ``notes.json``; every cited
   note needs its claim spec in the claims folder);
2. writes ``book/<id>.md`` (a stub introduction to replace, and the generated block with the
   quoted answer and "experiment pending" rows) if it does not exist;
3. writes a jupytext skeleton ``notebooks/<id>/NN-slug.py`` with the book's standard cells
   for each note this chapter hosts that has no notebook yet. Skeletons are ``.py`` only:
   a notebook joins the book (``.ipynb`` + ``_toc.yml`` section) once its experiment runs
   and publishes a verdict, so the build never executes an empty experiment;
4. adds the chapter page to ``_toc.yml`` under "Questions".

Used by: the README's "Adding a chapter" recipe.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bookkit import book, corpus

SKELETON = """# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # {title}
#
# > **The corpus claim** (note {note_id}, cited by {cited_by}): "{summary}"
#
# **Source.** {sources}
#
# TODO: which of the paper's figures or tables this notebook mirrors, and what the note overstates
# (see the claim spec).

# %% [markdown] tags=["objectives"]
# **Learning objectives.** After this notebook you can:
#
# * TODO
#
# **Prerequisites.** The lab notebook.

# %% tags=["colab"]
# Colab set-up: installs the book's helpers (and their pinned requirements) when this
# notebook runs on Colab; does nothing anywhere else.
import sys

if "google.colab" in sys.modules:
    import subprocess

    REPO = "{repo}"
    # Only the helpers package, with the ranges of its pyproject.toml:
    # Colab keeps its own torch, numpy and matplotlib, and pip adds
    # what Colab lacks (trl; transformers if too old).
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", f"git+{{REPO}}.git"], check=True
    )

# %% tags=["parameters"]
# "smoke" (seconds), "ci" (CPU default; time: status page), "full" (GPU: longer runs)
scale = "ci"
# None: the scale's seeds (smoke [0, 1], ci [0..4], full [0..9]); or a list
seeds = None
device = "auto"  # "auto", "cpu", "cuda" or "mps"

# %%
from helpers import notebook
from helpers.verdict import Criterion, Verdict, format_interval, say

PRESETS = {{"smoke": dict(), "ci": dict(), "full": dict()}}
# thresholds: define them in the parameters cell, then name them here (space-separated):
# positive="gap_min base_min" (must be > 0), thresholds="margin" (any sign)
run = notebook.start(scale, PRESETS, seeds, device, globals())
cfg, seeds, device = run.cfg, run.seeds, run.device

# %% [markdown]
# ## The experiment
#
# TODO: task, arms, measures (from the claim spec), and design notes.

# %% [markdown]
# **The method in code.** TODO: one sentence; then show the function that is the paper's idea.

# %%
# notebook.show_source(...)  # the few lines that are this paper's method

# %%
raise NotImplementedError(
    "{note_id}: the experiment is not written yet (see the README, 'Adding a claim notebook')"
)

# %% [markdown]
# ## Verdict

# %%
# One value per seed (a seed is a (base, RL) pair) for every deciding criterion:
# Criterion(name, by_seed=values, threshold=..., op=...) decides on the mean's 95% interval
# (every_seed=True shows how many seeds pass alone; binary=True for 0/1 outcomes). The
# premise, what the claim needs of the bases, goes in premises=[Criterion(...)]. Prose that
# states a result is built here from the values: say(f"... {{where(values)}} ...").
# verdict = Verdict(note_id="{note_id}", claim=..., criteria=[Criterion(...)],
#                   premises=[Criterion(...)], key_number=(label, values),
#                   paper_vs_run=[paper_row(...)], parameters=run.parameters)
# verdict.publish()

# %% tags=["nbval-check-output"]
# print(verdict.summary())

# %% [markdown]
# ## Where the toy differs from the paper
#
# TODO

# %% [markdown] tags=["exercises"]
# ## Exercises
#
# 1. TODO

# %% [markdown] tags=["solution"]
# <details>
# <summary><b>Solutions</b> (instructors: <code>make student</code> removes this cell)</summary>
#
# **1.** TODO
#
# </details>
"""


def skeleton(note: corpus.Note, repo_url: str) -> str:
    """The jupytext source of an empty claim notebook for ``note``, with the book's standard cells."""
    return SKELETON.format(
        title=note.title,
        note_id=note.id,
        cited_by=", ".join(note.cited_by),
        summary=note.summary.replace("\n", " "),
        sources="; ".join(note.sources) or "TODO",
        repo=repo_url,
    )


def add_chapter_to_toc(toc_path: Path, page: str) -> bool:
    """Append ``page`` as a chapter of the "Questions" part of ``_toc.yml`` (False if already there)."""
    toc = yaml.safe_load(toc_path.read_text())
    part = next(p for p in toc["parts"] if p.get("caption") == "Questions")
    if any(c.get("file") == page for c in part["chapters"]):
        return False
    part["chapters"].append({"file": page})
    header = "".join(line + "\n" for line in toc_path.read_text().splitlines() if line.startswith("#"))
    toc_path.write_text(header + yaml.safe_dump(toc, sort_keys=False, default_flow_style=False))
    return True


def scaffold_question(raw_file: Path, root: Path, claims_dir: Path) -> dict[str, list[str]]:
    """Scaffold the chapter of ``raw_file`` in the book at ``root``; returns what was created, by kind."""
    raw_dir = root / "data" / "corpus" / "raw"
    if raw_file.resolve().parent != raw_dir.resolve():
        shutil.copy2(raw_file, raw_dir / raw_file.name)
    qid = raw_file.stem
    questions, _ = corpus.import_corpus(raw_dir, claims_dir, root / "data" / "corpus")
    index = [q.id for q in questions].index(qid)
    question, notes = questions[index], corpus.load_notes(root / "data" / "corpus")
    created: dict[str, list[str]] = {"page": [], "skeletons": [], "toc": []}
    page = root / "book" / f"{qid}.md"
    if not page.exists():
        page.write_text(
            f"# Q{index + 1}. {question.title}\n\nTODO: how the corpus reads this question, and the thread "
            f"that runs through this chapter's experiments.\n\n{book.BEGIN}\n{book.END}\n"
        )
        created["page"].append(page.relative_to(root).as_posix())
    repo = yaml.safe_load((root / "_config.yml").read_text())["repository"]["url"]
    for nid in question.notes:
        note = notes[nid]
        target = (root / note.notebook).with_suffix(".py")
        if note.chapter == qid and not target.exists() and not target.with_suffix(".ipynb").exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(skeleton(note, repo))
            created["skeletons"].append(target.relative_to(root).as_posix())
    if add_chapter_to_toc(root / "_toc.yml", f"book/{qid}"):
        created["toc"].append(f"book/{qid}")
    return created
