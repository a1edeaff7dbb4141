"""The Colab set-up cell of every notebook, generated from one place: ``repository.url`` in ``_config.yml``.

On Colab the cell installs the book's ``helpers`` package (and only it: its ranges keep Colab's own
torch, numpy and matplotlib) from the repository at ``REF``; anywhere else it does nothing. The
committed notebooks say ``REF = "main"``; the book's build writes the commit it was built from into
the published copies (:func:`pin`), so a reader who opens a published notebook gets the helpers that
produced its figures. ``$BOOK_REPO`` overrides the address (the Colab test points it at a local clone).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

TAG = "colab"
_REF = re.compile(r'^(    REF = )"[^"]*"', re.M)


def repository_url(root: Path) -> str:
    """The repository address: ``repository.url`` of ``_config.yml``, the one place it is written."""
    return yaml.safe_load((root / "_config.yml").read_text())["repository"]["url"]


def cell_source(url: str, ref: str = "main") -> str:
    """The set-up cell's code for repository ``url`` at ``ref``."""
    return f'''# Colab set-up: installs the book's helpers when this notebook runs on Colab; does
# nothing anywhere else. Generated from _config.yml (bookkit.colab): do not edit here.
import os
import sys

if "google.colab" in sys.modules:
    import subprocess

    REPO = os.environ.get(
        "BOOK_REPO", "{url}"
    )
    REF = "{ref}"  # the build writes the commit the published book was built from
    # Only the helpers package, with the ranges of its pyproject.toml: Colab keeps its
    # own torch, numpy and matplotlib, and pip adds what it lacks (trl, maybe transformers).
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", f"git+{{REPO}}.git@{{REF}}"],
        check=True,
    )'''


def pin(source: str, ref: str) -> str:
    """The cell's code with ``REF`` set to ``ref`` (the build's commit)."""
    return _REF.sub(lambda m: f'{m.group(1)}"{ref}"', source)
