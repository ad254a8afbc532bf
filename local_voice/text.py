"""The text front end: `closer local --text` for people, `--jsonl` for programs."""

from __future__ import annotations

import json
import os
import select
import sys
import textwrap

from .companion import Companion

TURN_FIELDS = ("say", "reprompt", "end", "mode", "prompt", "expect", "listen", "pace", "pace_settings", "segments",
               "timer", "timer_actions")


def turn_json(out: dict, heard: dict | None = None, ticked: list[dict] | None = None) -> str:
    record = {key: out.get(key) for key in TURN_FIELDS}
    record["intent"] = heard["intent"] if heard else None
    if ticked:
        record["ticked"] = [t["say"] for t in ticked]
    return json.dumps(record, ensure_ascii=False)


def _parse_line(line: str) -> tuple[str | None, float | None]:
    """A line is what someone would say; a JSON object may also carry a clock, {"text": ..., "now": ...},
    or be {"tick": true, "now": ...}: time passing with nobody speaking (text is then None)."""
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
            now = float(data["now"]) if "now" in data else None
            if data.get("tick"):
                return None, now
            return str(data.get("text", "")), now
        except (ValueError, TypeError, KeyError, AttributeError):
            pass
    return stripped, None


def _silence(companion: Companion) -> dict:
    """The record for a tick when no cue was due: nothing said, nothing changed."""
    last = companion.last or {}
    return {"say": "", "reprompt": last.get("reprompt"), "end": False, "mode": companion.mode, "prompt": None,
            "expect": companion.expect_now, "listen": last.get("listen"), "pace": last.get("pace"),
            "pace_settings": last.get("pace_settings"), "segments": [], "timer": None, "timer_actions": []}


def _due_cues(companion: Companion, now: float | None) -> tuple[dict, list[dict]]:
    """Every timer cue due by `now` as one record (a warning and the end may both be due), or silence."""
    cues = []
    while (cue := companion.tick(now)) is not None:
        cues.append(cue)
    if not cues:
        return _silence(companion), []
    record = dict(cues[-1])
    record["say"] = " ".join(c["say"] for c in cues)
    record["segments"] = [seg for c in cues for seg in c["segments"]]
    return record, cues


def run_jsonl(companion: Companion, stdin=sys.stdin, stdout=sys.stdout) -> int:
    """Greeting first, then exactly one JSON object per input line; EOF ends with status 0.

    A session that ends ("stop", "good night") leaves the companion idle, as a device would be:
    a later "start a check in" starts one. Only the end of input ends the process.
    CLOSER_NOW (epoch seconds), when set, is the time of the greeting: lines carry their own "now",
    and a replayed conversation then runs on one clock from its first word."""
    start = os.environ.get("CLOSER_NOW")
    try:
        out = companion.launch(float(start) if start else None)
    except ValueError:
        out = companion.launch()
    print(turn_json(out), file=stdout, flush=True)
    for line in stdin:
        said, now = _parse_line(line)
        if said is None:
            record, cues = _due_cues(companion, now)
            print(turn_json(record, None, cues), file=stdout, flush=True)
            continue
        ticked = []
        while True:
            cue = companion.tick(now)
            if cue is None:
                break
            ticked.append(cue)
        out, heard = companion.text(said, now=now)
        print(turn_json(out, heard, ticked), file=stdout, flush=True)
    companion.end()
    return 0


def _show(out: dict, stdout) -> None:
    for segment in out["segments"]:
        if segment["type"] == "chime":
            print("  (chime)", file=stdout)
        elif segment["type"] == "wait":
            print(f"  (timer: {segment['seconds']} seconds)", file=stdout)
    wrapped = textwrap.fill(out["say"], width=78, initial_indent="Closer: ", subsequent_indent="        ")
    print(wrapped, file=stdout, flush=True)


def run_console(companion: Companion, stdin=sys.stdin, stdout=sys.stdout) -> int:
    """Type what you would say; timer cues arrive while you think."""
    print("Closer Together, text console. Type what you would say; 'help' lists commands, Ctrl-D quits.", file=stdout)
    _show(companion.launch(), stdout)
    interactive = stdin.isatty()
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        while interactive:
            due = companion.wake_at
            timeout = None if due is None else max(0.0, due - companion.clock())
            ready, _, _ = select.select([stdin], [], [], timeout)
            if ready:
                break
            cue = companion.tick()
            if cue:
                print(file=stdout)
                _show(cue, stdout)
                print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        if not line.strip():
            continue
        out, _ = companion.text(line)
        _show(out, stdout)
        if out["end"]:
            break
    companion.end()
    return 0
