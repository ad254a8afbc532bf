"""Household stores behind one contract (base.py): SQLite (sqlite.py) and DynamoDB (dynamodb.py), chosen by URL (url.py)."""

from __future__ import annotations

from .base import LOCAL_HOUSEHOLD, BaseStore, StoreError
from .url import StoreURL, parse_store_url, resolve

__all__ = ["open_store", "BaseStore", "StoreError", "LOCAL_HOUSEHOLD", "StoreURL", "parse_store_url", "resolve"]


def open_store(store: str | None = None, db: str | None = None) -> BaseStore:
    """Open the store named by --store (a URL) or --db (a path), else $CLOSER_STORE, $CLOSER_DB, the default file."""
    url = resolve(store, db)
    if url.kind == "dynamodb":
        from .dynamodb import DynamoStore

        return DynamoStore(url.table, endpoint=url.endpoint, region=url.region)
    from pathlib import Path

    from .sqlite import SqliteStore

    return SqliteStore(Path(url.path).expanduser())
