"""The quantities issue 3 asks for, checked against loaded content."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .counts import deck_questions
from .model import Content
from .originality import normalize_words
from .vocab import LADDER_SET_SIZE, LADDER_SETS, THEMES

MIN_QUESTIONS = 300
MIN_THEMES = 12
MIN_EXERCISES = 12
# What the issue names, and the kind and id that provides it.
NAMED = {
    "a timed active-listening exercise": ("exercise", "listening"),
    "an appreciation round": ("exercise", "appreciation-round"),
    "a role-swap empathy exercise": ("exercise", "role-swap"),
    "an I statement repair after a disagreement": ("exercise", "i-statement-repair"),
    "a dreams-and-future check-in": ("exercise", "dreams-future"),
    "a bedtime gratitude ritual": ("ritual", "bedtime-gratitude"),
    "a weekly state of us ritual": ("ritual", "state-of-us"),
    "a five-minute check-in for busy days": ("exercise", "five-minute"),
    "a no-phones dinner conversation": ("exercise", "no-phones-dinner"),
    "a version for long-distance couples on a call": ("exercise", "long-distance-call"),
    "a gentle version for new couples": ("exercise", "new-couple"),
}
US_NUMBERS = ("988", "1-800-799-7233")
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class Requirement:
    """One requirement: what it is, whether it passes, and what was found."""

    id: str
    description: str
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


def check_requirements(content: Content) -> list[Requirement]:
    """Every requirement, passing or not."""
    return [_questions(content), _themes(content), _coverage(content), _exercises(content),
            *_named(content), _ladder(content), *_safety(content)]


def _questions(content: Content) -> Requirement:
    """Distinct deck questions."""
    texts = {" ".join(normalize_words(q.text)) for q in deck_questions(content)}
    return Requirement("questions", f"at least {MIN_QUESTIONS} distinct deck questions",
                       len(texts) >= MIN_QUESTIONS, f"{len(texts)} distinct")


def _themes(content: Content) -> Requirement:
    """Themes that have questions."""
    themes = {q.theme for q in deck_questions(content)}
    return Requirement("question-themes", f"questions across at least {MIN_THEMES} themes",
                       len(themes) >= MIN_THEMES, f"{len(themes)} themes")


def _coverage(content: Content) -> Requirement:
    """Every theme has questions."""
    missing = [t for t in THEMES if t not in {q.theme for q in deck_questions(content)}]
    return Requirement("theme-coverage", "every theme of the seed articles has questions",
                       not missing, "missing: " + ", ".join(missing) if missing else f"all {len(THEMES)}")


def _exercises(content: Content) -> Requirement:
    """Enough exercises."""
    n = len(content.exercises)
    return Requirement("exercises", f"at least {MIN_EXERCISES} guided exercises",
                       n >= MIN_EXERCISES, f"{n} exercises and {len(content.rituals)} rituals")


def _named(content: Content) -> list[Requirement]:
    """Each activity the issue names exists."""
    found = []
    for description, (kind, aid) in NAMED.items():
        activity = getattr(content, kind + "s").get(aid)
        ok, detail = activity is not None, f"{kind} '{aid}'" + ("" if activity else " not found")
        if ok and aid == "listening":
            timed = {s.speaker for s in activity.steps if s.wait == "timed"}
            ok = {"a", "b"} <= timed
            detail += "" if ok else " needs a timed share for each partner"
        if ok and aid == "state-of-us" and activity.cadence != "weekly":
            ok, detail = False, detail + " must have cadence weekly"
        found.append(Requirement(f"activity:{aid}", description, ok, detail))
    return found


def _ladder(content: Content) -> Requirement:
    """Three sets of twelve, rising."""
    ladder = content.ladder
    description = f"a closeness ladder of {LADDER_SETS} sets of {LADDER_SET_SIZE}, rising in depth"
    if ladder is None:
        return Requirement("ladder", description, False, "no ladder loaded")
    sizes = [len(s.questions) for s in ladder.sets]
    depths = [s.depth for s in ladder.sets]
    ok = sizes == [LADDER_SET_SIZE] * LADDER_SETS and depths == sorted(set(depths))
    return Requirement("ladder", description, ok, f"sets of {sizes} at depths {depths}")


def _safety(content: Content) -> list[Requirement]:
    """US crisis resources, spoken digit by digit."""
    safety = content.safety.get("en-US")
    if safety is None:
        return [Requirement("safety-en-US", "US safety text with crisis resources", False, "no en-US safety file")]
    numbers = [r.number for r in safety.resources]
    said = " ".join(normalize_words(" ".join([safety.reply, safety.closing, *(r.how for r in safety.resources)])))
    problems = [f"missing {n}" for n in US_NUMBERS if n not in numbers]
    if not ("start" in said.split() and "eight eight seven eight eight" in said):
        problems.append("text START to eight, eight, seven, eight, eight is not said")
    wrong = [r.number for r in safety.resources if _spoken_digits(r.spoken) != _digits(r.number)]
    return [
        Requirement("safety-en-US", "US safety text: 988 and the Domestic Violence Hotline, text START to 88788",
                    not problems, "; ".join(problems) or "988, 1-800-799-7233 and 88788"),
        Requirement("safety-spoken-digits", "every number is spoken in digits (a group may be 'eight hundred')",
                    not wrong, ("spoken form differs for " + ", ".join(wrong)) if wrong else "all match"),
    ]


def _digits(number: str) -> list[str]:
    """The digits of a written number."""
    return [c for c in number if c.isdigit()]


def _spoken_digits(spoken: str) -> list[str]:
    """The digits a spoken number says, word by word ("eight hundred" is 8, 0, 0, as in "one eight hundred")."""
    out: list[str] = []
    for w in normalize_words(spoken):
        if w == "hundred" and out and out[-1].isdigit():
            out += ["0", "0"]
        else:
            out.append(str(DIGIT_WORDS.index(w)) if w in DIGIT_WORDS else w)
    return out
