"""Speech rendering (pyttsx3 + espeak-ng) and the audio layer's messages."""

import builtins

import pytest

from local_voice import audio, tts


def test_render_waits_for_the_finished_file(tmp_path):
    speaker = tts.Speaker(rate=170)
    a = speaker.render("Welcome back. Shall we start a check in?")
    assert a.rate > 8000 and a.seconds > 1.0 and a.samples.std() > 500
    b = speaker.render("Hello", rate_hz=16000)
    assert b.rate == 16000 and 0.2 < b.seconds < 2.0


def test_static_prompts_are_cached_by_text_voice_and_rate(tmp_path, monkeypatch):
    speaker = tts.Speaker(rate=170, cache_dir=tmp_path)
    first = speaker.render("Say next when you are ready.", cache=True)
    assert len(list(tmp_path.glob("*.wav"))) == 1
    calls = []
    monkeypatch.setattr(speaker, "_render_to_file", lambda *a, **k: calls.append(a))
    again = speaker.render("Say next when you are ready.", cache=True)
    assert calls == [] and (again.samples == first.samples).all()
    other = tts.Speaker(rate=120, cache_dir=tmp_path)
    assert other.cache_key("Say next when you are ready.") != speaker.cache_key("Say next when you are ready.")


def test_say_is_never_used(monkeypatch):
    import pyttsx3.engine

    monkeypatch.setattr(pyttsx3.engine.Engine, "say", lambda *a, **k: pytest.fail("say() shells out to aplay"))
    assert tts.Speaker().render("Pause").seconds > 0.1


def test_empty_text_is_a_clear_error():
    with pytest.raises(tts.SpeechError, match="nothing to say"):
        tts.Speaker().render("  ")


def test_no_devices_is_a_message_not_a_traceback():
    devices = audio.list_devices()
    assert isinstance(devices, list)
    if not any(d["inputs"] for d in devices):
        with pytest.raises(audio.AudioError, match="no audio input device"):
            audio.pick_device(None, "input")
    with pytest.raises(audio.AudioError, match="list-devices"):
        audio.pick_device("no such device name", "output")
    assert audio.format_devices([]) == "No audio devices found."


def test_missing_portaudio_is_explained(monkeypatch):
    real_import = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(audio.AudioError, match="libportaudio2"):
        audio.list_devices()
