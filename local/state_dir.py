"""One state directory per local stack: a stack whose stack.json still answers owns its directory, so a
second stack (a `make demo` next to a `make local`) refuses it instead of taking it over."""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit


def api_running_in(state_dir: Path, stack_file: str) -> str | None:
    """The API URL of the stack whose stack file is in `state_dir`, if that stack still answers (the file
    a killed run left behind does not)."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        api_url = str(json.loads((state_dir / stack_file).read_text(encoding="utf-8"))["api_url"])
        address = urlsplit(api_url)
        with socket.create_connection((address.hostname or "127.0.0.1", address.port or 80), timeout=1):
            return api_url
    return None


class StateDirInUseError(RuntimeError):
    def __init__(self, state_dir: Path, api_url: str) -> None:
        super().__init__(
            f"a local stack already runs with state directory {state_dir} (API {api_url}); "
            "stop it, or give this one its own --state-dir"
        )


def claim_state_dir(state_dir: Path, stack_file: str, on_refusal: Callable[[], None] = lambda: None) -> bool:
    """True when no running stack owns `state_dir`; else `on_refusal()` and StateDirInUseError."""
    other = api_running_in(state_dir, stack_file)
    if other is not None:
        on_refusal()
        raise StateDirInUseError(state_dir, other)
    return True
