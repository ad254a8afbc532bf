from __future__ import annotations

import pytest

from local_voice import recognition as R
from .speech import have_espeak


@pytest.fixture(scope="session")
def speech_cache(tmp_path_factory):
    if not have_espeak():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def commands():
    return R.build_commands()


@pytest.fixture(scope="session")
def sphinx(commands):
    return R.PocketsphinxRecognizer(commands)
