"""Small helpers a notebook calls directly: the set-up call and the exercise check cell."""

from __future__ import annotations

import pytest

from helpers.notebook import check, start


def test_check_says_right_or_not_without_printing_the_answer(capsys):
    assert check(0.25, 0.2500001, "the ECE gap", tolerance=1e-3)
    assert not check(0.3, 0.25, "the ECE gap", tolerance=1e-3)
    assert "0.25" not in capsys.readouterr().out  # the expected value is never shown
    assert check(" Pass", "pass") and not check("fail", "pass")
    assert check([1, 2], [1, 2]) and not check(True, 1.0)
    assert not check(None, 1.0) and "Not attempted" in capsys.readouterr().out


def test_start_reads_the_named_thresholds_from_the_notebook_and_rejects_bad_ones():
    presets = {"smoke": {"steps": 1}, "ci": {"steps": 5}, "full": {"steps": 9}}
    ns = {"gap_min": 0.1, "margin": -0.2, "bad_min": 0.0}
    run = start("smoke", presets, None, "cpu", ns, positive="gap_min", thresholds="margin")
    assert run.parameters == {"scale": "smoke", "seeds": [0, 1], "gap_min": 0.1, "margin": -0.2, "steps": 1}
    with pytest.raises(NameError, match="typo_min"):
        start("smoke", presets, None, "cpu", ns, positive="gap_min typo_min")
    with pytest.raises(ValueError, match="bad_min"):
        start("smoke", presets, None, "cpu", ns, positive="bad_min")
    with pytest.raises(TypeError, match="globals"):
        start("smoke", presets, None, "cpu", positive="gap_min")
