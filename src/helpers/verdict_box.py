"""How a verdict record is shown: a MyST admonition for the book, an HTML box for Jupyter, Colab and GitHub."""

from __future__ import annotations

from typing import Any

from helpers.intervals import fmt
from helpers.record_file import INCONCLUSIVE, NOT_REPRODUCED, PARTLY, PREMISE_NOT_MET, REPRODUCED

ADMONITION_CLASS = {
    REPRODUCED: "tip",
    PARTLY: "warning",
    INCONCLUSIVE: "note",
    NOT_REPRODUCED: "danger",
    PREMISE_NOT_MET: "caution",
}


def key_text(key: dict[str, Any]) -> str:
    """``label = mean [low, high]`` (or ``label = value``) of a record's key number."""
    if key.get("low") is None:
        return f"{key['label']} = {fmt(key['value'])}"
    return f"{key['label']} = {fmt(key['value'])} [{fmt(key['low'])}, {fmt(key['high'])}]"


def admonition_text(record: dict[str, Any], note: str = "") -> str:
    """The MyST admonition of a verdict record: the word, the counts and reason, the key number (and ``note``)."""
    kind = ADMONITION_CLASS[record["verdict"]]
    return (
        f":::{{admonition}} Verdict: {record['verdict']}\n:class: {kind}\n\n{record['reason']}. "
        f"Key number: {key_text(record['key_number'])} (mean of seeds, 95% interval).{note}\n:::"
    )


#: Box colours of the HTML verdict (Jupyter, Colab, GitHub), by admonition class.
_BOX_COLOUR = {"tip": "#2e7d32", "warning": "#ef8f00", "note": "#546e7a", "danger": "#c62828", "caution": "#5e35b1"}


class VerdictBox:
    """A verdict shown everywhere: ``text/markdown`` holds the MyST admonition the book renders (myst-nb is
    set to prefer it, ``_config.yml``), ``text/html`` a styled box for Jupyter, Colab and GitHub, which do not
    know MyST, and ``text/plain`` the same words for a terminal."""

    def __init__(self, record: dict[str, Any], note: str = "") -> None:
        self.record, self.note = record, note

    def _repr_markdown_(self) -> str:
        return admonition_text(self.record, self.note)

    def _repr_html_(self) -> str:
        import html

        colour = _BOX_COLOUR[ADMONITION_CLASS[self.record["verdict"]]]
        body = html.escape(
            f"{self.record['reason']}. Key number: {key_text(self.record['key_number'])} "
            f"(mean of seeds, 95% interval).{self.note}"
        )
        return (
            f'<div style="border-left:6px solid {colour};background:{colour}14;padding:0.6em 1em;margin:0.5em 0">'
            f'<p style="margin:0 0 0.3em 0;font-weight:bold;color:{colour}">Verdict: '
            f'{html.escape(self.record["verdict"])}</p><p style="margin:0">{body}</p></div>'
        )

    def __repr__(self) -> str:
        return (
            f"Verdict: {self.record['verdict']}. {self.record['reason']}. "
            f"Key number: {key_text(self.record['key_number'])}"
        )
