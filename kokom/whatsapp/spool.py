"""A small on-disk queue between the webhook's 200 and the database.

The webhook must answer Meta within milliseconds, but the database may be busy
(SQLite's single writer) and the Rasa event loop may be busy with a model
prediction. So a verified, well-formed delivery is first written to a file here
(a few system calls, no waiting on locks), the 200 goes out, and a background task
moves the files, oldest first, into the database (where the unique key on the
message id de-duplicates) and deletes them. Files left by a stopped process are
moved in at the next start, so an acknowledged delivery is never lost.
"""
from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

from kokom.privacy import private_dir


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        private_dir(self.folder)
        # Names sort in arrival order: the start time of this process, then a counter
        # (immune to the wall clock moving backwards while the process runs).
        self._base = time.time_ns()
        self._counter = itertools.count()
        # A write interrupted before its rename was never acknowledged: Meta sends it again.
        for leftover in self.folder.glob("*.tmp"):
            try:
                leftover.unlink()
            except OSError:
                pass

    def put(self, raw: bytes) -> Path:
        """Store one delivery (atomically: a reader sees the whole file or none)."""
        name = f"{self._base:020d}-{os.getpid():07d}-{next(self._counter):012d}"
        tmp = self.folder / f"{name}.tmp"
        final = self.folder / f"{name}.json"
        # Private whatever the umask: a delivery holds a resident's message.
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(raw)
            handle.flush()
        os.replace(tmp, final)
        return final

    def pending(self) -> list[Path]:
        """Stored deliveries in arrival order."""
        return sorted(self.folder.glob("*.json"))

    def remove(self, path: Path) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
