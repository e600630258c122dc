"""DESIGN.md: the tree reads ui -> app -> media; nothing points back up."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(folder: str):
    for path in (ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, node.module


def test_media_never_imports_app_or_ui():
    back = [f"{p.relative_to(ROOT)}: {m}" for p, m in imported_modules("media")
            if m.split(".")[0] in ("app", "ui")]
    assert back == []


def test_app_never_imports_ui():
    back = [f"{p.relative_to(ROOT)}: {m}" for p, m in imported_modules("app") if m.split(".")[0] == "ui"]
    assert back == []
