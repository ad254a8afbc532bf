"""Why the live loop missed a command or answered talk, for a kitchen evening kept with --keep.

    PYTHONPATH=. .venv/bin/python bench/evening_causes.py DIR      (DIR from bench/kitchen_evening.py --keep DIR)

Every missed command and every reply to table talk or noise is put down to one cause:
- cascade: an earlier miss left the loop at a step where this command means nothing (shown:
  how the clip alone is heard with every command live);
- recording: the command began while the reply before it was still playing (the microphone is
  closed then; a couple would have waited);
- loop, timing: it began under a reprompt or a cue the loop chose to say just then;
- loop: the recognizer alone, given the clip and the step's grammar, hears it as meant, so the
  loop lost it (endpointing, the hold, the cut-in rule, the grammar of the wrong step);
- recognition: the recognizer alone mishears the clip (shown: as what intent and catalog
  phrasing; free speech is never transcribed), or decodes talk or noise as a command.
Figures come from one run; the classification re-decodes clips with the same recognizer and
grammar the loop had at that step, a second opinion, not the loop's own trace.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from voice_loop.kitchen import Said  # noqa: E402
from voice_loop.kitchen_evening import score  # noqa: E402

MARGIN = 0.3  # seconds of room either side of a clip, as the endpointer would have it


def step_before(lines: list[dict], at: float) -> dict | None:
    """The reply last played before `at`: its step is the grammar the loop listened with."""
    before = [line for line in lines if line["at"] + line["seconds"] <= at]
    return before[-1] if before else None


def playing_at(lines: list[dict], at: float) -> dict | None:
    return next((line for line in lines if line["at"] < at < line["at"] + line["seconds"]), None)


class Decoder:
    def __init__(self, wav: Path):
        from local_voice import voice_loop as VL
        from local_voice.recording import Recording

        self.VL = VL
        self.listener = VL.Listener("pocketsphinx", None, None)
        self.recording = Recording(str(wav))

    def live(self, step: dict | None) -> list[str]:
        """The intents the loop listened for after this reply (every command when `step` is None)."""
        from local_voice.voice_loop import _Usual

        if step is None:
            return [n for n in self.listener.all_intents]
        usual = _Usual(step.get("expect") or [], step.get("listen") or "command", step.get("mode"))
        return self.listener.live_for(usual)

    def __call__(self, start: float, end: float, step: dict | None):
        self.listener.recognizer.set_expect(self.live(step))
        start = max(0.0, start - MARGIN)
        pcm = self.recording.read(start, int((end + MARGIN - start) * 16000))
        return self.listener.recognize(pcm)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir")
    args = parser.parse_args()
    work = Path(args.dir)
    lines = [json.loads(line) for line in (work / "lines.jsonl").read_text().splitlines() if line.strip()]
    said = json.loads((work / "said.json").read_text())
    commands = [Said(**c) for c in said["commands"]]
    talk = said["talk"]
    wav = next(work.glob("*.wav"))
    decode = Decoder(wav)
    result = score(commands, lines)
    print(f"{len(commands)} commands, {result['meant']} answered as meant; {len(result['stray'])} replies to talk or noise")
    causes: dict[str, int] = {}
    meant = [c for c in commands if all(c is not m for m, _ in result["missed"])]

    def note(cause: str, text: str) -> None:
        causes[cause] = causes.get(cause, 0) + 1
        print(f"  [{cause}] {text}")

    for c, heard in result["missed"]:
        what = f"{c.start:7.1f} s {c.text!r} ({c.voice}) meant {c.intent}, the loop answered {heard}"
        covering = playing_at(lines, c.start)
        if covering is not None and covering["kind"] == "reply" and not any(
                m.start - 0.5 <= covering["at"] <= m.end + 3.0 and covering["heard"] == m.intent for m in meant):
            note("cascade", f"{what}: said while a reply to an earlier miss or to talk (at {covering['at']:.1f} s) played")
            continue
        if covering is not None and covering["kind"] in ("reply", "launch", "repeat"):
            note("recording", f"{what}: said while the {covering['kind']} at {covering['at']:.1f} s still played")
            continue
        if covering is not None:
            note("loop, timing", f"{what}: said under a {covering['kind']} the loop began at {covering['at']:.1f} s")
            continue
        step = step_before(lines, c.start)
        if c.intent not in decode.live(step):
            every = decode(c.start, c.end, None)
            note("cascade", f"{what}: not live in mode {step and step.get('mode')} (an earlier miss); with every "
                            f"command live, alone it is heard as {every.intent} ({every.text!r})")
            continue
        alone = decode(c.start, c.end, step)
        if alone.intent == c.intent:
            note("loop", f"{what}: alone, with the step's grammar ({step and step.get('mode')}), it is heard as meant")
        else:
            note("recognition", f"{what}: alone, heard as {alone.intent} ({alone.text!r}) in mode {step and step.get('mode')}")
    for line in result["stray"]:
        near = [t for t in talk if t[0] - 0.5 <= line["at"] <= t[1] + 1.5]
        clip = near[-1] if near else None
        if clip is None:
            note("recognition", f"{line['at']:7.1f} s reply {line['heard']} to noise (dishes, the tap or the room)")
            continue
        alone = decode(clip[0], clip[1], step_before(lines, clip[0]))
        who = f"{clip[2]!r} ({clip[3]})"
        if alone.intent == line["heard"]:
            note("recognition", f"{line['at']:7.1f} s talk {who} decoded as {alone.intent} ({alone.text!r})")
        else:
            note("loop", f"{line['at']:7.1f} s reply {line['heard']} near talk {who}, which alone is heard as {alone.intent}")
    print("causes: " + (", ".join(f"{k} {v}" for k, v in sorted(causes.items())) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
