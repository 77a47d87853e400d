"""The house's one-way dependencies: a part may import only parts below it (and its own package). A door never
reaches into another door; the core never imports a door; nothing dodges a cycle with an import inside a
function. See ARCHITECTURE.md."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "os1"

# Lowest first. A part may import parts of its own layer only where the pairs below allow it.
LAYERS: list[set[str]] = [
    {"events", "config", "text", "__init__"},
    {"db", "models"},
    {"memory", "tools", "persona", "prompt"},
    # who it is in each reply; capabilities, each with its tools
    {"character", "reminders", "mail", "files", "music", "letters"},
    # what it says unasked (on the reminders' doors and clock), the first meeting, and the last (letting go)
    {"reaching", "meeting", "farewell"},
    {"voice"},  # the ear and the mouth, and the live loop (it sees the turn only through voice.base.Turns)
    {"agent", "prompt_builder", "companion", "life", "capabilities"},
    {"runtime"},
    {"cli", "server", "testing", "__main__"},  # the doors, and what tests drive them with
]
# Same-layer imports that are part of the design, importer → imported.
SIDEWAYS = {
    ("prompt", "persona"), ("prompt", "memory"), ("tools", "memory"),
    ("mail", "files"), ("music", "character"), ("reaching", "meeting"), ("letters", "mail"),
    ("companion", "agent"), ("companion", "prompt_builder"), ("capabilities", "reminders"),
    ("cli", "server"), ("testing", "server"), ("__main__", "cli"),
}
LAYER_OF = {part: n for n, parts in enumerate(LAYERS) for part in parts}


def part_of(module: str) -> str:
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def imports() -> list[tuple[str, str, str, int, bool]]:
    """(file, importing part, imported module, line, inside a function) for every os1 import."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        module = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nested = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                  for n in ast.walk(f)}
        for node in ast.walk(tree):
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                if name == "os1" or name.startswith("os1."):
                    found.append((str(path.relative_to(SOURCE)), part_of(module), name, node.lineno,
                                  id(node) in nested))
    return found


def test_every_part_has_a_layer() -> None:
    parts = {path.stem if path.is_file() else path.name for path in SOURCE.iterdir()
             if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists())}
    assert parts - LAYER_OF.keys() == set(), "place each new part in LAYERS (and in ARCHITECTURE.md)"


def test_imports_point_down() -> None:
    upward = []
    for file, importer, imported, line, _ in imports():
        target = part_of(imported)
        if target == importer or (importer, target) in SIDEWAYS:
            continue
        if LAYER_OF[target] >= LAYER_OF[importer]:
            upward.append(f"{file}:{line} imports {imported} ({importer} may not depend on {target})")
    assert upward == []


@pytest.mark.parametrize("part", ["companion", "agent", "memory", "tools", "voice", "db"])
def test_the_core_never_imports_another_part_inside_a_function(part: str) -> None:
    """Lazy imports are for loading heavy engines on demand (a package's own model runner, speech in the
    terminal doors), never to hide a cycle between parts."""
    inside = [f"{file}:{line} {imported}" for file, importer, imported, line, nested in imports()
              if nested and importer == part and part_of(imported) != part]
    assert inside == []
