"""The `closer` command: one entry point, one subcommand per job.

Every subcommand's arguments are declared here so `closer --help` documents them all;
each runs a `run(args) -> int` in the module that owns the job (imported lazily, so
`closer content check` never loads audio or web libraries).
"""

from __future__ import annotations

import argparse
import importlib
import faulthandler
import sys


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="URL",
        help="where households are kept: a path or sqlite:///path (SQLite), or "
        "dynamodb://TABLE?endpoint=URL&region=REGION (default: $CLOSER_STORE, else --db)",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="SQLite database file, an alias of --store PATH (default: $CLOSER_DB, else the user data directory)",
    )


def _lazy(target: str):
    def run(args: argparse.Namespace) -> int:
        module_name, func = target.split(":")
        return getattr(importlib.import_module(module_name), func)(args)

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="closer",
        description="Closer Together: a hands-free companion for couples' check-ins and exercises.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    local = sub.add_parser(
        "local",
        help="run the local companion (voice with a microphone and speaker, else text)",
        description="Run the local companion. Voice when a microphone and speaker exist, "
        "the text console otherwise (or with --text).",
    )
    _db_arg(local)
    local.add_argument("--text", action="store_true", help="type instead of speaking")
    local.add_argument("--jsonl", action="store_true", help="machine mode: one JSON object per turn")
    local.add_argument("--audio-in", nargs="+", metavar="FILE", help="WAV files used as the microphone, one utterance each")
    local.add_argument("--audio-out", metavar="DIR", help="write every reply as a WAV file into DIR")
    local.add_argument("--mic-file", metavar="FILE.wav", help="a long recording used as the microphone, through the live loop")
    local.add_argument("--speed", type=float, metavar="N", help="with --mic-file: N times real time on a simulated clock (0: as fast as possible; default 1)")
    local.add_argument("--mic-from", type=float, metavar="SECONDS", help="with --mic-file: start this far into the recording")
    local.add_argument("--mic-clock", metavar="WHEN", help="with --mic-file: the local time the recording began (epoch seconds or 2026-12-01T18:30; default now)")
    local.add_argument("--audio-faults", metavar="PLAN", help="with --mic-file: make the sound device fail on cue, e.g. unplug@60+20,speaker-error@45 (see local_voice/audio_faults.py)")
    local.add_argument("--list-devices", action="store_true", help="list audio devices and exit")
    local.add_argument("--input-device", metavar="DEVICE", help="microphone: index or part of its name")
    local.add_argument("--output-device", metavar="DEVICE", help="speaker: index or part of its name")
    local.add_argument("--stt", choices=["vosk", "pocketsphinx"], help="speech recognizer (default: vosk when a model is found)")
    local.add_argument("--model", metavar="PATH", help="Vosk model directory (default: $CLOSER_VOSK_MODEL or the models directory)")
    local.add_argument("--wake-word", metavar="WORD", help="a word that must precede commands while partners talk, e.g. closer (default: none)")
    local.add_argument("--voice", metavar="NAME", help="speech voice: a Piper voice, espeak, or espeak:VOICE (default: Piper when installed; `closer voices list`)")
    local.set_defaults(func=_lazy("local_voice.main:run"))

    serve = sub.add_parser("serve", help="serve the Alexa skill over HTTP (gunicorn)", description="Serve the Alexa skill: POST /alexa, GET /healthz.")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    _db_arg(serve)
    serve.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    serve.add_argument("--skill-id", metavar="ID", help="reject requests for any other applicationId")
    serve.add_argument("--no-verify", action="store_true", help="DEVELOPMENT ONLY: skip signature and timestamp checks")
    serve.add_argument("--trust-roots", metavar="FILE", help="PEM file of extra trusted root certificates")
    serve.add_argument("--cert-cache", metavar="DIR", help="directory of already-downloaded certificate chains")
    serve.add_argument("--public-url", metavar="URL", help="public https origin of this server, for the bed's /audio/ URL "
                       "(default: https:// and the host Alexa called)")
    serve.set_defaults(func=_lazy("skill.alexa.server:run"))

    package = sub.add_parser("skill-package", help="write the Alexa skill package from the intent catalog", description="Write skill.json and the interaction model (ASK CLI layout).")
    package.add_argument("--out", metavar="DIR", default="skill-package", help="output directory (default skill-package)")
    package.add_argument("--check", action="store_true", help="exit 1 if DIR is not up to date instead of writing")
    package.set_defaults(func=_lazy("skill.alexa.package:run"))

    content = sub.add_parser("content", help="work with the spoken content in prompts/", description="Work with the spoken content in prompts/.")
    content_sub = content.add_subparsers(dest="content_command", metavar="ACTION")
    check = content_sub.add_parser("check", help="validate prompts/ and report counts and style findings", description="Validate every file in prompts/, report counts per theme, depth, kind and context, and style findings. Exits 1 on any error.")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument("--root", metavar="DIR", help="content folder (default: the project's prompts/)")
    check.set_defaults(func=_lazy("skill.content.check:run"))
    content.set_defaults(func=lambda args: (content.print_help(), 2)[1])

    recognize = sub.add_parser("recognize", help="recognize commands in WAV files", description="Print one JSON object per file: text, intent, slots, confidence.")
    recognize.add_argument("files", nargs="+", metavar="FILE")
    recognize.add_argument("--stt", choices=["vosk", "pocketsphinx"], help="recognizer (default: vosk when a model is found)")
    recognize.add_argument("--model", metavar="PATH", help="Vosk model directory")
    recognize.add_argument("--expect", metavar="INTENTS", help="comma-separated intents allowed (default: all)")
    recognize.set_defaults(func=_lazy("local_voice.recognize_cli:run"))

    say = sub.add_parser("say", help="speak text into a WAV file", description="Synthesize TEXT into a WAV file with the local speech engine.")
    say.add_argument("text", metavar="TEXT")
    say.add_argument("--out", required=True, metavar="FILE.wav")
    say.add_argument("--voice", metavar="NAME", help="a Piper voice, espeak, or espeak:VOICE (default: the active voice)")
    say.add_argument("--rate", type=int, metavar="WPM", help="speaking rate in words per minute (default 145)")
    say.set_defaults(func=_lazy("local_voice.tts:run_say"))

    from local_voice.voices_cli import add_parser as add_voices_parser  # declares `closer voices ...`; imports nothing heavy
    add_voices_parser(sub, _lazy)

    models = sub.add_parser("models", help="manage offline speech models", description="Manage offline speech models.")
    models_sub = models.add_subparsers(dest="models_command", metavar="ACTION")
    fetch = models_sub.add_parser("fetch", help="download the small English Vosk model", description="Download vosk-model-small-en-us-0.15 with checksum verification.")
    fetch.add_argument("--dir", metavar="DIR", help="models directory (default: the user data directory)")
    fetch.set_defaults(func=_lazy("local_voice.models:run_fetch"))
    mlist = models_sub.add_parser("list", help="list installed models", description="List installed speech models.")
    mlist.add_argument("--dir", metavar="DIR", help="models directory")
    mlist.set_defaults(func=_lazy("local_voice.models:run_list"))
    models.set_defaults(func=lambda args: (models.print_help(), 2)[1])

    forget = sub.add_parser("forget", help="delete everything kept about this household", description="Delete every record kept in the database.")
    _db_arg(forget)
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    forget.set_defaults(func=_lazy("skill.store_cli:run_forget"))

    export = sub.add_parser("export", help="print everything kept, as JSON", description="Print every record kept in the database as JSON.")
    _db_arg(export)
    export.add_argument("--out", metavar="FILE", help="write to FILE (owner-only, mode 600) instead of printing")
    export.set_defaults(func=_lazy("skill.store_cli:run_export"))

    store = sub.add_parser("store", help="manage the household store", description="Manage the household store.")
    store_sub = store.add_subparsers(dest="store_command", metavar="ACTION")
    create = store_sub.add_parser("create", help="create the store (a DynamoDB table, on-demand billing) if missing",
                                  description="Create the store named by --store if it is missing: a DynamoDB table "
                                  "(partition key h, sort key p, on-demand billing) or a SQLite file.")
    _db_arg(create)
    create.set_defaults(func=_lazy("skill.store_cli:run_create"))
    store.set_defaults(func=lambda args: (store.print_help(), 2)[1])

    lam = sub.add_parser("lambda-package", help="build a zip for AWS Lambda", description="Build a deployable AWS Lambda "
                         "zip: the skill, its content and its dependencies as wheels for the Lambda platform "
                         "(no audio or recognition). Handler: skill.alexa.lambda_handler.handler.")
    lam.add_argument("--out", required=True, metavar="FILE.zip")
    lam.add_argument("--python-version", default="3.12", metavar="X.Y", help="the Lambda runtime's Python (default 3.12)")
    lam.add_argument("--arch", choices=["x86_64", "arm64"], default="x86_64", help="the Lambda architecture (default x86_64)")
    lam.set_defaults(func=_lazy("skill.alexa.lambda_package:run"))

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    # A crash inside a native library (the recognizer, the speech engine) would otherwise leave
    # only an exit status: name the Python frames of every thread on stderr (code, never speech).
    try:
        faulthandler.enable()
    except (AttributeError, OSError, RuntimeError, ValueError):  # stderr is not a file (called in-process)
        pass
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
