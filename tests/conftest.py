"""How the suite is shared between pytest-xdist workers (`scripts/test` runs two, `-n 2`).

A module's tests run on one worker, so a fixture the module builds once (a voice-loop session,
the kitchen evening, the Lambda zip) is built once. The modules in SPREAD are the exceptions:
their tests are many or long and share only what is cheap to build twice (a decoder, the
engine), so each of their tests may go to either worker. Without xdist this file does nothing.

(xdist's own `--dist loadgroup` cannot do this here: it renames a test's node id to carry its
group, which pytest 9 no longer lets a plugin do, so the groups would be silently ignored.)
"""

from __future__ import annotations

import pytest

SPREAD = {  # modules whose tests are handed out one by one
    "tests/conversations/test_transcripts.py",  # a `closer local --text` per transcript, nothing shared
    "tests/voice/test_pocketsphinx.py",  # two long accuracy samples; the decoder costs 3 s per worker
    "tests/test_catalog.py",
}


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, called only when it is installed
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByModule(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if path in SPREAD else path

    return ByModule(config, log)
