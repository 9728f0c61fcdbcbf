"""Every dashboard figure against a fixture month counted by hand (tests/monitoring_fixture.py)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from kokom import monitoring as mon
from kokom.db import session_scope
from kokom.office import load_office
from tests import monitoring_fixture as fx

NOV = mon.Period(date(2026, 11, 1), date(2026, 11, 30))
NOW = datetime(2026, 11, 30, 12, 0)  # WIB, naive = office-local


@pytest.fixture()
def board(db_url, tmp_path):
    tracker = tmp_path / "tracker.db"
    fx.build(tracker)
    with session_scope() as s:
        yield mon.dashboard(s, load_office(), NOV, now=NOW, tracker_url=f"sqlite:///{tracker}")


def test_messages_and_conversations(board):
    assert board.messages == {"masuk": 6, "keluar_asisten": 3, "keluar_petugas": 1, "total": 10}
    assert board.conversations["total"] == 5
    assert board.conversations["diambil_alih"] == 2
    assert board.conversations["asisten_saja"] == 3


def test_cases_by_kind_category_status_area(board):
    assert board.cases["jenis"] == [{"jenis": "Pengaduan", "jumlah": 2}, {"jenis": "Permohonan dokumen", "jumlah": 1},
                                    {"jenis": "Konsultasi", "jumlah": 3}]
    titles = {r["kategori"]: r["jumlah"] for r in board.cases["kategori"]}
    assert sum(titles.values()) == 2 and len(titles) == 2
    assert {"jenis": "Pengaduan", "status": "Diterima", "jumlah": 1} in board.cases["status"]
    assert {"rt": "001", "rw": "002", "jumlah": 2} in board.cases["wilayah"]
    assert board.top_categories == board.cases["kategori"][:5]


def test_first_response_in_service_hours(board):
    fr = board.first_response
    assert fr["permintaan"] == 2 and fr["belum_dibalas"] == 0  # the proactive take-over is not counted
    assert fr["stats"].count == 2
    assert fr["stats"].median == 2700  # (1800 + 3600) / 2
    assert fr["stats"].p90 == 3600


def test_resolution_in_service_hours(board):
    per = {r["kind"]: r["stats"] for r in board.resolution["per_jenis"]}
    assert per["complaint"].count == 1 and per["complaint"].median == 8 * 3600  # Mon 08:10 -> Tue 09:10
    assert per["document"].median == 33 * 3600  # Mon 09:00 -> next Mon 09:00
    assert per["consultation"].count == 1 and per["consultation"].median == 3570  # 10:00:30 -> 11:00


def test_cases_past_their_standard_listed_without_identity(board):
    late = {r["tiket"]: r for r in board.overdue}
    assert set(late) == {"ADU-20261102-0002", "DOK-20261109-0001"}
    assert late["ADU-20261102-0002"]["standar_hari"] == 3  # keamanan: 3 working days
    assert late["DOK-20261109-0001"]["standar_hari"] == 3  # izin_keramaian override
    assert late["DOK-20261109-0001"]["selesai"] is not None
    text = repr(board.overdue)
    assert "RAHASIA" not in text and "3577010101010001" not in text and "Anon" not in text


def test_busiest_hours_and_days(board):
    by_hour = {r["jam"]: r["pesan"] for r in board.busiest["jam"]}
    assert by_hour["08.00"] == 2 and by_hour["16.00"] == 1 and by_hour["15.00"] == 1 and by_hour["00.00"] == 1
    by_day = {r["hari"]: r["pesan"] for r in board.busiest["hari"]}
    assert by_day == {"Senin": 2, "Selasa": 1, "Rabu": 0, "Kamis": 1, "Jumat": 1, "Sabtu": 0, "Minggu": 1}


def test_ratings_overall_and_per_officer(board):
    r = board.ratings
    assert r["jumlah"] == 3 and r["rata_rata"] == pytest.approx(11 / 3)
    assert {x["nilai"]: x["jumlah"] for x in r["sebaran"]} == {5: 1, 4: 1, 3: 0, 2: 1, 1: 0}
    per = {x["petugas"]: (x["jumlah"], x["rata_rata"]) for x in r["per_petugas"]}
    assert per == {"budi": (2, 4.5), "sari": (1, 2.0)}


def test_ikm_with_grade_per_element_and_month(board):
    res = board.ikm["hasil"]
    assert res.respondents == 2 and res.ikm == pytest.approx(700 / 9) and res.grade == "B"
    assert board.ikm["unsur"][0]["nrr"] == pytest.approx(3.5) and board.ikm["unsur"][2]["jawaban"] == 1
    assert board.ikm["per_bulan"] == [{"bulan": "November 2026", "responden": 2, "ikm": pytest.approx(700 / 9),
                                       "mutu": "B"}]


def test_nlu_fallback_rate(board):
    assert board.fallback["pesan"] == 2 and board.fallback["tidak_dipahami"] == 1
    assert board.fallback["rasio"] == pytest.approx(0.5)


def test_trend_per_month(board):
    assert len(board.trend) == 6 and board.trend[-1]["bulan"] == "Nov 2026"
    assert board.trend[-1]["pesan_masuk"] == 6 and board.trend[-1]["pengaduan"] == 2
    assert board.trend[-2]["pengaduan"] == 1 and board.trend[-2]["ikm"] == pytest.approx(25.0)


def test_empty_period_is_zeros(db_url):
    with session_scope() as s:
        b = mon.dashboard(s, load_office(), mon.Period(date(2026, 1, 1), date(2026, 1, 31)), now=NOW)
    assert not b.has_data
    assert b.messages["total"] == 0 and b.conversations["total"] == 0 and b.overdue == []
    assert b.first_response["stats"].median is None and b.ratings["rata_rata"] is None
    assert b.ikm["hasil"].ikm is None and b.fallback["rasio"] is None


def test_periods():
    assert mon.default_period(date(2026, 12, 3)) == mon.Period(date(2026, 12, 1), date(2026, 12, 31))
    assert mon.parse_period("", "", date(2026, 2, 10)).end == date(2026, 2, 28)
    assert mon.parse_period("2025-01-01", "2026-12-31", date(2026, 12, 3)).start == date(2025, 1, 1)
    with pytest.raises(mon.PeriodError, match="2 tahun"):
        mon.parse_period("2025-01-01", "2027-01-01", date(2026, 12, 3))
    with pytest.raises(mon.PeriodError):
        mon.parse_period("2026-12-31", "2026-12-01", date(2026, 12, 3))
    with pytest.raises(mon.PeriodError):
        mon.parse_period("kemarin", "", date(2026, 12, 3))


def test_indonesian_formats():
    assert mon.format_number(1234.5) == "1.234,5"
    assert mon.format_number(1234, 0) == "1.234"
    assert mon.format_date(date(2026, 12, 3)) == "3 Desember 2026"
    assert mon.format_duration(5400) == "1 jam 30 menit"
    assert mon.format_percent(0.125) == "12,5%"


def test_same_figures_on_postgresql(pg_db_url, tmp_path):
    """The queries also hold on PostgreSQL (skipped without KOKOM_TEST_POSTGRES_URL)."""
    fx.build(tmp_path / "tracker.db")
    with session_scope() as s:
        b = mon.dashboard(s, load_office(), NOV, now=NOW, tracker_url=f"sqlite:///{tmp_path / 'tracker.db'}")
    assert b.messages == {"masuk": 6, "keluar_asisten": 3, "keluar_petugas": 1, "total": 10}
    assert b.conversations["total"] == 5 and b.first_response["stats"].median == 2700
    assert {r["tiket"] for r in b.overdue} == {"ADU-20261102-0002", "DOK-20261109-0001"}
    assert b.ratings["rata_rata"] == pytest.approx(11 / 3) and b.ikm["hasil"].ikm == pytest.approx(700 / 9)


def test_office_monitoring_section_is_validated():
    import copy

    import yaml

    from kokom.office import OfficeConfigError, parse_office
    from kokom.settings import SHIPPED_OFFICE_FILE

    raw = yaml.safe_load(SHIPPED_OFFICE_FILE.read_text(encoding="utf-8"))
    cfg = parse_office(raw)
    assert cfg.monitoring.survey_offered is True and cfg.monitoring.complaint_category_days == {"keamanan": 3}
    bad = copy.deepcopy(raw)
    bad["monitoring"] = {"complaint_days": -1, "document_days": {"paspor": 2},
                         "survey": {"offered": "ya", "after": ["semua"]}}
    with pytest.raises(OfficeConfigError) as err:
        parse_office(bad)
    text = str(err.value)
    for path in ("monitoring.complaint_days", "monitoring.document_days.paspor", "monitoring.survey.offered",
                 "monitoring.survey.after"):
        assert path in text
    del bad["monitoring"]
    assert parse_office(bad).monitoring.survey_offered is False  # optional section: defaults
