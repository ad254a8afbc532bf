"""The engine's shape: a table per mode, expect lists derived from them, no import cycle, small modules."""

from __future__ import annotations

import ast
from pathlib import Path

from skill.engine import load_engine, modes

ENGINE = Path(__file__).resolve().parents[2] / "skill" / "engine"
MODES = ("menu", "running", "paused", "confirm", "safety", "idle")


def test_every_mode_has_a_table_and_its_expect_is_its_keys():
    for mode in MODES:
        table = modes.table(mode)
        assert table, mode
        expected = modes.expect({"mode": mode, "run": {"timer": {"end": 1}}, "invitation": True})
        conditional = set(modes.LISTEN_ONLY_WHEN.get(mode, {}))
        assert set(expected) <= set(table) - {modes.FALLBACK}, mode
        # the only keys not listened for are the conditional ones (typed text still reaches them)
        assert set(table) - {modes.FALLBACK} - set(expected) <= conditional, mode


def test_every_intent_a_mode_expects_is_in_the_catalog():
    catalog = load_engine().catalog
    known = set(catalog.names)
    for mode in MODES:
        missing = set(modes.expect({"mode": mode})) - known
        assert not missing, (mode, missing)


def test_the_always_layer_is_live_everywhere_but_idle():
    for mode in MODES:
        live = set(modes.expect({"mode": mode}))
        assert "SafetyIntent" in live, mode
        assert ("AMAZON.StopIntent" in live) == (mode != "idle"), mode


def _local_imports(path: Path) -> set[str]:
    """Engine modules a file imports at any depth (relative imports resolved)."""
    package = ".".join(path.relative_to(ENGINE.parent.parent).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.relative_to(ENGINE.parent.parent).parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")
            base = base[: len(base) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                candidate = module + "." + alias.name
                found.add(candidate if _exists(candidate) else module)
    return {m for m in found if m.startswith("skill.engine")}


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (ENGINE.parent / rel).with_suffix(".py").exists() or (ENGINE.parent / rel / "__init__.py").exists()


def _name(path: Path) -> str:
    parts = path.relative_to(ENGINE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycle_in_the_engine():
    graph = {_name(p): _local_imports(p) - {_name(p)} for p in ENGINE.rglob("*.py")}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if nxt.startswith(node + "."):
                continue  # a package importing its own submodules is not a cycle
            assert state.get(nxt) != 1, "import cycle: " + " -> ".join(trail + [nxt])
            if nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])


def test_no_engine_module_is_over_300_lines():
    long = {str(p.relative_to(ENGINE)): n for p in ENGINE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 300}
    assert not long, long
