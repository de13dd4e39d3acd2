"""One state directory per stack: a second stack refuses a directory whose stack still runs, and leaves
that stack's files alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from local.client import ROOT, StackClient


def test_a_second_stack_refuses_a_running_stacks_state_dir_and_keeps_its_files(
    client: StackClient, tmp_path: Path
) -> None:
    stack_file = tmp_path / "stack.json"
    stack_file.write_text(client.info.model_dump_json(), encoding="utf-8")
    (tmp_path / "stack.log").write_text("the running stack's log\n", encoding="utf-8")
    second = subprocess.run(
        [sys.executable, "-m", "local.stack", "--state-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 1
    assert "already runs with state directory" in second.stderr
    assert stack_file.read_text(encoding="utf-8") == client.info.model_dump_json()
    assert (tmp_path / "stack.log").read_text(encoding="utf-8") == "the running stack's log\n"
    assert client.api("GET", "/Monitor") is not None  # the running stack still answers
