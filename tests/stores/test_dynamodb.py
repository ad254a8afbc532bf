"""DynamoDB specifics, against dynalite: conflicts, bounded retries, item sizes, a missing table."""

from __future__ import annotations

import pytest

from skill.stores import StoreError, open_store
from skill.stores.dynamodb import ATTEMPTS, DynamoStore

from .conftest import _tables
from .test_contract import run, year_old_effects

pytestmark = pytest.mark.usefixtures("dynalite")


@pytest.fixture
def url(dynalite):
    url = dynalite.url(f"closer-dyn-{next(_tables)}")
    open_store(url).create_table()
    return url


def items(store: DynamoStore) -> list[dict]:
    return list(store._scan())


def test_a_writer_that_read_before_another_wrote_reads_again_and_loses_nothing(url):
    a, b = open_store(url), open_store(url)
    a.apply("h", [{"op": "counter"}])
    a.load("h")  # a reads version 1 ...
    b.apply("h", [{"op": "counter"}, {"op": "used", "prompt": "q-b", "at": 1.0}])  # ... b writes version 2
    memory = a.apply("h", [{"op": "counter"}, {"op": "used", "prompt": "q-a", "at": 2.0}])  # conflict, re-read
    assert memory["counter"] == 3 and memory["used"] == {"q-b": 1.0, "q-a": 2.0}
    assert open_store(url).load("h") == memory


class StaleStore(DynamoStore):
    """A store that always works from the first version it saw, so every commit conflicts."""

    def _read(self, household):
        if not hasattr(self, "_frozen"):
            self._frozen = super()._read(household)
        return self._frozen


def test_endless_conflicts_end_in_a_clear_error_with_nothing_half_written(url, monkeypatch):
    monkeypatch.setattr("skill.stores.dynamodb.BACKOFF_S", 0.001)
    good = open_store(url)
    good.apply("h", [{"op": "names", "names": ["a", "b"]}, {"op": "used", "prompt": "q", "at": 1.0}])
    stale = StaleStore(good.table, endpoint=good.endpoint, region="us-east-1")
    stale.load("h")
    good.apply("h", [{"op": "counter"}])  # now stale's version is old for good
    before = sorted((i["p"]["S"], i.get("d", {}).get("S")) for i in items(good))
    calls = []
    real = stale._try_commit
    monkeypatch.setattr(stale, "_try_commit", lambda *a: calls.append(1) or real(*a))
    with pytest.raises(StoreError) as caught:
        stale.apply("h", [{"op": "used", "prompt": "other", "at": 2.0}, {"op": "finished", "activity": "x",
                                                                            "kind": "checkin", "at": 2.0, "seconds": 1}])
    assert "not saved" in str(caught.value) and "nothing was written" in str(caught.value)
    assert len(calls) == ATTEMPTS
    # Every part item it put was swept again: the table is exactly as the last good write left it.
    assert sorted((i["p"]["S"], i.get("d", {}).get("S")) for i in items(good)) == before
    assert good.load("h")["counter"] == 1 and "other" not in good.load("h")["used"]


def test_a_year_old_household_stays_in_small_items(url):
    store = open_store(url)
    store.apply("old", year_old_effects())
    store.apply("old", [{"op": "used", "prompt": "x", "at": 1.0}, {"op": "progress", "progress": run(1)}])
    mine = [i for i in items(store) if i["h"]["S"] == "old"]
    sizes = [sum(len(k) + len(v.get("S", v.get("N", ""))) for k, v in i.items()) for i in mine]
    assert max(sizes) < 4096, max(sizes)  # DynamoDB's limit is 400 KB per item
    core = next(i for i in mine if i["p"]["S"] == "core")
    assert len(core["d"]["S"]) < 1024
    # Only referenced items remain: superseded parts were deleted after each commit.
    import json

    assert {i["p"]["S"] for i in mine} == {"core", *json.loads(core["ptr"]["S"]).values()}


def test_a_missing_table_says_how_to_create_it(dynalite):
    store = open_store(dynalite.url("no-such-table"))
    with pytest.raises(StoreError) as caught:
        store.load("h")
    assert "does not exist" in str(caught.value) and "closer store create" in str(caught.value)
