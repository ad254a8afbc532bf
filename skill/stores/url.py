"""Which store to open: `--store URL`, else `--db PATH`, else $CLOSER_STORE, else $CLOSER_DB, else the default file.

A URL is a path or `sqlite:///path` (SQLite, the default), or `dynamodb://TABLE?endpoint=URL&region=REGION`
(no endpoint: AWS itself, credentials from the usual AWS chain).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from .base import StoreError


@dataclass(frozen=True)
class StoreURL:
    kind: str  # "sqlite" or "dynamodb"
    path: str = ""  # sqlite: the file
    table: str = ""  # dynamodb
    endpoint: str | None = None
    region: str | None = None


def parse_store_url(text: str) -> StoreURL:
    """Parse a store URL; a precise StoreError for anything else."""
    text = (text or "").strip()
    if not text:
        raise StoreError("empty store URL")
    if text.startswith("sqlite:"):
        if not text.startswith("sqlite:///"):
            raise StoreError(f"a SQLite store URL is sqlite:///path/to/file.db (three slashes), not {text!r}")
        path = unquote(text[len("sqlite://"):])
        if path == "/":
            raise StoreError(f"the SQLite store URL {text!r} names no file")
        return StoreURL("sqlite", path=path)
    if text.startswith("dynamodb:"):
        parts = urlsplit(text)
        table = parts.netloc or parts.path.lstrip("/")
        if not table or not all(c.isalnum() or c in "_-." for c in table) or not 3 <= len(table) <= 255:
            raise StoreError(f"a DynamoDB store URL is dynamodb://TABLE?endpoint=URL&region=REGION; "
                             f"the table name in {text!r} must be 3-255 letters, digits, _ - or .")
        query = parse_qs(parts.query)
        unknown = set(query) - {"endpoint", "region"}
        if unknown:
            raise StoreError(f"unknown option(s) in the store URL: {', '.join(sorted(unknown))} (known: endpoint, region)")
        endpoint = query.get("endpoint", [None])[0]
        if endpoint and not endpoint.startswith(("http://", "https://")):
            raise StoreError(f"the DynamoDB endpoint must be an http(s) URL, not {endpoint!r}")
        return StoreURL("dynamodb", table=table, endpoint=endpoint, region=query.get("region", [None])[0])
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        raise StoreError(f"unknown kind of store {text.split('://', 1)[0]!r}: use a path, sqlite:///path or dynamodb://TABLE")
    return StoreURL("sqlite", path=text)


def resolve(store: str | None = None, db: str | None = None) -> StoreURL:
    """The store to open from the command line and the environment (see the module docstring)."""
    if store:
        return parse_store_url(store)
    if db:
        return StoreURL("sqlite", path=db)
    if os.environ.get("CLOSER_STORE"):
        return parse_store_url(os.environ["CLOSER_STORE"])
    from .sqlite import default_db_path

    return StoreURL("sqlite", path=str(default_db_path()))


def describe(url: StoreURL) -> str:
    if url.kind == "sqlite":
        return url.path
    return f"DynamoDB table {url.table}" + (f" at {url.endpoint}" if url.endpoint else "")
