"""The README's runnable snippets, run as written: every bash block marked `<!-- readme-test: run -->`,
in order and in one shell, from a directory laid out like a clone with `make local` running."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from local.client import ROOT, StackClient

MARKER = "<!-- readme-test: run -->"
BLOCK = re.compile(re.escape(MARKER) + r"\n```bash\n(.*?)\n```", re.DOTALL)


def runnable_blocks() -> list[str]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_marks_its_try_it_and_functions_snippets_to_run() -> None:
    blocks = runnable_blocks()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(blocks) == readme.count(MARKER) - 1  # one more mention is the sentence explaining it
    assert any("local.check" in block for block in blocks)
    assert any("PageState" in block for block in blocks)


def test_every_marked_readme_snippet_runs_as_written(client: StackClient, tmp_path: Path) -> None:
    # What a user has after `make local`: the clone's virtualenv and package, and the stack's state dir.
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "local").symlink_to(ROOT / "local")
    (tmp_path / ".local").mkdir()
    (tmp_path / ".local" / "stack.json").write_text(client.info.model_dump_json(), encoding="utf-8")
    script = "\n".join(runnable_blocks())
    ran = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert ran.returncode == 0, f"stdout:\n{ran.stdout}\nstderr:\n{ran.stderr}"
    out = ran.stdout
    assert '{"status":"down","incident":"investigating"}' in out
    assert '{"status":"up","incident":"monitoring"}' in out
    assert '{"Name":"Sign","HashKey":"****"}' in out
    assert '{"component":"Sample monitor","status":"major_outage"}' in out
    assert "signature verified" in out
    assert "public status page" in out
