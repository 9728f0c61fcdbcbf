"""The console's background runs of ``scripts/retrain.py`` (retrain, deploy, rollback): one at a time.

The same command as ``make retrain`` / ``make deploy-model`` / ``make rollback-model`` runs as a
child process with its output in ``var/model-jobs/<time>-<command>.log``; the console shows the
``==>`` lines as progress and the end of the output. The job's state is a small JSON file next to
it, so every console worker sees the same job.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from kokom import REPO_ROOT, VAR_DIR
from kokom.privacy import private_dir

JOBS_DIR = VAR_DIR / "model-jobs"
STATE = "current.json"
COMMANDS = ("retrain", "deploy", "rollback")


class JobError(RuntimeError):
    pass


def _dir() -> Path:
    return private_dir(JOBS_DIR)


def _alive(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)  # reap our own child
        if finished == pid:
            return False
    except ChildProcessError:
        pass  # started by another console worker
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def current() -> dict[str, Any] | None:
    """The last job: command, who, started, running, the ``==>`` steps and the output's end."""
    path = _dir() / STATE
    if not path.is_file():
        return None
    job = json.loads(path.read_text(encoding="utf-8"))
    job["running"] = _alive(int(job["pid"])) and not _finished(job)
    log = Path(job["log"])
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    job["steps"] = [line[4:] for line in text.splitlines() if line.startswith("==> ")]
    job["tail"] = "\n".join(text.splitlines()[-40:])
    job["failed"] = not job["running"] and ("GAGAL" in text or "Traceback" in text)
    return job


def _finished(job: dict[str, Any]) -> bool:
    log = Path(job["log"])
    return log.is_file() and "==> Pekerjaan selesai" in log.read_text(encoding="utf-8", errors="replace")


def start(command: str, actor: str, *, model: str | None = None, force: bool = False) -> dict[str, Any]:
    if command not in COMMANDS:
        raise JobError("Perintah tidak dikenal.")
    job = current()
    if job and job["running"]:
        raise JobError(f"Masih berjalan: {job['command']} oleh {job['actor']} sejak {job['started']}.")
    args = [sys.executable, str(REPO_ROOT / "scripts" / "retrain.py"), "--actor", actor, command]
    if command == "deploy":
        if model:
            args += ["--model", model]
        if force:
            args.append("--force")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    log = _dir() / f"{stamp}-{command}.log"
    # the closing line tells every worker that the job ended (and how)
    shell = " ".join(_quote(a) for a in args) + '; echo "==> Pekerjaan selesai (kode $?)"'
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(["/bin/sh", "-c", shell], cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    job = {"pid": proc.pid, "command": command, "actor": actor, "model": model, "force": force,
           "started": time.strftime("%Y-%m-%d %H:%M:%S"), "log": str(log)}
    (_dir() / STATE).write_text(json.dumps(job), encoding="utf-8")
    return job


def _quote(value: str) -> str:
    import shlex

    return shlex.quote(value)
