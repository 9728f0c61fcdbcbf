"""Tests for kokom.hours, on a fixed schedule so officer edits cannot break them.

All datetimes are fixed; the real clock is never read.
"""
from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from kokom import hours as h
from kokom.day_words import resolve_day
from kokom.office import Interval, load_office, parse_office

SHIPPED = Path(__file__).resolve().parents[1] / "office" / "kelurahan.yml"

WEEKDAY = [["07:30", "12:00"], ["13:00", "15:30"]]
FRIDAY = [["07:30", "11:00"], ["13:00", "14:30"]]
TEST_HOURS = {
    "monday": WEEKDAY, "tuesday": WEEKDAY, "wednesday": WEEKDAY, "thursday": WEEKDAY,
    "friday": FRIDAY, "saturday": [], "sunday": [],
}
TEST_HOLIDAYS = [
    {"date": "2026-08-17", "name": "Hari Kemerdekaan Republik Indonesia", "kind": "libur_nasional"},
    {"date": "2026-12-24", "name": "Hari Raya Natal", "kind": "cuti_bersama"},
    {"date": "2026-12-25", "name": "Hari Raya Natal", "kind": "libur_nasional"},
]


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cfg(raw):
    data = copy.deepcopy(raw)
    data["timezone"] = "Asia/Jakarta"
    data["service_hours"] = TEST_HOURS
    data["holidays"] = TEST_HOLIDAYS
    return parse_office(data)


def wib(y, m, d, hh=0, mm=0) -> datetime:
    """Naive office-local time (the module treats naive datetimes as WIB)."""
    return datetime(y, m, d, hh, mm)


def same_instant(a: datetime, b: datetime) -> bool:
    return a.replace(tzinfo=None) == b.replace(tzinfo=None) and a.utcoffset() == timedelta(hours=7)


# --- open / closed -------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (wib(2026, 11, 30, 7, 29), False),  # Monday, before opening
        (wib(2026, 11, 30, 7, 30), True),  # start inclusive
        (wib(2026, 11, 30, 10, 0), True),
        (wib(2026, 11, 30, 12, 0), False),  # end exclusive: break
        (wib(2026, 11, 30, 12, 30), False),
        (wib(2026, 11, 30, 13, 0), True),
        (wib(2026, 11, 30, 15, 29), True),
        (wib(2026, 11, 30, 15, 30), False),
        (wib(2026, 11, 30, 20, 0), False),
        (wib(2026, 11, 28, 10, 0), False),  # Saturday
    ],
)
def test_is_open_weekday(cfg, at, expected):
    assert h.is_open(cfg, at) is expected


def test_friday_is_shorter_than_thursday(cfg):
    assert h.is_open(cfg, wib(2026, 11, 26, 14, 45))  # Thursday
    assert not h.is_open(cfg, wib(2026, 11, 27, 14, 45))  # Friday
    assert not h.is_open(cfg, wib(2026, 11, 27, 11, 30))  # Friday prayer break
    assert h.is_open(cfg, wib(2026, 11, 27, 13, 30))


def test_aware_datetimes_are_converted_to_office_time(cfg):
    assert h.is_open(cfg, datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc))  # 10:00 WIB
    assert not h.is_open(cfg, datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc))  # 19:00 WIB


def test_closing_time(cfg):
    assert same_instant(h.closing_time(cfg, wib(2026, 11, 30, 10, 0)), wib(2026, 11, 30, 12, 0))
    assert same_instant(h.closing_time(cfg, wib(2026, 11, 27, 13, 0)), wib(2026, 11, 27, 14, 30))
    assert h.closing_time(cfg, wib(2026, 11, 30, 12, 30)) is None


def test_next_opening_basic(cfg):
    open_now = wib(2026, 11, 30, 10, 0)
    assert same_instant(h.next_opening(cfg, open_now), open_now)
    assert same_instant(h.next_opening(cfg, wib(2026, 11, 30, 12, 15)), wib(2026, 11, 30, 13, 0))
    assert same_instant(h.next_opening(cfg, wib(2026, 11, 30, 6, 0)), wib(2026, 11, 30, 7, 30))
    assert same_instant(h.next_opening(cfg, wib(2026, 11, 30, 16, 0)), wib(2026, 12, 1, 7, 30))


def test_weekend_goes_to_next_monday(cfg):
    for at in (wib(2026, 11, 27, 15, 0), wib(2026, 11, 28, 9, 0), wib(2026, 11, 29, 23, 59)):
        assert same_instant(h.next_opening(cfg, at), wib(2026, 11, 30, 7, 30))


def test_holidays_are_closed_and_skipped(cfg):
    independence = date(2026, 8, 17)  # a Monday
    assert h.holiday_on(cfg, independence).kind == "libur_nasional"
    assert h.day_intervals(cfg, independence) == ()
    assert not h.is_open(cfg, wib(2026, 8, 17, 9, 0))
    assert same_instant(h.next_opening(cfg, wib(2026, 8, 14, 15, 0)), wib(2026, 8, 18, 7, 30))

    assert not h.is_open(cfg, wib(2026, 12, 25, 9, 0))  # Natal, a Friday
    assert not h.is_open(cfg, wib(2026, 12, 24, 9, 0))  # cuti bersama
    assert same_instant(h.next_opening(cfg, wib(2026, 12, 23, 16, 0)), wib(2026, 12, 28, 7, 30))
    assert h.day_intervals(cfg, date(2026, 12, 28)) == (
        Interval(time(7, 30), time(12, 0)),
        Interval(time(13, 0), time(15, 30)),
    )


def test_next_opening_none_when_never_open(raw):
    data = copy.deepcopy(raw)
    data["service_hours"] = {day: [] for day in TEST_HOURS}
    closed = parse_office(data)
    assert h.next_opening(closed, wib(2026, 11, 30, 10, 0)) is None
    assert "belum tersedia" in h.office_status_text(closed, wib(2026, 11, 30, 10, 0))
    assert h.handoff_eta_text(closed, wib(2026, 11, 30, 10, 0)).startswith("Saat ini di luar jam layanan.")


# --- formatting and texts ---------------------------------------------------------


def test_format_helpers():
    assert h.format_date_id(date(2026, 11, 30)) == "Senin, 30 November 2026"
    assert h.format_date_id(date(2027, 3, 5)) == "Jumat, 5 Maret 2027"
    assert h.format_time_id(time(7, 30)) == "07.30"
    assert h.format_time_id(datetime(2026, 1, 1, 13, 5)) == "13.05"


def test_office_status_text(cfg):
    assert h.office_status_text(cfg, wib(2026, 11, 30, 10, 0)) == "Kantor sedang buka (sampai pukul 12.00 WIB)."
    assert (
        h.office_status_text(cfg, wib(2026, 11, 30, 12, 20))
        == "Kantor sedang istirahat, buka lagi pukul 13.00 WIB."
    )
    assert (
        h.office_status_text(cfg, wib(2026, 11, 28, 10, 0))
        == "Kantor sedang tutup. Buka lagi Senin, 30 November 2026 pukul 07.30 WIB."
    )
    assert (
        h.office_status_text(cfg, wib(2026, 11, 30, 6, 0))
        == "Kantor belum buka. Hari ini buka pukul 07.30 WIB."
    )
    assert (
        h.office_status_text(cfg, wib(2026, 11, 30, 17, 0))
        == "Kantor sedang tutup. Buka lagi besok, Selasa, 1 Desember 2026 pukul 07.30 WIB."
    )
    assert (
        h.office_status_text(cfg, wib(2026, 12, 25, 9, 0))
        == "Kantor sedang tutup (libur nasional: Hari Raya Natal). "
        "Buka lagi Senin, 28 Desember 2026 pukul 07.30 WIB."
    )


def test_weekly_schedule_text(cfg):
    assert h.weekly_schedule_text(cfg) == (
        "Senin–Kamis: 07.30–12.00, 13.00–15.30 WIB\n"
        "Jumat: 07.30–11.00, 13.00–14.30 WIB\n"
        "Sabtu–Minggu & hari libur nasional: tutup"
    )


def test_day_answer(cfg):
    today = date(2026, 11, 27)  # Friday
    assert (
        h.day_answer(cfg, date(2026, 11, 28), today)
        == "Besok, Sabtu, 28 November 2026, kantor tutup (akhir pekan)."
    )
    assert (
        h.day_answer(cfg, date(2026, 11, 30), today)
        == "Senin, 30 November 2026 kantor buka pukul 07.30–12.00 dan 13.00–15.30 WIB."
    )
    assert (
        h.day_answer(cfg, date(2026, 12, 25), today)
        == "Jumat, 25 Desember 2026 kantor tutup karena libur nasional: Hari Raya Natal."
    )
    assert (
        h.day_answer(cfg, date(2026, 12, 24), date(2026, 12, 23))
        == "Besok, Kamis, 24 Desember 2026, kantor tutup karena cuti bersama: Hari Raya Natal."
    )
    assert h.day_answer(cfg, today, today) == (
        "Hari ini, Jumat, 27 November 2026, kantor buka pukul 07.30–11.00 dan 13.00–14.30 WIB."
    )


def test_handoff_eta_text(cfg):
    assert (
        h.handoff_eta_text(cfg, wib(2026, 11, 30, 9, 0))
        == "Petugas kami akan segera membalas pada jam layanan ini."
    )
    assert h.handoff_eta_text(cfg, wib(2026, 11, 28, 20, 0)) == (
        "Saat ini di luar jam layanan. Petugas akan membalas mulai Senin, 30 November 2026 pukul 07.30 WIB."
    )
    assert h.handoff_eta_text(cfg, wib(2026, 8, 16, 20, 0)) == (
        "Saat ini di luar jam layanan. Petugas akan membalas mulai Selasa, 18 Agustus 2026 pukul 07.30 WIB."
    )


# --- resolve_day -------------------------------------------------------------------

FRI = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("besok buka?", date(2026, 11, 28)),
        ("bsk kantor buka ga", date(2026, 11, 28)),
        ("sesuk bukak ora", date(2026, 11, 28)),
        ("besuk buka jam berapa", date(2026, 11, 28)),
        ("sabtu buka gak", date(2026, 11, 28)),
        ("sbtu buka?", date(2026, 11, 28)),
        ("hari ini buka?", FRI),
        ("skrg buka ga", FRI),
        ("jum'at buka sampai jam berapa", FRI),  # today is Friday
        ("jumaat", FRI),
        ("lusa", date(2026, 11, 29)),
        ("minggu buka?", date(2026, 11, 29)),
        ("mingu buka?", date(2026, 11, 29)),
        ("ahad", date(2026, 11, 29)),
        ("senin pagi", date(2026, 11, 30)),
        ("kalo hari selasa?", date(2026, 12, 1)),
        ("rabu", date(2026, 12, 2)),
        ("kamiss", date(2026, 12, 3)),
        ("tgl 25 desember", date(2026, 12, 25)),
        ("tanggal 25 des buka gak", date(2026, 12, 25)),
        ("tgl 17 agustus", date(2027, 8, 17)),  # already past this year
        ("17/8", date(2027, 8, 17)),
        ("tanggal 30", date(2026, 11, 30)),
        ("tgl 17", date(2026, 12, 17)),
        ("2027-01-04", date(2027, 1, 4)),
        ("minggu depan buka?", None),  # "next week", not Sunday
        ("saya warga rt 05/02", None),
        ("butuh 1-2 hari?", None),
        ("halo min", None),
        ("", None),
    ],
)
def test_resolve_day(text, expected):
    assert resolve_day(text, FRI) == expected


def test_resolve_day_weekday_named_today_and_next_week():
    monday = date(2026, 11, 30)
    assert resolve_day("senin buka?", monday) == monday
    assert resolve_day("senin depan", monday) == date(2026, 12, 7)


def test_resolve_day_then_day_answer(cfg):
    day = resolve_day("besok buka?", FRI)
    assert h.day_answer(cfg, day, FRI) == "Besok, Sabtu, 28 November 2026, kantor tutup (akhir pekan)."


# --- the clock ---------------------------------------------------------------------


def test_fake_now_is_honoured(cfg, monkeypatch):
    monkeypatch.setenv("KOKOM_FAKE_NOW", "2026-11-30T10:00:00")
    now = h.now_local(cfg)
    assert same_instant(now, wib(2026, 11, 30, 10, 0))
    assert h.office_status_text(cfg, h.now_local(cfg)) == "Kantor sedang buka (sampai pukul 12.00 WIB)."

    monkeypatch.setenv("KOKOM_FAKE_NOW", "2026-11-28T01:00:00Z")  # 08:00 WIB Saturday
    assert same_instant(h.now_local(cfg), wib(2026, 11, 28, 8, 0))
    assert not h.is_open(cfg, h.now_local(cfg))


def test_invalid_fake_now_falls_back_to_an_aware_clock(cfg, monkeypatch):
    monkeypatch.setenv("KOKOM_FAKE_NOW", "not-a-date")
    now = h.now_local(cfg)
    assert now.utcoffset() == timedelta(hours=7)


# --- the shipped schedule keeps the promised shape ------------------------------------


def test_shipped_file_friday_and_holidays():
    shipped = load_office(SHIPPED)
    assert h.is_open(shipped, wib(2026, 11, 26, 14, 45))
    assert not h.is_open(shipped, wib(2026, 11, 27, 14, 45))
    assert not h.is_open(shipped, wib(2026, 8, 17, 9, 0))
    assert not h.is_open(shipped, wib(2026, 12, 25, 9, 0))
    assert "tutup" in h.weekly_schedule_text(shipped)


def test_years_beyond_the_office_file_take_national_holidays_from_the_holidays_package():
    from kokom.hours import holiday_on, is_open, national_holidays
    from kokom.office import load_office

    cfg = load_office()
    assert max(d.year for d in cfg.holidays) < 2030
    # Lebaran 2030 (estimated by the package): closed, with an Indonesian name
    lebaran = [h for h in national_holidays(2030).values()
               if "Idul Fitri" in h.name]
    assert lebaran
    day = lebaran[0].date
    assert holiday_on(cfg, day) is not None and "Idul Fitri" in holiday_on(cfg, day).name
    assert not is_open(cfg, datetime(day.year, day.month, day.day, 9, 0, tzinfo=cfg.timezone))
    assert holiday_on(cfg, date(2030, 8, 17)).name == "Hari Kemerdekaan Republik Indonesia"
    # a year the office file lists is the file's alone (SKB dates, cuti bersama, local closures)
    assert holiday_on(cfg, date(2027, 5, 16)) is None  # the package's estimate, not the file's
    assert holiday_on(cfg, date(2027, 5, 17)).name.startswith("Hari Raya Idul Adha")


# --- service time between two instants (issue 11) ---------------------------------


def test_service_seconds_across_a_weekend(cfg):
    # Friday 16:00 (after the 14:30 close) to Monday: only Monday from 07:30 counts,
    # so answered at 08:30 is 60 service minutes and at 08:00 is 30 (not 64 hours).
    assert h.service_seconds(cfg, wib(2026, 11, 27, 16, 0), wib(2026, 11, 30, 8, 30)) == 3600
    assert h.service_seconds(cfg, wib(2026, 11, 27, 16, 0), wib(2026, 11, 30, 8, 0)) == 30 * 60


def test_service_seconds_skip_the_lunch_break(cfg):
    # Tuesday 11:30 -> 13:30: 11:30-12:00 and 13:00-13:30 = 60 minutes
    assert h.service_seconds(cfg, wib(2026, 12, 1, 11, 30), wib(2026, 12, 1, 13, 30)) == 3600


def test_service_seconds_skip_holidays(cfg):
    # Wednesday 23 Dec 15:00 -> Monday 28 Dec 08:00: 24 and 25 Dec are (cuti bersama, Natal),
    # 26-27 weekend: 15:00-15:30 on the 23rd + 07:30-08:00 on the 28th = 60 minutes
    assert h.service_seconds(cfg, wib(2026, 12, 23, 15, 0), wib(2026, 12, 28, 8, 0)) == 3600


def test_service_seconds_aware_utc_and_reversed(cfg):
    start = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)  # 08:00 WIB
    end = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)  # 09:00 WIB
    assert h.service_seconds(cfg, start, end) == 3600
    assert h.service_seconds(cfg, end, start) == 0


def test_service_day_deadline(cfg):
    # Monday + 1 working day = Tuesday close; Friday + 1 = Monday close; before a holiday it skips it
    assert same_instant(h.service_day_deadline(cfg, wib(2026, 11, 30, 9), 1), wib(2026, 12, 1, 15, 30))
    assert same_instant(h.service_day_deadline(cfg, wib(2026, 11, 27, 9), 1), wib(2026, 11, 30, 15, 30))
    assert same_instant(h.service_day_deadline(cfg, wib(2026, 12, 23, 9), 1), wib(2026, 12, 28, 15, 30))
    assert same_instant(h.service_day_deadline(cfg, wib(2026, 11, 27, 9), 0), wib(2026, 11, 27, 14, 30))


def test_a_named_weekday_wins_over_besok():
    thursday = date(2026, 12, 3)
    assert resolve_day("sesuk sabtu bukak mboten", thursday) == date(2026, 12, 5)
    assert resolve_day("besok jumat buka?", thursday) == date(2026, 12, 4)
    assert resolve_day("besok buka?", thursday) == date(2026, 12, 4)
