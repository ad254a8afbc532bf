"""The store URL on the command line: --store on local/export/forget, CLOSER_STORE, --db as an alias, store create."""

from __future__ import annotations

import json

from tests.memory.conftest import closer


def households(result) -> dict:
    assert result.returncode == 0, result.stderr
    return {h["id"]: h["memory"] for h in json.loads(result.stdout)["households"]}


def test_local_then_export_and_forget_through_a_sqlite_url_the_env_and_the_db_alias(tmp_path):
    db = tmp_path / "kept.db"
    url = f"sqlite:///{db}"
    ran = closer("local", "--text", "--jsonl", "--store", url, stdin="our names are ana and ben\n")
    assert ran.returncode == 0, ran.stderr
    assert households(closer("export", "--store", url))["device:local"]["names"] == ["ana", "ben"]
    assert households(closer("export", "--db", str(db)))["device:local"]["names"] == ["ana", "ben"]
    assert households(closer("export", env={"CLOSER_STORE": url}))["device:local"]["names"] == ["ana", "ben"]
    forgot = closer("forget", "--yes", "--store", url)
    assert forgot.returncode == 0 and "Deleted 1 household" in forgot.stdout
    assert households(closer("export", "--store", url)) == {}


def test_a_bad_store_url_is_one_precise_line(tmp_path):
    for args in (["export", "--store", "sqlite://x.db"], ["forget", "--yes", "--store", "mongodb://x/y"],
                 ["local", "--text", "--jsonl", "--store", "dynamodb://a"]):
        result = closer(*args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr


def test_store_create_then_export_and_forget_on_dynamodb(dynalite):
    url = dynalite.url("closer-cli")
    created = closer("store", "create", "--store", url)
    assert created.returncode == 0 and "created" in created.stdout, created.stderr
    again = closer("store", "create", "--store", url)
    assert again.returncode == 0 and "already existed" in again.stdout
    from skill.stores import open_store

    open_store(url).apply("amzn1.ask.account.CLI", [{"op": "names", "names": ["a", "b"]}])
    assert households(closer("export", "--store", url))["amzn1.ask.account.CLI"]["names"] == ["a", "b"]
    forgot = closer("forget", "--yes", "--store", url)
    assert forgot.returncode == 0 and "Deleted 1 household from DynamoDB table closer-cli" in forgot.stdout
    assert households(closer("export", "--store", url)) == {}
