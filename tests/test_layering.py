"""Dependencies point down: tracker ← provinces ← surveys ← recommendations.

Every module of each app is parsed (``ast``) and each import – at the top, inside a function or
a method – is checked: a module may import its own app and the apps below it, never one above.
The project's wiring (the root URLconf, settings, the WSGI/ASGI/Celery entry points) lives in
the ``tracker`` package but is not the shared app: it includes every app and is exempt.
"""

import ast
from pathlib import Path

from django.conf import settings

LAYERS = ["tracker", "provinces", "surveys", "recommendations"]
#: The project's wiring inside the tracker package: allowed to see every app.
WIRING = {"tracker/urls.py", "tracker/settings.py", "tracker/wsgi.py", "tracker/asgi.py"}


def imported_apps(path: Path, package: str) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                names = [".".join([*base, node.module] if node.module else base)]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS:
                found.add((top, node.lineno))
    return found


def test_no_app_imports_an_app_above_it():
    root = Path(settings.BASE_DIR)
    upward = []
    for level, app in enumerate(LAYERS):
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative in WIRING or "/migrations/" in relative:
                continue
            package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
            for imported, line in imported_apps(path, package):
                if LAYERS.index(imported) > level:
                    upward.append(f"{relative}:{line} imports {imported}")
    assert not upward, "Upward imports:\n" + "\n".join(sorted(upward))


def test_the_walk_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from recommendations.models import Recommendation\n")
    assert imported_apps(module, "provinces") == {("recommendations", 2)}
