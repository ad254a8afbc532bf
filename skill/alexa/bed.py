"""The ambient bed: a quiet sound Alexa streams through AudioPlayer while the couple talks.

Why: an Echo keeps its microphone open only about eight seconds, so the skill ends the session
while partners talk. A skill that is playing, or most recently played, AudioPlayer audio receives
the built-in intents (Next, Pause, Resume, Previous, Repeat, StartOver, Stop, Cancel) without its
invocation name (Amazon, "Standard Built-in Intents"; "AudioPlayer Interface Reference"), so with
the bed on "Alexa, next" and "Alexa, pause" reach us. Devices without AudioPlayer in
context.System.device.supportedInterfaces keep the plain behaviour.

Tokens are "closer-bed:<started epoch s>:<n>": a PlaybackNearlyFinished re-queues the same file
(ENQUEUE needs the playing token as expectedPreviousToken) until MAX_BED_S after the bed started,
so a bed nobody stops fades out on its own instead of playing all night.
"""

from __future__ import annotations

from pathlib import Path

from ask_sdk_model.interfaces.audioplayer import (
    AudioItem,
    AudioItemMetadata,
    ClearBehavior,
    ClearQueueDirective,
    PlayBehavior,
    PlayDirective,
    StopDirective,
    Stream,
)

from . import envelope as env

AUDIO_DIR = Path(__file__).resolve().parent / "audio"
BED_FILE = "bed.mp3"
TOKEN_PREFIX = "closer-bed:"
MAX_BED_S = 30 * 60


def supported(raw: dict) -> bool:
    """Whether the device streams AudioPlayer audio."""
    device = env.system(raw).get("device")
    interfaces = device.get("supportedInterfaces") if isinstance(device, dict) else None
    return isinstance(interfaces, dict) and "AudioPlayer" in interfaces


def player(raw: dict) -> dict:
    """context.AudioPlayer (token, playerActivity), or {}."""
    ctx = raw.get("context")
    state = ctx.get("AudioPlayer") if isinstance(ctx, dict) else None
    return state if isinstance(state, dict) else {}


def ours(token) -> bool:
    return isinstance(token, str) and token.startswith(TOKEN_PREFIX)


def url(base: str) -> str:
    return base.rstrip("/") + "/audio/" + BED_FILE


def token(now: float, n: int = 0, started: float | None = None) -> str:
    return f"{TOKEN_PREFIX}{int(started if started is not None else now)}:{n}"


def parse(token_: str) -> tuple[int, int] | None:
    """(started, n) of one of our tokens, or None."""
    if not ours(token_):
        return None
    try:
        started, n = token_[len(TOKEN_PREFIX):].split(":")
        return int(started), int(n)
    except ValueError:
        return None


def _item(base: str, tok: str, previous: str | None = None) -> AudioItem:
    return AudioItem(
        stream=Stream(token=tok, url=url(base), offset_in_milliseconds=0, expected_previous_token=previous),
        metadata=AudioItemMetadata(title="Closer Together", subtitle="Quiet while you talk"),
    )


def play(base: str, now: float) -> PlayDirective:
    """Start the bed now, replacing whatever played."""
    return PlayDirective(play_behavior=PlayBehavior.REPLACE_ALL, audio_item=_item(base, token(now)))


def requeue(base: str, playing: str, now: float) -> PlayDirective | None:
    """The next loop of the bed after `playing`, or None once the bed has played long enough."""
    parsed = parse(playing)
    if parsed is None or now - parsed[0] >= MAX_BED_S:
        return None
    started, n = parsed
    return PlayDirective(play_behavior=PlayBehavior.ENQUEUE,
                         audio_item=_item(base, token(now, n + 1, started), previous=playing))


def stop() -> StopDirective:
    return StopDirective()


def clear() -> ClearQueueDirective:
    return ClearQueueDirective(clear_behavior=ClearBehavior.CLEAR_ALL)
