"""Read the ladder file: three sets of twelve questions, rising in depth."""

from __future__ import annotations

from .fields import Problems, Record, located, report_duplicate_ids
from .model import Ladder, LadderSet, Question
from .vocab import LADDER_SET_SIZE, LADDER_SETS

LADDER_FIELDS = ("kind", "id", "title", "names", "intro", "sets")
SET_FIELDS = ("id", "depth", "intro", "questions")


def read_ladder(data, problems: Problems, stem: str, path: str) -> Ladder | None:
    """Validate a ladder file and build its Ladder."""
    rec = Record(data, f"ladder '{data.get('id', stem)}'", problems, 1, required=LADDER_FIELDS)
    lid, title, names, intro = rec.text("id"), rec.text("title"), rec.texts("names"), rec.text("intro")
    if lid is not None and lid != stem:
        rec.error("id", f"id must equal the file name '{stem}'")
    items = rec.seq("sets")
    sets = []
    if items is not None and len(items) != LADDER_SETS:
        rec.error("sets", f"the ladder must have {LADDER_SETS} sets, not {len(items)}")
    for index, (item, line) in enumerate(zip(items or (), getattr(items, "lines", ()))):
        ladder_set = read_set(item, problems, line, index + 1)
        if ladder_set is not None:
            sets.append(ladder_set)
    report_duplicate_ids(located(items), problems, "set")
    pairs = [pair for s, _ in located(items) if isinstance(s, dict) for pair in located(s.get("questions"))]
    report_duplicate_ids(pairs, problems)
    depths = [s.depth for s in sets]
    if len(sets) == LADDER_SETS and depths != sorted(depths):
        rec.error("sets", f"set depths must rise, not {depths}")
    if None in (lid, title, names, intro, items) or len(sets) != len(items):
        return None
    return Ladder(lid, title, names, intro, tuple(sets), path)


def read_set(item, problems: Problems, line: int, number: int) -> LadderSet | None:
    """Validate one ladder set of twelve questions."""
    label = item.get("id") if isinstance(item, dict) else None
    rec = Record(item, f"set '{label or number}'", problems, line, required=SET_FIELDS)
    sid, depth, intro = rec.text("id"), rec.depth(), rec.text("intro")
    items = rec.seq("questions")
    if items is not None and len(items) != LADDER_SET_SIZE:
        rec.error("questions", f"a ladder set must have {LADDER_SET_SIZE} questions, not {len(items)}")
    questions = []
    for q_item, q_line in zip(items or (), getattr(items, "lines", ())):
        qlabel = q_item.get("id") if isinstance(q_item, dict) else None
        qrec = Record(q_item, f"question '{qlabel}'" if qlabel else "question", problems, q_line,
                      required=("id", "text"))
        qid, text = qrec.text("id"), qrec.text("text")
        if qid is not None and text is not None and depth is not None:
            questions.append(Question(qid, text, depth, ("any",), None, "ladder"))
    if None in (sid, depth, intro, items) or len(questions) != len(items):
        return None
    return LadderSet(sid, depth, intro, tuple(questions))

