"""The speech cache holds sentences with the partners' names in them: owner-only whatever the umask."""

from __future__ import annotations

import os
import stat

import pytest

from local_voice import tts

from .speech import have_espeak


@pytest.mark.skipif(not have_espeak(), reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_cached_speech_is_0600_in_a_0700_folder(tmp_path):
    folder = tmp_path / "cache" / "speech"
    speaker = tts.Speaker(rate=170, cache_dir=folder)
    previous = os.umask(0)  # the worst case: left to the umask, everything would be world-writable
    try:
        speaker.render("Sam, it is your turn.", cache=True)
    finally:
        os.umask(previous)
    [cached] = list(folder.iterdir())
    assert cached.suffix == ".wav"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(cached.stat().st_mode) == 0o600
