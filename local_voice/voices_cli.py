"""`closer voices list|fetch|warm`: the arguments (declared for `closer --help`) and `warm`.

Importing this module costs nothing: the work is imported only when a subcommand runs.
"""

from __future__ import annotations

import argparse
import sys
import time


def add_parser(sub, lazy) -> None:
    """Declare `closer voices ...` on the CLI's subparsers; `lazy("module:function")` runs a job."""
    voices = sub.add_parser("voices", help="list, fetch and pre-render speech voices",
                            description="Speech voices: Piper neural voices when installed, espeak-ng otherwise.")
    actions = voices.add_subparsers(dest="voices_command", metavar="ACTION")
    show = actions.add_parser("list", help="installed voices, the active one marked",
                              description="List installed voices with engine, language, quality, sample rate and licence.")
    show.add_argument("--voice", metavar="NAME", help="mark this voice as the one that would speak")
    show.set_defaults(func=lazy("local_voice.voices:run_list"))
    fetch = actions.add_parser("fetch", help="download a Piper voice (default en_US-joe-medium)",
                               description="Download a Piper voice (.onnx and .onnx.json) into the voices folder, "
                                           "checked by SHA-256.")
    fetch.add_argument("name", nargs="?", metavar="NAME", help="voice name (default en_US-joe-medium)")
    fetch.add_argument("--force", action="store_true", help="download even when the voice is installed")
    fetch.add_argument("--base-url", metavar="URL", help="where the voices are published (default: the Piper voices "
                                                         "repository; $CLOSER_VOICES_URL)")
    fetch.set_defaults(func=lazy("local_voice.voice_fetch:run_fetch"))
    warm = actions.add_parser("warm", help="pre-render every fixed line of prompts/ into the speech cache",
                              description="Render every fixed sentence of prompts/ into the speech cache, so replies "
                                          "start at once. Resumable: what is cached is skipped.")
    warm.add_argument("--voice", metavar="NAME", help="voice to render with (default: the active one)")
    warm.add_argument("--pace", type=int, nargs="+", default=[0], metavar="LEVEL",
                      help="pace levels to render, -2 (slowest) to 2 (default 0)")
    warm.add_argument("--cache-dir", metavar="DIR", help="speech cache folder (default: the user cache directory)")
    warm.set_defaults(func=lazy("local_voice.voices_cli:run_warm"))
    voices.set_defaults(func=lambda args: (voices.print_help(), 2)[1])


def progress_bar(label: str, out=sys.stderr):
    """A one-line progress bar: call it with (done, total, rendered)."""
    started = time.monotonic()

    def show(done: int, total: int, rendered: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        elapsed = time.monotonic() - started
        out.write(f"\r  {label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                  f"({rendered} rendered now, {elapsed:.0f} s)")
        if done >= total:
            out.write("\n")
        out.flush()

    return show


def run_warm(args: argparse.Namespace) -> int:
    """`closer voices warm`: every fixed sentence, at each pace, into the cache."""
    from .tts import SpeechError
    from .voice import RATE, Voice, fixed_lines

    try:
        voice = Voice(args.voice, cache=True, cache_dir=args.cache_dir, rate=RATE)
    except SpeechError as exc:
        print(f"closer voices warm: {exc}", file=sys.stderr)
        return 1
    if voice.info.engine == "piper":
        from .piper_split import cut_of, make_cut
        from .tts import piper_renderer

        if piper_renderer() == "onnx" and not cut_of(voice.info.model):
            print("Cutting the voice model for sliced decoding (once; less memory while speaking) ...", file=sys.stderr)
            make_cut(voice.info.model, wait=True)
    lines = fixed_lines()
    paces = sorted({max(-2, min(2, p)) for p in args.pace})
    print(f"Pre-rendering {len(lines)} fixed sentences with {voice.info.name} at pace {', '.join(map(str, paces))} "
          f"into {voice.cache_dir}", file=sys.stderr)
    try:
        rendered = voice.prerender(lines, paces, progress=progress_bar("speech cache"))
    except KeyboardInterrupt:
        print("\nStopped; run it again to carry on where it left off.", file=sys.stderr)
        return 130
    print(f"Done: {rendered} sentences rendered now, {len(lines) * len(paces) - rendered} were already cached.")
    return 0
