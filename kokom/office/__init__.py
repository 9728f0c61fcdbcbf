"""Office settings of the kelurahan, loaded from ``office/kelurahan.yml``.

Opening hours, holidays, complaint categories and the document catalog change
more often than the NLU model is retrained, and they are edited by office
staff rather than developers. Keeping them in one YAML file, validated here,
lets an officer change an answer without retraining and lets a broken edit be
caught (``python -m kokom.office``) before residents see nonsense.

This module holds the schema and its loading; ``kokom.office.categories`` matches
residents' words to complaint categories and ``kokom.office.__main__`` is the check
officers run after an edit.
"""
from __future__ import annotations

import re
import threading
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

import yaml

from kokom import settings

__all__ = [
    "CATEGORY_KEYS",
    "OTHER_CATEGORY",
    "DEFAULT_OFFICE_FILE",
    "DocumentFile",
    "SAMPLE_PREFIX",
    "files_dir",
    "office_file_path",
    "DOCUMENT_KEYS",
    "HOLIDAY_KINDS",
    "OFFICE_ISSUER",
    "WEEKDAY_KEYS",
    "ComplaintCategory",
    "DocumentInfo",
    "Holiday",
    "Interval",
    "OfficeConfig",
    "OfficeConfigError",
    "MonitoringSettings",
    "is_placeholder",
    "public_text",
    "load_office",
    "parse_office",
]

DEFAULT_OFFICE_FILE: Path = settings.SHIPPED_OFFICE_FILE
"""The office file shipped with SI KoKoM (``KOKOM_OFFICE_FILE`` may name another)."""

DOCUMENT_KEYS: tuple[str, ...] = (
    "ktp",
    "kk",
    "akta_kelahiran",
    "akta_kematian",
    "surat_pindah",
    "sktm",
    "surat_domisili",
    "pengantar_skck",
    "surat_keterangan_usaha",
    "pengantar_nikah",
    "surat_kehilangan",
    "ahli_waris",
    "izin_keramaian",
)
"""Canonical document keys; slots, forms and responses are keyed by these."""

CATEGORY_KEYS: tuple[str, ...] = (
    "infrastruktur",
    "kebersihan",
    "keamanan",
    "sosial",
    "lingkungan",
    "pelayanan",
    "lainnya",
)
"""Complaint categories the rest of the system relies on (tickets store the key)."""
OTHER_CATEGORY = "lainnya"
"""The category for what fits no other: chosen only when nothing else does."""

WEEKDAY_KEYS: tuple[str, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)
HOLIDAY_KINDS: frozenset[str] = frozenset({"libur_nasional", "cuti_bersama"})
OFFICE_ISSUER = "kelurahan"
"""The issuer key that means this office itself (its name is ``office.name``)."""

# WhatsApp interactive lists cut row titles at 24 and descriptions at 72 chars.
MAX_TITLE_LEN = 24
MAX_DESCRIPTION_LEN = 72
# A WhatsApp list message holds at most 10 rows.
MAX_CATEGORIES = 10

# Used only when the tz database is missing (no tzdata): Indonesian zones have no DST.
_FIXED_ZONES: dict[str, tzinfo] = {
    "Asia/Jakarta": timezone(timedelta(hours=7), "WIB"),
    "Asia/Pontianak": timezone(timedelta(hours=7), "WIB"),
    "Asia/Makassar": timezone(timedelta(hours=8), "WITA"),
    "Asia/Jayapura": timezone(timedelta(hours=9), "WIT"),
}

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class OfficeConfigError(ValueError):
    """The office file is missing or invalid; ``problems`` lists every issue found.

    All problems are collected before raising so an officer can fix the file
    in one pass instead of discovering mistakes one at a time.
    """

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        where = f" in {source}" if source else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid office configuration{where}:\n{lines}")


@dataclass(frozen=True)
class Interval:
    """One service period of a day, local time; start inclusive, end exclusive."""

    start: time
    end: time


@dataclass(frozen=True)
class Holiday:
    """A day the office is closed; ``kind`` is libur_nasional or cuti_bersama."""

    date: date
    name: str
    kind: str


@dataclass(frozen=True)
class ComplaintCategory:
    """A complaint category as offered to residents (title fits a WhatsApp list row)."""

    key: str
    title: str
    keywords: tuple[str, ...]
    description: str | None = None


# Files an office lists for a document (blank form, filling guide) live in files/ beside
# the office file. A name starting with this marks a shipped SAMPLE (for tests and the
# simulator), never an official form: `python -m kokom.office` lists it as still to replace.
SAMPLE_PREFIX = "CONTOH-"
MAX_FILES_PER_DOCUMENT = 3
MAX_CAPTION_LEN = 1024
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")


@dataclass(frozen=True)
class DocumentFile:
    """A file sent with a document's requirements (kept under ``files_dir()``)."""

    file: str
    caption: str

    @property
    def is_sample(self) -> bool:
        return self.file.startswith(SAMPLE_PREFIX)


@dataclass(frozen=True)
class DocumentInfo:
    """What a resident needs to know to obtain one document."""

    key: str
    name: str
    issuer: str
    issued_by_kelurahan: bool
    requirements: tuple[str, ...]
    originals: tuple[str, ...]
    procedure: tuple[str, ...]
    processing_time: str
    cost: str
    notes: str | None = None
    files: tuple[DocumentFile, ...] = ()


@dataclass(frozen=True)
class MonitoringSettings:
    """Service standards and the satisfaction survey (section ``monitoring``, issue 11)."""

    complaint_days: int = 14  # working days from filing to a final state
    complaint_category_days: dict[str, int] = field(default_factory=dict)
    document_days: dict[str, int] = field(default_factory=dict)  # overrides the catalog's lead time
    survey_offered: bool = False
    survey_after: tuple[str, ...] = ("complaint", "document", "consultation")
    survey_min_days_between: int = 30


@dataclass(frozen=True)
class Retention:
    """How long residents' data is kept (days; UU 27/2022 PDP), section ``retention``.

    ``media_days``: photos/files residents sent; ``conversation_days``: a conversation
    (Rasa's events, WhatsApp messages, officers' replies and notes) idle that long;
    ``closed_case_days``: a closed case then keeps only its statistics (kind, category,
    status, dates, RT/RW) without the person. Applied by ``python -m kokom.pdp retention``.
    """

    media_days: int = 365
    conversation_days: int = 365
    closed_case_days: int = 1825


@dataclass(frozen=True)
class OfficeConfig:
    """Validated office settings; build it with ``parse_office``/``load_office``."""

    name: str
    kecamatan: str
    city: str
    address: str
    latitude: float
    longitude: float
    maps_url: str
    contacts: dict[str, str]
    parking: str
    timezone: tzinfo
    service_hours: dict[int, tuple[Interval, ...]]
    holidays: dict[date, Holiday]
    complaint_categories: tuple[ComplaintCategory, ...]
    documents: dict[str, DocumentInfo]
    messages: dict[str, str] = field(default_factory=dict)
    issuers: dict[str, str] = field(default_factory=dict)
    monitoring: MonitoringSettings = field(default_factory=MonitoringSettings)
    retention: Retention = field(default_factory=Retention)

    @property
    def public_address(self) -> str:
        """The address as residents read it: without ``[ISI ...]`` parts, never empty."""
        return public_text(self.address) or f"{self.name}, Kec. {self.kecamatan}, {self.city}"

    def document(self, key: str) -> DocumentInfo | None:
        """Document by key, or None (callers turn None into a polite fallback)."""
        return self.documents.get(key)

    def issuer_name(self, key: str) -> str:
        """The full name of a document's issuer ("kelurahan" is this office)."""
        if key == OFFICE_ISSUER:
            return self.name
        return self.issuers.get(key, key)

    def category(self, key: str) -> ComplaintCategory | None:
        """Complaint category by key, or None."""
        for cat in self.complaint_categories:
            if cat.key == key:
                return cat
        return None


def is_placeholder(value: str | None) -> bool:
    """True for an unset value such as ``[ISI NOMOR TELEPON KANTOR]``.

    Responses should hide placeholders instead of sending them to residents.
    """
    return not value or value.strip().startswith("[")


_FILL_IN = re.compile(r"\[ISI[^\]]*\]\s*[,;:-]?\s*", re.IGNORECASE)


def public_text(value: str | None) -> str:
    """What a resident may read of an office value: its ``[ISI ...]`` parts taken out.

    ``"[ISI ALAMAT KANTOR] Kelurahan X, Kec. Y"`` reads ``"Kelurahan X, Kec. Y"`` until
    the office writes the street in; a value
    that is nothing but a placeholder reads ``""``.
    """
    return _FILL_IN.sub("", value or "").strip(" ,;:-")


# ---------------------------------------------------------------------------
# Validation helpers: each returns a cleaned value or None and records problems.
# ---------------------------------------------------------------------------


class _Problems:
    """Collects problems with their path so every issue is reported at once."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")


def _req_str(p: _Problems, data: dict, key: str, path: str, max_len: int | None = None) -> str | None:
    value = data.get(key)
    if key not in data or value is None:
        p.add(f"{path}.{key}", "required field is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        p.add(f"{path}.{key}", "must be a non-empty string")
        return None
    value = value.strip()
    if max_len is not None and len(value) > max_len:
        p.add(f"{path}.{key}", f"must be at most {max_len} characters (got {len(value)}: {value!r})")
        return None
    return value


def _opt_str(p: _Problems, data: dict, key: str, path: str, max_len: int | None = None) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        p.add(f"{path}.{key}", "must be a string")
        return None
    value = value.strip()
    if max_len is not None and len(value) > max_len:
        p.add(f"{path}.{key}", f"must be at most {max_len} characters (got {len(value)})")
        return None
    return value or None


def _str_list(p: _Problems, data: dict, key: str, path: str, allow_empty: bool = False) -> tuple[str, ...] | None:
    value = data.get(key)
    kind = "a list of strings" if allow_empty else "a non-empty list of strings"
    if key not in data or value is None:
        if allow_empty:
            return ()
        p.add(f"{path}.{key}", f"required field is missing (must be {kind})")
        return None
    if (
        not isinstance(value, list)
        or (not value and not allow_empty)
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        p.add(f"{path}.{key}", f"must be {kind}")
        return None
    return tuple(v.strip() for v in value)


def _mapping(p: _Problems, value: Any, path: str) -> dict | None:
    if value is None:
        p.add(path, "required section is missing")
        return None
    if not isinstance(value, dict):
        p.add(path, "must be a mapping (key: value)")
        return None
    return value


def _number(p: _Problems, data: dict, key: str, path: str, lo: float, hi: float) -> float | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        p.add(f"{path}.{key}", "must be a number")
        return None
    if not lo <= value <= hi:
        p.add(f"{path}.{key}", f"must be between {lo} and {hi} (got {value})")
        return None
    return float(value)


def _parse_hhmm(p: _Problems, value: Any, path: str) -> time | None:
    if isinstance(value, int) and not isinstance(value, bool):
        # PyYAML reads an unquoted 07:30 as a base-60 integer (450).
        p.add(path, f'must be a quoted "HH:MM" string (got {value}; put the time in quotes)')
        return None
    if not isinstance(value, str) or not _HHMM.match(value.strip()):
        p.add(path, f'must be a time "HH:MM" between 00:00 and 23:59 (got {value!r})')
        return None
    hh, mm = value.strip().split(":")
    return time(int(hh), int(mm))


def _parse_date(p: _Problems, value: Any, path: str) -> date | None:
    if isinstance(value, date):  # YAML already parsed an unquoted YYYY-MM-DD
        return value
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    p.add(path, f"must be a valid date YYYY-MM-DD (got {value!r})")
    return None


def _resolve_timezone(p: _Problems, name: Any) -> tzinfo:
    """ZoneInfo for ``name``; fixed offset for Indonesian zones if tzdata is missing."""
    fallback = timezone(timedelta(hours=7), "WIB")
    if not isinstance(name, str) or not name.strip():
        p.add("timezone", 'must be a time zone name such as "Asia/Jakarta"')
        return fallback
    name = name.strip()
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # unknown name, or no tz database here
        if name in _FIXED_ZONES:
            return _FIXED_ZONES[name]
        p.add("timezone", f"unknown time zone {name!r}")
        return fallback


# ---------------------------------------------------------------------------
# Section parsers
# ---------------------------------------------------------------------------


def _parse_service_hours(p: _Problems, raw: Any) -> dict[int, tuple[Interval, ...]]:
    hours: dict[int, tuple[Interval, ...]] = {i: () for i in range(7)}
    section = _mapping(p, raw, "service_hours")
    if section is None:
        return hours
    for key in section:
        if key not in WEEKDAY_KEYS:
            p.add(f"service_hours.{key}", f"unknown day (use one of: {', '.join(WEEKDAY_KEYS)})")
    for index, day in enumerate(WEEKDAY_KEYS):
        path = f"service_hours.{day}"
        if day not in section:
            p.add(path, "missing (use [] for a closed day)")
            continue
        hours[index] = _parse_day_intervals(p, section[day], path)
    return hours


def _parse_day_intervals(p: _Problems, raw: Any, path: str) -> tuple[Interval, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        p.add(path, 'must be a list of ["HH:MM", "HH:MM"] intervals ([] when closed)')
        return ()
    intervals: list[Interval] = []
    for i, item in enumerate(raw):
        ipath = f"{path}[{i}]"
        if not isinstance(item, list) or len(item) != 2:
            p.add(ipath, 'must be a pair ["start", "end"], e.g. ["07:30", "12:00"]')
            continue
        start = _parse_hhmm(p, item[0], f"{ipath}.start")
        end = _parse_hhmm(p, item[1], f"{ipath}.end")
        if start is None or end is None:
            continue
        if start >= end:
            p.add(ipath, f"start {start:%H:%M} must be before end {end:%H:%M}")
            continue
        if intervals and start < intervals[-1].end:
            prev = intervals[-1]
            p.add(
                ipath,
                f"{start:%H:%M}-{end:%H:%M} overlaps or comes before "
                f"{prev.start:%H:%M}-{prev.end:%H:%M}; list intervals in order without overlap",
            )
            continue
        intervals.append(Interval(start, end))
    return tuple(intervals)


def _parse_holidays(p: _Problems, raw: Any) -> dict[date, Holiday]:
    holidays: dict[date, Holiday] = {}
    if raw is None:
        return holidays
    if not isinstance(raw, list):
        p.add("holidays", "must be a list of {date, name, kind}")
        return holidays
    for i, item in enumerate(raw):
        path = f"holidays[{i}]"
        if not isinstance(item, dict):
            p.add(path, "must be a mapping with date, name and kind")
            continue
        day = _parse_date(p, item.get("date"), f"{path}.date")
        name = _req_str(p, item, "name", path)
        kind = item.get("kind")
        if not isinstance(kind, str) or kind not in HOLIDAY_KINDS:
            p.add(f"{path}.kind", f"must be one of {sorted(HOLIDAY_KINDS)} (got {kind!r})")
            continue
        if day is None or name is None:
            continue
        holidays[day] = _merge_holiday(holidays.get(day), Holiday(day, name, kind))
    return dict(sorted(holidays.items()))


def _merge_holiday(old: Holiday | None, new: Holiday) -> Holiday:
    """Two entries on one date (it happens) become one, national holiday winning."""
    if old is None:
        return new
    kind = "libur_nasional" if "libur_nasional" in (old.kind, new.kind) else old.kind
    name = old.name if new.name == old.name else f"{old.name} / {new.name}"
    return Holiday(old.date, name, kind)


def _parse_categories(p: _Problems, raw: Any) -> tuple[ComplaintCategory, ...]:
    if not isinstance(raw, list) or not raw:
        p.add("complaint_categories", "must be a non-empty list of {key, title, keywords}")
        return ()
    if len(raw) > MAX_CATEGORIES:
        p.add("complaint_categories", f"at most {MAX_CATEGORIES} categories fit a WhatsApp list (got {len(raw)})")
    categories: list[ComplaintCategory] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = f"complaint_categories[{i}]"
        if not isinstance(item, dict):
            p.add(path, "must be a mapping with key, title and keywords")
            continue
        key = _req_str(p, item, "key", path)
        if key is not None and not _KEY.match(key):
            p.add(f"{path}.key", f"must be lowercase letters/digits/underscore (got {key!r})")
            key = None
        if key is not None and key in seen:
            p.add(f"{path}.key", f"duplicate category key {key!r}")
            key = None
        if key is not None:
            seen.add(key)
            path = f"complaint_categories.{key}"
        title = _req_str(p, item, "title", path, MAX_TITLE_LEN)
        description = _opt_str(p, item, "description", path, MAX_DESCRIPTION_LEN)
        keywords = _str_list(p, item, "keywords", path, allow_empty=True)
        if key and title and keywords is not None:
            kws = tuple(k.lower() for k in keywords)
            categories.append(ComplaintCategory(key, title, kws, description))
    for key in CATEGORY_KEYS:
        if key not in seen:
            p.add("complaint_categories", f"missing required category {key!r}")
    return tuple(categories)


def _parse_issuers(p: _Problems, raw: Any) -> dict[str, str]:
    issuers: dict[str, str] = {}
    section = _mapping(p, raw, "issuers")
    if section is None:
        return issuers
    for key, value in section.items():
        if not isinstance(key, str) or not _KEY.match(key):
            p.add(f"issuers.{key}", "key must be lowercase letters, digits and _")
        elif key == OFFICE_ISSUER:
            p.add(f"issuers.{key}", "this key is the office itself (office.name); remove it here")
        elif not isinstance(value, str) or not value.strip():
            p.add(f"issuers.{key}", "must be the issuer's full name")
        else:
            issuers[key] = value.strip()
    return issuers


def _parse_documents(p: _Problems, raw: Any, issuers: dict[str, str]) -> dict[str, DocumentInfo]:
    documents: dict[str, DocumentInfo] = {}
    section = _mapping(p, raw, "documents")
    if section is None:
        return documents
    for key in section:
        if key not in DOCUMENT_KEYS:
            p.add(f"documents.{key}", f"unknown document key (allowed: {', '.join(DOCUMENT_KEYS)})")
    for key in DOCUMENT_KEYS:
        if key not in section:
            p.add(f"documents.{key}", "missing document entry")
            continue
        doc = _parse_document(p, key, section[key], issuers)
        if doc is not None:
            documents[key] = doc
    return documents


def _parse_document(p: _Problems, key: str, raw: Any, issuers: dict[str, str]) -> DocumentInfo | None:
    path = f"documents.{key}"
    if not isinstance(raw, dict):
        p.add(path, "must be a mapping of document fields")
        return None
    before = len(p.items)
    name = _req_str(p, raw, "name", path, MAX_TITLE_LEN)
    issuer = raw.get("issuer")
    known = sorted({OFFICE_ISSUER, *issuers})
    if not isinstance(issuer, str) or issuer not in known:
        p.add(f"{path}.issuer", f"must be one of {known} (the issuers section; got {issuer!r})")
    by_kelurahan = raw.get("issued_by_kelurahan")
    if not isinstance(by_kelurahan, bool):
        p.add(f"{path}.issued_by_kelurahan", "must be true or false")
    requirements = _str_list(p, raw, "requirements", path)
    originals = _str_list(p, raw, "originals", path, allow_empty=True)
    procedure = _str_list(p, raw, "procedure", path)
    processing_time = _req_str(p, raw, "processing_time", path)
    cost = _req_str(p, raw, "cost", path)
    notes = _opt_str(p, raw, "notes", path)
    files = _parse_files(p, raw.get("files"), f"{path}.files")
    if len(p.items) != before:
        return None
    return DocumentInfo(
        key=key,
        name=name,
        issuer=issuer,
        issued_by_kelurahan=by_kelurahan,
        requirements=requirements,
        originals=originals,
        procedure=procedure,
        processing_time=processing_time,
        cost=cost,
        notes=notes,
        files=files,
    )


def _parse_files(p: _Problems, raw: Any, path: str) -> tuple[DocumentFile, ...]:
    """``files: [{file: name.pdf, caption: "..."}]``; a listed file that is missing is not an error
    (it is simply not sent, and the check lists it)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        p.add(path, "must be a list of {file, caption}")
        return ()
    if len(raw) > MAX_FILES_PER_DOCUMENT:
        p.add(path, f"at most {MAX_FILES_PER_DOCUMENT} files per document")
    files = []
    for i, item in enumerate(raw[:MAX_FILES_PER_DOCUMENT]):
        ipath = f"{path}[{i}]"
        if not isinstance(item, dict):
            p.add(ipath, "must be a mapping with file and caption")
            continue
        name = _req_str(p, item, "file", ipath)
        caption = _req_str(p, item, "caption", ipath, MAX_CAPTION_LEN)
        if name is not None and not _FILE_NAME.match(name):
            p.add(f"{ipath}.file", "must be a plain file name in office/files/ (letters, digits, . _ -), "
                                   f"no folders (got {name!r})")
            continue
        if name and caption:
            files.append(DocumentFile(name, caption))
    return tuple(files)


def files_dir(office_file: Path | None = None) -> Path:
    """Where the office's files are kept: ``files/`` beside the office file."""
    return (Path(office_file) if office_file is not None else _default_path()).resolve().parent / "files"


def office_file_path(name: Any, office_file: Path | None = None) -> Path | None:
    """The path of an office file by its plain name, or None when the name is not plain or the
    file is missing (a file the office has not provided is simply not sent)."""
    if not isinstance(name, str) or not _FILE_NAME.match(name):
        return None
    folder = files_dir(office_file)
    path = folder / name
    try:
        if path.resolve().parent != folder.resolve() or not path.is_file():
            return None
    except OSError:
        return None
    return path


def _parse_contacts(p: _Problems, raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        p.add("office.contacts", "must be a mapping such as phone: ..., email: ...")
        return {}
    contacts: dict[str, str] = {}
    for key, value in raw.items():
        if value is None or value == "":
            continue
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            p.add(f"office.contacts.{key}", "must be a string")
            continue
        contacts[str(key)] = str(value).strip()
    return contacts


def _parse_messages(p: _Problems, raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        p.add("messages", "must be a mapping of name: text")
        return {}
    messages: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            p.add(f"messages.{key}", "must be a non-empty string")
            continue
        messages[str(key)] = value.strip()
    return messages


_CASE_KINDS = ("complaint", "document", "consultation")


def _parse_monitoring(p: _Problems, raw: Any) -> MonitoringSettings:
    """Section ``monitoring`` (optional): service standards and the IKM survey settings."""
    if raw is None:
        return MonitoringSettings()
    if not isinstance(raw, dict):
        p.add("monitoring", "must be a mapping (complaint_days, document_days, survey)")
        return MonitoringSettings()

    def days(value: Any, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 365:
            p.add(path, f"must be a whole number of working days 0-365 (got {value!r})")
            return None
        return value

    def day_map(key: str, allowed: tuple[str, ...]) -> dict[str, int]:
        section = raw.get(key)
        if section is None:
            return {}
        if not isinstance(section, dict):
            p.add(f"monitoring.{key}", "must be a mapping of key: days")
            return {}
        out: dict[str, int] = {}
        for k, v in section.items():
            if str(k) not in allowed:
                p.add(f"monitoring.{key}.{k}", f"unknown key (allowed: {', '.join(allowed)})")
                continue
            d = days(v, f"monitoring.{key}.{k}")
            if d is not None:
                out[str(k)] = d
        return out

    complaint_days = days(raw.get("complaint_days", 14), "monitoring.complaint_days")
    survey = raw.get("survey") or {}
    if not isinstance(survey, dict):
        p.add("monitoring.survey", "must be a mapping (offered, after, min_days_between)")
        survey = {}
    offered = survey.get("offered", False)
    if not isinstance(offered, bool):
        p.add("monitoring.survey.offered", "must be true or false")
        offered = False
    after = survey.get("after", list(_CASE_KINDS))
    if not isinstance(after, list) or any(a not in _CASE_KINDS for a in after):
        p.add("monitoring.survey.after", f"must be a list of {', '.join(_CASE_KINDS)}")
        after = list(_CASE_KINDS)
    between = days(survey.get("min_days_between", 30), "monitoring.survey.min_days_between")
    return MonitoringSettings(
        complaint_days=complaint_days if complaint_days is not None else 14,
        complaint_category_days=day_map("complaint_category_days", CATEGORY_KEYS),
        document_days=day_map("document_days", DOCUMENT_KEYS),
        survey_offered=offered,
        survey_after=tuple(after),
        survey_min_days_between=between if between is not None else 30,
    )


def parse_office(data: dict) -> OfficeConfig:
    """Validate raw YAML data and build an ``OfficeConfig``.

    Every section is checked even after an error so the officer sees all
    problems at once; raises ``OfficeConfigError`` if any were found.
    """
    p = _Problems()
    if not isinstance(data, dict):
        raise OfficeConfigError(["(top level): must be a mapping with office, service_hours, ... sections"])
    office = _mapping(p, data.get("office"), "office") or {}
    name = _req_str(p, office, "name", "office")
    kecamatan = _req_str(p, office, "kecamatan", "office")
    city = _req_str(p, office, "city", "office")
    address = _req_str(p, office, "address", "office")
    lat = _number(p, office, "latitude", "office", -90.0, 90.0)
    lon = _number(p, office, "longitude", "office", -180.0, 180.0)
    maps_url = _opt_str(p, office, "maps_url", "office")
    if maps_url is None and lat is not None and lon is not None:
        maps_url = f"https://www.google.com/maps?q={lat},{lon}"
    contacts = _parse_contacts(p, office.get("contacts"))
    parking = _opt_str(p, office, "parking", "office") or ""
    tz = _resolve_timezone(p, data.get("timezone"))
    service_hours = _parse_service_hours(p, data.get("service_hours"))
    holidays = _parse_holidays(p, data.get("holidays"))
    categories = _parse_categories(p, data.get("complaint_categories"))
    issuers = _parse_issuers(p, data.get("issuers"))
    documents = _parse_documents(p, data.get("documents"), issuers)
    messages = _parse_messages(p, data.get("messages"))
    monitoring = _parse_monitoring(p, data.get("monitoring"))
    retention = _parse_retention(p, data.get("retention"))
    if p.items:
        raise OfficeConfigError(p.items)
    return OfficeConfig(
        name=name,
        kecamatan=kecamatan,
        city=city,
        address=address,
        latitude=lat,
        longitude=lon,
        maps_url=maps_url,
        parking=parking,
        contacts=contacts,
        timezone=tz,
        service_hours=service_hours,
        holidays=holidays,
        complaint_categories=categories,
        documents=documents,
        messages=messages,
        issuers=issuers,
        monitoring=monitoring,
        retention=retention,
    )


def _parse_retention(p: _Problems, raw: Any) -> Retention:
    """Optional section; each period is whole days, 30 to 3650 (ten years)."""
    if raw is None:
        return Retention()
    data = _mapping(p, raw, "retention")
    if data is None:
        return Retention()
    values: dict[str, int] = {}
    for key in ("media_days", "conversation_days", "closed_case_days"):
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 30 <= value <= 3650:
            p.add(f"retention.{key}", "must be a whole number of days between 30 and 3650")
            continue
        values[key] = value
    for key in data:
        if key not in ("media_days", "conversation_days", "closed_case_days"):
            p.add(f"retention.{key}", "unknown setting (media_days, conversation_days, closed_case_days)")
    return Retention(**values)


# ---------------------------------------------------------------------------
# Loading with an mtime cache
# ---------------------------------------------------------------------------

_cache: dict[Path, tuple[tuple[int, int], OfficeConfig]] = {}
_cache_lock = threading.Lock()


def _default_path() -> Path:
    """Env override read at call time, so tests and deployments can switch files."""
    return settings.get().office_file


def load_office(path: Path | None = None) -> OfficeConfig:
    """Load and validate the office file, cached by (path, mtime, size).

    Re-reading only when the file changed keeps per-message cost at one
    ``stat`` while an officer's edit takes effect on the next message without
    a restart. A broken file raises ``OfficeConfigError`` every time (never a
    stale config), so start-up checks fail loudly.
    """
    file = Path(path) if path is not None else _default_path()
    try:
        st = file.stat()
    except OSError as exc:
        raise OfficeConfigError([f"cannot read file: {exc.strerror or exc}"], str(file)) from exc
    stamp = (st.st_mtime_ns, st.st_size)
    key = file.resolve()
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    cfg = _read_and_parse(file)
    with _cache_lock:
        _cache[key] = (stamp, cfg)
    return cfg


def _read_and_parse(file: Path) -> OfficeConfig:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise OfficeConfigError([f"cannot read file: {exc.strerror or exc}"], str(file)) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise OfficeConfigError([f"YAML syntax error: {exc}"], str(file)) from exc
    try:
        return parse_office(data)
    except OfficeConfigError as exc:
        raise OfficeConfigError(exc.problems, str(file)) from None
