"""Replay conversation transcripts (tests/conversations/*.yaml) through any front end.

A transcript is data: a list of turns, each what the user does and what must be true of
the reply. The same transcript runs through every *driver*; a driver is a front end
seen from outside, with this small interface:

    driver.launch(now)        -> out      open a session (the greeting)
    driver.say(text, now)     -> out      one utterance; due timer cues are delivered first
    driver.tick(now)          -> out      time passes with nobody speaking
    driver.relaunch(now)      -> out      end this session, open a new one on the same storage
    driver.close()

`out` is a plain dict: say, reprompt, end, prompt, expect, listen, timer, intent (what the
text was heard as, or None) and ticked (what timer cues said before this reply, a list).

Drivers here: `EngineDriver` (the engine called directly, a Store on a tmp SQLite file,
a fixed clock and seed) and `TextDriver` (the real `closer local --text --jsonl` as a
subprocess). An Alexa driver (envelopes through the skill handler) or a voice-loop driver
(synthesized WAVs through the recognizer) only needs the same five methods.

Turn keys
---------
Input (at most one of say/event):
    say: <text>               what someone says (matched through the intent catalog)
    event: launch | tick | relaunch
    at: <seconds>             clock offset from the transcript's start (default: previous + 5)
    id: <label>               name this turn so later turns can refer to it (an index works too)

Expectations (everything else; an unknown key is an error, so typos cannot pass silently):
    heard: <Intent>           the text was matched to this intent
    end: bool
    listen: conversation | command | none
    prompt: <regex> | null    the content prompt id asked in this turn matches / is null
    prompt_changes: bool      a prompt is asked and it differs from the previous turn's (or not)
    prompt_same_as: <ref>     the same prompt id as that turn's
    prompt_differs_from: <ref>
    says_question: bool       the reply speaks the text of its own prompt id
    says_question_of: <ref>   the reply speaks the question that turn asked
    not_says_question_of: <ref>
    asks_no_question: true    no prompt id and no question text from the content at all
    say_contains: [..]        case-insensitive substrings
    say_not_contains: [..]
    say_matches: <regex>      (re.search, case-insensitive)
    say_differs_from: <ref>   the whole reply is not the same as that turn's
    say_excludes_say_of: <ref> the whole reply of that turn is not said again (nothing stale)
    say_max_words: <int>      a short reply
    say_empty: bool           default false: every turn must say something
    reprompt: bool            a reprompt is present (or absent)
    reprompt_contains: [..]
    mentions: [Intent, ..]    the reply names at least one catalog phrasing of each intent
    expect_includes: [..]     intents that make sense next
    expect_excludes: [..]
    timer: bool               a timed wait is running from this reply
    ticked_contains: [..]     timer cues delivered before this reply said these
    ticked_count: <int>
    says: [key, ..]           the reply says the prompts/system phrase of each key (any variant; {slots} match anything)
    not_says: [key, ..]       ... and not these
    mode: <mode>              the dialogue mode after the reply (menu, running, paused, confirm, safety, idle)
    timer_actions: [op, ..]   the ops of the reply's timer actions, in order ([] for none)
    pause_at_least: <s>       the reply holds a quiet pause of at least this many seconds
    card: bool | <text>       a card is shown (or not), or its text contains this
    slower_than: <ref>        spoken at a lower rate with longer pauses than that turn (pace_settings)
    faster_than: <ref>        ... a higher rate with shorter pauses

Every turn asserts something about what is said (one of the say_/says_/asks_/mentions/ticked_
keys), or gives `unchecked_speech: <reason>`; otherwise the transcript does not load.
A transcript's top-level `tz: <IANA name>` is the couple's time zone (default UTC).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
# 20:00 UTC on a Monday; a fixed clock keeps the time-of-day context and the dates stable.
T0 = 1_750_708_800.0
SEED = 12345
STEP_SECONDS = 5

INPUT_KEYS = {"say", "event", "at", "id", "note", "unchecked_speech"}
EXPECT_KEYS = {
    "heard", "end", "listen", "prompt", "prompt_changes", "prompt_same_as", "prompt_differs_from",
    "says_question", "says_question_of", "not_says_question_of", "asks_no_question", "say_contains",
    "say_not_contains", "say_matches", "say_differs_from", "say_empty", "reprompt", "reprompt_contains",
    "say_excludes_say_of", "say_max_words", "mentions", "expect_includes", "expect_excludes", "timer", "ticked_contains", "ticked_count",
    "mode", "timer_actions", "pause_at_least", "card", "says", "not_says", "slower_than", "faster_than",
}
# A turn must assert something about what is said (or say why not, with `unchecked_speech: <reason>`).
SPEECH_KEYS = {
    "says_question", "says_question_of", "not_says_question_of", "asks_no_question", "say_contains", "say_not_contains",
    "say_matches", "say_differs_from", "say_excludes_say_of", "say_max_words", "say_empty", "mentions",
    "ticked_contains", "says", "not_says",
}
OUT_FIELDS = ("say", "reprompt", "end", "mode", "prompt", "expect", "listen", "timer", "timer_actions", "pace_settings",
              "segments", "card")


def transcripts() -> list[Path]:
    return sorted(HERE.glob("*.yaml"))


def load_transcript(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("turns"), list) or not data["turns"]:
        raise ValueError(f"{path.name}: a transcript is a mapping with a non-empty `turns` list")
    for n, turn in enumerate(data["turns"]):
        if not isinstance(turn, dict):
            raise ValueError(f"{path.name}: turn {n} is not a mapping")
        unknown = set(turn) - INPUT_KEYS - EXPECT_KEYS
        if unknown:
            raise ValueError(f"{path.name}: turn {n}: unknown keys {sorted(unknown)}")
        if "say" in turn and "event" in turn:
            raise ValueError(f"{path.name}: turn {n}: both `say` and `event`")
        if "say" not in turn and turn.get("event") not in ("launch", "tick", "relaunch"):
            raise ValueError(f"{path.name}: turn {n}: needs `say` or `event: launch|tick|relaunch`")
        if not SPEECH_KEYS & set(turn) and not str(turn.get("unchecked_speech") or "").strip():
            raise ValueError(f"{path.name}: turn {n} ({turn.get('say') or turn.get('event')!r}) asserts nothing about "
                             "what is said; add a say_/says_ check, or `unchecked_speech: <why>`")
    unknown = set(data) - {"name", "about", "turns", "tz"}
    if unknown:
        raise ValueError(f"{path.name}: unknown transcript keys {sorted(unknown)}")
    if data["turns"][0].get("event") != "launch":
        raise ValueError(f"{path.name}: the first turn must be `event: launch`")
    return data


# -- drivers --------------------------------------------------------------------------------

def _normalize(out: dict, intent: str | None = None, ticked: list[str] | None = None) -> dict:
    record = {key: out.get(key) for key in OUT_FIELDS}
    record["say"] = record["say"] or ""
    record["expect"] = list(record["expect"] or [])
    record["intent"] = intent
    record["ticked"] = list(ticked or [])
    return record


class EngineDriver:
    """The engine called directly, as a front end would: catalog match, step, store effects."""

    name = "engine"

    def __init__(self, db_path: Path, seed: int = SEED):
        from skill.engine import load_engine
        from skill.store import Store

        self.engine = load_engine()
        self.catalog = self.engine.catalog
        self.db_path = db_path
        self.store = Store(db_path)
        self.household = "device:test"
        self.seed = seed
        self.state: dict | None = None

    tz: str | None = None  # the couple's time zone (a transcript's `tz`); None: UTC, as the text driver's machine

    def _step(self, event: dict) -> dict:
        memory = self.store.load(self.household)
        event = {"seed": self.seed, "locale": "en-US", "tz": self.tz or "UTC", **event}
        self.state, out = self.engine.step(self.state, event, memory)
        json.dumps(self.state)  # state must stay plain JSON at every step
        if out["effects"]:
            self.store.apply(self.household, out["effects"])
        return out

    def _due_ticks(self, now: float) -> list[dict]:
        from skill.engine.core import wake_at

        cues = []
        for _ in range(10):
            due = wake_at(self.state) if self.state else None
            if due is None or now < due:
                break
            out = self._step({"type": "tick", "now": now})
            if out["segments"]:
                cues.append(out)
        return cues

    def launch(self, now: float) -> dict:
        self.state = None
        return _normalize(self._step({"type": "launch", "now": now}))

    def say(self, text: str, now: float) -> dict:
        ticked = [c["say"] for c in self._due_ticks(now)]
        match = self.catalog.match(text)
        event = {"type": "intent", "now": now, "intent": match.intent if match else "AMAZON.FallbackIntent",
                 "slots": match.slots if match else {}}
        out = self._step(event)
        return _normalize(out, match.intent if match else None, ticked)

    def tick(self, now: float) -> dict:
        cues = self._due_ticks(now)
        if not cues:
            return _normalize({"say": ""})
        last = dict(cues[-1])
        last["say"] = " ".join(c["say"] for c in cues)
        return _normalize(last, None, [c["say"] for c in cues])

    def relaunch(self, now: float) -> dict:
        if self.state and self.state.get("mode") != "idle":
            self._step({"type": "session_end", "now": now})
        self.store.close()
        from skill.store import Store

        self.store = Store(self.db_path)
        return self.launch(now)

    def close(self) -> None:
        self.store.close()


class TextDriver:
    """The real text front end: `closer local --text --jsonl --db PATH` as a subprocess."""

    name = "text"
    TIMEOUT = 30

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.proc: subprocess.Popen | None = None
        self.exit_codes: list[int] = []

    def _command(self) -> list[str]:
        closer = Path(sys.executable).with_name("closer")
        if closer.exists():
            return [str(closer), "local", "--text", "--jsonl", "--db", str(self.db_path)]
        return [sys.executable, "-m", "skill.cli", "local", "--text", "--jsonl", "--db", str(self.db_path)]

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            raise AssertionError(f"the text front end printed nothing (exit {self.proc.poll()}): {err[-2000:]}")
        return json.loads(line)

    tz: str | None = None  # the couple's time zone, given to the process as TZ, as a machine would

    def launch(self, now: float) -> dict:
        env = dict(os.environ, PYTHONUNBUFFERED="1", TZ=self.tz or "UTC", CLOSER_NOW=repr(now))
        env.pop("CLOSER_DB", None)
        self.proc = subprocess.Popen(self._command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, cwd=str(REPO), env=env, bufsize=1)
        out = self._read()  # the greeting comes before any input is read
        return _normalize(out, out.get("intent"), out.get("ticked"))

    def _send(self, text: str, now: float) -> dict:
        if self.proc.poll() is not None:
            raise AssertionError(f"the text front end already exited with {self.proc.returncode}")
        self.proc.stdin.write(json.dumps({"text": text, "now": now}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def say(self, text: str, now: float) -> dict:
        out = self._send(text, now)
        return _normalize(out, out.get("intent"), out.get("ticked"))

    def tick(self, now: float) -> dict:
        # A tick-only line: every cue due by then, as one record (their words joined, as the engine driver).
        if self.proc.poll() is not None:
            raise AssertionError(f"the text front end already exited with {self.proc.returncode}")
        self.proc.stdin.write(json.dumps({"tick": True, "now": now}) + "\n")
        self.proc.stdin.flush()
        out = self._read()
        return _normalize(out, None, out.get("ticked"))

    def _finish(self) -> None:
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            self.proc.stdout.read()
            code = self.proc.wait(timeout=self.TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("the text front end did not exit at end of input")
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()
        self.exit_codes.append(code)
        self.proc = None

    def relaunch(self, now: float) -> dict:
        self._finish()
        return self.launch(now)

    def close(self) -> None:
        self._finish()
        bad = [c for c in self.exit_codes if c != 0]
        assert not bad, f"the text front end exited with {bad}"


DRIVERS = {"engine": EngineDriver, "text": TextDriver}


# -- checking ---------------------------------------------------------------------------------

class Knowledge:
    """What the checks may look up: question texts and catalog phrasings, never hard-coded."""

    def __init__(self):
        from skill.engine import load_engine

        engine = load_engine()
        self.questions = {qid: q.text for qid, q in engine.content.questions.items()}
        self.phrases = engine.content.phrases["en-US"]
        self.catalog = engine.catalog

    def question(self, prompt_id: str) -> str:
        assert prompt_id in self.questions, f"prompt id {prompt_id!r} is not a question in prompts/"
        return self.questions[prompt_id]

    def phrase(self, key: str) -> list[re.Pattern]:
        """Patterns for every variant of a system phrase: its words, each {slot} matching anything."""
        variants = self.phrases.get(key)
        assert variants, f"no phrase {key!r} in prompts/system"
        patterns = []
        for variant in variants:
            pieces = re.split(r"\{\w+\}", _low(variant))
            patterns.append(re.compile(".+?".join(re.escape(p) for p in pieces), re.I))
        return patterns

    def says(self, key: str, said: str) -> bool:
        return any(p.search(said) for p in self.phrase(key))

    def phrasings(self, intent: str) -> list[str]:
        return [p for p in self.catalog.by_name[intent].phrases if "{" not in p]


def _low(text: str | None) -> str:
    return " ".join((text or "").lower().replace("\u2019", "'").split())


def check_turn(n: int, turn: dict, out: dict, outs: list[dict], labels: dict, know: Knowledge) -> list[str]:
    """Every expectation of one turn; returns the failures (empty when the turn is as expected)."""
    problems: list[str] = []
    say = _low(out["say"])

    def ref(value) -> dict:
        index = labels[value] if isinstance(value, str) else int(value)
        if not 0 <= index < n:
            raise ValueError(f"turn {n} refers to turn {value!r}, which is not an earlier turn")
        return outs[index]

    def fail(message: str) -> None:
        problems.append(message)

    if turn.get("say_empty", False):
        if say:
            fail(f"expected silence, got {out['say']!r}")
    elif not say:
        fail("the reply is empty")
    if "heard" in turn and out["intent"] != turn["heard"]:
        fail(f"heard as {out['intent']!r}, expected {turn['heard']!r}")
    if "end" in turn and bool(out["end"]) != turn["end"]:
        fail(f"end is {out['end']!r}, expected {turn['end']!r}")
    if "listen" in turn and out["listen"] != turn["listen"]:
        fail(f"listen is {out['listen']!r}, expected {turn['listen']!r}")
    if "prompt" in turn:
        want = turn["prompt"]
        if want is None:
            if out["prompt"] is not None:
                fail(f"prompt is {out['prompt']!r}, expected none")
        elif out["prompt"] is None or not re.search(want, out["prompt"]):
            fail(f"prompt {out['prompt']!r} does not match {want!r}")
    if "prompt_changes" in turn:
        before = outs[n - 1]["prompt"] if n else None
        changed = out["prompt"] is not None and out["prompt"] != before
        if changed != turn["prompt_changes"]:
            fail(f"prompt went {before!r} -> {out['prompt']!r}; expected changes={turn['prompt_changes']}")
    if "prompt_same_as" in turn:
        other = ref(turn["prompt_same_as"])["prompt"]
        if other is None or out["prompt"] != other:
            fail(f"prompt {out['prompt']!r} is not turn {turn['prompt_same_as']!r}'s {other!r}")
    if "prompt_differs_from" in turn:
        other = ref(turn["prompt_differs_from"])["prompt"]
        if out["prompt"] is None or out["prompt"] == other:
            fail(f"prompt {out['prompt']!r} should be a different question from {other!r}")
    if turn.get("says_question") is not None:
        spoken = out["prompt"] is not None and _low(know.question(out["prompt"])) in say
        if spoken != turn["says_question"]:
            fail(f"says_question is {spoken} (prompt {out['prompt']!r}), expected {turn['says_question']}")
    if "says_question_of" in turn:
        other = ref(turn["says_question_of"])["prompt"]
        if other is None:
            fail(f"turn {turn['says_question_of']!r} asked no question")
        elif _low(know.question(other)) not in say:
            fail(f"the question of turn {turn['says_question_of']!r} ({other}) is not spoken")
    if "not_says_question_of" in turn:
        other = ref(turn["not_says_question_of"])["prompt"]
        if other is not None and _low(know.question(other)) in say:
            fail(f"the question of turn {turn['not_says_question_of']!r} ({other}) is spoken again")
    if turn.get("asks_no_question"):
        if out["prompt"] is not None:
            fail(f"a prompt was asked: {out['prompt']!r}")
        asked = [qid for qid, text in know.questions.items() if _low(text) in say]
        if asked:
            fail(f"content questions were spoken: {asked}")
    for key in turn.get("says") or []:
        if not know.says(key, say):
            fail(f"say lacks the phrase {key!r}")
    for key in turn.get("not_says") or []:
        if know.says(key, say):
            fail(f"say has the phrase {key!r}")
    for piece in turn.get("say_contains") or []:
        if _low(piece) not in say:
            fail(f"say lacks {piece!r}")
    for piece in turn.get("say_not_contains") or []:
        if _low(piece) in say:
            fail(f"say contains {piece!r}")
    if "say_matches" in turn and not re.search(turn["say_matches"], out["say"], re.I):
        fail(f"say does not match {turn['say_matches']!r}")
    if "say_differs_from" in turn and say == _low(ref(turn["say_differs_from"])["say"]):
        fail(f"say is the same as turn {turn['say_differs_from']!r}'s")
    if "say_excludes_say_of" in turn:
        other = _low(ref(turn["say_excludes_say_of"])["say"])
        if other and other in say:
            fail(f"turn {turn['say_excludes_say_of']!r}'s reply is said again: {other!r}")
    if "say_max_words" in turn and len(say.split()) > turn["say_max_words"]:
        fail(f"{len(say.split())} words, expected at most {turn['say_max_words']}")
    if "reprompt" in turn and bool(out["reprompt"]) != turn["reprompt"]:
        fail(f"reprompt is {out['reprompt']!r}, expected present={turn['reprompt']}")
    for piece in turn.get("reprompt_contains") or []:
        if _low(piece) not in _low(out["reprompt"]):
            fail(f"reprompt lacks {piece!r}")
    for intent in turn.get("mentions") or []:
        if not any(re.search(r"\b" + re.escape(p) + r"\b", say) for p in know.phrasings(intent)):
            fail(f"say names no phrasing of {intent}")
    for intent in turn.get("expect_includes") or []:
        if intent not in out["expect"]:
            fail(f"{intent} is not among the expected intents")
    for intent in turn.get("expect_excludes") or []:
        if intent in out["expect"]:
            fail(f"{intent} should not be expected here")
    if "mode" in turn and out.get("mode") != turn["mode"]:
        fail(f"mode is {out.get('mode')!r}, expected {turn['mode']!r}")
    if "timer_actions" in turn:
        ops = [a.get("op") for a in out.get("timer_actions") or []]
        if ops != list(turn["timer_actions"]):
            fail(f"timer actions {ops}, expected {turn['timer_actions']}")
    if "pause_at_least" in turn:
        longest = max([s.get("seconds", 0) for s in out.get("segments") or [] if s.get("type") == "pause"] or [0])
        if longest < float(turn["pause_at_least"]):
            fail(f"the longest pause is {longest} s, expected at least {turn['pause_at_least']} s")
    for key, sign in (("slower_than", -1), ("faster_than", 1)):
        if key in turn:
            mine, theirs = out.get("pace_settings") or {}, ref(turn[key]).get("pace_settings") or {}
            quicker = mine.get("wpm", 0) > theirs.get("wpm", 0) and mine.get("pause_scale", 0) < theirs.get("pause_scale", 0)
            slower = mine.get("wpm", 0) < theirs.get("wpm", 0) and mine.get("pause_scale", 0) > theirs.get("pause_scale", 0)
            if not (quicker if sign > 0 else slower):
                fail(f"pace {mine} is not {key.replace('_', ' ')} turn {turn[key]!r}'s {theirs}")
    if "card" in turn:
        card = out.get("card")
        want = turn["card"]
        if isinstance(want, bool):
            if bool(card) != want:
                fail(f"card is {card!r}, expected present={want}")
        elif not card or _low(want) not in _low(card.get("text")):
            fail(f"card {card!r} lacks {want!r}")
    if "timer" in turn and bool(out["timer"]) != turn["timer"]:
        fail(f"timer is {out['timer']!r}, expected running={turn['timer']}")
    ticked = _low(" ".join(out["ticked"]))
    for piece in turn.get("ticked_contains") or []:
        if _low(piece) not in ticked:
            fail(f"timer cues {out['ticked']!r} lack {piece!r}")
    if "ticked_count" in turn and len(out["ticked"]) != turn["ticked_count"]:
        fail(f"{len(out['ticked'])} timer cues, expected {turn['ticked_count']}")
    return problems


def replay(transcript: dict, driver, know: Knowledge | None = None, on_turn=None) -> list[dict]:
    """Run a transcript through a driver; raises AssertionError listing every failed turn."""
    know = know or Knowledge()
    driver.tz = transcript.get("tz")
    labels: dict[str, int] = {}
    outs: list[dict] = []
    report: list[str] = []
    clock = 0.0
    ended = False
    try:
        for n, turn in enumerate(transcript["turns"]):
            clock = float(turn["at"]) if "at" in turn else (clock + STEP_SECONDS if n else 0.0)
            now = T0 + clock
            if "id" in turn:
                labels[str(turn["id"])] = n
            event = turn.get("event")
            if ended and event == "tick":
                raise ValueError(f"turn {n}: the session already ended; nothing ticks while idle")
            if event == "launch":
                out = driver.launch(now)
            elif event == "relaunch":
                out = driver.relaunch(now)
            elif event == "tick":
                out = driver.tick(now)
            else:
                out = driver.say(str(turn["say"]), now)
            ended = bool(out["end"])
            outs.append(out)
            if on_turn:
                on_turn(n, turn, out)
            for problem in check_turn(n, turn, out, outs, labels, know):
                what = turn.get("say") or turn.get("event")
                report.append(f"turn {n} ({what!r}): {problem}\n    reply: {out['say'][:400]!r}")
    finally:
        driver.close()
    if report:
        raise AssertionError(f"{transcript.get('name', '?')} via {driver.name}:\n" + "\n".join(report))
    return outs


def main(argv: list[str] | None = None) -> int:
    """`python tests/conversations/replay.py [--driver text] [FILE...]`: replay and print every turn."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("files", nargs="*")
    parser.add_argument("--driver", choices=sorted(DRIVERS), default="engine")
    parser.add_argument("--show", action="store_true", help="print every reply")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    status = 0
    for path in [Path(f) for f in args.files] or transcripts():
        data = load_transcript(path)
        with tempfile.TemporaryDirectory() as tmp:
            driver = DRIVERS[args.driver](Path(tmp) / "closer.db")
            started = time.perf_counter()
            try:
                show = None
                if args.show:
                    def show(n, turn, out):
                        print(f"  [{n}] {turn.get('say') or turn.get('event')!r} -> {out['intent']} "
                              f"prompt={out['prompt']} end={out['end']} listen={out['listen']} timer={bool(out['timer'])}"
                              f"\n      ticked={out['ticked']}\n      {out['say']}")
                replay(data, driver, on_turn=show)
                print(f"ok    {path.name} ({time.perf_counter() - started:.2f}s)")
            except AssertionError as err:
                status = 1
                print(f"FAIL  {path.name}\n{err}")
    return status


if __name__ == "__main__":
    sys.exit(main())
