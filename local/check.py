"""`python -m local.check MONITOR_GUID [MONITOR_GUID ...] LEVEL [--description TEXT] [--batch]` (and
`make check`): publish a check result for each monitor to the running local stack, as the monitoring
system would: one MonitorCheck event each, or with `--batch` all of them in MonitorCheckBatch events.

It reads the stack's `stack.json` (`--state-dir`, default `.local`, the one `make local` writes) and
publishes with the endpoint, region and dummy credentials the local stack needs, so nothing has to be
configured for the AWS SDK first.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

from local.client import StackClient, check
from local.stack import STACK_FILE, StackInfo

LEVELS = ("NoError", "Unconfirmed", "Confirmed")


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local.check", description="Publish check results to the running local stack."
    )
    parser.add_argument("monitor_guids", type=UUID, nargs="+", metavar="MONITOR_GUID")
    parser.add_argument("level", choices=LEVELS, metavar="LEVEL", help=" | ".join(LEVELS))
    parser.add_argument("--description", help="the check's ErrorDescription (failing checks have a default)")
    parser.add_argument(
        "--batch", action="store_true", help="publish them in one MonitorCheckBatch event (up to 100 checks)"
    )
    parser.add_argument("--state-dir", type=Path, default=Path(".local"), help="where stack.json is")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    stack_file = args.state_dir / STACK_FILE
    if not stack_file.exists():
        print(f"No local stack: {stack_file} is missing. Start one with `make local`.", file=sys.stderr)
        return 1
    info = StackInfo.model_validate_json(stack_file.read_text(encoding="utf-8"))
    # Milliseconds since the epoch: later checks get larger ids, as the monitoring system's do.
    check_id = time.time_ns() // 1_000_000
    details = [check(str(guid), check_id, args.level) for guid in args.monitor_guids]
    if args.description is not None:
        for detail in details:
            detail["ErrorDescription"] = args.description
    client = StackClient.connect(info)
    try:
        client.publish_checks(*details, batched=args.batch)
    finally:
        client.http.close()
    kind = "in MonitorCheckBatch events" if args.batch else "as MonitorCheck events"
    for guid in args.monitor_guids:
        print(f"Published check {check_id}: {args.level} for monitor {guid} ({kind})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
