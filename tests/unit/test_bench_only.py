"""`python -m bench --only X` replaces X's figures in bench/results.json and keeps every other section."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import bench.__main__ as bench_cli


@pytest.fixture
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "results.json"
    shutil.copy(bench_cli.RESULTS, path)
    monkeypatch.setattr(bench_cli, "RESULTS", path)
    return path


def test_only_one_section_keeps_the_others_figures(
    results: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = json.loads(results.read_text())
    remeasured = copy.deepcopy(before["cold_start"])
    remeasured["layer"]["total_mb"] = 99.5
    monkeypatch.setitem(bench_cli.SECTIONS, "cold_start", lambda: remeasured)
    assert bench_cli.main(["--only", "cold_start"]) == 0
    after = json.loads(results.read_text())
    assert after["cold_start"]["layer"]["total_mb"] == 99.5
    for kept in ("evaluator", "delivery", "latency", "cost", "scale"):
        assert after[kept] == before[kept]
    assert after["run"]["sections"] == ["cold_start"]
    assert "99.5 MB" in capsys.readouterr().out


def test_cost_is_derived_again_when_its_inputs_are_remeasured(
    results: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = json.loads(results.read_text())
    faster: dict[str, Any] = copy.deepcopy(before["delivery"])
    monkeypatch.setitem(bench_cli.SECTIONS, "delivery", lambda: faster)
    evaluator = copy.deepcopy(before["evaluator"])
    evaluator["state_change_single"]["dynamodb_write_units"] *= 2
    monkeypatch.setitem(bench_cli.SECTIONS, "evaluator", lambda: evaluator)
    bench_cli.main(["--only", "evaluator,delivery"])
    after = json.loads(results.read_text())
    changed, was = after["cost"]["single"], before["cost"]["single"]
    assert changed["state_change_usd_per_million"] > was["state_change_usd_per_million"]
    assert after["latency"] == before["latency"]


def test_an_unknown_section_is_refused_before_anything_runs(
    results: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        bench_cli.main(["--only", "cold_strat"])
    assert "choose from" in capsys.readouterr().err
