"""The engine is sans-IO: no web, Alexa, audio or speech library; plain, small JSON state; deterministic."""

from __future__ import annotations

import ast
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENGINE_DIR = REPO / "skill" / "engine"
FORBIDDEN = ("flask", "ask_sdk", "ask_sdk_core", "ask_sdk_model", "vosk", "pocketsphinx", "pyttsx3", "sounddevice")
T0 = 1_750_708_800.0


def _forbidden(module: str) -> bool:
    top = module.split(".")[0]
    return top in FORBIDDEN or top.startswith("ask_sdk")


def test_importing_and_stepping_the_engine_loads_no_io_library():
    """In a fresh interpreter: import the engine, load it, run a few steps; then look at sys.modules."""
    code = (
        "import json, sys\n"
        "from skill.engine import load_engine, new_memory\n"
        "engine = load_engine()\n"
        "state, out = engine.step(None, {'type': 'launch', 'now': 1.0e9}, new_memory())\n"
        "for name in ['StartCheckInIntent', 'DoneIntent', 'AMAZON.NextIntent', 'AMAZON.HelpIntent', 'SafetyIntent']:\n"
        "    state, out = engine.step(state, {'type': 'intent', 'intent': name, 'now': 1.0e9}, new_memory())\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=str(REPO), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "skill.engine" in loaded and "skill.engine.modes.running" in loaded
    bad = [m for m in loaded if _forbidden(m)]
    assert not bad, f"the engine pulled in {bad}"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            found.append(str(node.args[0].value))
    return found


def test_engine_source_has_no_forbidden_import_statement():
    files = sorted(ENGINE_DIR.rglob("*.py"))
    assert files, "no engine source found"
    bad = {str(f.relative_to(REPO)): m for f in files for m in _imports(f) if _forbidden(m)}
    assert not bad, bad


def test_the_source_scan_would_catch_one(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    import vosk\n    from flask import Flask\n    __import__('ask_sdk_core')\n")
    assert [m for m in _imports(sample) if _forbidden(m)] == ["vosk", "flask", "ask_sdk_core"]


# -- state: plain JSON, small, deterministic -------------------------------------------------------

@pytest.fixture(scope="module")
def engine():
    from skill.engine import load_engine

    return load_engine()


LONG_SESSION = (
    ["SetNamesIntent", "StartCheckInIntent", "DoneIntent", "AMAZON.RepeatIntent", "DoneIntent", "AMAZON.NextIntent",
     "AMAZON.PreviousIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.HelpIntent", "DeeperIntent",
     "SaveQuestionIntent", "SwitchFirstIntent", "SlowerIntent", "FasterIntent", "TimeLeftIntent", "ProgressIntent",
     "AMAZON.FallbackIntent", "DoneIntent", "DoneIntent", "LighterIntent", "DoneIntent", "DoneIntent", "DoneIntent",
     "DoneIntent", "DoneIntent", "DoneIntent", "AMAZON.YesIntent", "AMAZON.StartOverIntent"]
    + ["StartExerciseIntent"] + ["TimeLeftIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "tick", "DoneIntent",
                                 "AMAZON.NextIntent", "AMAZON.RepeatIntent"] * 6
    + ["StartExerciseIntent:closeness ladder"] + ["DoneIntent"] * 40
    + ["ForgetDataIntent", "AMAZON.NoIntent", "SafetyIntent", "AMAZON.NoIntent", "AMAZON.RepeatIntent"]
)


def run_session(engine, steps=LONG_SESSION, seed=7):
    """Yield (state, event, memory, state_after, out) along a long session, memory kept by effects."""
    from skill.engine import apply_effects, new_memory

    memory, state, now = new_memory(), None, T0
    events = [{"type": "launch"}]
    for name in steps:
        if name == "tick":
            events.append({"type": "tick"})
        elif name == "SetNamesIntent":
            events.append({"type": "intent", "intent": name, "slots": {"nameA": "Sam", "nameB": "Alex"}})
        elif name.startswith("StartExerciseIntent"):
            _, _, which = name.partition(":")
            events.append({"type": "intent", "intent": "StartExerciseIntent",
                           "slots": {"exercise": which or "listening exercise"}})
        else:
            events.append({"type": "intent", "intent": name, "slots": {}})
    for event in events:
        now += 200 if event["type"] == "tick" else 7
        event = {**event, "now": now, "seed": seed, "locale": "en-US"}
        before = copy.deepcopy(state)
        after, out = engine.step(state, event, memory)
        yield before, event, copy.deepcopy(memory), after, out
        memory = apply_effects(memory, out["effects"])
        state = after


def test_state_is_plain_json_and_small_throughout_a_long_session(engine):
    biggest = 0
    steps = 0
    for _, _, _, state, out in run_session(engine):
        text = json.dumps(state, separators=(",", ":"), allow_nan=False)
        assert json.loads(text) == state, "state does not survive a JSON round trip"
        json.dumps(out, allow_nan=False)
        biggest = max(biggest, len(text.encode("utf-8")))
        steps += 1
    assert steps > 100
    assert biggest < 6 * 1024, f"state grew to {biggest} bytes"


def test_the_long_session_visits_every_kind_of_step(engine):
    """Guard for the test above: it is only meaningful if the session really runs things."""
    outs = [out for *_, out in run_session(engine)]
    assert any(o["prompt"] for o in outs), "no question was asked"
    assert any(o["timer"] for o in outs), "no timed wait started"
    assert any("safety" in o["events"] for o in outs), "the safety step never ran"
    assert sum(1 for o in outs if o["prompt"] and o["prompt"].startswith("ladder")) > 10


def test_same_state_event_and_memory_give_the_same_output_twice(engine):
    checked = 0
    for before, event, memory, after, out in run_session(engine):
        frozen = (copy.deepcopy(before), copy.deepcopy(memory))
        again_state, again_out = engine.step(before, event, memory)
        assert (again_state, again_out) == (after, out), f"different result for {event}"
        assert (before, memory) == frozen, f"step changed its inputs for {event}"
        checked += 1
    assert checked > 100


def test_a_different_seed_can_change_the_questions(engine):
    """Determinism comes from the seed, not from ignoring it (else the test above proves little)."""
    first = {tuple(o["prompt"] for *_, o in run_session(engine, seed=s) if o["prompt"]) for s in range(5)}
    assert len(first) > 1
