"""Piper voices rendered by our own code: the voice model run with onnxruntime in this process.

A Piper voice is a VITS model (`.onnx`) and its config (`.onnx.json`); its files are not piper-tts's
code (en_US-joe-medium: dataset CC0, see its model card), and onnxruntime is MIT. So we run the model
ourselves, with phoneme ids from the espeak-ng program (`piper_phonemes.py`), and no GPL code is in
our process. What that buys, measured in bench/tts.py:
- memory: we choose the session options piper leaves at their defaults. onnxruntime's CPU arena
  keeps the activations of the longest sentence ever rendered (about 20 MB a second of speech) and
  its memory pattern plans them ahead; without both, a render's activations are returned to the
  system when it ends (glibc must hand large blocks back: `_return_large_blocks`). One process,
  no second Python and numpy: the voice costs the library and the weights, plus one sentence's
  activations while it renders.
- pace: the length scale is an input of every run, so "slower" is at once, with no second model
  loaded (piper's program fixes it when it starts: `piper_process.py`, kept as the fallback).
Each sentence is rendered on its own and scaled to full range, as piper does, so the audio is
piper's (its noise inputs are random in the model itself: no two renders are identical).
"""

from __future__ import annotations

import ctypes
import json
import os
import threading
from pathlib import Path

import numpy as np

from .piper_phonemes import PhonemeError, sentences, to_ids
from .voices import VoiceInfo
from .wavio import Audio, resample, to_int16

MAX_INT16 = 32767.0


def _return_large_blocks() -> None:
    """glibc serves a large block from the heap once one of that size was freed (its mmap threshold
    rises to the largest freed block, up to 32 MB), and the heap rarely shrinks: after a long sentence
    the activations would stay resident. A fixed threshold keeps blocks over 256 KB mapped on their
    own, so they go back to the system when freed. Not glibc: nothing to do."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


def _threads() -> int:
    """onnxruntime's pool: one thread a core we may run on (its default counts the machine's cores,
    and a second thread spinning on a pinned core slows the one doing the work)."""
    if os.environ.get("ORT_INTRA_OP_NUM_THREADS", "").isdigit():
        return max(1, int(os.environ["ORT_INTRA_OP_NUM_THREADS"]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class VoiceModel:
    """One loaded voice model, shared by every pace (renders one at a time)."""

    _loaded: dict[str, "VoiceModel"] = {}
    _load_lock = threading.Lock()

    def __init__(self, voice: VoiceInfo):
        from .tts import SpeechError

        try:
            import onnxruntime
        except ImportError:
            raise SpeechError("onnxruntime is not installed (pip install onnxruntime)") from None
        try:
            config = json.loads(Path(voice.config).read_text(encoding="utf-8"))
            self.id_map = {k: list(v) for k, v in config["phoneme_id_map"].items()}
            self.espeak_voice = (config.get("espeak") or {}).get("voice") or "en-us"
            self.clusters = config.get("vowel_clusters") or None
            inference = config.get("inference") or {}
            self.noise = float(inference.get("noise_scale", 0.667))
            self.noise_w = float(inference.get("noise_w", 0.8))
            self.rate = int((config.get("audio") or {}).get("sample_rate") or voice.sample_rate)
            self.speakers = int(config.get("num_speakers") or 1)
            if (config.get("phoneme_type") or "espeak") != "espeak":
                raise SpeechError(f"voice {voice.name}: only espeak-ng phonemes are supported here")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SpeechError(f"voice {voice.name}: its config cannot be read ({exc})") from None
        options = onnxruntime.SessionOptions()
        options.enable_cpu_mem_arena = False  # see the module docstring: activations go back after a render
        options.enable_mem_pattern = False
        options.intra_op_num_threads = _threads()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # onnxruntime's own warnings are not for the couple
        _return_large_blocks()
        try:
            self.session = onnxruntime.InferenceSession(str(voice.model), sess_options=options,
                                                        providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidProtobuf types
            raise SpeechError(f"voice {voice.name}: the model cannot be loaded ({str(exc)[:160]})") from None
        self.lock = threading.Lock()

    @classmethod
    def of(cls, voice: VoiceInfo) -> "VoiceModel":
        key = str(voice.model)
        with cls._load_lock:
            if key not in cls._loaded:
                cls._loaded[key] = cls(voice)
            return cls._loaded[key]

    def sentence_ids(self, text: str) -> list[list[int]]:
        from .tts import SpeechError

        try:
            return [to_ids(s, self.id_map, self.clusters) for s in sentences(text, self.espeak_voice)]
        except PhonemeError as exc:
            raise SpeechError(str(exc)) from None

    def render(self, text: str, length_scale: float) -> np.ndarray:
        """int16 samples at the voice's rate: each sentence rendered alone, scaled to full range."""
        from .tts import SpeechError

        pieces = []
        for ids in self.sentence_ids(text):
            inputs = {"input": np.array([ids], dtype=np.int64),
                      "input_lengths": np.array([len(ids)], dtype=np.int64),
                      "scales": np.array([self.noise, length_scale, self.noise_w], dtype=np.float32)}
            if self.speakers > 1:
                inputs["sid"] = np.array([0], dtype=np.int64)
            try:
                with self.lock:
                    audio = self.session.run(None, inputs)[0].reshape(-1)
            except Exception as exc:  # onnxruntime's own error types
                raise SpeechError(f"the voice could not render ({str(exc)[:160]})") from None
            peak = float(np.abs(audio).max()) if audio.size else 0.0
            audio = audio / peak if peak > 1e-8 else np.zeros_like(audio)
            pieces.append(np.clip(audio * MAX_INT16, -MAX_INT16, MAX_INT16).astype(np.int16))
        if not pieces:
            raise SpeechError("nothing to say")
        return np.concatenate(pieces)


class OnnxPiperSpeaker:
    """The speech interface of `tts.Speaker` for a Piper voice, rendered by `VoiceModel`."""

    engine = "piper"

    def __init__(self, voice: VoiceInfo, wpm: float):
        from .piper_process import length_scale

        self.info = voice
        self.wpm = wpm
        self.scale = length_scale(voice.name, wpm)
        self.native_rate = voice.sample_rate

    def render(self, text: str, rate_hz: int | None = None, cache: bool = False) -> Audio:
        from .piper_process import speakable
        from .tts import SpeechError

        line = speakable(text)
        if not line:
            raise SpeechError("nothing to say")
        model = VoiceModel.of(self.info)
        samples = model.render(line, self.scale)
        if rate_hz and rate_hz != model.rate:
            return Audio(to_int16(resample(samples.astype(np.float32) / 32768.0, model.rate, rate_hz)), rate_hz)
        return Audio(samples, model.rate)

    def render_live(self, text: str, rate_hz: int | None = None, stand_in: bool = True,
                    same_process: bool = False) -> tuple[Audio, bool]:
        """As `PiperSpeaker.render_live`; the pace is an input of every render, so always exact."""
        return self.render(text, rate_hz), True

    def warm_up(self) -> None:
        """Load the voice now, before the first reply needs it."""
        self.render("Okay.")
