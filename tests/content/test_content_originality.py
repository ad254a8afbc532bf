"""No run of eight words is shared between prompts/ and the seed articles."""

from __future__ import annotations

import pytest
import yaml

from skill.content import PROMPTS_DIR, originality
from skill.content.originality import check_originality, normalize_words, seed_files, seeds_dir

SEEDS = seeds_dir()
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed articles not found at {SEEDS}")


def seed_words(count: int) -> str:
    """`count` consecutive words from the middle of the first seed file, as written there."""
    words = seed_files(SEEDS)[0].read_text(encoding="utf-8").split()
    return " ".join(words[100:100 + count])


def test_normalization():
    assert normalize_words("It\u2019s LATE, isn't it? {a}!") == ["it's", "late", "isn't", "it", "a"]


@needs_seeds
def test_real_prompts_share_no_eight_word_run_with_the_seeds():
    findings, summary = check_originality(PROMPTS_DIR)
    assert [str(f) for f in findings] == []
    assert summary["seed_files"] == len(seed_files(SEEDS)) > 0


@needs_seeds
def test_copied_seed_text_is_caught(make_prompts):
    root = make_prompts({"decks/copied.yaml": yaml.safe_dump({"text": "Well, " + seed_words(9)}, width=1000)})
    findings, _ = check_originality(root)
    assert [(f.path, f.line, f.rule) for f in findings] == [("prompts/decks/copied.yaml", 1, "originality")]
    assert seed_files(SEEDS)[0].name in findings[0].message


@needs_seeds
def test_seven_shared_words_are_allowed(make_prompts):
    root = make_prompts({"decks/short.yaml": yaml.safe_dump({"text": seed_words(7)}, width=1000)})
    assert check_originality(root)[0] == []


def test_shared_run_found_whatever_the_case_and_punctuation(make_prompts, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "article.txt").write_text("Truly, it\u2019s the small daily things that build a lasting bond.")
    root = make_prompts({"decks/a.yaml": "text: \"It's the small, daily things that build a lasting life.\"\n"})
    findings, _ = check_originality(root, seeds)
    assert len(findings) == 1 and "it's the small daily things that build a" in findings[0].message


def test_no_seeds_beside_the_checkout_skips_the_check_and_says_so(make_prompts, tmp_path, monkeypatch):
    missing = tmp_path / "shared" / "seeds"
    monkeypatch.delenv("CLOSER_SEEDS", raising=False)
    monkeypatch.setattr(originality, "SEEDS_DIR", missing)
    findings, summary = check_originality(make_prompts({"decks/a.yaml": "text: Hello.\n"}))
    assert findings == [] and summary["seed_files"] == 0
    assert summary["skipped"] == f"skipped, no seed articles at {missing} (set CLOSER_SEEDS to check)"


def test_a_named_seeds_folder_that_is_missing_is_an_error(make_prompts, tmp_path, monkeypatch):
    missing = tmp_path / "no-seeds-here"
    monkeypatch.setenv("CLOSER_SEEDS", str(missing))
    findings, summary = check_originality(make_prompts({"decks/a.yaml": "text: Hello.\n"}))
    assert len(findings) == 1 and findings[0].severity == "error"
    assert "seeds folder not found" in findings[0].message and str(missing) in findings[0].message
    assert summary["seed_files"] == 0 and "skipped" not in summary


def test_an_empty_seeds_folder_is_still_an_error(make_prompts, tmp_path):
    empty = tmp_path / "seeds"
    empty.mkdir()
    findings, _ = check_originality(make_prompts({"decks/a.yaml": "text: Hello.\n"}), empty)
    assert len(findings) == 1 and findings[0].severity == "error" and "empty" in findings[0].message
