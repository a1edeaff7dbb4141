"""The seed-cost benchmark's arithmetic and figure (the benchmark itself runs with `make seedcost`)."""

from pathlib import Path

import pytest

from bookkit import seedcost

RESULT = {
    "scale": "ci",
    "counts": [1, 3, 5],
    "runs": [
        {"notebook": "notebooks/q/01-a.ipynb", "seeds": 1, "wall_s": 20.0, "cpu_s": 19.0, "startup_s": 10.0},
        {"notebook": "notebooks/q/01-a.ipynb", "seeds": 3, "wall_s": 40.0, "cpu_s": 39.0, "startup_s": 10.0},
        {"notebook": "notebooks/q/01-a.ipynb", "seeds": 5, "wall_s": 60.0, "cpu_s": 59.0, "startup_s": 10.0},
    ],
}


def test_ratio_is_five_seeds_over_one():
    assert seedcost.ratio(RESULT, "notebooks/q/01-a.ipynb") == pytest.approx(3.0)
    assert seedcost.ratio(RESULT, "notebooks/q/missing.ipynb") != seedcost.ratio(RESULT, "notebooks/q/missing.ipynb")


def test_table_has_one_row_per_notebook_with_the_ratio():
    text = seedcost.table(RESULT)
    assert "| `01-a` | 20.0 | 40.0 | 60.0 | 3.00 |" in text


def test_figure_is_written(tmp_path: Path):
    assert seedcost.figure(RESULT, tmp_path / "cost.png").stat().st_size > 1000


def test_counts_must_be_positive(tmp_path: Path):
    with pytest.raises(ValueError, match="positive"):
        seedcost.measure(tmp_path, tmp_path, ["x"], [0])
