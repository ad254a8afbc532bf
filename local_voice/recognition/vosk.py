"""The Vosk backend: a phrase-list grammar plus "[unk]"; anything decoded as "[unk]", outside
the phrase table, or below a word-confidence threshold gives no intent. Switches grammar
with SetGrammar, without reloading the model."""

from __future__ import annotations

import json
from pathlib import Path

from .base import Recognizer
from .commands import RATE, SLOT, CommandSet, RecognizerError


class VoskRecognizer(Recognizer):
    """Vosk with a phrase-list grammar and "[unk]"; switches grammar with SetGrammar, no model reload."""

    backend = "vosk"

    def __init__(self, commands: CommandSet, model_path: str | Path, expect: list[str] | None = None,
                 min_confidence: float = 0.6, model=None, **kwargs):
        try:
            import vosk
        except ImportError:
            raise RecognizerError("vosk is not installed (pip install vosk)") from None
        vosk.SetLogLevel(-1)
        if model is None:
            path = Path(model_path)
            if not (path / "am").is_dir() and not (path / "final.mdl").exists():
                raise RecognizerError(f"{path} is not a Vosk model directory (no am/ inside)")
            try:
                model = vosk.Model(str(path))
            except Exception as exc:  # vosk raises a bare Exception
                raise RecognizerError(f"Vosk could not load the model in {path} ({exc})") from None
        self.model = model
        self.min_confidence = min_confidence
        self._rec = None
        self._vosk = vosk
        known = lambda w: model.vosk_model_find_word(w) >= 0  # noqa: E731
        super().__init__(commands.restrict(known), expect, **kwargs)

    def grammar_phrases(self, live: list[str]) -> list[str]:
        """The phrase list for Vosk: every live phrase expanded (from templates: a spread of each), slot
        phrases too big to expand as fragments, and the skip words."""
        out: list[str] = []
        for name in live:
            for phrase in self.commands.phrases.get(name, []):
                expanded = self.commands.expansions(phrase)
                if expanded is not None:
                    out.extend(text for text, _ in expanded)
                    continue
                # Too many combinations (names): give the words between slots and the slot values as
                # separate phrases; Vosk's grammar lets phrases follow one another, and `lookup`
                # accepts only a full, valid phrase afterwards.
                chunk: list[str] = []
                for w in phrase.words:
                    m = SLOT.fullmatch(w)
                    if m:
                        if chunk:
                            out.append(" ".join(chunk))
                        chunk = []
                        out.extend(self.commands.slot_values(phrase, m.group(1)))
                    else:
                        chunk.append(w)
                if chunk:
                    out.append(" ".join(chunk))
        if self.commands.templates is not None and out:
            # Skip words as phrases of their own: Vosk's grammar lets phrases follow one another
            # ("okay" "next question" "please"), and `lookup` (the template matcher) allows them.
            known = self.commands.known or (lambda word: True)
            out.extend(s for s in self.commands.templates.skip_words if all(known(w) for w in s.split()))
        out = list(dict.fromkeys(out))
        if not out:
            raise RecognizerError("no phrases to listen for at this step")
        return out + ["[unk]"]

    def _compile(self, live: list[str]):
        grammar = json.dumps(self.grammar_phrases(live), ensure_ascii=False)
        if self._rec is None:
            self._rec = self._vosk.KaldiRecognizer(self.model, float(RATE), grammar)
            self._rec.SetWords(True)
        else:
            self._rec.SetGrammar(grammar)
        return tuple(live)

    def _begin(self) -> None:
        self._rec.Reset()

    def _feed(self, pcm: bytes) -> None:
        self._rec.AcceptWaveform(pcm)

    def _end(self) -> tuple[str | None, float]:
        out = json.loads(self._rec.FinalResult())
        words = out.get("result") or []
        text = out.get("text", "")
        if not text or "[unk]" in text.split():
            return None, 0.0
        confidence = min((float(w.get("conf", 0.0)) for w in words), default=0.0)
        if confidence < self.min_confidence:
            return None, confidence
        return text, confidence
