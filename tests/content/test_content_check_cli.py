"""`closer content check`: JSON report, human report and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from content_fixtures import VALID_DECK
from skill.content.originality import seeds_dir

SEEDS = seeds_dir()

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"


def closer(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the closer CLI with the project's interpreter."""
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    return subprocess.run([python, "-m", "skill.cli", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=60, env=env)


@pytest.fixture(scope="module")
def real_report():
    """The JSON report and exit code for the real prompts/."""
    done = closer("content", "check", "--json")
    return json.loads(done.stdout), done.returncode


def test_json_report_has_the_documented_keys(real_report):
    report, _ = real_report
    assert {"ok", "errors", "warnings", "counts", "style", "requirements"} <= set(report)
    assert {"questions", "exercises", "rituals", "ladder_questions", "themes",
            "by_theme", "by_depth", "by_kind", "by_context"} <= set(report["counts"])
    assert {"average_sentence_length", "sentences", "average_by_file"} <= set(report["style"])
    assert all({"severity", "path", "line", "rule", "message"} <= set(e) for e in report["errors"])


def test_real_content_passes_and_exits_zero(real_report):
    report, code = real_report
    failing = [r for r in report["requirements"] if not r["ok"]]
    assert report["errors"] == [] and failing == []
    assert report["ok"] is True and code == 0
    assert (report["originality"]["seed_files"] > 0) == SEEDS.is_dir()  # compared when the seeds are here


def test_a_clone_without_the_seed_articles_passes_and_says_originality_was_skipped(tmp_path):
    clone = tmp_path / "clone"  # a checkout with no ../shared/seeds beside it, as a newcomer has
    for folder in ("skill", "prompts"):
        shutil.copytree(REPO / folder, clone / folder, ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != "CLOSER_SEEDS"}
    env["PYTHONPATH"] = str(clone)
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    done = subprocess.run([python, "-m", "skill.cli", "content", "check"], cwd=clone, capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    skipped = [line for line in done.stdout.splitlines() if "originality" in line.lower()]
    assert skipped == [f"Originality: skipped, no seed articles at {tmp_path / 'shared' / 'seeds'} "
                       "(set CLOSER_SEEDS to check)"]
    assert "OK: 0 errors" in done.stdout and done.stderr == ""


def test_real_content_meets_the_issue_quantities(real_report):
    counts = real_report[0]["counts"]
    assert counts["questions"] >= 300 and counts["themes"] >= 12
    assert counts["exercises"] >= 12 and counts["ladder_questions"] == 36
    assert sum(counts["by_depth"].values()) == counts["questions"]


def test_errors_exit_one_with_file_and_line(tmp_path):
    root = tmp_path / "prompts"
    (root / "decks").mkdir(parents=True)
    (root / "decks" / "trust.yaml").write_text(VALID_DECK.replace("depth: 1", "depth: 7"))
    done = closer("content", "check", "--json", "--root", str(root))
    report = json.loads(done.stdout)
    assert done.returncode == 1 and report["ok"] is False
    assert {"path": "prompts/decks/trust.yaml", "line": 7, "rule": "schema", "severity": "error",
            "message": "question 'trust-01': depth must be 1, 2 or 3, not 7"} in report["errors"]
    assert any(r["id"] == "questions" and not r["ok"] for r in report["requirements"])


def test_human_report(tmp_path):
    root = tmp_path / "prompts"
    (root / "decks").mkdir(parents=True)
    (root / "decks" / "trust.yaml").write_text(VALID_DECK.replace("count on your partner?", "count on her?"))
    done = closer("content", "check", "--root", str(root))
    assert done.returncode == 1
    assert "prompts/decks/trust.yaml:9: text: gendered word 'her'" in done.stdout
    assert "Questions by theme:" in done.stdout and "FAIL" in done.stdout
