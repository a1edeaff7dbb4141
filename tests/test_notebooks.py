"""Notebooks executed for real: papermill at the smoke scale, nbval for determinism, failures named."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from helpers import run
from helpers.verdict import VERDICT_WORDS, read_record
from tests.conftest import ROOT

CLAIM_NOTEBOOKS = [nb for nb in run.toc_notebooks(ROOT) if not nb.startswith("notebooks/lab/")]


@pytest.fixture(scope="module")
def smoke_build(tmp_path_factory) -> Path:
    """Every notebook of the book executed by the runner at scale='smoke' into a temporary build folder."""
    build = tmp_path_factory.mktemp("build") / "_build"
    env = {**os.environ, "BOOK_BUILD_DIR": str(build), "BOOK_CACHE_DIR": str(build / "cache")}
    proc = subprocess.run([sys.executable, "-m", "helpers.run", "execute", "--scale", "smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return build


def test_every_notebook_runs_and_records_a_verdict(smoke_build: Path):
    timings = json.loads((smoke_build / "status" / "timings.json").read_text())
    assert [t["notebook"] for t in timings["notebooks"]] == run.toc_notebooks(ROOT)
    assert all(t["outcome"] == "ok" and t["peak_mib"] > 0 for t in timings["notebooks"])
    for nb in CLAIM_NOTEBOOKS:
        record = read_record(smoke_build / "verdicts" / f"{run.note_of(nb)}.json")
        assert record is not None and record["verdict"] in VERDICT_WORDS
        assert record["parameters"]["scale"] == "smoke"
        executed = nbformat.read(smoke_build / "executed" / nb, as_version=4)
        assert any(o.get("output_type") == "display_data" and "image/png" in o.get("data", {})
                   for c in executed.cells if c.cell_type == "code" for o in c.outputs), f"{nb} shows no figure"


@pytest.mark.parametrize("nb", CLAIM_NOTEBOOKS)
def test_nbval_reexecution_gives_identical_verdict_numbers(smoke_build: Path, nb: str, tmp_path: Path):
    env = {**os.environ, "BOOK_VERDICT_DIR": str(tmp_path), "BOOK_CACHE_DIR": str(smoke_build / "cache")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
                           str(smoke_build / "executed" / nb)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:]
    first = read_record(smoke_build / "verdicts" / f"{run.note_of(nb)}.json")
    second = read_record(tmp_path / f"{run.note_of(nb)}.json")
    assert [c["measured"] for c in first["criteria"]] == [c["measured"] for c in second["criteria"]]


def test_unknown_scale_fails_early_naming_the_allowed_values(tmp_path: Path):
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(str(ROOT / "notebooks/lab/00-tiny-lm-and-grpo.ipynb"), str(tmp_path / "out.ipynb"),
                                   parameters={"scale": "huge"}, cwd=str(tmp_path), progress_bar=False, kernel_name="python3")
    assert "scale='huge'" in err.value.evalue and "'ci', 'full', 'smoke'" in err.value.evalue


def test_a_failing_notebook_is_reported_with_its_cell(tmp_path: Path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("scale = 'ci'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise RuntimeError('boom')")]
    nbformat.write(nb, tmp_path / "bad.ipynb")
    proc = subprocess.run([sys.executable, "-m", "helpers.run", "_one", str(tmp_path / "bad.ipynb"), str(tmp_path / "out.ipynb"),
                           "smoke", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    status = json.loads(proc.stdout.split("BOOK-STATUS ", 1)[1])
    assert proc.returncode == 1 and status["outcome"] == "failed"
    # papermill injects a parameters cell after ours, so the failing cell is the 4th executed: "[4]" in the copy
    assert status["cell"] == 4 and "boom" in status["error"]
