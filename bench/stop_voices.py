""""Stop" above all (issue 16): every stop phrasing of the phrasing test set, and the commands and
table talk that could be taken for it, spoken by many voices, clean and in room noise; a confusion
matrix of what each was heard as, per voice.

    taskset -c 1 python bench/stop_voices.py [--voices tune|held-out|all|LIST] [--mode running|all]
        [--others N] [--trace]

Voices: the Piper neural voice at several tempos, each synthesized afresh several times (Piper is
random run to run: "joe x1.0 #2" is the second synthesis), and espeak-ng voices. `tune` is the
half the recognizer may be tuned on; `held-out` is only measured at the end. Every clip is heard
twice, clean and in room noise; the other commands and table talk once, clean or noisy by turns. `--mode running` listens as during a check-in step (the live
intents of that mode); `all` makes every intent live (the hardest case). `--trace` prints, for
every stop not heard as stop, what the language model, the grammar and the scaled checks heard.

Goals: stop heard as stop in at least 98% of its phrasings and voices, never as another intent;
no other command and no table talk heard as stop.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.phrasing_voices import read_set  # noqa: E402
from local_voice import recognition as R  # noqa: E402
from local_voice.recognition import sphinx  # noqa: E402
from tests.voice.speech import load  # noqa: E402
from tests.voice.voices import have_piper, piper_synth, speak_all  # noqa: E402

STOP = "AMAZON.StopIntent"
# (family, tempo or (voice, rate), synthesis number)
TUNE = [("piper", 1.0, 1), ("piper", 1.0, 2), ("piper", 0.9, 1), ("espeak", ("en-us", 165), 1),
        ("espeak", ("en+f3", 140), 1)]
HELD_OUT = [("piper", 1.1, 1), ("piper", 1.1, 2), ("piper", 0.9, 2), ("piper", 1.0, 3),
            ("espeak", ("en-gb-x-rp", 190), 1), ("espeak", ("en+m3", 175), 1), ("espeak", ("en-us+f2", 155), 1),
            ("espeak", ("en-gb-scotland", 160), 1), ("espeak", ("en-029", 170), 1)]
# Which neighbours matter most: the commands a stop was heard as before, and those it sounds like.
NEAR = ["DoneIntent", "BothDoneIntent", "StartCheckInIntent", "AMAZON.StartOverIntent", "AMAZON.NextIntent",
        "AMAZON.PauseIntent", "AMAZON.PreviousIntent", "AMAZON.HelpIntent"]


def parse_voices(spec: str):
    if spec == "tune":
        return TUNE
    if spec == "held-out":
        return HELD_OUT
    if spec == "all":
        return TUNE + HELD_OUT
    out = []
    for item in spec.split(","):  # piper:1.0:2 or espeak:en-us:165
        fam, a, b = item.split(":")
        out.append(("piper", float(a), int(b)) if fam == "piper" else ("espeak", (a, int(b)), 1))
    return out


def label(voice) -> str:
    fam, how, n = voice
    return f"joe x{how} #{n}" if fam == "piper" else f"{how[0]} {how[1]}"


def clips_for(voice, texts, cache: Path):
    fam, how, n = voice
    if fam == "piper":
        return piper_synth(texts, cache / f"piper-synthesis-{n}", float(how))
    return speak_all(texts, fam, how, cache)


def traced(rec):
    """Keep the audio `_decide` saw, so a miss can be explained afterwards."""
    decide = rec._decide

    def keep(audio):
        rec.last_audio = audio
        return decide(audio)

    rec._decide = keep


def explain(rec, text) -> str:
    audio = rec.last_audio
    lm = " ".join(rec._check_words(audio))
    hyp = rec._decode(rec._search, audio)
    gram = " ".join(w for w in (hyp.hypstr.split() if hyp else []) if not w.startswith("<"))
    unplaced = rec._unplaced_speech(audio, rec.decoder.seg() or []) if hyp else 0.0
    warps = [rec._check_intent(sphinx.warp(audio, f)) for f in rec.check_warps]
    return f"lm={lm!r} grammar={gram!r} unplaced={unplaced:.2f}s warps={warps}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default="tune")
    parser.add_argument("--mode", default="running", help="running (a check-in step's live intents) or all")
    parser.add_argument("--others", type=int, default=4, help="phrasings of every other command (0: none)")
    parser.add_argument("--stops", type=int, default=0, help="at most N stop phrasings (0: all)")
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--noise", default="both", choices=["both", "clean", "noisy"])
    args = parser.parse_args(argv)
    commands, talk = read_set(str(ROOT / "tests" / "phrasings" / "commands.yaml"))
    stops = [t for i, t in commands if i == STOP]
    stops = stops[: args.stops] if args.stops else stops
    others, seen = [], Counter()
    for intent, text in commands:
        if intent != STOP and seen[intent] < (args.others * (3 if intent in NEAR else 1)):
            others.append((intent, text))
            seen[intent] += 1
    voices = [v for v in parse_voices(args.voices) if v[0] != "piper" or have_piper()]
    cmds = R.build_commands()
    expect = None
    if args.mode == "running":
        from local_voice.voice_loop import usual_steps

        expect = next(s[0] for s in usual_steps() if len(s) > 2 and s[2] == "running")
    rec = R.PocketsphinxRecognizer(cmds, expect)
    traced(rec)
    live = set(rec.live)
    others = [(i, t) for i, t in others if i in live]
    cache = Path(tempfile.gettempdir()) / "closer-bench-speech"
    texts = stops + [t for _, t in others] + talk
    noises = {"both": (False, True), "clean": (False,), "noisy": (True,)}[args.noise]
    total: Counter = Counter()
    confusion: Counter = Counter()
    print(f"stop phrasings {len(stops)}, other commands {len(others)}, table talk {len(talk)}; "
          f"mode {args.mode} ({len(live)} live); {'clean and noisy' if len(noises) == 2 else args.noise}")
    for voice in voices:
        t = time.perf_counter()
        clips = clips_for(voice, texts, cache)
        synth_s = time.perf_counter() - t
        count: Counter = Counter()
        t = time.process_time()
        for k, text in enumerate(texts):
            meant = STOP if text in stops else dict((b, a) for a, b in others).get(text)
            # Every stop clean and noisy; the rest in one of the two by turns (half the time).
            for noisy in (noises if meant == STOP or len(noises) == 1 else noises[k % 2:k % 2 + 1]):
                got = rec.recognize(load(clips[text], noise=noisy, seed=k).pcm()).intent
                kind = "stop" if meant == STOP else "talk" if meant is None else "other"
                count[f"{kind} n"] += 1
                if meant == STOP:
                    count["stop meant" if got == STOP else "stop missed" if got is None else "stop wrong"] += 1
                    if got != STOP:
                        confusion[(STOP, got or "-")] += 1
                        print(f"    {label(voice):16} {'noisy' if noisy else 'clean'} {text!r:30} -> {got}"
                              + (f"  [{explain(rec, text)}]" if args.trace else ""))
                elif got == STOP:
                    count[f"{kind} as stop"] += 1
                    confusion[(meant or "table talk", STOP)] += 1
                    print(f"    {label(voice):16} {'noisy' if noisy else 'clean'} {text!r:30} ({meant}) -> STOP")
                elif meant is not None:
                    count["other meant" if got == meant else "other missed" if got is None else "other wrong"] += 1
                    if got not in (meant, None):
                        confusion[(meant, got)] += 1
                elif got is not None:
                    count["talk hit"] += 1
                    confusion[("table talk", got)] += 1
        cpu = time.process_time() - t
        print(f"  {label(voice):16} stop {count['stop meant']}/{count['stop n']} (wrong {count['stop wrong']}); "
              f"others heard as stop {count['other as stop']}/{count['other n']}, as meant {count['other meant']}, "
              f"wrong {count['other wrong']}; talk taken {count['talk hit'] + count['talk as stop']}/{count['talk n']}"
              f"  [synth {synth_s:.0f} s, decode {cpu:.0f} s]", flush=True)
        total.update({f"{label(voice).split(' #')[0].split(' ')[0]}|{k}": v for k, v in count.items()})
        total.update({f"all|{k}": v for k, v in count.items()})
    for fam in ("joe", "all"):
        n = total[f"{fam}|stop n"]
        if n:
            print(f"{fam}: stop {total[f'{fam}|stop meant']}/{n} = {total[f'{fam}|stop meant'] / n:.1%} (goal 98%), "
                  f"as another intent {total[f'{fam}|stop wrong']}; others as stop {total[f'{fam}|other as stop']}; "
                  f"other commands wrong {total[f'{fam}|other wrong']}, as meant {total[f'{fam}|other meant']}/"
                  f"{total[f'{fam}|other n']}; talk taken {total[f'{fam}|talk hit'] + total[f'{fam}|talk as stop']}")
    print("confusions (meant -> heard):")
    for (a, b), n in confusion.most_common(30):
        print(f"  {n:4}  {a} -> {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
