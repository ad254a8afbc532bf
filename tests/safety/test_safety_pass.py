"""The safety pass's compiled model follows the data: it is kept under a hash of what it is built
from, so a phrasing added to skill/disclosures.yaml is in the model on the next start (no decoding
here: tests/safety/test_voice.py hears it)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pocketsphinx")

from local_voice.recognition import safety_model  # noqa: E402
from skill.safety_language import DATA_PATH  # noqa: E402


def test_a_change_to_the_disclosure_data_means_a_new_model(tmp_path, monkeypatch):
    data = tmp_path / "disclosures.yaml"
    data.write_text(Path(DATA_PATH).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(safety_model, "_sources", lambda: [data])
    before = safety_model.model_key()
    assert safety_model.model_key() == before  # stable: a cached model is found again
    data.write_text(data.read_text(encoding="utf-8").replace("self_harm:", "self_harm:\n    # a new phrasing", 1),
                    encoding="utf-8")
    assert safety_model.model_key() != before


def test_words_the_dictionary_lacks_are_pronounced_from_words_it_has():
    """"coerces", "stepdad", "messaged" are in the grammar but not in pocketsphinx's dictionary;
    without a pronunciation their sentences would be left out of the model."""
    prons = {"coerce": ["K OW ER S"], "step": ["S T EH P"], "dad": ["D AE D"], "message": ["M EH S AH JH"]}
    assert safety_model.guess_pronunciation("coerces", prons) == "K OW ER S IH Z"
    assert safety_model.guess_pronunciation("stepdad", prons) == "S T EH P D AE D"
    assert safety_model.guess_pronunciation("messaged", prons) == "M EH S AH JH D"
    assert safety_model.guess_pronunciation("zzqx", prons) is None


def test_the_noise_floor_is_faint_and_the_same_for_the_same_clip():
    """Synthetic speech's digital silence misled the acoustic front end; the pass mixes in a hiss
    30 dB under the speech (safety_pass.with_floor), the same each time a clip is heard."""
    import numpy as np

    from local_voice.recognition.safety_pass import with_floor

    t = np.arange(16000) / 16000
    speech = np.where(t < 0.5, 8000 * np.sin(2 * np.pi * 220 * t), 0).astype("<i2")  # a tone, then digital silence
    floored = with_floor(speech.tobytes(), 30.0)
    assert floored == with_floor(speech.tobytes(), 30.0) and len(floored) == len(speech.tobytes())
    added = np.frombuffer(floored, "<i2").astype(float) - speech
    snr = 10 * np.log10(np.mean(speech.astype(float) ** 2) / np.mean(added ** 2))
    assert 28 < snr < 32
    assert np.frombuffer(floored, "<i2")[12000:].any()  # the silence is no longer digital zeros
