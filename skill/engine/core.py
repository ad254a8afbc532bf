"""The dialogue engine: `(state, event, memory) -> (state, output)`, with no I/O at all.

state  plain JSON kept by the front end for the session (Alexa session attributes,
       or a variable in the local loop); None starts a new session.
event  {"type": "launch" | "intent" | "tick" | "session_end", "intent": name,
        "slots": {...}, "now": epoch seconds, "context": "dinner" | ..., "seed": int}
memory the household document (see memory.py), read-only here: every change is
       returned as an effect in output["effects"] for the front end's store to apply.
"""

from __future__ import annotations

import difflib
import json
import random

from . import activity as act
from .memory import apply_effect, new_memory
from .output import Reply
from .select import CHECKIN_LENGTH, draw
from .words import Phrases, duration, fill, number, ordinal, partner_names

STATE_VERSION = 1
ALWAYS = ["AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "SafetyIntent"]
MENU = ["StartCheckInIntent", "StartExerciseIntent", "ListExercisesIntent", "AMAZON.YesIntent",
        "AMAZON.NoIntent", "SetNamesIntent", "ProgressIntent", "DeeperIntent", "LighterIntent",
        "SlowerIntent", "FasterIntent", "SwitchFirstIntent", "ForgetDataIntent",
        "AMAZON.RepeatIntent", "AMAZON.ResumeIntent", "AMAZON.NextIntent", "AMAZON.StartOverIntent"] + ALWAYS
RUN = ["DoneIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.RepeatIntent",
       "AMAZON.PauseIntent", "AMAZON.StartOverIntent", "DeeperIntent", "LighterIntent", "SlowerIntent",
       "FasterIntent", "SwitchFirstIntent", "SaveQuestionIntent", "SetNamesIntent",
       "ProgressIntent", "ForgetDataIntent", "StartCheckInIntent", "StartExerciseIntent"] + ALWAYS
PAUSED = ["AMAZON.ResumeIntent", "AMAZON.RepeatIntent", "AMAZON.NextIntent", "DoneIntent",
          "SlowerIntent", "FasterIntent", "TimeLeftIntent"] + ALWAYS
CONFIRM = ["AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.RepeatIntent", "AMAZON.ResumeIntent"] + ALWAYS
SAFETY = ["AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.RepeatIntent"] + ALWAYS


_EMPTY = new_memory()
# Which container of the memory each effect changes in place (the others replace values).
_EFFECT_KEYS = {"prefs": "prefs", "used": "used", "reset_used": "used", "finished": "history", "saved": "saved"}
NOT_REMEMBERED = {"AMAZON.RepeatIntent", "TimeLeftIntent", "SlowerIntent", "FasterIntent", "SaveQuestionIntent",
                  "AMAZON.FallbackIntent"}
SAFE_ALLOWED = {"SafetyIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
                "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.RepeatIntent", "SlowerIntent", "FasterIntent",
                "ForgetDataIntent", "SetNamesIntent", "AMAZON.FallbackIntent"}


def json_copy(value):
    """Copy plain JSON data (several times faster than copy.deepcopy)."""
    return json.loads(json.dumps(value))


def new_state(now: float, seed: int = 0) -> dict:
    return {"v": STATE_VERSION, "mode": "menu", "run": None, "paused": False, "last": None,
            "safe_only": False, "n": 0, "seed": int(seed), "started": now, "context": "any", "back": None}


class Turn:
    """One step of the dialogue: the state being changed, the reply being built."""

    def __init__(self, engine: "Engine", state: dict, event: dict, memory: dict):
        self.engine = engine
        self.content = engine.content
        self.state = state
        self.event = event
        self.now = float(event.get("now") or 0.0)
        self._mem_src = memory or None
        self._mem = None
        self.reply = Reply()
        self.asked_first = False  # set for intents: the last reply asked "would you like to start?"
        self.list_at = 0
        # Deterministic per (seed, turn number, household counter); an integer seeds fastest.
        self.rng = random.Random((int(state["seed"]) * 1_000_003 + int(state["n"])) * 1_000_003
                                 + int(self.mem.get("counter", 0)))
        locale = event.get("locale") or "en-US"
        table = self.content.phrases.get(locale) or self.content.phrases["en-US"]
        self.phrases = Phrases(table)
        self.safety = self.content.safety.get(locale) or self.content.safety["en-US"]

    # -- small helpers -------------------------------------------------------------
    @property
    def mem(self) -> dict:
        """Household memory as changed by this turn's effects (copied only when first changed)."""
        return self._mem if self._mem is not None else (self._mem_src or _EMPTY)

    def p(self, key: str, **values) -> str:
        return self.phrases.get(key, self.rng, **values)

    def say(self, key: str, **values) -> None:
        self.reply.text(self.p(key, **values))

    def effect(self, op: str, **fields) -> None:
        self.reply.effect(op, **fields)
        if self._mem is None:
            # Copy on write: the top level now, each container only when an effect changes it.
            self._mem = dict(self._mem_src) if self._mem_src else new_memory()
            self._copied: set[str] = set()
        key = _EFFECT_KEYS.get(op)
        if key and key not in self._copied and isinstance(self._mem.get(key), (dict, list)):
            self._mem[key] = type(self._mem[key])(self._mem[key])
            self._copied.add(key)
        apply_effect(self._mem, {"op": op, **fields})

    @property
    def run(self) -> dict | None:
        return self.state.get("run")

    @property
    def names(self):
        return self.mem.get("names")

    def pair(self) -> str:
        names = self.names
        return f"{names[0].title()} and {names[1].title()}" if names else ""

    def save_progress(self) -> None:
        self.effect("progress", progress=act.progress_snapshot(self.run))

    # -- menu ----------------------------------------------------------------------
    def offer(self, key: str = "offer") -> None:
        """Back to the menu, offering what to do next (tonight's check-in, or another one)."""
        self.state["mode"] = "menu"
        self.say(key)
        self.reply.reprompt = self.p("offer_reprompt")
        self.reply.expect = MENU

    def greet(self) -> None:
        launches = int(self.mem.get("launches") or 0)
        self.effect("launch", at=self.now)
        if launches == 0:
            self.say("greeting_new")
            self.reply.text(self.safety.not_therapy)
        elif self.names:
            self.say("greeting_back_named", names=self.pair())
        else:
            self.say("greeting_back")
        progress = self.mem.get("progress")
        if progress and self.resumable(progress):
            self.state["mode"] = "confirm_resume"
            self.say("resume_offer", where=self.where(progress))
            self.reply.reprompt = self.p("resume_reprompt")
            self.reply.expect = CONFIRM + MENU
            return
        self.offer()

    def resume_directly(self) -> bool:
        """A timer brought the couple back: go straight to the step they were on."""
        if not self.resumable(self.mem.get("progress")):
            return False
        self.effect("launch", at=self.now)
        return self.pick_up()

    def pick_up(self) -> bool:
        """Restore the saved activity and say its current step again; False when nothing is saved."""
        progress = self.mem.get("progress")
        if not self.resumable(progress):
            return False
        self.begin(json_copy(progress))
        self.say("picking_up")
        self.reply.pause(0.5)
        self.present(again=True)
        return True

    def resumable(self, progress: dict | None) -> bool:
        if not progress:
            return False
        try:
            if progress["kind"] in ("exercise", "ritual", "ladder") and act.activity_of(self.content, progress) is None:
                return False
            return 0 <= progress["i"] < len(progress["items"])
        except (KeyError, TypeError):
            return False

    def title_of(self, run: dict) -> str:
        if run["kind"] == "checkin":
            return self.p("checkin_title")
        activity = act.activity_of(self.content, run)
        return activity.title if activity else run["id"]

    def where(self, run: dict) -> str:
        """Where an activity stopped, as a phrase that sits inside a sentence."""
        title = self.title_of(run)
        title = title[:1].lower() + title[1:]
        questions = [i for i, item in enumerate(run["items"]) if "q" in item and "s" not in item]
        if questions and run["i"] in questions:
            text = self.p("where_question", title=title, nth=ordinal(questions.index(run["i"]) + 1))
        else:
            text = self.p("where_step", title=title, nth=ordinal(run["i"] + 1))
        return text[:1].lower() + text[1:]

    # -- starting activities -------------------------------------------------------
    def blocked_by_safety(self) -> bool:
        if self.state.get("safe_only"):
            self.say("safety_no_exercise")
            self.reply.text(self.safety_resources_short())
            self.safety_menu()
            return True
        return False

    def start_checkin(self) -> None:
        if self.blocked_by_safety():
            return
        depth = int(self.mem["prefs"].get("depth", 1))
        ids, effects = draw(self.content, self.mem, self.rng, CHECKIN_LENGTH, depth, self.state.get("context"))
        for eff in effects:
            self.effect(eff["op"], **{k: v for k, v in eff.items() if k != "op"})
        items = [{"q": qid} for qid in ids]
        self.begin(act.new_run("checkin", "checkin", items, self.mem["prefs"].get("first", 0), self.now))
        self.say("checkin_start", count=number(len(items)))
        if not self.names:
            self.say("names_hint")
        self.reply.pause(0.6)
        self.present()

    def start_activity(self, activity_id: str) -> None:
        if self.blocked_by_safety():
            return
        activity = self.content.activities()[activity_id]
        first = self.mem["prefs"].get("first", 0)
        if activity is self.content.ladder:
            pos = int(self.mem.get("ladder") or 0)
            questions = [q for s in activity.sets for q in s.questions]
            if pos >= len(questions):
                pos = 0
                self.effect("ladder", pos=0)
            items = [{"q": q.id, "l": n} for n, q in enumerate(questions) if n >= pos]
            self.begin(act.new_run("ladder", activity.id, items, first, self.now))
            self.reply.text(activity.intro if pos == 0 else self.p("ladder_back", nth=ordinal(pos + 1)))
        else:
            items, drawn = [], set()
            for step in activity.steps:
                item = {"s": step.id}
                if step.draw:
                    ids, _ = draw(self.content, self.mem, self.rng, 1, int(step.draw.get("depth", 1)),
                                  self.state.get("context"), step.draw.get("theme"), exclude=drawn)
                    if ids:
                        item["q"] = ids[0]
                        drawn.add(ids[0])
                items.append(item)
            self.begin(act.new_run(activity.kind, activity.id, items, first, self.now))
            self.reply.text(fill(activity.intro, act.roles(self.run, self.names)))
            if not self.names:
                self.say("names_hint_exercise")
        self.reply.pause(0.8)
        self.present()

    def begin(self, run: dict) -> None:
        self.state["run"] = run
        self.state["mode"] = "run"
        self.state["paused"] = False

    # -- presenting the current item ----------------------------------------------
    def question_text(self, qid: str) -> str:
        return self.content.questions[qid].text

    def present(self, again: bool = False) -> None:
        """Say the current item; carry straight on through steps that do not wait."""
        while True:
            run = self.run
            if run["i"] >= len(run["items"]):
                self.finish()
                return
            item = run["items"][run["i"]]
            step = act.step_of(self.content, run)
            who = act.roles(run, self.names)
            self.reply.mark()
            if run["kind"] == "ladder":
                self.ladder_set_intro(item)
            if step is not None and step.say:
                self.reply.text(fill(step.say, who))
            if "q" in item:
                if step is not None and step.say:
                    self.reply.pause(0.5)
                self.reply.text(self.question_text(item["q"]))
                self.reply.prompt = item["q"]
                if not again and run["kind"] != "ladder":
                    self.effect("used", prompt=item["q"], at=self.now)
                self.reply.pause(1.0)
                if run["turn"] == 1:  # resumed in the second partner's turn
                    self.say("turn_resume_second", b=who["b"])
                else:
                    self.say("turn_first", a=who["a"])
                    self.state["asked_first"] = True
                self.wait_for_turn()
                break
            if step.wait == "none":
                run["i"] += 1
                run["turn"] = 0
                self.reply.pause(0.8)
                continue
            if step.wait == "timed":
                self.start_timer(step)
                break
            self.wait_for_turn()
            break
        self.save_progress()

    def ladder_set_intro(self, item: dict) -> None:
        position = item.get("l", 0)
        if position % 12 == 0:
            ladder_set = self.content.ladder.sets[position // 12]
            if ladder_set.intro:
                self.reply.text(ladder_set.intro)
                self.reply.pause(0.6)

    def wait_for_turn(self) -> None:
        self.reply.listen = "conversation"
        self.reply.expect = RUN
        self.reply.reprompt = self.p("turn_reprompt")

    def start_timer(self, step) -> None:
        seconds = int(step.seconds)
        warn = int(step.warn_before) if step.warn_before else None
        self.run["timer"] = {"end": self.now + seconds, "warn": (self.now + seconds - warn) if warn else None,
                             "warned": False, "left": None, "warn_before": warn, "seconds": seconds, "anchored": False}
        self.arm_timer_output(seconds, warn)

    def arm_timer_output(self, seconds: float, warn: int | None) -> None:
        cues = []
        if warn and seconds > warn:
            cues.append({"after": int(seconds - warn), "kind": "warn", "text": self.p("time_warn", left=duration(warn))})
        cues.append({"after": int(seconds), "kind": "end", "text": self.p("time_up")})
        self.reply.timer = {"seconds": int(seconds), "cues": cues}
        self.reply.wait(seconds, "timed")
        self.reply.listen = "conversation"
        self.reply.expect = RUN + ["TimeLeftIntent"]
        self.reply.reprompt = self.p("timed_reprompt")

    # -- moving ----------------------------------------------------------------------
    def advance(self, ack: str | None = None) -> None:
        run = self.run
        item = run["items"][run["i"]]
        if run["kind"] == "ladder" and "l" in item:
            self.effect("ladder", pos=item["l"] + 1)
        run["i"] += 1
        run["turn"] = 0
        run["timer"] = None
        if ack and run["i"] < len(run["items"]):
            if "q" not in item and self.phrases.has(ack + "_step"):
                ack = ack + "_step"
            self.say(ack)
            self.reply.pause(0.6)
        self.present()

    def finish(self) -> None:
        run = self.run
        activity = act.activity_of(self.content, run)
        if activity is not None and getattr(activity, "outro", None):
            self.reply.text(fill(activity.outro, act.roles(run, self.names)))
        else:
            self.say("checkin_done")
        self.effect("finished", activity=run["id"], kind=run["kind"], at=self.now,
                    seconds=int(max(0, self.now - float(run.get("started") or self.now))))
        self.effect("prefs", set={"first": 1 - int(run.get("first", 0))})
        self.state["run"] = None
        self.effect("progress", progress=None)
        self.reply.pause(0.6)
        self.offer("after_finish")

    def reprompt_current(self) -> None:
        """Keep the current step's listening settings after a side request."""
        mode = self.state["mode"]
        if mode == "run" and self.state.get("paused"):
            self.reply.expect = PAUSED
            self.reply.reprompt = self.p("paused_reprompt")
        elif mode == "run":
            run = self.run
            self.reply.listen = "conversation"
            self.reply.expect = RUN + (["TimeLeftIntent"] if run.get("timer") else [])
            self.reply.reprompt = self.p("timed_reprompt" if run.get("timer") else "turn_reprompt")
            self.reply.prompt = act.current_prompt(run)
        elif mode in ("confirm_resume", "confirm_forget"):
            self.reply.expect = CONFIRM
            self.reply.reprompt = self.p("yes_no_reprompt")
        elif mode == "safety":
            self.safety_menu()
        else:
            self.reply.expect = MENU
            self.reply.reprompt = self.p("offer_reprompt")

    # -- safety ------------------------------------------------------------------------
    def safety_resources_short(self) -> str:
        return " ".join(r.how for r in self.safety.resources)

    def safety_menu(self) -> None:
        self.state["mode"] = "safety"
        self.reply.expect = SAFETY
        self.reply.listen = "command"
        self.reply.reprompt = self.safety.closing


class Engine:
    """Holds loaded content and the catalog; `step` is the whole dialogue."""

    def __init__(self, content, catalog):
        self.content = content
        self.catalog = catalog
        from . import handlers  # the intent table, kept in its own module
        self.handlers = handlers.TABLE

    def new_state(self, now: float, seed: int = 0) -> dict:
        return new_state(now, seed)

    def step(self, state: dict | None, event: dict, memory: dict | None, owned: bool = False) -> tuple[dict, dict]:
        """Advance the dialogue by one event; never raises on unknown input.

        The caller's state is not changed unless `owned` says the caller hands it over."""
        now = float(event.get("now") or 0.0)
        fresh = state is None or not isinstance(state, dict) or state.get("v") != STATE_VERSION
        if fresh:
            state = new_state(now, int(event.get("seed") or 0))
        elif not owned:
            state = json_copy(state)
        if event.get("context"):
            state["context"] = event["context"]
        turn = Turn(self, state, event, memory or {})
        kind = event.get("type")
        if kind == "launch" and event.get("task") == "resume" and turn.resume_directly():
            pass
        elif kind == "launch":
            turn.greet()
        elif kind == "session_end":
            if state.get("run"):
                turn.save_progress()
            turn.reply.end = True
            turn.reply.remember = False
        elif kind == "played":
            anchor_timer(state, now)
            turn.reply.remember = False
        elif kind == "tick":
            from .handlers import tick
            turn.reply.remember = False  # a cue is not worth repeating; a new step after it is
            tick(turn)
        else:
            name = event.get("intent") or "AMAZON.FallbackIntent"
            # Whether the last reply ended on "{a}, would you like to start?" (a yes or no answers it).
            turn.asked_first = bool(state.pop("asked_first", False))
            turn.list_at = int(state.pop("list_at", 0) or 0)  # where "next" goes on in a list of exercises
            if fresh:
                turn.effect("launch", at=now)
                self.restore_for_one_shot(turn, name)
            handler = self.handlers.get(name, self.handlers["AMAZON.FallbackIntent"])
            if state.get("safe_only") and name not in SAFE_ALLOWED:
                handler = self.handlers["_safety_hold"]
            handler(turn, event.get("slots") or {})
            if name in NOT_REMEMBERED:
                turn.reply.remember = False
        state["n"] += 1
        out = turn.reply.render(int(turn.mem["prefs"].get("pace", 0)))
        out["wake_at"] = wake_at(state)
        if turn.reply.remember and out["say"]:
            core = turn.reply.replay or turn.reply.segments[turn.reply.core:] or out["segments"]
            state["last"] = {"segments": core, "reprompt": out["reprompt"], "prompt": out["prompt"],
                             "expect": out["expect"], "listen": out["listen"]}
        if out["end"]:
            state["mode"] = "ended"
        return state, out

    def restore_for_one_shot(self, turn: Turn, intent: str) -> None:
        """A request that opens a session ("ask Closer Together for the next question") lands where the couple was."""
        progress = turn.mem.get("progress")
        if progress and turn.resumable(progress) and intent not in ("StartCheckInIntent", "StartExerciseIntent"):
            turn.begin(json_copy(progress))

    def resolve_activity(self, spoken: str | None) -> str | None:
        """Map a spoken exercise name to an activity id, allowing close variants."""
        if not spoken:
            return None
        from ..catalog import name_forms, normalize
        names = self.content.activity_names()
        said = normalize(spoken)
        for form in name_forms(said):  # "memory lane", "the memory lane exercise"
            if form in names:
                return names[form]
        close = difflib.get_close_matches(said, list(names), n=1, cutoff=0.75)
        return names[close[0]] if close else None


def anchor_timer(state: dict, now: float) -> None:
    """The reply that started a timed turn has finished playing: the turn's time starts now.

    Front ends that know when speech ends send {"type": "played"}; without it the timer
    runs from the moment the reply was produced."""
    run = state.get("run")
    timer = run.get("timer") if run else None
    if not timer or timer.get("anchored") or state.get("paused") or timer.get("left") is not None:
        return
    seconds = float(timer.get("seconds") or 0)
    timer["end"] = now + seconds
    if timer.get("warn") is not None and timer.get("warn_before"):
        timer["warn"] = timer["end"] - timer["warn_before"]
    timer["anchored"] = True


def wake_at(state: dict) -> float | None:
    """When the engine next wants a tick: the running timer's next cue."""
    run = state.get("run")
    if state.get("mode") != "run" or state.get("paused") or not run or not run.get("timer"):
        return None
    timer = run["timer"]
    if timer.get("warn") and not timer.get("warned"):
        return timer["warn"]
    return timer["end"]
