"""The loader: the seed as data, and one test per kind of bad input."""

import datetime as dt

import pytest
from click.testing import CliRunner

from laborgraph.cli import main
from laborgraph.load import load_corpus
from laborgraph.model import Money, Quantity, Ref, TimeSpec
from laborgraph.vocab import LG, LGC

from .conftest import SEED


def _claim(corpus, cid):
    return next(c for c in corpus.articles[0].claims if c.id == cid)


def _values(claim, prop):
    return [s.value for s in claim.statements if s.prop == prop]


def test_seed_maps_every_claim_with_its_quote(corpus):
    article = corpus.articles[0]
    assert article.slug == SEED
    assert len(article.claims) >= 30
    assert all(c.quotes and c.quotes[0].start is not None for c in article.claims)
    assert article.published == dt.datetime(2024, 7, 15, 7, 0)


def test_hundreds_in_early_june_keeps_bounds_and_wording(corpus):
    claim = _claim(corpus, "deployment-hundreds-early-june")
    (size,) = _values(claim, LG.size)
    assert size == Quantity(minimum=100, wording="hundreds")
    (when,) = _values(claim, LG.time)
    assert when == TimeSpec(dt.date(2024, 6, 1), dt.date(2024, 6, 10), "part-of-month", "early June")


def test_before_january_2020_has_only_an_upper_bound(corpus):
    (when,) = _values(_claim(corpus, "most-worked-in-russia-before-2020"), LG.time)
    assert when.earliest is None and when.latest == dt.date(2019, 12, 31)
    assert when.precision == "open-ended"


def test_wednesday_is_resolved_relative_to_publication_and_marked_inferred(corpus):
    (when,) = _values(_claim(corpus, "source-anonymous-in-russia"), LG.contactTime)
    assert when.earliest == when.latest == dt.date(2024, 7, 10)
    assert when.inferred and when.wording == "Wednesday"
    assert when.relative_to == corpus.articles[0].iri


def test_about_usd_10000_a_year_is_approximate_money(corpus):
    (money,) = _values(_claim(corpus, "managers-earn-about-10000-usd"), LG.amount)
    assert money == Money(10000, "USD", per="year", approximate=True,
                          wording="about USD 10,000 a year")


def test_hedges_are_data(corpus):
    claim = _claim(corpus, "authorities-resent-experienced-workers")
    assert claim.hedges == (LGC["appears"],)
    assert claim.hedge_wording == "It appears that"
    assert claim.quotes[0].text.endswith("resent workers with experience working in Russia")


def test_entities_resolve_to_registry_or_article(corpus):
    claim = _claim(corpus, "deployment-ahead-of-summit")
    (sender,) = _values(claim, LG.sentBy)
    assert sender == Ref(corpus.registry.entities[[e.id for e in corpus.registry.entities]
                                                  .index("dprk-authorities")].iri)


# One case per kind of bad input: (text to replace, replacement, message words, line or None).
BAD_INPUT = {
    "malformed YAML": ("  - id: publication\n", "  - id: [publication\n", "malformed YAML", None),
    "unknown entity": ("destination: russian-far-east", "destination: russian-far-eest",
                       "unknown entity 'russian-far-eest' (did you mean 'russian-far-east'?)", 170),
    "duplicate claim id": ("id: publication", "id: fierce-competition-for-jobs",
                           "duplicate claim id 'fierce-competition-for-jobs'", None),
    "quote not in text": ("sent hundreds of new workers", "sent thousands of new workers",
                          "quote not found in the article text", 163),
    "impossible date": ("{on: 2024-07-10,", "{on: 2024-02-30,", "impossible date '2024-02-30'", 185),
    "negative count": ("{at_least: 100, wording: hundreds}", "{at_least: -100, wording: hundreds}",
                       "negative count or amount -100", 172),
    "unknown field": ("    quotation: paraphrase\n    states:\n      june",
                      "    quotation: paraphrase\n    hegde: perhaps\n    states:\n      june",
                      "unknown field 'hegde' in claim at line 162 (did you mean 'hedge'?)", 166),
    "unknown property": ("        sentBy: dprk-authorities\n        workers: new-workers\n        destination: russian",
                         "        sentby: dprk-authorities\n        workers: new-workers\n        destination: russian",
                         "unknown property 'sentby' (did you mean 'sentBy'?)", 168),
    "unknown concept": ("rank: sergeant", "rank: seargent", "'seargent' is not a value of rank", None),
    "bad currency": ("currency: USD, per: year", "currency: usd, per: year", "ISO 4217", None),
    "bounds reversed": ("at_least: 20, at_most: 39", "at_least: 39, at_most: 20",
                        "at_least 39 is more than at_most 20", None),
    "unknown indicator": ("      - code: isolation", "      - code: isolaton",
                          "unknown forced labour indicator 'isolaton' (did you mean 'isolation'?)", None),
    "publication date mismatch": ("published: 2024-07-15T07:00", "published: 2024-07-16T07:00",
                                  "does not match the date 2024-07-15 in the file name", 8),
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUT))
def test_bad_input_gets_one_line_with_file_and_line_and_exit_2(kind, edit_seed, tmp_path):
    old, new, words, line = BAD_INPUT[kind]
    path = edit_seed(old, new)
    result = CliRunner().invoke(main, ["build", "--data", str(path.parents[1]),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert "\n" not in message
    assert message.startswith(f"error: {path}:")
    assert words in message
    assert "; see docs/" in message  # every error points to the doc section that explains the field
    if line is not None:
        assert message.startswith(f"error: {path}:{line}: ")
    assert not (tmp_path / "out").exists()


def test_unknown_analyst_in_registry_note_is_located(scratch_data):
    registry = scratch_data / "entities.yaml"
    registry.write_text(registry.read_text().replace("by: laborgraph-team", "by: someone", 1))
    with pytest.raises(Exception, match=r"entities.yaml:\d+: unknown analyst 'someone'"):
        load_corpus(scratch_data)


def test_misnamed_mapping_file_is_refused(scratch_data):
    src = scratch_data / "articles" / f"{SEED}.yaml"
    src.rename(src.with_name("DailyNK article.yaml"))
    with pytest.raises(Exception, match="file name must be"):
        load_corpus(scratch_data)


def test_mappings_work_from_quotes_alone(edit_seed):
    path = edit_seed(f"  text: {SEED}.txt\n", "")
    corpus = load_corpus(path.parents[1])
    quote = corpus.articles[0].claims[0].quotes[0]
    assert quote.start is None and quote.text.startswith("North Korean authorities sent")
