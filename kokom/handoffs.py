"""Handoff: a conversation passed from the assistant to a human officer, and back.

The one owner of the concept: queueing (:func:`request_handoff`, used by the assistant's
action), claiming, proactive take-over, handing back, and the pause/resume calls to
Rasa that go with them (:func:`claim_conversation`, :func:`take_over_conversation`,
:func:`hand_back`), used by the console. Statuses are constants beside the case state
machine (:mod:`kokom.case_states`); the handoff table, not Rasa's tracker, says whether
an officer holds a conversation (:func:`active_for_sender`, read by the channel too).

A handoff is a conversation the assistant passed to a human (``requested``:
the resident asked; ``fallback``: repeated not-understood messages) or one an
officer took over on their own initiative (``proactive``). Each has a
consultation case (``KON-``) that follows the state machine in
:mod:`kokom.case_states`: ``menunggu`` while queued, ``ditangani`` once an
officer claims it, ``selesai`` (with a note) when the officer finishes.

Every database operation is one transaction (:func:`kokom.db.run_in_transaction`).
Claiming is a conditional ``UPDATE ... WHERE status = 'waiting'`` whose row
count decides the winner, so two officers can never claim the same handoff.
Messages to the resident (closing words, the rating question) are the console's.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kokom import case_states, rasa_api
from kokom.case_states import HANDOFF_CLAIMED, HANDOFF_CLOSED, HANDOFF_LABELS, HANDOFF_OPEN, HANDOFF_WAITING
from kokom.cases import _clip, _local_today, _new_case, move
from kokom.db import run_in_transaction
from kokom.models import Case, Handoff, Resident, utcnow

logger = logging.getLogger(__name__)

REASON_LABELS: dict[str, str] = {
    "requested": "Minta petugas",
    "fallback": "Asisten tidak paham berulang kali",
    "proactive": "Diambil alih petugas",
}
STATUS_LABELS: dict[str, str] = HANDOFF_LABELS
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
        end = self.claimed_at if self.status != HANDOFF_WAITING and self.claimed_at else (now or utcnow())
        return max(0, int((end - self.requested_at).total_seconds()))


@dataclass(frozen=True)
class ClaimResult:
    ok: bool
    item: HandoffItem | None
    message: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class HandoffView:
    id: int
    sender_id: str
    ticket: str | None
    reason: str
    status: str
    outside_hours: bool
    requested_at: datetime
    already_waiting: bool = False


def request_handoff(
    sender_id: str,
    *,
    reason: str,
    outside_hours: bool,
    note: str | None = None,
    today: date | None = None,
) -> HandoffView:
    """Queue the conversation for an officer with a ``KON-`` consultation case.

    A sender already waiting keeps their place (and ticket) instead of queueing twice.
    """
    day = _local_today(today)

    def work(session: Session) -> HandoffView:
        existing = session.execute(
            select(Handoff)
            .where(Handoff.sender_id == sender_id, Handoff.status.in_(HANDOFF_OPEN))
            .order_by(Handoff.id.desc())
        ).scalars().first()
        if existing is not None:
            return HandoffView(
                existing.id, sender_id, existing.case.ticket if existing.case else None,
                existing.reason, existing.status, existing.outside_hours, existing.requested_at, True,
            )
        case = _new_case(session, sender_id, "consultation", day, description=_clip(note))
        handoff = Handoff(
            sender_id=sender_id,
            resident_id=case.resident_id,
            case_id=case.id,
            reason=reason,
            status=HANDOFF_WAITING,
            outside_hours=outside_hours,
        )
        session.add(handoff)
        session.flush()
        return HandoffView(
            handoff.id, sender_id, case.ticket, reason, handoff.status, outside_hours, handoff.requested_at
        )

    try:
        return run_in_transaction(work)
    except IntegrityError:
        # A concurrent request opened the handoff first (unique open handoff per sender): join it.
        return run_in_transaction(work)


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
    """Move the handoff's KON case along with it, when its state machine allows."""
    if case is None or case.status == new_status:
        return
    if new_status not in case_states.allowed_next(case.kind, case.status):
        return
    move(session, case, new_status, actor=actor, note=note)


def list_waiting() -> list[HandoffItem]:
    """Conversations waiting for an officer, oldest first."""

    def work(session: Session) -> list[HandoffItem]:
        rows = session.execute(
            select(Handoff).where(Handoff.status == HANDOFF_WAITING).order_by(Handoff.requested_at, Handoff.id)
        ).scalars()
        return [_item(h) for h in rows]

    return run_in_transaction(work)


def list_claimed(officer: str | None = None) -> list[HandoffItem]:
    """Conversations being handled (by ``officer`` when given), oldest claim first."""

    def work(session: Session) -> list[HandoffItem]:
        query = select(Handoff).where(Handoff.status == HANDOFF_CLAIMED)
        if officer:
            query = query.where(Handoff.claimed_by == officer)
        rows = session.execute(query.order_by(Handoff.claimed_at, Handoff.id)).scalars()
        return [_item(h) for h in rows]

    return run_in_transaction(work)


def list_recent_closed(limit: int = 20) -> list[HandoffItem]:
    def work(session: Session) -> list[HandoffItem]:
        rows = session.execute(
            select(Handoff).where(Handoff.status == HANDOFF_CLOSED).order_by(Handoff.closed_at.desc()).limit(limit)
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
            .where(Handoff.sender_id == sender_id, Handoff.status.in_(HANDOFF_OPEN))
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
            .where(Handoff.id == handoff_id, Handoff.status == HANDOFF_WAITING)
            .values(status=HANDOFF_CLAIMED, claimed_by=officer, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        h = session.get(Handoff, handoff_id)
        if h is None:
            return ClaimResult(False, None, "Percakapan tidak ditemukan.")
        if result.rowcount != 1:
            session.refresh(h)
            if h.status == HANDOFF_CLAIMED:
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
        query = update(Handoff).where(Handoff.id == handoff_id, Handoff.status == HANDOFF_CLAIMED)
        if not force:
            query = query.where(Handoff.claimed_by == officer)
        result = session.execute(
            query.values(status=HANDOFF_CLOSED, closed_at=utcnow()).execution_options(synchronize_session=False)
        )
        h = session.get(Handoff, handoff_id)
        if h is None:
            raise HandoffError("Percakapan tidak ditemukan.")
        session.refresh(h)
        if result.rowcount != 1:
            if h.status == HANDOFF_CLOSED:
                raise HandoffError("Percakapan ini sudah selesai.")
            if h.status == HANDOFF_WAITING:
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
    def known(session: Session) -> bool:
        return session.execute(select(Resident.id).where(Resident.wa_id == sender_id)).first() is not None

    if not run_in_transaction(known):
        return ClaimResult(False, None, "Warga dengan nomor ini belum pernah menghubungi kelurahan.")
    queued = request_handoff(
        sender_id, reason="proactive", outside_hours=outside_hours,
        note=note or f"Percakapan diambil alih oleh petugas {officer}",
    )
    return claim(queued.id, officer)


# --- with the assistant: pause while an officer holds the conversation -------------

def claim_conversation(handoff_id: int, officer: str) -> ClaimResult:
    """Claim a queued conversation and make sure the assistant is paused for it.

    The claim stands even when Rasa cannot be reached (the assistant normally paused the
    conversation itself when it queued it); the officer is warned.
    """
    result = claim(handoff_id, officer)
    if not result.ok or result.item is None:
        return result
    warnings: list[str] = []
    try:
        if not rasa_api.is_paused(result.item.sender_id):
            rasa_api.pause(result.item.sender_id)
    except rasa_api.RasaApiError as exc:
        warnings.append(f"Asisten belum dapat dijeda: {exc}")
    return ClaimResult(True, result.item, result.message, tuple(warnings))


def take_over_conversation(sender_id: str, officer: str, *, outside_hours: bool | None = None) -> ClaimResult:
    """Proactive take-over: queue and claim first (someone else's claim leaves the assistant
    alone), then pause the assistant and end a half-filled form; undone if Rasa refuses."""
    if outside_hours is None:
        outside_hours = _outside_hours()
    result = take_over(sender_id, officer, outside_hours=outside_hours)
    if not result.ok:
        return result
    try:
        rasa_api.pause(sender_id, end_form=True)
    except rasa_api.RasaApiError as exc:
        if result.item is not None:
            finish(result.item.id, officer, "Pengambilalihan gagal: asisten tidak dapat dijeda.", force=True)
        return ClaimResult(False, result.item, f"Tidak dapat mengambil alih: {exc}")
    return ClaimResult(True, result.item, "Percakapan diambil alih; asisten dijeda untuk warga ini.")


def hand_back(handoff_id: int, sender_id: str, officer: str, note: str | None = None, *,
              force: bool = False) -> HandoffItem:
    """Give the conversation back to the assistant and close the handoff and its KON case.

    Resume first so a failure leaves the handoff open for another try; if closing then
    fails, pause again so the assistant and an officer never both answer. Raises
    :class:`HandoffError` with a message for the officer.
    """
    try:
        rasa_api.resume(sender_id)
    except rasa_api.RasaApiError as exc:
        raise HandoffError(f"Percakapan belum diselesaikan: {exc}") from exc
    try:
        return finish(handoff_id, officer, note, force=force)
    except HandoffError:
        try:
            rasa_api.pause(sender_id)
        except rasa_api.RasaApiError:
            logger.exception("could not pause a conversation again after a failed finish")
        raise


def _outside_hours() -> bool:
    try:
        from kokom.hours import is_open, now_local
        from kokom.office import load_office

        cfg = load_office()
        return not is_open(cfg, now_local(cfg))
    except Exception:  # noqa: BLE001 - a take-over does not depend on the office file
        return False


__all__ = [
    "ClaimResult",
    "DEFAULT_FINISH_NOTE",
    "HandoffError",
    "HandoffItem",
    "REASON_LABELS",
    "STATUS_LABELS",
    "HandoffView",
    "active_for_sender",
    "claim",
    "claim_conversation",
    "hand_back",
    "request_handoff",
    "take_over_conversation",
    "finish",
    "get",
    "history_for_sender",
    "list_claimed",
    "list_recent_closed",
    "list_waiting",
    "take_over",
]
