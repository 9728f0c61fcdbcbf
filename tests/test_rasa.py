"""Rasa-level checks: data validation, conversation tests and the NLU report on the held-out split."""
from __future__ import annotations

import pytest

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT))


def run(cmd: list[str], timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)


@pytest.mark.e2e  # runs the rasa CLI (10 s): the full tier, not make test-fast
def test_rasa_data_validate():
    result = run([str(BIN / "rasa"), "data", "validate"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_conversation_stories(model_path, tmp_path):
    """Every flow's test story, with no prediction error allowed."""
    result = run(
        [
            str(BIN / "rasa"), "test", "core", "--model", model_path, "--stories", "tests/stories",
            "--out", str(tmp_path), "--fail-on-prediction-errors", "--no-plot",
        ]
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, details + result.stdout[-3000:] + result.stderr[-3000:]


def test_nlu_report_on_held_out_split(model_path, tmp_path):
    """Prints the per-intent report (visible with pytest -s / in CI logs) and guards a floor."""
    out = tmp_path / "nlu.json"
    result = run([str(BIN / "python"), "scripts/eval_nlu.py", "--model", model_path, "--json", str(out)])
    assert result.returncode == 0, result.stderr[-3000:]
    print("\n" + result.stdout)
    report = json.loads(out.read_text())
    # The target is 0.93; the floor only catches a broken pipeline or data.
    assert report["macro_f1"] >= 0.85, result.stdout
    assert report["document_type_accuracy"] is None or report["document_type_accuracy"] >= 0.85
