"""The layout's measurable rules (DESIGN §2): small modules, and integration types named in one place."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for folder in ("layers", "functions", "local") for p in (ROOT / folder).rglob("*.py"))
ALERTING = ROOT / "layers" / "shared" / "alerting"
# Where an integration type's members may be named: its own module, the models, and the senders' registry.
TYPE_OWNERS = (ALERTING / "integrations", ALERTING / "models")
SENDERS_REGISTRY = ALERTING / "delivery" / "senders" / "__init__.py"
MAX_LINES = 600


def test_no_module_is_over_600_lines() -> None:
    lines = {str(path.relative_to(ROOT)): len(path.read_text().splitlines()) for path in SOURCES}
    assert {module: n for module, n in lines.items() if n > MAX_LINES} == {}


def test_only_the_integrations_models_and_senders_registry_name_a_type_member() -> None:
    member = re.compile(r"\bIntegrationType\.[A-Z][A-Z_]*\b")
    naming = {
        path.relative_to(ROOT)
        for path in SOURCES
        if member.search(path.read_text()) and not any(path.is_relative_to(owner) for owner in TYPE_OWNERS)
    }
    assert naming <= {SENDERS_REGISTRY.relative_to(ROOT)}
