"""Command recognition restricted to what can be said now (offline, no free speech transcribed).

- `commands`: the command set (catalog phrasings, slot values) and `Result`
- `endpoint`: one endpointer (voice activity start, quick level-based end)
- `base`: the streaming recognizer interface
- `grammar`, `lexicon`: compiling grammars and pronunciations (no decoding)
- `sphinx`, `vosk`: one backend per module; `choose`: which one to open
- `safety_model`, `safety_pass`: the safety pass, a second decode of every utterance that hears
  disclosures in people's own words (compiled model cached on disk; only the intent comes out)
"""

from .base import Recognizer
from .choose import open_recognizer
from .commands import (FIRST_NAME, NO_COMMAND, RATE, CommandSet, Phrase, RecognizerError, Result, build_commands,
                       exercise_names, load_first_names)
from .endpoint import BLOCK, QUIET, Quiet, Segmenter, speech_span
from .grammar import arpa, jsgf, sentences_for
from .lexicon import non_rhotic
from .sphinx import PocketsphinxRecognizer, warp
from .vosk import VoskRecognizer

__all__ = [
    "Recognizer", "open_recognizer", "FIRST_NAME", "NO_COMMAND", "RATE", "CommandSet", "Phrase", "RecognizerError",
    "Result", "build_commands", "exercise_names", "load_first_names", "BLOCK", "QUIET", "Quiet", "Segmenter",
    "speech_span", "arpa", "jsgf", "sentences_for", "non_rhotic", "PocketsphinxRecognizer", "warp", "VoskRecognizer",
]
