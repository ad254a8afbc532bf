"""Walk every string in a prompts folder, whatever its schema, with file, line and key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .loader import display_path, yaml_files
from .nodes import ParseError, compose

STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Scalar:
    """One string value: where it is, the mapping key it sits under and its file's kind."""

    path: str
    line: int
    key: str | None
    kind: str | None
    text: str
    top: bool = False  # a field of the file's top-level mapping


def file_strings(file: Path, root: Path) -> list[Scalar]:
    """Every string value (not mapping keys) in one YAML file; empty if it does not parse."""
    try:
        node = compose(file.read_text(encoding="utf-8"))
    except (ParseError, UnicodeDecodeError):
        return []
    if node is None:
        return []
    path = display_path(file, root)
    kind = _top_kind(node)
    found: list[Scalar] = []
    _walk(node, None, path, kind, found, 0)
    return found


def all_strings(root: Path) -> list[Scalar]:
    """Every string value in every YAML file under root."""
    return [s for f in yaml_files(root) for s in file_strings(f, root)]


def _top_kind(node: yaml.Node) -> str | None:
    """The value of the top-level `kind` field, if any."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "kind" and isinstance(value, yaml.ScalarNode):
                return value.value
    return None


def _walk(node: yaml.Node, key: str | None, path: str, kind: str | None, found: list, level: int) -> None:
    """Collect string scalars below node; `key` is the nearest mapping key above."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _walk(value_node, str(key_node.value), path, kind, found, level + 1)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk(item, key, path, kind, found, level + 1)
    elif node.tag == STR_TAG:
        found.append(Scalar(path, node.start_mark.line + 1, key, kind, node.value, level == 1))
