"""Errors that show the fix: the closest passage of a missed quote, quiet suggestions, doc links."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from laborgraph.cli import main
from laborgraph.load.hints import SECTIONS, char_name, quote_hint

from .conftest import ROOT

TEXT = "He said: \u201cthe money they\u2019ve earned will be confiscated\u201d \u2013 then left.\n"


@pytest.mark.parametrize(("quote", "marked", "named"), [
    ("the money they have earned", "they[\u2019]ve", "[a space] where the text has [a curly apostrophe (\u2019)]"),
    ("will be confiscated\u201d - then", "confiscated\u201d [\u2013]", "[a hyphen (-)] where the text has [an en dash"),
    ("the money  they\u2019ve earned will be confiscate.", "confiscate[d]", "[.] where the text has [d]"),
])
def test_quote_hint_marks_the_first_differing_character(quote, marked, named):
    hint = quote_hint(TEXT, quote)
    assert marked in hint and named in hint


def test_quote_hint_finds_a_passage_when_the_first_word_is_wrong():
    hint = quote_hint(TEXT, "The money they\u2019ve earned")
    assert hint.startswith('closest passage: "') and "[t]he money" in hint


def test_characters_are_named():
    assert char_name("\u2014") == "an em dash (\u2014)"
    assert char_name("\u00a0") == "a no-break space"
    assert char_name("\u200b").startswith("U+200B zero width space")


def _build(data):
    return CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(data.parent / "out")])


def test_quote_not_found_shows_the_closest_passage(edit_seed):
    path = edit_seed("sent hundreds of new workers", "sent hundred of new workers")
    message = _build(path.parents[1]).stderr.strip()
    assert "\n" not in message
    assert 'closest passage: "' in message and "sent hundred[s] of new workers" in message
    assert "the quote has [a space] where the text has [s]" in message
    assert message.endswith("; see docs/mapping.md#claims-one-per-statement-of-the-article")


def test_unknown_field_suggests_only_close_names(edit_seed):
    path = edit_seed("  language: en\n", "  language: en\n  place: Seoul\n")  # difflib's 0.6 said 'label'
    message = _build(path.parents[1]).stderr
    assert "unknown field 'place' in `article`;" in message and "did you mean" not in message
    assert "see docs/mapping.md#article" in message


def test_typo_in_a_field_is_still_suggested(edit_seed):
    path = edit_seed("  language: en\n", "  langauge: en\n")
    assert "(did you mean 'language'?)" in _build(path.parents[1]).stderr


def test_unknown_property_points_at_the_ontology_reference(edit_seed):
    path = edit_seed("        rank: conscript\n", "        visaType: work\n")
    message = _build(path.parents[1]).stderr
    assert "unknown property 'visaType'" in message and "docs/ontology.md#writing-values-in-mappings" in message


def test_time_errors_point_at_the_times_section(edit_seed):
    path = edit_seed("{on: 2024-07-10,", "{on: 2024-02-30,")
    assert _build(path.parents[1]).stderr.strip().endswith("; see docs/mapping.md#times")


def _anchors(doc: str) -> set[str]:
    headings = re.findall(r"^#+ (.+)$", (ROOT / doc).read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_doc_link_names_an_existing_heading():
    for link in SECTIONS.values():
        doc, anchor = link.split("#")
        assert anchor in _anchors(doc), link

