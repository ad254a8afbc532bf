"""`closer recognize FILE... [--stt vosk|pocketsphinx] [--model PATH] [--expect INTENTS]`.

Prints one JSON object per file, in order: text, intent (null when no command was
said), slots, confidence; or {"file", "error"} for a file that cannot be read, and then
exits with status 2. Never prints what was said unless it was a command phrase.
"""

from __future__ import annotations

import json
import sys

from local_voice.recognition import RecognizerError, open_recognizer
from local_voice.wavio import WavError, read_wav


def run(args) -> int:
    expect = [n.strip() for n in args.expect.split(",") if n.strip()] if getattr(args, "expect", None) else None
    try:
        recognizer = open_recognizer(getattr(args, "stt", None), getattr(args, "model", None), expect,
                                     say=lambda message: print(message, file=sys.stderr))
    except RecognizerError as exc:
        print(f"closer recognize: {exc}", file=sys.stderr)
        return 1
    status = 0
    for path in args.files:
        try:
            audio = read_wav(path)
        except WavError as exc:
            print(json.dumps({"file": path, "error": str(exc)}), flush=True)
            status = 2
            continue
        try:
            result = recognizer.recognize(audio.pcm())
        except Exception as exc:  # a decoder failure on one file must not lose the others' results
            print(json.dumps({"file": path, "error": f"could not decode the audio ({type(exc).__name__})"}), flush=True)
            status = 2
            continue
        print(json.dumps({"file": path, **result.as_dict()}), flush=True)
    return status
