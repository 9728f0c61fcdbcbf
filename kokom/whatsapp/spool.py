"""A small on-disk queue between the webhook's 200 and the database, shared by every instance.

The webhook must answer Meta within milliseconds, but the database may be busy
(SQLite's single writer) and the Rasa event loop may be busy with a model
prediction. So a verified, well-formed delivery is first written to a file here
(a few system calls, no waiting on locks), the 200 goes out, and a background task
moves the files, oldest first, into the database (where the unique key on the
message id de-duplicates) and deletes them. Files left by a stopped process are
moved in at the next start, so an acknowledged delivery is never lost.

Several instances (issue 14) point ``WHATSAPP_SPOOL_DIR`` at ONE folder (the same disk for
instances on one machine; shared storage with working ``flock`` locks, such as NFSv4, for
several machines), so any instance may receive any delivery:

- a file is named after its arrival time (nanoseconds, then host id, process and counter), so
  the folder lists every instance's deliveries in arrival order;
- the ingesters move files in one at a time across instances (:meth:`Spool.ingesting`, an
  exclusive ``flock`` on ``.ingest.lock``): a resident's deliveries enter the database in
  arrival order whichever instance acknowledged them;
- a file is deleted only after its transaction committed. The kernel releases the lock of an
  instance that dies, so another instance ingests what it acknowledged but had not recorded
  (at once; no lease to wait for). A file recorded but not yet deleted is recorded again
  harmlessly: the message id is unique.
"""
from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import socket
import time
import zlib
from pathlib import Path
from typing import Iterator

from kokom.privacy import private_dir

# A write takes milliseconds; a .tmp older than this belongs to a writer that died.
STALE_TMP_SECONDS = 60.0
LOCK_NAME = ".ingest.lock"


def _arrival_ns(path: Path) -> int | None:
    head = path.name.split("-", 1)[0]
    return int(head) if head.isdigit() else None


class Spool:
    def __init__(self, folder: Path, owner: str | None = None) -> None:
        self.folder = Path(folder)
        private_dir(self.folder)
        # Unique across instances sharing the folder: host and process (``owner``), then a counter.
        host = f"{zlib.crc32(socket.gethostname().encode()):08x}"
        self._owner = owner or f"{host}-{os.getpid():07d}"
        self._counter = itertools.count()
        self._last_ns = 0
        # A write interrupted before its rename was never acknowledged: Meta sends it again.
        # Another live instance may be writing one right now: only old ones are dropped.
        now = time.time_ns()
        for leftover in self.folder.glob("*.tmp"):
            born = _arrival_ns(leftover)
            if born is None or now - born > STALE_TMP_SECONDS * 1e9:
                try:
                    leftover.unlink()
                except OSError:
                    pass

    def put(self, raw: bytes) -> Path:
        """Store one delivery (atomically: a reader sees the whole file or none)."""
        # Arrival order across instances is the wall clock; within this process it never goes back.
        self._last_ns = max(time.time_ns(), self._last_ns + 1)
        name = f"{self._last_ns:020d}-{self._owner}-{next(self._counter):012d}"
        tmp = self.folder / f"{name}.tmp"
        final = self.folder / f"{name}.json"
        # Private whatever the umask: a delivery holds a resident's message.
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(raw)
            handle.flush()
        os.replace(tmp, final)
        return final

    def is_own(self, path: Path) -> bool:
        """Written by this process (another instance sharing the folder has another host or pid)."""
        return f"-{self._owner}-" in path.name

    def arrived_ns(self, path: Path) -> int | None:
        """When a spooled delivery arrived (from its name)."""
        return _arrival_ns(path)

    def pending(self) -> list[Path]:
        """Stored deliveries in arrival order (of every instance sharing the folder)."""
        return sorted(self.folder.glob("*.json"))

    @contextlib.contextmanager
    def ingesting(self, blocking: bool = False) -> Iterator[bool]:
        """Hold the folder's ingest lock (yields False when another instance holds it).

        Only the holder moves files into the database, so files enter in arrival order; the
        lock dies with its process, so a killed instance never blocks the others.
        """
        fd = os.open(self.folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def remove(self, path: Path) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
