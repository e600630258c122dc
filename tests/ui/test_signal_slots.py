"""A button's ``clicked`` (an action's ``triggered``, a box's ``toggled``) carries ``checked``:
connected straight to a method whose parameter is optional, that parameter gets ``False``.
Reviews → "Export summary…" took it as the path and did nothing (issue 25). Every such
connection in ui/ goes to a method that takes no argument, one that wants ``checked``, or a
lambda that drops it; a slot held in a variable cannot be checked, so it is wrapped too."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
CARRY_CHECKED = {"clicked", "triggered", "toggled"}


def _methods(tree: ast.AST) -> dict[tuple[str, str], ast.FunctionDef]:
    out = {}
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for f in cls.body:
            if isinstance(f, ast.FunctionDef):
                out[(cls.name, f.name)] = f
    return out


def wrong_connections(source: str, name: str = "<test>") -> list[str]:
    tree = ast.parse(source)
    methods = _methods(tree)
    found = []
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for call in ast.walk(cls):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "connect"
                    and isinstance(call.func.value, ast.Attribute) and call.func.value.attr in CARRY_CHECKED
                    and call.args):
                continue
            target = call.args[0]
            where = f"{name}:{call.lineno}"
            if isinstance(target, ast.Name):
                found.append(f"{where}: {call.func.value.attr} connected to a slot in a variable ({target.id})")
            elif isinstance(target, ast.Lambda):
                args = target.args
                if args.args and len(args.defaults) == len(args.args) and args.args[0].arg not in (
                        "_checked", "checked", "on", "_c", "_on", "_i"):
                    found.append(f"{where}: lambda's first optional argument {args.args[0].arg} takes `checked`")
            elif (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                  and target.value.id == "self" and (cls.name, target.attr) in methods):
                f = methods[(cls.name, target.attr)]
                params = f.args.args[1:]
                if params and len(f.args.defaults) >= len(params):  # the first parameter is optional
                    found.append(f"{where}: {target.attr}({params[0].arg}=…) would get `checked` as {params[0].arg}")
    return found


def test_the_check_finds_the_export_summary_bug():
    bug = '''
class Panel:
    def __init__(self):
        for name, slot in (("export", self.export),):
            button.clicked.connect(slot)
        other.clicked.connect(self.export)
    def export(self, path=None):
        pass
'''
    assert len(wrong_connections(bug)) == 2


def test_no_button_or_action_passes_checked_to_an_optional_argument():
    found = []
    for path in sorted(UI.rglob("*.py")):
        found += wrong_connections(path.read_text(encoding="utf-8"), str(path.relative_to(UI.parent)))
    assert found == []
