"""Fixtures for content tests: write small prompts/ trees into tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest


@pytest.fixture
def make_prompts(tmp_path):
    """Write {relative path: yaml text} under tmp_path/prompts and return that folder."""

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / "prompts"
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make
