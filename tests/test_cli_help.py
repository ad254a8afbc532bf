"""`closer --help` and every subcommand's `--help` work: exit 0 and print usage.

The list of commands comes from walking the argparse tree of skill.cli.build_parser, so a
new subcommand is covered without editing this file.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from skill.cli import build_parser

REPO = Path(__file__).resolve().parents[1]


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths.extend(command_paths(sub, prefix + (name,)))
    return paths


PATHS = command_paths(build_parser())


def _closer() -> list[str]:
    script = Path(sys.executable).with_name("closer")
    return [str(script)] if script.exists() else [sys.executable, "-m", "skill.cli"]


def test_the_tree_has_nested_subcommands():
    assert () in PATHS and ("local",) in PATHS
    assert any(len(p) == 2 for p in PATHS), PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "closer")
def test_help_exits_zero_with_usage(path):
    done = subprocess.run(_closer() + list(path) + ["--help"], cwd=str(REPO), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.lower().startswith("usage:"), done.stdout[:200]
    assert " ".join(("closer",) + path) in " ".join(done.stdout.split()[:8 + len(path)])
    assert not done.stderr.strip(), done.stderr
    parser = build_parser()
    for name in path:
        parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
    for action in parser._actions:
        for flag in action.option_strings:
            if flag.startswith("--"):
                assert flag in done.stdout, f"{flag} missing from the help of {' '.join(path) or 'closer'}"
