"""One way to say counts and names (app.wording; the window says them through ui.kit.saying)."""

import ast
from pathlib import Path

from app.wording import numbered, plural, possessive

ROOT = Path(__file__).resolve().parents[2]


def test_counts_lists_and_possessives():
    assert (plural(1, "clip"), plural(3, "clip"), plural(0, "film")) == ("1 clip", "3 clips", "0 films")
    assert (plural(1, "person"), plural(2, "person"), plural(2, "match")) == ("1 person", "2 people", "2 matches")
    assert numbered("item", [1]) == "item 1" and numbered("item", [1, 3]) == "items 1, 3"
    assert possessive("Margaret Okonkwo") == "Margaret Okonkwo's"


def test_no_message_says_s_in_brackets_or_quotes_a_name_before_its_s():
    """"film(s)", "1 clips" and `“Margaret Okonkwo”'s face` were said (issue 25)."""
    found = []
    for folder in ("app", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                          if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body
                          and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                    text = node.value
                    if "(s)" in text or "”'s" in text or "”’s" in text:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}")
    assert found == []
