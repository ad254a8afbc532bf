"""`closer local`: choose the front end (voice, audio files, text) and run it."""

from __future__ import annotations

import sys

from skill.store import StoreError


def _voice_available(args) -> tuple[bool, str]:
    """Whether a microphone and a speaker can be used, and if not, why."""
    from . import audio

    try:
        audio.pick_device(args.input_device, "input")
        audio.pick_device(args.output_device, "output")
    except audio.AudioError as err:
        return False, str(err)
    return True, ""


def _print_devices() -> int:
    from . import audio

    try:
        print(audio.format_devices(audio.list_devices()))
    except audio.AudioError as err:
        print(f"closer local: {err}", file=sys.stderr)
        return 1
    return 0


def run(args) -> int:
    """Run the local companion."""
    if args.list_devices:
        return _print_devices()
    from .companion import Companion

    try:
        companion = Companion.open(getattr(args, "store", None) or args.db)
    except StoreError as err:
        print(f"closer local: {err}", file=sys.stderr)
        return 1
    except Exception as err:  # content or catalog problems are named precisely by their loaders
        print(f"closer local: cannot start: {err}", file=sys.stderr)
        return 1
    if getattr(args, "mic_file", None):
        from . import mic_file
        return mic_file.run(args, companion)
    if args.audio_in:
        from . import voice_loop
        return voice_loop.run_files(args, companion)
    from . import text
    if args.jsonl:
        return text.run_jsonl(companion)
    if args.text:
        return text.run_console(companion)
    ok, why = _voice_available(args)
    if not ok:
        print(f"No microphone and speaker to use: {why}. Starting the text console instead.", file=sys.stderr)
        return text.run_console(companion)
    from . import voice_loop
    return voice_loop.run_live(args, companion)
