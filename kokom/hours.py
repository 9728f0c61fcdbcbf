"""Office-hours logic and its Indonesian wording, in one place.

Residents ask "besok buka?", "sabtu buka gak", and the handoff flow must say
when an officer will answer. All of that depends on the same schedule and
holiday list (``office/kelurahan.yml``), so the rules and the phrasing live
here and nowhere else. Times are office-local (WIB); naive datetimes passed
in are taken as office-local.
"""
from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from kokom import settings
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
    "resolve_day",
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
        return f"Kantor sedang buka (sampai pukul {format_time_id(closing)} {tz})."
    today = local.date()
    nxt = next_opening(cfg, local)
    if nxt is None:
        return "Kantor sedang tutup. Jadwal buka berikutnya belum tersedia, mohon hubungi petugas."
    if nxt.date() == today:
        now_t = local.time().replace(tzinfo=None)
        had_session = any(iv.end <= now_t for iv in day_intervals(cfg, today))
        if had_session:
            return f"Kantor sedang istirahat, buka lagi pukul {format_time_id(nxt)} {tz}."
        return f"Kantor belum buka. Hari ini buka pukul {format_time_id(nxt)} {tz}."
    hol = holiday_on(cfg, today)
    reason = f" ({holiday_label(hol)})" if hol else ""
    return (
        f"Kantor sedang tutup{reason}. "
        f"Buka lagi {_when_phrase(nxt.date(), today)} pukul {format_time_id(nxt)} {tz}."
    )


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
            lines.append(f"{days} & hari libur nasional: tutup")
            holiday_mentioned = True
        else:
            lines.append(f"{days}: tutup")
    if not holiday_mentioned:
        lines.append("Hari libur nasional: tutup")
    return "\n".join(lines)


def day_answer(cfg: OfficeConfig, day: date, today: date) -> str:
    """Answer "is the office open on <day>?" in one Indonesian sentence."""
    label = {-1: "Kemarin", 0: "Hari ini", 1: "Besok", 2: "Lusa"}.get((day - today).days)
    subject = f"{label}, {format_date_id(day)}," if label else format_date_id(day)
    hol = holiday_on(cfg, day)
    ivs = day_intervals(cfg, day)
    if hol is not None:
        status = f"kantor tutup karena {holiday_label(hol)}."
    elif not ivs:
        status = "kantor tutup (akhir pekan)." if day.weekday() >= 5 else "kantor tutup (tidak ada jam layanan)."
    else:
        hours = _join_id([_interval_text(iv) for iv in ivs])
        status = f"kantor buka pukul {hours} {tz_label(cfg)}."
    return f"{subject} {status}"


def handoff_eta_text(cfg: OfficeConfig, at: datetime) -> str:
    """What a resident asking for an officer is told about when a reply comes."""
    local = _localize(cfg, at)
    if is_open(cfg, local):
        return "Petugas kami akan segera membalas pada jam layanan ini."
    nxt = next_opening(cfg, local)
    if nxt is None:
        return "Saat ini di luar jam layanan. Petugas akan membalas pada hari kerja berikutnya."
    return (
        "Saat ini di luar jam layanan. Petugas akan membalas mulai "
        f"{_when_phrase(nxt.date(), local.date())} pukul {format_time_id(nxt)} {tz_label(cfg)}."
    )


# ---------------------------------------------------------------------------
# Understanding day references in resident text
# ---------------------------------------------------------------------------

_MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agustos": 8, "agust": 8, "agst": 8, "agus": 8, "agt": 8, "ags": 8,
    "agu": 8, "aug": 8, "august": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_RE_DAY_MONTH = re.compile(rf"(?<!\d)(\d{{1,2}})\s*-?\s*({_MONTH_ALT})\b(?:\s+(\d{{4}}))?")
_RE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
# "17/8", "17-8-2026"; not "1-2 hari" (a duration).
_RE_NUMERIC = re.compile(
    r"(?<![\d/-])(\d{1,2})\s*[/-]\s*(\d{1,2})(?:\s*[/-]\s*(\d{4}|\d{2}))?(?![\d/-])"
    r"(?!\s*(?:hari|hr|jam|minggu|bulan|bln|orang|kali|x)\b)"
)
_RE_TGL = re.compile(r"\b(?:tgl|tggl|tangal|tanggal|tg)\s*(\d{1,2})\b")
_RE_RT_RW_BEFORE = re.compile(r"\b(?:rt|rw)\s*$")

# Relative words, Indonesian and Javanese, including common chat spellings.
_RELATIVE: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\b(?:lusa|lsa|sesuk lusa|besok lusa)\b"), 2),
    (re.compile(r"\b(?:besok|besoknya|bsk|bsok|besuk|sesuk|sesok|esok)\b"), 1),
    (re.compile(r"\b(?:kemarin|kemaren|kmrn|kmarin|wingi)\b"), -1),
    (re.compile(
        r"\b(?:hari ini|hr ini|hri ini|ari ini|skrg|skrng|skr|sekarang|skarang|saiki"
        r"|saat ini|dino iki|dina iki|nanti (?:pagi|siang|sore))\b"
    ), 0),
)

_WEEKDAY_ALIASES: dict[str, int] = {
    "senin": 0, "snin": 0, "senen": 0, "sennin": 0,
    "selasa": 1, "slasa": 1, "selsa": 1, "slsa": 1,
    "rabu": 2, "rebo": 2, "rbu": 2,
    "kamis": 3, "kemis": 3, "kmis": 3, "kms": 3,
    "jumat": 4, "jumaat": 4, "jumuah": 4, "jumuat": 4, "jemuah": 4, "jemuwah": 4, "jmt": 4,
    "sabtu": 5, "sbtu": 5, "sbt": 5, "saptu": 5, "setu": 5,
    "minggu": 6, "mingu": 6, "ahad": 6, "akhad": 6,
}
# Only names of 5+ letters get typo tolerance; short words collide ("rabu"/"ragu").
_FUZZY_NAMES: dict[str, int] = {"senin": 0, "selasa": 1, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6}
# "minggu depan/ini/lalu" means a week, not Sunday (unless preceded by "hari").
_WEEK_WORDS = frozenset({"depan", "dpn", "ini", "lalu", "kemarin", "kmrn", "lagi", "besok", "ngarep"})
_NEXT_WORDS = frozenset({"depan", "dpn", "ngarep"})


def _normalize_day_text(text: str) -> str:
    text = text.lower().replace("'", "").replace("\u2019", "").replace("`", "")
    return " ".join(re.sub(r"[^a-z0-9/\-]+", " ", text).split())


def _next_yearly(today: date, month: int, day: int, year: int | None) -> date | None:
    """The date on/after today for a day+month, or the explicit year if given."""
    try:
        if year is not None:
            return date(year + 2000 if year < 100 else year, month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def _next_monthly(today: date, day: int) -> date | None:
    """The next date on/after today whose day-of-month is ``day``."""
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _explicit_date(text: str, today: date) -> date | None:
    m = _RE_ISO.search(text)
    if m:
        return _next_yearly(today, int(m.group(2)), int(m.group(3)), int(m.group(1)))
    m = _RE_DAY_MONTH.search(text)
    if m:
        year = int(m.group(3)) if m.group(3) else None
        return _next_yearly(today, _MONTHS[m.group(2)], int(m.group(1)), year)
    for m in _RE_NUMERIC.finditer(text):
        if _RE_RT_RW_BEFORE.search(text[: m.start()]):
            continue  # "rt 05/02" is an RT/RW pair, not a date
        year = int(m.group(3)) if m.group(3) else None
        return _next_yearly(today, int(m.group(2)), int(m.group(1)), year)
    m = _RE_TGL.search(text)
    if m:
        return _next_monthly(today, int(m.group(1)))
    return None


def _edit_distance_le1(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insert/delete/substitute."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = diff = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            diff += 1
            if diff > 1:
                return False
            if len(a) == len(b):
                i += 1
            j += 1
        else:
            i += 1
            j += 1
    return diff + (len(b) - j) + (len(a) - i) <= 1


def _weekday_of(token: str) -> int | None:
    if token.endswith("nya") and len(token) > 5:
        token = token[:-3]
    if token in _WEEKDAY_ALIASES:
        return _WEEKDAY_ALIASES[token]
    if len(token) >= 5:
        for name, wd in _FUZZY_NAMES.items():
            if _edit_distance_le1(token, name):
                return wd
    return None


def _weekday_reference(text: str, today: date) -> date | None:
    tokens = text.split()
    for i, token in enumerate(tokens):
        wd = _weekday_of(token)
        if wd is None:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        prev = tokens[i - 1] if i > 0 else ""
        if wd == 6 and nxt in _WEEK_WORDS and prev not in ("hari", "hr"):
            continue  # "minggu depan" = next week
        delta = (wd - today.weekday()) % 7
        if delta == 0 and nxt in _NEXT_WORDS:
            delta = 7  # "senin depan" said on a Monday
        return today + timedelta(days=delta)
    return None


def resolve_day(text: str, today: date) -> date | None:
    """Find the day a resident asks about ("besok buka?", "sabtu", "tgl 17 agustus").

    Order: explicit dates, then relative words (hari ini/besok/lusa, also
    Javanese sesuk/saiki), then weekday names with typos. A weekday means its
    next occurrence, today included. Returns None when no day is mentioned.
    """
    if not text:
        return None
    norm = _normalize_day_text(text)
    explicit = _explicit_date(norm, today)
    if explicit is not None:
        return explicit
    for pattern, offset in _RELATIVE:
        if pattern.search(norm):
            return today + timedelta(days=offset)
    return _weekday_reference(norm, today)
