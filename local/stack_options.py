"""The local stack's defaults and its command line (`python -m local.stack --help`)."""

from __future__ import annotations

import argparse
import zoneinfo
from collections.abc import Sequence
from pathlib import Path

from local.lambda_runtime import DEFAULT_CONCURRENCY, environment_count

DEFAULT_RETRY_SCHEDULE = (0, 1, 2, 4, 8, 16, 32, 64)
DEFAULT_SWEEP_SECONDS = 5.0
# Config edits (a fixed service URL, a level switched on) take effect within this long; deployed: 30 s.
DEFAULT_CONFIG_CACHE_SECONDS = 2.0
# Everything runs on loopback, so delivery must be allowed to reach it.
LOCAL_PRIVATE_NETWORKS = "127.0.0.0/8"
# A timeout or a 429 waits at least a minute when deployed; locally a second, so fault tests stay fast.
DEFAULT_THROTTLED_RETRY_MIN = 1.0
DEFAULT_DELIVERY_TIMEOUT = 15.0
# One minute of a link's ResolveAfterMinutes lasts a second locally, so a resolve shows up in seconds.
RESOLVE_MINUTE_SECONDS = 1.0


def _retry_schedule(text: str) -> tuple[int, ...]:
    try:
        delays = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of seconds: {text!r}") from None
    if not delays or min(delays) < 0:
        raise argparse.ArgumentTypeError(f"delays must be one or more non-negative seconds: {text!r}")
    return delays


def _timezone(text: str) -> str:
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"not an IANA time zone: {text!r}") from None
    return text


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local.stack", description="Run the template locally on moto server until interrupted."
    )
    parser.add_argument("--state-dir", type=Path, default=Path(".local"), help="one per stack: stack.json, …")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--moto-port", type=int, default=0)
    parser.add_argument("--statushub-port", type=int, default=0)
    parser.add_argument(
        "--retry-schedule",
        type=_retry_schedule,
        default=DEFAULT_RETRY_SCHEDULE,
        help="delivery delays in seconds, short so faults recover quickly (default: %(default)s)",
    )
    parser.add_argument("--timezone", type=_timezone, default="UTC", help="the account's IANA time zone")
    parser.add_argument(
        "--sweep-seconds",
        type=float,
        default=DEFAULT_SWEEP_SECONDS,
        help="how often the scheduled sweep runs (deployed: every minute) (default: %(default)s)",
    )
    parser.add_argument(
        "--config-cache-seconds",
        type=float,
        default=DEFAULT_CONFIG_CACHE_SECONDS,
        help="how stale a warm function's copy of the config may be (deployed: 30) (default: %(default)s)",
    )
    parser.add_argument(
        "--delivery-timeout",
        type=_positive_seconds,
        default=DEFAULT_DELIVERY_TIMEOUT,
        help="timeout of one delivery request; fault tests use a short one (default: %(default)s)",
    )
    parser.add_argument(
        "--throttled-retry-min",
        type=_positive_seconds,
        default=DEFAULT_THROTTLED_RETRY_MIN,
        help="least delay after a timeout or 429 (deployed: 60; default here: %(default)s)",
    )
    parser.add_argument(
        "--concurrency",
        type=environment_count,
        default=DEFAULT_CONCURRENCY,
        help="execution environments per function at most, like reserved concurrency (default: %(default)s)",
    )
    return parser.parse_args(argv)


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds: {text!r}")
    return seconds
