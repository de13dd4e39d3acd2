"""The config API's routes are glue: they reach the API through the facade's root, never past it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROUTES = Path(__file__).resolve().parents[2] / "functions" / "config_api" / "routes"
MODELS = {f"alerting.models.{name}" for name in ("api", "config", "delivery")}
ALLOWED = {"alerting.roots.config_api"} | MODELS


@pytest.mark.parametrize("module", sorted(ROUTES.glob("*.py")), ids=lambda path: path.name)
def test_routes_import_only_the_facade_root_and_models(module: Path) -> None:
    tree = ast.parse(module.read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert {name for name in imported if name.startswith("alerting")} <= ALLOWED
