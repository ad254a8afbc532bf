"""How the suite is shared between pytest-xdist workers (`scripts/test` runs two, `--dist loadgroup`).

A module's tests run on one worker, so a fixture the module builds once (a voice-loop session,
the kitchen evening, the Lambda zip) is built once. The modules below are the exceptions: their
tests are many or long and share only what is cheap to build twice (a decoder, the engine), so
each test may go to either worker. Without xdist the marks do nothing.
"""

from __future__ import annotations

import pytest

SPREAD = {  # modules whose tests are handed out one by one
    "tests/conversations/test_transcripts.py",  # a `closer local --text` per transcript, nothing shared
    "tests/voice/test_pocketsphinx.py",  # two long accuracy samples; the decoder costs 3 s per worker
    "tests/test_catalog.py",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path not in SPREAD and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(path))
