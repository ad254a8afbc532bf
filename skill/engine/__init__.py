"""The sans-IO dialogue engine: `(state, event, memory) -> (state, output)`.

It imports no web, Alexa, audio or speech library; a test enforces that.

Where things live:
    core.py       routes an event to the current mode's table; settles every reply
    modes/        one table per mode, {intent: handler}: menu, running, paused, confirm, safety, idle,
                  and the always layer; what a front end listens for is derived from them
    turn.py       the step object handlers receive (state, memory, reply, words)
    flow.py       greet, offer, begin, present, restate, advance, finish
    starts.py     starting a check-in, an exercise, a ritual or the ladder
    timing.py     timed steps, cues and the timer actions front ends apply
    safety.py     what is said after a disclosure
    listening.py  reprompt, listen mode, card and expect after a handler
    settings.py   every threshold and length; words.py: words from prompts/system
"""

from __future__ import annotations

import functools

from .core import Engine
from .memory import apply_effects, new_memory
from .state import new_state

__all__ = ["Engine", "load_engine", "new_state", "new_memory", "apply_effects"]


@functools.lru_cache(maxsize=2)
def load_engine(prompts_root: str | None = None) -> Engine:
    """Load content and the intent catalog once; the engine itself keeps no session data."""
    from ..catalog import load_catalog
    from ..content import load_content

    content = load_content(prompts_root)
    catalog = load_catalog(sorted(content.activity_names()))
    return Engine(content, catalog)
