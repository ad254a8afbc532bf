"""Counts of loaded content per theme, depth, kind and context."""

from __future__ import annotations

from collections import Counter

from .model import Content
from .vocab import CONTEXTS, DEPTHS, KINDS, THEMES


def deck_questions(content: Content) -> list:
    """Every question that comes from a deck (not the ladder)."""
    return [q for q in content.questions.values() if q.source != "ladder"]


def count(content: Content) -> dict:
    """Counts of deck questions per theme, depth and context, files per kind, and totals."""
    questions = deck_questions(content)
    by_theme = Counter(q.theme for q in questions)
    by_depth = Counter(q.depth for q in questions)
    by_context = Counter(c for q in questions for c in q.contexts)
    activities = [*content.exercises.values(), *content.rituals.values()]
    return {
        "questions": len(questions),
        "exercises": len(content.exercises),
        "rituals": len(content.rituals),
        "ladder_questions": len(content.ladder.questions) if content.ladder else 0,
        "themes": sum(1 for t in THEMES if by_theme[t]),
        "by_theme": {t: by_theme[t] for t in THEMES},
        "by_depth": {str(d): by_depth[d] for d in DEPTHS},
        "by_kind": {k: Counter(content.files.values())[k] for k in KINDS},
        "by_context": {c: by_context[c] for c in CONTEXTS},
        "activities_by_theme": dict(sorted(Counter(a.theme for a in activities).items())),
        "activities_by_context": {c: sum(c in a.contexts for a in activities) for c in CONTEXTS},
        "locales": {"phrases": sorted(content.phrases), "safety": sorted(content.safety)},
    }
