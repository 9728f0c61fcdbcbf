"""Child process groups: the one way `make run`, `make cluster` and the test harness stop them.

Each server is started with ``start_new_session=True`` so that it and everything it forks
(Rasa's sanic workers, gunicorn's workers) form one process group. Stopping sends SIGTERM to
every group first, so all of them shut down in parallel, then waits a shared grace period and
SIGKILLs whatever is still there: nothing is left listening on a port.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import Iterable


def signal_group(proc: subprocess.Popen, sig: int) -> None:
    """Send ``sig`` to the process group of ``proc`` if it is still running."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:  # exited between poll() and killpg()
            pass


def stop_groups(procs: Iterable[subprocess.Popen], grace: float) -> None:
    """SIGTERM every group (in the given order), then SIGKILL the ones still running after ``grace`` s."""
    procs = list(procs)
    for proc in procs:
        signal_group(proc, signal.SIGTERM)
    deadline = time.time() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            signal_group(proc, signal.SIGKILL)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover - a process that ignores SIGKILL (D state)
                pass
