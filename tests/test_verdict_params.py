import json

import pytest

from helpers import params
from helpers.verdict import NOT_REPRODUCED, PARTLY, REPRODUCED, Criterion, Verdict, read_record, verdict_word


def make(gap: float, threshold: float = 0.1, seeds=(0.2, 0.3, 0.1)) -> Verdict:
    return Verdict("n99", "test claim", [
        Criterion("gap in every seed", min(seeds), 0.0, ">", per_seed=list(seeds)),
        Criterion("mean gap", gap, threshold),
        Criterion("report only", -5, 0, decides=False),
    ], key_number=("gap", gap), parameters={"threshold": threshold})


def test_verdict_words_follow_the_deciding_criteria():
    assert make(0.2).word == REPRODUCED
    assert make(0.05).word == PARTLY
    assert make(0.05, seeds=(0.2, -0.1)).word == NOT_REPRODUCED
    with pytest.raises(ValueError):
        verdict_word([Criterion("x", 1, 0, decides=False)])


def test_changing_a_threshold_changes_the_verdict():
    assert make(0.15, threshold=0.1).word == REPRODUCED
    assert make(0.15, threshold=0.3).word == PARTLY


def test_per_seed_values_must_all_pass():
    c = Criterion("every seed", 0.5, 0.0, ">", per_seed=[0.4, 0.6, -0.01])
    assert not c.passed
    assert not Criterion("nan", float("nan"), 0.0).passed
    with pytest.raises(ValueError):
        Criterion("bad op", 1, 0, op="=>")


def test_record_is_atomic_complete_and_readable(tmp_path):
    path = make(0.2).record(tmp_path)
    record = read_record(path)
    assert record["verdict"] == REPRODUCED and record["complete"] is True
    assert record["criteria"][0]["per_seed"] == [0.2, 0.3, 0.1]
    assert [p.name for p in tmp_path.iterdir()] == ["n99.json"]
    partial = dict(record, complete=False)
    (tmp_path / "partial.json").write_text(json.dumps(partial))
    (tmp_path / "torn.json").write_text(path.read_text()[:50])
    assert read_record(tmp_path / "partial.json") is None
    assert read_record(tmp_path / "torn.json") is None
    assert read_record(tmp_path / "missing.json") is None


def test_table_and_admonition_show_the_numbers():
    v = make(0.05)
    table = v.table()
    assert list(table["pass"]) == ["yes", "no", "no"]
    assert "0.2, 0.3, 0.1" in table.loc[0, "measured (per seed)"]
    assert "partly reproduced" in v.admonition().data and "mean gap" in v.admonition().data


def test_parameter_checks_name_the_parameter_and_allowed_values():
    with pytest.raises(ValueError, match=r"scale='huge'.*\['ci', 'full', 'smoke'\]"):
        params.choose_scale("huge", {s: s for s in params.SCALES})
    assert params.choose_scale("ci", {"ci": 1}) == 1
    for bad in ([], "012", [1, 1], [-1], [0.5]):
        with pytest.raises(ValueError, match="seeds"):
            params.check_seeds(bad)
    with pytest.raises(ValueError, match="num_steps"):
        params.check_positive(num_steps=-3)
