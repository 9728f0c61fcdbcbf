"""make run keeps the desk up: a process that dies is started again, with back-off."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import run  # noqa: E402  (scripts/run.py)


@pytest.mark.e2e  # real processes and real back-off waits: the full tier
def test_a_crashed_process_is_started_again_with_growing_waits(capsys):
    crash = [sys.executable, "-c", "import sys; sys.exit(3)"]
    steady = [sys.executable, "-c", "import time; time.sleep(30)"]
    procs = [subprocess.Popen(crash), subprocess.Popen(steady)]
    commands = {0: ("action server", crash), 1: ("console", steady)}
    spawned: list[tuple[float, list[str]]] = []

    def spawn(cmd: list[str]) -> subprocess.Popen:
        spawned.append((time.time(), cmd))
        return subprocess.Popen(cmd)

    try:
        run.supervise(procs, commands, spawn, poll=0.02, first_delay=0.05, max_delay=0.4, rounds=150)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    restarts = [at for at, cmd in spawned if cmd == crash]
    assert len(restarts) >= 3 and all(cmd == crash for _, cmd in spawned)  # the steady one is left alone
    gaps = [b - a for a, b in zip(restarts, restarts[1:])]
    assert gaps[1] > gaps[0] * 1.3  # back-off grows
    err = capsys.readouterr().err
    assert "action server stopped (exit 3)" in err and "action server started again" in err
