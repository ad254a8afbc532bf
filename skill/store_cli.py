"""`closer forget`, `closer export` and `closer store create`: the couple's data on the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .private_files import write_private
from .stores import StoreError, open_store, resolve
from .stores.url import describe


def _target(args):
    """The store the arguments name (--store URL, --db PATH, $CLOSER_STORE, $CLOSER_DB, the default)."""
    return resolve(getattr(args, "store", None), getattr(args, "db", None))


def run_export(args) -> int:
    """Print everything kept, as JSON (or write it to --out, readable by this account only)."""
    try:
        url = _target(args)
    except StoreError as err:
        print(f"closer export: {err}", file=sys.stderr)
        return 1
    if url.kind == "sqlite" and not Path(url.path).expanduser().exists():
        # opening it would create an empty database: report, create nothing
        print(f"closer export: there is no database at {describe(url)}; nothing is kept there.", file=sys.stderr)
        return 1
    try:
        store = open_store(getattr(args, "store", None), args.db)
        text = json.dumps(store.export(), indent=2, ensure_ascii=False) + "\n"
        close = getattr(store, "close", None)
        if close:
            close()
    except StoreError as err:
        print(f"closer export: {err}", file=sys.stderr)
        return 1
    out = getattr(args, "out", None)
    if not out:
        sys.stdout.write(text)
        return 0
    try:
        write_private(out, text)
    except OSError as err:
        print(f"closer export: cannot write {out}: {err.strerror or err}", file=sys.stderr)
        return 1
    print(f"Wrote everything kept to {out} (readable by this account only).", file=sys.stderr)
    return 0


def run_forget(args) -> int:
    """Delete every household kept in the store, after confirmation."""
    try:
        url = _target(args)
    except StoreError as err:
        print(f"closer forget: {err}", file=sys.stderr)
        return 1
    where = describe(url)
    if url.kind == "sqlite" and not Path(url.path).expanduser().exists():
        print(f"Nothing to forget: there is no database at {where}.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print("closer forget: add --yes to confirm when not running interactively.", file=sys.stderr)
            return 2
        answer = input(f"Delete everything kept in {where}? Type yes to confirm: ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.")
            return 1
    try:
        store = open_store(getattr(args, "store", None), args.db)
        count = store.forget()
    except StoreError as err:
        print(f"closer forget: {err}", file=sys.stderr)
        return 1
    print(f"Deleted {count} household{'s' if count != 1 else ''} from {where}.")
    return 0


def run_create(args) -> int:
    """Create the store if it is missing (a DynamoDB table with on-demand billing, or a SQLite file)."""
    try:
        url = _target(args)
        store = open_store(getattr(args, "store", None), args.db)
        created = store.create_table() if hasattr(store, "create_table") else None
        version = store.version
    except StoreError as err:
        print(f"closer store create: {err}", file=sys.stderr)
        return 1
    state = "created" if created else "ready (it already existed)" if created is False else "ready"
    print(f"Store {describe(url)}: {state}, schema version {version}.")
    return 0
