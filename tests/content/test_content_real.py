"""The real prompts/ folder loads, every file in it validates, and loading is fast."""

from __future__ import annotations

import time

import pytest

from skill.content import CONTEXTS, DEPTHS, PROMPTS_DIR, THEMES, load_content
from skill.content.loader import build, display_path, yaml_files
from skill.content.model import Activity, Ladder

FILES = yaml_files(PROMPTS_DIR)


@pytest.fixture(scope="module")
def built():
    """The real content and its problems, loaded fresh."""
    return build(PROMPTS_DIR.resolve())


def test_real_content_loads_without_errors():
    content = load_content()
    assert content.decks and content.questions and content.exercises


@pytest.mark.parametrize("file", FILES, ids=[f.relative_to(PROMPTS_DIR).as_posix() for f in FILES])
def test_every_file_validates(built, file):
    content, problems = built
    path = display_path(file, PROMPTS_DIR)
    assert [p for p in problems if p[0] == path] == []
    assert path in content.files


def test_load_is_well_under_a_second():
    start = time.process_time()  # processor time: other tests on the other core do not stretch it
    content, problems = build(PROMPTS_DIR.resolve())
    elapsed = time.process_time() - start
    assert elapsed < 0.5, f"loading took {elapsed:.2f}s for {len(content.questions)} questions"


def test_load_is_cached_per_root():
    assert load_content() is load_content(PROMPTS_DIR)


def test_env_overrides_root(make_prompts, monkeypatch):
    root = make_prompts({"decks/trust.yaml": "kind: deck\nid: trust\ntitle: T\ntheme: trust\nquestions:\n"
                         "  - {id: only-one, depth: 2, contexts: [walk], text: Where shall we walk?}\n"})
    monkeypatch.setenv("CLOSER_PROMPTS", str(root))
    assert list(load_content().questions) == ["only-one"]


def test_api_shape():
    content = load_content()
    for question in content.questions.values():
        assert question.depth in DEPTHS and set(question.contexts) <= set(CONTEXTS)
        assert question.source == "ladder" or question.theme in THEMES
    for activity in content.activities().values():
        assert isinstance(activity, (Activity, Ladder)) and activity.names
    names = content.activity_names()
    assert all(name == name.lower() for name in names)
    assert set(names.values()) == set(content.activities())


def test_draw_steps_have_questions_to_draw():
    content = load_content()
    available = {(q.theme, q.depth) for q in content.questions.values() if q.source != "ladder"}
    for activity in (*content.exercises.values(), *content.rituals.values()):
        for step in activity.steps:
            if step.draw:
                assert (step.draw["theme"], step.draw["depth"]) in available, (activity.id, step.id)


def test_real_content_has_ladder_safety_and_phrases():
    content = load_content()
    assert content.ladder is not None and len(content.ladder.questions) == 36
    assert "en-US" in content.safety
    assert "en-US" in content.phrases
