"""Spoken content from prompts/: load_content() validates every file and returns frozen data."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ContentError
from .loader import build
from .model import Activity, Content, Deck, Ladder, LadderSet, Question, Resource, Safety, Step
from .vocab import CONTEXTS, DEPTHS, THEMES

PROMPTS_DIR = Path(os.environ.get("CLOSER_PROMPTS") or Path(__file__).resolve().parents[2] / "prompts")

_cache: dict[str, Content] = {}

__all__ = [
    "load_content", "ContentError", "PROMPTS_DIR", "THEMES", "DEPTHS", "CONTEXTS",
    "Content", "Deck", "Question", "Activity", "Step", "Ladder", "LadderSet", "Safety", "Resource",
]


def resolve_root(root=None) -> Path:
    """The content folder: root, else $CLOSER_PROMPTS, else PROMPTS_DIR."""
    return Path(root or os.environ.get("CLOSER_PROMPTS") or PROMPTS_DIR).resolve()


def load_content(root=None) -> Content:
    """Load and validate the content folder (cached per folder); raise ContentError on any problem."""
    folder = resolve_root(root)
    key = str(folder)
    if key not in _cache:
        content, errors = build(folder)
        if errors:
            raise ContentError(errors)
        _cache[key] = content
    return _cache[key]
