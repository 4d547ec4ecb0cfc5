"""The layers, checked on the import graph: core imports no other app, areas only core, people only those
two, notices (the platform's one mechanism for notices and publicity through the grid) only those three; a
domain app imports what lies below it and never another domain app; only the demo app (and the tests and
benchmarks) import the demo."""

import ast
from pathlib import Path

import frontline

PACKAGE = Path(frontline.__file__).parent
BELOW = {"core": set(), "areas": {"core"}, "people": {"core", "areas"}, "notices": {"core", "areas", "people"}}
BASE = {"core", "areas", "people", "notices"}
PROJECT_LEVEL = {"urls", "views", "settings", "cli", "celery", "wsgi", "asgi", "__init__"}


def imported_apps(path: Path) -> set[str]:
    """The frontline sub-packages a module imports (absolute imports, anywhere in the module)."""
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
        for name in names:
            parts = name.split(".")
            if parts[0] == "frontline" and len(parts) > 1:
                apps.add(parts[1])
    return apps


def app_modules():
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).parts
        if len(rel) > 1 and "migrations" not in rel:
            yield rel[0], path


def test_each_layer_imports_only_what_lies_below_it():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists()}
    wrong = []
    for app, path in app_modules():
        if app not in apps or app == "demo":
            continue
        allowed = BELOW.get(app, BASE) | {app}
        for other in imported_apps(path) - allowed:
            if other in apps:
                wrong.append(f"{path.relative_to(PACKAGE)} imports frontline.{other}")
    assert not wrong, "\n".join(wrong)


def test_production_code_never_imports_the_demo():
    users = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
             if p.relative_to(PACKAGE).parts[0] != "demo" and "demo" in imported_apps(p)]
    assert not users, users


def test_the_checker_sees_a_violation(tmp_path):
    """The check itself can fail: a module importing a domain app from core is caught."""
    module = tmp_path / "bad.py"
    module.write_text("from frontline.grid.models import GridRole\n")
    assert imported_apps(module) == {"grid"}
