"""The sans-IO dialogue engine: `(state, event, memory) -> (state, output)`.

It imports no web, Alexa, audio or speech library; a test enforces that.
"""

from __future__ import annotations

import functools

from .core import Engine, new_state
from .memory import apply_effects, new_memory

__all__ = ["Engine", "load_engine", "new_state", "new_memory", "apply_effects"]


@functools.lru_cache(maxsize=2)
def load_engine(prompts_root: str | None = None) -> Engine:
    """Load content and the intent catalog once; the engine itself keeps no session data."""
    from ..catalog import load_catalog
    from ..content import load_content

    content = load_content(prompts_root)
    catalog = load_catalog(sorted(content.activity_names()))
    return Engine(content, catalog)
