"""Logs carry request ids, types and intent names, never slot values; the Lambda entry serves the same skill."""

from __future__ import annotations

import logging

from .conftest import SeededEngine, MemoryStore, envelope


def test_logs_never_carry_slot_values(make_app, post, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_app().test_client()
    env = envelope("IntentRequest", intent="SetNamesIntent", slots={"nameA": "Zebulon", "nameB": "Quintessa"}, attrs={})
    assert post(client, env).status_code == 200
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "SetNamesIntent" in text and env["request"]["requestId"] in text
    assert "Zebulon" not in text and "Quintessa" not in text


def test_lambda_handler_answers_a_launch(monkeypatch):
    from skill.alexa import app as app_module
    from skill.alexa import lambda_handler

    monkeypatch.setattr(lambda_handler, "_SKILL", None)
    monkeypatch.setattr(app_module, "_load_engine", lambda: SeededEngine())
    monkeypatch.setattr(app_module, "_open_store", lambda db: MemoryStore())
    reply = lambda_handler.handler(envelope(), None)
    assert reply["version"] == "1.0" and "outputSpeech" in reply["response"]
