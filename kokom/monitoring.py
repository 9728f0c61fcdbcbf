"""Monitoring and evaluation: every figure of the console dashboard and the lurah's report.

Pure functions over database queries: each takes a SQLAlchemy session, the office
settings and a :class:`Period` (local dates, Asia/Jakarta) and returns plain data.
Templates, JavaScript, CSV and PDF only format what is computed here.

Definitions (also in docs/panduan-petugas.md):

- messages: WhatsApp messages received from residents (``wa_inbound_messages``) and sent
  to them by the assistant or by officers (``wa_outbound_messages``);
- a conversation: a resident's messages with no gap longer than 24 hours (WhatsApp's
  service window); it was taken over when a handoff (``requested``/``fallback``/
  ``proactive``) started during it, otherwise the assistant handled it alone;
- first response: from a resident's handoff request (not an officer's own take-over) to
  the officer's first message sent, in service hours (:func:`kokom.hours.service_seconds`);
- resolution: from a complaint's/document request's/consultation's filing to its final
  status, in service hours, for cases that reached the final status in the period;
- service standard: complaints ``monitoring.complaint_days`` (or per category) working
  days; documents ``monitoring.document_days`` or the largest number of days in the
  catalog's ``processing_time``; deadline = close of the N-th working day after filing
  (:func:`kokom.hours.service_day_deadline`);
- median and 90th percentile: the median of the values, and the nearest-rank 90th
  percentile (the value at rank ceil(0.9 n) in ascending order);
- NLU fallback rate: typed resident messages the assistant did not understand
  (``nlu_fallback``) over all typed resident messages, from Rasa's tracker store.
"""
from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kokom import case_states, hours, ikm
from kokom.console_tables import OfficerReply
from kokom.models import Case, CaseEvent, Feedback, Handoff, IkmResponse
from kokom.office import OfficeConfig
from kokom.whatsapp.models import IGNORED, WaInboundMessage, WaOutboundMessage

__all__ = [
    "Period",
    "PeriodError",
    "Stats",
    "dashboard",
    "default_period",
    "parse_period",
]

MAX_YEARS = 2
CONVERSATION_GAP = timedelta(hours=24)
RATING_LABELS = {5: "Sangat puas", 4: "Puas", 3: "Cukup", 2: "Kurang puas", 1: "Tidak puas"}
WEEKDAYS = hours.DAY_NAMES
MONTHS = hours.MONTH_NAMES


class PeriodError(ValueError):
    """A period the dashboard refuses (message in Indonesian)."""


@dataclass(frozen=True)
class Period:
    """Local dates, both inclusive."""

    start: date
    end: date

    def utc_bounds(self, cfg: OfficeConfig) -> tuple[datetime, datetime]:
        """[start, end) as naive UTC datetimes, as the database stores them."""
        lo = datetime.combine(self.start, time(0), tzinfo=cfg.timezone)
        hi = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=cfg.timezone)
        return (lo.astimezone(timezone.utc).replace(tzinfo=None), hi.astimezone(timezone.utc).replace(tzinfo=None))

    def months(self) -> list[tuple[int, int]]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    @property
    def label(self) -> str:
        return f"{format_date(self.start)} – {format_date(self.end)}"


def _month_end(y: int, m: int) -> date:
    return (date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)) - timedelta(days=1)


def default_period(today: date) -> Period:
    """This month (the office's local calendar) up to its last day."""
    return Period(today.replace(day=1), _month_end(today.year, today.month))


def month_period(year: int, month: int) -> Period:
    return Period(date(year, month, 1), _month_end(year, month))


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def parse_period(start: str | None, end: str | None, today: date) -> Period:
    """A period from two ISO dates (either may be empty: this month's bounds).

    Raises :class:`PeriodError` for a bad date, an end before the start, or a period
    longer than two years.
    """
    base = default_period(today)
    try:
        lo = date.fromisoformat(start) if (start or "").strip() else base.start
        hi = date.fromisoformat(end) if (end or "").strip() else base.end
    except ValueError:
        raise PeriodError("Tanggal tidak valid. Gunakan format tahun-bulan-tanggal, misalnya 2026-12-01.") from None
    if hi < lo:
        raise PeriodError("Tanggal akhir tidak boleh sebelum tanggal awal.")
    if hi >= _add_years(lo, MAX_YEARS):
        raise PeriodError("Periode terlalu panjang: paling lama 2 tahun.")
    return Period(lo, hi)


# --- number and date formats (Indonesian) -----------------------------------------

def format_number(value: float | int | None, decimals: int = 1) -> str:
    """1.234,5 (Indonesian grouping and decimal comma); "–" without a value."""
    if value is None:
        return "–"
    from babel.numbers import format_decimal

    if isinstance(value, int) or float(value).is_integer() and decimals == 0:
        return format_decimal(int(round(value)), format="#,##0", locale="id_ID")
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(value, format=pattern, locale="id_ID")


def format_percent(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{format_number(value * 100, decimals)}%"


def format_date(d: date | datetime | None) -> str:
    """3 Desember 2026."""
    if d is None:
        return "–"
    return f"{d.day} {MONTHS[d.month]} {d.year}"


def format_duration(seconds: float | None) -> str:
    """Service time in hours and minutes ("1 jam 30 menit", "45 menit"); never in days, since a
    service day is not 24 hours."""
    if seconds is None:
        return "–"
    minutes = int(round(seconds / 60))
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{format_number(h, 0)} jam {m} menit"
    if h:
        return f"{format_number(h, 0)} jam"
    return f"{m} menit"


# --- statistics ---------------------------------------------------------------------

@dataclass(frozen=True)
class Stats:
    count: int
    median: float | None
    p90: float | None
    mean: float | None


def stats(values: Iterable[float]) -> Stats:
    vals = sorted(float(v) for v in values)
    if not vals:
        return Stats(0, None, None, None)
    rank = max(1, math.ceil(0.9 * len(vals)))
    return Stats(len(vals), float(statistics.median(vals)), vals[rank - 1], sum(vals) / len(vals))


# --- helpers --------------------------------------------------------------------------

def _local(cfg: OfficeConfig, utc_naive: datetime) -> datetime:
    return utc_naive.replace(tzinfo=timezone.utc).astimezone(cfg.timezone)


def _aware(utc_naive: datetime) -> datetime:
    return utc_naive.replace(tzinfo=timezone.utc)


def case_subject(cfg: OfficeConfig, case: Case) -> str:
    if case.kind == "complaint":
        cat = cfg.category(case.category) if case.category else None
        return cat.title if cat else (case.category or "Lainnya")
    if case.kind == "document":
        doc = cfg.document(case.document_type) if case.document_type else None
        return doc.name if doc else (case.document_type or "Dokumen")
    return "Konsultasi"


_DAYS_RE = re.compile(r"(\d+)\s*(?:[–-]\s*(\d+))?\s*hari")


def standard_days(cfg: OfficeConfig, case: Case) -> int | None:
    """The service standard of a case in working days (None: no standard, e.g. consultations)."""
    mon = cfg.monitoring
    if case.kind == "complaint":
        return mon.complaint_category_days.get(case.category or "", mon.complaint_days)
    if case.kind == "document":
        if case.document_type in mon.document_days:
            return mon.document_days[case.document_type]
        doc = cfg.document(case.document_type) if case.document_type else None
        if doc is None:
            return None
        numbers = [int(n) for m in _DAYS_RE.finditer(doc.processing_time) for n in m.groups() if n]
        if numbers:
            return max(numbers)
        return 0 if "hari yang sama" in doc.processing_time.lower() else None
    return None


def _final_events(session: Session, case_ids: list[int]) -> dict[int, datetime]:
    """When each case first reached a final status."""
    if not case_ids:
        return {}
    out: dict[int, datetime] = {}
    rows = session.execute(
        select(CaseEvent.case_id, CaseEvent.at, CaseEvent.to_status, Case.kind)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.to_status.isnot(None))
        .order_by(CaseEvent.at, CaseEvent.id)
    )
    for case_id, at, to_status, kind in rows:
        if case_id not in out and case_states.is_final(kind, to_status):
            out[case_id] = at
    return out


# --- the figures ---------------------------------------------------------------------

def message_counts(session: Session, cfg: OfficeConfig, period: Period) -> dict[str, int]:
    lo, hi = period.utc_bounds(cfg)
    inbound = session.scalar(
        select(func.count()).select_from(WaInboundMessage)
        .where(WaInboundMessage.received_at >= lo, WaInboundMessage.received_at < hi,
               WaInboundMessage.status != IGNORED)
    ) or 0
    by_sender = dict(session.execute(
        select(WaOutboundMessage.sent_by == "bot", func.count())
        .where(WaOutboundMessage.created_at >= lo, WaOutboundMessage.created_at < hi,
               WaOutboundMessage.sent_by.isnot(None))
        .group_by(WaOutboundMessage.sent_by == "bot")
    ).all())
    bot, officer = int(by_sender.get(True, 0)), int(by_sender.get(False, 0))
    return {"masuk": int(inbound), "keluar_asisten": bot, "keluar_petugas": officer,
            "total": int(inbound) + bot + officer}


def _inbound_times(session: Session, lo: datetime, hi: datetime) -> list[tuple[str, datetime]]:
    return list(session.execute(
        select(WaInboundMessage.wa_id, WaInboundMessage.received_at)
        .where(WaInboundMessage.received_at >= lo, WaInboundMessage.received_at < hi,
               WaInboundMessage.status != IGNORED)
        .order_by(WaInboundMessage.wa_id, WaInboundMessage.received_at)
    ).all())


def conversations(session: Session, cfg: OfficeConfig, period: Period) -> dict[str, Any]:
    lo, hi = period.utc_bounds(cfg)
    spans: list[tuple[str, datetime, datetime]] = []
    for wa_id, at in _inbound_times(session, lo, hi):
        if spans and spans[-1][0] == wa_id and at - spans[-1][2] <= CONVERSATION_GAP:
            spans[-1] = (wa_id, spans[-1][1], at)
        else:
            spans.append((wa_id, at, at))
    handoff_times: dict[str, list[datetime]] = defaultdict(list)
    for sender, at in session.execute(
        select(Handoff.sender_id, Handoff.requested_at)
        .where(Handoff.requested_at >= lo - CONVERSATION_GAP, Handoff.requested_at < hi + CONVERSATION_GAP)
    ):
        handoff_times[sender].append(at)
    taken = 0
    for wa_id, first, last in spans:
        if any(first - timedelta(minutes=1) <= at <= last + timedelta(minutes=5) for at in handoff_times.get(wa_id, ())):
            taken += 1
    total = len(spans)
    return {"total": total, "diambil_alih": taken, "asisten_saja": total - taken,
            "persen_asisten": (total - taken) / total if total else None}


def cases_breakdown(session: Session, cfg: OfficeConfig, period: Period) -> dict[str, list[dict[str, Any]]]:
    lo, hi = period.utc_bounds(cfg)
    rows = session.execute(
        select(Case).where(Case.created_at >= lo, Case.created_at < hi)
    ).scalars().all()
    by_kind = Counter(c.kind for c in rows)
    by_status = Counter((c.kind, c.status) for c in rows)
    complaints = [c for c in rows if c.kind == "complaint"]
    by_category = Counter(c.category or "lainnya" for c in complaints)
    by_doc = Counter(c.document_type or "-" for c in rows if c.kind == "document")
    by_area = Counter((c.rt or "-", c.rw or "-") for c in rows if c.kind in ("complaint", "document"))
    kinds = ("complaint", "document", "consultation")

    def cat_title(key: str) -> str:
        cat = cfg.category(key)
        return cat.title if cat else key

    def doc_name(key: str) -> str:
        doc = cfg.document(key)
        return doc.name if doc else key

    return {
        "jenis": [{"jenis": case_states.KIND_LABELS[k], "jumlah": by_kind.get(k, 0)} for k in kinds],
        "kategori": [{"kategori": cat_title(k), "jumlah": n}
                     for k, n in sorted(by_category.items(), key=lambda kv: (-kv[1], cat_title(kv[0])))],
        "dokumen": [{"dokumen": doc_name(k), "jumlah": n}
                    for k, n in sorted(by_doc.items(), key=lambda kv: (-kv[1], doc_name(kv[0])))],
        "status": [{"jenis": case_states.KIND_LABELS[k], "status": case_states.label(s), "jumlah": n}
                   for (k, s), n in sorted(by_status.items(), key=lambda kv: (kinds.index(kv[0][0]), kv[0][1]))],
        "wilayah": [{"rt": rt, "rw": rw, "jumlah": n}
                    for (rt, rw), n in sorted(by_area.items(), key=lambda kv: (kv[0][1], kv[0][0]))],
    }


def first_response(session: Session, cfg: OfficeConfig, period: Period) -> dict[str, Any]:
    """Service seconds from a resident's handoff request to the officer's first message."""
    lo, hi = period.utc_bounds(cfg)
    handoffs = session.execute(
        select(Handoff.id, Handoff.requested_at)
        .where(Handoff.requested_at >= lo, Handoff.requested_at < hi, Handoff.reason != "proactive")
    ).all()
    firsts = dict(session.execute(
        select(OfficerReply.handoff_id, func.min(OfficerReply.created_at))
        .where(OfficerReply.handoff_id.in_([h.id for h in handoffs] or [-1]), OfficerReply.ok.is_(True),
               OfficerReply.kind.in_(("text", "template")))
        .group_by(OfficerReply.handoff_id)
    ).all())
    values = [hours.service_seconds(cfg, _aware(at), _aware(firsts[hid])) for hid, at in handoffs if hid in firsts]
    s = stats(values)
    return {"stats": s, "permintaan": len(handoffs), "belum_dibalas": len(handoffs) - len(values)}


def resolution(session: Session, cfg: OfficeConfig, period: Period) -> dict[str, Any]:
    """Service seconds from filing to the final status, per kind, for cases finished in the period."""
    lo, hi = period.utc_bounds(cfg)
    finished = session.execute(
        select(CaseEvent.case_id).where(CaseEvent.at >= lo, CaseEvent.at < hi, CaseEvent.to_status.isnot(None))
    ).scalars().all()
    cases = {c.id: c for c in session.execute(select(Case).where(Case.id.in_(set(finished) or {-1}))).scalars()}
    finals = _final_events(session, list(cases))
    per_kind: dict[str, list[int]] = defaultdict(list)
    for cid, at in finals.items():
        if lo <= at < hi:
            c = cases[cid]
            per_kind[c.kind].append(hours.service_seconds(cfg, _aware(c.created_at), _aware(at)))
    rows = []
    for kind in ("complaint", "document", "consultation"):
        rows.append({"kind": kind, "jenis": case_states.KIND_LABELS[kind], "stats": stats(per_kind.get(kind, []))})
    return {"per_jenis": rows, "semua": stats([v for vals in per_kind.values() for v in vals])}


def overdue(session: Session, cfg: OfficeConfig, period: Period, now: datetime) -> list[dict[str, Any]]:
    """Complaints and document requests filed in the period that passed their service standard
    (finished after the deadline, or still open after it). No reporter identity is listed."""
    lo, hi = period.utc_bounds(cfg)
    cases = session.execute(
        select(Case).where(Case.created_at >= lo, Case.created_at < hi, Case.kind.in_(("complaint", "document")))
        .order_by(Case.created_at, Case.id)
    ).scalars().all()
    finals = _final_events(session, [c.id for c in cases])
    now_aware = now if now.tzinfo else now.replace(tzinfo=cfg.timezone)
    out = []
    for c in cases:
        days = standard_days(cfg, c)
        if days is None:
            continue
        deadline = hours.service_day_deadline(cfg, _aware(c.created_at), days)
        done = finals.get(c.id)
        end = _aware(done) if done is not None else now_aware
        if end <= deadline:
            continue
        out.append({
            "tiket": c.ticket,
            "jenis": case_states.KIND_LABELS[c.kind],
            "perihal": case_subject(cfg, c),
            "rt_rw": f"{c.rt or '-'}/{c.rw or '-'}",
            "diajukan": _local(cfg, c.created_at),
            "standar_hari": days,
            "batas": deadline,
            "status": case_states.label(c.status),
            "selesai": _local(cfg, done) if done is not None else None,
            "terlambat_detik": hours.service_seconds(cfg, deadline, end),
        })
    return out


def busiest(session: Session, cfg: OfficeConfig, period: Period) -> dict[str, list[dict[str, Any]]]:
    lo, hi = period.utc_bounds(cfg)
    by_hour: Counter[int] = Counter()
    by_day: Counter[int] = Counter()
    for _wa, at in _inbound_times(session, lo, hi):
        local = _local(cfg, at)
        by_hour[local.hour] += 1
        by_day[local.weekday()] += 1
    return {
        "jam": [{"jam": f"{h:02d}.00", "pesan": by_hour.get(h, 0)} for h in range(24)],
        "hari": [{"hari": WEEKDAYS[d], "pesan": by_day.get(d, 0)} for d in range(7)],
    }


def ratings(session: Session, cfg: OfficeConfig, period: Period) -> dict[str, Any]:
    lo, hi = period.utc_bounds(cfg)
    rows = session.execute(
        select(Feedback.rating, Feedback.officer, Handoff.claimed_by)
        .outerjoin(Handoff, Handoff.id == Feedback.handoff_id)
        .where(Feedback.created_at >= lo, Feedback.created_at < hi, Feedback.rating.isnot(None))
    ).all()
    dist = Counter(r.rating for r in rows)
    per_officer: dict[str, list[int]] = defaultdict(list)
    for rating, officer, claimed_by in rows:
        per_officer[officer or claimed_by or "(tanpa petugas)"].append(rating)
    values = [r.rating for r in rows]
    return {
        "jumlah": len(values),
        "rata_rata": (sum(values) / len(values)) if values else None,
        "sebaran": [{"nilai": n, "label": RATING_LABELS[n], "jumlah": dist.get(n, 0)} for n in (5, 4, 3, 2, 1)],
        "per_petugas": [{"petugas": name, "jumlah": len(v), "rata_rata": sum(v) / len(v)}
                        for name, v in sorted(per_officer.items())],
    }


def _ikm_rows(session: Session, lo: datetime, hi: datetime) -> list[IkmResponse]:
    return list(session.execute(
        select(IkmResponse).where(IkmResponse.started_at >= lo, IkmResponse.started_at < hi)
    ).scalars())


def _answers(r: IkmResponse) -> dict[str, int | None]:
    return {k: getattr(r, k) for k in ikm.ELEMENT_KEYS}


def ikm_figures(session: Session, cfg: OfficeConfig, period: Period) -> dict[str, Any]:
    lo, hi = period.utc_bounds(cfg)
    rows = _ikm_rows(session, lo, hi)
    result = ikm.compute(_answers(r) for r in rows)
    months = []
    for y, m in period.months():
        mp = Period(max(period.start, date(y, m, 1)), min(period.end, _month_end(y, m)))
        mlo, mhi = mp.utc_bounds(cfg)
        res = ikm.compute(_answers(r) for r in rows if mlo <= r.started_at < mhi)
        months.append({"bulan": f"{MONTHS[m]} {y}", "responden": res.respondents, "ikm": res.ikm, "mutu": res.grade})
    elements = [{"unsur": f"{e.key.upper()} {e.name}", "jawaban": result.element_counts[e.key],
                 "nrr": result.element_averages[e.key], "nilai": result.element_scores[e.key]}
                for e in ikm.ELEMENTS]
    return {"hasil": result, "unsur": elements, "per_bulan": months}


def nlu_fallback(tracker_url: str | None, cfg: OfficeConfig, period: Period) -> dict[str, Any]:
    """Share of typed resident messages Rasa did not understand, from the tracker store."""
    empty = {"pesan": 0, "tidak_dipahami": 0, "rasio": None, "tersedia": False}
    if not tracker_url:
        return empty
    from sqlalchemy import create_engine, text

    lo, hi = period.utc_bounds(cfg)
    lo_ts = lo.replace(tzinfo=timezone.utc).timestamp()
    hi_ts = hi.replace(tzinfo=timezone.utc).timestamp()
    engine = create_engine(tracker_url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT intent_name, data FROM events WHERE type_name = 'user' "
                "AND timestamp >= :lo AND timestamp < :hi"), {"lo": lo_ts, "hi": hi_ts}).all()
    except Exception:  # noqa: BLE001 - no tracker table yet (fresh install): no figure
        return empty
    finally:
        engine.dispose()
    typed = fallback = 0
    for intent, data in rows:
        try:
            text_ = (json.loads(data or "{}").get("text") or "").strip()
        except ValueError:
            text_ = ""
        if not text_ or text_.startswith("/"):
            continue  # a button/list payload, not something the NLU had to read
        typed += 1
        fallback += int(intent == "nlu_fallback")
    return {"pesan": typed, "tidak_dipahami": fallback, "rasio": fallback / typed if typed else None,
            "tersedia": True}


def top_categories(breakdown: dict[str, list[dict[str, Any]]], n: int = 5) -> list[dict[str, Any]]:
    return breakdown["kategori"][:n]


def trend(session: Session, cfg: OfficeConfig, period: Period, min_months: int = 6) -> list[dict[str, Any]]:
    """Per month up to the period's end (at least ``min_months``): messages, cases, rating, IKM."""
    months = period.months()
    while len(months) < min_months:
        y, m = months[0]
        months.insert(0, (y - 1, 12) if m == 1 else (y, m - 1))
    out = []
    for y, m in months:
        mp = month_period(y, m)
        msgs = message_counts(session, cfg, mp)
        lo, hi = mp.utc_bounds(cfg)
        ncases = dict(session.execute(
            select(Case.kind, func.count()).where(Case.created_at >= lo, Case.created_at < hi).group_by(Case.kind)
        ).all())
        rate = ratings(session, cfg, mp)
        res = ikm.compute(_answers(r) for r in _ikm_rows(session, lo, hi))
        out.append({"bulan": f"{MONTHS[m][:3]} {y}", "pesan_masuk": msgs["masuk"],
                    "pengaduan": int(ncases.get("complaint", 0)), "dokumen": int(ncases.get("document", 0)),
                    "konsultasi": int(ncases.get("consultation", 0)),
                    "rata_penilaian": rate["rata_rata"], "ikm": res.ikm})
    return out


@dataclass
class Dashboard:
    period: Period
    messages: dict[str, int]
    conversations: dict[str, Any]
    cases: dict[str, list[dict[str, Any]]]
    first_response: dict[str, Any]
    resolution: dict[str, Any]
    overdue: list[dict[str, Any]]
    busiest: dict[str, list[dict[str, Any]]]
    ratings: dict[str, Any]
    ikm: dict[str, Any]
    fallback: dict[str, Any]
    trend: list[dict[str, Any]]
    top_categories: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return bool(self.messages["total"] or any(r["jumlah"] for r in self.cases["jenis"])
                    or self.ratings["jumlah"] or self.ikm["hasil"].has_data)


def dashboard(session: Session, cfg: OfficeConfig, period: Period, *, now: datetime,
              tracker_url: str | None = None) -> Dashboard:
    """Every figure of the dashboard and the monthly report for ``period``."""
    breakdown = cases_breakdown(session, cfg, period)
    return Dashboard(
        period=period,
        messages=message_counts(session, cfg, period),
        conversations=conversations(session, cfg, period),
        cases=breakdown,
        first_response=first_response(session, cfg, period),
        resolution=resolution(session, cfg, period),
        overdue=overdue(session, cfg, period, now),
        busiest=busiest(session, cfg, period),
        ratings=ratings(session, cfg, period),
        ikm=ikm_figures(session, cfg, period),
        fallback=nlu_fallback(tracker_url, cfg, period),
        trend=trend(session, cfg, period),
        top_categories=top_categories(breakdown),
    )


# --- tables (dashboard, CSV, report) and chart series ------------------------------------

@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def summary_rows(b: Dashboard) -> list[tuple[str, Any]]:
    res = b.ikm["hasil"]
    return [
        ("Pesan masuk dari warga", b.messages["masuk"]),
        ("Pesan keluar dari asisten", b.messages["keluar_asisten"]),
        ("Pesan keluar dari petugas", b.messages["keluar_petugas"]),
        ("Percakapan", b.conversations["total"]),
        ("Percakapan dilayani asisten saja", b.conversations["asisten_saja"]),
        ("Percakapan diambil alih petugas", b.conversations["diambil_alih"]),
        ("Pesan tidak dipahami asisten (%)", _round(b.fallback["rasio"] * 100, 1) if b.fallback["rasio"] is not None else None),
        ("Respons pertama petugas, median (menit layanan)", _minutes(b.first_response["stats"].median)),
        ("Respons pertama petugas, persentil 90 (menit layanan)", _minutes(b.first_response["stats"].p90)),
        ("Kasus melewati standar pelayanan", len(b.overdue)),
        ("Jumlah penilaian", b.ratings["jumlah"]),
        ("Rata-rata penilaian (1-5)", _round(b.ratings["rata_rata"])),
        ("Responden survei IKM", res.respondents),
        ("IKM", _round(res.ikm)),
        ("Mutu pelayanan", f"{res.grade} ({res.grade_label})" if res.grade else None),
    ]


def tables(b: Dashboard) -> dict[str, Table]:
    """Every table of the dashboard, in display order (raw values; formatting is the caller's)."""
    c = b.cases
    out = [
        Table("ringkasan", "Ringkasan", ("Indikator", "Nilai"), summary_rows(b)),
        Table("tren", "Tren per bulan", ("Bulan", "Pesan masuk", "Pengaduan", "Permohonan dokumen", "Konsultasi",
                                          "Rata-rata penilaian", "IKM"),
              [(r["bulan"], r["pesan_masuk"], r["pengaduan"], r["dokumen"], r["konsultasi"],
                _round(r["rata_penilaian"]), _round(r["ikm"])) for r in b.trend]),
        Table("jenis", "Kasus per jenis", ("Jenis", "Jumlah"), [(r["jenis"], r["jumlah"]) for r in c["jenis"]]),
        Table("kategori", "Pengaduan per kategori", ("Kategori", "Jumlah"),
              [(r["kategori"], r["jumlah"]) for r in c["kategori"]]),
        Table("dokumen", "Permohonan per jenis dokumen", ("Dokumen", "Jumlah"),
              [(r["dokumen"], r["jumlah"]) for r in c["dokumen"]]),
        Table("status", "Kasus per status", ("Jenis", "Status", "Jumlah"),
              [(r["jenis"], r["status"], r["jumlah"]) for r in c["status"]]),
        Table("wilayah", "Pengaduan dan permohonan per RT/RW", ("RT", "RW", "Jumlah"),
              [(r["rt"], r["rw"], r["jumlah"]) for r in c["wilayah"]]),
        Table("waktu", "Waktu respons dan penyelesaian (menit jam layanan)",
              ("Ukuran", "Jumlah", "Median", "Persentil 90"),
              [("Respons pertama petugas setelah minta petugas", b.first_response["stats"].count,
                _minutes(b.first_response["stats"].median), _minutes(b.first_response["stats"].p90))]
              + [(f"Penyelesaian {r['jenis'].lower()}", r["stats"].count, _minutes(r["stats"].median),
                  _minutes(r["stats"].p90)) for r in b.resolution["per_jenis"]]),
        Table("terlambat", "Kasus melewati standar pelayanan",
              ("Tiket", "Jenis", "Perihal", "RT/RW", "Diajukan", "Standar (hari kerja)", "Batas", "Status",
               "Selesai", "Terlambat (menit layanan)"),
              [(r["tiket"], r["jenis"], r["perihal"], r["rt_rw"], r["diajukan"], r["standar_hari"], r["batas"],
                r["status"], r["selesai"], _minutes(r["terlambat_detik"])) for r in b.overdue]),
        Table("jam", "Pesan masuk per jam", ("Jam", "Pesan"), [(r["jam"], r["pesan"]) for r in b.busiest["jam"]]),
        Table("hari", "Pesan masuk per hari", ("Hari", "Pesan"), [(r["hari"], r["pesan"]) for r in b.busiest["hari"]]),
        Table("penilaian", "Sebaran penilaian", ("Nilai", "Keterangan", "Jumlah"),
              [(r["nilai"], r["label"], r["jumlah"]) for r in b.ratings["sebaran"]]),
        Table("penilaian_petugas", "Penilaian per petugas", ("Petugas", "Jumlah", "Rata-rata"),
              [(r["petugas"], r["jumlah"], _round(r["rata_rata"])) for r in b.ratings["per_petugas"]]),
        Table("ikm_unsur", "IKM per unsur (PermenPANRB 14/2017)", ("Unsur", "Jawaban", "Nilai rata-rata (1-4)",
                                                                  "Nilai konversi (25-100)"),
              [(r["unsur"], r["jawaban"], _round(r["nrr"]), _round(r["nilai"])) for r in b.ikm["unsur"]]),
        Table("ikm_bulan", "IKM per bulan", ("Bulan", "Responden", "IKM", "Mutu"),
              [(r["bulan"], r["responden"], _round(r["ikm"]), r["mutu"]) for r in b.ikm["per_bulan"]]),
    ]
    return {t.key: t for t in out}


# The lurah's report: every table, in this order (top categories and late cases follow).
REPORT_TABLES = ("ikm_unsur", "ikm_bulan", "ringkasan", "waktu", "tren", "jenis", "status", "kategori", "dokumen",
                 "wilayah", "penilaian", "penilaian_petugas", "hari", "jam")


def chart_data(b: Dashboard) -> dict[str, Any]:
    """Series for the charts (labels and numbers only); the table of each is ``tables(b)[key]``."""
    return {
        "tren": {"type": "line", "labels": [r["bulan"] for r in b.trend], "datasets": [
            {"label": "Pesan masuk", "data": [r["pesan_masuk"] for r in b.trend]},
            {"label": "Pengaduan", "data": [r["pengaduan"] for r in b.trend]},
            {"label": "Permohonan dokumen", "data": [r["dokumen"] for r in b.trend]},
        ]},
        "kategori": {"type": "bar", "labels": [r["kategori"] for r in b.cases["kategori"]], "datasets": [
            {"label": "Pengaduan", "data": [r["jumlah"] for r in b.cases["kategori"]]}]},
        "jam": {"type": "bar", "labels": [r["jam"] for r in b.busiest["jam"]], "datasets": [
            {"label": "Pesan masuk", "data": [r["pesan"] for r in b.busiest["jam"]]}]},
        "hari": {"type": "bar", "labels": [r["hari"] for r in b.busiest["hari"]], "datasets": [
            {"label": "Pesan masuk", "data": [r["pesan"] for r in b.busiest["hari"]]}]},
        "penilaian": {"type": "bar", "labels": [r["label"] for r in b.ratings["sebaran"]], "datasets": [
            {"label": "Penilaian", "data": [r["jumlah"] for r in b.ratings["sebaran"]]}]},
    }


def format_cell(value: Any) -> str:
    """Indonesian display of one table value (1.234,5; 3 Desember 2026 14.05)."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, datetime):
        return f"{format_date(value)} {value.hour:02d}.{value.minute:02d}"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int):
        return format_number(value, 0)
    if isinstance(value, float):
        return format_number(value, 2 if abs(value - round(value, 1)) > 1e-9 else 1)
    return str(value)


def csv_text(table: Table, separator: str = ",") -> str:
    """The table as CSV; with ``;`` (Excel in Indonesian regional settings) decimals use a comma."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=separator, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        cells = []
        for v in row:
            if v is None:
                cells.append("")
            elif isinstance(v, datetime):
                cells.append(v.strftime("%Y-%m-%d %H:%M"))
            elif isinstance(v, float) and separator == ";":
                cells.append(repr(v).replace(".", ","))
            else:
                cells.append(str(v))
        writer.writerow(cells)
    return "\ufeff" + buf.getvalue()  # BOM: Excel opens UTF-8 correctly


def tracker_url() -> str | None:
    """Rasa's tracker store (``TRACKER_DATABASE_URL``, else ``var/tracker.db`` when it exists),
    read without importing Rasa (the console does not)."""
    from kokom import VAR_DIR, settings

    url = settings.get().tracker_database_url
    if url:
        return url
    path = VAR_DIR / "tracker.db"
    return f"sqlite:///{path}" if path.exists() else None


def build(period: Period, *, now: datetime | None = None) -> Dashboard:
    """The dashboard for ``period`` from the configured databases and office file."""
    from kokom.db import session_scope
    from kokom.office import load_office

    cfg = load_office()
    with session_scope() as session:
        return dashboard(session, cfg, period, now=now or hours.now_local(cfg), tracker_url=tracker_url())


def today_local() -> date:
    from kokom.office import load_office

    cfg = load_office()
    return hours.now_local(cfg).date()
