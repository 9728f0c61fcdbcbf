"""Validation of what residents type: NIK, phone numbers / WhatsApp ids, RT/RW.

Every place that accepts a NIK or a phone number calls these functions, so the
rules (and the Indonesian error messages residents see) exist once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum.exceptions import ValidationError
from stdnum import numdb
from stdnum.id import nik as stdnum_nik

from kokom import wording

# Province codes (first two digits of a NIK) as used by Dukcapil (BPS codes).
_PROVINCE_CODES = frozenset(
    {
        11, 12, 13, 14, 15, 16, 17, 18, 19, 21,
        31, 32, 33, 34, 35, 36,
        51, 52, 53,
        61, 62, 63, 64, 65,
        71, 72, 73, 74, 75, 76,
        81, 82,
        91, 92, 93, 94, 95, 96, 97,
    }
)


@dataclass(frozen=True)
class NikResult:
    """Outcome of checking a NIK: the cleaned value or a resident-facing error."""

    value: str | None
    error: str | None = None
    birth_date: date | None = None
    female: bool | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None


def _clean_digits(text: str) -> str:
    """Drop the separators residents put in numbers (spaces, dots, dashes)."""
    return re.sub(r"[\s.\-_/]", "", text or "")


def known_regency(nik: str) -> bool:
    """Digits 1-4 name a province and a regency/city in python-stdnum's maintained table
    (``stdnum.id.nik`` itself only checks the province)."""
    try:
        stdnum_nik.validate(nik)
    except ValidationError:
        return False
    parts = numdb.get("id/loc").info(nik[:4])
    return len(parts) == 2 and bool(parts[0][1]) and bool(parts[1][1])


def validate_nik(text: str, today: date | None = None) -> NikResult:
    """Check a 16-digit NIK and explain in Indonesian what is wrong.

    Digits 7-12 are the birth date DDMMYY; women have 40 added to the day.
    The date must exist and not lie in the future.
    """
    today = today or date.today()
    raw = _clean_digits(text)
    if not raw:
        return NikResult(None, wording.text("utter_nik_empty"))
    if not raw.isdigit():
        return NikResult(None, wording.text("utter_nik_not_digits"))
    if len(raw) != 16:
        return NikResult(None, wording.text("utter_nik_length", length=len(raw)))
    if int(raw[:2]) not in _PROVINCE_CODES:
        return NikResult(None, wording.text("utter_nik_province"))
    day, month, year2 = int(raw[6:8]), int(raw[8:10]), int(raw[10:12])
    female = day > 40
    if female:
        day -= 40
    century = 2000 if 2000 + year2 <= today.year else 1900
    try:
        born = date(century + year2, month, day)
    except ValueError:
        return NikResult(None, wording.text("utter_nik_birth_date"))
    if born > today:
        return NikResult(None, wording.text("utter_nik_future"))
    if raw[12:] == "0000":
        return NikResult(None, wording.text("utter_nik_zero_serial"))
    if not known_regency(raw):
        return NikResult(None, wording.text("utter_nik_regency"))
    return NikResult(raw, None, born, female)


def normalize_wa_id(value: str) -> str | None:
    """Turn any Indonesian phone spelling into a WhatsApp id (``628...``).

    Accepts "+62 812-3456-7890", "0812...", "62812...". Returns None when the
    value cannot be a phone number. Numbers in international form (WhatsApp ids
    from webhooks, e.g. "8190..." for Japan) are kept as they are: only the
    local "0" prefix is rewritten, never a leading "8".
    """
    digits = re.sub(r"[^\d]", "", value or "")
    if not digits:
        return None
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not 8 <= len(digits) <= 15:
        return None
    if digits.startswith("62") and not 10 <= len(digits) <= 15:
        return None
    return digits


def mask_phone(wa_id: str | None) -> str:
    """Show a number as 6281******90 in places where the full number is not needed."""
    digits = re.sub(r"[^\d]", "", wa_id or "")
    if len(digits) < 6:
        return digits
    return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]


_RT_RW = re.compile(
    r"\bRT\.?\s*[:/]?\s*0*(?P<rt>\d{1,3})\b.*?\bRW\.?\s*[:/]?\s*0*(?P<rw>\d{1,3})\b"
    r"|\b0*(?P<rt2>\d{1,3})\s*/\s*0*(?P<rw2>\d{1,3})\b",
    re.IGNORECASE,
)


# Numbers residents write as words (Indonesian and Javanese ngoko/krama), 0-20.
NUMBER_WORDS = {
    "nol": 0, "satu": 1, "siji": 1, "setunggal": 1, "dua": 2, "loro": 2, "kalih": 2, "tiga": 3, "telu": 3, "tigo": 3,
    "empat": 4, "papat": 4, "sekawan": 4, "lima": 5, "limo": 5, "gangsal": 5, "enam": 6, "enem": 6, "tujuh": 7,
    "pitu": 7, "pitung": 7, "delapan": 8, "wolu": 8, "sembilan": 9, "songo": 9, "sanga": 9, "sepuluh": 10,
    "sedasa": 10, "sebelas": 11, "dua belas": 12, "duabelas": 12, "tiga belas": 13, "empat belas": 14,
    "lima belas": 15, "enam belas": 16, "tujuh belas": 17, "delapan belas": 18, "sembilan belas": 19, "dua puluh": 20,
}
_NUMBER_AFTER = re.compile(
    r"\b(RT|RW|no|nomor|nomer|nmr|gang|gg|blok|yang|kategori)(\.?\s*[:/]?\s*)("
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def number_words_to_digits(text: str) -> str:
    """ "rt empat rw dua" -> "rt 4 rw 2", "nomer dua" -> "nomer 2" (only after such a word)."""
    return _NUMBER_AFTER.sub(lambda m: f"{m.group(1)}{m.group(2) or ' '}{NUMBER_WORDS[m.group(3).lower()]}", text or "")


def parse_rt_rw(text: str) -> tuple[str, str] | None:
    """Find RT and RW in an address ("RT 02 RW 03", "rt2 rw3", "002/003", "rt empat rw dua")."""
    match = _RT_RW.search(number_words_to_digits(text or ""))
    if not match:
        return None
    rt = match.group("rt") or match.group("rt2")
    rw = match.group("rw") or match.group("rw2")
    return f"{int(rt):03d}", f"{int(rw):03d}"
