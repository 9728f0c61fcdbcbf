"""Quick replies (balasan cepat) that admins edit and officers insert into a reply."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.auth import AccountError, audit
from kokom.console_tables import CannedReply
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
