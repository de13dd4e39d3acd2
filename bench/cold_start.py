"""Cold start: import time of each handler module vs a bare Powertools handler, each sample in a fresh
interpreter; and the layer's unzipped size."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
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

# Times the import only (not interpreter start-up, which Lambda pays the same for every handler).
PROBE = (
    "import time, importlib, sys; t = time.perf_counter(); importlib.import_module(sys.argv[1]); "
    "print(time.perf_counter() - t)"
)


def _import_seconds(module: str, path: list[Path]) -> float:
    environment = {
        **os.environ,
        **ENVIRONMENT,
        "TABLE_NAME": "bench",
        "PYTHONPATH": os.pathsep.join(map(str, path)),
    }
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", PROBE, module], env=environment, capture_output=True, text=True, check=True
    ).stdout
    return float(out.strip().splitlines()[-1])


def import_times(samples: int = SAMPLES) -> dict[str, dict[str, float]]:
    """Median and spread of import time in ms; samples interleaved so load changes hit all alike."""
    with tempfile.TemporaryDirectory(prefix="bare-handler-") as bare_dir:
        (Path(bare_dir) / "bare_handler.py").write_text(BARE_HANDLER)
        targets = {"bare Powertools handler": ("bare_handler", [Path(bare_dir)])}
        for name in HANDLERS:
            targets[name] = (f"{name}.app", [ROOT / "functions", ROOT / "layers" / "shared"])
        seconds: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(samples):
            for name, (module, path) in targets.items():
                seconds[name].append(_import_seconds(module, path))
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
        name = requirement.name.lower().replace("_", "-")
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


def layer_size() -> dict[str, Any]:
    """Unzipped size of what `sam build` puts in the layer: the requirements' installed files + alerting.

    Measured from this environment's installed packages (not a fresh arm64 download): pure-Python files are
    the same; compiled ones (pydantic-core) differ a little by platform.
    """
    lines = [
        line.strip()
        for line in (ROOT / "layers" / "shared" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    by_package: dict[str, int] = {}
    for name, distribution in _requirement_closure(lines).items():
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
