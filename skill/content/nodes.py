"""Parse YAML into plain values that remember the line each came from."""

from __future__ import annotations

import yaml

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class Map(dict):
    """A YAML mapping: `line` is where it starts, `lines[key]` where each key is."""

    line: int = 0
    lines: dict


class Seq(list):
    """A YAML sequence: `line` is where it starts, `lines[i]` where each item is."""

    line: int = 0
    lines: list


class ParseError(Exception):
    """The file is not valid YAML; `line` is 1-based."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def compose(text: str) -> yaml.Node | None:
    """Compose one YAML document into a node tree (None when empty)."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ParseError(mark.line + 1 if mark else 1, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ParseError(1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def parse(text: str, duplicates: list | None = None):
    """Parse YAML text into Map/Seq/scalars; duplicate keys are appended as (line, key)."""
    node = compose(text)
    if node is None:
        return None
    constructor = yaml.SafeLoader("")
    return _build(node, constructor, duplicates if duplicates is not None else [])


def _build(node: yaml.Node, constructor: yaml.SafeLoader, duplicates: list):
    """Turn one node into a located value."""
    if isinstance(node, yaml.MappingNode):
        result = Map()
        result.line = node.start_mark.line + 1
        result.lines = {}
        for key_node, value_node in node.value:
            key = _build(key_node, constructor, duplicates)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int, float, bool, type(None))):
                key = str(key)
            if key in result:
                duplicates.append((line, key))
            result[key] = _build(value_node, constructor, duplicates)
            result.lines[key] = line
        return result
    if isinstance(node, yaml.SequenceNode):
        result = Seq(_build(item, constructor, duplicates) for item in node.value)
        result.line = node.start_mark.line + 1
        result.lines = [item.start_mark.line + 1 for item in node.value]
        return result
    return constructor.construct_object(node)
