"""Files officers send (attachments, the admins' file library), kept under the media dir.

Never in git or the database: ``KOKOM_MEDIA_DIR`` (kokom.settings) holds them beside the
residents' files, with random names, private to the service user. Paths are stored
relative to the media dir and resolved back only inside it.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from kokom.privacy import private_dir
from kokom.whatsapp.mediafiles import EXTENSIONS, OutboundFile


def store_file(media_dir: Path, file: OutboundFile, folder: str) -> str:
    """Write ``file`` under ``media_dir/<folder>/YYYY-MM/``; returns its path relative to ``media_dir``."""
    base = Path(media_dir)
    target = base / folder / datetime.utcnow().strftime("%Y-%m")
    private_dir(base)
    private_dir(base / folder)
    private_dir(target)
    name = f"{datetime.utcnow():%Y%m%d%H%M%S}-{secrets.token_hex(8)}{EXTENSIONS[file.mime_type]}"
    path = target / name
    with open(path, "xb") as handle:
        handle.write(file.content)
    try:
        path.chmod(0o600)
    except OSError:
        pass
    return path.relative_to(base).as_posix()


def resolve(media_dir: Path, relpath: str) -> Path | None:
    """The file of a stored relative path, only when it is inside ``media_dir``."""
    base = Path(media_dir).resolve()
    try:
        full = (base / relpath).resolve()
        full.relative_to(base)
    except (ValueError, OSError):
        return None
    return full if full.is_file() else None


def remove(media_dir: Path, relpath: str) -> None:
    path = resolve(media_dir, relpath)
    if path is not None:
        try:
            path.unlink()
        except OSError:
            pass
