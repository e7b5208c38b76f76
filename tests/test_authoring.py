"""Authoring tools: `laborgraph new`, entity search and look-alike warnings, `check`."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from laborgraph.authoring import entity_index, new_mapping, scaffold_text, split_sentences
from laborgraph.authoring.entities import EntityIndex, NamedEntity, duplicate_warnings
from laborgraph.cli import main
from laborgraph.load import load_corpus

from .conftest import DATA, SEED

SEED_TEXT = DATA / "articles" / f"{SEED}.txt"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def empty_data(tmp_path: Path) -> Path:
    """The seed's registry with no articles: where an analyst starts a new mapping."""
    data = tmp_path / "corpus"
    (data / "articles").mkdir(parents=True)
    shutil.copy(DATA / "entities.yaml", data / "entities.yaml")
    return data


def test_sentences_carry_exact_offsets():
    text = SEED_TEXT.read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert len(sentences) > 20
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert sentences[0].text.startswith("North Korean authorities sent new workers")
    assert sentences[0].text.endswith("Daily NK has learned.")


def test_korean_sentences_and_entities():
    bang, ask = "\uff01", "\uff1f"  # full-width ! and ?
    text = f"북한 당국이 러시아에 노동자를 보냈다. 소식통은 이렇게 말했다{bang} 정말인가{ask}"
    assert [s.text for s in split_sentences(text)] == ["북한 당국이 러시아에 노동자를 보냈다.",
                                                       f"소식통은 이렇게 말했다{bang}", f"정말인가{ask}"]
    index = EntityIndex((NamedEntity("russia", "Country", "Russia", ("러시아",), "entities.yaml", 3),
                         NamedEntity("north-korea", "Country", "North Korea", ("북한",), "entities.yaml", 7)))
    assert [e.id for e in index.in_text(split_sentences(text)[0].text)] == ["north-korea", "russia"]


def test_entities_found_despite_case_and_inflection():
    index = entity_index(DATA, articles=False)
    found = [e.id for e in index.in_text("Workers went to the RUSSIAN Far East with Putin's blessing.")]
    assert found[:2] == ["russia", "russian-far-east"] and "vladimir-putin" not in found  # "Putin" alone is short
    assert "uzbekistan" not in found


def test_scaffold_keep_ten_stubs_builds_with_quotes_verified(empty_data):
    mapping, copy = new_mapping(SEED_TEXT, empty_data, outlet="daily-nk", published="2024-07-15T07:00",
                                title="Military construction workers sent to Russia", mapped_on=dt.date(2026, 12, 1))
    assert mapping.name == "2024-07-15-dailynk-military-construction-workers-sent-to-russia.yaml"
    assert copy.read_bytes() == SEED_TEXT.read_bytes()
    skeleton = mapping.read_text(encoding="utf-8")
    assert "# registry: kim-jong-un (Person)" in skeleton and "# [1] characters 0-140" in skeleton
    doc = yaml.safe_load(skeleton)
    assert len(doc["claims"]) == len(split_sentences(SEED_TEXT.read_text(encoding="utf-8")))
    kept = doc["claims"][:10]
    doc["entities"] = {}
    for stub in kept:  # the least a claim may state: a thing the sentence describes, in its words
        thing = f"{stub['id']}-situation"
        doc["entities"][thing] = {"type": "Situation", "label": stub["quote"][:60]}
        stub["states"] = {thing: {"description": stub["quote"]}}
    doc["claims"] = kept
    mapping.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    article = load_corpus(empty_data).articles[0]
    assert len(article.claims) == 10
    text = copy.read_text(encoding="utf-8")
    assert all(text[q.start:q.end] == q.text for c in article.claims for q in c.quotes)
    assert run("build", "--data", empty_data, "--out", empty_data.parent / "out").exit_code == 0


def test_untouched_stubs_do_not_build(empty_data):
    new_mapping(SEED_TEXT, empty_data, outlet="daily-nk", published="2024-07-15", slug="seed")
    result = run("build", "--data", empty_data, "--out", empty_data.parent / "out")
    assert result.exit_code == 2 and "`states` is empty" in result.output


def test_new_command_refuses_unknown_outlet_and_overwrites(empty_data, tmp_path):
    ok = run("new", SEED_TEXT, "--outlet", "daily-nk", "--published", "2024-07-15", "--slug", "seed",
             "--data", empty_data)
    assert ok.exit_code == 0, ok.output
    again = run("new", SEED_TEXT, "--outlet", "daily-nk", "--published", "2024-07-15", "--slug", "seed",
                "--data", empty_data)
    assert again.exit_code == 2 and "already exists" in again.output
    bad = run("new", SEED_TEXT, "--outlet", "dailynk", "--published", "2024-07-15", "--data", empty_data)
    assert bad.exit_code == 2 and "unknown outlet 'dailynk'" in bad.output
    date = run("new", SEED_TEXT, "--outlet", "daily-nk", "--published", "2024-02-30", "--data", empty_data)
    assert date.exit_code == 2 and "real date" in date.output


def test_scaffold_of_korean_text_is_loadable_yaml():
    index = EntityIndex((NamedEntity("russia", "Country", "Russia", ("러시아",), "entities.yaml", 3),))
    text = "“러시아에 갔다”: 소식통이 말했다. 끝."
    out = scaffold_text(text, text_file="x.txt", outlet="daily-nk", published="2024-07-15", analyst="a",
                        index=index, mapped_on=dt.date(2026, 1, 1))
    doc = yaml.safe_load(out)
    assert doc["article"]["language"] == "ko"
    assert [c["quote"] for c in doc["claims"]] == ["“러시아에 갔다”: 소식통이 말했다.", "끝."]
    assert "# registry: russia (Country)" in out


def test_look_alike_local_entity_warns_with_where_declared(scratch_data):
    mapping = scratch_data / "articles" / f"{SEED}.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text.replace("entities:\n", "entities:\n  russian-federation:\n    type: Country\n"
                                    "    label: russia\n", 1), encoding="utf-8")
    warnings = duplicate_warnings(scratch_data)
    assert len(warnings) == 1
    assert warnings[0].startswith(f"articles/{SEED}.yaml:25: entity 'russian-federation'")
    assert 'russia (Country, registry) "Russia" at entities.yaml:21' in warnings[0]


def test_entities_command_searches_registry_and_articles():
    out = run("entities", "merchant").output.splitlines()
    assert out[0].startswith(f"russian-merchants (PersonGroup, local to {SEED})")
    assert run("entities", "Rusia").output.startswith("russia (Country, registry)")


def test_check_reports_one_article_and_look_alikes(scratch_data, tmp_path):
    mapping = scratch_data / "articles" / f"{SEED}.yaml"
    result = run("check", mapping, "--cache", tmp_path / "cache")
    assert result.exit_code == 0, result.output
    assert f"articles/{SEED}.yaml" in result.output
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text.replace("entities:\n", "entities:\n  dprk:\n    type: Country\n"
                                    "    label: North Korea\n", 1), encoding="utf-8")
    again = run("check", mapping, "--cache", tmp_path / "cache")
    assert "warning: articles/" in again.output and "north-korea (Country, registry)" in again.output


def test_fast_scan_reads_the_entities_the_yaml_parser_reads(tmp_path):
    from laborgraph.authoring.entities import article_entities

    seed = DATA / "articles" / f"{SEED}.yaml"
    assert article_entities(seed, DATA) == article_entities(seed, DATA, exact=True)
    odd = tmp_path / "articles" / "2024-01-01-x-odd.yaml"
    odd.parent.mkdir()
    odd.write_text("article: {}\nentities:\n  a: {type: Place, label: 'It''s here'}\n  # a comment\n  b:\n"
                   "    type: Company\n    label: \"Q \\\"x\\\"\"  # note\n    aliases: [B, 'b b']\nclaims: []\n")
    assert article_entities(odd, tmp_path) == article_entities(odd, tmp_path, exact=True)
    assert [e.label for e in article_entities(odd, tmp_path)] == ["It's here", 'Q "x"']


def test_numbered_labels_are_not_look_alikes():
    from laborgraph.authoring.entities import similar_labels

    mine = NamedEntity("workers", "WorkerGroup", "Synthetic workers 12", (), "articles/a.yaml", 5, "a")
    others = [NamedEntity("workers", "WorkerGroup", f"Synthetic workers {n}", (), f"articles/{n}.yaml", 5, str(n))
              for n in (13, 12, 120)]
    assert [o.article for o in similar_labels(mine, others)] == ["12"]
