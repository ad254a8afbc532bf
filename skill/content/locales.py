"""Read per-locale files: the companion's own phrases and the safety text."""

from __future__ import annotations

import re

from .fields import Problems, Record
from .model import Resource, Safety
from .nodes import Seq

SAFETY_FIELDS = ("kind", "locale", "not_therapy", "reply", "resources", "closing")
SAFETY_OPTIONAL = ("first", "number_again")
RESOURCE_FIELDS = ("name", "number", "spoken", "how")
# The families the disclosure grammar tells apart (skill/disclosures.yaml), and `any` for none.
SAFETY_FAMILIES = ("self_harm", "violence", "threats", "sexual", "fear", "control", "danger", "any")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def read_locale(rec: Record, stem: str) -> str | None:
    """The locale field, which must equal the file name."""
    locale = rec.text("locale")
    if locale is not None and locale != stem:
        rec.error("locale", f"locale must equal the file name '{stem}'")
        return None
    return locale


def read_phrases(data, problems: Problems, stem: str, path: str):
    """Validate a phrases file: key -> text or list of variant texts."""
    rec = Record(data, f"phrases '{stem}'", problems, 1, required=("kind", "locale", "phrases"))
    locale = read_locale(rec, stem)
    table = rec.data.get("phrases")
    if "phrases" in rec.data and not isinstance(table, dict):
        rec.error("phrases", "phrases must map each key to text or a list of texts")
        return None
    found = {}
    if not table:
        return (locale, found) if locale is not None else None
    # The engine fills its own {name} slots into phrases, so any simple slot name is allowed.
    inner = Record(table, "phrase", problems, rec.at("phrases"), optional=tuple(table),
                   placeholders_ok=None)
    for key, value in table.items():
        if not isinstance(key, str) or not _KEY.match(key):
            inner.error(key, f"phrase key {key!r} must be lowercase words joined by _")
            continue
        variants = [value] if isinstance(value, str) else value
        if not isinstance(variants, (list, Seq)) or not variants or not all(
                isinstance(v, str) and v.strip() for v in variants):
            inner.error(key, f"phrase '{key}' must be text or a non-empty list of texts")
            continue
        found[key] = tuple(v.strip() for v in variants)
    if locale is None:
        return None
    return locale, found


def read_safety(data, problems: Problems, stem: str, path: str) -> Safety | None:
    """Validate a safety file: disclaimer, reply, resources and closing."""
    rec = Record(data, f"safety '{stem}'", problems, 1, required=SAFETY_FIELDS, optional=SAFETY_OPTIONAL)
    locale = read_locale(rec, stem)
    texts = {k: rec.text(k) for k in ("not_therapy", "reply", "closing")}
    number_again = rec.text("number_again") if "number_again" in rec.data else ""
    items = rec.seq("resources")
    if items is not None and not items:
        rec.error("resources", "resources must list at least one resource")
    resources = []
    for item, line in zip(items or (), getattr(items, "lines", ())):
        label = item.get("name") if isinstance(item, dict) else None
        res = Record(item, f"resource '{label}'" if label else "resource", problems, line,
                     required=RESOURCE_FIELDS, optional=("id",))
        values = [res.text(k) for k in RESOURCE_FIELDS]
        if None not in values:
            resources.append(Resource(*values, id=res.text("id") or _resource_id(values[0])))
    first = _read_first(rec, resources)
    if locale is None or None in texts.values() or not items or len(resources) != len(items) or first is None:
        return None
    return Safety(locale, texts["not_therapy"], texts["reply"], tuple(resources), texts["closing"],
                  first=first, number_again=number_again or "")


def _resource_id(name: str) -> str:
    """A resource without an id is known by its name's words ("the_national_domestic_violence_hotline")."""
    return "_".join(re.findall(r"[a-z0-9]+", name.lower()))


def _read_first(rec: Record, resources: list) -> dict | None:
    """`first`: family -> the id of the resource named first for it; every id must be a resource's."""
    table = rec.data.get("first")
    if table is None:
        return {}
    if not isinstance(table, dict):
        rec.error("first", "first must map each family to a resource id")
        return None
    ids = {r.id for r in resources}
    ok = True
    for family, rid in table.items():
        if family not in SAFETY_FAMILIES:
            rec.error("first", f"unknown family {family!r} (use {', '.join(SAFETY_FAMILIES)})")
            ok = False
        elif rid not in ids:
            rec.error("first", f"{family}: {rid!r} is not the id of a resource ({', '.join(sorted(ids))})")
            ok = False
    return {str(k): str(v) for k, v in table.items()} if ok else None
