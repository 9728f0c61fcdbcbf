"""The Indeks Kepuasan Masyarakat (IKM) of PermenPANRB No. 14 Tahun 2017.

Nine elements (unsur), each answered with a perception score 1-4 whose wording
follows the regulation's sample questionnaire. The IKM is the mean of the nine
element averages (each element weighs exactly 1/9, not a rounded 0.111) times 25,
graded A 88.31-100 (sangat baik), B 76.61-88.30 (baik), C 65.00-76.60 (kurang baik),
D 25.00-64.99 (tidak baik). A resident may stop at any question: an element's
average is taken over the answers given for that element only.

Pure functions, no database: :mod:`kokom.monitoring` feeds them the stored answers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

__all__ = [
    "ELEMENTS",
    "Element",
    "IkmResult",
    "compute",
    "grade",
    "parse_score",
]


@dataclass(frozen=True)
class Element:
    key: str  # u1..u9
    name: str  # the element as the regulation names it
    question: str
    answers: tuple[str, str, str, str]  # wording of scores 1, 2, 3, 4
    short: tuple[str, str, str, str]  # list-row titles (WhatsApp: at most 24 characters)


ELEMENTS: tuple[Element, ...] = (
    Element("u1", "Persyaratan",
            "Bagaimana pendapat Bapak/Ibu tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    Element("u2", "Sistem, mekanisme, dan prosedur",
            "Bagaimana pemahaman Bapak/Ibu tentang kemudahan prosedur pelayanan di unit ini?",
            ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
            ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah")),
    Element("u3", "Waktu penyelesaian",
            "Bagaimana pendapat Bapak/Ibu tentang kecepatan waktu dalam memberikan pelayanan?",
            ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
            ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat")),
    Element("u4", "Biaya/tarif",
            "Bagaimana pendapat Bapak/Ibu tentang kewajaran biaya/tarif dalam pelayanan?",
            ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
            ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")),
    Element("u5", "Produk spesifikasi jenis pelayanan",
            "Bagaimana pendapat Bapak/Ibu tentang kesesuaian produk pelayanan antara yang tercantum "
            "dalam standar pelayanan dengan hasil yang diberikan?",
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    Element("u6", "Kompetensi pelaksana",
            "Bagaimana pendapat Bapak/Ibu tentang kompetensi/kemampuan petugas dalam pelayanan?",
            ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
            ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten")),
    Element("u7", "Perilaku pelaksana",
            "Bagaimana pendapat Bapak/Ibu tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
            ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
            ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah")),
    Element("u8", "Penanganan pengaduan, saran dan masukan",
            "Bagaimana pendapat Bapak/Ibu tentang penanganan pengaduan pengguna layanan?",
            ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
            ("Tidak ada", "Ada, tidak berfungsi", "Kurang maksimal", "Dikelola dengan baik")),
    Element("u9", "Sarana dan prasarana",
            "Bagaimana pendapat Bapak/Ibu tentang kualitas sarana dan prasarana?",
            ("Buruk", "Cukup", "Baik", "Sangat baik"),
            ("Buruk", "Cukup", "Baik", "Sangat baik")),
)
ELEMENT_KEYS = tuple(e.key for e in ELEMENTS)

# (lower bound of the converted IKM, letter, mutu pelayanan)
GRADES: tuple[tuple[float, str, str], ...] = (
    (88.31, "A", "Sangat baik"),
    (76.61, "B", "Baik"),
    (65.00, "C", "Kurang baik"),
    (25.00, "D", "Tidak baik"),
)


def grade(ikm: float | None) -> tuple[str, str] | None:
    """(letter, label) for a converted IKM 25-100; None without a value.

    The bounds are compared on the value rounded to two decimals, as the regulation's
    intervals are written (88.305 is 88.31: A).
    """
    if ikm is None:
        return None
    value = round(ikm + 1e-9, 2)
    for low, letter, label in GRADES:
        if value >= low:
            return letter, label
    return "D", "Tidak baik"


@dataclass(frozen=True)
class IkmResult:
    respondents: int  # surveys with at least one answer
    answers: int
    element_counts: dict[str, int]
    element_averages: dict[str, float | None]  # NRR per element (1-4)
    element_scores: dict[str, float | None]  # NRR x 25 (25-100)
    nrr: float | None  # mean of the element averages (1-4)
    ikm: float | None  # nrr x 25
    grade: str | None
    grade_label: str | None

    @property
    def has_data(self) -> bool:
        return self.answers > 0


def compute(responses: Iterable[Mapping[str, int | None]]) -> IkmResult:
    """IKM over survey responses (each a mapping u1..u9 -> score 1-4 or None).

    Exact arithmetic (fractions): each element average is the mean of the answers it
    got; the IKM is the mean of the element averages, each weighing exactly 1/9, times
    25. An element nobody answered is left out of the mean (its weight is shared by the
    others) so that a month without any answer for one element still has an index;
    with all nine answered this is the regulation's formula exactly.
    """
    sums = {k: 0 for k in ELEMENT_KEYS}
    counts = {k: 0 for k in ELEMENT_KEYS}
    respondents = 0
    for response in responses:
        any_answer = False
        for key in ELEMENT_KEYS:
            score = response.get(key)
            if score is None:
                continue
            if not 1 <= int(score) <= 4:
                raise ValueError(f"score for {key} must be 1-4, got {score!r}")
            sums[key] += int(score)
            counts[key] += 1
            any_answer = True
        respondents += int(any_answer)
    averages: dict[str, Fraction | None] = {
        k: (Fraction(sums[k], counts[k]) if counts[k] else None) for k in ELEMENT_KEYS
    }
    present = [v for v in averages.values() if v is not None]
    nrr = sum(present, Fraction(0)) / len(present) if present else None
    ikm = float(nrr * 25) if nrr is not None else None
    g = grade(ikm)
    return IkmResult(
        respondents=respondents,
        answers=sum(counts.values()),
        element_counts=counts,
        element_averages={k: (float(v) if v is not None else None) for k, v in averages.items()},
        element_scores={k: (float(v * 25) if v is not None else None) for k, v in averages.items()},
        nrr=float(nrr) if nrr is not None else None,
        ikm=ikm,
        grade=g[0] if g else None,
        grade_label=g[1] if g else None,
    )


# --- typed answers --------------------------------------------------------------

_NUMBER_WORDS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5}


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", (text or "").lower()).split())


def parse_score(text: str, element: Element | None = None, *, scale: int = 4) -> int | None:
    """A typed answer as a score 1..``scale`` ("3", "tiga", "sangat mudah", "lumayan"), or None.

    Only a short reply counts (at most four words): a longer message is something else
    the resident wants to say and goes to the assistant as usual.
    """
    norm = _norm(text)
    if not norm or len(norm.split()) > 4:
        return None
    m = re.fullmatch(r"(?:nilai |skor )?([1-9])(?: bintang)?", norm)
    if m:
        value = int(m.group(1))
        return value if 1 <= value <= scale else None
    if norm in _NUMBER_WORDS:
        value = _NUMBER_WORDS[norm]
        return value if value <= scale else None
    if element is not None:
        for i, wording in enumerate(element.answers, start=1):
            if norm == _norm(wording):
                return i
        for i, wording in enumerate(element.short, start=1):
            if norm == _norm(wording):
                return i
    return _general_score(norm, scale)


# General satisfaction words, most specific first (4-point IKM scale; 5-point rating scale).
_GENERAL_4: Sequence[tuple[str, int]] = (
    (r"\b(sangat|sgt|amat) (tidak|tdk|gak|ga|nggak|kurang) \w+", 1),
    (r"\b(sangat|sgt|amat) (puas|baik|bagus|mudah|cepat|sesuai|ramah|memuaskan)\b", 4),
    (r"\b(mantap|mantab|mantul|luar biasa|sempurna|istimewa|top)\b", 4),
    (r"\b(tidak|tdk|gak|ga|nggak|ngga|kagak|ora) (puas|baik|bagus|mudah|cepat|sesuai|ramah|memuaskan)\b", 1),
    (r"\b(buruk|jelek|parah|kecewa|mengecewakan)\b", 1),
    (r"\b(kurang|krg)\b", 2),
    (r"\b(lumayan|cukup|biasa|biasa saja|sedang|standar|ok|oke)\b", 3),
    (r"\b(puas|baik|bagus|mudah|cepat|sesuai|ramah|memuaskan|good)\b", 3),
)
_GENERAL_5: Sequence[tuple[str, int]] = (
    (r"\b(sangat|sgt|amat) (tidak|tdk|gak|ga|nggak|kurang) \w+", 1),
    (r"\b(tidak|tdk|gak|ga|nggak|ngga|kagak|ora) (puas|baik|bagus|memuaskan)\b", 1),
    (r"\b(buruk|jelek|parah|kecewa|mengecewakan)\b", 1),
    (r"\b(sangat|sgt|amat) (puas|baik|bagus|memuaskan|cepat|ramah)\b", 5),
    (r"\b(mantap|mantab|mantul|luar biasa|sempurna|istimewa|top)\b", 5),
    (r"\b(kurang|krg)\b", 2),
    (r"\b(lumayan|cukup|biasa|biasa saja|sedang|standar)\b", 3),
    (r"\b(puas|baik|bagus|memuaskan|ok|oke|good|cepat|ramah)\b", 4),
)


def _general_score(norm: str, scale: int) -> int | None:
    for pattern, value in (_GENERAL_5 if scale == 5 else _GENERAL_4):
        if re.search(pattern, norm):
            return value
    return None
