"""The notebooks of ``_toc.yml`` as a JSON list (``python -m bookkit.toc --json``): the CI workflow's matrix.

Needs only PyYAML, so the workflow's planning job runs it before installing the book's environment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml


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


if __name__ == "__main__":
    listed = notebooks(Path.cwd())
    print(json.dumps(listed) if "--json" in sys.argv else "\n".join(listed))
