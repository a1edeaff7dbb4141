"""Licences and citation: an instructor can adapt the book, and a reader can cite it (issue 31, item 4)."""

import re

import yaml
from tests.conftest import ROOT

#: The CITATION.cff 1.2.0 schema's required keys, and the shapes this file must have.
REQUIRED = ("cff-version", "message", "title", "authors")


def test_citation_cff_is_valid():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert all(key in cff for key in REQUIRED), REQUIRED
    assert cff["cff-version"] == "1.2.0"
    assert cff["authors"] and all("name" in a or "family-names" in a for a in cff["authors"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cff["date-released"]))
    assert cff["license"] == "MIT" and cff["type"] in ("software", "dataset")
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert cff["version"] == version  # one version for the package and the citation


def test_code_and_text_licences_are_present_and_point_at_each_other():
    code, text = (ROOT / "LICENSE").read_text(), (ROOT / "LICENSE-TEXT").read_text()
    assert code.startswith("MIT License") and "LICENSE-TEXT" in code
    assert "CC BY 4.0" in text and "Attribution 4.0 International" in text


def test_the_build_stamp_names_commit_date_and_versions():
    from bookkit import execution, site

    stamp = execution.build_stamp()
    assert set(stamp) == {"commit", "build_date", "torch", "transformers", "trl"}
    footer = site.footer_html(stamp)
    assert stamp["commit"] in footer and "TRL" in footer and "CC BY 4.0" in footer
