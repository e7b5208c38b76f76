"""FollowTheMoney export: entities the followthemoney package itself accepts, each relation with its evidence."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from followthemoney import model

from laborgraph.cli import main
from laborgraph.export.ftm import ftm_entities, ftm_id
from laborgraph.vocab import article_iri, entity_iri

from .conftest import DATA, SEED


def entities(text: str) -> dict[str, dict]:
    rows = [json.loads(line) for line in text.splitlines()]
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows), "duplicate FtM ids"
    return by_id


@pytest.fixture(scope="module")
def exported(dataset) -> dict[str, dict]:
    return entities(ftm_entities(dataset))


def test_every_entity_passes_followthemoneys_validation(exported):
    for data in exported.values():
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract, data["schema"]
        proxy = model.get_proxy(data, cleaned=False)  # FtM cleans every value; a bad property raises
        assert proxy.id == data["id"]
        for prop, values in data["properties"].items():
            cleaned = proxy.get(prop)
            assert sorted(cleaned) == sorted(values), (data["id"], prop, values, cleaned)
        for prop in schema.required:
            assert proxy.get(prop), f"{data['schema']} {data['id']} lacks required {prop}"


def test_every_entity_reference_resolves(exported):
    for data in exported.values():
        schema = model.get(data["schema"])
        for prop, values in data["properties"].items():
            if schema.get(prop).type.name == "entity":
                for value in values:
                    assert value in exported, f"{data['id']}.{prop} -> {value} is not in the export"
                    assert model.get(exported[value]["schema"]).is_a(schema.get(prop).range), (prop, value)


def test_relations_carry_their_evidence(exported):
    relations = [d for d in exported.values() if d["schema"] in ("UnknownLink", "Membership", "Directorship")]
    assert relations
    document = exported[ftm_id(article_iri(SEED))]
    assert document["properties"]["publishedAt"] == ["2024-07-15"]
    assert document["properties"]["publisher"] == ["Daily NK"]
    for rel in relations:
        props = rel["properties"]
        assert props["summary"] and props["recordId"], rel
        from_articles = [r for r in props["recordId"] if not r.startswith("note#")]
        # a fact from an article is proven by that article; one from an analyst note says so
        assert len(props.get("proof", [])) == len({r.split("#")[0] for r in from_articles}), rel
        assert all(exported[p]["schema"] == "Article" for p in props.get("proof", []))
    sent = [r for r in relations if r["properties"].get("role") == ["sent"]
            and r["properties"]["subject"] == [ftm_id(entity_iri("dprk-authorities"))]]
    assert sent
    assert any("sent hundreds of new workers" in q for r in sent for q in r["properties"]["summary"])
    assert {"2024-06-01"} == {d for r in sent for d in r["properties"].get("startDate", [])}


def test_actors_and_places_become_their_ftm_types(exported):
    def schema_of(entity_id: str) -> str:
        return exported[ftm_id(entity_iri(entity_id))]["schema"]

    assert schema_of("dprk-authorities") == "PublicBody"
    assert schema_of("kim-jong-un") == "Person"
    assert schema_of("russia") == "Territory"
    russia = exported[ftm_id(entity_iri("russia"))]["properties"]
    assert russia["country"] == ["ru"] and russia["wikidataId"] == ["Q159"]
    named = [d for d in exported.values() if d["schema"] == "Documentation"
             and d["properties"]["entity"] == [ftm_id(entity_iri("dprk-authorities"))]]
    assert [d["properties"]["document"] for d in named] == [[ftm_id(article_iri(SEED))]]


def test_article_url_becomes_the_documents_and_relations_source_url(edit_seed):
    from laborgraph.build import load_and_build

    path = edit_seed("  language: en\n", "  language: en\n  url: https://example.org/seed-article\n")
    out = entities(ftm_entities(load_and_build(path.parents[1])[1]))
    assert out[ftm_id(article_iri(SEED))]["properties"]["sourceUrl"] == ["https://example.org/seed-article"]
    assert any(d["properties"].get("sourceUrl") == ["https://example.org/seed-article"]
               for d in out.values() if "proof" in d["properties"])


def test_export_command_writes_the_same_lines_every_time(tmp_path, dataset):
    target = tmp_path / "entities.ftm.json"
    result = CliRunner().invoke(main, ["export", "--data", str(DATA), "--format", "ftm", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == ftm_entities(dataset)
