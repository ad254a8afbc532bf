"""The store contract every backend keeps (SQLite on one box, DynamoDB beyond it).

- `load(household)`: the memory document (a new one when unknown); never raises for a damaged record.
- `apply(household, effects)`: read, apply the engine's effects, write, as one atomic step (all or
  nothing, concurrent writers lose no update); returns the new document. A final `forget` deletes.
- `save(household, memory)`: replace the whole document (ask-sdk's save_attributes).
- `forget(household=None)`: delete one household or all; returns how many were deleted.
- `export()`: {"database", "schema_version", "households": [{"id", "created", "updated", "memory"}]}.
- `version`: the schema version; `last_written`: bytes the last apply wrote (for the benchmarks).
Every failure a person can meet is a StoreError with a message fit to show them.
"""

from __future__ import annotations

LOCAL_HOUSEHOLD = "device:local"


class StoreError(Exception):
    """A storage problem with a message fit to show a person."""


class BaseStore:
    """What the front ends use; see the module docstring for the contract."""

    location = ""
    last_written = 0

    def load(self, household: str) -> dict:  # pragma: no cover - interface
        raise NotImplementedError

    def apply(self, household: str, effects: list[dict]) -> dict:  # pragma: no cover - interface
        raise NotImplementedError

    def save(self, household: str, memory: dict) -> None:
        """Replace the whole document: a forget followed by nothing else would delete, so write it as a rewrite."""
        self.apply(household, [{"op": "_replace", "memory": memory}])

    def forget(self, household: str | None = None) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def export(self) -> dict:  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def version(self) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
