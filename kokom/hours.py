"""Office-hours logic: open or closed, next opening, the schedule as residents read it.

Residents ask "besok buka?", "sabtu buka gak", and the handoff flow must say
when an officer will answer. All of that depends on the same schedule and
holiday list (``office/kelurahan.yml``), so the rules live here and nowhere
else; the sentences are domain responses (``kokom.wording``) and which day a
message means is ``kokom.day_words``. Times are office-local (WIB); naive
datetimes passed in are taken as office-local.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from kokom import settings, wording
from kokom.office import Holiday, Interval, OfficeConfig

__all__ = [
    "DAY_NAMES",
    "MONTH_NAMES",
    "closing_time",
    "day_answer",
    "day_intervals",
    "format_date_id",
    "format_time_id",
    "handoff_eta_text",
    "holiday_label",
    "holiday_on",
    "is_open",
    "next_opening",
    "now_local",
    "office_status_text",
    "service_day_deadline",
    "service_seconds",
    "tz_label",
    "weekly_schedule_text",
]

log = logging.getLogger(__name__)

FAKE_NOW_ENV = "KOKOM_FAKE_NOW"
SEARCH_DAYS = 60

DAY_NAMES: tuple[str, ...] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTH_NAMES: tuple[str, ...] = (
    "", "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
_DASH = "\u2013"  # en dash, as in "07.30–12.00" and "Senin–Kamis"


# ---------------------------------------------------------------------------
# Clock and basic queries
# ---------------------------------------------------------------------------


def _localize(cfg: OfficeConfig, at: datetime) -> datetime:
    """Aware datetime in the office zone; naive input is taken as office-local."""
    if at.tzinfo is None or at.utcoffset() is None:
        return at.replace(tzinfo=cfg.timezone)
    return at.astimezone(cfg.timezone)


def now_local(cfg: OfficeConfig) -> datetime:
    """Current office-local time, or ``KOKOM_FAKE_NOW`` when set.

    The override lets demos and end-to-end tests show after-hours or holiday
    behaviour at any real time. An unparsable value is logged and ignored
    rather than crashing every conversation.
    """
    fake = settings.get().fake_now
    if fake:
        try:
            return _localize(cfg, datetime.fromisoformat(fake.replace("Z", "+00:00")))
        except ValueError:
            log.warning("ignoring invalid %s=%r (expected ISO datetime)", FAKE_NOW_ENV, fake)
    return datetime.now(cfg.timezone)


def tz_label(cfg: OfficeConfig) -> str:
    """"WIB"/"WITA"/"WIT" from the zone's offset (Indonesian zones have no DST)."""
    offset = datetime(2026, 1, 1, 12, tzinfo=cfg.timezone).utcoffset() or timedelta(0)
    return {7: "WIB", 8: "WITA", 9: "WIT"}.get(int(offset.total_seconds() // 3600), "waktu setempat")


def holiday_on(cfg: OfficeConfig, day: date) -> Holiday | None:
    """The holiday (libur nasional or cuti bersama) on ``day``, if any.

    For a year the office file lists (from the SKB 3 Menteri, with cuti bersama and
    local closures) the file is the whole truth. For any other year Indonesia's national
    holidays come from the ``holidays`` package, so the assistant never says the office
    is open on Lebaran just because nobody typed next year's list in yet.
    """
    found = cfg.holidays.get(day)
    if found is not None or day.year in {d.year for d in cfg.holidays}:
        return found
    return national_holidays(day.year).get(day)


@lru_cache(maxsize=8)
def national_holidays(year: int) -> dict[date, Holiday]:
    """Indonesia's national holidays of ``year`` (names in Indonesian; Islamic and lunar
    dates are the package's estimates, marked "perkiraan")."""
    import holidays

    found = holidays.country_holidays("ID", years=year, categories=("public",), language="id")
    return {day: Holiday(day, "; ".join(sorted(set(str(name).split("; ")))), "libur_nasional")
            for day, name in sorted(found.items())}


def day_intervals(cfg: OfficeConfig, day: date) -> tuple[Interval, ...]:
    """Service intervals of ``day``; empty on holidays and closed weekdays."""
    if holiday_on(cfg, day) is not None:
        return ()
    return cfg.service_hours.get(day.weekday(), ())


def _at(cfg: OfficeConfig, day: date, t: time) -> datetime:
    return datetime.combine(day, t, tzinfo=cfg.timezone)


def _current_interval(cfg: OfficeConfig, local: datetime) -> Interval | None:
    now_t = local.time().replace(tzinfo=None)
    for iv in day_intervals(cfg, local.date()):
        if iv.start <= now_t < iv.end:
            return iv
    return None


def is_open(cfg: OfficeConfig, at: datetime) -> bool:
    """True within a service interval (start inclusive, end exclusive), never on holidays."""
    return _current_interval(cfg, _localize(cfg, at)) is not None


def closing_time(cfg: OfficeConfig, at: datetime) -> datetime | None:
    """End of the interval ``at`` falls in, or None when the office is closed."""
    local = _localize(cfg, at)
    iv = _current_interval(cfg, local)
    return _at(cfg, local.date(), iv.end) if iv else None


def next_opening(cfg: OfficeConfig, at: datetime) -> datetime | None:
    """``at`` itself if open, else the next interval start within 60 days (None if none)."""
    local = _localize(cfg, at)
    if _current_interval(cfg, local) is not None:
        return local
    for offset in range(SEARCH_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        for iv in day_intervals(cfg, day):
            start = _at(cfg, day, iv.start)
            if start > local:
                return start
    return None


def service_seconds(cfg: OfficeConfig, start: datetime, end: datetime) -> int:
    """Service time between two instants, in seconds: only the time inside service
    intervals counts (weekends, holidays, the lunch break and nights do not).

    A complaint filed on Friday 16:00 and answered Monday 08:30 waited 30 minutes of
    service time. ``end`` before ``start`` gives 0. Naive datetimes are office-local.
    """
    a, b = _localize(cfg, start), _localize(cfg, end)
    if b <= a:
        return 0
    total = 0.0
    day = a.date()
    while day <= b.date():
        for iv in day_intervals(cfg, day):
            lo = max(a, _at(cfg, day, iv.start))
            hi = min(b, _at(cfg, day, iv.end))
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return int(round(total))


def service_day_deadline(cfg: OfficeConfig, start: datetime, days: int) -> datetime:
    """The end of the ``days``-th service day after the day of ``start`` ("H+N hari kerja").

    A request filed on Monday with a one-day standard is due at the close of Tuesday;
    filed on Friday, at the close of the next working Monday. ``days`` 0 means the close
    of the filing day itself (or of the next service day when filed on a closed day).
    """
    local = _localize(cfg, start)
    day = local.date()
    remaining = max(0, int(days))
    if remaining == 0:
        for offset in range(SEARCH_DAYS * 6):
            ivs = day_intervals(cfg, day + timedelta(days=offset))
            if ivs:
                return _at(cfg, day + timedelta(days=offset), ivs[-1].end)
    for offset in range(1, SEARCH_DAYS * 6):
        candidate = day + timedelta(days=offset)
        ivs = day_intervals(cfg, candidate)
        if ivs:
            remaining -= 1
            if remaining == 0:
                return _at(cfg, candidate, ivs[-1].end)
    return local + timedelta(days=days)  # no service days in a year: calendar days


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------


def format_date_id(d: date) -> str:
    """Indonesian long date, e.g. "Senin, 30 November 2026"."""
    return f"{DAY_NAMES[d.weekday()]}, {d.day} {MONTH_NAMES[d.month]} {d.year}"


def format_time_id(t: time | datetime) -> str:
    """Indonesian clock time with a dot, e.g. "07.30"."""
    return f"{t.hour:02d}.{t.minute:02d}"


def holiday_label(h: Holiday) -> str:
    """"libur nasional: Hari Raya Natal" or "cuti bersama: Hari Raya Natal"."""
    kind = "cuti bersama" if h.kind == "cuti_bersama" else "libur nasional"
    return f"{kind}: {h.name}"


def _interval_text(iv: Interval) -> str:
    return f"{format_time_id(iv.start)}{_DASH}{format_time_id(iv.end)}"


def _join_id(parts: list[str]) -> str:
    """"a", "a dan b", "a, b dan c" — Indonesian list joining."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} dan {parts[-1]}"


def _when_phrase(day: date, today: date) -> str:
    """Date phrase with "hari ini"/"besok" prepended when that helps the reader."""
    prefix = {0: "hari ini, ", 1: "besok, "}.get((day - today).days, "")
    return prefix + format_date_id(day)


# ---------------------------------------------------------------------------
# Resident-facing texts
# ---------------------------------------------------------------------------


def office_status_text(cfg: OfficeConfig, at: datetime) -> str:
    """One sentence on whether the office is open now and, if not, when it reopens."""
    local = _localize(cfg, at)
    tz = tz_label(cfg)
    closing = closing_time(cfg, local)
    if closing is not None:
        return wording.text("utter_hours_open_now", time=f"{format_time_id(closing)} {tz}")
    today = local.date()
    nxt = next_opening(cfg, local)
    if nxt is None:
        return wording.text("utter_hours_closed_unknown")
    if nxt.date() == today:
        now_t = local.time().replace(tzinfo=None)
        had_session = any(iv.end <= now_t for iv in day_intervals(cfg, today))
        if had_session:
            return wording.text("utter_hours_lunch_break", time=f"{format_time_id(nxt)} {tz}")
        return wording.text("utter_hours_not_yet_open", time=f"{format_time_id(nxt)} {tz}")
    hol = holiday_on(cfg, today)
    reason = f" ({holiday_label(hol)})" if hol else ""
    return wording.text("utter_hours_closed", reason=reason, when=_when_phrase(nxt.date(), today),
                        time=f"{format_time_id(nxt)} {tz}")


def weekly_schedule_text(cfg: OfficeConfig) -> str:
    """Weekly schedule, consecutive equal days grouped ("Senin–Kamis: ...")."""
    groups: list[list[int]] = []  # each: [first_day, last_day]
    for wd in range(7):
        if groups and cfg.service_hours.get(groups[-1][0], ()) == cfg.service_hours.get(wd, ()):
            groups[-1][1] = wd
        else:
            groups.append([wd, wd])
    tz = tz_label(cfg)
    lines: list[str] = []
    holiday_mentioned = False
    for first, last in groups:
        days = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]}{_DASH}{DAY_NAMES[last]}"
        ivs = cfg.service_hours.get(first, ())
        if ivs:
            lines.append(f"{days}: {', '.join(_interval_text(iv) for iv in ivs)} {tz}")
        elif last == 6:
            lines.append(wording.text("utter_hours_week_closed_with_holidays", days=days))
            holiday_mentioned = True
        else:
            lines.append(wording.text("utter_hours_week_closed", days=days))
    if not holiday_mentioned:
        lines.append(wording.text("utter_hours_holidays_closed"))
    return "\n".join(lines)


def day_answer(cfg: OfficeConfig, day: date, today: date) -> str:
    """Answer "is the office open on <day>?" in one Indonesian sentence."""
    label = {-1: "Kemarin", 0: "Hari ini", 1: "Besok", 2: "Lusa"}.get((day - today).days)
    subject = f"{label}, {format_date_id(day)}," if label else format_date_id(day)
    hol = holiday_on(cfg, day)
    ivs = day_intervals(cfg, day)
    if hol is not None:
        return wording.text("utter_hours_day_closed_holiday", day=subject, holiday=holiday_label(hol))
    if not ivs:
        closed = "utter_hours_day_closed_weekend" if day.weekday() >= 5 else "utter_hours_day_closed"
        return wording.text(closed, day=subject)
    hours = _join_id([_interval_text(iv) for iv in ivs])
    return wording.text("utter_hours_day_open", day=subject, hours=f"{hours} {tz_label(cfg)}")


def handoff_eta_text(cfg: OfficeConfig, at: datetime) -> str:
    """What a resident asking for an officer is told about when a reply comes."""
    local = _localize(cfg, at)
    if is_open(cfg, local):
        return wording.text("utter_handoff_eta_open")
    nxt = next_opening(cfg, local)
    if nxt is None:
        return wording.text("utter_handoff_eta_unknown")
    return wording.text("utter_handoff_eta", when=_when_phrase(nxt.date(), local.date()),
                        time=f"{format_time_id(nxt)} {tz_label(cfg)}")
