"""The error raised when content does not validate."""

from __future__ import annotations


class ContentError(Exception):
    """Invalid content; `errors` lists every problem as (path, line, message)."""

    def __init__(self, errors: list[tuple[str, int, str]]):
        self.errors = list(errors)
        super().__init__("\n".join(format_problem(*e) for e in self.errors))


def format_problem(path: str, line: int, message: str) -> str:
    """'prompts/decks/trust.yaml:14: message'."""
    return f"{path}:{line}: {message}"
