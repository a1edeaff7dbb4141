"""The lowest versions that ``pyproject.toml`` admits really run the book (``make test-compat``).

Colab installs the helpers package with the ranges of ``pyproject.toml`` over whatever it has
preinstalled, so a lower bound is a promise: this test builds a fresh virtual environment with
the *lowest* declared versions of transformers, trl, accelerate and datasets (torch stays the
project's pinned wheel, which is on this machine's disk), installs the package from a wheel, and
executes the lab and one TRL claim notebook at scale ``smoke``. A second environment takes the
*newest* versions the package index serves within the same ranges (what Colab's pip fetches
tomorrow), torch again as pinned, and runs the same two notebooks (``make test-latest``). Each
needs a package index and several minutes, so they run only when ``BOOK_COMPAT`` is ``1``
(or ``lowest``) or ``latest``, not in ``make test``; CI runs both.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
from tests.conftest import ROOT

from helpers.record_file import read_record

#: Which environments to try: ``BOOK_COMPAT=1``/``lowest`` (make test-compat), ``latest`` (make test-latest), or both
#: (``lowest,latest``).
MODES = {"1": "lowest"}.get(os.environ.get("BOOK_COMPAT", ""), os.environ.get("BOOK_COMPAT", "")).split(",")

CHECKED = ("transformers", "trl", "accelerate", "datasets")
NOTEBOOKS = [
    "notebooks/lab/00-tiny-lm-and-grpo.ipynb",
    "notebooks/q1-meta-rl-rational-bias/01-binary-reward-calibration.ipynb",
]


def lowest_versions(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """The lower bound ``>=X`` that ``pyproject.toml`` declares for each package of :data:`CHECKED`."""
    found = {}
    for dep in tomllib.loads(pyproject.read_text())["project"]["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][^,;\s]*).*", dep)
        if match and match.group(1).lower() in CHECKED:
            found[match.group(1).lower()] = match.group(2)
    missing = set(CHECKED) - set(found)
    assert not missing, f"pyproject.toml declares no lower bound for {missing}"
    return found


def test_lower_bounds_are_declared():
    assert set(lowest_versions()) == set(CHECKED)


@pytest.fixture(scope="module", params=["lowest", "latest"])
def compat_python(request, tmp_path_factory) -> Path:
    """A fresh venv: torch as pinned, the four packages at their lowest (or the newest served) versions, the package
    from its wheel."""
    versions = request.param
    if versions not in MODES:
        pytest.skip(f"set BOOK_COMPAT={versions} (make test-{'compat' if versions == 'lowest' else 'latest'})")
    work = tmp_path_factory.mktemp(versions)
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", "_build", ".git", "*.egg-info", "__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), str(src)], check=True
    )
    [wheel] = (work / "dist").glob("*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
    python = work / "venv" / "bin" / "python"
    import torch

    constraints = work / "constraints.txt"
    constraints.write_text(
        "\n".join(
            [
                f"torch=={torch.__version__.split('+')[0]}",
                *(f"{name}=={v}" for name, v in lowest_versions().items() if versions == "lowest"),
            ]
        )
        + "\n"
    )
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-c", str(constraints), str(wheel), "papermill", "ipykernel"],
        check=True,
        timeout=1800,
    )
    installed = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True, text=True, check=True).stdout
    print(f"[{versions}]", *(ln for ln in installed.splitlines() if ln.split("==")[0].lower() in CHECKED))
    return python


@pytest.mark.parametrize("rel", NOTEBOOKS, ids=lambda r: Path(r).stem)
def test_notebook_runs_with_the_lowest_and_the_newest_versions(compat_python: Path, rel: str, tmp_path: Path):
    shutil.copy2(ROOT / rel, tmp_path / Path(rel).name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOOK_", "VIRTUAL_ENV", "PYTHONPATH"))}
    proc = subprocess.run(
        [
            str(compat_python),
            "-m",
            "papermill",
            Path(rel).name,
            "out.ipynb",
            "-p",
            "scale",
            "smoke",
            "--kernel",
            "python3",
            "--no-progress-bar",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    if "/lab/" not in rel:
        assert any(read_record(p) for p in (tmp_path / "verdicts").glob("*.json"))
