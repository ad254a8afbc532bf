"""What the safety pass's decoder hears in the TEST sentences, to find why disclosures are missed.

    taskset -c 1 .venv/bin/python bench/safety_words.py [--voices en-us,en+f3,en-gb,piper] [--sets test]
        [--limit N] [--words] [--set NAME=VALUE ...]

Only synthesized test sentences from tests/safety/ and tests/voice's table talk go through it: it
prints the words the pass decoded next to what was said (never run it on real speech; the product
itself never logs or keeps these words). Each clip is cut exactly as `closer recognize` cuts it
(endpointer, dither, trim), once, and cached; then the safety pass (its compiled model, or one built
with `--set GENERAL_MASS=0.2`-style overrides of safety_model's settings; SafetyPass attributes with
`--set pass.noise_floor_db=none` (before: none), decoder settings with `--set dec.fwdflatlw=10`)
decides on it. Prints recall and false alarms per voice and with
`--words` every decode of every missed disclosure and false alarm.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.safety import fronts  # noqa: E402

SETS = {"test": ("disclosures", "everyday"), "held": ("held_out",), **{f"f{k}": (f"fresh{k}",) for k in range(2, 15)},
        "fresh": ("fresh",)}


def sentences(names: list[str], limit: int | None, seed: int = 5) -> tuple[list[str], list[str]]:
    found, talk = [], []
    for name in names:
        if name == "talk":
            from tests.voice.speech import HELD_OUT_TALK, TABLE_TALK, TABLE_TALK_MORE
            talk += list(TABLE_TALK + TABLE_TALK_MORE + HELD_OUT_TALK)
            continue
        if name == "test":
            f, t = [s for _, s in fronts.disclosures()], [s for _, s in fronts.everyday()]
        elif name == "held":
            f, t = [s for _, s in fronts.held_out()[0]], [s for _, s in fronts.held_out()[1]]
        elif name == "fresh":
            f, t = [s for _, s in fronts.fresh()[0]], [s for _, s in fronts.fresh()[1]]
        else:
            f, t = [[s for _, s in part] for part in fronts.later_set(SETS[name][0])]
        if limit:
            rng = random.Random(seed)
            f, t = rng.sample(f, min(limit, len(f))), rng.sample(t, min(limit, len(t)))
        found += f
        talk += t
    return found, talk


def clips(texts: list[str], voice: str, cache: Path) -> list[Path]:
    if voice == "piper":
        return fronts.synth_piper(texts, cache / "piper")
    rate = dict(fronts.ESPEAK_VOICES).get(voice, 160)
    return [fronts.synth_espeak([t], cache / "espeak", voice, rate)[0] for t in texts]


class _Capture:
    """Stands in for the safety pass inside the recognizer: keeps the utterance audio it is given."""
    pcm: bytes | None = None

    def hear(self, pcm: bytes):
        self.pcm = pcm
        return None


def utterances(paths: list[Path], cache: Path) -> list[bytes]:
    """Each clip's audio as the recognizer hands it to the safety pass (cached by the clip's bytes)."""
    from local_voice.wavio import read_wav

    out, todo = [], {}
    folder = cache / "utt"
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        key = hashlib.sha1(path.read_bytes()).hexdigest()[:16]
        out.append(folder / f"{key}.raw")
        if not out[-1].exists():
            todo[path] = out[-1]
    if todo:  # recognize()'s own steps up to the safety pass, without the command decode
        os.environ["CLOSER_SAFETY_PASS"] = "0"
        from local_voice.recognition import open_recognizer
        from local_voice.recognition.base import speech_span
        from local_voice.recognition.commands import RATE

        recognizer = open_recognizer("pocketsphinx", None, fronts.TextFront().expect)
        for path, raw in todo.items():
            pcm = read_wav(path).pcm()
            pad = b"\0" * (int(0.5 * RATE) * 2)
            pcm = pad + pcm[: len(pcm) - len(pcm) % 2] + pad
            span = speech_span(pcm, window=recognizer.window) or (len(pad), len(pcm) - len(pad))
            margin = int(0.25 * RATE) * 2
            clip = recognizer._dithered(pcm[max(0, span[0] - margin): span[1] + margin])
            raw.write_bytes(recognizer._trim(clip))
    return [p.read_bytes() for p in out]


def model_folder(overrides: dict[str, str]) -> Path | None:
    from local_voice.recognition import safety_model

    model = {k: v for k, v in overrides.items() if not k.startswith(("pass.", "dec."))}
    if not model:
        return None
    for name, value in model.items():
        setattr(safety_model, name, type(getattr(safety_model, name))(value))
    return safety_model.compiled(Path(tempfile.gettempdir()) / "closer-safety-words")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default="en-us,en+f3,en-gb,piper")
    parser.add_argument("--sets", default="test")
    parser.add_argument("--found-only", action="store_true", help="disclosures only (a quick recall check)")
    parser.add_argument("--talk", action="store_true", help="also tests/voice's table talk")
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--words", action="store_true", help="print every decode of misses and alarms")
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE: a safety_model setting or pass.ATTR")
    parser.add_argument("--cache", default=str(ROOT / ".cache" / "bench-safety"))
    args = parser.parse_args(argv)
    cache = Path(args.cache)
    overrides = dict(s.split("=", 1) for s in args.set)
    found, talk = sentences([s for s in args.sets.split(",") if s], args.limit or None)
    if args.found_only:
        talk = []
    if args.talk:
        talk += sentences(["talk"], None)[1]
    from local_voice.recognition.safety_pass import SafetyPass, _catalog_matcher

    t = time.perf_counter()
    folder = model_folder(overrides)
    built = time.perf_counter() - t
    check = _catalog_matcher()
    decoded: list[str] = []

    def recording(text: str):
        decoded.append(text)
        return check(text)

    options = {k[4:]: float(v) if v.replace(".", "").replace("e-", "").isdigit() else v
               for k, v in overrides.items() if k.startswith("dec.")}
    safety = SafetyPass(folder=folder, matcher=recording, options=options)
    for key, value in overrides.items():
        if key.startswith("pass."):
            old = getattr(safety, key[5:])
            setattr(safety, key[5:], None if value.lower() == "none" else tuple(float(x) for x in value.split(","))
                    if isinstance(old, tuple) else float(value) if old is None else bool(int(value)) if isinstance(old, bool) else type(old)(value))
    print(f"safety pass {overrides or 'as compiled'} (noise floor {safety.noise_floor_db} dB; model built in {built:.1f} s); {len(found)} disclosures, "
          f"{len(talk)} everyday")
    for voice in [v for v in args.voices.split(",") if v]:
        texts = found + talk
        pcms = utterances(clips(texts, voice, cache), cache)
        hits, alarms, cpu = [], [], 0.0
        for k, (text, pcm) in enumerate(zip(texts, pcms)):
            decoded.clear()
            c = time.process_time()
            heard = safety.hear(pcm) is not None
            cpu += time.process_time() - c
            disclosure = k < len(found)
            (hits if disclosure else alarms).append(heard)
            if args.words and heard != disclosure:
                print(f"    {'MISS ' if disclosure else 'ALARM'} {text!r}: " + " | ".join(decoded))
        print(f"  {voice:<10} recall {sum(hits):>3}/{len(hits):<3}  false alarms {sum(alarms)}/{len(alarms)}"
              f"   CPU {cpu / max(1, len(texts)) * 1000:.0f} ms a clip", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
