"""Where the book lives and builds: the repository root, the build folder and the recorded expectations."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("BOOK_ROOT", Path.cwd())).resolve()
BUILD = Path(os.environ.get("BOOK_BUILD_DIR", ROOT / "_build")).resolve()
EXPECTED = ROOT / "data" / "verdicts"
