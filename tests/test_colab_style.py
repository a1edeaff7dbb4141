"""A notebook run the way Colab runs it: one .ipynb in an empty folder, the package installed by its own Colab cell.

Colab gets a single notebook, not the repository, in a Python that already has torch,
transformers, numpy, pandas and matplotlib. Its set-up cell installs only this package, whose
``pyproject.toml`` asks for ranges, so pip adds what is missing and reinstalls nothing Colab has.
Here: make a fresh virtual environment outside the repo whose preinstalled
stack is the project's environment (a ``.pth`` line, as Colab's packages are simply there);
run the notebook's Colab cell as written against a local git copy of the checkout, checking that
pip would add nothing else; copy one
notebook per chapter into an empty folder and execute it with that environment's papermill
at the smoke scale. (A fresh install of ``requirements.txt`` is what ``make`` does on every
clean machine, CI included, so it is not repeated here.)

The fresh environment and its three notebooks take about 100 s, so they run in ``make test-latest``
(``BOOK_COMPAT=latest``, the phase about what Colab's pip gets; CI runs it), not in ``make test``
(issue 29: ``make test`` within 4 minutes). The check that every Colab cell is generated runs in both.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from tests.conftest import ROOT

from bookkit import execution, toc
from helpers.record_file import read_record

#: The fresh-environment tests run only in ``make test-latest`` (see the module docstring).
colab_env = pytest.mark.skipif(
    "latest" not in os.environ.get("BOOK_COMPAT", "").split(","),
    reason="a fresh Colab-style environment: set BOOK_COMPAT=latest (make test-latest)",
)

ONE_PER_CHAPTER = [
    "notebooks/lab/00-tiny-lm-and-grpo.ipynb",
    "notebooks/q1-meta-rl-rational-bias/07-critique-plateaus.ipynb",
    "notebooks/q2-reward-model-bias-cascade/01-utility-weighted-loss.ipynb",
]


def _clean_env(home: Path) -> dict[str, str]:
    """The environment of a fresh machine: no repo paths, no book settings, user-level Jupyter dirs empty."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOOK_", "PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env.update(
        HOME=str(home),
        JUPYTER_DATA_DIR=str(home / "jupyter"),
        JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
        PATH=os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p),
    )
    return env


def colab_cell(rel: str) -> str:
    """The source of a notebook's Colab set-up cell (tag ``colab``), exactly as committed."""
    import nbformat

    [cell] = [c for c in nbformat.read(ROOT / rel, as_version=4).cells if "colab" in c.metadata.get("tags", [])]
    return cell.source


@pytest.fixture(scope="module")
def colab_python(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A fresh venv over a preinstalled stack, where a notebook's Colab cell ran as written.

    The cell's own code runs with a stand-in ``google.colab`` module and ``$BOOK_REPO`` pointed at a local
    git repository holding this checkout's tree (committed on branch ``main``, so uncommitted work is in it),
    so pip installs ``git+file://...@main`` exactly as Colab would install ``git+https://...@main``.
    """
    work = tmp_path_factory.mktemp("colab")
    env = _clean_env(work / "home")
    (work / "home").mkdir()
    repo = work / "repo.git"  # the cell appends ".git" to the address
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for rel in filter(None, listed):  # the checkout's files, as git sees them: no venv, builds or caches
        if (ROOT / rel).is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, repo / rel)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "init.defaultBranch=main"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "checkout"]):
        subprocess.run([*git, *args], cwd=repo, check=True, env=env, capture_output=True)
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True, env=env)
    python = str(work / "venv" / "bin" / "python")
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    stack = sysconfig.get_paths()["purelib"]  # the project's environment plays Colab's preinstalled packages
    (Path(site) / "preinstalled-stack.pth").write_text(stack + "\n")
    env = {**env, "BOOK_REPO": f"file://{work / 'repo'}"}
    report = work / "report.json"
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--dry-run", "--report", str(report), f"git+file://{repo}@main"],
        check=True,
        env=env,
        timeout=600,
    )
    added = {i["metadata"]["name"] for i in json.loads(report.read_text())["install"]}
    assert added <= {"reward-bias-helpers", "setuptools"}, f"the Colab cell would reinstall {added}"
    cell = work / "colab_cell.py"
    cell.write_text(
        "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n"
        + colab_cell(ONE_PER_CHAPTER[0])
    )
    proc = subprocess.run([python, str(cell)], cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work / "venv" / "bin", env


def test_every_colab_cell_is_generated_from_the_config():
    from bookkit import colab

    expected = colab.cell_source(colab.repository_url(ROOT))
    for rel in toc.toc_notebooks(ROOT):
        assert colab_cell(rel) == expected, f"{rel}: run `python -m bookkit.run colab` to regenerate its Colab cell"


@colab_env
def test_the_package_comes_from_the_colab_cell_install(colab_python):
    bin_dir, env = colab_python
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import helpers, bookkit.run; print(helpers.__file__, bookkit.run.__file__)"],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.count("site-packages") == 2 and str(ROOT) not in where


@colab_env
@pytest.mark.parametrize("rel", ONE_PER_CHAPTER, ids=lambda r: Path(r).stem)
def test_a_notebook_alone_in_an_empty_folder_runs(colab_python, rel: str, tmp_path: Path):
    assert rel in toc.toc_notebooks(ROOT)
    bin_dir, env = colab_python
    folder = tmp_path / "content"  # Colab's working directory
    folder.mkdir()
    shutil.copy2(ROOT / rel, folder / Path(rel).name)
    proc = subprocess.run(
        [
            str(bin_dir / "python"),
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
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    note = execution.note_of(rel)
    if note:  # the verdict record lands beside the notebook, not in the repository
        assert read_record(folder / "verdicts" / f"{note}.json") is not None, sorted(p.name for p in folder.rglob("*"))
