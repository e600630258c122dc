"""docs/design.md: the tree reads ui -> app -> media; nothing points back up."""

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
    """Views read plain records (app.reads) and change things through the features' operations."""
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


# -- no two modules import each other, however far round the loop ------------------------------
def module_graph(root: Path) -> dict[str, set[str]]:
    """Each module of app/, ui/ and media/ and the project modules it imports (at the top or
    inside a function alike: a lazy import still ties two modules together). A package's
    ``__init__`` stands for the package; migrations are Alembic's, not ours."""
    modules = {}
    for top in ("app", "ui", "media"):
        for path in (root / top).rglob("*.py"):
            if "migrations" not in path.parts:
                name = ".".join(path.relative_to(root).with_suffix("").parts)
                modules[name.removesuffix(".__init__")] = path

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {m: set() for m in modules}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for target in targets:
                found = resolve(target)
                # importing a submodule runs its package first, but the package does not import it
                if found and found != module and not module.startswith(found + "."):
                    graph[module].add(found)
    return graph


def import_loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import each other round a loop (strongly connected
    components of more than one module, Tarjan's algorithm), each sorted."""
    index, low, stack, on_stack, loops = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                loops.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(loops)


def test_no_modules_import_each_other():
    assert import_loops(module_graph(ROOT)) == []


def test_the_loop_check_finds_a_loop_of_three_and_a_lazy_import(tmp_path):
    """Not vacuous: a loop through three modules, one side of it inside a function, is found;
    a package importing its own submodule is not a loop."""
    pkg = tmp_path / "app" / "films"
    pkg.mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("from app.films import importing\n")
    (pkg / "importing.py").write_text("from app import library\n")
    (tmp_path / "app" / "library.py").write_text("def first_open():\n    from app.codebook import load\n")
    (tmp_path / "app" / "codebook.py").write_text("from app.films.importing import stage\n")
    (tmp_path / "app" / "alone.py").write_text("from app.films import importing\n")
    assert import_loops(module_graph(tmp_path)) == [["app.codebook", "app.films.importing", "app.library"]]
