"""The handoff queue as the officer console works it.

A handoff is a conversation the assistant passed to a human (``requested``:
the resident asked; ``fallback``: repeated not-understood messages) or one an
officer took over on their own initiative (``proactive``). Each has a
consultation case (``KON-``) that follows the state machine in
:mod:`kokom.case_states`: ``menunggu`` while queued, ``ditangani`` once an
officer claims it, ``selesai`` (with a note) when the officer finishes.

Every operation is one transaction (:func:`kokom.db.run_in_transaction`).
Claiming is a conditional ``UPDATE ... WHERE status = 'waiting'`` whose row
count decides the winner, so two officers can never claim the same handoff.
Talking to Rasa (pause/resume) and WhatsApp is left to the caller.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kokom import case_states
from kokom.db import run_in_transaction
from kokom.models import Case, CaseEvent, Handoff, Resident, utcnow

REASON_LABELS: dict[str, str] = {
    "requested": "Minta petugas",
    "fallback": "Asisten tidak paham berulang kali",
    "proactive": "Diambil alih petugas",
}
STATUS_LABELS: dict[str, str] = {
    "waiting": "Menunggu",
    "claimed": "Ditangani",
    "closed": "Selesai",
}
DEFAULT_FINISH_NOTE = "Percakapan selesai ditangani petugas."


class HandoffError(ValueError):
    """An operation that is not possible now (message in Indonesian for officers)."""


@dataclass(frozen=True)
class HandoffItem:
    """A handoff with what the inbox shows, detached from the session."""

    id: int
    sender_id: str
    resident_name: str | None
    reason: str
    status: str
    outside_hours: bool
    requested_at: datetime
    claimed_by: str | None
    claimed_at: datetime | None
    closed_at: datetime | None
    ticket: str | None
    case_status: str | None

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def waiting_seconds(self, now: datetime | None = None) -> int:
        end = self.claimed_at if self.status != "waiting" and self.claimed_at else (now or utcnow())
        return max(0, int((end - self.requested_at).total_seconds()))


@dataclass(frozen=True)
class ClaimResult:
    ok: bool
    item: HandoffItem | None
    message: str


def _item(h: Handoff) -> HandoffItem:
    resident: Resident | None = h.resident
    return HandoffItem(
        id=h.id,
        sender_id=h.sender_id,
        resident_name=resident.profile_name if resident else None,
        reason=h.reason,
        status=h.status,
        outside_hours=bool(h.outside_hours),
        requested_at=h.requested_at,
        claimed_by=h.claimed_by,
        claimed_at=h.claimed_at,
        closed_at=h.closed_at,
        ticket=h.case.ticket if h.case else None,
        case_status=h.case.status if h.case else None,
    )


def _move_case(session: Session, case: Case | None, new_status: str, actor: str, note: str | None) -> None:
    """Move the handoff's KON case if the state machine allows it (otherwise leave it)."""
    if case is None or case.status == new_status:
        return
    if new_status not in case_states.allowed_next(case.kind, case.status):
        return
    case_states.check_transition(case.kind, case.status, new_status, note)
    session.add(CaseEvent(case_id=case.id, actor=actor, from_status=case.status, to_status=new_status,
                          note=(note or "").strip()[:4000] or None))
    case.status = new_status
    case.updated_at = utcnow()


def list_waiting() -> list[HandoffItem]:
    """Conversations waiting for an officer, oldest first."""

    def work(session: Session) -> list[HandoffItem]:
        rows = session.execute(
            select(Handoff).where(Handoff.status == "waiting").order_by(Handoff.requested_at, Handoff.id)
        ).scalars()
        return [_item(h) for h in rows]

    return run_in_transaction(work)


def list_claimed(officer: str | None = None) -> list[HandoffItem]:
    """Conversations being handled (by ``officer`` when given), oldest claim first."""

    def work(session: Session) -> list[HandoffItem]:
        query = select(Handoff).where(Handoff.status == "claimed")
        if officer:
            query = query.where(Handoff.claimed_by == officer)
        rows = session.execute(query.order_by(Handoff.claimed_at, Handoff.id)).scalars()
        return [_item(h) for h in rows]

    return run_in_transaction(work)


def list_recent_closed(limit: int = 20) -> list[HandoffItem]:
    def work(session: Session) -> list[HandoffItem]:
        rows = session.execute(
            select(Handoff).where(Handoff.status == "closed").order_by(Handoff.closed_at.desc()).limit(limit)
        ).scalars()
        return [_item(h) for h in rows]

    return run_in_transaction(work)


def get(handoff_id: int) -> HandoffItem | None:
    def work(session: Session) -> HandoffItem | None:
        h = session.get(Handoff, handoff_id)
        return _item(h) if h else None

    return run_in_transaction(work)


def active_for_sender(sender_id: str) -> HandoffItem | None:
    """The open (waiting or claimed) handoff of a conversation, if any."""

    def work(session: Session) -> HandoffItem | None:
        h = session.execute(
            select(Handoff)
            .where(Handoff.sender_id == sender_id, Handoff.status.in_(("waiting", "claimed")))
            .order_by(Handoff.id.desc())
        ).scalars().first()
        return _item(h) if h else None

    return run_in_transaction(work)


def history_for_sender(sender_id: str) -> list[HandoffItem]:
    def work(session: Session) -> list[HandoffItem]:
        rows = session.execute(
            select(Handoff).where(Handoff.sender_id == sender_id).order_by(Handoff.id.desc())
        ).scalars()
        return [_item(h) for h in rows]

    return run_in_transaction(work)


def claim(handoff_id: int, officer: str) -> ClaimResult:
    """Give a waiting handoff to ``officer``; exactly one of concurrent claims wins."""

    def work(session: Session) -> ClaimResult:
        now = utcnow()
        result = session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.status == "waiting")
            .values(status="claimed", claimed_by=officer, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        h = session.get(Handoff, handoff_id)
        if h is None:
            return ClaimResult(False, None, "Percakapan tidak ditemukan.")
        if result.rowcount != 1:
            session.refresh(h)
            if h.status == "claimed":
                who = "Anda" if h.claimed_by == officer else f"petugas {h.claimed_by}"
                return ClaimResult(h.claimed_by == officer, _item(h), f"Percakapan ini sudah ditangani oleh {who}.")
            return ClaimResult(False, _item(h), "Percakapan ini sudah selesai.")
        session.refresh(h)
        _move_case(session, h.case, "ditangani", officer, f"Diambil alih oleh {officer}")
        session.flush()
        return ClaimResult(True, _item(h), "Percakapan berhasil diambil alih.")

    return run_in_transaction(work)


def finish(handoff_id: int, officer: str, note: str | None = None, *, force: bool = False) -> HandoffItem:
    """Close a claimed handoff and its KON case (``selesai``, with a note).

    Only the officer who claimed it may finish it, unless ``force`` (admins).
    """
    note = (note or "").strip() or DEFAULT_FINISH_NOTE

    def work(session: Session) -> HandoffItem:
        query = update(Handoff).where(Handoff.id == handoff_id, Handoff.status == "claimed")
        if not force:
            query = query.where(Handoff.claimed_by == officer)
        result = session.execute(
            query.values(status="closed", closed_at=utcnow()).execution_options(synchronize_session=False)
        )
        h = session.get(Handoff, handoff_id)
        if h is None:
            raise HandoffError("Percakapan tidak ditemukan.")
        session.refresh(h)
        if result.rowcount != 1:
            if h.status == "closed":
                raise HandoffError("Percakapan ini sudah selesai.")
            if h.status == "waiting":
                raise HandoffError("Ambil alih percakapan ini dulu sebelum menyelesaikannya.")
            raise HandoffError(f"Percakapan ini ditangani oleh petugas {h.claimed_by}.")
        _move_case(session, h.case, "selesai", officer, note)
        session.flush()
        return _item(h)

    return run_in_transaction(work)


def take_over(sender_id: str, officer: str, *, outside_hours: bool = False, note: str | None = None) -> ClaimResult:
    """Proactive takeover: queue the conversation (reason ``proactive``) and claim it.

    A conversation already waiting is simply claimed; one claimed by another
    officer stays theirs.
    """
    from kokom.cases import request_handoff

    def known(session: Session) -> bool:
        return session.execute(select(Resident.id).where(Resident.wa_id == sender_id)).first() is not None

    if not run_in_transaction(known):
        return ClaimResult(False, None, "Warga dengan nomor ini belum pernah menghubungi kelurahan.")
    queued = request_handoff(
        sender_id, reason="proactive", outside_hours=outside_hours,
        note=note or f"Percakapan diambil alih oleh petugas {officer}",
    )
    return claim(queued.id, officer)


__all__ = [
    "ClaimResult",
    "DEFAULT_FINISH_NOTE",
    "HandoffError",
    "HandoffItem",
    "REASON_LABELS",
    "STATUS_LABELS",
    "active_for_sender",
    "claim",
    "finish",
    "get",
    "history_for_sender",
    "list_claimed",
    "list_recent_closed",
    "list_waiting",
    "take_over",
]
