"""Quick replies (balasan cepat) that admins edit and officers insert into a reply, and the
file library (berkas siap kirim: forms, filling guides, posters, maps) officers send with two clicks."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.auth import AccountError, audit
from kokom.console_tables import CannedFile, CannedReply
from kokom.db import run_in_transaction

MAX_TITLE = 80
MAX_TEXT = 2000


def _check(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    if not title or not text:
        raise AccountError("Judul dan isi balasan cepat wajib diisi.")
    if len(title) > MAX_TITLE or len(text) > MAX_TEXT:
        raise AccountError(f"Judul maksimal {MAX_TITLE} karakter, isi maksimal {MAX_TEXT} karakter.")
    return title, text


def list_replies() -> list[dict[str, Any]]:
    def work(session: Session) -> list[dict[str, Any]]:
        rows = session.execute(select(CannedReply).order_by(CannedReply.position, CannedReply.id)).scalars()
        return [{"id": r.id, "title": r.title, "text": r.text, "position": r.position,
                 "updated_by": r.updated_by, "updated_at": r.updated_at} for r in rows]

    return run_in_transaction(work)


def create(title: str, text: str, position: int, actor: str, ip: str | None = None) -> int:
    title, text = _check(title, text)

    def work(session: Session) -> int:
        row = CannedReply(title=title, text=text, position=position, updated_by=actor)
        session.add(row)
        session.flush()
        audit(actor, "balasan_cepat.buat", f"balasan_cepat:{row.id}", title, ip, session=session)
        return row.id

    return run_in_transaction(work)


def update(reply_id: int, title: str, text: str, position: int, actor: str, ip: str | None = None) -> None:
    title, text = _check(title, text)

    def work(session: Session) -> None:
        row = session.get(CannedReply, reply_id)
        if row is None:
            raise AccountError("Balasan cepat tidak ditemukan.")
        row.title, row.text, row.position, row.updated_by = title, text, position, actor
        audit(actor, "balasan_cepat.ubah", f"balasan_cepat:{reply_id}", title, ip, session=session)

    run_in_transaction(work)


def delete(reply_id: int, actor: str, ip: str | None = None) -> None:
    def work(session: Session) -> None:
        row = session.get(CannedReply, reply_id)
        if row is None:
            raise AccountError("Balasan cepat tidak ditemukan.")
        session.delete(row)
        audit(actor, "balasan_cepat.hapus", f"balasan_cepat:{reply_id}", row.title, ip, session=session)

    run_in_transaction(work)


# ---------------------------------------------------------------------------
# File library
# ---------------------------------------------------------------------------

MAX_CAPTION = 1024  # WhatsApp's caption limit
MAX_FILES = 50  # a small library, shown as buttons beside the reply box


def _check_file_fields(title: str, caption: str) -> tuple[str, str]:
    title, caption = (title or "").strip(), (caption or "").strip()
    if not title:
        raise AccountError("Judul berkas wajib diisi.")
    if len(title) > MAX_TITLE or len(caption) > MAX_CAPTION:
        raise AccountError(f"Judul maksimal {MAX_TITLE} karakter, keterangan maksimal {MAX_CAPTION} karakter.")
    return title, caption


def _file_dict(r: CannedFile) -> dict[str, Any]:
    return {"id": r.id, "title": r.title, "caption": r.caption or "", "filename": r.filename, "path": r.path,
            "mime_type": r.mime_type, "kind": r.kind, "size": r.size, "position": r.position,
            "updated_by": r.updated_by, "updated_at": r.updated_at}


def list_files() -> list[dict[str, Any]]:
    def work(session: Session) -> list[dict[str, Any]]:
        rows = session.execute(select(CannedFile).order_by(CannedFile.position, CannedFile.id)).scalars()
        return [_file_dict(r) for r in rows]

    return run_in_transaction(work)


def get_file(file_id: int) -> dict[str, Any] | None:
    def work(session: Session) -> dict[str, Any] | None:
        row = session.get(CannedFile, file_id)
        return _file_dict(row) if row else None

    return run_in_transaction(work)


def create_file(title: str, caption: str, content: bytes, filename: str | None, position: int, actor: str,
                media_dir: Path, ip: str | None = None) -> int:
    """Check the file like an attachment (content type, WhatsApp's limit), keep it under the media dir."""
    from console.attachments import remove, store_file
    from kokom.whatsapp.mediafiles import FileRejected, check_file

    title, caption = _check_file_fields(title, caption)
    try:
        file = check_file(content, filename)
    except FileRejected as exc:
        raise AccountError(str(exc)) from None
    if len(list_files()) >= MAX_FILES:
        raise AccountError(f"Pustaka berkas sudah berisi {MAX_FILES} berkas. Hapus yang tidak dipakai dulu.")
    path = store_file(media_dir, file, "berkas")

    def work(session: Session) -> int:
        row = CannedFile(title=title, caption=caption or None, filename=file.filename, path=path,
                         mime_type=file.mime_type, kind=file.kind, size=file.size, position=position,
                         updated_by=actor)
        session.add(row)
        session.flush()
        audit(actor, "berkas.buat", f"berkas:{row.id}", f"{title} ({file.filename})", ip, session=session)
        return row.id

    try:
        return run_in_transaction(work)
    except Exception:
        remove(media_dir, path)  # nothing half-saved
        raise


def update_file(file_id: int, title: str, caption: str, position: int, actor: str, ip: str | None = None) -> None:
    title, caption = _check_file_fields(title, caption)

    def work(session: Session) -> None:
        row = session.get(CannedFile, file_id)
        if row is None:
            raise AccountError("Berkas tidak ditemukan.")
        row.title, row.caption, row.position, row.updated_by = title, caption or None, position, actor
        audit(actor, "berkas.ubah", f"berkas:{file_id}", title, ip, session=session)

    run_in_transaction(work)


def delete_file(file_id: int, actor: str, media_dir: Path, ip: str | None = None) -> None:
    from console.attachments import remove

    def work(session: Session) -> str:
        row = session.get(CannedFile, file_id)
        if row is None:
            raise AccountError("Berkas tidak ditemukan.")
        session.delete(row)
        audit(actor, "berkas.hapus", f"berkas:{file_id}", row.title, ip, session=session)
        return row.path

    path = run_in_transaction(work)
    remove(media_dir, path)


def file_content(entry: dict[str, Any], media_dir: Path) -> bytes | None:
    from console.attachments import resolve

    path = resolve(media_dir, entry["path"])
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None
