"""NIK, phone and RT/RW validation: the rules residents meet in the forms."""
from datetime import date

import pytest

from kokom.privacy import mask_nik
from kokom.validators import mask_phone, normalize_wa_id, parse_rt_rw, validate_nik

TODAY = date(2026, 11, 27)


def test_valid_nik_male_and_female():
    male = validate_nik("3577011203850001", TODAY)
    assert male.ok and male.birth_date == date(1985, 3, 12) and male.female is False
    female = validate_nik("3577015203850002", TODAY)  # day 52 = 12 + 40
    assert female.ok and female.birth_date == date(1985, 3, 12) and female.female is True


def test_nik_with_separators_is_cleaned():
    assert validate_nik("3577 0112 0385 0001", TODAY).value == "3577011203850001"
    assert validate_nik("3577.0112.0385.0001", TODAY).ok


@pytest.mark.parametrize(
    "nik, fragment",
    [
        ("", "belum diisi"),
        ("35770112038500", "16 digit"),
        ("357701120385000123", "16 digit"),
        ("35770112O3850001", "hanya boleh berisi angka"),
        ("9977011203850001", "kode provinsi"),
        ("3577013203850001", "tanggal lahir"),  # day 32
        ("3577017203850001", "tanggal lahir"),  # day 72 - 40 = 32
        ("3577013002850001", "tanggal lahir"),  # 30 February
        ("3577011212260001", "masa depan"),  # 12 Dec 2026 after TODAY
        ("3577011203850000", "0000"),
    ],
)
def test_invalid_nik_says_what_is_wrong(nik, fragment):
    result = validate_nik(nik, TODAY)
    assert not result.ok
    assert fragment in result.error


def test_birth_year_before_today_in_this_century():
    assert validate_nik("3577010101250001", TODAY).birth_date == date(2025, 1, 1)
    assert validate_nik("3577010101300001", TODAY).birth_date == date(1930, 1, 1)


def test_mask_nik_hides_birth_date():
    masked = mask_nik("3577011203850001")
    assert masked == "3577********0001"
    assert "120385" not in masked


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("+62 812-3456-7890", "6281234567890"),
        ("081234567890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("819012345678", "819012345678"),  # a Japanese WhatsApp id stays as it is
        ("abc", None),
        ("0812", None),
    ],
)
def test_normalize_wa_id(raw, expected):
    assert normalize_wa_id(raw) == expected


def test_mask_phone():
    assert mask_phone("6281234567890") == "6281*******90"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jl. Melati No. 5 RT 02 RW 03 Sogaten", ("002", "003")),
        ("gang 3 rt2 rw 11", ("002", "011")),
        ("Jl Kenanga 002/004", ("002", "004")),
        ("jalan mawar no 5", None),
    ],
)
def test_parse_rt_rw(text, expected):
    assert parse_rt_rw(text) == expected


def test_nik_place_codes_are_checked_against_python_stdnum():
    from kokom.validators import known_regency

    assert known_regency("3577011203850001") and known_regency("3519014403900002")  # Kota/Kab. Madiun
    for unknown in ("3599011203850001", "3500011203850001", "3199011203850001"):
        result = validate_nik(unknown, today=date(2026, 12, 3))
        assert result.value is None and "kabupaten/kota" in result.error, unknown
