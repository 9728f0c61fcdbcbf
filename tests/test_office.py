"""Tests for kokom.office: the shipped office file and how edits are validated."""
from __future__ import annotations

import copy
import dataclasses
import os
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import yaml

from kokom import hours, office
from kokom.office import (
    CATEGORY_KEYS,
    DOCUMENT_KEYS,
    OfficeConfigError,
    load_office,
    parse_office,
)
from kokom.office.__main__ import main as check_office_file
from kokom.office.categories import match_category

SHIPPED = Path(__file__).resolve().parents[1] / "office" / "kelurahan.yml"


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cfg():
    return load_office(SHIPPED)


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _bump_mtime(path: Path, seconds: int) -> None:
    """Force a distinct mtime even on filesystems with coarse timestamps."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def _minutes(intervals) -> int:
    return sum(
        (datetime.combine(date.min, iv.end) - datetime.combine(date.min, iv.start)).seconds // 60
        for iv in intervals
    )


# --- the shipped file --------------------------------------------------------


def test_default_file_is_the_shipped_one():
    if not os.environ.get("KOKOM_OFFICE_FILE"):
        assert office.DEFAULT_OFFICE_FILE == SHIPPED


def test_shipped_file_loads_and_covers_all_documents(cfg):
    assert cfg.name == "Kelurahan Sogaten"
    assert cfg.kecamatan == "Manguharjo"
    assert cfg.city == "Kota Madiun"
    assert set(cfg.documents) == set(DOCUMENT_KEYS)
    assert len(DOCUMENT_KEYS) == 13
    for key in DOCUMENT_KEYS:
        doc = cfg.document(key)
        assert doc is not None and doc.key == key
        assert len(doc.name) <= 24
        assert doc.requirements and doc.procedure
        assert doc.processing_time and doc.cost
    assert cfg.document("paspor") is None


def test_shipped_documents_issuers(cfg):
    by_kelurahan = {k for k, d in cfg.documents.items() if d.issued_by_kelurahan}
    assert by_kelurahan == {"sktm", "surat_domisili", "surat_keterangan_usaha", "ahli_waris"}
    for key in ("ktp", "kk", "akta_kelahiran", "akta_kematian", "surat_pindah"):
        assert cfg.document(key).issuer == "dispendukcapil"
        assert "Gratis" in cfg.document(key).cost
    assert cfg.document("pengantar_skck").issuer == "polres"
    assert cfg.document("pengantar_nikah").issuer == "kua"
    assert cfg.document("surat_kehilangan").issuer == "polsek"
    # Issuers' names are office data; "kelurahan" is the office itself.
    assert cfg.issuer_name("kelurahan") == cfg.name
    assert "Dispendukcapil" in cfg.issuer_name("dispendukcapil")
    for doc in cfg.documents.values():
        assert cfg.issuer_name(doc.issuer) != doc.issuer or doc.issuer == cfg.name


def test_shipped_categories_in_menu_order(cfg):
    assert tuple(c.key for c in cfg.complaint_categories) == CATEGORY_KEYS
    assert cfg.category("keamanan").title == "Keamanan & Ketertiban"
    assert cfg.category("sosial").title == "Sosial/Bansos"
    assert cfg.category("pelayanan").title == "Pelayanan Publik"
    assert all(len(c.title) <= 24 for c in cfg.complaint_categories)
    assert cfg.category("nope") is None


def test_shipped_schedule_friday_shorter_weekend_closed(cfg):
    for wd in range(4):
        assert cfg.service_hours[wd] == cfg.service_hours[0]
    assert _minutes(cfg.service_hours[4]) < _minutes(cfg.service_hours[3])
    assert cfg.service_hours[5] == () and cfg.service_hours[6] == ()


def test_shipped_holidays(cfg):
    assert cfg.holidays[date(2026, 8, 17)].kind == "libur_nasional"
    assert cfg.holidays[date(2026, 12, 25)].kind == "libur_nasional"
    assert cfg.holidays[date(2026, 12, 24)].kind == "cuti_bersama"
    assert cfg.holidays[date(2026, 3, 21)].name.startswith("Hari Raya Idul Fitri")
    years = {d.year for d in cfg.holidays}
    assert {2026, 2027} <= years
    nat_2026 = [h for h in cfg.holidays.values() if h.date.year == 2026 and h.kind == "libur_nasional"]
    cuti_2026 = [h for h in cfg.holidays.values() if h.date.year == 2026 and h.kind == "cuti_bersama"]
    assert (len(nat_2026), len(cuti_2026)) == (17, 8)  # per SKB 3 Menteri 2026


def test_shipped_office_placeholders_and_maps(cfg):
    assert office.is_placeholder(cfg.address)
    assert all(office.is_placeholder(v) for v in cfg.contacts.values())
    assert cfg.maps_url == f"https://www.google.com/maps?q={cfg.latitude},{cfg.longitude}"
    assert -8 < cfg.latitude < -7 and 111 < cfg.longitude < 112
    assert cfg.messages["after_hours_note"]


def test_residents_never_read_a_placeholder(cfg):
    # the shipped address still waits for its street; residents read the rest of it
    assert cfg.public_address == "Kelurahan Sogaten, Kec. Manguharjo, Kota Madiun"
    assert office.public_text("[ISI NOMOR TELEPON KANTOR]") == ""
    assert office.public_text("Jl. Contoh No. 1, [ISI RT/RW] Sogaten") == "Jl. Contoh No. 1, Sogaten"
    assert office.public_text("Jl. Contoh No. 1") == "Jl. Contoh No. 1"
    bare = dataclasses.replace(cfg, address="[ISI ALAMAT KANTOR]")
    assert bare.public_address == "Kelurahan Sogaten, Kec. Manguharjo, Kota Madiun"
    from kokom import wording

    answer = wording.text("utter_office_location", maps_url=cfg.maps_url)
    assert "[" not in answer and cfg.public_address in answer


def test_cli_ok_on_shipped_file(capsys):
    assert check_office_file([str(SHIPPED)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK")
    assert "documents: 13" in out


# --- validation of broken edits ---------------------------------------------


def test_broken_copy_reports_every_problem(tmp_path, raw):
    data = copy.deepcopy(raw)
    del data["documents"]["kk"]["requirements"]
    data["documents"]["paspor"] = copy.deepcopy(data["documents"]["ktp"])
    data["documents"]["sktm"]["issuer"] = "bupati"
    data["service_hours"]["monday"] = [["7:3", "12:00"], ["13:00", "15:30"]]
    data["service_hours"]["tuesday"] = [["07:30", "12:00"], ["11:00", "15:30"]]
    data["service_hours"]["wednesday"] = [["15:00", "12:00"]]
    del data["service_hours"]["sunday"]
    data["holidays"].append({"date": "2026-02-30", "name": "Salah", "kind": "libur_nasional"})
    data["holidays"].append({"date": "2026-07-01", "name": "Salah", "kind": "libur"})
    data["complaint_categories"][0]["title"] = "Infrastruktur Jalan dan Jembatan"
    del data["office"]["name"]
    data["office"]["latitude"] = 123
    data["timezone"] = "Mars/Olympus"
    broken = _write(tmp_path / "broken.yml", data)

    with pytest.raises(OfficeConfigError) as err:
        load_office(broken)
    problems = err.value.problems
    text = "\n".join(problems)

    def has(prefix: str, words: str) -> bool:
        return any(p.startswith(prefix) and words in p for p in problems)

    assert has("documents.kk.requirements", "non-empty list of strings"), text
    assert has("documents.paspor", "unknown document key"), text
    assert has("documents.sktm.issuer", "must be one of"), text
    assert has("service_hours.monday[0].start", "HH:MM"), text
    assert has("service_hours.tuesday[1]", "overlaps"), text
    assert has("service_hours.wednesday[0]", "must be before"), text
    assert has("service_hours.sunday", "missing"), text
    assert has("holidays[", "valid date YYYY-MM-DD"), text
    assert any("2026-02-30" in p for p in problems), text
    assert has("holidays[", ".kind"), text
    assert has("complaint_categories.infrastruktur.title", "at most 24"), text
    assert has("office.name", "missing"), text
    assert has("office.latitude", "between"), text
    assert has("timezone", "unknown time zone"), text
    assert str(broken) in str(err.value)
    assert len(problems) >= 13


def test_missing_document_is_reported(raw):
    data = copy.deepcopy(raw)
    del data["documents"]["ahli_waris"]
    with pytest.raises(OfficeConfigError) as err:
        parse_office(data)
    assert err.value.problems == ["documents.ahli_waris: missing document entry"]


def test_unquoted_time_gets_a_hint(raw):
    data = copy.deepcopy(raw)
    data["service_hours"]["friday"] = [[450, "11:00"]]  # what YAML makes of 07:30
    with pytest.raises(OfficeConfigError) as err:
        parse_office(data)
    assert "quotes" in err.value.problems[0]


def test_missing_category_and_non_mapping_top_level(raw):
    data = copy.deepcopy(raw)
    data["complaint_categories"] = [c for c in data["complaint_categories"] if c["key"] != "sosial"]
    with pytest.raises(OfficeConfigError) as err:
        parse_office(data)
    assert any("missing required category 'sosial'" in p for p in err.value.problems)
    with pytest.raises(OfficeConfigError):
        parse_office(["not", "a", "mapping"])  # type: ignore[arg-type]


def test_missing_file_and_yaml_syntax_error(tmp_path):
    with pytest.raises(OfficeConfigError):
        load_office(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("office: [unclosed\n", encoding="utf-8")
    with pytest.raises(OfficeConfigError) as err:
        load_office(bad)
    assert "YAML syntax error" in err.value.problems[0]


def test_cli_lists_problems_and_exits_1(tmp_path, raw, capsys):
    data = copy.deepcopy(raw)
    del data["documents"]["kk"]["cost"]
    broken = _write(tmp_path / "broken.yml", data)
    assert check_office_file([str(broken)]) == 1
    out = capsys.readouterr().out
    assert "documents.kk.cost: required field is missing" in out


def test_same_date_holidays_are_merged(raw):
    data = copy.deepcopy(raw)
    data["holidays"] = [
        {"date": "2030-01-02", "name": "A", "kind": "cuti_bersama"},
        {"date": "2030-01-02", "name": "B", "kind": "libur_nasional"},
    ]
    merged = parse_office(data).holidays[date(2030, 1, 2)]
    assert merged.kind == "libur_nasional" and merged.name == "A / B"


def test_timezone_falls_back_to_fixed_wib_without_tzdata(raw, monkeypatch):
    import zoneinfo

    def missing(name):
        raise zoneinfo.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    cfg = parse_office(copy.deepcopy(raw))
    assert cfg.timezone.utcoffset(None) == timedelta(hours=7)
    assert hours.tz_label(cfg) == "WIB"
    assert hours.is_open(cfg, datetime(2026, 11, 30, 10, 0))


# --- reloading edits without restart ------------------------------------------


def test_edit_takes_effect_on_next_load(tmp_path, raw):
    data = copy.deepcopy(raw)
    file = _write(tmp_path / "kelurahan.yml", data)
    friday_afternoon = datetime(2026, 11, 27, 13, 30)

    first = load_office(file)
    assert load_office(file) is first  # unchanged file: served from cache
    assert hours.is_open(first, friday_afternoon)

    data["service_hours"]["friday"] = [["07:30", "11:30"]]
    _write(file, data)
    _bump_mtime(file, 5)
    second = load_office(file)
    assert second is not first
    assert second.service_hours[4] == (office.Interval(time(7, 30), time(11, 30)),)
    assert not hours.is_open(second, friday_afternoon)

    file.write_text("office: [broken\n", encoding="utf-8")
    _bump_mtime(file, 10)
    with pytest.raises(OfficeConfigError):
        load_office(file)  # a broken edit is never hidden behind the cache

    _write(file, raw)
    _bump_mtime(file, 15)
    assert hours.is_open(load_office(file), friday_afternoon)


def test_env_override_of_office_file(tmp_path, raw, monkeypatch):
    data = copy.deepcopy(raw)
    data["office"]["name"] = "Kelurahan Uji"
    file = _write(tmp_path / "other.yml", data)
    monkeypatch.setenv("KOKOM_OFFICE_FILE", str(file))
    assert load_office().name == "Kelurahan Uji"


# --- category matching ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "infrastruktur"),
        ("3", "keamanan"),
        (" 7 ", "lainnya"),
        ("2.", "kebersihan"),
        ("8", None),
        ("0", None),
        # the menu number in words, Indonesian or Javanese, with the chatter around a choice
        ("sing nomer papat", "sosial"),
        ("ingkang nomer sekawan", "sosial"),
        ("yang keempat", "sosial"),
        ("kategori ke-4 aja", "sosial"),
        ("saya pilih yang 2", "kebersihan"),
        ("yang pertama", "infrastruktur"),
        ("sing nomer 9", None),
        ("kebersihan", "kebersihan"),
        ("SOSIAL", "sosial"),
        ("Keamanan & Ketertiban", "keamanan"),
        ("sosial/bansos", "sosial"),
        ("pelayanan publik", "pelayanan"),
        ("lampu jalan di gang 3 mati", "infrastruktur"),
        ("jalanan berlubang depan masjid", "infrastruktur"),
        ("sampah numpuk sudah seminggu", "kebersihan"),
        ("sampah menumpuk di got", "kebersihan"),
        ("rumah saya kemalingan tadi malam", "keamanan"),
        ("ada maling motor", "keamanan"),
        ("bansos saya belum cair", "sosial"),
        ("pohon tumbang menutup jalan", "lingkungan"),
        ("kalau hujan banjir terus", "lingkungan"),
        ("ada pungli waktu urus surat", "pelayanan"),
        ("gotong royong kapan ya", None),
        # a keyword typed without vowels (set 35: "lap min smph pasar numpuk 4 hr blm diangkut")
        ("lap min smph pasar numpuk 4 hr blm diangkut", "kebersihan"),
        ("psr rame bgt", None),  # consonants alone that no single keyword holds stay unread
        ("tolong pls", None),  # "please", not "polusi": three letters are too few to guess from
        ("halo selamat pagi", None),
        ("", None),
    ],
)
def test_match_category(cfg, text, expected):
    assert match_category(cfg, text) == expected


def test_document_keys_are_listed_once():
    """The catalog keys live in kokom.office; the NLU's synonyms may only name those keys and the
    domain does not list them again."""
    root = Path(__file__).resolve().parents[1]
    synonyms = yaml.safe_load((root / "data" / "nlu" / "synonyms.yml").read_text(encoding="utf-8"))
    canonical = {item["synonym"] for item in synonyms["nlu"] if "synonym" in item}
    assert canonical <= set(DOCUMENT_KEYS), canonical - set(DOCUMENT_KEYS)
    domain = (root / "domain.yml").read_text(encoding="utf-8")
    assert "izin_keramaian" not in domain and "surat_keterangan_usaha" not in domain


def test_other_is_chosen_only_when_nothing_else_fits(cfg):
    # "lain" is a keyword of Lainnya and also talk ("tp skrg ada yg lain, motor adik sy dicuri")
    assert match_category(cfg, "tp skrg ada yg lain, motor adik sy dicuri semalem") == "keamanan"
    assert match_category(cfg, "lain-lain") == "lainnya"
