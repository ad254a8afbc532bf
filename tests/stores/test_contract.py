"""The store contract (skill/stores/base.py), the same tests on SQLite and on DynamoDB (dynalite)."""

from __future__ import annotations

import json
import random
import threading

import pytest

from skill.engine.memory import HISTORY_LIMIT, apply_effects, new_memory
from skill.stores import StoreError, open_store

H = "amzn1.ask.account.CONTRACT"


def run(i: int) -> dict:
    return {"kind": "checkin", "id": "checkin", "items": [{"q": f"trust-{n:02d}"} for n in range(4)],
            "i": i % 4, "turn": i % 2, "first": 0, "timer": None, "started": 1.7e9}


def test_an_unknown_household_reads_as_new(store):
    assert store.load(H) == new_memory()
    assert store.export()["households"] == []


def test_every_effect_round_trips_and_unknown_effect_fields_are_kept(store):
    effects = [
        {"op": "launch", "at": 1.7e9}, {"op": "names", "names": ["Ana", "Ben"]},
        {"op": "prefs", "set": {"pace": -1, "depth": 2}}, {"op": "progress", "progress": run(1)},
        {"op": "used", "prompt": "trust-01", "at": 1.7e9 + 0.5}, {"op": "used", "prompt": "care-07", "at": 1.7e9 + 1},
        {"op": "ladder", "pos": 3}, {"op": "saved", "prompt": "trust-01"}, {"op": "counter", "by": 2},
        {"op": "finished", "activity": "checkin", "kind": "checkin", "at": 1.7e9 + 900, "seconds": 900,
         "day": "2023-11-14", "answered": True},
    ]
    expected = apply_effects(None, effects)
    assert store.apply(H, effects) == expected
    assert store.load(H) == expected
    expected = apply_effects(expected, [{"op": "reset_used", "prompts": ["trust-01"]}])
    assert store.apply(H, [{"op": "reset_used", "prompts": ["trust-01"]}]) == expected
    assert store.load(H)["used"] == {"care-07": 1.7e9 + 1}
    # The engine keeps day and answered on finished sessions; whatever it keeps, the store keeps.
    entry = dict(store.load(H)["history"][0])
    assert entry.get("day", "2023-11-14") == "2023-11-14" and entry.get("answered", True) is True


def test_a_random_life_reads_back_exactly_as_the_engine_would_have_it(store):
    """Many applies of mixed effects (past the history limit): the store equals plain apply_effects."""
    rng = random.Random(4)
    reference = None
    at = 1.7e9
    for i in range(60):
        effects = []
        for _ in range(rng.randint(1, 4)):
            at += 60
            kind = rng.choice(["used", "used", "progress", "finished", "finished", "reset", "saved", "launch"])
            if kind == "used":
                effects.append({"op": "used", "prompt": f"p-{rng.randint(0, 300)}", "at": at})
            elif kind == "progress":
                effects.append({"op": "progress", "progress": run(i) if rng.random() < 0.8 else None})
            elif kind == "finished":
                for _ in range(rng.randint(1, 25)):  # several chunks in one apply, and past the limit
                    effects.append({"op": "finished", "activity": "checkin", "kind": "checkin", "at": at, "seconds": 600})
            elif kind == "reset":
                effects.append({"op": "reset_used", "prompts": [f"p-{n}" for n in range(0, 300, 7)]})
            elif kind == "saved":
                effects.append({"op": "saved", "prompt": f"p-{rng.randint(0, 20)}"})
            else:
                effects.append({"op": "launch", "at": at})
        reference = apply_effects(reference, effects)
        assert store.apply(H, effects) == reference, i
    assert len(reference["history"]) == HISTORY_LIMIT
    assert store.load(H) == reference
    again = open_store(store.location if "dynamodb" in store.location else store.location)
    try:
        assert again.load(H) == reference  # a second process, with nothing cached, reads the same
    finally:
        again.close()


def test_a_failing_effect_list_changes_nothing(store):
    store.apply(H, [{"op": "counter", "by": 5}])
    with pytest.raises(ValueError):
        store.apply(H, [{"op": "counter"}, {"op": "names", "names": ["x", "y"]}, {"op": "no-such-effect"}])
    assert store.load(H)["counter"] == 5 and store.load(H)["names"] is None


def test_concurrent_writers_lose_no_update(store_url):
    stores = [open_store(store_url) for _ in range(4)]
    errors = []

    def writer(store, w):
        try:
            for i in range(15):
                store.load(H)  # as a turn does: read, step, then apply
                store.apply(H, [{"op": "counter"}, {"op": "used", "prompt": f"w{w}-{i}", "at": float(i)},
                                {"op": "progress", "progress": run(i)}])
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(s, w)) for w, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    memory = stores[0].load(H)
    assert memory["counter"] == 60
    assert set(memory["used"]) == {f"w{w}-{i}" for w in range(4) for i in range(15)}
    for s in stores:
        s.close()


def test_forget_one_all_and_a_final_forget_effect(store):
    for h in ("a", "b", "c"):
        store.apply(h, [{"op": "names", "names": [h, h]}, {"op": "used", "prompt": "q", "at": 1.0},
                        {"op": "finished", "activity": "x", "kind": "checkin", "at": 1.0, "seconds": 1}])
    assert store.forget("a") == 1
    assert store.forget("a") == 0
    assert store.load("a") == new_memory()
    assert store.apply("b", [{"op": "counter"}, {"op": "forget"}]) == new_memory()
    assert [h["id"] for h in store.export()["households"]] == ["c"]
    assert store.forget() == 1
    assert store.export()["households"] == []


def test_export_lists_every_household_with_its_memory_and_the_schema_version(store):
    store.apply("h1", [{"op": "names", "names": ["a", "b"]}])
    store.apply("h2", [{"op": "counter", "by": 3}, {"op": "used", "prompt": "q1", "at": 2.0}])
    exported = store.export()
    assert exported["schema_version"] == store.version >= 1
    by_id = {h["id"]: h for h in exported["households"]}
    assert set(by_id) == {"h1", "h2"}
    assert by_id["h2"]["memory"]["counter"] == 3 and by_id["h2"]["memory"]["used"] == {"q1": 2.0}
    assert by_id["h1"]["created"] and by_id["h1"]["updated"] >= by_id["h1"]["created"]
    json.dumps(exported)


def test_save_replaces_the_whole_memory(store):
    store.apply(H, [{"op": "used", "prompt": "q", "at": 1.0}, {"op": "counter"}])
    memory = new_memory()
    memory["names"] = ["x", "y"]
    store.save(H, memory)
    assert store.load(H) == memory


def year_old_effects() -> list[dict]:
    """A household used daily for a year: every question used, 400 sessions kept (the limit)."""
    effects = [{"op": "names", "names": ["ana", "ben"]}]
    effects += [{"op": "used", "prompt": f"deck{i // 20}-{i % 20:02d}", "at": 1.7e9 + i * 3600.5} for i in range(378)]
    effects += [{"op": "finished", "activity": "checkin", "kind": "checkin", "at": 1.7e9 + i * 86400.25,
                 "seconds": 912.5} for i in range(420)]
    return effects


def test_a_year_old_household_writes_as_little_per_turn_as_a_fresh_one(store):
    store.apply("old", year_old_effects())
    turn = [{"op": "used", "prompt": "deck3-04", "at": 1.8e9}, {"op": "progress", "progress": run(2)}]
    store.apply("new", turn)
    fresh = store.last_written
    store.apply("old", turn)
    aged = store.last_written
    assert aged <= 2048, aged  # the goal: at most 2 KB written per turn
    assert aged <= fresh + 1024, (fresh, aged)
    finished = [{"op": "finished", "activity": "checkin", "kind": "checkin", "at": 1.8e9, "seconds": 900},
                {"op": "progress", "progress": None}]
    store.apply("old", finished)
    assert store.last_written <= 2048, store.last_written
    assert len(store.load("old")["history"]) == HISTORY_LIMIT


def test_an_unopenable_store_url_is_a_precise_error(tmp_path):
    for url, words in [("sqlite://relative.db", "three slashes"), ("dynamodb://", "table name"),
                       ("dynamodb://tab?bogus=1", "unknown option"), ("ftp://x/y", "unknown kind of store"),
                       ("dynamodb://tab?endpoint=localhost:1", "http")]:
        with pytest.raises(StoreError) as caught:
            open_store(url)
        assert words in str(caught.value), (url, caught.value)


def test_reminders_and_a_chosen_theme_are_kept(store):
    """Rituals by voice and themes by voice live in keys the store has never seen before."""
    reminder = {"id": 1, "days": [6], "hour": 19, "minute": 0, "what": "ritual"}
    effects = [{"op": "reminders", "set": [reminder]}, {"op": "prefs", "set": {"theme": "trust", "depth": 3}}]
    expected = apply_effects(None, effects)
    assert expected["reminders"] == [reminder] and expected["prefs"]["theme"] == "trust"
    assert store.apply(H, effects) == expected
    assert store.load(H) == expected
    cleared = apply_effects(expected, [{"op": "reminders", "set": []}, {"op": "prefs", "set": {"theme": None}}])
    assert store.apply(H, [{"op": "reminders", "set": []}, {"op": "prefs", "set": {"theme": None}}]) == cleared
    assert store.load(H)["reminders"] == [] and store.load(H)["prefs"]["theme"] is None
