"""moto server in a process of its own: owns running (and stopping) the local stack's AWS endpoint.

In the stack's process moto shared one interpreter lock with the functions and the simulators, and every
AWS request (10-20 ms of moto's CPU) stalled them: a burst ran at the speed of one core. Here moto runs as a
user would run `moto_server`, with `local.moto_fixes` applied in its process.

    python -m local.moto_process [--host 127.0.0.1] [--port 0]

prints one JSON line, `{"host": ..., "port": ...}`, once it listens, and serves until its standard input
closes (the stack that started it stopped or died) or it gets SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

from moto.server import ThreadedMotoServer

from local import moto_fixes

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType

STOP_SECONDS = 10
# How long a thread holding the interpreter lock keeps it while another waits (Python's default: 5 ms).
# Every request thread here waits for the lock after each read and write of its socket; behind threads
# busy with other requests, the default made each AWS request of a burst wait several hand-offs.
SWITCH_INTERVAL_S = 0.0005
REPO_ROOT = Path(__file__).resolve().parent.parent


def serve(host: str, port: int, stdin: IO[str], stdout: IO[str]) -> None:
    """Serves moto until stdin reaches its end; announces the bound address on stdout first."""
    moto_fixes.apply()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    # moto's access log (a line per poll) would bury everything else; its warnings still show.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    bound_host, bound_port = server.get_host_and_port()
    stdout.write(json.dumps({"host": bound_host, "port": bound_port}) + "\n")
    stdout.flush()
    try:
        stdin.read()  # returns when the parent closes the pipe or exits
    finally:
        server.stop()


class MotoProcess:
    """A `python -m local.moto_process` child: its endpoint once started, gone once stopped."""

    def __init__(self, host: str, port: int = 0) -> None:
        self.host = host
        self.port = port
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> str:
        """Starts the child and waits until it listens; returns its endpoint URL."""
        self._process = subprocess.Popen(
            [sys.executable, "-m", "local.moto_process", "--host", self.host, "--port", str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO_ROOT,
            # Ctrl-C in the terminal is the stack's to handle: it stops moto last, by closing stdin.
            start_new_session=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError("moto server exited before it listened (its error is above)")
        address = json.loads(line)
        return f"http://{address['host']}:{address['port']}"

    def stop(self) -> None:
        """Closes the child's stdin (its signal to stop) and waits; safe to call more than once."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.moto_process", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)

    def request_stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)  # unwinds through serve(), which stops the server

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    serve(args.host, args.port, sys.stdin, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
