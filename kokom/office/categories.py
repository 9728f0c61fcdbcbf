"""Which complaint category a resident's words mean ("lampunya mati" -> infrastruktur).

Categories and their keywords are office data (``complaint_categories`` in
``office/kelurahan.yml``); this module only matches text against them.
"""
from __future__ import annotations

import re

from kokom.office import OTHER_CATEGORY, OfficeConfig
from kokom.spelling import skeleton

__all__ = ["match_category"]

# Common Indonesian suffixes, so "lampunya" or "jalanan" still match "lampu"/"jalan".
_SUFFIXES = r"(?:nya|an|kan|lah|e|ne)?"


def _normalize(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _keyword_position(norm_text: str, keyword: str) -> int | None:
    kw = _normalize(keyword)
    if not kw:
        return None
    m = re.search(rf"(?<![0-9a-z]){re.escape(kw)}{_SUFFIXES}(?![0-9a-z])", norm_text)
    if m and kw == "lingkungan" and re.match(
            r"\s+(?:saya|sy|kami|kita|kulo|aku|sini|sekitar|rumah|warga|rt|rw|kampung|tempat)\b", norm_text[m.end():]):
        return None  # "masalah di lingkungan saya": the neighbourhood, not the environment category
    return m.start() if m else None


def _unabbreviate(norm_text: str, keywords: list[tuple[str, str]]) -> str:
    """ "smph pasar numpuk" -> "sampah pasar numpuk": a word typed without vowels reads as a keyword
    with those consonants ((keyword, category) pairs), unless keywords of two categories share them.
    Four letters at least: "pls" (please) is not "polusi"."""
    def expand(m: re.Match[str]) -> str:
        found = {(key, kw) for kw, key in keywords if " " not in kw and skeleton(kw) == m.group(0)}
        return sorted(found)[0][1] if len({key for key, _ in found}) == 1 else m.group(0)
    return re.sub(r"(?<![0-9a-z])[b-df-hj-np-tv-z]{4,}(?![0-9a-z])", expand, norm_text)


def _number_words() -> set[str]:
    from kokom.validators import NUMBER_WORDS

    return set(NUMBER_WORDS)


_NUMBER_WORDS_SET = _number_words()
_FILLERS_AFTER = re.compile(
    r"(?:\s+(?:aja|saja|wae|ae|mawon|ya|yo|bu|pak|min|kak|mas|mbak|dong|nggih|inggih|deh|cak|rek|nak|lho|kok|tok"
    r"|nomer|nomor|no|kategori|nya))+$")
# "sing nomer papat", "saya pilih yang ke-4", "kategori 4", "ingkang nomer sekawan", "yang keempat"
_CHOICE_BEFORE = re.compile(
    r"^(?:(?:saya|sy|aku|kula|kulo|gw|gue|kami)\s+)?(?:(?:pilih|milih|memilih|pilihan|ambil|njupuk|sing|ingkang|yang|yg"
    r"|kategori|nomer|nomor|no|nmr|angka|opsi|option|poin|point|nomer urut)\.?\s*)*")  # "opsi 5" (set 55)
_ORDINAL = re.compile(r"^(?:ke-?\s*|kaping\s+|ka-?)(?=\d|[a-z])")


def _menu_number(raw: str) -> int | None:
    """The menu number in a reply that is only a choice ("4", "no. 4", "nomer dua", "sing nomer papat",
    "yang keempat", "kategori 4 aja"); None when the reply says more than that."""
    spoken = " ".join(re.sub(r"[.,!:;()\-]+", " ", raw).split())
    spoken = _FILLERS_AFTER.sub("", " " + spoken).strip()
    spoken = _CHOICE_BEFORE.sub("", spoken).strip()
    if spoken.isdigit() and len(spoken) <= 2:
        return int(spoken)
    if spoken in ("pertama", "kapisan", "sepisan"):
        return 1
    ordinal = _ORDINAL.sub("", spoken)
    for candidate in (spoken, ordinal):
        if candidate.isdigit() and len(candidate) <= 2:
            return int(candidate)
        if candidate in _NUMBER_WORDS_SET:
            from kokom.validators import NUMBER_WORDS

            return NUMBER_WORDS[candidate]
    return None


def match_category(cfg: OfficeConfig, text: str) -> str | None:
    """Map a resident's reply to a category key, or None if nothing fits.

    Accepts the menu number ("1".."7"), the key, the title, or free text
    containing keywords. Free text scores each category by the number of
    distinct keywords found; ties go to the keyword mentioned first, since
    residents usually lead with the main problem.
    """
    if not text or not text.strip():
        return None
    cats = cfg.complaint_categories
    raw = text.strip().lower()
    number = _menu_number(raw)
    if number is not None:
        idx = number - 1
        return cats[idx].key if 0 <= idx < len(cats) else None
    norm = _normalize(raw)
    for cat in cats:
        if norm in (_normalize(cat.key), _normalize(cat.title)):
            return cat.key
    norm = _unabbreviate(norm, [(_normalize(kw), cat.key) for cat in cats for kw in cat.keywords])
    best: tuple[int, bool, int, int] | None = None  # (-hits, is "lainnya", first position, order)
    best_key: str | None = None
    for order, cat in enumerate(cats):
        positions = [pos for kw in cat.keywords if (pos := _keyword_position(norm, kw)) is not None]
        if not positions:
            continue
        # ("tp skrg ada yg lain, motor adik sy dicuri": "lain" is talk; "Lainnya" only when nothing else fits)
        score = (-len(positions), cat.key == OTHER_CATEGORY, min(positions), order)
        if best is None or score < best:
            best, best_key = score, cat.key
    return best_key
