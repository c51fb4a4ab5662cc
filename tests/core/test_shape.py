"""The tree keeps the shape docs/architecture.md describes: small files, thin views, modules that
reach each other through services, and models that can be imported without the web layer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORUM = ROOT / "forum"
MODULES = sorted(p.name for p in FORUM.iterdir() if (p / "__init__.py").exists() and p.name != "translations")
MAX_FILE_LINES = 450
MAX_VIEW_LINES = 25


def _sources() -> list[Path]:
    return sorted(FORUM.rglob("*.py"))


def _is_seed_data(path: Path) -> bool:
    return path.name == "seed.py" or path.parent.name == "seed"


def test_no_module_of_forum_is_over_its_size():
    too_long = {
        str(path.relative_to(ROOT)): n
        for path in _sources()
        if not _is_seed_data(path) and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES
    }
    assert too_long == {}


def _routes(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any(
            isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "route"
            for d in node.decorator_list
        )
    ]


def test_views_are_thin():
    views = [p for p in _sources() if p.name == "views.py" or p.parent.name == "views"]
    assert views, "no view modules found"
    too_long = {
        f"{path.relative_to(ROOT)}:{node.name}": length
        for path in views
        for node in _routes(path)
        if (length := node.end_lineno - node.lineno + 1) > MAX_VIEW_LINES
    }
    assert too_long == {}


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_module_imports_another_modules_views():
    crossings = []
    for path in _sources():
        own = path.relative_to(FORUM).parts[0]
        for name in _imported_modules(path):
            parts = name.split(".")
            if len(parts) >= 3 and parts[0] == "forum" and parts[2] == "views" and parts[1] != own:
                crossings.append(f"{path.relative_to(ROOT)} imports {name}")
    assert crossings == []


@pytest.mark.parametrize("module", MODULES)
def test_importing_a_modules_models_imports_no_views(module):
    if not (FORUM / module / "models.py").exists() and not (FORUM / module / "models" / "__init__.py").exists():
        pytest.skip(f"{module} has no models")
    probe = (
        f"import sys; import forum.{module}.models; "
        "print(sorted(m for m in sys.modules if m.startswith('forum.') and m.split('.')[-1] in ('views', 'forms')))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_every_public_service_function_says_what_it_does():
    services = [p for p in _sources() if p.name == "services.py" or "services" in p.relative_to(FORUM).parts[:-1]]
    assert services, "no service modules found"
    silent = [
        f"{path.relative_to(ROOT)}:{node.name}"
        for path in services
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and ast.get_docstring(node) is None
    ]
    assert silent == []
