"""The book's table of contents: the files and notebooks of ``_toc.yml``, in reading order.

``python -m bookkit.toc --json`` prints the notebooks as a JSON list: the CI workflow's matrix. Needs
only PyYAML, so the workflow's planning job runs it before installing the book's environment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from bookkit.paths import ROOT


def notebooks(root: Path) -> list[str]:
    """Notebook paths (``notebooks/...ipynb``) of ``_toc.yml``, in reading order."""
    files: list[str] = []

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("chapters", "sections", "parts"):
                walk(entry.get(key, []))

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files.append(toc["root"])
    walk(toc.get("parts", []) + toc.get("chapters", []))
    return [f + ".ipynb" for f in files if f.startswith("notebooks/")]


def toc_notebooks(root: Path = ROOT) -> list[str]:
    """The notebooks the book contains (``notebooks/...ipynb``), in reading order (:func:`notebooks`)."""
    return notebooks(root)


def toc_files(root: Path = ROOT) -> list[str]:
    """Every ``file:`` entry of ``_toc.yml`` in reading order (without extension), root first."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))
            for part_key in ("chapters", "parts"):
                walk(entry.get(part_key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return files


if __name__ == "__main__":
    listed = notebooks(Path.cwd())
    print(json.dumps(listed) if "--json" in sys.argv else "\n".join(listed))
