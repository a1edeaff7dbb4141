import json
import math

import pytest

from bookkit.records import compare_records
from helpers import params
from helpers.intervals import FAIL, PASS, UNRESOLVED, mean_interval, side, t_quantile_975, where, wilson_interval
from helpers.record_file import INCONCLUSIVE, NOT_REPRODUCED, PARTLY, PREMISE_NOT_MET, REPRODUCED, read_record
from helpers.verdict import Criterion, Verdict, verdict_word


def make(mean_gap=(0.2, 0.3, 0.25), threshold: float = 0.1, seeds=(0.2, 0.25, 0.22)) -> Verdict:
    return Verdict(
        "n99",
        "test claim",
        [
            Criterion("mean gap, every seed shown", by_seed=list(seeds), threshold=0.0, op=">", every_seed=True),
            Criterion("mean gap", list(mean_gap), threshold),
            Criterion("report only", -5, 0, decides=False),
        ],
        key_number=("gap", list(mean_gap)),
        parameters={"threshold": threshold},
    )


def test_t_interval_matches_a_hand_computation():
    mean, low, high = mean_interval([1.0, 2.0, 3.0])
    # sd = 1, t(0.975, 2) = 4.303, half-width 4.303 / sqrt(3)
    assert mean == 2.0 and math.isclose(high - mean, 4.303 / math.sqrt(3)) and math.isclose(mean - low, high - mean)
    assert mean_interval([0.5]) == (0.5, -math.inf, math.inf)
    assert (
        t_quantile_975(4) == 2.776
        and abs(t_quantile_975(31) - 2.040) < 2e-3
        and abs(t_quantile_975(10**6) - 1.96) < 1e-3
    )


def test_a_mean_criterion_passes_fails_or_is_unresolved_by_its_interval():
    assert Criterion("clear pass", [0.2, 0.22, 0.21, 0.19, 0.2], 0.1).status == PASS
    assert Criterion("clear fail", [0.02, 0.03, 0.01, 0.02, 0.04], 0.1).status == FAIL
    assert Criterion("straddles", [0.05, 0.15, 0.1, 0.2, 0.0], 0.1).status == UNRESOLVED
    assert Criterion("at most", [0.2, 0.22, 0.21], 0.5, "<=").status == PASS
    assert Criterion("at most, fails", [0.7, 0.72, 0.71], 0.5, "<=").status == FAIL
    assert Criterion("one seed has no interval", [0.9], 0.1).status == UNRESOLVED
    assert Criterion("nan", [float("nan"), 0.2], 0.1).status == FAIL
    assert Criterion("exact value", 0.3, 0.1).status == PASS and Criterion("exact value", 0.05, 0.1).status == FAIL


def test_an_every_seed_criterion_is_decided_on_the_mean_and_shows_its_count():
    # the count of seeds passing alone is shown, never decides: its chance of passing falls as seeds are added
    all_pass = Criterion("all pass", by_seed=[0.4, 0.6, 0.01], threshold=0.0, op=">", every_seed=True)
    assert (
        all_pass.status == UNRESOLVED
        and all_pass.seeds_passing == (3, 3)
        and "3/3 seeds pass alone" in all_pass.describe()
    )
    one_fails = Criterion("one fails", by_seed=[0.5, 0.52, 0.51, 0.49, -0.01], threshold=0.0, op=">", every_seed=True)
    assert one_fails.status == PASS and one_fails.seeds_passing == (4, 5)
    none_pass = Criterion("none pass", by_seed=[-0.4, -0.45, -0.41], op=">", every_seed=True)
    assert none_pass.status == FAIL and none_pass.seeds_passing == (0, 3)
    assert math.isclose(all_pass.measured, (0.4 + 0.6 + 0.01) / 3)
    assert Criterion("passes is public", 0.3, 0.1).passes(0.2) and not Criterion("x", 0.3, 0.1, "<=").passes(0.2)


def test_a_binary_outcome_gets_a_wilson_interval():
    share, low, high = wilson_interval([1, 1, 1, 1, 1])
    assert share == 1.0 and high == 1.0 and abs(low - 0.566) < 1e-3  # 5 of 5 is not certainty
    assert Criterion("5 of 5", by_seed=[1] * 5, threshold=0.5, binary=True).status == PASS
    assert Criterion("4 of 5", by_seed=[1, 1, 1, 1, 0], threshold=0.5, binary=True).status == UNRESOLVED
    assert Criterion("0 of 5", by_seed=[0] * 5, threshold=0.5, binary=True).status == FAIL
    with pytest.raises(ValueError):
        Criterion("not 0/1", by_seed=[0.5, 1], threshold=0.5, binary=True)


def test_side_and_where_word_an_interval_against_a_reference():
    assert (
        side(0.1, 0.3, 0.0, ">") == PASS and side(-0.1, 0.3, 0.0, ">") == UNRESOLVED and side(-0.3, -0.1, 0.0) == FAIL
    )
    assert side(0.1, 0.3, 0.5, "<=") == PASS and side(0.4, 0.6, 0.5, "<=") == UNRESOLVED
    assert where([0.1, 0.2, 0.15]).startswith("above 0") and where([-0.1, -0.2, -0.15]).startswith("below 0")
    assert where([-0.1, 0.2, 0.05]).startswith("not distinguishable from 0")


def test_a_premise_not_met_is_its_own_verdict():
    premise_fails = Criterion("base copies the bug: bug Pass@1", [0.6, 0.7, 0.65], 0.3, "<=")
    verdict = make()
    assert verdict.word == REPRODUCED
    verdict.premises = [premise_fails]
    assert verdict.word == PREMISE_NOT_MET and verdict.reason.startswith("premise not met")
    assert verdict.table()["decides verdict"].iloc[0] == "premise"
    record = verdict.to_record()
    assert record["verdict"] == PREMISE_NOT_MET and record["premises"][0]["status"] == FAIL


def test_verdict_words_follow_the_statuses():
    assert make().word == REPRODUCED
    assert make(mean_gap=(0.01, 0.02, 0.015)).word == PARTLY
    assert make(mean_gap=(0.01, 0.02, 0.015), seeds=(-0.2, -0.21, -0.19)).word == NOT_REPRODUCED
    assert make(mean_gap=(0.0, 0.3, 0.1)).word == INCONCLUSIVE
    assert make(seeds=(0.2, -0.1, 0.3)).word == INCONCLUSIVE
    with pytest.raises(ValueError):
        verdict_word([Criterion("x", 1, 0, decides=False)])


def test_changing_a_threshold_changes_the_verdict():
    assert make(mean_gap=(0.3, 0.31, 0.29), threshold=0.1).word == REPRODUCED
    assert make(mean_gap=(0.3, 0.31, 0.29), threshold=0.5).word == PARTLY


def test_inconsistent_criteria_are_refused():
    with pytest.raises(ValueError, match="not the mean"):
        Criterion("wrong mean", 0.5, 0.0, by_seed=[0.1, 0.2])
    with pytest.raises(ValueError, match="do not give both"):
        Criterion("both", [0.1], 0.0, by_seed=[0.1])
    with pytest.raises(ValueError, match="needs by_seed"):
        Criterion("nothing", None, 0.0)
    with pytest.raises(ValueError):
        Criterion("bad op", 1, 0, op="=>")


def test_record_is_atomic_complete_and_readable(tmp_path):
    path = make().record(tmp_path)
    record = read_record(path)
    assert record["verdict"] == REPRODUCED and record["complete"] is True
    assert record["counts"] == {"pass": 2, "fail": 0, "unresolved": 0}
    gap = record["criteria"][1]
    assert gap["by_seed"] == [0.2, 0.3, 0.25] and gap["status"] == PASS and gap["low"] < gap["mean"] < gap["high"]
    assert record["key_number"]["low"] is not None and record["key_number"]["values"] == [0.2, 0.3, 0.25]
    assert [p.name for p in tmp_path.iterdir()] == ["n99.json"]
    (tmp_path / "partial.json").write_text(json.dumps(dict(record, complete=False)))
    (tmp_path / "old.json").write_text(json.dumps(dict(record, schema=1)))
    (tmp_path / "torn.json").write_text(path.read_text()[:50])
    for name in ("partial.json", "old.json", "torn.json", "missing.json"):
        assert read_record(tmp_path / name) is None


def test_table_and_admonition_show_intervals_and_counts():
    v = make(mean_gap=(0.0, 0.3, 0.1))
    table = v.table()
    assert list(table["status"]) == [PASS, UNRESOLVED, FAIL]
    assert "[" in table.iloc[1, 1] and "(0, 0.3, 0.1)" in table.iloc[1, 1]
    box = v.admonition()
    text, html = box._repr_markdown_(), box._repr_html_()
    assert INCONCLUSIVE in text and "1 of 2 deciding criteria pass, 0 fail, 1 unresolved" in text and "mean gap" in text
    assert text.startswith(":::{admonition}") and ":::" not in html and INCONCLUSIVE in html  # MyST for the book only


def test_the_expectation_check_catches_a_changed_word_or_a_value_outside_the_interval():
    recorded = make().to_record()
    assert compare_records(make().to_record(), recorded) == []
    assert compare_records(make(mean_gap=(0.21, 0.29, 0.26)).to_record(), recorded) == []  # inside the interval
    moved = compare_records(make(mean_gap=(0.6, 0.7, 0.65)).to_record(), recorded)
    assert len(moved) == 1 and "outside the recorded interval" in moved[0]
    flipped = compare_records(make(mean_gap=(0.0, 0.3, 0.1)).to_record(), recorded)
    assert any("verdict" in p for p in flipped)
    exact = Verdict("n99", "c", [Criterion("exact", 0.3, 0.1)], ("k", 0.3)).to_record()
    assert compare_records(Verdict("n99", "c", [Criterion("exact", 0.31, 0.1)], ("k", 0.31)).to_record(), exact)


def test_parameter_checks_name_the_parameter_and_allowed_values():
    with pytest.raises(ValueError, match=r"scale='huge'.*\['ci', 'full', 'smoke'\]"):
        params.choose_scale("huge", {s: s for s in params.SCALES})
    assert params.choose_scale("ci", {"ci": 1}) == 1
    for bad in ([], "012", [1, 1], [-1], [0.5]):
        with pytest.raises(ValueError, match="seeds"):
            params.check_seeds(bad)
    with pytest.raises(ValueError, match="seeds=None"):
        params.check_seeds(None)
    assert params.check_seeds(None, scale="ci") == [0, 1, 2, 3, 4] and len(params.check_seeds(None, scale="smoke")) == 2
    assert params.report_seeds([3, 4, 5], "ci") == [3] and params.report_seeds([3, 4, 5], "full") == [3, 4, 5]
    with pytest.raises(ValueError, match="num_steps"):
        params.check_positive(num_steps=-3)


def test_pooling_two_seed_sets_recomputes_the_verdict_on_all_seeds():
    from bookkit.records import pooled_verdict

    first = make(mean_gap=(0.12, 0.3, 0.14)).to_record()  # unresolved with three seeds
    first["parameters"]["seeds"] = [0, 1, 2]
    second = make(mean_gap=(0.2, 0.21, 0.19)).to_record()
    second["parameters"]["seeds"] = [3, 4, 5]
    pooled = pooled_verdict(first, second)
    assert first["verdict"] == INCONCLUSIVE and pooled["seeds"] == [0, 1, 2, 3, 4, 5]
    assert pooled["verdict"] == REPRODUCED and pooled["counts"] == {"pass": 2, "fail": 0, "unresolved": 0}
