"""Small helpers a notebook calls directly: the exercise check cell."""

from __future__ import annotations

from helpers.notebook import check


def test_check_says_right_or_not_without_printing_the_answer(capsys):
    assert check(0.25, 0.2500001, "the ECE gap", tolerance=1e-3)
    assert not check(0.3, 0.25, "the ECE gap", tolerance=1e-3)
    assert "0.25" not in capsys.readouterr().out  # the expected value is never shown
    assert check(" Pass", "pass") and not check("fail", "pass")
    assert check([1, 2], [1, 2]) and not check(True, 1.0)
    assert not check(None, 1.0) and "Not attempted" in capsys.readouterr().out
