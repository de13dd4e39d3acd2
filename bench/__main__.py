"""`make bench`: runs every benchmark, prints one table, writes bench/results.json.

`--only` runs the sections it names and replaces only their figures (and the cost figures derived from
them) in bench/results.json; every other section keeps what the last run measured.

Each figure is measured in the same run as its baseline (pure evaluation next to the handler on moto, a bare
Powertools handler next to ours, sequential next to concurrent delivery), so the ratios hold on whatever
machine runs it even when the absolute numbers do not.

    python -m bench [--only evaluator,delivery,cold_start,latency,burst,local_api,sweep]

With --only, the sections run replace theirs in bench/results.json and every other figure stays.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cold_start, cost, delivery, evaluator, latency, local_api, sweep

RESULTS = Path(__file__).resolve().parent / "results.json"
SECTIONS: dict[str, Callable[[], dict[str, Any]]] = {
    "evaluator": evaluator.run,
    "delivery": delivery.run,
    "cold_start": cold_start.run,
    "latency": latency.run,
    "burst": latency.burst,
    "local_api": local_api.run,
    "sweep": sweep.run,
}

Row = tuple[str, str, str, str]


_KINDS = (("single", "MonitorCheck"), ("batched", "MonitorCheckBatch"))


def _ratio(before: float, after: float) -> str:
    return f"×{before / after:.0f} fewer" if after else "none left"


def _evaluator_rows(evaluator: dict[str, Any]) -> list[Row]:
    """Requests and invocations per check, after issue 12 next to before it; then throughput."""
    rows: list[Row] = []
    for path, label in (("steady", "steady"), ("state_change", "state change")):
        before = evaluator["before"][path]
        for kind, event in _KINDS:
            figures = evaluator[f"{path}_{kind}"]
            for key, what in (
                ("dynamodb_requests", "DynamoDB requests"),
                ("invocations", "Evaluator invocations"),
            ):
                rows.append(
                    (
                        f"{what} per check, {label}, {event}",
                        f"{figures[key]:.2f}",
                        f"{before[key]:.2f} before",
                        _ratio(before[key], figures[key]),
                    )
                )
    for path, label in (("steady", "steady"), ("state_change", "state change")):
        figures = evaluator[f"{path}_single"]
        rows.append(
            (
                f"Evaluator check results/s, {label} (moto)",
                f"{figures['checks_per_s']:.0f}",
                f"{figures['pure_checks_per_s']:.0f} pure evaluate_check",
                f"storage ×{figures['storage_overhead_ratio']:.0f} slower",
            )
        )
    return rows


def _cost_rows(cost_figures: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    before = cost_figures["before_steady_usd_per_million"]
    for kind, event in _KINDS:
        figures = cost_figures[kind]
        steady = figures["steady_usd_per_million"]
        rows += [
            (
                f"AWS cost per million steady check results, {event}",
                f"${steady:.2f}",
                f"${before:.2f} before",
                f"×{before / steady:.1f} less",
            ),
            (
                f"AWS cost per million, state change, {event}",
                f"${figures['state_change_usd_per_million']:.2f}",
                "incl. one StatusHub delivery",
                "",
            ),
            (
                f"AWS cost per million, blended ({cost_figures['state_change_share']:.0%} changes), {event}",
                f"${figures['blended_usd_per_million']:.2f}",
                "",
                "",
            ),
        ]
    return rows


def _latency_rows(results: dict[str, Any]) -> list[Row]:
    """Check to first StatusHub POST: the steady stream and the burst."""
    rows: list[Row] = []
    if "latency" in results:
        figures = results["latency"]
        for key, label in (("p50_ms", "p50"), ("p99_ms", "p99")):
            rows.append(
                (
                    f"Check → first StatusHub POST, {label} ({figures['checks']} checks, "
                    f"{figures['monitors']} monitors, {figures['publish_rate_per_s']:.1f}/s)",
                    f"{figures[key] / 1000:.2f} s",
                    "Alertmanager group_wait 30 s",
                    f"×{figures['alertmanager_group_wait_s'] * 1000 / figures[key]:.0f} sooner",
                )
            )
    if "burst" in results:
        figures = results["burst"]
        for key, label in (("p50_ms", "p50"), ("p99_ms", "p99")):
            before = figures[f"before_{key}"]
            rows.append(
                (
                    f"Burst: check → first StatusHub POST, {label} ({figures['checks']} checks published "
                    f"in {figures['checks'] / figures['publish_rate_per_s']:.1f} s)",
                    f"{figures[key] / 1000:.2f} s",
                    f"{before / 1000:.1f} s before",
                    f"×{before / figures[key]:.1f} sooner",
                )
            )
    return rows


def _rows(results: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    if "evaluator" in results:
        rows += _evaluator_rows(results["evaluator"])
    rows += _latency_rows(results)
    if "cold_start" in results:
        imports = results["cold_start"]["imports"]
        bare = imports["bare Powertools handler"]["median_ms"]
        for name, figures in imports.items():
            if name != "bare Powertools handler":
                rows.append(
                    (
                        f"Import time, {name} (median of {cold_start.SAMPLES})",
                        f"{figures['median_ms']:.0f} ms",
                        f"{bare:.0f} ms bare Powertools",
                        f"×{figures['vs_bare']:.2f}",
                    )
                )
        layer = results["cold_start"]["layer"]
        rows.append(
            (
                "Layer size, unzipped",
                f"{layer['total_mb']:.1f} MB",
                f"{layer['without_boto_mb']:.1f} MB without botocore",
                f"alerting {layer['alerting_kb']:.0f} kB",
            )
        )
    if "delivery" in results:
        for key, row in results["delivery"].items():
            latency_ms = key.removeprefix("target_latency_")
            one, eight = row["concurrency_1"], row["concurrency_8"]
            rows.append(
                (
                    f"Deliveries/s, one invocation of {delivery.BATCH}, target {latency_ms}",
                    f"{eight['deliveries_per_s']:.1f} (DELIVERY_CONCURRENCY=8)",
                    f"{one['deliveries_per_s']:.1f} sequential",
                    f"×{row['speedup']:.2f}",
                )
            )
    if "local_api" in results:
        rows += local_api.rows(results["local_api"])
    if "sweep" in results:
        rows += sweep.rows(results["sweep"])
    if "cost" in results:
        rows += _cost_rows(results["cost"])
    return rows


def table(results: dict[str, Any]) -> str:
    rows = [("Figure", "Measured", "Baseline", "Ratio"), *_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def _sections(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SECTIONS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(SECTIONS)}; not {', '.join(unknown)}")
    return names


def merged(previous: dict[str, Any], measured: dict[str, Any]) -> dict[str, Any]:
    """The previous results with the sections just measured replaced, and the cost figures derived
    again when one of their inputs changed."""
    results = {**previous, **measured}
    if (
        {"evaluator", "delivery"} & set(measured)
        and {"evaluator", "delivery"} <= set(results)
        and "steady_single" in results["evaluator"]
    ):
        results["cost"] = cost.per_million(results["evaluator"], results["delivery"])
        results["scale"] = cost.at_scale(results["evaluator"], results["cost"])
    return results


def _previous(only: bool) -> dict[str, Any]:
    if not only or not RESULTS.exists():
        return {}
    loaded: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8"))
    return loaded


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", type=_sections, default=None, help="comma-separated sections to run (the others are kept)"
    )
    args = parser.parse_args(argv)
    logging.getLogger("local.provisioning").setLevel(logging.ERROR)  # resources moto does not need
    os.environ.setdefault("SAM_CLI_TELEMETRY", "0")
    names: list[str] = args.only or list(SECTIONS)
    measured: dict[str, Any] = {}
    run = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "sections": names,
    }
    began = time.monotonic()
    for name in names:
        section_began = time.monotonic()
        print(f"… {name}", file=sys.stderr, flush=True)
        measured[name] = SECTIONS[name]()
        print(f"  {name} took {time.monotonic() - section_began:.0f} s", file=sys.stderr, flush=True)
    run["seconds"] = round(time.monotonic() - began)
    results = merged(_previous(args.only is not None), {"run": run, **measured})
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(
        f"\n{RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS} written "
        f"in {run['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
