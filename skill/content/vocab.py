"""The fixed vocabularies of prompts/, as documented in prompts/README.md."""

THEMES = (
    "trust",
    "communication",
    "emotional-safety",
    "empathy",
    "vulnerability",
    "appreciation",
    "gratitude",
    "listening",
    "expressing-needs",
    "conflict-repair",
    "shared-experiences",
    "dreams-future",
    "reminiscing",
    "affection",
    "rebuilding-trust",
    "busy-lives",
    "long-distance",
    "new-relationships",
    "long-term",
)
DEPTHS = (1, 2, 3)
CONTEXTS = ("dinner", "bedtime", "walk", "call", "any")
SPEAKERS = ("a", "b", "both", "none")
WAITS = ("none", "turn", "timed")
CADENCES = ("daily", "weekly")
PLACEHOLDERS = ("a", "b")

# kind -> the folder under prompts/ where files of that kind live
FOLDERS = {
    "deck": "decks",
    "exercise": "exercises",
    "ritual": "rituals",
    "ladder": "ladder",
    "phrases": "system",
    "safety": "safety",
}
KINDS = tuple(FOLDERS)

LADDER_SETS = 3
LADDER_SET_SIZE = 12
