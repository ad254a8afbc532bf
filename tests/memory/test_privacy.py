"""Nothing the partners say is kept: not in the database (WAL included), the export, or the logs."""

from __future__ import annotations

import json
import logging

from skill.store import Store

from .conftest import closer, run_text

SECRET = "zebra marmalade confession"
WORDS = [w.encode() for w in SECRET.split()]

# Free speech at every kind of step: the menu, a question, an exercise name that is no
# exercise, a yes/no confirmation, a pause, and after a safety disclosure.
SCRIPT = [
    SECRET,
    f"start the {SECRET} exercise",
    "start a check in",
    SECRET,
    f"well honestly {SECRET} is what I would say",
    "I'm done",
    SECRET,
    "pause",
    SECRET,
    "resume",
    "forget our data",
    SECRET,
    "no",
    "save this question",
    "how are we doing",
    SECRET.upper(),
    "I don't feel safe at home",
    SECRET,
    "next",
]


def leaks(blob: bytes) -> list[bytes]:
    low = blob.lower()
    return [w for w in WORDS if w in low]


def db_files(db) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file()}


def test_free_text_reaches_neither_the_database_nor_the_export_nor_the_logs(db):
    Store(db).close()
    # Another connection stays open, as a server worker would, so the -wal file is kept and checked too.
    other = Store(db)
    try:
        result = closer("local", "--text", "--jsonl", "--db", str(db), stdin="\n".join(SCRIPT) + "\n")
        assert result.returncode == 0, result.stderr
        out = [json.loads(l) for l in result.stdout.splitlines()]
        assert len(out) == len(SCRIPT) + 1
        assert any(t["intent"] == "StartCheckInIntent" for t in out)
        assert any(t["intent"] == "SafetyIntent" for t in out)  # the script did reach every kind of step
        files = db_files(db)
        assert any(name.endswith("-wal") and data for name, data in files.items())
        for name, data in files.items():
            assert not leaks(data), name
        assert not leaks(result.stderr.encode()), result.stderr
        assert "safety" in result.stderr  # the safety event is logged, as a type only

        exported = closer("export", "--db", str(db))
        assert exported.returncode == 0
        assert json.loads(exported.stdout)["households"][0]["memory"]["used"]  # it did keep things
        assert not leaks(exported.stdout.encode())
    finally:
        other.close()
    for name, data in db_files(db).items():
        assert not leaks(data), name


def test_free_text_is_not_logged_even_at_debug_level(db, caplog):
    caplog.set_level(logging.DEBUG)
    out = run_text(db, SCRIPT)
    assert len(out) == len(SCRIPT) + 1
    assert caplog.records  # something was logged: the safety event
    assert not leaks(caplog.text.encode()), caplog.text
    kept = json.dumps(Store(db).export())
    assert not leaks(kept.encode())


def test_control_the_check_would_see_words_that_are_kept(tmp_path):
    """Names are kept by design, so saying them as names must show up: the byte check is live."""
    db = tmp_path / "control.db"
    other = Store(db)
    try:
        run_text(db, ["our names are zebra and marmalade"])
        assert leaks(b"".join(db_files(db).values()))
    finally:
        other.close()
