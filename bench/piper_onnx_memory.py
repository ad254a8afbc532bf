"""What a Piper voice rendered in-process (local_voice/piper_onnx.py) adds to a process's memory.

    .venv/bin/python bench/piper_onnx_memory.py longest LEVEL | bylength

Run by bench/tts.py in a fresh process each time, so that the high-water mark (VmHWM) is this
measurement's alone. It prints one JSON line: the resident set before the voice loads (Python,
numpy and closer's speech code, which `closer local` has anyway), the peak, and what is left
after, in MB. The Piper side's cost is peak - before: onnxruntime's library, the weights and one
render's activations.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local_voice.voice import Voice, fixed_lines  # noqa: E402

PLAIN_12 = "What is one thing your partner did this week that surprised you?"
SIXTEEN = "Tell each other about a moment this week when you felt close and what made it feel that way."


def status_mb(field: str) -> float:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+)", text).group(1)) / 1024.0


def words(text: str) -> int:
    return len(re.findall(r"[\w']+", text))


def longest(level: int, count: int = 6) -> dict:
    """The `count` longest fixed lines of prompts/ at a pace level, cut as `Voice` cuts them."""
    voice = Voice(cache=False)
    before = status_mb("VmRSS")
    settings = voice.settings_for(level)
    most = 0
    for text in sorted(fixed_lines(), key=words, reverse=True)[:count]:
        voice.render_text(text, settings)
        most = max(most, max(words(piece) for piece, _ in voice._pieces(text, False, settings["wpm"])))
    return {"before": before, "peak": status_mb("VmHWM"), "after": status_mb("VmRSS"), "words": most}


def by_length() -> dict:
    """The peak after rendering 4, 8, 12 and 16 words at once (one sentence each, calm pace)."""
    voice = Voice(cache=False)
    before = status_mb("VmRSS")
    speaker = voice.speaker(voice.wpm)
    twelve = PLAIN_12.rstrip("?").split()
    texts = {4: " ".join(twelve[:4]) + ".", 8: " ".join(twelve[:8]) + ".", 12: PLAIN_12, 16: SIXTEEN}
    speaker.render("Okay.")
    loaded = status_mb("VmHWM")
    peaks = {}
    for n, text in texts.items():
        speaker.render(text)
        peaks[n] = status_mb("VmHWM")
    return {"before": before, "loaded": loaded, "peaks": peaks, "after": status_mb("VmRSS")}


if __name__ == "__main__":
    if sys.argv[1:2] == ["longest"]:
        print(json.dumps(longest(int(sys.argv[2]))))
    else:
        print(json.dumps(by_length()))
