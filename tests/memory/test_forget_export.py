"""Forget and export: by voice and on the command line."""

from __future__ import annotations

import json

import pytest

from skill.store import Store

from .conftest import closer, memory, not_therapy, run_text, says, turns

NAME = "quillon"  # a name no phrase or question contains


def db_bytes(db) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


def a_known_couple(db) -> None:
    run_text(db, [f"our names are {NAME} and bartholomew", "slower", "start a check in", "next", "next", "next", "next",
                  "start a check in", "I'm done"])
    kept = memory(db)
    assert kept["names"] == [NAME, "bartholomew"] and kept["history"] and kept["progress"]


def test_forget_our_data_then_yes_and_the_next_launch_greets_as_new(db):
    a_known_couple(db)
    out = run_text(db, ["forget our data", "yes"])
    assert says(out[0], "resume_offer")  # it still knew them when asked
    assert says(out[1], "forget_confirm") and out[1]["end"] is False
    assert says(out[2], "forgotten") and out[2]["end"] is True

    greeting = run_text(db, [])[0]
    assert says(greeting, "greeting_new"), greeting["say"]
    assert not_therapy() in greeting["say"]
    assert not says(greeting, "resume_offer") and not says(greeting, "greeting_back")
    assert NAME not in greeting["say"].lower()
    kept = memory(db)
    assert kept["names"] is None and kept["history"] == [] and kept["used"] == {} and kept["progress"] is None
    assert kept["prefs"]["pace"] == 0
    assert NAME.encode() not in db_bytes(db)


def test_forget_then_no_keeps_everything(db):
    a_known_couple(db)
    before = memory(db)
    out = run_text(db, ["forget our data", "no"])
    assert says(out[2], "not_forgotten") and out[2]["end"] is False
    after = memory(db)
    assert after["names"] == before["names"] and after["history"] == before["history"]
    assert after["used"] == before["used"]


def test_voice_forget_leaves_nothing_readable_in_the_wal_while_another_worker_has_the_db_open(db):
    other_worker = Store(db)
    try:
        a_known_couple(db)
        run_text(db, ["forget our data", "yes"])
        assert NAME.encode() not in db_bytes(db)
    finally:
        other_worker.close()


def test_cli_export_prints_valid_json_of_everything_kept(db):
    a_known_couple(db)
    result = closer("export", "--db", str(db))
    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout)
    assert exported["schema_version"] >= 1
    [household] = exported["households"]
    assert household["id"] == "device:local"
    assert household["memory"] == memory(db)
    assert household["memory"]["names"] == [NAME, "bartholomew"]
    assert household["memory"]["prefs"]["pace"] == -1


def test_cli_export_of_an_empty_database_is_valid_json(db):
    Store(db).close()
    result = closer("export", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["households"] == []


def test_cli_forget_yes_deletes_everything_and_the_next_launch_greets_as_new(db):
    a_known_couple(db)
    Store(db).apply("amzn1.ask.account.X", [{"op": "names", "names": ["a", "b"]}])
    result = closer("forget", "--yes", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "2 households" in result.stdout
    assert json.loads(closer("export", "--db", str(db)).stdout)["households"] == []
    assert NAME.encode() not in db_bytes(db)
    greeting = turns(closer("local", "--text", "--jsonl", "--db", str(db)).stdout)[0]
    assert says(greeting, "greeting_new") and not_therapy() in greeting["say"]


def test_cli_forget_without_yes_when_not_interactive_deletes_nothing(db):
    a_known_couple(db)
    result = closer("forget", "--db", str(db))
    assert result.returncode == 2
    assert "--yes" in result.stderr
    assert memory(db)["names"] == [NAME, "bartholomew"]


def test_cli_forget_on_a_missing_database_creates_nothing(tmp_path):
    path = tmp_path / "none" / "closer.db"
    result = closer("forget", "--yes", "--db", str(path))
    assert result.returncode == 0
    assert not path.exists()
