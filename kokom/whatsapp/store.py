"""Database access of the WhatsApp channel (synchronous; the async channel runs it in a thread).

Every function is one short transaction through :mod:`kokom.db`, so SQLite's
write lock is held for milliseconds only.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kokom.db import run_in_transaction
from kokom.models import Resident, utcnow
from kokom.validators import normalize_wa_id
from kokom.whatsapp import models as m
from kokom.whatsapp.payloads import InboundMessage, StatusEvent, StoredMessage

SERVICE_WINDOW = timedelta(hours=24)
CHOICE_TTL = timedelta(hours=24)


def _naive_utc(value: datetime | None) -> datetime:
    if value is None:
        return utcnow()
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- inbound ------------------------------------------------------------------

def accept_delivery(messages: Iterable[InboundMessage], statuses: Iterable[StatusEvent]) -> list[int]:
    """Record a delivery in one transaction; returns the ids of messages seen for the first time.

    De-duplication is the unique key on the message id: a retried or concurrent
    delivery of a known message inserts nothing and returns nothing to handle.
    Each new message also updates the resident (profile name, last inbound time).
    """
    messages = list(messages)
    statuses = list(statuses)

    def work(session: Session) -> list[int]:
        new_ids: list[int] = []
        wamids = {msg.wamid for msg in messages}
        known = set()
        if wamids:
            known = set(
                session.execute(
                    select(m.WaInboundMessage.wamid).where(m.WaInboundMessage.wamid.in_(wamids))
                ).scalars()
            )
        now = utcnow()
        for msg in messages:
            if msg.wamid in known:
                continue
            known.add(msg.wamid)
            row = m.WaInboundMessage(
                wamid=msg.wamid,
                wa_id=msg.wa_id,
                profile_name=msg.profile_name,
                msg_type=msg.msg_type[:30],
                payload=_dumps(msg.message),
                phone_number_id=msg.phone_number_id,
                sent_at=msg.sent_at,
                received_at=now,
                status=m.PENDING,
                attempts=0,
            )
            session.add(row)
            session.flush()
            new_ids.append(row.id)
            _touch_resident(session, msg, now)
        for event in statuses:
            _record_status(session, event)
        return new_ids

    for attempt in range(3):
        try:
            return run_in_transaction(work)
        except IntegrityError:
            # A concurrent delivery inserted the same message id between our check and
            # insert (databases without SQLite's immediate write lock): try again,
            # the check now sees it.
            if attempt == 2:
                raise
    return []


def _touch_resident(session: Session, msg: InboundMessage, now: datetime) -> None:
    from kokom.cases import get_or_create_resident

    resident = get_or_create_resident(session, msg.wa_id, msg.profile_name)
    # The 24-hour window starts when the resident wrote (a retried delivery may be late).
    at = min(msg.sent_at, now) if msg.sent_at else now
    if resident.last_inbound_at is None or resident.last_inbound_at < at:
        resident.last_inbound_at = at


def _record_status(session: Session, event: StatusEvent) -> None:
    exists = session.execute(
        select(m.WaStatusEvent.id).where(m.WaStatusEvent.wamid == event.wamid, m.WaStatusEvent.status == event.status)
    ).first()
    if exists:
        return
    outbound = session.execute(
        select(m.WaOutboundMessage).where(m.WaOutboundMessage.wamid == event.wamid)
    ).scalar_one_or_none()
    session.add(
        m.WaStatusEvent(
            wamid=event.wamid,
            outbound_id=outbound.id if outbound else None,
            status=event.status,
            recipient_id=event.recipient_id,
            occurred_at=event.occurred_at,
            error_code=event.error_code,
            error=event.error,
            raw=_dumps(event.raw),
        )
    )
    if outbound is None:
        return
    if event.status == m.OUT_FAILED:
        outbound.status = m.OUT_FAILED
        outbound.error_code = event.error_code
        outbound.error = event.error or "Pesan gagal terkirim (dilaporkan WhatsApp)."
    elif event.status in m.STATUS_RANK and outbound.status != m.OUT_FAILED:
        if m.STATUS_RANK[event.status] > m.STATUS_RANK.get(outbound.status, 0):
            outbound.status = event.status


def _stored(row: m.WaInboundMessage) -> StoredMessage:
    inbound = InboundMessage(wamid=row.wamid, wa_id=row.wa_id, msg_type=row.msg_type, message=json.loads(row.payload),
                             profile_name=row.profile_name, phone_number_id=row.phone_number_id, sent_at=row.sent_at)
    return StoredMessage(id=row.id, inbound=inbound, status=row.status, attempts=row.attempts or 0,
                         received_at=row.received_at, read_at=row.read_at, error=row.error,
                         claimed_at=getattr(row, "claimed_at", None))


def claim_inbound(inbound_id: int, from_statuses: tuple[str, ...] = (m.PENDING,)) -> StoredMessage | None:
    """Atomically move a message to ``processing``; None when someone else has it (or it is done)."""

    def work(session: Session) -> StoredMessage | None:
        result = session.execute(
            update(m.WaInboundMessage)
            .where(m.WaInboundMessage.id == inbound_id, m.WaInboundMessage.status.in_(from_statuses))
            .values(status=m.PROCESSING, attempts=m.WaInboundMessage.attempts + 1, claimed_by=INSTANCE_ID,
                    claimed_at=utcnow())
        )
        if result.rowcount != 1:
            return None
        row = session.get(m.WaInboundMessage, inbound_id)
        return _stored(row)

    return run_in_transaction(work)


def finish_inbound(inbound_id: int, status: str, error: str | None = None) -> None:
    def work(session: Session) -> None:
        session.execute(
            update(m.WaInboundMessage)
            .where(m.WaInboundMessage.id == inbound_id)
            .values(status=status, handled_at=utcnow(), error=(error or None) and error[:2000])
        )

    run_in_transaction(work)


def mark_inbound_read(wamid: str) -> None:
    def work(session: Session) -> None:
        session.execute(
            update(m.WaInboundMessage)
            .where(m.WaInboundMessage.wamid == wamid, m.WaInboundMessage.read_at.is_(None))
            .values(read_at=utcnow())
        )

    run_in_transaction(work)


def unfinished_inbound() -> list[StoredMessage]:
    """Messages accepted but not handled (pending) or interrupted (processing), oldest first.

    A message another live instance is processing (claimed by another instance within the
    lease) is not this instance's to recover and is left out.
    """

    def work(session: Session) -> list[StoredMessage]:
        fresh = utcnow() - timedelta(seconds=CLAIM_LEASE_SECONDS)
        rows = session.execute(
            select(m.WaInboundMessage)
            .where(m.WaInboundMessage.status.in_((m.PENDING, m.PROCESSING)))
            .where(or_(m.WaInboundMessage.status == m.PENDING, m.WaInboundMessage.claimed_by.is_(None),
                       m.WaInboundMessage.claimed_by == INSTANCE_ID, m.WaInboundMessage.claimed_at < fresh))
            .order_by(m.WaInboundMessage.id)
        ).scalars()
        return [_stored(r) for r in rows]

    return run_in_transaction(work)


# --- several instances (issue 14) ----------------------------------------------------------------
# Every instance claims messages under its own id; a claim older than the lease belongs to an
# instance that stopped (killed, crashed): any other instance's sweeper takes its messages over.
INSTANCE_ID = "local"
CLAIM_LEASE_SECONDS = 120.0


def configure_instance(instance_id: str, lease_seconds: float | None = None) -> None:
    global INSTANCE_ID, CLAIM_LEASE_SECONDS
    INSTANCE_ID = instance_id[:200]
    if lease_seconds is not None:
        CLAIM_LEASE_SECONDS = float(lease_seconds)


def abandoned_inbound(pending_grace_seconds: float = 5.0) -> tuple[list[StoredMessage], list[str]]:
    """(processing messages whose claim expired, residents with pending messages older than the grace).

    What a stopped instance left: its in-flight messages and the queue it had not reached.
    """

    def work(session: Session) -> tuple[list[StoredMessage], list[str]]:
        now = utcnow()
        stale = session.execute(
            select(m.WaInboundMessage)
            .where(m.WaInboundMessage.status == m.PROCESSING,
                   m.WaInboundMessage.claimed_at < now - timedelta(seconds=CLAIM_LEASE_SECONDS))
            .order_by(m.WaInboundMessage.id)
        ).scalars()
        stale_rows = [_stored(r) for r in stale]
        waiting = session.execute(
            select(m.WaInboundMessage.wa_id)
            .where(m.WaInboundMessage.status == m.PENDING,
                   m.WaInboundMessage.received_at < now - timedelta(seconds=pending_grace_seconds))
            .group_by(m.WaInboundMessage.wa_id)
            .order_by(func.min(m.WaInboundMessage.id))
        ).scalars()
        return stale_rows, list(waiting)

    return run_in_transaction(work)


def take_over_inbound(inbound_id: int, claimed_at: datetime, status: str, error: str | None = None) -> bool:
    """Move an expired claim to ``status`` (pending again, or done) unless someone did first."""

    def work(session: Session) -> bool:
        values: dict[str, Any] = {"status": status, "claimed_by": None, "claimed_at": None}
        if status != m.PENDING:
            values.update(handled_at=utcnow(), error=error)
        result = session.execute(
            update(m.WaInboundMessage)
            .where(m.WaInboundMessage.id == inbound_id, m.WaInboundMessage.status == m.PROCESSING,
                   m.WaInboundMessage.claimed_at == claimed_at)
            .values(**values)
        )
        return result.rowcount == 1

    return run_in_transaction(work)


def replies_of_earlier_attempts(inbound_id: int) -> list[tuple[str, str | None]]:
    """(type, body) of what the assistant sent, in order, for a message now handled again.

    A message is handled again when its instance died mid-turn (taken over after the lease, or
    recovered at a restart): Rasa stores the turn (the user's message and the answers) only when
    it ends, but sends the answers while it runs, so the answers sent before the death are sent
    again by the new attempt. They are the assistant's messages to this resident since the
    previous message was finished (one message per resident at a time) and this one was
    received; the channel skips them when the new attempt plans the same ones. Sends whose
    result is unknown (no answer from Meta before the death) are not counted: sent again.
    """

    def work(session: Session) -> list[tuple[str, str | None]]:
        row = session.get(m.WaInboundMessage, inbound_id)
        if row is None or (row.attempts or 0) < 2:
            return []
        previous = session.execute(
            select(func.max(m.WaInboundMessage.handled_at))
            .where(m.WaInboundMessage.wa_id == row.wa_id, m.WaInboundMessage.id < row.id)
        ).scalar()
        since = max(row.received_at, previous) if previous is not None else row.received_at
        sent = session.execute(
            select(m.WaOutboundMessage.msg_type, m.WaOutboundMessage.body)
            .where(m.WaOutboundMessage.wa_id == row.wa_id, m.WaOutboundMessage.sent_by == "bot",
                   m.WaOutboundMessage.created_at >= since,
                   m.WaOutboundMessage.status.in_((m.OUT_SENT, m.OUT_DELIVERED, m.OUT_READ)))
            .order_by(m.WaOutboundMessage.id)
        ).all()
        return [(kind, body) for kind, body in sent]

    return run_in_transaction(work)


def release_inbound(inbound_id: int) -> None:
    """Back to pending (the assistant was not ready; try again later)."""

    def work(session: Session) -> None:
        session.execute(
            update(m.WaInboundMessage).where(m.WaInboundMessage.id == inbound_id).values(status=m.PENDING)
        )

    run_in_transaction(work)


# --- outbound -----------------------------------------------------------------

def create_outbound(wa_id: str, msg_type: str, body: str, payload: dict[str, Any], *, sent_by: str | None,
                    sandbox: bool) -> int:
    def work(session: Session) -> int:
        row = m.WaOutboundMessage(
            wa_id=wa_id,
            msg_type=msg_type,
            body=body,
            payload=_dumps(payload),
            status=m.OUT_PENDING,
            attempts=0,
            used_template=False,
            sent_by=sent_by,
            sandbox=sandbox,
        )
        session.add(row)
        session.flush()
        return row.id

    return run_in_transaction(work)


def finish_outbound(outbound_id: int, *, ok: bool, wamid: str | None, attempts: int, error: str | None,
                    error_code: int | None, used_template: bool, payload: dict[str, Any] | None = None) -> None:
    def work(session: Session) -> None:
        row = session.get(m.WaOutboundMessage, outbound_id)
        if row is None:
            return
        row.attempts = attempts
        row.used_template = used_template
        row.error_code = error_code
        if payload is not None:
            row.payload = _dumps(payload)
        if ok:
            row.wamid = wamid
            row.error = None
            if row.status == m.OUT_PENDING:
                row.status = m.OUT_SENT
            # A status webhook may have arrived before we stored the wamid.
            events = session.execute(select(m.WaStatusEvent).where(m.WaStatusEvent.wamid == wamid)).scalars().all()
            for event in events:
                event.outbound_id = row.id
                if event.status == m.OUT_FAILED:
                    row.status, row.error = m.OUT_FAILED, event.error
                elif event.status in m.STATUS_RANK and row.status != m.OUT_FAILED and \
                        m.STATUS_RANK[event.status] > m.STATUS_RANK.get(row.status, 0):
                    row.status = event.status
        else:
            row.status = m.OUT_FAILED
            row.error = (error or "Gagal mengirim pesan.")[:2000]

    run_in_transaction(work)


def template_sent_since(wa_id: str, since: datetime) -> bool:
    def work(session: Session) -> bool:
        return session.execute(
            select(m.WaOutboundMessage.id).where(
                m.WaOutboundMessage.wa_id == wa_id,
                m.WaOutboundMessage.used_template.is_(True),
                m.WaOutboundMessage.status != m.OUT_FAILED,
                m.WaOutboundMessage.created_at >= since,
            )
        ).first() is not None

    return run_in_transaction(work)


def _outbound_dict(row: m.WaOutboundMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "wa_id": row.wa_id,
        "type": row.msg_type,
        "text": row.body,
        "payload": json.loads(row.payload),
        "status": row.status,
        "wamid": row.wamid,
        "error": row.error,
        "error_code": row.error_code,
        "attempts": row.attempts,
        "used_template": bool(row.used_template),
        "sent_by": row.sent_by,
        "sandbox": bool(row.sandbox),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def outbound_messages(wa_id: str, limit: int = 200) -> list[dict[str, Any]]:
    """The latest ``limit`` outbound messages of a resident, oldest first."""
    wa_id = normalize_wa_id(wa_id) or wa_id

    def work(session: Session) -> list[dict[str, Any]]:
        rows = session.execute(
            select(m.WaOutboundMessage)
            .where(m.WaOutboundMessage.wa_id == wa_id)
            .order_by(m.WaOutboundMessage.id.desc())
            .limit(max(1, int(limit)))
        ).scalars().all()
        return [_outbound_dict(r) for r in reversed(rows)]

    return run_in_transaction(work)


def inbound_messages(wa_id: str, limit: int = 200) -> list[StoredMessage]:
    def work(session: Session) -> list[StoredMessage]:
        rows = session.execute(
            select(m.WaInboundMessage)
            .where(m.WaInboundMessage.wa_id == wa_id)
            .order_by(m.WaInboundMessage.id.desc())
            .limit(max(1, int(limit)))
        ).scalars().all()
        return [_stored(r) for r in reversed(rows)]

    return run_in_transaction(work)


def last_inbound_at(wa_id: str) -> datetime | None:
    def work(session: Session) -> datetime | None:
        return session.execute(select(Resident.last_inbound_at).where(Resident.wa_id == wa_id)).scalar_one_or_none()

    return run_in_transaction(work)


def within_service_window(wa_id: str, now: datetime | None = None) -> bool:
    """True when the resident's last message is less than 24 hours old (free-form replies allowed)."""
    wa_id = normalize_wa_id(wa_id) or wa_id
    last = last_inbound_at(wa_id)
    if last is None:
        return False
    return _naive_utc(now) - last < SERVICE_WINDOW


# --- numbered-choice menus ----------------------------------------------------

def save_choices(wa_id: str, options: list[dict[str, str]], outbound_id: int | None = None) -> None:
    def work(session: Session) -> None:
        row = session.get(m.WaChoiceMenu, wa_id)
        data = _dumps([{"title": o["title"], "payload": o["payload"]} for o in options])
        if row is None:
            session.add(m.WaChoiceMenu(wa_id=wa_id, options=data, outbound_id=outbound_id, created_at=utcnow()))
        else:
            row.options, row.outbound_id, row.created_at = data, outbound_id, utcnow()

    run_in_transaction(work)


def take_choices(wa_id: str) -> list[dict[str, str]] | None:
    """The numbered menu sent last (forgotten once read: it answers only the next message)."""

    def work(session: Session) -> list[dict[str, str]] | None:
        row = session.get(m.WaChoiceMenu, wa_id)
        if row is None:
            return None
        options = json.loads(row.options)
        fresh = utcnow() - row.created_at < CHOICE_TTL
        session.delete(row)
        return options if fresh else None

    return run_in_transaction(work)


def claim_next(wa_id: str) -> StoredMessage | None:
    """The oldest pending message of one resident, moved to ``processing`` (order = acceptance order).

    None while another message of the same resident is being processed under a live claim
    (another worker or instance has it): per resident, one message at a time, in order. A claim
    whose lease ran out still blocks for two more leases: it belongs to a stopped instance, and the
    sweeper must hand it back (``take_over_inbound``) before a later message may overtake it; only a
    claim nobody took over by then is passed, so a resident is never stuck for good.
    """

    def work(session: Session) -> StoredMessage | None:
        # The resident's row is the per-resident mutex across instances (PostgreSQL row lock; SQLite
        # serialises writers anyway): the check below then sees every claim committed before it.
        session.execute(select(Resident.id).where(Resident.wa_id == wa_id).with_for_update()).first()
        busy = session.execute(
            select(m.WaInboundMessage.id)
            .where(m.WaInboundMessage.wa_id == wa_id, m.WaInboundMessage.status == m.PROCESSING,
                   m.WaInboundMessage.claimed_at >= utcnow() - timedelta(seconds=3 * CLAIM_LEASE_SECONDS))
            .limit(1)
        ).first()
        if busy is not None:
            return None
        row = session.execute(
            select(m.WaInboundMessage)
            .where(m.WaInboundMessage.wa_id == wa_id, m.WaInboundMessage.status == m.PENDING)
            .order_by(m.WaInboundMessage.id)
            .limit(1)
            .with_for_update()
        ).scalar_one_or_none()
        if row is None:
            return None
        row.status = m.PROCESSING
        row.attempts = (row.attempts or 0) + 1
        row.claimed_by = INSTANCE_ID
        row.claimed_at = utcnow()
        session.flush()
        return _stored(row)

    return run_in_transaction(work)
