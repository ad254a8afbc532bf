"""The generated skill package: up to date in the repository, valid, one intent per sample."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from skill.alexa import package
from skill.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "skill-package"


@pytest.fixture(scope="module")
def files():
    return package.render_files()


def test_repository_package_is_up_to_date(files):
    stale = package.stale(PKG, files)
    assert not stale, f"skill-package/ is out of date ({stale}): run `closer skill-package`"


def test_check_flag_reports_stale(tmp_path, capsys, files, monkeypatch):
    # What is rendered is checked above; here, what --check and a write do with it (rendered once).
    monkeypatch.setattr(package, "render_files", lambda: files)
    assert package.run(SimpleNamespace(out=str(tmp_path), check=True)) == 1
    assert package.run(SimpleNamespace(out=str(tmp_path), check=False)) == 0
    assert package.run(SimpleNamespace(out=str(tmp_path), check=True)) == 0
    (tmp_path / "skill.json").write_text("{}")
    assert package.run(SimpleNamespace(out=str(tmp_path), check=True)) == 1


def test_manifest_has_timers_permission_task_and_privacy_urls(files):
    manifest = json.loads(files["skill.json"])["manifest"]
    assert {"name": "alexa::alerts:timers:skill:readwrite"} in manifest["permissions"]
    assert manifest["apis"]["custom"]["tasks"] == [{"name": "ResumeSession", "version": "1"}]
    locale = manifest["privacyAndCompliance"]["locales"]["en-US"]
    assert locale["privacyPolicyUrl"].startswith("https://") and locale["termsOfUseUrl"].startswith("https://")
    assert {"eventName": "SKILL_DISABLED"} in manifest["events"]["subscriptions"]
    assert "tasks/ResumeSession.1.json" in files


def test_model_invocation_and_every_catalog_intent(files):
    model = json.loads(files["interactionModels/custom/en-US.json"])["interactionModel"]["languageModel"]
    assert model["invocationName"] == "closer together"
    names = {i["name"] for i in model["intents"]}
    for required in ("AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
                     "AMAZON.NavigateHomeIntent", "AMAZON.NextIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent"):
        assert required in names


def test_no_sample_in_two_intents_and_samples_are_alexa_clean(files):
    model = json.loads(files["interactionModels/custom/en-US.json"])["interactionModel"]["languageModel"]
    seen = {}
    for intent in model["intents"]:
        for sample in intent["samples"]:
            assert re.fullmatch(r"(?:[a-z' .\-]|\{\w+\})+", sample), sample
            assert seen.setdefault(sample, intent["name"]) == intent["name"], sample
    used = {s["type"] for i in model["intents"] for s in i.get("slots", [])}
    assert {t["name"] for t in model["types"]} <= used | {"AMAZON.FirstName"}
    exercise = next(t for t in model["types"] if t["name"] == "EXERCISE_NAME")
    assert any(v["name"]["value"] == "listening exercise" for v in exercise["values"])


def test_duplicate_sample_is_refused():
    data = {"intents": [{"name": "AIntent", "phrases": ["go on"]}, {"name": "BIntent", "phrases": ["go on"]}]}
    with pytest.raises(package.PackageError, match="go on"):
        package.check_unique(Catalog(data))


def test_sample_colliding_once_slots_are_filled_is_refused():
    data = {"types": {"EXERCISE_NAME": {"from_content": True}},
            "intents": [{"name": "StartIntent", "phrases": ["start the {exercise}"], "slots": {"exercise": "EXERCISE_NAME"}},
                        {"name": "CheckIntent", "phrases": ["start the check in"]}]}
    with pytest.raises(package.PackageError, match="start the check in"):
        package.check_unique(Catalog(data, {"EXERCISE_NAME": ["check in"]}))
