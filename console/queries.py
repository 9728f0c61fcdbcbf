"""Read-side queries of the console: case lists with filters, case details, CSV export."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import Session, joinedload

from kokom import case_states
from kokom.cases import view
from kokom.db import run_in_transaction
from kokom.models import Case, CaseEvent, Resident
from kokom.privacy import mask_niks
from kokom.privacy import mask_nik
from kokom.validators import normalize_wa_id

PER_PAGE = 50
EXPORT_LIMIT = 50_000

# An anonymous complaint was promised anonymity, to officers too: nothing that leads
# from it to the resident (number, name, transcript) nor from the resident to it.
ANONYMOUS_COMPLAINT = and_(Case.kind == "complaint", Case.anonymous.is_(True))


def is_anonymous_complaint(case: Any) -> bool:
    return getattr(case, "kind", None) == "complaint" and bool(getattr(case, "anonymous", False))


def anonymous_tickets(sender_id: str) -> set[str]:
    """The tickets of a resident's anonymous complaints (to keep them out of their pages)."""
    def work(session: Session) -> set[str]:
        rows = session.execute(
            select(Case.ticket).join(Resident).where(Resident.wa_id == sender_id, ANONYMOUS_COMPLAINT)
        ).scalars()
        return set(rows)

    return run_in_transaction(work)


def office_tz():
    try:
        from kokom.office import load_office

        return load_office().timezone
    except Exception:  # noqa: BLE001
        return timezone(timedelta(hours=7), "WIB")


def to_local(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc).astimezone(office_tz())


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None


def _utc_start(day: date) -> datetime:
    local = datetime.combine(day, time(0, 0), tzinfo=office_tz())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _rt_rw(value: str | None) -> str | None:
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    return f"{int(digits):03d}" if digits and len(digits) <= 3 else None


@dataclass(frozen=True)
class CaseFilters:
    kind: str | None = None
    status: str | None = None
    category: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    rt: str | None = None
    rw: str | None = None
    q: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "CaseFilters":
        kind = args.get("kind") or None
        if kind not in case_states.MACHINES:
            kind = None
        status = args.get("status") or None
        if status not in case_states.STATUS_LABELS:
            status = None
        category = (args.get("category") or "").strip()[:40] or None
        return cls(
            kind=kind, status=status, category=category,
            date_from=_parse_date(args.get("date_from")), date_to=_parse_date(args.get("date_to")),
            rt=_rt_rw(args.get("rt")), rw=_rt_rw(args.get("rw")),
            q=(args.get("q") or "").strip()[:100] or None,
        )

    def as_args(self) -> dict[str, str]:
        out = {
            "kind": self.kind, "status": self.status, "category": self.category,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "rt": self.rt, "rw": self.rw, "q": self.q,
        }
        return {k: v for k, v in out.items() if v}


def _apply(query, f: CaseFilters):  # type: ignore[no-untyped-def]
    if f.kind:
        query = query.where(Case.kind == f.kind)
    if f.status:
        query = query.where(Case.status == f.status)
    if f.category:
        query = query.where(or_(Case.category == f.category, Case.document_type == f.category))
    if f.date_from:
        query = query.where(Case.created_at >= _utc_start(f.date_from))
    if f.date_to:
        query = query.where(Case.created_at < _utc_start(f.date_to + timedelta(days=1)))
    if f.rt:
        query = query.where(Case.rt == f.rt)
    if f.rw:
        query = query.where(Case.rw == f.rw)
    if f.q:
        text = f.q.strip()
        like = f"%{text.lower()}%"
        identity = [
            func.lower(Case.full_name).like(like),
            func.lower(Case.reporter_name).like(like),
            func.lower(Resident.profile_name).like(like),
            Resident.wa_id.like(f"%{''.join(ch for ch in text if ch.isdigit()) or text}%"),
        ]
        wa = normalize_wa_id(text)
        if wa:
            identity.append(Resident.wa_id == wa)
        # A number or a name never finds an anonymous complaint (its ticket still does).
        query = query.where(or_(func.lower(Case.ticket).like(like),
                                and_(or_(*identity), not_(ANONYMOUS_COMPLAINT))))
    return query


def category_label(kind: str, key: str | None) -> str | None:
    """The complaint category's title or the document's name (the key when unknown)."""
    if not key:
        return None
    try:
        from kokom.office import load_office

        cfg = load_office()
    except Exception:  # noqa: BLE001
        return key
    if kind == "document":
        doc = cfg.document(key)
        return doc.name if doc else key
    cat = cfg.category(key)
    return cat.title if cat else key


def _row(case: Case) -> dict[str, Any]:
    name = case.full_name or case.reporter_name or (case.resident.profile_name if case.resident else None)
    # An anonymous complaint was promised anonymity: no number or profile name in lists/CSV.
    hidden = is_anonymous_complaint(case)
    return {
        "ticket": case.ticket,
        "kind": case.kind,
        "kind_label": case_states.KIND_LABELS.get(case.kind, case.kind),
        "status": case.status,
        "status_label": case_states.label(case.status),
        "final": case_states.is_final(case.kind, case.status),
        "category": category_label(case.kind, case.category or case.document_type),
        "name": name if not hidden else "(anonim)",
        "wa_id": case.resident.wa_id if case.resident and not hidden else "",
        "resident_name": case.resident.profile_name if case.resident and not hidden else None,
        "nik_masked": mask_nik(case.nik) if case.nik else None,
        "rt": case.rt,
        "rw": case.rw,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "summary": mask_niks((case.description or case.purpose or "")[:160])[:140],
    }


def list_cases(f: CaseFilters, page: int = 1, per_page: int = PER_PAGE) -> tuple[list[dict[str, Any]], int]:
    page = max(1, page)

    def work(session: Session) -> tuple[list[dict[str, Any]], int]:
        base = _apply(select(Case).join(Resident), f)
        total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
        rows = session.execute(
            base.options(joinedload(Case.resident)).order_by(Case.created_at.desc(), Case.id.desc())
            .offset((page - 1) * per_page).limit(per_page)
        ).scalars()
        return [_row(c) for c in rows], int(total)

    return run_in_transaction(work)


CSV_COLUMNS = [
    ("ticket", "Tiket"), ("kind_label", "Jenis"), ("status_label", "Status"), ("category", "Kategori/Dokumen"),
    ("name", "Nama"), ("wa_id", "Nomor WhatsApp"), ("nik_masked", "NIK (disamarkan)"), ("rt", "RT"),
    ("rw", "RW"), ("created", "Dibuat (WIB)"), ("updated", "Diperbarui (WIB)"), ("summary", "Ringkasan"),
]


def _csv_safe(value: Any) -> str:
    """Text for a CSV cell; a leading = + - @ would be a formula in a spreadsheet."""
    text = "" if value is None else str(value)
    text = text.replace("\r", " ").replace("\n", " ")
    first = text.lstrip()[:1]
    return "'" + text if first in ("=", "+", "-", "@", "\t", "\uff1d", "\uff0b", "\uff0d", "\uff20") else text


def export_csv(f: CaseFilters) -> str:
    def work(session: Session) -> list[dict[str, Any]]:
        rows = session.execute(
            _apply(select(Case).join(Resident), f).options(joinedload(Case.resident))
            .order_by(Case.created_at.desc(), Case.id.desc()).limit(EXPORT_LIMIT)
        ).scalars()
        return [_row(c) for c in rows]

    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
    writer = csv.writer(buf)
    writer.writerow([title for _, title in CSV_COLUMNS])
    for row in run_in_transaction(work):
        local_created = to_local(row["created_at"])
        local_updated = to_local(row["updated_at"])
        row["created"] = local_created.strftime("%Y-%m-%d %H:%M") if local_created else ""
        row["updated"] = local_updated.strftime("%Y-%m-%d %H:%M") if local_updated else ""
        writer.writerow([_csv_safe(row.get(key)) for key, _ in CSV_COLUMNS])
    return buf.getvalue()


def _case_by_ticket(session: Session, ticket: str) -> Case | None:
    return session.execute(
        select(Case).options(joinedload(Case.resident)).where(Case.ticket == ticket)
    ).scalar_one_or_none()


def case_detail(ticket: str) -> dict[str, Any] | None:
    def work(session: Session) -> dict[str, Any] | None:
        case = _case_by_ticket(session, ticket)
        if case is None:
            return None
        events = session.execute(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        ).scalars()
        snapshot = view(case)
        snapshot = replace(
            snapshot,
            description=mask_niks(snapshot.description) if snapshot.description else None,
            location_text=mask_niks(snapshot.location_text) if snapshot.location_text else None,
            address=mask_niks(snapshot.address) if snapshot.address else None,
            purpose=mask_niks(snapshot.purpose) if snapshot.purpose else None,
        )
        hidden = is_anonymous_complaint(case)
        if hidden:
            snapshot = replace(snapshot, sender_id="", reporter_name=None)
        return {
            "case": snapshot,
            "anonymous": hidden,
            "resident_name": None if hidden else case.resident.profile_name,
            "events": [
                {"at": e.at, "actor": e.actor, "from": e.from_status, "to": e.to_status,
                 "note": mask_niks(e.note) if e.note else None,
                 "from_label": case_states.label(e.from_status) if e.from_status else None,
                 "to_label": case_states.label(e.to_status) if e.to_status else None}
                for e in events
            ],
            "allowed_next": case_states.allowed_next(case.kind, case.status),
        }

    return run_in_transaction(work)


def reporter_identity(ticket: str) -> dict[str, Any] | None:
    """Who filed a case (the admin's audited reveal of an anonymous reporter)."""
    def work(session: Session) -> dict[str, Any] | None:
        case = _case_by_ticket(session, ticket)
        if case is None:
            return None
        return {"wa_id": case.resident.wa_id, "profile_name": case.resident.profile_name,
                "reporter_name": case.reporter_name}

    return run_in_transaction(work)


def full_nik(ticket: str) -> str | None:
    def work(session: Session) -> str | None:
        return session.execute(select(Case.nik).where(Case.ticket == ticket)).scalar_one_or_none()

    return run_in_transaction(work)


def cases_for_sender(sender_id: str) -> list[dict[str, Any]]:
    def work(session: Session) -> list[dict[str, Any]]:
        rows = session.execute(
            select(Case).join(Resident).options(joinedload(Case.resident))
            .where(Resident.wa_id == sender_id, not_(ANONYMOUS_COMPLAINT))
            .order_by(Case.created_at.desc(), Case.id.desc()).limit(100)
        ).scalars()
        return [_row(c) for c in rows]

    return run_in_transaction(work)


def counts_by_kind_status() -> dict[str, dict[str, int]]:
    def work(session: Session) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for kind, status, n in session.execute(
            select(Case.kind, Case.status, func.count(Case.id)).group_by(Case.kind, Case.status)
        ):
            out.setdefault(kind, {})[status] = n
        return out

    return run_in_transaction(work)


def all_statuses() -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    for machine in case_states.MACHINES.values():
        for status in machine.transitions:
            if status not in [s for s, _ in seen]:
                seen.append((status, case_states.label(status)))
    return seen
