"""Compatibility: the SQLite store moved to skill/stores/sqlite.py (stores chosen by URL: skill/stores)."""

from __future__ import annotations

from .stores import open_store  # noqa: F401
from .stores.sqlite import (  # noqa: F401
    APP_NAME, BUSY_TIMEOUT_MS, LOCAL_HOUSEHOLD, MIGRATIONS, SqliteStore, Store, StoreError, default_db_path,
)
