"""The chapter pages' evidence: badges, forest plot, synthesis and the check that prose matches the records."""

import json
import math

from tests.conftest import ROOT

from bookkit import book, corpus, evidence
from helpers.record_file import INCONCLUSIVE, REPRODUCED
from helpers.verdict import Criterion, Verdict


def record(note_id: str, values: list[float], threshold: float = 0.1) -> dict:
    return Verdict(
        note_id,
        "claim",
        [Criterion("gap", values, threshold), Criterion("other", 0.5, 0.1)],
        ("gap", values),
        parameters={"scale": "ci"},
    ).to_record()


def test_standardised_distance_puts_pass_on_the_right_in_interval_units():
    r = record("n01", [0.2, 0.22, 0.21, 0.19, 0.2])
    gap = r["criteria"][0]
    d, exact = evidence.standardised(gap)
    assert not exact and d > 1 and math.isclose(d, (gap["mean"] - 0.1) / (gap["high"] - gap["mean"]))
    at_most = dict(gap, op="<=")
    assert evidence.standardised(at_most)[0] == -d
    assert evidence.standardised(r["criteria"][1]) == (1.5, True)


def test_synthesis_groups_notes_by_verdict_and_the_check_catches_a_contradiction():
    records = {"n01": record("n01", [0.2, 0.22, 0.21]), "n02": record("n02", [0.0, 0.3, 0.1])}
    assert records["n01"]["verdict"] == REPRODUCED and records["n02"]["verdict"] == INCONCLUSIVE
    links = {"n01": "a.ipynb", "n02": "b.ipynb"}
    text = evidence.synthesis(
        "q", ["n01", "n02"], records, {"n01": "T1", "n02": "T2"}, {"q": {"n01": "link one"}}, links
    )
    assert "1 reproduced, 1 inconclusive at this budget" in text and "link one" in text and "T2" in text
    assert evidence.contradictions(text, records, {}) == []
    lying = text.replace("**Holds in miniature (reproduced).**", "**Does not hold at this scale (not reproduced).**")
    assert evidence.contradictions(lying, records, {})
    urls = {"n01": "../n/a.html#verdict"}
    badge = evidence.badge(records["n01"], urls["n01"])
    assert (
        badge.startswith("{bdg-link-success}`reproduced · gap = ")
        and evidence.contradictions(badge, records, urls) == []
    )
    assert evidence.contradictions(badge.replace("`reproduced", "`partly reproduced"), records, urls)


def test_forest_plot_and_scoreboard_are_drawn(tmp_path):
    records = {"n01": record("n01", [0.2, 0.22, 0.21]), "n02": record("n02", [0.0, 0.3, 0.1])}
    assert evidence.forest_plot(records, ["n01", "n02", "n03"], tmp_path / "f.png", "t").stat().st_size > 1000
    assert evidence.forest_plot({}, ["n01"], tmp_path / "none.png", "t") is None
    board = evidence.scoreboard_plot([("q1", evidence.verdict_counts(records, ["n01", "n02"]))], tmp_path / "s.png")
    assert board.stat().st_size > 1000


def test_a_chapter_page_built_from_records_states_only_what_the_records_say():
    data = ROOT / "data" / "corpus"
    notes, question = corpus.load_notes(data), corpus.load_questions(data)[0]
    existing = {notes[n].notebook for n in question.notes}
    records = {n: record(n, [0.2, 0.22, 0.21] if i % 2 else [0.0, 0.3, 0.1]) for i, n in enumerate(question.notes)}
    block = book.render_generated_block(
        question, notes, records, existing, evidence.load_argument(ROOT), "figures/f.png"
    )
    page = f"book/{question.id}.md"
    urls = {n: book.verdict_url(page, notes[n].notebook) for n in question.notes}
    assert block.count("{bdg-link-") == len(question.notes) and "## What the experiments say" in block
    assert evidence.contradictions(block, records, urls) == []


def test_argument_links_name_no_result():
    argument = json.loads((ROOT / "data" / "argument.json").read_text())
    for question in corpus.load_questions(ROOT / "data" / "corpus"):
        assert set(argument[question.id]) == set(question.notes)
        for text in argument[question.id].values():
            # a link is named as a topic: no verdict word, and none of the verbs that stated conclusions before
            banned = (
                "reproduc",
                "inconclusive",
                "not settled",
                "holds",
                "premise",
                " makes ",
                " teaches ",
                " collapses",
                " stops ",
                " amplifies",
                " keeps ",
                " starves",
                " plateaus",
                " judges better",
            )
            assert not any(w in f" {text.lower()} " for w in banned), text


def test_tables_escape_a_pipe_in_a_label():
    r = Verdict(
        "n02", "c", [Criterion("P(Y | Unknown) rise", [0.8, 0.81, 0.82], 0.4)], ("P(Y | Unknown)", [0.8, 0.81, 0.82])
    ).to_record()
    table = book.verdict_table({"n02": r})
    row = table.splitlines()[-1]
    assert row.count(" | ") == table.splitlines()[0].count(" | ") and "\\|" in row
