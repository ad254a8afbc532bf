"""One handler per intent: what each thing a couple can say does at each kind of step."""

from __future__ import annotations


from . import activity as act
from .core import CONFIRM, MENU, PAUSED, Turn, json_copy
from .words import duration, number

DAY = 86400


def in_run(turn: Turn) -> bool:
    return turn.state["mode"] == "run" and turn.run is not None


def start_checkin(turn: Turn, slots: dict) -> None:
    """Start tonight's check-in."""
    turn.start_checkin()


def start_exercise(turn: Turn, slots: dict) -> None:
    """Start a named exercise, ritual or the ladder."""
    activity_id = turn.engine.resolve_activity(slots.get("exercise"))
    if activity_id is None:
        turn.say("which_exercise")
        return list_page(turn, 0)
    turn.start_activity(activity_id)


LIST_PAGE = 6  # names heard in one breath; "next" hears the following ones


def exercise_titles(turn: Turn) -> list[str]:
    titles = [a.title for a in turn.content.activities().values()]
    return [(t[4:] if t.lower().startswith("the ") else t).lower() for t in titles]


def spoken_list(items: list[str]) -> str:
    return ", ".join(items[:-1]) + ", and " + items[-1] if len(items) > 1 else "".join(items)


def list_exercises(turn: Turn, slots: dict) -> None:
    """Name the exercises there are, a few at a time."""
    list_page(turn, 0)


def list_page(turn: Turn, start: int) -> None:
    """Say one page of exercise names; "next" (in the menu) goes on from where it stopped."""
    titles = exercise_titles(turn)
    page = titles[start:start + LIST_PAGE]
    if len(titles) <= LIST_PAGE:
        turn.say("exercise_list", options=spoken_list(titles))
    elif start == 0:
        turn.say("exercise_list_first", count=number(len(titles)), options=spoken_list(page))
    elif start + LIST_PAGE < len(titles):
        turn.say("exercise_list_more", options=spoken_list(page))
    else:
        turn.say("exercise_list_last", options=spoken_list(page))
    turn.reprompt_current()
    if start + LIST_PAGE < len(titles) and turn.state["mode"] == "menu":
        turn.state["list_at"] = start + LIST_PAGE


def done(turn: Turn, slots: dict) -> None:
    """A partner finished their turn: hand over, or move on."""
    if not in_run(turn):
        return fallback(turn, slots)
    if turn.state.get("paused"):
        turn.state["paused"] = False
    run = turn.run
    if run.get("timer"):
        turn.reply.chime("soft")
        return turn.advance("thanks")
    if act.is_two_turn(turn.content, run) and run["turn"] == 0:
        run["turn"] = 1
        who = act.roles(run, turn.names)
        turn.say("turn_second", b=who["b"])
        turn.wait_for_turn()
        turn.reply.prompt = act.current_prompt(run)
        turn.reply.replay = [{"type": "text", "text": turn.question_text(turn.reply.prompt)},
                             {"type": "pause", "seconds": 0.8},
                             {"type": "text", "text": turn.p("turn_resume_second", b=who["b"])}]
        turn.save_progress()
        return
    turn.advance("thanks")


def next_item(turn: Turn, slots: dict) -> None:
    """Skip to the next question or step at once."""
    if turn.state["mode"] == "menu" and turn.list_at:
        return list_page(turn, turn.list_at)  # "next" right after a page of exercise names: the next page
    if turn.state["mode"] == "menu":
        progress = turn.mem.get("progress")
        if progress and turn.resumable(progress):
            turn.begin(json_copy(progress))
        else:
            return turn.start_checkin()
    if turn.state["mode"] in ("confirm_resume",):
        return yes(turn, slots)
    if not in_run(turn):
        return fallback(turn, slots)
    turn.state["paused"] = False
    turn.reply.chime("soft") if turn.run.get("timer") else None
    turn.advance("skip")


def previous(turn: Turn, slots: dict) -> None:
    """Go back to the previous question or step."""
    if not in_run(turn):
        return fallback(turn, slots)
    run = turn.run
    turn.state["paused"] = False
    target = run["i"] - 1
    while target > 0 and (act.step_of(turn.content, run, target) or None) is not None \
            and act.step_of(turn.content, run, target).wait == "none" and "q" not in run["items"][target]:
        target -= 1
    if target < 0:
        turn.say("at_first")
        run["turn"] = 0
        return turn.present(again=True)
    run["i"], run["turn"], run["timer"] = target, 0, None
    turn.say("going_back")
    turn.reply.pause(0.5)
    turn.present(again=True)


def repeat(turn: Turn, slots: dict) -> None:
    """Say the last thing again, exactly."""
    last = turn.state.get("last")
    if not last and in_run(turn):
        return turn.present(again=True)  # a new session that landed mid-activity: the current step again
    if not last:
        return help_(turn, slots)
    turn.say("repeat_lead") if turn.phrases.has("repeat_lead") else None
    for segment in last["segments"]:
        if segment["type"] == "text":
            turn.reply.text(segment["text"])
        elif segment["type"] == "pause":
            turn.reply.pause(segment["seconds"])
    turn.reply.prompt = last.get("prompt")
    turn.reply.expect = last.get("expect") or MENU
    turn.reply.listen = last.get("listen") or "command"
    turn.reply.reprompt = last.get("reprompt")
    # Said again, a question or a page of names still takes its answer ("no", "next").
    if turn.asked_first:
        turn.state["asked_first"] = True
    if turn.list_at:
        turn.state["list_at"] = turn.list_at


def pause(turn: Turn, slots: dict) -> None:
    """Hold everything, timers included."""
    if not in_run(turn):
        turn.say("nothing_to_pause")
        return turn.reprompt_current()
    if turn.state.get("paused"):
        turn.say("still_paused")
        return turn.reprompt_current()
    turn.state["paused"] = True
    timer = turn.run.get("timer")
    if timer:
        timer["left"] = max(0.0, timer["end"] - turn.now)
    turn.say("paused")
    turn.reply.expect = PAUSED
    turn.reply.reprompt = turn.p("paused_reprompt")
    turn.save_progress()


def resume(turn: Turn, slots: dict) -> None:
    """Carry on exactly where things were."""
    mode = turn.state["mode"]
    if mode == "confirm_resume":
        return yes(turn, slots)
    if mode == "confirm_forget":
        return no(turn, slots)  # carrying on means keeping everything
    if mode == "menu":
        if turn.pick_up():
            return
        turn.say("nothing_to_resume")
        return turn.reprompt_current()
    if not in_run(turn):
        return fallback(turn, slots)
    was_paused = turn.state.get("paused")
    turn.state["paused"] = False
    timer = turn.run.get("timer")
    if timer and timer.get("left") is not None:
        left = timer["left"]
        timer["end"] = turn.now + left
        wb = timer.get("warn_before")
        timer["warn"] = (timer["end"] - wb) if wb and not timer.get("warned") and left > wb else None
        timer["left"] = None
        timer["seconds"], timer["anchored"] = left, False  # the clock restarts once this reply is heard
        turn.say("resumed_timer", left=duration(left))
        turn.arm_timer_output(left, wb if timer["warn"] else None)
        return turn.save_progress()
    turn.say("resumed" if was_paused else "carry_on")
    turn.reply.pause(0.5)
    turn.present(again=True)


def start_over(turn: Turn, slots: dict) -> None:
    """Begin the current activity again from its first step."""
    if not in_run(turn):
        return turn.offer() if turn.state["mode"] == "menu" else fallback(turn, slots)
    run = turn.run
    run.update({"i": 0, "turn": 0, "timer": None})
    turn.state["paused"] = False
    turn.say("starting_over")
    turn.reply.pause(0.5)
    turn.present(again=True)


def help_(turn: Turn, slots: dict) -> None:
    """Say what can be said at this step."""
    turn.reprompt_current()
    expect = [n for n in turn.reply.expect if n != "AMAZON.HelpIntent"]
    first = [n for n in ("TimeLeftIntent",) if n in expect]
    last = [n for n in ("AMAZON.StopIntent", "SafetyIntent") if n in expect]
    middle = [n for n in expect if n not in first + last + ["AMAZON.CancelIntent"]]
    lines = turn.engine.catalog.help_lines(first + middle)[: 6 - len(first)] + turn.engine.catalog.help_lines(last)
    turn.say("help_lead")
    turn.reply.text(". ".join(line[0].upper() + line[1:] for line in lines) + ".")
    turn.reply.text(turn.safety.not_therapy)


def stop(turn: Turn, slots: dict) -> None:
    """End at once with one short sentence; progress stays saved."""
    if in_run(turn):
        turn.save_progress()
        turn.say("goodbye_saved")
    else:
        turn.say("goodbye")
    turn.reply.end = True


def yes(turn: Turn, slots: dict) -> None:
    """Yes: to picking up, to forgetting, to a check-in, or to ending quietly."""
    mode = turn.state["mode"]
    if mode == "confirm_resume":
        if turn.pick_up():
            return
        return turn.offer()
    if mode == "confirm_forget":
        turn.effect("forget")
        turn.state["run"] = None
        turn.say("forgotten")
        turn.reply.end = True
        return
    if mode == "safety":
        turn.say("quiet_end")
        turn.reply.end = True
        return
    if mode == "menu":
        return turn.start_checkin()
    if in_run(turn) and not turn.state.get("paused"):
        return go_ahead(turn)
    return fallback(turn, slots)


def go_ahead(turn: Turn) -> None:
    """A yes to "would you like to start?": the partner whose turn it is goes ahead."""
    run = turn.run
    item = run["items"][run["i"]] if run["i"] < len(run["items"]) else {}
    if "q" in item:
        who = act.roles(run, turn.names)
        turn.say("go_ahead", who=who["a"] if run.get("turn", 0) == 0 else who["b"])
    else:
        turn.say("go_on")
    turn.reprompt_current()


def no(turn: Turn, slots: dict) -> None:
    """No: start fresh, keep the data, or stay a while."""
    mode = turn.state["mode"]
    if mode == "confirm_resume":
        turn.effect("progress", progress=None)
        turn.say("fresh_start")
        return turn.offer()
    if mode == "confirm_forget":
        turn.say("not_forgotten")
        turn.state["mode"] = turn.state.get("back") or "menu"
        return turn.reprompt_current()
    if mode == "safety":
        turn.say("safety_stay")
        turn.reply.text(turn.safety_resources_short())
        return turn.safety_menu()
    if mode == "menu":
        turn.say("menu_no")
        return turn.reprompt_current()
    if in_run(turn) and not turn.state.get("paused"):
        run = turn.run
        item = run["items"][run["i"]] if run["i"] < len(run["items"]) else {}
        if "q" in item and run.get("turn", 0) == 0 and turn.asked_first:
            return switch_first(turn, slots)  # "would you like to start?" "no": the other partner starts
        return go_ahead(turn)
    return fallback(turn, slots)


def deeper(turn: Turn, slots: dict) -> None:
    """Ask more searching questions from now on."""
    change_depth(turn, +1)


def lighter(turn: Turn, slots: dict) -> None:
    """Keep the questions light from now on."""
    change_depth(turn, -1)


def change_depth(turn: Turn, delta: int) -> None:
    depth = max(1, min(3, int(turn.mem["prefs"].get("depth", 1)) + delta))
    turn.effect("prefs", set={"depth": depth})
    turn.say("deeper" if delta > 0 else "lighter")
    run = turn.run if in_run(turn) else None
    if run and run["kind"] == "checkin" and not turn.state.get("paused"):
        from .select import draw
        remaining = len(run["items"]) - run["i"]
        asked = {item["q"] for item in run["items"][: run["i"]]}
        ids, effects = draw(turn.content, turn.mem, turn.rng, remaining, depth, turn.state.get("context"), exclude=asked)
        for eff in effects:
            turn.effect(eff["op"], **{k: v for k, v in eff.items() if k != "op"})
        run["items"][run["i"]:] = [{"q": qid} for qid in ids]
        run["turn"] = 0
        turn.reply.pause(0.5)
        return turn.present()
    turn.reprompt_current()


def slower(turn: Turn, slots: dict) -> None:
    """Speak more slowly, and remember it."""
    change_pace(turn, -1)


def faster(turn: Turn, slots: dict) -> None:
    """Speak a little faster, and remember it."""
    change_pace(turn, +1)


def change_pace(turn: Turn, delta: int) -> None:
    turn.effect("prefs", set={"pace": int(turn.mem["prefs"].get("pace", 0)) + delta})
    turn.say("slower" if delta < 0 else "faster")
    turn.reprompt_current()


def time_left(turn: Turn, slots: dict) -> None:
    """How long the timed turn has left."""
    run = turn.run if in_run(turn) else None
    timer = run.get("timer") if run else None
    if not timer:
        turn.say("no_timer")
        return turn.reprompt_current()
    left = timer["left"] if timer.get("left") is not None else max(0.0, timer["end"] - turn.now)
    turn.say("time_left", left=duration(left))
    turn.reprompt_current()


def switch_first(turn: Turn, slots: dict) -> None:
    """Swap who goes first."""
    first = 1 - int(turn.mem["prefs"].get("first", 0))
    turn.effect("prefs", set={"first": first})
    run = turn.run if in_run(turn) else None
    if run and run["kind"] in ("exercise", "ritual") and roles_started(turn, run):
        run = None  # roles are already under way: swapping now would mix up speaker and listener
    if run:
        run["first"] = 1 - int(run.get("first", 0))
        who = act.roles(run, turn.names)
        run["turn"] = 0
        turn.say("switched", a=who["a"])
        turn.save_progress()
    else:
        turn.say("switched_later")
    turn.reprompt_current()


def roles_started(turn: Turn, run: dict) -> bool:
    """Whether a partner-specific step has already begun in this exercise."""
    for index in range(run["i"] + 1):
        step = act.step_of(turn.content, run, index)
        if step is not None and step.speaker in ("a", "b"):
            return True
    return False


def safety_hold(turn: Turn, slots: dict) -> None:
    """After a disclosure, the rest of the session offers no exercise."""
    turn.say("safety_no_exercise")
    turn.reply.text(turn.safety_resources_short())
    turn.safety_menu()


def set_names(turn: Turn, slots: dict) -> None:
    """Learn the partners' names."""
    a, b = (slots.get("nameA") or "").strip(), (slots.get("nameB") or "").strip()
    if not a or not b or a.lower() == b.lower():
        turn.say("names_unclear")
        return turn.reprompt_current()
    turn.effect("names", names=[a.lower(), b.lower()])
    turn.say("names_set", names=turn.pair())
    turn.reprompt_current()


def save_question(turn: Turn, slots: dict) -> None:
    """Keep the current question for later."""
    prompt = act.current_prompt(turn.run) if in_run(turn) else None
    prompt = prompt or (turn.state.get("last") or {}).get("prompt")
    if not prompt:
        turn.say("nothing_to_save")
    else:
        turn.effect("saved", prompt=prompt)
        turn.say("saved")
    turn.reprompt_current()


def progress(turn: Turn, slots: dict) -> None:
    """How are we doing: streak, this week, all told."""
    history = turn.mem.get("history") or []
    days = sorted({int((h.get("at") or 0) // DAY) for h in history}, reverse=True)
    today = int(turn.now // DAY)
    streak = 0
    if days and days[0] >= today - 1:
        expected = days[0]
        for day in days:
            if day == expected:
                streak += 1
                expected -= 1
            else:
                break
    week = sum(1 for h in history if (h.get("at") or 0) >= turn.now - 7 * DAY)
    if not history:
        turn.say("progress_none")
    else:
        turn.say("progress", week=number(week), total=number(len(history)),
                 week_s="" if week == 1 else "s", total_s="" if len(history) == 1 else "s")
        if streak >= 2:
            turn.say("progress_streak", days=number(streak))
    turn.reprompt_current()


def safety(turn: Turn, slots: dict) -> None:
    """Someone is not safe: stop everything, give the crisis resources."""
    turn.reply.events.append("safety")
    if in_run(turn):
        turn.save_progress()
    turn.state["run"] = None
    turn.state["paused"] = False
    turn.state["safe_only"] = True
    turn.reply.text(turn.safety.reply)
    turn.reply.pause(0.6)
    for resource in turn.safety.resources:
        turn.reply.text(resource.how)
        turn.reply.pause(0.4)
    turn.reply.text(turn.safety.closing)
    turn.safety_menu()


def forget(turn: Turn, slots: dict) -> None:
    """Ask before deleting everything kept about the couple."""
    turn.state["back"] = turn.state["mode"] if turn.state["mode"] != "confirm_forget" else "menu"
    turn.state["mode"] = "confirm_forget"
    turn.say("forget_confirm")
    turn.reply.expect = CONFIRM
    turn.reply.reprompt = turn.p("yes_no_reprompt")


def fallback(turn: Turn, slots: dict) -> None:
    """Anything not understood: a short reprompt for this step, never a dead end."""
    turn.say("fallback")
    turn.reprompt_current()
    if turn.reply.reprompt:
        turn.reply.text(turn.reply.reprompt)


def tick(turn: Turn) -> None:
    """Time passes: a gentle warning before a timed turn ends, then a chime and the next step."""
    if not in_run(turn) or turn.state.get("paused"):
        return
    timer = turn.run.get("timer")
    if not timer:
        return
    if turn.now >= timer["end"]:
        turn.reply.remember = True
        turn.reply.chime("end")
        turn.say("time_up")
        turn.reply.pause(0.8)
        turn.run["timer"] = None
        return turn.advance()
    if timer.get("warn") and not timer.get("warned") and turn.now >= timer["warn"]:
        timer["warned"] = True
        turn.reply.chime("warn")
        turn.say("time_warn", left=duration(timer["end"] - turn.now))
        turn.reprompt_current()


TABLE = {
    "StartCheckInIntent": start_checkin,
    "StartExerciseIntent": start_exercise,
    "ListExercisesIntent": list_exercises,
    "DoneIntent": done,
    "AMAZON.NextIntent": next_item,
    "AMAZON.PreviousIntent": previous,
    "AMAZON.RepeatIntent": repeat,
    "AMAZON.PauseIntent": pause,
    "AMAZON.ResumeIntent": resume,
    "AMAZON.StartOverIntent": start_over,
    "AMAZON.HelpIntent": help_,
    "AMAZON.StopIntent": stop,
    "AMAZON.CancelIntent": stop,
    "AMAZON.YesIntent": yes,
    "AMAZON.NoIntent": no,
    "DeeperIntent": deeper,
    "LighterIntent": lighter,
    "SlowerIntent": slower,
    "FasterIntent": faster,
    "TimeLeftIntent": time_left,
    "SwitchFirstIntent": switch_first,
    "SetNamesIntent": set_names,
    "SaveQuestionIntent": save_question,
    "ProgressIntent": progress,
    "SafetyIntent": safety,
    "ForgetDataIntent": forget,
    "AMAZON.FallbackIntent": fallback,
    "_safety_hold": safety_hold,
}
