"""Residents' personal data in text: NIK masking everywhere, private files on disk.

- :func:`mask_niks` masks every NIK-shaped number in free text, whatever separates its
  digits (``3577/0112/0385/0001``, spaces, dots, dashes, underscores), for transcripts,
  captions, location names, CSV summaries, error replies and logs.
- :func:`install_log_masking` makes every log record of the process pass through it
  (at every level, tracebacks included), whatever handlers Rasa or Sanic configure.
- :func:`private_dir` / :func:`make_private` / :func:`private_umask` keep ``var/``
  (databases, media, spool, secrets) readable by the service user only.
"""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any


# 16 digits, each pair separated by at most two separator characters.
_SEP = r"[\s./\\_\-]{0,2}"
_NIK_IN_TEXT = re.compile(r"(?<![0-9])[0-9](?:" + _SEP + r"[0-9]){15}(?![0-9])")


def mask_nik(nik: str | None) -> str:
    """Hide the birth date and most digits: logs and lists never show a full NIK."""
    digits = "".join(ch for ch in str(nik or "") if ch.isdigit())
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def mask_niks(text: Any) -> str:
    """``text`` with every NIK-shaped run of 16 digits masked (non-strings become text)."""
    if text is None:
        return ""
    value = text if isinstance(text, str) else str(text)
    if not any(ch.isdigit() for ch in value):
        return value
    return _NIK_IN_TEXT.sub(lambda m: mask_nik("".join(ch for ch in m.group(0) if ch.isdigit())), value)


def mask_niks_deep(value: Any) -> Any:
    """The same for every string inside JSON-like data."""
    if isinstance(value, str):
        return mask_niks(value)
    if isinstance(value, dict):
        return {k: mask_niks_deep(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_niks_deep(v) for v in value]
    return value


_installed = False


def install_log_masking() -> None:
    """Mask NIKs in every log record this process creates (idempotent).

    A record factory (not a handler filter) so it holds for every logger and every
    handler, including those configured later by Rasa, Sanic or gunicorn.
    """
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logged as it is
            return record
        masked = mask_niks(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_niks(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask_niks(record.stack_info)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def private_umask() -> None:
    """New files of this process: owner only (0600 files, 0700 directories)."""
    os.umask(0o077)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents inside it) private to the service user."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path


def make_private(root: Path) -> None:
    """Tighten an existing tree: directories 0700, files 0600 (links are left alone)."""
    root = Path(root)
    if not root.exists():
        return
    for current, dirs, files in os.walk(root):
        for name in dirs:
            _chmod(Path(current) / name, 0o700)
        for name in files:
            _chmod(Path(current) / name, 0o600)
    _chmod(root, 0o700 if root.is_dir() else 0o600)


def _chmod(path: Path, mode: int) -> None:
    try:
        if not path.is_symlink():
            os.chmod(path, mode)
    except OSError:
        pass


def secure_process(var_dir: Path | None = None) -> None:
    """What every SI KoKoM process does first: private umask, private var/, masked logs."""
    from kokom import VAR_DIR

    private_umask()
    private_dir(var_dir or VAR_DIR)
    install_log_masking()


def private_sqlite_file(url: str) -> None:
    """Create a SQLite database file (and its folder) private before SQLite opens it.

    SQLite gives its WAL and journal files the database file's mode, so they stay private too.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return
    path = url[len(prefix):].split("?", 1)[0]
    if not path or path == ":memory:":
        return
    target = Path(path)
    private_dir(target.parent) if target.parent == _var_dir() else target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(target, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
        os.chmod(target, 0o600)
    except OSError:
        pass


def _var_dir() -> Path:
    from kokom import VAR_DIR

    return VAR_DIR
