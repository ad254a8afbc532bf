"""Trace the live loop's listener over one listening window of a kept kitchen evening.

    PYTHONPATH=. .venv/bin/python bench/loop_trace.py DIR [SECONDS ...]   (DIR from bench/kitchen_evening.py --keep)

Without SECONDS: every command the loop missed. For each, the listening window it fell in
(from the end of the reply before it, as the loop's microphone reopened, to the next reply)
is replayed block by block through a fresh `Listener` with that step's grammar, exactly as
`listen_once` feeds it (a listen always starts from `prepare`, so the replay is the loop's
own): every utterance end with the intent decoded, holds, commands waiting for the quiet
after them, cut-in and run-on verdicts, and the decision. Intents and times only, never words.
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

DRAIN = 0.15  # the virtual speaker's latency plus the loop's margin (StreamPlayer.drain)


def began(line: dict) -> float:
    """Where a reply started playing; lines from before `began` was written: about when the loop decided."""
    if "began" in line:
        return line["began"]
    from local_voice import voice_loop as VL

    return line["at"] + (VL.QUIET + VL.ALONE_AFTER + VL.BLOCK if line["kind"] == "reply" else 0.0)


def window(lines: list[dict], at: float) -> tuple[dict | None, float, float]:
    """The reply before `at`, where the microphone reopened after it, and where the next reply began."""
    before = [ln for ln in lines if began(ln) + ln["seconds"] <= at]
    after = [ln for ln in lines if began(ln) > at]
    step = before[-1] if before else None
    opened = (began(step) + step["seconds"] + DRAIN) if step else 0.0
    closes = began(after[0]) if after else at + 10.0
    return step, opened, closes


def trace(listener, recording, step: dict | None, opened: float, closes: float, show) -> None:
    from local_voice import voice_loop as VL
    from local_voice.voice_loop import _Usual

    usual = _Usual(step.get("expect") or [], step.get("listen") or "command", step.get("mode")) if step else \
        _Usual([], "command", "menu")
    listener.prepare(usual)
    live = listener.recognizer.live
    show(f"    mic opens at {opened:.2f} s, mode {usual.last['mode']}, {len(live)} intents live; next reply at {closes:.2f} s")
    at = [opened]
    orig_end, orig_hold, orig_settle, orig_run_on = listener._utterance_end, listener._hold, listener._settle, listener._run_on

    def utterance_end(pcm):
        result = orig_end(pcm)
        if result is not None:
            show(f"    {at[0]:8.2f} utterance ends: {result.intent} (gap before {listener._gap_before:.2f} s, "
                 f"cut-in {listener._cut_in}, pending {listener._pending and listener._pending.intent}, "
                 f"held {listener._held is not None})")
        return result

    def hold(result, resumed=False):
        show(f"    {at[0]:8.2f} hold ({result.intent}, resumed {resumed})")
        return orig_hold(result, resumed)

    def settle(result):
        if result is not None and result.intent and listener.alone_after:
            show(f"    {at[0]:8.2f} waits {listener.alone_after:.2f} s for quiet after {result.intent}")
        return orig_settle(result)

    def run_on(result):
        verdict = orig_run_on(result)
        if verdict:
            show(f"    {at[0]:8.2f} run-on: {result.intent} dropped (gap before {listener._gap_before:.2f} s)")
        return verdict

    listener._utterance_end, listener._hold, listener._settle, listener._run_on = utterance_end, hold, settle, run_on
    block = int(VL.BLOCK * 16000)
    try:
        while at[0] < closes + 0.5:
            pcm = recording.read(at[0], block)
            at[0] += VL.BLOCK
            result = listener.feed(pcm)
            if result is not None:
                show(f"    {at[0]:8.2f} DECIDED {result.intent}")
                if result.intent:
                    return
    finally:
        del listener._utterance_end, listener._hold, listener._settle, listener._run_on


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir")
    parser.add_argument("seconds", nargs="*", type=float)
    args = parser.parse_args()
    from local_voice import voice_loop as VL
    from local_voice.recording import Recording

    work = Path(args.dir)
    lines = [json.loads(ln) for ln in (work / "lines.jsonl").read_text().splitlines() if ln.strip()]
    said = json.loads((work / "said.json").read_text())
    commands = [Said(**c) for c in said["commands"]]
    listener = VL.Listener("pocketsphinx", None, None)
    recording = Recording(str(next(work.glob("*.wav"))))
    if args.seconds:
        targets = [(None, t) for t in args.seconds]
    else:
        targets = [(c, c.start) for c, _ in score(commands, lines)["missed"]]
    for c, t in targets:
        print(f"{t:8.2f} s" + (f" {c.intent} ({c.voice}), said {c.start:.2f}-{c.end:.2f}" if c else ""))
        step, opened, closes = window(lines, t)
        trace(listener, recording, step, opened, closes, print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
