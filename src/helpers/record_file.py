"""A verdict record on disk: its schema and words, written atomically, read back, and where it came from.

A claim notebook's :class:`helpers.verdict.Verdict` writes one JSON record per note
(``<note_id>.json``); the chapter pages, the status page, the expectation check and the tests
read it with :func:`read_record`, which refuses a partial file, another schema or an unknown word.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

REPRODUCED, PARTLY, NOT_REPRODUCED = "reproduced", "partly reproduced", "not reproduced at this scale"

INCONCLUSIVE = "inconclusive at this budget"

PREMISE_NOT_MET = "premise not met at this scale"

VERDICT_WORDS = (REPRODUCED, PARTLY, INCONCLUSIVE, NOT_REPRODUCED, PREMISE_NOT_MET)

RECORD_SCHEMA = 3


def write_json_atomic(path: Path, payload: dict[str, Any]) -> Path:
    """Write JSON to a temporary sibling and rename it over ``path``: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(payload, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_record(path: str | Path) -> dict[str, Any] | None:
    """A verdict record, or ``None`` if it is missing, unreadable, partial or of another schema."""
    try:
        record = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    if record.get("complete") is not True or record.get("schema") != RECORD_SCHEMA:
        return None
    if record.get("verdict") not in VERDICT_WORDS:
        return None
    return record


def provenance() -> dict[str, str | None]:
    """What produced a record: the book's commit and build date (``$BOOK_COMMIT``, ``$BOOK_BUILD_DATE``, set
    by the runner; ``None`` elsewhere, e.g. on Colab) and the versions of torch, transformers and TRL."""
    from importlib import metadata

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "commit": os.environ.get("BOOK_COMMIT"),
        "build_date": os.environ.get("BOOK_BUILD_DATE"),
        "torch": version("torch"),
        "transformers": version("transformers"),
        "trl": version("trl"),
    }


def first_design(note_id: str) -> dict[str, Any]:
    """The verdict record of a claim's first design, kept when an experiment was redesigned.

    A redesigned notebook shows its first design's numbers beside its own; when that design
    can no longer run beside the new one (another base, another critique format), the last
    record it produced is kept in ``helpers/first_designs/<note_id>.json`` (package data, so it
    is there on Colab too). Returns the record; ``criteria`` maps name to the recorded mean.
    """
    from importlib import resources

    text = (resources.files("helpers") / "first_designs" / f"{note_id}.json").read_text()
    record = json.loads(text)
    record["criteria"] = {c["name"]: c["mean"] for c in record["criteria"]}
    return record
