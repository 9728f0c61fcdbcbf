"""The case service: saving complaints, document requests and consultations.

Each public function is one transaction: a case, its first history entry and
its ticket are saved together or not at all. Functions return frozen
snapshots (:class:`CaseView`) so callers never hold ORM objects across
sessions. Ownership is checked here: a resident only ever sees their own cases.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokom import case_states
from kokom.db import run_in_transaction
from kokom.models import Case, CaseEvent, Feedback, Resident, utcnow
from kokom.tickets import next_ticket, normalize_ticket
from kokom.privacy import mask_nik
from kokom.validators import parse_rt_rw, validate_nik

MAX_TEXT = 4000  # longest free text stored for one field


@dataclass(frozen=True)
class CaseView:
    """What callers need of a case, detached from the database session."""

    id: int
    ticket: str
    kind: str
    status: str
    sender_id: str
    category: str | None
    document_type: str | None
    description: str | None
    location_text: str | None
    latitude: float | None
    longitude: float | None
    photo_path: str | None
    reporter_name: str | None
    anonymous: bool
    full_name: str | None
    nik_masked: str | None
    address: str | None
    rt: str | None
    rw: str | None
    purpose: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def status_label(self) -> str:
        return case_states.label(self.status)

    @property
    def kind_label(self) -> str:
        return case_states.KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_open(self) -> bool:
        return not case_states.is_final(self.kind, self.status)


def view(case: Case) -> CaseView:
    return CaseView(
        id=case.id,
        ticket=case.ticket,
        kind=case.kind,
        status=case.status,
        sender_id=case.resident.wa_id,
        category=case.category,
        document_type=case.document_type,
        description=case.description,
        location_text=case.location_text,
        latitude=case.latitude,
        longitude=case.longitude,
        photo_path=case.photo_path,
        reporter_name=case.reporter_name,
        anonymous=bool(case.anonymous),
        full_name=case.full_name,
        nik_masked=mask_nik(case.nik) if case.nik else None,
        address=case.address,
        rt=case.rt,
        rw=case.rw,
        purpose=case.purpose,
        created_at=case.created_at,
        updated_at=case.updated_at,
    )


def _clip(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text[:MAX_TEXT] if text else None


def get_or_create_resident(session: Session, sender_id: str, profile_name: str | None = None) -> Resident:
    """The resident row for a sender id (WhatsApp id), created on first contact."""
    resident = session.execute(select(Resident).where(Resident.wa_id == sender_id)).scalar_one_or_none()
    if resident is None:
        resident = Resident(wa_id=sender_id, profile_name=profile_name)
        session.add(resident)
        session.flush()
    elif profile_name and resident.profile_name != profile_name:
        resident.profile_name = profile_name
    return resident


def _new_case(session: Session, sender_id: str, kind: str, today: date, **fields: object) -> Case:
    resident = get_or_create_resident(session, sender_id)
    case = Case(
        ticket=next_ticket(session, kind, today),
        kind=kind,
        status=case_states.initial_status(kind),
        resident=resident,
        **fields,
    )
    session.add(case)
    session.flush()
    session.add(CaseEvent(case_id=case.id, actor="warga", to_status=case.status, note="Dibuat lewat WhatsApp"))
    return case


# A turn handled again (an instance killed after the action saved the case but before Rasa stored
# the turn, docs/deploy.md) or a resident who sends the same form twice must not file it twice.
DUPLICATE_WINDOW = timedelta(minutes=10)


def _same_recent_case(session: Session, sender_id: str, kind: str, **fields: object) -> Case | None:
    """The resident's case of this kind with these very fields, saved within the window."""
    since = utcnow() - DUPLICATE_WINDOW
    query = (select(Case).join(Resident, Case.resident_id == Resident.id)
             .where(Resident.wa_id == sender_id, Case.kind == kind, Case.created_at >= since))
    for name, value in fields.items():
        query = query.where(getattr(Case, name) == value) if value is not None else \
            query.where(getattr(Case, name).is_(None))
    return session.execute(query.order_by(Case.id.desc()).limit(1)).scalar_one_or_none()


def _local_today(today: date | None) -> date:
    if today is not None:
        return today
    from kokom.hours import now_local
    from kokom.office import load_office

    return now_local(load_office()).date()


def create_complaint(
    sender_id: str,
    *,
    category: str,
    description: str,
    location_text: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    photo_path: str | None = None,
    reporter_name: str | None = None,
    today: date | None = None,
) -> CaseView:
    """Save a complaint and give it an ``ADU-`` ticket."""
    if not (description or "").strip():
        raise ValueError("a complaint needs a description")
    anonymous = not (reporter_name or "").strip()
    day = _local_today(today)

    def work(session: Session) -> CaseView:
        same = _same_recent_case(session, sender_id, "complaint", category=category, description=_clip(description),
                                 location_text=_clip(location_text), anonymous=anonymous)
        if same is not None:
            return view(same)
        case = _new_case(
            session,
            sender_id,
            "complaint",
            day,
            category=category,
            description=_clip(description),
            location_text=_clip(location_text),
            latitude=latitude,
            longitude=longitude,
            photo_path=photo_path,
            reporter_name=None if anonymous else _clip(reporter_name),
            anonymous=anonymous,
        )
        return view(case)

    return run_in_transaction(work)


def create_document_request(
    sender_id: str,
    *,
    document_type: str,
    full_name: str,
    nik: str,
    address: str,
    purpose: str,
    today: date | None = None,
) -> CaseView:
    """Save a document request with a ``DOK-`` ticket; the NIK is validated again here."""
    checked = validate_nik(nik)
    if not checked.ok:
        raise ValueError("invalid NIK")
    rt_rw = parse_rt_rw(address)
    day = _local_today(today)

    def work(session: Session) -> CaseView:
        # (the NIK is encrypted with a fresh nonce, so the other fields decide)
        same = _same_recent_case(session, sender_id, "document", document_type=document_type,
                                 full_name=_clip(full_name), address=_clip(address), purpose=_clip(purpose))
        if same is not None:
            return view(same)
        case = _new_case(
            session,
            sender_id,
            "document",
            day,
            document_type=document_type,
            full_name=_clip(full_name),
            nik=checked.value,
            address=_clip(address),
            rt=rt_rw[0] if rt_rw else None,
            rw=rt_rw[1] if rt_rw else None,
            purpose=_clip(purpose),
        )
        return view(case)

    return run_in_transaction(work)


def find_case_for_sender(sender_id: str, ticket: str) -> CaseView | None:
    """The case with this ticket if it belongs to ``sender_id``; otherwise None (as if not found)."""
    normalized = normalize_ticket(ticket)
    if not normalized:
        return None

    def work(session: Session) -> CaseView | None:
        case = session.execute(select(Case).where(Case.ticket == normalized)).scalar_one_or_none()
        if case is None or case.resident.wa_id != sender_id:
            return None
        return view(case)

    return run_in_transaction(work)


def list_cases_for_sender(sender_id: str, only_open: bool = True, limit: int = 10) -> list[CaseView]:
    """A resident's own cases, newest first."""

    def work(session: Session) -> list[CaseView]:
        rows: Iterable[Case] = session.execute(
            select(Case)
            .join(Resident)
            .where(Resident.wa_id == sender_id)
            .order_by(Case.created_at.desc(), Case.id.desc())
        ).scalars()
        views = [view(c) for c in rows]
        if only_open:
            views = [v for v in views if v.is_open]
        return views[:limit]

    return run_in_transaction(work)


def save_feedback(
    sender_id: str, text: str | None = None, rating: int | None = None, handoff_id: int | None = None
) -> int:
    """Store a suggestion and/or a 1-5 rating; returns the feedback id."""
    if rating is not None and not 1 <= rating <= 5:
        raise ValueError("rating must be 1-5")
    if not (text or "").strip() and rating is None:
        raise ValueError("empty feedback")

    def work(session: Session) -> int:
        resident = get_or_create_resident(session, sender_id)
        item = Feedback(resident_id=resident.id, text=_clip(text), rating=rating, handoff_id=handoff_id)
        session.add(item)
        session.flush()
        return item.id

    return run_in_transaction(work)


def move(session: Session, case: Case, new_status: str, *, actor: str, note: str | None = None) -> None:
    """The one way a case changes status: checked by the state machine, recorded with who and why."""
    case_states.check_transition(case.kind, case.status, new_status, note)
    session.add(CaseEvent(case_id=case.id, actor=actor, from_status=case.status, to_status=new_status,
                          note=_clip(note)))
    case.status = new_status
    case.updated_at = utcnow()


def change_status(ticket: str, new_status: str, *, actor: str, note: str | None = None) -> CaseView:
    """Move a case along its state machine and record who did it and why."""

    def work(session: Session) -> CaseView:
        # Row lock on PostgreSQL (SQLite serialises writers anyway): two officers moving the
        # same case at once cannot both succeed from the same status.
        case = session.execute(select(Case).where(Case.ticket == ticket).with_for_update()).scalar_one()
        move(session, case, new_status, actor=actor, note=note)
        session.flush()
        return view(case)

    return run_in_transaction(work)
