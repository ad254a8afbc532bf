"""Every number that shapes how the companion behaves, in one object.

Words live in prompts/system; these are the thresholds and lengths around them: when the
evening starts, how fast and how unhurried each pace level is, how long a breath lasts.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pace:
    """One pace level: the speaking rate front ends use, and how much longer pauses get."""

    wpm: int
    pause_scale: float


def _paces() -> dict[int, Pace]:
    # 150 words a minute while speaking; with the engine's pauses a reply is heard at about 130 to 145.
    return {-2: Pace(120, 1.6), -1: Pace(135, 1.3), 0: Pace(150, 1.0), 1: Pace(165, 0.85), 2: Pace(180, 0.7)}


@dataclass(frozen=True)
class Settings:
    """Thresholds and lengths of the dialogue (seconds unless named otherwise)."""

    # Local hours (0-23) that decide the wording ("this morning's", "tonight's") and the questions.
    morning_from: int = 5
    afternoon_from: int = 12
    evening_from: int = 17
    night_from: int = 21
    dinner_hours: tuple[int, int] = (17, 21)   # [from, to): dinner questions fit
    bedtime_hours: tuple[int, int] = (21, 5)   # wraps past midnight: bedtime questions fit
    # Pace: level -> rate and pause scale; levels outside the table are clamped.
    paces: dict = field(default_factory=_paces)
    # Quiet moments, at the default pace (scaled by the pace's pause_scale).
    beat: float = 1.0            # after every instruction, before the next words
    breath: float = 4.0          # where the content marks a breath and gives no length
    after_cue: float = 2.5       # after "That's time", before the next instruction
    before_question: float = 0.8
    after_question: float = 1.2
    after_ack: float = 0.7       # after "Thank you", "Okay, moving on"
    after_intro: float = 1.0
    # Sessions.
    checkin_length: int = 4
    list_page: int = 6           # exercise names heard in one breath
    ladder_set_size: int = 12
    name_cutoff: float = 0.75    # how close a spoken exercise name must be to a real one

    def pace(self, level: int) -> Pace:
        low, high = min(self.paces), max(self.paces)
        return self.paces[max(low, min(high, int(level or 0)))]

    def clamp_pace(self, level: int) -> int:
        return max(min(self.paces), min(max(self.paces), int(level or 0)))


SETTINGS = Settings()
