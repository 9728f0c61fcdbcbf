"""Secrets that come from an environment variable or are generated once into a file.

Used for the Rasa API token, the console's session key and the WhatsApp
sandbox's app secret: in production the environment provides them; on a
newcomer's machine they are created on first use (mode 0600, created
atomically so concurrent processes agree on one value) and never committed.
"""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path


def file_secret(path: Path, nbytes: int = 32) -> str:
    """The secret stored in ``path``, generating it first if the file does not exist."""
    from kokom.privacy import private_dir

    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(nbytes))
    for _ in range(50):  # another process may be writing it this very moment
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError(f"secret file {path} is empty")


def env_or_file_secret(env_var: str, path: Path, nbytes: int = 32) -> str:
    """``$env_var`` when set, else the generated file secret."""
    value = os.environ.get(env_var, "").strip()
    return value or file_secret(path, nbytes)


def read_env_or_file(env_var: str, path: Path) -> str | None:
    """``$env_var`` or the file's content, without generating anything (clients of a secret)."""
    value = os.environ.get(env_var, "").strip()
    if value:
        return value
    try:
        return path.read_text().strip() or None
    except OSError:
        return None
