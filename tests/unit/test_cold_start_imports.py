"""What a cold start imports and builds, checked without timing it (bench/cold_start.py times it).

Each handler is imported in a fresh interpreter, as Lambda does at init; the child reports the modules it
loaded and which of our pydantic models already have a validator.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ("config_api.app", "alert_evaluator.app", "webhook_delivery.app")

# Loaded by no handler: pydantic-settings is not in the layer; xml.sax was only XmlEncode's escape;
# Powertools' parser models, which its batch utility imports for type hints alone when pydantic is already
# loaded (~100 ms of a cold start): the handlers import the batch utility first.
NEVER = ("pydantic_settings", "xml.sax", "aws_lambda_powertools.utilities.parser")
# Not needed by this handler's cold start.
NOT_NEEDED = {
    # Powertools' ~40 OpenAPI models: only a request for the Swagger document loads them. The delivery code
    # (attempts, senders, secrets): only a test send loads it.
    "config_api.app": (
        "aws_lambda_powertools.event_handler.openapi.models",
        "alerting.delivery.attempt",
        "alerting.delivery.senders",
        "alerting.delivery.test_send",
    ),
    # The evaluator queues deliveries; it never sends one.
    "alert_evaluator.app": ("httpx", "alerting.delivery"),
    # Delivery renders and sends what the evaluator decided; it never evaluates.
    "webhook_delivery.app": ("alerting.evaluation", "alerting.maintenance_notices", "alerting.intake"),
}

REPORT = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
from pydantic import BaseModel

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

ours = ("alerting.", "config_api.", "alert_evaluator.", "webhook_delivery.")
built = sorted(
    f"{model.__module__}.{model.__qualname__}"
    for model in set(subclasses(BaseModel))
    if model.__module__.startswith(ours) and model.__pydantic_complete__
)
print(json.dumps({"modules": sorted(sys.modules), "built": built}))
"""


@functools.cache
def _cold_import(module: str) -> dict[str, list[str]]:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "functions"), str(ROOT / "layers" / "shared")]),
        "TABLE_NAME": "cold-start",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "cold-start",
    }
    out = subprocess.run(
        [sys.executable, "-c", REPORT, module], env=environment, capture_output=True, text=True, check=True
    ).stdout
    report: dict[str, list[str]] = json.loads(out.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("handler", HANDLERS)
def test_a_cold_start_builds_none_of_our_models(handler: str) -> None:
    assert _cold_import(handler)["built"] == []


@pytest.mark.parametrize("handler", HANDLERS)
def test_a_cold_start_imports_nothing_it_does_not_need(handler: str) -> None:
    modules = _cold_import(handler)["modules"]
    unwanted = (*NEVER, *NOT_NEEDED.get(handler, ()))
    assert [name for name in modules if any(name == u or name.startswith(f"{u}.") for u in unwanted)] == []
