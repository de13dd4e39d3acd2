"""Cold start: import time of each handler module, and of its libraries alone, vs a bare Powertools handler,
each sample in a fresh interpreter; and the layer's unzipped size."""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from py_compile import PycInvalidationMode
from typing import Any

from packaging.requirements import Requirement

from bench import ROOT
from bench.in_process import ENVIRONMENT

SAMPLES = 10
HANDLERS = ("config_api", "alert_evaluator", "webhook_delivery")

# The baseline: what every Powertools handler imports and builds, and nothing of ours.
BARE_HANDLER = """
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event, context: LambdaContext):
    return {}
"""

# What each handler's cold start cannot do without, imported in the handler's order and nothing of ours:
# the floor our code sits on. (Powertools' batch utility comes before pydantic, as in the handlers: imported
# after pydantic it also builds Powertools' own parser models, ~100 ms more.)
_BATCH = "from aws_lambda_powertools.utilities.batch import {}, process_partial_response\n"
_REST = "from aws_lambda_powertools.event_handler import APIGatewayRestResolver\n"
# `import pydantic` alone is lazy: BaseModel is what every handler's models load.
_MODELS = "from pydantic import BaseModel\n"
LIBRARIES = {
    "config_api": _REST + _MODELS + "import boto3, httpx\nAPIGatewayRestResolver(enable_validation=True)\n",
    "alert_evaluator": _BATCH.format("BatchProcessor") + _MODELS + "import boto3\n",
    "webhook_delivery": _BATCH.format("SqsFifoPartialProcessor") + _MODELS + "import boto3, httpx\n",
}

# Times the import only (not interpreter start-up, which Lambda pays the same for every handler). Packages
# installed here but absent from Lambda (dev tools: rich and click make httpx import its command line)
# cannot be imported, as in the function: `import` raises ImportError for the names in argv[2].
PROBE = """
import importlib, importlib.abc, sys, time
absent = frozenset(filter(None, sys.argv[2].split(",")))

class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in absent:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Absent())
t = time.perf_counter()
importlib.import_module(sys.argv[1])
print(time.perf_counter() - t)
"""
# What the Lambda runtime provides besides the layer (the Python runtimes ship boto3).
RUNTIME_PROVIDED = ["boto3"]


def absent_from_lambda() -> list[str]:
    """Top-level modules installed here that neither the layer's requirements nor the runtime provide."""
    present = set(_requirement_closure([*_layer_requirements(), *RUNTIME_PROVIDED]))
    return sorted(
        module
        for module, distributions in metadata.packages_distributions().items()
        if not any(_normalized(name) in present for name in distributions)
    )


def _normalized(name: str) -> str:
    return name.lower().replace("_", "-")


def _import_seconds(module: str, path: list[Path], absent: list[str]) -> float:
    environment = {
        **os.environ,
        **ENVIRONMENT,
        "TABLE_NAME": "bench",
        "PYTHONPATH": os.pathsep.join(map(str, path)),
    }
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", PROBE, module, ",".join(absent)],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out.strip().splitlines()[-1])


def deployed_copy(into: Path) -> list[Path]:
    """The import path as Lambda has it: the functions' sources, and the layer's alerting package with the
    bytecode layers/shared/Makefile ships (its pip-installed dependencies are compiled here already)."""
    functions, layer = into / "functions", into / "layer"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "functions", functions, ignore=ignore)
    shutil.copytree(ROOT / "layers" / "shared" / "alerting", layer / "alerting", ignore=ignore)
    if not compileall.compile_dir(layer, quiet=1, invalidation_mode=PycInvalidationMode.UNCHECKED_HASH):
        raise RuntimeError("the layer did not compile")
    return [functions, layer]


def import_times(samples: int = SAMPLES) -> dict[str, dict[str, float]]:
    """Median and spread of import time in ms; samples interleaved so load changes hit all alike."""
    with tempfile.TemporaryDirectory(prefix="cold-start-") as directory:
        deployed = deployed_copy(Path(directory))
        # The bare handler is a function's source file like ours, importing only the installed packages.
        (deployed[0] / "bare_handler.py").write_text(BARE_HANDLER)
        targets = {"bare Powertools handler": ("bare_handler", deployed[:1])}
        for name in HANDLERS:
            targets[name] = (f"{name}.app", deployed)
            (deployed[0] / f"{name}_libraries.py").write_text(LIBRARIES[name] + BARE_HANDLER)
            targets[f"{name}'s libraries alone"] = (f"{name}_libraries", deployed[:1])
        seconds: dict[str, list[float]] = {name: [] for name in targets}
        absent = absent_from_lambda()
        for _ in range(samples):
            for name, (module, path) in targets.items():
                seconds[name].append(_import_seconds(module, path, absent))
    baseline = statistics.median(seconds["bare Powertools handler"])
    return {
        name: {
            "median_ms": statistics.median(values) * 1000,
            "min_ms": min(values) * 1000,
            "max_ms": max(values) * 1000,
            "vs_bare": statistics.median(values) / baseline,
        }
        for name, values in seconds.items()
    }


def _requirement_closure(requirements: list[str]) -> dict[str, metadata.Distribution]:
    """The installed distributions the layer requirements pull in, extras and markers honoured."""
    found: dict[str, metadata.Distribution] = {}
    queue = [Requirement(line) for line in requirements]
    while queue:
        requirement = queue.pop()
        name = _normalized(requirement.name)
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        extras = set(requirement.extras)
        if name in found and not extras:
            continue
        found[name] = distribution
        for line in distribution.requires or []:
            child = Requirement(line)
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in extras or {""}):
                queue.append(child)
    return found


def _layer_requirements() -> list[str]:
    return [
        line.strip()
        for line in (ROOT / "layers" / "shared" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def layer_size() -> dict[str, Any]:
    """Unzipped size of what `sam build` puts in the layer: the requirements' installed files + alerting.

    Measured from this environment's installed packages (not a fresh arm64 download): pure-Python files are
    the same; compiled ones (pydantic-core) differ a little by platform.
    """
    by_package: dict[str, int] = {}
    for name, distribution in _requirement_closure(_layer_requirements()).items():
        total = 0
        for file in distribution.files or []:
            path = Path(str(distribution.locate_file(file)))
            if path.is_file() and "__pycache__" not in path.parts:
                total += path.stat().st_size
        by_package[name] = total
    alerting = sum(p.stat().st_size for p in (ROOT / "layers" / "shared" / "alerting").rglob("*.py"))
    by_package["alerting (ours)"] = alerting
    total = sum(by_package.values())
    boto = sum(size for name, size in by_package.items() if name in ("botocore", "boto3", "s3transfer"))
    return {
        "total_mb": total / 1e6,
        "without_boto_mb": (total - boto) / 1e6,
        "alerting_kb": alerting / 1e3,
        "largest": sorted(((n, s / 1e6) for n, s in by_package.items()), key=lambda x: -x[1])[:5],
        "method": "installed files of the layer requirements' dependency closure + alerting/*.py",
    }


def run() -> dict[str, Any]:
    return {"imports": import_times(), "layer": layer_size()}
