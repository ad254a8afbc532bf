"""`closer forget` and `closer export`: the couple's data on the command line."""

from __future__ import annotations

import json
import sys

from .private_files import write_private
from .store import StoreError, default_db_path, open_store


def run_export(args) -> int:
    """Print everything kept, as JSON (or write it to --out, readable by this account only)."""
    path = default_db_path(args.db)
    if not path.exists():  # opening it would create an empty database: report, create nothing
        print(f"closer export: there is no database at {path}; nothing is kept there.", file=sys.stderr)
        return 1
    try:
        store = open_store(args.db)
        text = json.dumps(store.export(), indent=2, ensure_ascii=False) + "\n"
        store.close()
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
    """Delete every household kept in the database, after confirmation."""
    path = default_db_path(args.db)
    if not path.exists():
        print(f"Nothing to forget: there is no database at {path}.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print("closer forget: add --yes to confirm when not running interactively.", file=sys.stderr)
            return 2
        answer = input(f"Delete everything kept in {path}? Type yes to confirm: ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.")
            return 1
    try:
        store = open_store(args.db)
        count = store.forget()
    except StoreError as err:
        print(f"closer forget: {err}", file=sys.stderr)
        return 1
    print(f"Deleted {count} household{'s' if count != 1 else ''} from {path}.")
    return 0
