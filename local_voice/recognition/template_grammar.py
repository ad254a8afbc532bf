"""Compiling the catalog's templates into one compact JSGF grammar (no decoding here).

The template tree maps onto JSGF directly, so the grammar has the templates' own arcs, not a
list of their expansions: `(a|b)` stays an alternative, `[x]` an optional arc, `<rule>` one
shared JSGF rule, `{slot}` one shared rule of the slot type's values. Skip words ("um",
"okay", "please", "for a moment") are one rule allowed once before and once after a command (the matcher allows more)
it, where people put them; the matcher allows the same. A word the model cannot say voids
its branch only (an alternative without it stays).
"""

from __future__ import annotations

import re

from .commands import CommandSet, RecognizerError

_VOID = None  # a branch that cannot be said
SKIP_LEAD, SKIP_TAIL = 1, 1  # skip words allowed before and after a command (a second one before cost ~7 MB over all modes and let a Piper "next" become "now exit")
_NAME = re.compile(r"[^a-z0-9_]+")


def _rule_name(prefix: str, name: str) -> str:
    return prefix + _NAME.sub("_", name.lower())


class _Writer:
    def __init__(self, commands: CommandSet):
        from skill import templates as tpl

        self.tpl = tpl
        self.commands = commands
        self.grammar = commands.templates
        self.known = commands.known or (lambda word: True)
        self.rules: dict[str, str | None] = {}  # JSGF rule name -> body (None: cannot be said)
        self.order: list[str] = []

    def word(self, text: str) -> str | None:
        return text if self.known(text) else _VOID

    def node(self, node, slot_types: dict) -> str | None:
        """JSGF for a template node: a string ("" for nothing at all), or None when it cannot be said."""
        tpl = self.tpl
        if isinstance(node, tpl.Word):
            return self.word(node.text)
        if isinstance(node, tpl.Slot):
            return self.slot(slot_types.get(node.name, node.name))
        if isinstance(node, tpl.RuleRef):
            return self.rule(node.name)
        if isinstance(node, tpl.Alt):
            options = [self.node(option, slot_types) for option in node.options]
            said = list(dict.fromkeys(o for o in options if o))
            optional = node.optional or any(o == "" for o in options)
            if not said:
                return "" if optional else _VOID
            body = said[0] if len(said) == 1 and not optional else " | ".join(said)
            return f"[ {body} ]" if optional else (body if len(said) == 1 else f"( {body} )")
        parts = []
        for item in node.items:  # a sequence
            part = self.node(item, slot_types)
            if part is _VOID:
                return _VOID
            if part:
                parts.append(part)
        return " ".join(parts)

    def rule(self, name: str) -> str | None:
        jsgf_name = _rule_name("r_", name)
        if jsgf_name not in self.rules:
            self.rules[jsgf_name] = _VOID  # guards against a rule that refers to itself
            text = self.grammar.rules.get(name)
            if text is None:
                raise RecognizerError(f"unknown rule <{name}> in the catalog's templates")
            self.rules[jsgf_name] = self.node(self.tpl.parse(text), {})
            self.order.append(jsgf_name)
        body = self.rules[jsgf_name]
        if body is _VOID:
            return _VOID
        return "" if body == "" else f"<{jsgf_name}>"

    def slot(self, slot_type: str) -> str | None:
        from .grammar import _factor

        jsgf_name = _rule_name("slot_", slot_type)
        if jsgf_name not in self.rules:
            values = [tuple(v.split()) for v in self.commands.values.get(slot_type) or []]
            values = [v for v in values if v and all(self.known(w) for w in v)]
            self.rules[jsgf_name] = _factor(values) if values else _VOID
            self.order.append(jsgf_name)
        return _VOID if self.rules[jsgf_name] is _VOID else f"<{jsgf_name}>"

    def skip(self) -> str | None:
        words = [s for s in self.grammar.skip_words if all(self.known(w) for w in s.split())]
        if not words:
            return None
        self.rules["skip"] = " | ".join(words)
        self.order.append("skip")
        return "<skip>"


def template_jsgf(commands: CommandSet, live: list[str]) -> str:
    """One JSGF grammar of the live intents' templates: `[<skip>] ( ... ) [<skip>]`."""
    writer = _Writer(commands)
    grammar = commands.templates
    alternatives = []
    tpl = writer.tpl
    for name in live:
        types = grammar.slot_types.get(name, {})
        # pocketsphinx copies a slot rule at every place it is used (a first-name slot is ~150
        # words with their own search trees), so templates that end the same way from their first
        # slot on share ONE copy of that ending: "( our names are | we are | ... ) <names> and <names>".
        endings: dict[str, list[str]] = {}
        for text in grammar.by_intent.get(name, ()):
            node = tpl.parse(text)
            items = node.items if isinstance(node, tpl.Seq) else (node,)
            cut = next((i for i, item in enumerate(items) if isinstance(item, tpl.Slot)), None)
            if cut is None:
                body = writer.node(node, types)
                if body:
                    alternatives.append(body)
                continue
            head, tail = writer.node(tpl.Seq(items[:cut]), types), writer.node(tpl.Seq(items[cut:]), types)
            if head is not None and tail:
                endings.setdefault(tail, []).append(head)
        for tail, heads in endings.items():
            said = list(dict.fromkeys(h for h in heads if h))
            if not said:
                alternatives.append(tail)
            else:
                group = " | ".join(said)
                alternatives.append(f"[ {group} ] {tail}" if "" in heads else f"( {group} ) {tail}")
    alternatives = list(dict.fromkeys(alternatives))
    if not alternatives:
        raise RecognizerError("no phrases to listen for at this step")
    skip = writer.skip()
    body = "( " + " | ".join(alternatives) + " )"
    if skip:
        body = " ".join([f"[ {skip} ]"] * SKIP_LEAD + [body] + [f"[ {skip} ]"] * SKIP_TAIL)
    lines = ["#JSGF V1.0;", "grammar closer;", f"public <command> = {body};"]
    lines += [f"<{name}> = {writer.rules[name]};" for name in writer.order if writer.rules[name]]
    return "\n".join(lines) + "\n"
