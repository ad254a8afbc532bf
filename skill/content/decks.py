"""Read deck files: themed check-in questions."""

from __future__ import annotations

from .fields import Problems, Record, located, report_duplicate_ids
from .model import Deck, Question

DECK_FIELDS = ("kind", "id", "title", "theme", "questions")
QUESTION_FIELDS = ("id", "depth", "contexts", "text")


def read_deck(data, problems: Problems, stem: str, path: str) -> Deck | None:
    """Validate a deck file and build its Deck."""
    rec = Record(data, f"deck '{data.get('id', stem)}'", problems, 1, required=DECK_FIELDS)
    deck_id, title, theme = rec.text("id"), rec.text("title"), rec.theme()
    if deck_id is not None and deck_id != stem:
        rec.error("id", f"id must equal the file name '{stem}'")
    questions = []
    items = rec.seq("questions")
    if items is not None and not items:
        rec.error("questions", "a deck needs at least one question")
    report_duplicate_ids(located(items), problems)
    for item, line in zip(items or (), getattr(items, "lines", ())):
        question = read_question(item, problems, line, theme, deck_id or stem)
        if question is not None:
            questions.append(question)
    if None in (deck_id, title, theme, items):
        return None
    return Deck(deck_id, title, theme, tuple(questions), path)


def read_question(item, problems: Problems, line: int, theme, source: str) -> Question | None:
    """Validate one deck question."""
    label = item.get("id") if isinstance(item, dict) else None
    rec = Record(item, f"question '{label}'" if label else "question", problems, line,
                 required=QUESTION_FIELDS)
    qid, depth, contexts, text = rec.text("id"), rec.depth(), rec.contexts(), rec.text("text")
    if None in (qid, depth, contexts, text):
        return None
    return Question(qid, text, depth, contexts, theme, source)
