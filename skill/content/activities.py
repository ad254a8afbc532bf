"""Read exercise and ritual files: ordered steps with an intro and an outro."""

from __future__ import annotations

from .fields import Problems, Record
from .model import Activity, FrozenDict, Step
from .vocab import CADENCES, SPEAKERS, WAITS

ACTIVITY_FIELDS = ("kind", "id", "title", "theme", "names", "minutes", "contexts",
                   "summary", "intro", "steps", "outro")
STEP_REQUIRED = ("id", "speaker", "wait")
STEP_OPTIONAL = ("say", "draw", "seconds", "warn_before", "breath", "starts")


def read_activity(data, problems: Problems, stem: str, path: str) -> Activity | None:
    """Validate an exercise or ritual file and build its Activity."""
    kind = data.get("kind")
    required = ACTIVITY_FIELDS + (("cadence",) if kind == "ritual" else ())
    rec = Record(data, f"{kind} '{data.get('id', stem)}'", problems, 1, required=required)
    values = {
        "id": rec.text("id"), "title": rec.text("title"), "theme": rec.theme(),
        "names": rec.texts("names"), "minutes": rec.integer("minutes"),
        "contexts": rec.contexts(), "summary": rec.text("summary"),
        "intro": rec.text("intro"), "outro": rec.text("outro"),
    }
    cadence = rec.choice("cadence", CADENCES) if kind == "ritual" else None
    if values["id"] is not None and values["id"] != stem:
        rec.error("id", f"id must equal the file name '{stem}'")
    steps = read_steps(rec, problems)
    if None in values.values() or steps is None or (kind == "ritual" and cadence is None):
        return None
    return Activity(kind=kind, steps=steps, cadence=cadence, path=path, **values)


def read_steps(rec: Record, problems: Problems) -> tuple[Step, ...] | None:
    """Validate the steps list of an activity; ids must be unique within it."""
    items = rec.seq("steps")
    if items is None:
        return None
    if not items:
        rec.error("steps", "steps must list at least one step")
        return None
    steps, seen, ok = [], set(), True
    for item, line in zip(items, items.lines):
        step = read_step(item, problems, line)
        if step is None:
            ok = False
            continue
        if step.id in seen:
            problems.add(line, f"step '{step.id}': duplicate step id")
            ok = False
        seen.add(step.id)
        steps.append(step)
    return tuple(steps) if ok else None


def read_step(item, problems: Problems, line: int) -> Step | None:
    """Validate one step: say or draw, and timings that fit its wait."""
    label = item.get("id") if isinstance(item, dict) else None
    rec = Record(item, f"step '{label}'" if label else "step", problems, line,
                 required=STEP_REQUIRED, optional=STEP_OPTIONAL)
    before = len(problems.sink)
    sid, speaker, wait = rec.text("id"), rec.choice("speaker", SPEAKERS), rec.choice("wait", WAITS)
    say = rec.text("say")
    draw = read_draw(rec) if "draw" in rec.data else None
    if ("say" in rec.data) == ("draw" in rec.data):
        rec.problems.add(rec.line, f"{rec.where}: give either say or draw, not both or neither")
    seconds, warn = rec.integer("seconds"), rec.integer("warn_before")
    breath = rec.integer("breath") if "breath" in rec.data else None
    if breath is not None and not 3 <= breath <= 10:
        rec.error("breath", "a breath is 3 to 10 seconds of quiet")
    starts = rec.choice("starts", ("a", "b")) if "starts" in rec.data else "a"
    if "starts" in rec.data and speaker != "both":
        rec.error("starts", "starts is only for steps both partners answer (speaker: both)")
    if wait == "timed" and "seconds" not in rec.data:
        rec.error("wait", "a timed step needs seconds")
    if wait != "timed":
        for key in ("seconds", "warn_before"):
            if key in rec.data:
                rec.error(key, f"{key} is only for timed steps")
    if seconds is not None and warn is not None and warn >= seconds:
        rec.error("warn_before", "warn_before must be less than seconds")
    if len(problems.sink) != before:
        return None
    return Step(sid, speaker, say, draw, wait, seconds, warn, breath, starts or "a")


def read_draw(rec: Record) -> dict | None:
    """Validate a draw: {theme, depth}."""
    where = f"{rec.where} draw"
    draw = Record(rec.data["draw"], where, rec.problems, rec.at("draw"), required=("theme", "depth"))
    theme, depth = draw.theme(), draw.depth()
    if theme is None or depth is None:
        return None
    return FrozenDict(theme=theme, depth=depth)
