"""Small text helpers shared by the loader and the checkers."""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NON_NAME = re.compile(r"[^a-z0-9' ]+")


def normalize_name(name: str) -> str:
    """Lowercase a spoken name, straighten quotes, drop punctuation and extra spaces."""
    name = name.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(_NON_NAME.sub(" ", name).split())


def placeholders(text: str) -> list[str]:
    """The names inside every {...} in text."""
    return PLACEHOLDER.findall(text)
