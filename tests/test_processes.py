"""kokom.processes: stopping child process groups leaves nothing running (fast, real processes)."""
from __future__ import annotations

import os
import subprocess
import sys
import time

from kokom.processes import signal_group, stop_groups

# A parent that forks a grandchild, as Rasa's and gunicorn's workers do; ``stubborn`` ignores SIGTERM.
SCRIPT = """
import signal, subprocess, sys, time
if sys.argv[1] == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(child.pid, flush=True)
time.sleep(60)
"""


def _start(kind: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, kind], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    return proc, int(proc.stdout.readline())


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie of an exited grandchild (re-parented to init) counts as gone.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[1].startswith("Z")


def _wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if _gone(pid):
            return True
        time.sleep(0.05)
    return False


def test_stop_groups_terminates_whole_groups_and_kills_the_stubborn_after_the_grace():
    polite, polite_child = _start("polite")
    stubborn, stubborn_child = _start("stubborn")
    started = time.time()
    stop_groups([polite, stubborn], grace=1.0)
    assert polite.poll() is not None and stubborn.poll() is not None
    assert stubborn.returncode == -9  # SIGKILL after the grace period
    assert time.time() - started < 10
    assert _wait_gone(polite_child) and _wait_gone(stubborn_child)  # the grandchildren too


def test_signal_group_ignores_a_process_that_already_exited():
    proc = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    proc.wait()
    signal_group(proc, 9)  # no ProcessLookupError
    stop_groups([proc], grace=0.1)
