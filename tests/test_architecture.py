"""The layers of docs/ARCHITECTURE.md, checked: a module imports only from its own layer or the
ones below it, no module of app/ grows past 350 lines, and app/services/ keeps its rooms."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
BLUEPRINTS = sorted(
    p.parent.name for p in APP.glob("*/__init__.py") if (p.parent / "routes.py").exists()
)
# Modules of the web layer: services, printing and models never import them.
WEB = {f"app.{name}" for name in BLUEPRINTS} | {
    "app.access",
    "app.labels",
    "app.forms",
    "app.pages",
    "app.errors",
    "app.headers",
    "app.request",
    "app.unit_of_work",
    "app.loading",
    "app.numbers",
    "app.cli",
}
LOWER_LAYERS = {
    "app/models": WEB | {"app.services", "app.printing"},
    "app/printing": WEB | {"app.services"},
    "app/services": WEB,
}


def modules(folder: str) -> list[Path]:
    return sorted((APP.parent / folder).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module name the file imports, at the top or inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def above(name: str, forbidden: set[str]) -> bool:
    return any(name == f or name.startswith(f + ".") for f in forbidden)


@pytest.mark.parametrize("folder", sorted(LOWER_LAYERS))
def test_no_module_imports_from_a_layer_above_its_own(folder):
    wrong = {
        f"{path.relative_to(APP.parent)} imports {name}"
        for path in modules(folder)
        for name in imported(path)
        if above(name, LOWER_LAYERS[folder])
    }
    assert sorted(wrong) == []


# The audit trail records who acted and from which address: when there is a request, it reads
# the logged-in user and the client's address itself, so that no service has to pass them on.
READS_THE_REQUEST = {"app/services/privacy/audit.py"}


def test_services_never_read_the_request():
    reading = {
        str(path.relative_to(APP.parent))
        for folder in ("app/services", "app/printing", "app/models")
        for path in modules(folder)
        if {"flask.request", "flask.session", "flask.g"} & imported(path)
    }
    assert reading == READS_THE_REQUEST


def test_no_module_of_the_application_is_over_350_lines():
    long = {
        str(path.relative_to(APP.parent)): lines
        for path in APP.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 350
    }
    assert long == {}


def test_the_services_keep_to_their_rooms():
    entries = sorted(p.name for p in (APP / "services").iterdir() if p.name != "__pycache__")
    assert len(entries) <= 12, entries
    assert all(
        (APP / "services" / room / "__init__.py").exists() for room in entries if "." not in room
    )


def test_the_layer_check_sees_a_wrong_import(tmp_path):
    """The check above would catch a service that imports the labels of the web layer."""
    wrong = tmp_path / "service.py"
    wrong.write_text("from app.labels import label\n", encoding="utf-8")
    assert any(above(name, LOWER_LAYERS["app/services"]) for name in imported(wrong))
