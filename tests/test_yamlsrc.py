from pathlib import Path

import pytest

from laborgraph.errors import MappingError
from laborgraph.load.yamlsrc import MAX_BYTES, load_file, loads


def test_keys_and_items_know_their_lines():
    doc = loads("article:\n  outlet: daily-nk\nclaims:\n  - id: a\n  - id: b\n", "m.yaml")
    assert doc.line_of("claims") == 3
    assert doc["claims"].line_of(1) == 5
    assert doc["article"].line_of("outlet") == 2


def test_dates_and_yaml11_booleans_stay_text():
    doc = loads("on: 2024-06-01\nanswer: no\nflag: true\n", "m.yaml")
    assert doc == {"on": "2024-06-01", "answer": "no", "flag": True}


@pytest.mark.parametrize(("text", "line", "words"), [
    ("a: &x [1, 2]\nb: *x\n", 2, "aliases"),
    ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a'"),
    ("a: [1, 2\nb: 3\n", 2, "malformed YAML"),
    ("a: !!python/object:os.system ls\n", 1, "malformed YAML"),
])
def test_hostile_or_broken_yaml_is_refused_with_its_line(text, line, words):
    with pytest.raises(MappingError) as err:
        loads(text, "m.yaml")
    assert err.value.line == line
    assert words in str(err.value)
    assert str(err.value).startswith(f"m.yaml:{line}: ")


def test_oversized_file_is_refused_before_parsing(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (MAX_BYTES + 1))
    with pytest.raises(MappingError, match="limited to"):
        load_file(big)


def _same(fast, slow):
    """Equal values, types and lines, all the way down."""
    assert type(fast) is type(slow)
    if isinstance(slow, dict):
        assert list(fast) == list(slow) and (fast.line, fast.key_lines) == (slow.line, slow.key_lines)
        for key in slow:
            _same(fast[key], slow[key])
    elif isinstance(slow, list):
        assert len(fast) == len(slow) and (fast.line, fast.item_lines) == (slow.line, slow.item_lines)
        for a, b in zip(fast, slow, strict=True):
            _same(a, b)
    else:
        assert fast == slow


FIXTURE_YAML = sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.yaml"))


@pytest.mark.parametrize("path", FIXTURE_YAML, ids=lambda p: str(p.relative_to(Path(__file__).parent)))
def test_libyaml_reads_every_fixture_as_the_pure_python_loader_does(path):
    import yaml

    from laborgraph.load import yamlsrc

    assert yamlsrc._CLoader is not None, "PyYAML without libyaml: mappings load about 6x slower"
    text = path.read_text(encoding="utf-8")
    try:
        slow = yaml.load(text, Loader=yamlsrc._Loader)
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            yaml.load(text, Loader=yamlsrc._CLoader)
        return
    _same(yaml.load(text, Loader=yamlsrc._CLoader), slow)


@pytest.mark.parametrize("text", [
    "a: 1\nb:\n  - x\n  - {c: d, e: [1, 2]}\nf: &anchor g\n",  # no alias can occur: libyaml's composer
    "a: '*not an alias*'\nb:\n  - x\n  - {c: d}\n",  # a star: the Python composer, which refuses aliases
])
def test_both_composers_give_the_same_lines(text):
    import yaml

    from laborgraph.load import yamlsrc

    assert yamlsrc._CLoader is not None
    loader = yamlsrc._CLoader(text)
    try:
        assert loader.may_alias == ("*" in text)  # type: ignore[attr-defined]
    finally:
        loader.dispose()
    _same(yaml.load(text, Loader=yamlsrc._CLoader), yaml.load(text, Loader=yamlsrc._Loader))
