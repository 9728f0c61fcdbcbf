"""Which day a resident means: "besok buka?", "sabtu buka gak", "tgl 17 agustus", "sesuk".

Indonesian and Javanese day words, common chat spellings and typos, and explicit
dates, resolved against today's date. The office's schedule is not needed here
(``kokom.hours`` answers whether the office is open on the day found).
"""
from __future__ import annotations

import re
from datetime import date, timedelta

__all__ = ["resolve_day"]

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

    Order: explicit dates, then weekday names with typos, then relative words
    (hari ini/besok/lusa, also Javanese sesuk/saiki) when no weekday is named. A weekday means its
    next occurrence, today included. Returns None when no day is mentioned.
    """
    if not text:
        return None
    norm = _normalize_day_text(text)
    explicit = _explicit_date(norm, today)
    if explicit is not None:
        return explicit
    weekday = _weekday_reference(norm, today)
    for pattern, offset in _RELATIVE:
        if pattern.search(norm):
            # "sesuk sabtu bukak?" on a Thursday: the named day is the one meant.
            return weekday if weekday is not None else today + timedelta(days=offset)
    return weekday
