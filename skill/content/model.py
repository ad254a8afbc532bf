"""Frozen dataclasses for loaded content: what the engine reads."""

from __future__ import annotations

from dataclasses import dataclass, field


class FrozenDict(dict):
    """A read-only, hashable dict (a step's draw), so steps and activities stay hashable."""

    def __hash__(self):
        return hash(tuple(sorted(self.items())))

    def __reduce__(self):
        return FrozenDict, (dict(self),)

    def _read_only(self, *args, **kwargs):
        """Refuse any change."""
        raise TypeError("content is read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _read_only


@dataclass(frozen=True)
class Question:
    """One conversation question, from a deck or from the ladder."""

    id: str
    text: str
    depth: int
    contexts: tuple[str, ...]
    theme: str | None  # None for ladder questions
    source: str  # the deck id, or "ladder"


@dataclass(frozen=True)
class Deck:
    """A themed deck of check-in questions."""

    id: str
    title: str
    theme: str
    questions: tuple[Question, ...]
    path: str


@dataclass(frozen=True)
class Step:
    """One step of an exercise or ritual."""

    id: str
    speaker: str  # 'a' | 'b' | 'both' | 'none'
    say: str | None
    draw: dict | None  # {'theme': str, 'depth': int}
    wait: str  # 'none' | 'turn' | 'timed'
    seconds: int | None = None
    warn_before: int | None = None
    breath: int | None = None  # seconds of quiet after the words, where the step asks for a breath
    starts: str = "a"  # for a step both answer: who speaks first ('a' or 'b'); the other is invited next


@dataclass(frozen=True)
class Activity:
    """A guided exercise or a ritual: ordered steps with an intro and an outro."""

    id: str
    kind: str  # 'exercise' | 'ritual'
    title: str
    theme: str
    names: tuple[str, ...]
    minutes: int
    contexts: tuple[str, ...]
    summary: str
    intro: str
    steps: tuple[Step, ...]
    outro: str
    cadence: str | None
    path: str


@dataclass(frozen=True)
class LadderSet:
    """Twelve ladder questions of one depth."""

    id: str
    depth: int
    intro: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Ladder:
    """The closeness ladder: three sets of twelve questions, rising in depth."""

    id: str
    title: str
    names: tuple[str, ...]
    intro: str
    sets: tuple[LadderSet, ...]
    path: str = ""
    kind: str = "ladder"

    @property
    def questions(self) -> tuple[Question, ...]:
        """All ladder questions in order."""
        return tuple(q for s in self.sets for q in s.questions)


@dataclass(frozen=True)
class Resource:
    """A crisis resource, with its number written and spoken."""

    name: str
    number: str
    spoken: str  # the number alone, its groups separated by commas ("one eight hundred, seven nine nine, ...")
    how: str
    id: str = ""


@dataclass(frozen=True)
class Safety:
    """Safety text for one locale."""

    locale: str
    not_therapy: str
    reply: str
    resources: tuple[Resource, ...]
    closing: str
    first: dict = field(default_factory=dict)  # disclosure family -> id of the resource named first
    number_again: str = ""  # said before "say the number again" reads the number slowly

    def ordered(self, family: str | None) -> tuple[Resource, ...]:
        """The resources with the one for this family (or for `any`) first, the rest as listed."""
        lead = self.first.get(family or "any") or self.first.get("any")
        return tuple(sorted(self.resources, key=lambda r: r.id != lead))


@dataclass(frozen=True, eq=False)
class Content:
    """Everything loaded from prompts/."""

    root: str
    decks: dict = field(default_factory=dict)
    questions: dict = field(default_factory=dict)
    exercises: dict = field(default_factory=dict)
    rituals: dict = field(default_factory=dict)
    ladder: Ladder | None = None
    phrases: dict = field(default_factory=dict)
    safety: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)  # display path -> kind

    def activities(self) -> dict:
        """Exercises, rituals and the ladder, by id."""
        found = {**self.exercises, **self.rituals}
        if self.ladder is not None:
            found[self.ladder.id] = self.ladder
        return found

    def activity_names(self) -> dict[str, str]:
        """Every spoken name (normalized) mapped to its activity id."""
        from .text import normalize_name

        return {normalize_name(n): a.id for a in self.activities().values() for n in a.names}
