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


def test_ui_never_touches_the_orm():
    """Views read plain records (app.reads) and change things through app.ops."""
    orm = [f"{p.relative_to(ROOT)}: {m}" for p, m in imported_modules("ui")
           if m.split(".")[0] == "sqlalchemy" or m == "app.models" or m.startswith("app.models.")]
    assert orm == []


def test_ui_opens_no_sessions():
    sessions = [str(p.relative_to(ROOT)) for p in (ROOT / "ui").rglob("*.py") if ".read()" in p.read_text()]
    assert sessions == []


def test_the_check_sees_an_orm_import(tmp_path, monkeypatch):
    """The checks above would catch one (they are not vacuous)."""
    import tests.app.test_package_direction as me

    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "bad.py").write_text("from app.models import Clip\nimport sqlalchemy.orm\n")
    monkeypatch.setattr(me, "ROOT", tmp_path)
    found = [m for _p, m in me.imported_modules("ui")]
    assert found == ["app.models", "sqlalchemy.orm"]
