"""Read YAML safely and remember the line of every key and list item.

Mapping errors must name a line, and PyYAML's plain ``safe_load`` forgets
lines. This loader keeps them, and also refuses what analysts never need but
attackers use: aliases (the "billion laughs" bomb), duplicate keys (a silent
overwrite hides a typo), and files larger than ``MAX_BYTES``. Dates stay
strings, so ``2024-02-30`` reaches our own checker and gets a located message.

>>> doc = loads("a: 1\\nb:\\n  - x\\n  - y\\n", "t.yaml")
>>> doc["b"], doc.line_of("b"), doc["b"].line_of(1)
(['x', 'y'], 2, 4)
>>> loads("on: 2024-06-01\\nok: no\\n", "t.yaml")
{'on': '2024-06-01', 'ok': 'no'}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent

from ..errors import MappingError
from .files import read_bytes, shown

MAX_BYTES = 2_000_000


class LDict(dict[str, Any]):
    """A mapping that knows its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LList(list[Any]):
    """A sequence that knows its own line and the line of each item."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class _Lines(yaml.constructor.SafeConstructor):
    """What both loaders share: aliases refused, duplicate keys refused, lines kept."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):  # type: ignore[attr-defined]  # the parser half of the loader
            event = self.peek_event()  # type: ignore[attr-defined]
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not allowed in mappings; write the value out",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)  # type: ignore[misc]  # the Composer's, later in the MRO

    def _value(self, node: yaml.Node) -> Any:
        # plain text, mappings and sequences directly: SafeConstructor's generic path was most of the time
        if node.tag == _STR and isinstance(node, yaml.ScalarNode):
            return node.value
        if node.tag == _MAP and isinstance(node, yaml.MappingNode):
            return self.construct_mapping(node)
        if node.tag == _SEQ and isinstance(node, yaml.SequenceNode):
            return self.construct_sequence(node)
        return self.construct_object(node, deep=True)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LDict:  # type: ignore[override]  # an LDict is the dict with lines
        result = LDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self._value(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key '{key}' (the second would silently replace the first)",
                    problem_mark=key_node.start_mark,
                )
            result[key] = self._value(value_node)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LList:
        result = LList(self._value(child) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


_Lines.add_constructor(_MAP, _Lines.construct_mapping)  # type: ignore[type-var]  # PyYAML's stubs want a loader
_Lines.add_constructor(_SEQ, _Lines.construct_sequence)  # type: ignore[type-var]
# Timestamps stay text: our date parser gives located, analyst-friendly errors.
# Booleans are YAML 1.2's true/false only: YAML 1.1 reads `on:` and `no` as booleans.
_BOOL = "tag:yaml.org,2002:bool"


class _Resolver(yaml.resolver.Resolver):
    pass


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}

_Resolver.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _Lines, yaml.composer.Composer,
              _Resolver):
    """Pure Python: the reference, and the one whose error messages users see."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Lines.__init__(self)
        _Resolver.__init__(self)


_CLoader: type[_Lines] | None = None
if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _LibLoader(CParser, _Lines, yaml.composer.Composer, _Resolver):
        """libyaml's scanner and parser (about 6x the pure-Python ones) under the same composer and constructor."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            _Lines.__init__(self)
            _Resolver.__init__(self)
            self.may_alias = "*" in stream  # an alias starts with "*"

        def get_single_data(self) -> Any:
            # libyaml's own composer (C, a fifth of an article's loading) when no alias can occur;
            # else the Python one, whose compose_node refuses aliases
            compose = yaml.composer.Composer.get_single_node if self.may_alias else CParser.get_single_node
            node = compose(self)
            return None if node is None else self.construct_document(node)

    _CLoader = _LibLoader


def loads(text: str, path: str | Path) -> Any:
    """Parse YAML text; errors become :class:`MappingError` at ``path:line``.

    libyaml parses when PyYAML has it; any error there is found again by the
    pure-Python parser, so the message and line are the same either way.
    """
    if _CLoader is not None:
        try:
            return _load(_CLoader, text)
        except (yaml.YAMLError, RecursionError):
            pass
    return _slow_loads(text, path)


def _load(loader_class: Any, text: str) -> Any:
    loader = loader_class(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _slow_loads(text: str, path: str | Path) -> Any:
    try:
        return _load(_Loader, text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "not valid YAML"
        raise MappingError(path, line, f"malformed YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise MappingError(path, None, f"malformed YAML: {exc}") from None
    except RecursionError:
        raise MappingError(path, None, "YAML nested too deeply (mappings are a few levels deep)") from None


def load_file(path: Path, display: str | None = None) -> Any:
    """Read (a regular file, at most ``MAX_BYTES``) and parse a YAML file."""
    name = shown(display or path)
    data = read_bytes(path, MAX_BYTES, name, "mapping file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MappingError(name, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return loads(text, name)
