"""Privacy operations (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi).

- :func:`retention`: media, idle conversations (and, in active ones, past sessions' events)
  and closed cases older than the office's
  ``retention`` periods (office/kelurahan.yml) are deleted, or for cases anonymised so the
  statistics stay; ``dry_run`` only counts what would go.
- :func:`export_resident`: everything stored about one resident (cases, their history,
  handoffs, feedback and ratings, WhatsApp messages, the conversation, media) as a ZIP.
- :func:`erase_resident`: the same data erased on request; cases stay as statistics
  without the person. Refused while an officer holds or awaits the conversation.
- :func:`rotate_nik_key`: every stored NIK re-encrypted with the newest key.

Every run is written to the audit log (actor, action, a masked target, counts: never a
number in full or a NIK). Anonymous complaints are never put in an export: the export
goes through an officer's hands, and an anonymous complaint must stay unlinked.

Command line (``python -m kokom.pdp --help``)::

    python -m kokom.pdp retention [--dry-run]
    python -m kokom.pdp export 6281234567890 --out warga.zip
    python -m kokom.pdp erase 6281234567890 --confirm 6281234567890
    python -m kokom.pdp rotate-nik-key
"""
from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import Text as SaText
from sqlalchemy import Table, and_, create_engine, delete, func, inspect, or_, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kokom import REPO_ROOT, VAR_DIR, settings
from kokom.case_states import HANDOFF_OPEN, MACHINES
from kokom.console_tables import AuditLog, InternalNote, OfficerReply
from kokom.db import run_in_transaction, session_scope
from kokom.models import Base, Case, CaseEvent, Feedback, Handoff, Resident, utcnow
from kokom.validators import mask_phone, normalize_wa_id
from kokom.whatsapp import models as wa

logger = logging.getLogger(__name__)

ERASED_WA_ID = "terhapus"  # the one resident every anonymised case and rating points to
ERASED_TEXT = "[dihapus]"
# Columns of a case that identify or describe the person (cleared on anonymisation).
PERSONAL_CASE_FIELDS = ("description", "location_text", "latitude", "longitude", "photo_path", "reporter_name",
                        "full_name", "nik", "nik_hash", "address", "purpose")
# Tables this module handles by name; any other table with a resident's key is handled generically.
HANDLED = {"residents", "cases", "case_events", "handoffs", "feedback", "wa_inbound_messages",
           "wa_outbound_messages", "wa_status_events", "wa_choice_menus", "internal_notes", "officer_replies",
           "audit_log", "officers", "console_sessions", "login_attempts", "canned_replies", "ticket_counters"}


class PdpError(ValueError):
    """A request that cannot be carried out (the message is Indonesian, for the console)."""


def closed_statuses() -> dict[str, frozenset[str]]:
    return {kind: machine.final for kind, machine in MACHINES.items()}


# --- the conversation store (Rasa's tracker database) ---------------------------------------

def tracker_url() -> str:
    url = settings.get().tracker_database_url or f"sqlite:///{VAR_DIR / 'tracker.db'}"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        rel = url[len("sqlite:///"):]
        if rel and not Path(rel).is_absolute():
            url = f"sqlite:///{REPO_ROOT / rel}"
    return url


_tracker_engines: dict[str, Engine] = {}


def tracker_engine() -> Engine | None:
    """The tracker database, or None when it does not exist yet (no conversation ever)."""
    url = tracker_url()
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return None
    engine = _tracker_engines.get(url)
    if engine is None:
        engine = _tracker_engines[url] = create_engine(url, future=True)
    if not inspect(engine).has_table("events"):
        return None
    return engine


def conversation_events(sender_id: str) -> list[dict[str, Any]]:
    engine = tracker_engine()
    if engine is None:
        return []
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender_id}).all()
    events = []
    for (data,) in rows:
        try:
            events.append(json.loads(data))
        except (TypeError, ValueError):
            continue
    return events


def _media_paths_in_events(events: Iterable[dict[str, Any]]) -> set[str]:
    paths = set()
    for ev in events:
        media = ((ev.get("metadata") or {}).get("media") or {}) if isinstance(ev, dict) else {}
        if isinstance(media, dict) and media.get("path"):
            paths.add(str(media["path"]))
    return paths


def _inside_media(path: str | None) -> Path | None:
    """``path`` when it is a file inside the media folder (never delete or zip anything else)."""
    if not path:
        return None
    root = settings.media_dir().resolve()
    try:
        candidate = Path(path).resolve()
        candidate.relative_to(root)
    except (ValueError, OSError):
        return None
    return candidate if candidate.is_file() else None


# --- the audit log ---------------------------------------------------------------------------

def audit(session: Session, actor: str, action: str, target: str | None, detail: dict[str, Any],
          ip: str | None = None) -> None:
    session.add(AuditLog(actor=actor[:64], action=action, target=target,
                         detail=json.dumps(detail, ensure_ascii=False, sort_keys=True), ip=ip))


# --- tables found by their columns (those added by later migrations too) --------------------

def _other_tables() -> list[Table]:
    import kokom.console_tables  # noqa: F401 - every table on the one metadata
    import kokom.whatsapp.models  # noqa: F401

    return [t for name, t in sorted(Base.metadata.tables.items()) if name not in HANDLED]


def _person_columns(table: Table) -> tuple[list[str], list[str]]:
    """(columns holding the WhatsApp id, columns referencing residents.id)."""
    by_id = [c.name for c in table.columns if c.name in ("wa_id", "sender_id", "recipient_id")]
    by_resident = [c.name for c in table.columns if c.name == "resident_id"]
    return by_id, by_resident


def _row(row: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in dict(row._mapping).items()}


# --- export ------------------------------------------------------------------------------------

@dataclass
class Export:
    data: bytes
    counts: dict[str, int] = field(default_factory=dict)


def _resident(session: Session, wa_id: str) -> Resident | None:
    return session.execute(select(Resident).where(Resident.wa_id == wa_id)).scalar_one_or_none()


def _case_dict(case: Case) -> dict[str, Any]:
    out = {c.name: getattr(case, c.name) for c in Case.__table__.columns if c.name not in ("nik_hash",)}
    out = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in out.items()}
    out["photo_file"] = Path(case.photo_path).name if case.photo_path else None
    out.pop("photo_path", None)
    out["history"] = [{"at": e.at.isoformat(), "actor": e.actor, "from": e.from_status, "to": e.to_status,
                       "note": e.note} for e in case.events]
    return out


def export_resident(wa_id: str, actor: str, ip: str | None = None) -> Export:
    """A ZIP of everything stored about ``wa_id`` (audited). PdpError when nothing is known."""
    wa_id = normalize_wa_id(wa_id) or wa_id.strip()
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    media: set[str] = set()

    def work(session: Session) -> None:
        resident = _resident(session, wa_id)
        inbound = session.execute(select(wa.WaInboundMessage).where(wa.WaInboundMessage.wa_id == wa_id)
                                  .order_by(wa.WaInboundMessage.id)).scalars().all()
        if resident is None and not inbound:
            raise PdpError("Tidak ada data untuk nomor tersebut.")
        files: dict[str, Any] = {}
        files["warga.json"] = {"wa_id": wa_id, "profile_name": resident.profile_name if resident else None,
                               "created_at": resident.created_at.isoformat() if resident else None,
                               "last_inbound_at": resident.last_inbound_at.isoformat()
                               if resident and resident.last_inbound_at else None}
        cases = []
        if resident is not None:
            for case in session.execute(select(Case).where(Case.resident_id == resident.id)
                                        .order_by(Case.id)).scalars():
                if case.kind == "complaint" and case.anonymous:
                    continue  # never linked to a person through an export
                cases.append(_case_dict(case))
                if case.photo_path:
                    media.add(case.photo_path)
            feedback = session.execute(select(Feedback).where(Feedback.resident_id == resident.id)
                                       .order_by(Feedback.id)).scalars().all()
            files["masukan.json"] = [{"text": f.text, "rating": f.rating, "created_at": f.created_at.isoformat()}
                                     for f in feedback]
        files["kasus.json"] = cases
        handoffs = session.execute(select(Handoff).where(Handoff.sender_id == wa_id).order_by(Handoff.id)).scalars()
        files["percakapan_petugas.json"] = [
            {"requested_at": h.requested_at.isoformat(), "status": h.status, "reason": h.reason,
             "claimed_by": h.claimed_by, "closed_at": h.closed_at.isoformat() if h.closed_at else None}
            for h in handoffs]
        files["pesan_masuk.json"] = [
            {"wamid": m.wamid, "type": m.msg_type, "message": json.loads(m.payload),
             "sent_at": m.sent_at.isoformat() if m.sent_at else None, "received_at": m.received_at.isoformat()}
            for m in inbound]
        outbound = session.execute(select(wa.WaOutboundMessage).where(wa.WaOutboundMessage.wa_id == wa_id)
                                   .order_by(wa.WaOutboundMessage.id)).scalars()
        files["pesan_keluar.json"] = [
            {"type": m.msg_type, "body": m.body, "status": m.status, "sent_by": "petugas"
             if m.sent_by not in (None, "bot") else m.sent_by, "created_at": m.created_at.isoformat()}
            for m in outbound]
        replies = session.execute(select(OfficerReply).where(OfficerReply.sender_id == wa_id)
                                  .order_by(OfficerReply.id)).scalars()
        files["balasan_petugas.json"] = [{"text": r.text, "ok": r.ok, "created_at": r.created_at.isoformat()}
                                         for r in replies]
        for table in _other_tables():
            by_id, by_resident = _person_columns(table)
            conditions = [table.c[c] == wa_id for c in by_id]
            if resident is not None:
                conditions += [table.c[c] == resident.id for c in by_resident]
            if conditions:
                rows = session.execute(select(table).where(or_(*conditions))).all()
                if rows:
                    files[f"lainnya/{table.name}.json"] = [_row(r) for r in rows]
        events = conversation_events(wa_id)
        files["percakapan.json"] = [
            {k: ev.get(k) for k in ("event", "timestamp", "text", "metadata") if ev.get(k) is not None}
            for ev in events if ev.get("event") in ("user", "bot")]
        media.update(_media_paths_in_events(events))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("BACA.txt", README_EXPORT)
            for name, content in files.items():
                archive.writestr(name, json.dumps(content, ensure_ascii=False, indent=2, default=str))
                counts[name] = len(content) if isinstance(content, list) else 1
            added = 0
            for path in sorted(media):
                inside = _inside_media(path)
                if inside is not None:
                    archive.write(inside, f"media/{inside.name}")
                    added += 1
            counts["media"] = added
        audit(session, actor, "pdp.export", mask_phone(wa_id), {k: v for k, v in counts.items() if v}, ip)

    run_in_transaction(work)
    return Export(buffer.getvalue(), counts)


README_EXPORT = """Data pribadi yang disimpan SI KoKoM untuk satu nomor WhatsApp (UU No. 27 Tahun 2022).

warga.json               nomor dan nama profil WhatsApp
kasus.json               pengaduan dan permohonan dokumen beserta riwayatnya
                         (pengaduan anonim tidak pernah disertakan agar tetap anonim)
masukan.json             saran dan penilaian layanan
percakapan.json          percakapan dengan asisten dan petugas
pesan_masuk.json         pesan WhatsApp yang diterima
pesan_keluar.json        pesan WhatsApp yang dikirim
balasan_petugas.json     balasan petugas
percakapan_petugas.json  antrean percakapan dengan petugas
media/                   foto dan berkas yang dikirim
lainnya/                 data lain yang terkait nomor ini
"""


# --- erasure and anonymisation ------------------------------------------------------------------

def _erased_resident(session: Session) -> Resident:
    found = _resident(session, ERASED_WA_ID)
    if found is None:
        found = Resident(wa_id=ERASED_WA_ID, profile_name=None)
        session.add(found)
        session.flush()
    return found


def _anonymise_cases(session: Session, case_ids: list[int], erased: Resident) -> tuple[int, set[str]]:
    """Strip the person from cases; returns (count, photo paths to delete)."""
    if not case_ids:
        return 0, set()
    photos = set(session.execute(select(Case.photo_path).where(Case.id.in_(case_ids),
                                                               Case.photo_path.isnot(None))).scalars())
    values: dict[str, Any] = {name: None for name in PERSONAL_CASE_FIELDS}
    values["description"] = ERASED_TEXT
    values["resident_id"] = erased.id
    session.execute(update(Case).where(Case.id.in_(case_ids)).values(**values)
                    .execution_options(synchronize_session=False))
    session.execute(update(CaseEvent).where(CaseEvent.case_id.in_(case_ids), CaseEvent.note.isnot(None))
                    .values(note=ERASED_TEXT).execution_options(synchronize_session=False))
    return len(case_ids), photos


def _delete_files(paths: Iterable[str]) -> int:
    removed = 0
    for path in paths:
        inside = _inside_media(path)
        if inside is not None:
            try:
                inside.unlink()
                removed += 1
            except OSError:
                logger.warning("could not delete a media file %s", inside.name)
    return removed


def erase_resident(wa_id: str, actor: str, ip: str | None = None) -> dict[str, int]:
    """Erase everything about ``wa_id``; cases and ratings stay as statistics without the person."""
    wa_id = normalize_wa_id(wa_id) or wa_id.strip()
    if not wa_id or wa_id == ERASED_WA_ID:
        raise PdpError("Nomor WhatsApp tidak valid.")
    counts: dict[str, int] = {}
    files: set[str] = set()
    events = conversation_events(wa_id)
    files.update(_media_paths_in_events(events))

    def work(session: Session) -> None:
        resident = _resident(session, wa_id)
        known_inbound = session.execute(select(wa.WaInboundMessage.id).where(wa.WaInboundMessage.wa_id == wa_id)
                                        .limit(1)).first()
        if resident is None and known_inbound is None and not events:
            raise PdpError("Tidak ada data untuk nomor tersebut.")
        if session.execute(select(Handoff.id).where(Handoff.sender_id == wa_id,
                                                    Handoff.status.in_(HANDOFF_OPEN))).first():
            raise PdpError("Percakapan warga ini masih menunggu atau ditangani petugas. Selesaikan dulu, "
                           "lalu ulangi penghapusan.")
        erased = _erased_resident(session)
        if resident is not None:
            case_ids = list(session.execute(select(Case.id).where(Case.resident_id == resident.id)).scalars())
            counts["kasus_dianonimkan"], photos = _anonymise_cases(session, case_ids, erased)
            files.update(photos)
            counts["masukan"] = session.execute(
                update(Feedback).where(Feedback.resident_id == resident.id)
                .values(resident_id=erased.id, text=None).execution_options(synchronize_session=False)).rowcount
            session.execute(update(Handoff).where(Handoff.resident_id == resident.id)
                            .values(resident_id=erased.id).execution_options(synchronize_session=False))
        counts["antrean_petugas"] = session.execute(
            update(Handoff).where(Handoff.sender_id == wa_id).values(sender_id=ERASED_WA_ID)
            .execution_options(synchronize_session=False)).rowcount
        outbound_ids = select(wa.WaOutboundMessage.id).where(wa.WaOutboundMessage.wa_id == wa_id)
        session.execute(delete(wa.WaStatusEvent).where(or_(wa.WaStatusEvent.recipient_id == wa_id,
                                                           wa.WaStatusEvent.outbound_id.in_(outbound_ids)))
                        .execution_options(synchronize_session=False))
        for name, model, column in (("pesan_masuk", wa.WaInboundMessage, wa.WaInboundMessage.wa_id),
                                    ("pesan_keluar", wa.WaOutboundMessage, wa.WaOutboundMessage.wa_id),
                                    ("menu", wa.WaChoiceMenu, wa.WaChoiceMenu.wa_id),
                                    ("catatan", InternalNote, InternalNote.sender_id),
                                    ("balasan_petugas", OfficerReply, OfficerReply.sender_id)):
            counts[name] = session.execute(delete(model).where(column == wa_id)
                                           .execution_options(synchronize_session=False)).rowcount
        for table in _other_tables():
            # Tables added by later migrations (ratings, ...): linked to the resident row -> kept as
            # statistics without the person (id columns to the erased resident, free texts cleared);
            # keyed by the number only -> deleted.
            by_id, by_resident = _person_columns(table)
            if by_resident:
                conditions = [table.c[c] == wa_id for c in by_id]
                if resident is not None:
                    conditions += [table.c[c] == resident.id for c in by_resident]
                if not conditions:
                    continue
                values: dict[str, Any] = {c: erased.id for c in by_resident}
                values.update({c: ERASED_WA_ID for c in by_id})
                values.update({c.name: None for c in table.columns
                               if isinstance(c.type, SaText) and c.nullable and c.name not in values})
                counts[table.name] = session.execute(update(table).where(or_(*conditions)).values(values)).rowcount
            elif by_id:
                counts[table.name] = session.execute(
                    delete(table).where(or_(*[table.c[c] == wa_id for c in by_id]))).rowcount
        if resident is not None:
            session.delete(resident)
        audit(session, actor, "pdp.erase", mask_phone(wa_id), {k: v for k, v in counts.items() if v}, ip)

    run_in_transaction(work)
    counts["percakapan"] = _delete_conversations([wa_id])
    counts["media"] = _delete_files(files)
    return counts


def _delete_conversations(sender_ids: list[str]) -> int:
    engine = tracker_engine()
    if engine is None or not sender_ids:
        return 0
    total = 0
    with engine.begin() as conn:
        for start in range(0, len(sender_ids), 500):
            chunk = sender_ids[start:start + 500]
            result = conn.execute(text("DELETE FROM events WHERE sender_id IN :ids")
                                  .bindparams(_expanding("ids")), {"ids": chunk})
            total += result.rowcount or 0
    return total


# Events older than the cutoff (:t) in conversations with a newer event, up to (not including) the
# conversation's latest session start: Rasa reads a conversation from its latest `session_started`
# on (a session expires after a day without messages, domain.yml), so what lies before it is past
# sessions' history, and the running session (a half-filled form) is never cut.
OLD_EVENTS_OF_ACTIVE = """
    SELECT old.id FROM events old
    WHERE old.timestamp < :t
      AND old.sender_id IN (SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) >= :t)
      AND old.id < (SELECT MAX(latest.id) FROM events latest
                    WHERE latest.sender_id = old.sender_id AND latest.type_name = 'session_started')"""


def _delete_old_events(cut_ts: float) -> int:
    engine = tracker_engine()
    if engine is None:
        return 0
    with engine.begin() as conn:
        return conn.execute(text(f"DELETE FROM events WHERE id IN ({OLD_EVENTS_OF_ACTIVE})"),
                            {"t": cut_ts}).rowcount or 0


def _expanding(name: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import bindparam

    return bindparam(name, expanding=True)


# --- retention -----------------------------------------------------------------------------------

@dataclass
class RetentionReport:
    dry_run: bool
    cutoffs: dict[str, str]
    counts: dict[str, int]

    def lines(self) -> list[str]:
        head = "SIMULASI (tidak ada yang dihapus)" if self.dry_run else "Retensi dijalankan"
        out = [head + ":"]
        out += [f"  batas {k}: {v}" for k, v in self.cutoffs.items()]
        out += [f"  {k}: {v}" for k, v in sorted(self.counts.items())]
        return out


def retention(dry_run: bool = False, now: datetime | None = None, actor: str = "retensi") -> RetentionReport:
    """Apply the office's retention periods (or count what they would remove)."""
    from kokom.office import load_office

    policy = load_office().retention
    now = now or utcnow()
    media_cut = now - timedelta(days=policy.media_days)
    conv_cut = now - timedelta(days=policy.conversation_days)
    case_cut = now - timedelta(days=policy.closed_case_days)
    counts: dict[str, int] = {}

    # Media files by their age on disk (month folders under KOKOM_MEDIA_DIR).
    old_media: list[Path] = []
    root = settings.media_dir()
    if root.exists():
        for path in root.rglob("*"):
            try:
                if path.is_file() and datetime.utcfromtimestamp(path.stat().st_mtime) < media_cut:
                    old_media.append(path)
            except OSError:
                continue
    counts["media"] = len(old_media)

    # Conversations idle since before the cutoff go whole (Rasa's events of those senders); in the
    # conversations still active, the events older than the cutoff go too.
    idle: list[str] = []
    conv_cut_ts = (conv_cut - datetime(1970, 1, 1)).total_seconds()
    engine = tracker_engine()
    if engine is not None:
        with engine.connect() as conn:
            idle = [row[0] for row in conn.execute(
                text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :t"),
                {"t": conv_cut_ts})]
            counts["percakapan_event_lama"] = conn.execute(
                text(f"SELECT COUNT(*) FROM events WHERE id IN ({OLD_EVENTS_OF_ACTIVE})"), {"t": conv_cut_ts}
            ).scalar_one()
    counts["percakapan"] = len(idle)

    finals = closed_statuses()

    def closed_old(session: Session) -> list[int]:
        conditions = [and_(Case.kind == kind, Case.status.in_(sorted(statuses)))
                      for kind, statuses in finals.items()]
        erased = _resident(session, ERASED_WA_ID)
        query = select(Case.id).where(or_(*conditions), Case.updated_at < case_cut)
        if erased is not None:
            query = query.where(or_(Case.resident_id != erased.id, Case.description != ERASED_TEXT))
        return list(session.execute(query).scalars())

    def work(session: Session) -> None:
        case_ids = closed_old(session)
        counts["kasus_dianonimkan"] = len(case_ids)
        message_tables = ((wa.WaInboundMessage, wa.WaInboundMessage.received_at,
                           wa.WaInboundMessage.status.notin_((wa.PENDING, wa.PROCESSING))),
                          (wa.WaOutboundMessage, wa.WaOutboundMessage.created_at, None),
                          (wa.WaStatusEvent, wa.WaStatusEvent.received_at, None),
                          (OfficerReply, OfficerReply.created_at, None),
                          (InternalNote, InternalNote.created_at, None),
                          (Feedback, Feedback.created_at, Feedback.text.isnot(None)))
        for model, column, extra in message_tables:
            condition = column < conv_cut if extra is None else and_(column < conv_cut, extra)
            key = model.__tablename__
            if dry_run:
                counts[key] = session.execute(select(func.count()).select_from(model).where(condition)).scalar_one()
                continue
            if model is Feedback:  # the rating stays, the words go
                counts[key] = session.execute(update(Feedback).where(condition).values(text=None)
                                              .execution_options(synchronize_session=False)).rowcount
                continue
            if model is wa.WaOutboundMessage:
                old_out = select(wa.WaOutboundMessage.id).where(condition)
                session.execute(delete(wa.WaStatusEvent).where(wa.WaStatusEvent.outbound_id.in_(old_out))
                                .execution_options(synchronize_session=False))
            counts[key] = session.execute(delete(model).where(condition)
                                          .execution_options(synchronize_session=False)).rowcount
        if not dry_run:
            erased = _erased_resident(session)
            _, photos = _anonymise_cases(session, case_ids, erased)
            old_media.extend(Path(p) for p in photos if p)
            # Photos removed by the media period: the case no longer points at a missing file.
            gone = [str(p.resolve()) for p in old_media]
            if gone:
                session.execute(update(Case).where(Case.photo_path.in_(gone)).values(photo_path=None)
                                .execution_options(synchronize_session=False))
            audit(session, actor, "pdp.retention", None, {k: v for k, v in counts.items() if v})

    run_in_transaction(work)
    if not dry_run:
        counts["media"] = _delete_files(str(p) for p in set(old_media))
        counts["percakapan_event"] = _delete_conversations(idle)
        counts["percakapan_event_lama"] = _delete_old_events(conv_cut_ts)
    return RetentionReport(dry_run, {"media": media_cut.date().isoformat(),
                                     "percakapan": conv_cut.date().isoformat(),
                                     "kasus_selesai": case_cut.date().isoformat()}, counts)


# --- key rotation ------------------------------------------------------------------------------

def rotate_nik_key(actor: str = "cli") -> int:
    from kokom.db import get_engine, init_db
    from kokom.nik_crypto import rotate_all

    init_db()
    with get_engine().begin() as conn:
        changed = rotate_all(conn)
    with session_scope() as session:
        audit(session, actor, "pdp.rotate_nik_key", None, {"kasus": changed})
    return changed


# --- command line ------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    from kokom.privacy import secure_process

    parser = argparse.ArgumentParser(prog="python -m kokom.pdp", description="Operasi data pribadi SI KoKoM")
    sub = parser.add_subparsers(dest="command", required=True)
    ret = sub.add_parser("retention", help="hapus/anonimkan data yang melewati masa retensi")
    ret.add_argument("--dry-run", action="store_true", help="hanya tampilkan yang akan dihapus")
    exp = sub.add_parser("export", help="ekspor data satu warga sebagai ZIP")
    exp.add_argument("wa_id")
    exp.add_argument("--out", required=True, type=Path)
    era = sub.add_parser("erase", help="hapus data satu warga (kasus tetap sebagai statistik)")
    era.add_argument("wa_id")
    era.add_argument("--confirm", required=True, help="ketik ulang nomor yang sama")
    sub.add_parser("rotate-nik-key", help="enkripsi ulang semua NIK dengan kunci terbaru")
    args = parser.parse_args(argv)
    secure_process()
    actor = f"cli:{os.environ.get('SUDO_USER') or os.environ.get('USER') or 'root'}"[:64]
    try:
        if args.command == "retention":
            report = retention(dry_run=args.dry_run, actor=actor)
            print("\n".join(report.lines()))
        elif args.command == "export":
            result = export_resident(args.wa_id, actor)
            fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(result.data)
            print(f"Ekspor ditulis ke {args.out}: " + ", ".join(f"{k} {v}" for k, v in result.counts.items() if v))
        elif args.command == "erase":
            if (normalize_wa_id(args.confirm) or args.confirm) != (normalize_wa_id(args.wa_id) or args.wa_id):
                print("Konfirmasi tidak sama dengan nomor. Tidak ada yang dihapus.", file=sys.stderr)
                return 2
            counts = erase_resident(args.wa_id, actor)
            print("Dihapus: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
        elif args.command == "rotate-nik-key":
            print(f"NIK dienkripsi ulang: {rotate_nik_key(actor)} kasus")
    except PdpError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
