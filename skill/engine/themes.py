"""Themes and moods chosen by voice: which deck ("trust", "the future") and how deep ("something light").

The ways people say a theme or a mood are catalog data (skill/intents.yaml, types THEME and
MOOD); a deck's own title and id are heard too. The choice is the household's preference
(`prefs.theme`, `prefs.depth`) until they change it.
"""

from __future__ import annotations

from ..templates import normalize

MOOD_DEPTH = {"light": 1, "medium": 2, "deep": 3}


def resolve(turn, spoken: str | None) -> str | None:
    """A spoken theme -> a deck theme id that has questions, or None."""
    known = {deck.theme for deck in turn.content.decks.values()}
    found = turn.engine.catalog.value_id("THEME", spoken)
    if found in known:
        return found
    said = normalize(spoken or "")
    for deck in turn.content.decks.values():
        if said in (normalize(deck.title), normalize(deck.theme), normalize(deck.id)):
            return deck.theme
    return None


def depth_of(turn, spoken: str | None) -> int | None:
    return MOOD_DEPTH.get(turn.engine.catalog.value_id("MOOD", spoken) or "")


def preferred(turn) -> str | None:
    """The theme the couple chose, while its deck exists."""
    theme = (turn.mem.get("prefs") or {}).get("theme")
    return theme if theme and any(d.theme == theme for d in turn.content.decks.values()) else None


def spoken(turn, theme: str) -> str:
    """How a theme is said inside a sentence: its deck's title, lowercase ("conflict and repair")."""
    for deck in turn.content.decks.values():
        if deck.theme == theme:
            return deck.title[:1].lower() + deck.title[1:]
    return theme.replace("-", " ")


def all_spoken(turn) -> list[str]:
    """Every theme once, in the catalog's order (the order people hear them listed)."""
    known = [d.theme for d in sorted(turn.content.decks.values(), key=lambda d: d.id)]
    order = [t for t in turn.engine.catalog.synonyms("THEME") if t in known]
    order += [t for t in known if t not in order]
    return [spoken(turn, t) for t in dict.fromkeys(order)]
