"""Records across runs: the replication's contradictions and the variance split of five bases × two RL seeds."""

import math

import pytest

from bookkit import variance
from bookkit.records import compare_records, criterion_rows
from helpers.verdict import Criterion, Verdict


def record(gap: list[float], premise: list[float], seeds: list[int]) -> dict:
    return Verdict(
        "n99",
        "claim",
        [Criterion("gap", by_seed=gap, threshold=0.1), Criterion("shown", 1.0, 0, decides=False)],
        key_number=("gap", gap),
        parameters={"scale": "ci", "seeds": seeds},
        premises=[Criterion("base has room", by_seed=premise, threshold=0.5, op="<=")],
    ).to_record()


def test_the_replication_names_pass_fail_contradictions_and_means_outside():
    book = record([0.3, 0.32, 0.31, 0.29, 0.3], [0.2, 0.25, 0.22, 0.21, 0.2], [0, 1, 2, 3, 4])
    same = record([0.3, 0.33, 0.3, 0.28, 0.31], [0.2, 0.24, 0.22, 0.2, 0.21], [20, 21, 22, 23, 24])
    flipped = record([0.0, 0.02, 0.01, -0.01, 0.0], [0.2, 0.24, 0.22, 0.2, 0.21], [20, 21, 22, 23, 24])
    unresolved = record([0.0, 0.3, 0.1, 0.2, 0.05], [0.2, 0.24, 0.22, 0.2, 0.21], [20, 21, 22, 23, 24])
    rows = {r["criterion"]: r for r in criterion_rows(book, same)}
    assert set(rows) == {"gap", "premise: base has room"} and not any(r["contradiction"] for r in rows.values())
    assert [r["contradiction"] for r in criterion_rows(book, flipped) if r["criterion"] == "gap"] == [True]
    moved = [r for r in criterion_rows(book, unresolved) if r["criterion"] == "gap"][0]
    assert not moved["contradiction"] and moved["mean outside the book's interval"]  # to unresolved: no contradiction
    assert any(
        "premise: base has room" in p
        for p in compare_records(
            record([0.3, 0.32, 0.31, 0.29, 0.3], [0.6, 0.62, 0.61, 0.6, 0.6], [0, 1, 2, 3, 4]), book
        )
    )


def test_the_variance_split_separates_bases_from_rl_seeds():
    bases_differ = variance.split([1, 2, 3, 4, 5], [1.1, 2.1, 2.9, 4.2, 5.0])
    assert bases_differ["base_share"] > 0.99
    rl_noise_only = variance.split([1, 1, 1, 1, 1], [2, 0, 2, 0, 1])
    assert rl_noise_only["base_share"] < 0.2 and math.isclose(rl_noise_only["within_base_var"], 0.4)
    with pytest.raises(ValueError):
        variance.split([1.0], [1.0])


def test_variance_pairs_seed_s_with_seed_period_plus_s():
    book = {"n99": record([0.3, 0.32, 0.31, 0.29, 0.3], [0.2] * 5, [0, 1, 2, 3, 4])}
    rerun = {"n99": record([0.31, 0.3, 0.33, 0.28, 0.3], [0.2] * 5, [1000, 1001, 1002, 1003, 1004])}
    result = variance.compare(book, rerun)
    assert [r["criterion"] for r in result["notes"][0]["criteria"]] == ["gap"]
    assert "| n99 | gap |" in variance.table(result)
    with pytest.raises(ValueError):
        variance.compare(book, {"n99": record([0.3] * 5, [0.2] * 5, [5, 6, 7, 8, 9])})


def test_a_replication_keeps_the_rows_that_still_hold(tmp_path):
    """Rows of notes not re-run are kept while their expectation is unchanged; a re-recorded note's row goes."""
    import json

    from bookkit.records import kept_rows, note_fingerprint, stale_notes

    for note in ("n01", "n02"):
        (tmp_path / f"{note}.json").write_text(json.dumps({"note_id": note, "v": 1}))
    rows = [{"note": n, "expectation": note_fingerprint(n, tmp_path)} for n in ("n01", "n02")]
    earlier = {"seeds": [20, 21], "scale": "ci", "notes": rows, "expectations": "old"}
    path = tmp_path / "replication.json"
    path.write_text(json.dumps(earlier))
    assert stale_notes(earlier, tmp_path) == []
    (tmp_path / "n02.json").write_text(json.dumps({"note_id": "n02", "v": 2}))  # n02 re-recorded
    assert stale_notes(earlier, tmp_path) == ["n02"]
    assert [r["note"] for r in kept_rows(path, set(), [20, 21], "ci")] == ["n01"]
    assert kept_rows(path, {"n01"}, [20, 21], "ci") == []
    assert kept_rows(path, set(), [30, 31], "ci") == []  # another seed set is another replication
