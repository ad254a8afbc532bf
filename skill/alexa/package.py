"""`closer skill-package`: skill.json, the en-US interaction model and the resume task, from the catalog.

ASK CLI layout: skill-package/skill.json, skill-package/interactionModels/custom/en-US.json,
skill-package/tasks/ResumeSession.1.json. The samples are a spread of the catalog's template
expansions (`Catalog.alexa_samples`, at most `alexa_samples_per_intent` each); no expansion may belong
to two intents.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

from .envelope import TIMERS_SCOPE
from .timers import RESUME_TASK, RESUME_TASK_VERSION

MANIFEST_CONFIG = Path(__file__).resolve().parent / "manifest.yaml"
REQUIRED_BUILTINS = ["AMAZON.NavigateHomeIntent"]
MAX_SAMPLE_CHARS = 200  # Alexa's limit for one sample utterance
MAX_MODEL_BYTES = 1_000_000  # our ceiling for the whole model, well under what Alexa accepts
_SLOT = re.compile(r"\{(\w+)\}")
_ALLOWED = re.compile(r"^(?:[a-z' .\-]|\{\w+\})+$")


class PackageError(Exception):
    """The catalog cannot make a valid interaction model."""


def _content():
    from skill.content import load_content

    return load_content(None)


def slot_types(catalog, content) -> list[dict]:
    """Custom slot types: EXERCISE_NAME from content (id, name, synonyms), the rest from the catalog."""
    types = []
    used = {t for intent in catalog.intents for t in intent.slots.values()}
    for name, spec in sorted(catalog.types.items()):
        if name not in used:  # Alexa rejects slot types no intent uses
            continue
        spec = spec or {}
        if spec.get("from_content"):
            values = []
            for activity_id, activity in sorted(content.activities().items()):
                names = [str(n).lower() for n in (getattr(activity, "names", None) or [])]
                if not names:
                    continue
                values.append({"id": activity_id, "name": {"value": names[0], "synonyms": names[1:]}})
        else:
            values = [{"name": {"value": str(v).lower()}} for v in spec.get("values") or []]
        types.append({"name": name, "values": values})
    return types


def interaction_model(catalog, content, invocation: str) -> dict:
    """The interaction model JSON, checking that every sample is valid and belongs to one intent."""
    intents = []
    for intent in catalog.intents:
        samples = catalog.alexa_samples(intent.name)
        for sample in samples:
            if not _ALLOWED.match(sample) or not sample.strip():
                raise PackageError(f"{intent.name}: sample {sample!r} has characters Alexa does not accept")
            if len(sample) > MAX_SAMPLE_CHARS:
                raise PackageError(f"{intent.name}: sample {sample!r} is longer than {MAX_SAMPLE_CHARS} characters")
            for slot in _SLOT.findall(sample):
                if slot not in intent.slots:
                    raise PackageError(f"{intent.name}: sample {sample!r} uses undeclared slot {slot}")
        entry = {"name": intent.name, "samples": samples}
        if intent.slots:
            entry["slots"] = [{"name": n, "type": t} for n, t in intent.slots.items()]
        intents.append(entry)
    for name in REQUIRED_BUILTINS:
        if name not in catalog.by_name:
            intents.append({"name": name, "samples": []})
    check_unique(catalog)
    model = {"interactionModel": {"languageModel": {
        "invocationName": invocation, "intents": intents, "types": slot_types(catalog, content)}}}
    size = len(json.dumps(model).encode("utf-8"))
    if size > MAX_MODEL_BYTES:
        raise PackageError(f"the interaction model is {size} bytes (over {MAX_MODEL_BYTES}): lower alexa_samples_per_intent")
    return model


def check_unique(catalog) -> None:
    """Raise if a sentence of the catalog's templates (as written, with slot types, or with its
    slots filled) belongs to two intents: checked over every expansion, not only the samples."""
    for form, first, second in catalog.collisions(limit=1):
        raise PackageError(f"sample {form!r} belongs to {first} and {second}")


def skill_manifest(config: dict) -> dict:
    """skill.json: publishing information, privacy URLs, endpoint, timers permission, resume task, events."""
    endpoint = {"uri": config["endpoint"], "sslCertificateType": config.get("ssl_certificate_type", "Trusted")}
    return {"manifest": {
        "manifestVersion": "1.0",
        "publishingInformation": {
            "locales": {"en-US": {
                "name": config["name"], "summary": config["summary"], "description": config["description"],
                "examplePhrases": config["example_phrases"], "keywords": config["keywords"],
            }},
            "isAvailableWorldwide": False,
            "distributionCountries": config["distribution_countries"],
            "category": config["category"],
            "testingInstructions": config["testing_instructions"],
        },
        "privacyAndCompliance": {
            "allowsPurchases": False, "usesPersonalInfo": False, "isChildDirected": False,
            "isExportCompliant": True, "containsAds": False,
            "locales": {"en-US": {"privacyPolicyUrl": config["privacy_policy_url"], "termsOfUseUrl": config["terms_of_use_url"]}},
        },
        "apis": {"custom": {
            "endpoint": endpoint,
            "interfaces": [{"type": "CAN_FULFILL_INTENT_REQUEST"}],
            "tasks": [{"name": RESUME_TASK, "version": RESUME_TASK_VERSION}],
        }},
        "events": {
            "endpoint": endpoint,
            "subscriptions": [{"eventName": "SKILL_DISABLED"}, {"eventName": "SKILL_PERMISSION_ACCEPTED"},
                              {"eventName": "SKILL_PERMISSION_CHANGED"}],
        },
        "permissions": [{"name": TIMERS_SCOPE}],
    }}


def resume_task() -> dict:
    """The task a LAUNCH_TASK timer starts: come back to the step the couple was on."""
    return {
        "openapi": "3.0.0",
        "info": {
            "title": "Resume Closer Together",
            "version": RESUME_TASK_VERSION,
            "x-amzn-alexa-access-scope": "vendor-private",
            "x-amzn-display-details": {"en-US": {"title": "Resume Closer Together",
                                                  "description": "Carry on with the activity where the two of you were."}},
        },
        "paths": {f"/{RESUME_TASK}": {
            "summary": "Resume the activity in progress",
            "description": "Opens Closer Together at the step the couple was on when a turn timer ends.",
            "post": {
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {}}}}},
                "responses": {"200": {"description": "Resumed", "content": {"application/json": {"schema": {"type": "object"}}}}},
            },
        }},
    }


def render_files(config: dict | None = None, catalog=None, content=None) -> dict[str, str]:
    """Every file of the package, relative path -> text."""
    config = config or yaml.safe_load(MANIFEST_CONFIG.read_text(encoding="utf-8"))
    content = content or _content()
    if catalog is None:
        from skill.catalog import load_catalog

        catalog = load_catalog(sorted(content.activity_names()))
    dump = lambda data: json.dumps(data, indent=2, ensure_ascii=False) + "\n"  # noqa: E731
    return {
        "skill.json": dump(skill_manifest(config)),
        "interactionModels/custom/en-US.json": dump(interaction_model(catalog, content, config["invocation_name"])),
        f"tasks/{RESUME_TASK}.{RESUME_TASK_VERSION}.json": dump(resume_task()),
    }


def stale(out: Path, files: dict[str, str]) -> list[str]:
    """Files under `out` that are missing or differ from what would be generated."""
    return [rel for rel, text in files.items()
            if not (out / rel).exists() or (out / rel).read_text(encoding="utf-8") != text]


def run(args) -> int:
    """Write the package (or, with --check, exit 1 when it is out of date)."""
    out = Path(getattr(args, "out", None) or "skill-package")
    from skill.templates import TemplateError

    try:
        files = render_files()
    except (PackageError, TemplateError) as err:  # a bad template names its intent and text
        print(f"skill-package: {err}", file=sys.stderr)
        return 1
    if getattr(args, "check", False):
        old = stale(out, files)
        for rel in old:
            print(f"out of date: {out / rel}", file=sys.stderr)
        return 1 if old else 0
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {out}")
    return 0
