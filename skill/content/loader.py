"""Load every YAML file under a prompts folder into Content, collecting all problems."""

from __future__ import annotations

from pathlib import Path

from .activities import read_activity
from .decks import read_deck
from .fields import Problems
from .ladder import read_ladder
from .locales import read_phrases, read_safety
from .model import Content
from .nodes import Map, ParseError, parse
from .text import normalize_name
from .vocab import FOLDERS, KINDS

READERS = {
    "deck": read_deck,
    "exercise": read_activity,
    "ritual": read_activity,
    "ladder": read_ladder,
    "phrases": read_phrases,
    "safety": read_safety,
}


def yaml_files(root: Path) -> list[Path]:
    """Every .yaml or .yml file under root, in a stable order."""
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def display_path(path: Path, root: Path) -> str:
    """The path as shown in messages: relative to the folder holding root."""
    return path.relative_to(root.parent).as_posix()


class _Builder:
    """Collects validated items and the places every id and name was defined."""

    def __init__(self, root: Path):
        self.root = root
        self.errors: list = []
        self.parts = {"decks": {}, "questions": {}, "exercises": {}, "rituals": {},
                      "ladder": None, "phrases": {}, "safety": {}, "files": {}}
        self.seen: dict[str, dict] = {"question": {}, "activity": {}, "name": {}}
        self.draws: list = []  # (path, line, activity, step)

    def content(self) -> Content:
        """The Content built so far."""
        return Content(root=str(self.root), **self.parts)


def build(root: Path) -> tuple[Content, list[tuple[str, int, str]]]:
    """Read and validate everything under root; return what loaded and every problem."""
    builder = _Builder(root)
    if not root.is_dir():
        builder.errors.append((str(root), 0, "content folder not found"))
        return builder.content(), builder.errors
    for file in yaml_files(root):
        _load_file(file, builder)
    _check_draws(builder)
    builder.errors.sort(key=lambda e: (e[0], e[1]))
    return builder.content(), builder.errors


def _load_file(file: Path, builder: _Builder) -> None:
    """Parse, validate and add one file."""
    root = builder.root
    path = display_path(file, root)
    problems = Problems(path, builder.errors)
    duplicates: list = []
    try:
        data = parse(file.read_text(encoding="utf-8"), duplicates)
    except ParseError as exc:
        problems.add(exc.line, str(exc))
        return
    except UnicodeDecodeError:
        problems.add(1, "file is not UTF-8 text")
        return
    for line, key in duplicates:
        problems.add(line, f"duplicate key '{key}'")
    if data is None:
        problems.add(1, "the file is empty")
        return
    if not isinstance(data, Map):
        problems.add(getattr(data, "line", 1), "a content file must be a mapping with a kind")
        return
    kind = data.get("kind")
    if kind not in KINDS:
        problems.add(data.lines.get("kind", 1), f"unknown kind {kind!r} (use {', '.join(KINDS)})"
                     if "kind" in data else "missing field 'kind'")
        return
    parts = file.relative_to(root).parts
    if len(parts) != 2 or parts[0] != FOLDERS[kind]:
        problems.add(data.lines["kind"], f"a {kind} file belongs in {root.name}/{FOLDERS[kind]}/")
    builder.parts["files"][path] = kind
    item = READERS[kind](data, problems, file.stem, path)
    if item is not None:
        _add(kind, item, data, problems, builder)


def _add(kind: str, item, data: Map, problems: Problems, builder: _Builder) -> None:
    """Add a validated item, reporting ids and names already taken."""
    parts = builder.parts
    if kind == "deck":
        parts["decks"][item.id] = item
        _add_questions(item.questions, _lines_of(item.questions, data["questions"]), problems, builder)
    elif kind == "phrases":
        parts["phrases"][item[0]] = item[1]
    elif kind == "safety":
        parts["safety"][item.locale] = item
    elif _claim(builder.seen["activity"], item.id, problems, data.lines["id"], "activity id"):
        for name in dict.fromkeys(normalize_name(n) for n in item.names):
            _claim(builder.seen["name"], name, problems, data.lines["names"], "activity name")
        if kind == "ladder":
            _add_ladder(item, data, problems, builder)
        else:
            parts[kind + "s"][item.id] = item
            for step, line in zip(item.steps, data["steps"].lines):
                if step.draw:
                    builder.draws.append((problems, line, item, step))


def _add_ladder(ladder, data: Map, problems: Problems, builder: _Builder) -> None:
    """Add the ladder and its questions; only one ladder is allowed."""
    if builder.parts["ladder"] is not None:
        problems.add(data.lines["kind"], f"only one ladder is allowed, {builder.parts['ladder'].path} has one")
        return
    builder.parts["ladder"] = ladder
    lines = [ln for s in data["sets"] for ln in s["questions"].lines]
    _add_questions(ladder.questions, lines, problems, builder)


def _add_questions(questions, lines: list[int], problems: Problems, builder: _Builder) -> None:
    """Add questions by id; ids are unique across all of prompts/."""
    for question, line in zip(questions, lines):
        if _claim(builder.seen["question"], question.id, problems, line, "question id"):
            builder.parts["questions"][question.id] = question


def _lines_of(questions, items) -> list[int]:
    """The line of each valid question, matching ids in order (invalid ones were skipped)."""
    lines, pending = [], iter(questions)
    wanted = next(pending, None)
    for item, line in zip(items, items.lines):
        if wanted is not None and isinstance(item, dict) and item.get("id") == wanted.id:
            lines.append(line)
            wanted = next(pending, None)
    return lines


def _claim(table: dict, key: str, problems: Problems, line: int, what: str) -> bool:
    """Record key as defined here; report it when another file already defines it."""
    if key in table and table[key][0] != problems.path:
        problems.add(line, f"duplicate {what} '{key}', already at {table[key][0]}:{table[key][1]}")
        return False
    table.setdefault(key, (problems.path, line))
    return True


def _check_draws(builder: _Builder) -> None:
    """Every draw step must find at least one deck question of its theme and depth."""
    available = {(q.theme, q.depth) for q in builder.parts["questions"].values() if q.source != "ladder"}
    for problems, line, activity, step in builder.draws:
        theme, depth = step.draw["theme"], step.draw["depth"]
        if (theme, depth) not in available:
            problems.add(line, f"{activity.kind} '{activity.id}': step '{step.id}' draws theme "
                         f"{theme} at depth {depth}, but no deck question has both")
