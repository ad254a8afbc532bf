"""Resume anywhere: after a stop, after the session closes, after SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess

import pytest

from skill.engine import load_engine

from .conftest import CLOSER, ROOT, memory, run_text, says

YES_FIRST = "AMAZON.YesIntent"


def question_text(prompt_id: str) -> str:
    return load_engine().content.questions[prompt_id].text


def assert_offers_to_pick_up(greeting: dict) -> None:
    assert says(greeting, "resume_offer"), greeting["say"]
    assert YES_FIRST in greeting["expect"] and "AMAZON.NoIntent" in greeting["expect"]
    assert greeting["end"] is False


def test_stop_mid_check_in_then_next_launch_offers_to_pick_up_and_yes_asks_the_same_question(db):
    first = run_text(db, ["start a check in", "I'm done", "I'm done", "stop"])
    second_question = first[3]["prompt"]
    assert second_question and second_question != first[1]["prompt"]
    assert first[-1]["end"] is True

    resumed = run_text(db, ["yes"], seed=99)
    assert_offers_to_pick_up(resumed[0])
    assert resumed[1]["prompt"] == second_question
    assert question_text(second_question) in resumed[1]["say"]
    assert says(resumed[1], "picking_up")


def test_closing_without_stop_keeps_the_place_too(db):
    """EOF on stdin (the session just closes) saves progress like "stop" does."""
    first = run_text(db, ["start a check in", "next"])
    resumed = run_text(db, ["yes"], seed=5)
    assert_offers_to_pick_up(resumed[0])
    assert resumed[1]["prompt"] == first[2]["prompt"]


def test_no_to_picking_up_starts_fresh_and_clears_the_place(db):
    run_text(db, ["start a check in"])
    out = run_text(db, ["no"])
    assert_offers_to_pick_up(out[0])
    assert says(out[1], "fresh_start")
    assert memory(db)["progress"] is None
    assert not says(run_text(db, [])[0], "resume_offer")


def test_the_progress_saved_at_every_step_is_the_current_question(db):
    out = run_text(db, ["start a check in", "I'm done", "I'm done", "I'm done"])
    progress = memory(db)["progress"]
    assert progress["kind"] == "checkin"
    assert progress["items"][progress["i"]]["q"] == out[-1]["prompt"]
    assert progress["turn"] == 1


def test_resuming_in_the_second_turn_gives_partner_two_their_turn(db):
    run_text(db, ["our names are ana and ben", "start a check in", "I'm done"])
    out = run_text(db, ["yes", "I'm done"])
    prompt = out[1]["prompt"]
    assert "Ben" in out[1]["say"].split(question_text(prompt))[-1]  # Ben's turn, as when they stopped
    # Ben's "I'm done" ends that question (both have answered) and the next one begins.
    assert out[2]["prompt"] not in (None, prompt)
    assert memory(db)["progress"]["turn"] == 0


def read_turn(proc: subprocess.Popen) -> dict:
    raw = proc.stdout.readline()
    assert raw, proc.stderr.read() if proc.poll() is not None else "no output"
    return json.loads(raw)


def test_sigkill_right_after_a_question_then_relaunch_resumes_that_question(db):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("CLOSER_DB", None)
    cmd = CLOSER + ["local", "--text", "--jsonl", "--db", str(db)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, env=env)
    try:
        read_turn(proc)  # greeting
        proc.stdin.write("start a check in\n")
        proc.stdin.flush()
        asked = read_turn(proc)
        prompt = asked["prompt"]
        assert prompt and question_text(prompt) in asked["say"]
        proc.send_signal(signal.SIGKILL)  # no clean shutdown, no session_end
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close(); proc.stderr.close(); proc.stdin.close()
    assert proc.returncode == -signal.SIGKILL

    again = subprocess.run(cmd, input="yes\n", capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)
    assert again.returncode == 0, again.stderr
    greeting, reply = [json.loads(l) for l in again.stdout.splitlines()][:2]
    assert_offers_to_pick_up(greeting)
    assert reply["prompt"] == prompt
    assert question_text(prompt) in reply["say"]
