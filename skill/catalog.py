"""The intent catalog (skill/intents.yaml): what people can say, in one place, as templates.

Everything that needs phrasings derives them from here:
- the text matcher: `Catalog.match(text, allowed)` (one compiled `templates.Matcher`, skip words,
  then a near-spelling pass for typed text);
- the Alexa interaction model: `Catalog.alexa_samples(intent)` (`{slot}` kept, the simplest forms
  and a spread, at most `matching.alexa_samples_per_intent`) and `Catalog.collisions()`;
- `Intent.phrases`: a short plain list (each template's simplest forms, at most
  `matching.phrases_per_intent`) for code that wants phrases rather than templates;
- the spoken help: `Catalog.help_lines(allowed)`; `Catalog.problems()` checks that every quoted
  example in a help line is heard as its intent;
- the local recognition grammar: `Catalog.templates_for(intent) -> IntentTemplates`:

      IntentTemplates(
          intent="AMAZON.NextIntent",
          templates=("[the] next [<question>]", "[<ask>] (skip|pass on) [<this_one>]", ...),
          rules={"ask": "(let's|...)", ...},        # every catalog rule (templates may use any)
          slots={"exercise": ["memory lane", ...]},  # slot name -> values; [] = values not known here
          slot_types={"exercise": "EXERCISE_NAME"},  # (AMAZON.FirstName: the recognizer's own list)
          skip_words=("um", "okay", "for a moment", ...),
          always=False, over_talk=True)

  Parse each template with `skill.templates.parse` and walk the tree (Seq, Alt with `.optional`,
  Word, Slot, RuleRef) to build arcs; skip words may be allowed before and after every word.
  `Catalog.grammar_intents()` lists the intents that have templates (Fallback has none).

Slot values that come from content (`from_content: true`: exercise names today, theme names
later) are passed to `load_catalog(exercise_names, slot_values={TYPE: [...]})`.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import templates as tpl
from .templates import TemplateError, normalize

__all__ = ["Catalog", "Intent", "IntentTemplates", "Match", "TemplateError", "load_catalog", "name_forms", "normalize"]

CATALOG_PATH = Path(__file__).resolve().parent / "intents.yaml"
_QUOTED = re.compile(r'"([^"]+)"')
_CHECK_LIMIT = 50_000  # expansions per template compared for collisions (ours have at most a few thousand)
_MATCHING_DEFAULTS = {"typo_cutoff": 0.8, "alexa_samples_per_intent": 250, "phrases_per_intent": 20}


@dataclass(frozen=True)
class Intent:
    name: str
    templates: tuple[str, ...]
    help: str = ""
    slots: dict = field(default_factory=dict)
    always: bool = False
    contains: tuple[str, ...] = ()
    over_talk: bool = True  # heard by the local recognizer while the partners talk
    open_templates: tuple[str, ...] = ()  # text only: the slot takes words it does not know
    sampler: Callable | None = field(default=None, compare=False, repr=False)
    # From an extra item (SafetyIntent, skill/safety_language.py): `detect(said) -> slots | None` finds
    # the intent anywhere in a sentence; `grammar` is what the recognizer compiles instead of
    # `templates` (too many sentences to expand); `samples()` gives the Alexa samples whole.
    detect: Callable | None = field(default=None, compare=False, repr=False)
    grammar: tuple[str, ...] = ()
    samples: Callable | None = field(default=None, compare=False, repr=False)  # -> list of samples

    @property
    def builtin(self) -> bool:
        return self.name.startswith("AMAZON.")

    @functools.cached_property
    def phrases(self) -> tuple[str, ...]:
        """A short plain list ({slot} kept) for code that wants phrases, not templates: the help's
        examples, then each template's simplest forms in turn, at most `matching.phrases_per_intent`
        (built on first use)."""
        return tuple(self.sampler(self)) if self.sampler else self.templates


@dataclass(frozen=True)
class Match:
    intent: str
    slots: dict
    score: float
    phrase: str  # the template that matched


@dataclass(frozen=True)
class IntentTemplates:
    """What a grammar compiler needs for one intent (see the module docstring)."""

    intent: str
    templates: tuple[str, ...]
    rules: dict
    slots: dict
    slot_types: dict
    skip_words: tuple[str, ...]
    always: bool
    over_talk: bool


_NAME_LEAD = ("the ", "a ", "our ")
_NAME_TAIL = (" exercise", " one")


def name_forms(said: str) -> list[str]:
    """A spoken name as said, without its lead word, and without its tail word too:
    "the memory lane exercise" -> ["the memory lane exercise", "memory lane exercise", "memory lane"]."""
    forms = [said]
    for lead in _NAME_LEAD:
        if said.startswith(lead):
            said = said[len(lead):]
            forms.append(said)
            break
    for tail in _NAME_TAIL:
        if said.endswith(tail):
            forms.append(said[: -len(tail)])
            break
    return forms


def _template_list(intent_name: str, items, key: str) -> tuple[str, ...]:
    out = []
    for item in items or []:
        text = str(item)
        try:
            tpl.parse(text)
        except TemplateError as err:
            raise TemplateError(f"{intent_name} ({key}): {err}") from None
        out.append(" ".join(text.split()))
    return tuple(out)


class Catalog:
    """The loaded catalog: intents, rules, skip words, slot values, and the compiled matcher."""

    def __init__(self, data: dict, slot_values: dict[str, list[str]] | None = None):
        self.types: dict = data.get("types") or {}
        self.rules: dict[str, str] = {str(k): str(v) for k, v in (data.get("rules") or {}).items()}
        self.skip_words: tuple[str, ...] = tuple(normalize(w) for w in data.get("skip_words") or [] if normalize(w))
        self.matching: dict = {**_MATCHING_DEFAULTS, **(data.get("matching") or {})}
        self.slot_values: dict[str, list[str]] = {
            name: _type_values(spec, self.rules) for name, spec in self.types.items()
        }
        for name, values in (slot_values or {}).items():
            # Content replaces a type's values, except where the catalog keeps spoken synonyms:
            # then content (deck titles) joins them.
            kept = self.slot_values.get(name) if (self.types.get(name) or {}).get("synonyms") else []
            self.slot_values[name] = list(dict.fromkeys((kept or []) + [normalize(v) for v in values if normalize(v)]))
        intents = []
        for item in data["intents"]:
            name = item["name"]
            intents.append(Intent(
                name=name,
                templates=_template_list(name, item.get("templates", item.get("phrases")), "templates"),
                help=item.get("help", ""),
                slots=dict(item.get("slots") or {}),
                always=bool(item.get("always", False)),
                contains=_template_list(name, item.get("contains"), "contains"),
                over_talk=bool(item.get("over_talk", True)),
                open_templates=_template_list(name, item.get("open_templates"), "open_templates"),
                sampler=self._short_list,
                detect=item.get("detect"),
                grammar=_template_list(name, item.get("grammar"), "grammar"),
                samples=item.get("samples"),
            ))
        self.intents: list[Intent] = intents
        self._alexa: dict[str, list[str]] = {}
        self._slots_by_name = self._slot_names(intents)
        self.by_name = {i.name: i for i in self.intents}
        # Stop above all, then the other always-live intents: a tie never takes a stop away.
        ranked = sorted(self.intents, key=lambda i: (i.name != "AMAZON.StopIntent", not i.always))
        entries = [(i.name, t) for i in ranked for t in i.templates]
        known = {slot: values for slot, values in self._slots_by_name.items() if values is not None}
        self._matcher = tpl.Matcher(entries, self.rules, known, self.skip_words)
        opened = {slot for i in self.intents if i.open_templates for slot in i.slots}
        self._open_matcher = tpl.Matcher(
            [(i.name, t) for i in self.intents for t in i.open_templates], self.rules,
            {slot: values for slot, values in known.items() if slot not in opened}, self.skip_words)
        self._detecting = [i for i in self.intents if i.detect]
        leads = [tpl.regex(t, self.rules) for t in _template_list("lead_ins", data.get("lead_ins"), "lead_ins")]
        self._lead_in = re.compile("^(?:" + "|".join(leads) + ")") if leads else None
        self._contains = [(i.name, re.compile("(?:^| )(?:" + "|".join(tpl.regex(c, self.rules) for c in i.contains) + ")"))
                          for i in self.intents if i.contains]
        self._vocabulary = sorted(
            {w for i in self.intents for t in i.templates + i.contains for w in tpl.words(t, self.rules)}
            | {w for values in known.values() for v in values for w in v.split()}
            | {w for s in self.skip_words for w in s.split()})
        self._near: dict[tuple[str, float], tuple[str, float]] = {}  # (word, cutoff) -> nearest known word
        for word in self._vocabulary:
            self._near[(word, float(self.matching["typo_cutoff"]))] = (word, 1.0)

    def _slot_names(self, intents: list[Intent]) -> dict[str, list[str] | None]:
        """Slot name -> its values (None when only the front end knows them: first names)."""
        out: dict[str, list[str] | None] = {}
        for intent in intents:
            for slot, slot_type in intent.slots.items():
                values = self.slot_values.get(slot_type)
                if slot in out and out[slot] != values:
                    raise TemplateError(f"slot {{{slot}}} has two types; give each type its own slot name")
                out[slot] = values
        return out

    # ---- what the front ends use ---------------------------------------------------------

    def synonyms(self, type_name: str) -> dict[str, list[str]]:
        """A slot type's values by id ({"trust": ["trust", "trusting each other"], ...}); {} without synonyms."""
        spec = self.types.get(type_name) or {}
        return {str(k): [normalize(v) for v in forms or []] for k, forms in (spec.get("synonyms") or {}).items()}

    def value_id(self, type_name: str, spoken: str | None) -> str | None:
        """The id a spoken slot value stands for ("the future" -> "dreams-future"), or None."""
        said = normalize(spoken or "")
        for value_id, forms in self.synonyms(type_name).items():
            if said == normalize(value_id) or said in forms:
                return value_id
        return None

    @property
    def names(self) -> list[str]:
        return [i.name for i in self.intents]

    @property
    def always_live(self) -> list[str]:
        return [i.name for i in self.intents if i.always]

    @property
    def not_over_talk(self) -> list[str]:
        """Intents the local recognizer leaves out while the partners talk."""
        return [i.name for i in self.intents if not i.over_talk]

    def grammar_intents(self) -> list[str]:
        return [i.name for i in self.intents if i.templates]

    def templates_for(self, intent_name: str) -> IntentTemplates:
        """The templates of one intent with everything needed to compile them into a grammar."""
        intent = self.by_name[intent_name]
        return IntentTemplates(
            intent=intent.name, templates=intent.grammar or intent.templates, rules=dict(self.rules),
            slots={slot: list(self.slot_values.get(t) or []) for slot, t in intent.slots.items()},
            slot_types=dict(intent.slots), skip_words=self.skip_words, always=intent.always,
            over_talk=intent.over_talk)

    def expand(self, intent_name: str, slot_samples: dict[str, list[str]] | None = None,
               limit: int | None = None) -> list[str]:
        """Every concrete phrase for an intent, slots filled with known values (or samples);
        phrasings whose slot has no values are left out."""
        intent = self.by_name[intent_name]
        slots = {slot: list((slot_samples or {}).get(slot) or self.slot_values.get(t) or [])
                 for slot, t in intent.slots.items()}
        out: dict[str, None] = {}
        for template in intent.templates:
            for text in tpl.expand(template, self.rules, slots, limit=limit):
                out.setdefault(text)
        return list(out)[:limit] if limit else list(out)

    def alexa_samples(self, intent_name: str) -> list[str]:
        """The Alexa samples of an intent ({slot} kept): its simplest forms and a spread of the rest."""
        if intent_name not in self._alexa:
            self._alexa[intent_name] = self._samples(self.by_name[intent_name])
        return list(self._alexa[intent_name])

    def _help_examples(self, intent: Intent) -> list[str]:
        """The quoted examples of an intent's help line that its own templates hear ("stop")."""
        out = []
        for example in (normalize(e) for e in _QUOTED.findall(intent.help)):
            found = example and self._matcher.match(example, [intent.name], exact_only=True)
            if found:  # "start the listening exercise" becomes "start the {exercise}"
                for slot, value in found.slots.items():
                    example = re.sub(rf"\b{re.escape(value)}\b", "{" + slot + "}", example, count=1)
                out.append(example)
        return out

    def _short_list(self, intent: Intent) -> list[str]:
        per_template = [sorted(tpl.expand(t, self.rules, keep_slots=True, limit=5000), key=lambda f: len(f.split()))
                        for t in intent.templates]
        out: dict[str, None] = dict.fromkeys(self._help_examples(intent))
        for rank in range(max((len(forms) for forms in per_template), default=0)):
            for forms in per_template:
                if rank < len(forms) and len(out) < int(self.matching["phrases_per_intent"]):
                    out.setdefault(forms[rank])
        return list(out)

    def _samples(self, intent: Intent) -> list[str]:
        """At most `alexa_samples_per_intent` forms, {slot} kept. The budget is shared fairly (small
        templates whole, the rest split among the big ones); a big template's share goes half to its
        simplest forms (fewest words: "start a check in") and half spread evenly over all its forms."""
        if intent.samples:  # given whole (SafetyIntent, best first): those no other intent says, up to the cap
            own = [s for s in intent.samples() if (m := self._matcher.match(s)) is None or m.intent == intent.name]
            return own[: int(self.matching["alexa_samples_per_intent"])]
        first = self._help_examples(intent)  # what the help tells people to say must be a sample
        budget = int(self.matching["alexa_samples_per_intent"]) - len(first)
        sizes = {t: tpl.count(t, self.rules) for t in intent.templates}
        shares: dict[str, int] = {}
        for n, template in enumerate(sorted(intent.templates, key=lambda t: sizes[t])):
            shares[template] = min(sizes[template], max(1, budget // (len(sizes) - n)))
            budget -= shares[template]
        out: dict[str, None] = dict.fromkeys(first)
        for template in intent.templates:
            forms, share = tpl.expand(template, self.rules, keep_slots=True), shares[template]
            if share >= len(forms):
                out.update(dict.fromkeys(forms))
                continue
            simplest = sorted(range(len(forms)), key=lambda k: (len(forms[k].split()), k))[: share // 2]
            spread = [k * len(forms) // (share - share // 2) for k in range(share - share // 2)]
            out.update(dict.fromkeys(forms[k] for k in sorted(set(simplest) | set(spread))))
        return list(out)[: int(self.matching["alexa_samples_per_intent"])]

    def match(self, text: str, allowed: list[str] | None = None, cutoff: float | None = None) -> Match | None:
        """Text -> intent: a disclosure anywhere in the sentence first, then the templates (skip words
        ignored), then the same with unknown words read as their nearest known word (typed text)."""
        said = normalize(text)
        if not said:
            return None
        live = set(allowed) | set(self.always_live) if allowed is not None else None
        for intent in self._detecting:
            slots = intent.detect(said) if live is None or intent.name in live else None
            if slots is not None:
                return Match(intent.name, slots, 1.0, "")
        for name, regex in self._contains:
            inside = regex.search(said + " ")
            if (live is None or name in live) and inside:
                return Match(name, {}, 1.0, inside.group(0).strip())
        found = self._matcher.match(said, live) or self._after_lead_in(said, live)
        if found:
            return Match(found.intent, found.slots, 1.0, found.template)
        fixed, score = self._fix_typos(said, cutoff)
        if fixed != said:
            found = self._matcher.match(fixed, live)
            # never a disclosure by guesswork: "i want to diet" or "dive" is not "i want to die"; the
            # detector above already reads a disclosure in the words people type
            if found and not self.by_name[found.intent].detect:
                return Match(found.intent, found.slots, round(score, 3), found.template)
        found = self._open_matcher.match(said, live)  # "start the juggling game": a name we do not know
        if found:
            return Match(found.intent, found.slots, 1.0, found.template)
        return None

    def _after_lead_in(self, said: str, live: set[str] | None):
        """"okay we're ready, let's do a check in": the command after a clause said on the way to it."""
        rest = said
        for _ in range(2):  # "okay we're ready, sounds good, next one"
            lead = self._lead_in.match(rest + " ") if self._lead_in else None
            if not lead or lead.end() >= len(rest):
                return None
            rest = rest[lead.end():].strip()
            found = self._matcher.match(rest, live)
            if found:
                return found
        return None

    def _fix_typos(self, said: str, cutoff: float | None) -> tuple[str, float]:
        cutoff = float(cutoff if cutoff is not None else self.matching["typo_cutoff"])
        words, score = [], 1.0
        for word in said.split():
            key = (word, cutoff)
            if key not in self._near:  # the same table talk words come again and again
                near = difflib.get_close_matches(word, self._vocabulary, n=1, cutoff=cutoff)
                ratio = difflib.SequenceMatcher(None, word, near[0]).ratio() if near else 1.0
                self._near[key] = (near[0] if near else word, ratio)
            word, ratio = self._near[key]
            score = min(score, ratio)
            words.append(word)
        return " ".join(words), score

    def help_lines(self, allowed: list[str]) -> list[str]:
        """Short spoken help lines for the intents live now, without repeats."""
        seen: list[str] = []
        for name in allowed:
            intent = self.by_name.get(name)
            if intent and intent.help and intent.help not in seen:
                seen.append(intent.help)
        return seen

    # ---- checks ----------------------------------------------------------------------------

    def collisions(self, limit: int = 20) -> list[tuple[str, str, str]]:
        """(sentence, intent, other intent) for sentences two intents share: as written, with slot
        types in place of slot names, or a plain sentence that a slot template covers once its slot
        is filled ("start the {exercise}" and "start the check in"). Alexa refuses such a model and
        the matcher would have to guess."""
        owner: dict[str, str] = {}
        plain: list[tuple[str, str]] = []
        found: list[tuple[str, str, str]] = []

        def claim(form: str, name: str) -> None:
            if owner.setdefault(form, name) != name and len(found) < limit:
                found.append((form, owner[form], name))

        for intent in self.intents:
            typed = lambda m: "{" + intent.slots.get(m.group(1), m.group(1)) + "}"  # noqa: E731
            every = (f for t in intent.templates for f in tpl.expand(t, self.rules, keep_slots=True, limit=_CHECK_LIMIT))
            for form in dict.fromkeys(every):
                claim(form, intent.name)
                if "{" in form:
                    claim(re.sub(r"\{(\w+)\}", typed, form), intent.name)
                else:
                    plain.append((form, intent.name))
        with_slots = [i.name for i in self.intents if i.slots]
        for form, name in plain:
            for other in with_slots:
                if other != name and self._matcher.match(form, [other], exact_only=True):
                    claim(form, other)
        return found

    def problems(self) -> list[str]:
        """What is wrong with the catalog as data: collisions, and help examples not heard as meant."""
        out = [f"{form!r} belongs to {a} and {b}" for form, a, b in self.collisions()]
        for intent in self.intents:
            sharing = {i.name for i in self.intents if i.help == intent.help}
            for example in _QUOTED.findall(intent.help):
                if "{" in example or any(ch.isupper() for ch in example[1:]):
                    continue  # "our names are Sam and Alex": names stand for any names
                found = self.match(example)
                if found is None or found.intent not in sharing:
                    out.append(f"{intent.name}: help example {example!r} is heard as {found and found.intent}")
        return out


def _type_values(spec: dict | None, rules: dict) -> list[str]:
    """The spoken values of a slot type: `values`, every form under `synonyms`, and the
    expansions of `template` and `extra` (templates, for values with many forms such as times)."""
    spec = spec or {}
    out = [str(v) for v in spec.get("values") or []]
    for forms in (spec.get("synonyms") or {}).values():
        out.extend(str(f) for f in forms or [])
    for template in ([spec["template"]] if spec.get("template") else []) + list(spec.get("extra") or []):
        out.extend(tpl.expand(str(template), rules))
    return list(dict.fromkeys(normalize(v) for v in out if normalize(v)))


# ---- loading ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _load_raw(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _extra_items() -> list[dict]:
    """Hook for other template sources: intent items ({"name", "templates", "contains", ...})
    merged into the catalog by `merge_items`. SafetyIntent (and "the number again") come from the
    disclosure grammar, skill/disclosures.yaml."""
    from .safety_language import catalog_items

    return catalog_items()


def merge_items(data: dict, items: list[dict]) -> dict:
    """The catalog data with extra intent items: templates and contains of a known intent are
    added to it; an unknown intent is appended; `rules` in an item join the catalog's rules."""
    merged = {**data, "intents": [dict(i) for i in data["intents"]], "rules": dict(data.get("rules") or {})}
    by_name = {i["name"]: i for i in merged["intents"]}
    for item in items:
        merged["rules"].update(item.get("rules") or {})
        target = by_name.get(item["name"])
        if target is None:
            merged["intents"].append({k: v for k, v in item.items() if k != "rules"})
            continue
        for key in ("detect", "grammar", "samples"):
            if item.get(key):
                target[key] = item[key]
        for key in ("templates", "contains"):
            if item.get(key):
                base = target.get(key) if key in target else target.get("phrases") if key == "templates" else None
                target[key] = list(base or []) + list(item[key])
    return merged


def load_catalog(exercise_names: list[str] | None = None, path: Path | None = None,
                 slot_values: dict[str, list[str]] | None = None) -> Catalog:
    """Load the catalog; exercise names (from content) become the EXERCISE_NAME slot values, and
    `slot_values` fills any other type marked `from_content`."""
    raw = _load_raw(str(path or CATALOG_PATH))
    extra = _extra_items()
    if extra:
        raw = merge_items(raw, extra)
    values = {"EXERCISE_NAME": list(exercise_names or []), **(slot_values or {})}
    return Catalog(raw, values)
