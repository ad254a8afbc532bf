"""Read the fields of one YAML mapping, recording every problem with its line."""

from __future__ import annotations

from .nodes import Map, Seq
from .text import placeholders
from .vocab import CONTEXTS, DEPTHS, PLACEHOLDERS, THEMES


class Problems:
    """Problems found in one file: (display path, line, message)."""

    def __init__(self, path: str, sink: list):
        self.path = path
        self.sink = sink

    def add(self, line: int, message: str) -> None:
        """Record one problem."""
        self.sink.append((self.path, line, message))


class Record:
    """One mapping read against its declared fields; absent or invalid fields read as None."""

    def __init__(self, data, where: str, problems: Problems, line: int,
                 required: tuple = (), optional: tuple = (), placeholders_ok=PLACEHOLDERS):
        self.where = where
        self.problems = problems
        self.placeholders_ok = placeholders_ok
        if not isinstance(data, Map):
            problems.add(line, f"{where}: expected a mapping of fields")
            data = Map()
            data.line, data.lines = line, {}
        self.data = data
        self.line = data.line or line
        known = set(required) | set(optional)
        for key in data:
            if key not in known:
                problems.add(data.lines[key], f"{where}: unknown field '{key}'")
        for key in required:
            if key not in data:
                problems.add(self.line, f"{where}: missing field '{key}'")

    def at(self, key: str) -> int:
        """Line of a field, or of the mapping when the field is absent."""
        return self.data.lines.get(key, self.line)

    def error(self, key: str, message: str) -> None:
        """Record a problem with one field."""
        self.problems.add(self.at(key), f"{self.where}: {message}")

    def text(self, key: str) -> str | None:
        """A non-empty string field, with only allowed placeholders."""
        value = self.data.get(key)
        if key not in self.data:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(key, f"{key} must be non-empty text")
            return None
        self.check_placeholders(key, value)
        return value.strip()

    def check_placeholders(self, key: str, value: str) -> None:
        """Report {x} placeholders other than the allowed ones."""
        if self.placeholders_ok is None:
            return
        for name in placeholders(value):
            if name not in self.placeholders_ok:
                allowed = " and ".join("{" + p + "}" for p in self.placeholders_ok)
                self.error(key, f"unknown placeholder '{{{name}}}' in {key} (only {allowed})")

    def integer(self, key: str, low: int = 1) -> int | None:
        """A whole number field of at least `low`."""
        if key not in self.data:
            return None
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            self.error(key, f"{key} must be a whole number of at least {low}")
            return None
        return value

    def choice(self, key: str, allowed: tuple, label: str | None = None):
        """A field whose value is one of `allowed`."""
        if key not in self.data:
            return None
        value = self.data[key]
        if value not in allowed or isinstance(value, bool):
            self.error(key, f"{label or key} must be {_alternatives(allowed)}, not {value!r}")
            return None
        return value

    def depth(self, key: str = "depth") -> int | None:
        """A depth: 1, 2 or 3."""
        return self.choice(key, DEPTHS, "depth")

    def theme(self, key: str = "theme") -> str | None:
        """A theme from the vocabulary."""
        if key in self.data and self.data[key] not in THEMES:
            self.error(key, f"unknown theme {self.data[key]!r}")
            return None
        return self.data.get(key)

    def contexts(self, key: str = "contexts") -> tuple[str, ...] | None:
        """A non-empty list of contexts from the vocabulary."""
        items = self.seq(key)
        if items is None:
            return None
        if not items:
            self.error(key, f"{key} must list at least one of {', '.join(CONTEXTS)}")
        bad = [c for c in items if c not in CONTEXTS]
        for c in bad:
            self.error(key, f"unknown context {c!r} (use {', '.join(CONTEXTS)})")
        return None if bad or not items else tuple(dict.fromkeys(items))

    def seq(self, key: str) -> Seq | None:
        """A list field."""
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, Seq):
            self.error(key, f"{key} must be a list")
            return None
        return value

    def texts(self, key: str) -> tuple[str, ...] | None:
        """A non-empty list of non-empty strings."""
        items = self.seq(key)
        if items is None:
            return None
        if not items or not all(isinstance(i, str) and i.strip() for i in items):
            self.error(key, f"{key} must be a non-empty list of text")
            return None
        for item in items:
            self.check_placeholders(key, item)
        return tuple(i.strip() for i in items)


def located(items) -> list:
    """(item, line) pairs of a parsed list; empty when it is not a list."""
    return list(zip(items, items.lines)) if isinstance(items, Seq) else []


def report_duplicate_ids(pairs, problems: Problems, what: str = "question") -> None:
    """Report ids repeated among (mapping, line) pairs from one file."""
    first: dict = {}
    for item, line in pairs:
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, str):
            continue
        if key in first:
            problems.add(line, f"duplicate {what} id '{key}', already at line {first[key]}")
        first.setdefault(key, line)


def _alternatives(allowed: tuple) -> str:
    """'1, 2 or 3' style wording."""
    words = [str(a) for a in allowed]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
