"""Piper voices rendered by our own code: the voice model run with onnxruntime in this process.

A Piper voice is a VITS model (`.onnx`) and its config (`.onnx.json`); its files are not piper-tts's
code (en_US-joe-medium: dataset CC0, see its model card), and onnxruntime is MIT. So we run the model
ourselves, with phoneme ids from the espeak-ng program (`piper_phonemes.py`), and no GPL code is in
our process. What that buys, measured in bench/tts.py:
- memory: we choose the session options piper leaves at their defaults. Its one session keeps, in
  onnxruntime's CPU arena, the activations of the longest sentence it ever rendered (about 17 MB a
  second of speech, mostly the decoder's). With the model cut in two (`piper_split.py`), the
  decoder renders 128 latent frames (about 1.5 s) at a time, so its arena never holds more than a
  slice's worth, whatever the sentence; without a memory pattern for it, since every slice's
  length differs. Arenas are kept: without them every tensor is a fresh allocation and a render
  took 70% more CPU here (bench figures in the README). Until the cut exists, the model runs whole
  without arena or memory pattern, so a render's activations go back to the system when it ends
  (glibc must hand large blocks back: `_return_large_blocks`). One process: no second Python and
  numpy; the voice costs the library, the weights and the arenas.
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
from .piper_process import PiperAtPace, speakable
from .voices import VoiceInfo
from .wavio import Audio, resample, to_int16

MAX_INT16 = 32767.0
SLICE_FRAMES = 128   # latent frames decoded at once (about 1.5 s of speech at length scale 1)
CONTEXT_FRAMES = 16  # frames of context either side of a slice: its middle is then as decoded whole


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
        _return_large_blocks()
        from .piper_split import cut_of, make_cut

        cut = cut_of(Path(voice.model))

        def session(path, arena: bool, pattern: bool):
            options = onnxruntime.SessionOptions()
            options.enable_cpu_mem_arena = arena
            options.enable_mem_pattern = pattern
            options.intra_op_num_threads = _threads()
            options.inter_op_num_threads = 1
            options.log_severity_level = 3  # onnxruntime's own warnings are not for the couple
            return onnxruntime.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])

        try:
            if cut:  # see the module docstring for why these options
                self.session = session(cut[0], arena=True, pattern=True)
                self.decoder = session(cut[1], arena=True, pattern=False)
                self.decoder_input = cut[2]
            else:
                self.session = session(voice.model, arena=False, pattern=False)
                self.decoder = None
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidProtobuf types
            raise SpeechError(f"voice {voice.name}: the model cannot be loaded ({str(exc)[:160]})") from None
        if not cut and os.environ.get("CLOSER_PIPER_CUT", "1") != "0":
            make_cut(Path(voice.model))  # in the background: the next start renders a slice at a time
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
                    audio = self._run(inputs)
            except Exception as exc:  # onnxruntime's own error types
                raise SpeechError(f"the voice could not render ({str(exc)[:160]})") from None
            peak = float(np.abs(audio).max()) if audio.size else 0.0
            audio = audio / peak if peak > 1e-8 else np.zeros_like(audio)
            pieces.append(np.clip(audio * MAX_INT16, -MAX_INT16, MAX_INT16).astype(np.int16))
        if not pieces:
            raise SpeechError("nothing to say")
        return np.concatenate(pieces)


    def _run(self, inputs: dict) -> np.ndarray:
        """The model's audio for one sentence (float, one dimension): whole, or with the cut model the
        latent frames first, then the decoder a slice at a time with context either side, so only a
        slice's activations are alive at once (piper_split.py)."""
        if self.decoder is None:
            return self.session.run(None, inputs)[0].reshape(-1)
        z = self.session.run(None, inputs)[0]
        frames = z.shape[-1]
        pieces, hop = [], None
        for start in range(0, frames, SLICE_FRAMES):
            end = min(frames, start + SLICE_FRAMES)
            low, high = max(0, start - CONTEXT_FRAMES), min(frames, end + CONTEXT_FRAMES)
            audio = self.decoder.run(None, {self.decoder_input: np.ascontiguousarray(z[..., low:high])})[0].reshape(-1)
            hop = hop or audio.size // (high - low)
            pieces.append(audio[(start - low) * hop:(end - low) * hop])
        return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


class OnnxPiperSpeaker(PiperAtPace):
    """The speech interface of `tts.Speaker` for a Piper voice, rendered by `VoiceModel`."""

    def render(self, text: str, rate_hz: int | None = None, cache: bool = False) -> Audio:
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
