"""Speech out, behind one interface: `open_speaker(name, wpm).render(text) -> Audio`.

Piper (a neural voice, `piper_onnx.py`, or piper's own program: `piper_process.py`) speaks whenever a Piper voice is installed;
pyttsx3 driving espeak-ng (`Speaker`, below) is the fallback and `--voice espeak`.
Both are asked for a speaking rate in words a minute as heard (`DEFAULT_WPM`, calm).

pyttsx3 renders to audio here, never plays it itself.

pyttsx3 2.99 has two defects this module works around:
- `runAndWait()` can return before a `save_to_file` WAV exists: we wait for the
  "finished-utterance" callback and then for the file itself.
- `say()` shells out to `aplay`: we never call it; audio goes through local_voice.audio,
  so the caller knows exactly when speech ends.

Rendered static prompts are cached on disk, keyed by text, voice and rate.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from local_voice.wavio import Audio, WavError, read_wav, write_wav
from skill.private_files import private_dir, private_file

DEFAULT_WPM = 145            # a calm rate, words a minute within sentences (pauses come on top); the engine's level 0
# espeak-ng speaks faster than its nominal rate: at 120 it says 147 words a minute and at 165
# about 185 to 210 (measured on whole sentences, bench/tts.py), so its rate is scaled down.
ESPEAK_RATE_PER_WPM = 0.81
DEFAULT_RATE_WPM = int(round(DEFAULT_WPM * ESPEAK_RATE_PER_WPM))  # espeak-ng's own rate setting


def espeak_rate(wpm: float) -> int:
    """espeak-ng's rate setting for a heard rate in words a minute (espeak accepts 80 and up)."""
    return max(80, int(round(float(wpm) * ESPEAK_RATE_PER_WPM)))


class SpeechError(Exception):
    """Speech could not be rendered, with a message fit to show a person."""


class Speaker:
    """Renders text to audio with one pyttsx3 engine (espeak-ng can only start once per process).

    `rate` is espeak-ng's own setting; `open_speaker` converts a heard rate in words a minute."""

    engine = "espeak"

    _engine = None
    _lock = threading.Lock()

    def __init__(self, voice: str | None = None, rate: int | None = None, cache_dir: str | Path | None = None):
        self.voice = voice
        self.rate = rate or DEFAULT_RATE_WPM
        self.cache_dir = Path(cache_dir) if cache_dir else None

    @classmethod
    def _get_engine(cls):
        if cls._engine is None:
            try:
                import pyttsx3
            except ImportError:
                raise SpeechError("pyttsx3 is not installed (pip install pyttsx3)") from None
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    cls._engine = pyttsx3.init("espeak" if sys.platform.startswith("linux") else None)
            except Exception as exc:  # pyttsx3 raises whatever its driver raises
                raise SpeechError(f"the speech engine could not start ({exc}); on Debian: apt-get install espeak-ng") from None
        return cls._engine

    @classmethod
    def _restart_engine(cls) -> None:
        with cls._lock:
            engine, cls._engine = cls._engine, None
            try:
                if engine is not None:
                    engine.endLoop()
            except Exception:  # the old loop may not be running; nothing else to clean up
                pass

    @property
    def native_rate(self) -> int:
        return 22050  # espeak-ng's output rate

    def warm_up(self) -> None:
        with self._lock:
            self._get_engine()

    def voices(self) -> list[str]:
        with self._lock:
            return [v.id for v in self._get_engine().getProperty("voices")]

    def cache_key(self, text: str) -> str:
        raw = f"{self.voice or ''}\x00{self.rate}\x00{text}".encode("utf-8")
        return hashlib.sha256(raw).hexdigest()[:32]

    def render(self, text: str, rate_hz: int | None = None, cache: bool = False) -> Audio:
        """Text to mono int16 audio (at the engine's rate, or resampled to rate_hz)."""
        if not text or not text.strip():
            raise SpeechError("nothing to say")
        cached = self.cache_dir / f"{self.cache_key(text)}.wav" if (cache and self.cache_dir) else None
        if cached is not None and cached.exists():
            try:
                return read_wav(cached, rate_hz) if rate_hz else _read_native(cached)
            except WavError:
                cached.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="closer-tts-") as tmp:
            path = Path(tmp) / "speech.wav"
            try:
                self._render_to_file(text, path)
            except SpeechError as first:
                if "did not finish" not in str(first):
                    raise
                # A render that never reported its end leaves the driver's loop in doubt: start a
                # fresh engine and try once more before giving up.
                self._restart_engine()
                path.unlink(missing_ok=True)
                self._render_to_file(text, path)
            audio = _read_native(path)
        if cached is not None:
            private_dir(cached.parent)
            part = cached.with_suffix(f".{os.getpid()}.part")
            write_wav(part, audio.samples, audio.rate)
            os.replace(private_file(part), cached)
        if rate_hz and rate_hz != audio.rate:
            return read_wav(_wav_bytes(audio), rate_hz)
        return audio

    def _render_to_file(self, text: str, path: Path, timeout: float = 60.0) -> None:
        with self._lock:
            engine = self._get_engine()
            finished = threading.Event()

            def on_finish(name, completed):
                finished.set()

            token = engine.connect("finished-utterance", on_finish)
            try:
                # engine.setProperty is queued and, after a first runAndWait, can be applied
                # only after the next utterance: set the driver's properties directly.
                driver = getattr(getattr(engine, "proxy", None), "_driver", None) or engine
                try:
                    if self.voice:
                        driver.setProperty("voice", self.voice)
                    driver.setProperty("rate", int(self.rate))
                except (ValueError, KeyError) as exc:
                    raise SpeechError(f"unknown voice or rate ({exc})") from None
                with contextlib.redirect_stdout(io.StringIO()):  # the driver prints "Audio saved to ..."
                    engine.save_to_file(text, str(path))
                    engine.runAndWait()
                    finished.wait(timeout)  # runAndWait may return before the callback and the file
            finally:
                engine.disconnect(token)
            deadline = time.monotonic() + 5.0
            while not _complete_wav(path) and time.monotonic() < deadline:
                time.sleep(0.01)
            if not finished.is_set() or not _complete_wav(path):
                raise SpeechError("the speech engine did not finish rendering")


def _complete_wav(path: Path) -> bool:
    try:
        return path.stat().st_size > 44 and read_wav(path) is not None
    except (OSError, WavError):
        return False


def _read_native(path: Path) -> Audio:
    import wave

    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
    return read_wav(path, rate)


def _wav_bytes(audio: Audio) -> bytes:
    buf = io.BytesIO()
    import wave

    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(audio.rate)
        w.writeframes(audio.pcm())
    return buf.getvalue()


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("closer-together", appauthor=False)) / "speech"


RENDERER_ENV = "CLOSER_PIPER_RENDERER"


def piper_renderer() -> str:
    """Who renders a Piper voice: "onnx", our own code with onnxruntime in this process (the default:
    less memory, a new pace at once; piper_onnx.py), or "process", piper-tts's own program beside us
    (piper_process.py): the fallback without onnxruntime, or when $CLOSER_PIPER_RENDERER says so."""
    import importlib.util

    wanted = os.environ.get(RENDERER_ENV, "").strip().lower()
    if wanted in ("process", "onnx"):
        return wanted
    return "onnx" if importlib.util.find_spec("onnxruntime") else "process"


def open_speaker(name: str | None = None, wpm: float | None = None):
    """The speaker for a voice name (None: the active voice) at a heard rate; raises SpeechError."""
    from . import voices

    try:
        info = voices.resolve(name)
    except voices.VoiceNotFound as exc:
        raise SpeechError(str(exc)) from None
    wpm = float(wpm or DEFAULT_WPM)
    if info.engine == "piper":
        if piper_renderer() == "onnx":
            from .piper_onnx import OnnxPiperSpeaker

            return OnnxPiperSpeaker(info, wpm)
        from .piper_process import PiperSpeaker

        return PiperSpeaker(info, wpm)
    speaker = Speaker(info.espeak_voice, espeak_rate(wpm))
    speaker.info, speaker.wpm = info, wpm
    return speaker


def run_say(args) -> int:
    """`closer say TEXT --out FILE.wav [--voice NAME] [--rate WPM]`: spoken as a reply is, sentence pauses included."""
    from .voice import Voice

    folder = Path(args.out).expanduser().resolve().parent
    if not folder.is_dir():
        print(f"closer say: cannot write {args.out} (no folder {folder})", file=sys.stderr)
        return 1
    try:
        voice = Voice(getattr(args, "voice", None), base_rate=getattr(args, "rate", None), cache=False, rate=None)
        samples = voice.render({"segments": [{"type": "text", "text": args.text}]})
        if not len(samples):
            raise SpeechError("nothing to say")
        write_wav(args.out, samples, voice.rate)
    except SpeechError as exc:
        print(f"closer say: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"closer say: cannot write {args.out} ({exc.strerror or exc})", file=sys.stderr)
        return 1
    print(f"{args.out}: {len(samples) / voice.rate:.2f} s at {voice.rate} Hz, voice {voice.info.name} ({voice.info.engine}), "
          f"{voice.wpm:.0f} words a minute")
    return 0
