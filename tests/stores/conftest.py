"""Both stores behind one fixture: every contract test runs on SQLite and on DynamoDB (dynalite)."""

from __future__ import annotations

import itertools

import pytest

from skill.stores import open_store
from tests.dynalite import Dynalite, missing

_tables = itertools.count()


@pytest.fixture(scope="session")
def dynalite():
    reason = missing()
    if reason:
        pytest.skip(reason)
    server = Dynalite()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "dynamodb"])
def store_url(request, tmp_path):
    """A URL for an empty store of each kind (a fresh table per test on the one dynalite)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/closer.db"
    server = request.getfixturevalue("dynalite")
    url = server.url(f"closer-test-{next(_tables)}")
    store = open_store(url)
    store.create_table()
    store.close()
    return url


@pytest.fixture
def store(store_url):
    opened = open_store(store_url)
    yield opened
    opened.close()
