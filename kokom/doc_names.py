"""Document names as residents write them -> catalog keys (one alias list, one matcher).

The alias list is ``data/nlu/synonyms.yml`` (the same spellings the NLU's
EntitySynonymMapper uses), plus each catalog key and display name from the
office file. Matching, in order:

1. exact: an alias appears as whole words in the text (longest aliases first,
   so "kk" inside "surat pindah kk" is not read twice);
2. fuzzy: a window of words scores >= ``FUZZY_MIN`` against an alias of at
   least ``FUZZY_MIN_LEN`` letters with RapidFuzz (typos: "surat keterngan usaha");
3. head + core: "surat"/"keterangan"/"pengantar"/"akta"/"izin" followed (within
   three words) by a word that fuzzily matches the distinctive part of an alias
   ("surat keterangan buat usaha", "akte anak lahir" -> kelahiran).

Short aliases ("kk", "sku", "n1") only ever match exactly. Weak aliases (one
everyday word such as "nikah" or "pindah") count only when no other document is
named: "ngurus kk baru habis nikah" is about the KK.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from kokom.spelling import old_spelling, skeleton as _skeleton

ROOT = Path(__file__).resolve().parent.parent
SYNONYMS_FILE = ROOT / "data" / "nlu" / "synonyms.yml"

FUZZY_MIN = 87.0
FUZZY_MIN_LEN = 8
CORE_MIN = 85.0
CORE_MIN_LEN = 5

# One-word aliases that name a document only when nothing else in the message does.
WEAK_ALIASES = frozenset({"nikah", "menikah", "mau nikah", "pindah", "pindahan", "hajatan", "waris", "warisan", "domisili"})

# Indonesian letter names, for names spelt out ("es ka te em").
LETTER_NAMES = {"a": "a", "be": "b", "ce": "c", "de": "d", "e": "e", "ef": "f", "ge": "g", "ha": "h", "i": "i",
                "je": "j", "ka": "k", "el": "l", "em": "m", "en": "n", "o": "o", "pe": "p", "ki": "q", "er": "r",
                "es": "s", "te": "t", "u": "u", "ve": "v", "we": "w", "eks": "x", "ye": "y", "zet": "z"}
# Words before a document that make it something to bring ("fotokopi kk", "bawa ktp asli").
REQUIREMENT_ITEM_BEFORE = frozenset({"fotokopi", "fotocopy", "fc", "copy", "kopi", "salinan", "bawa", "membawa",
                                     "dibawa", "nggowo", "gowo", "bekta", "dipunbekta", "lampirkan", "lampiran", "scan",
                                     "melampirkan", "pakai", "pake", "nganggo", "syaratnya", "syarate"})
# Right before a document (or before "surat" + its name), a need makes it a thing to bring:
# "surat kehilangan perlu surat polisi dulu?" (but "perlu bikin kk" still wants the KK).
NEED_BEFORE = frozenset({"perlu", "butuh", "harus", "wajib", "kudu", "kedah"})
ITEM_JOINERS = frozenset({"sama", "dan", "karo", "kalih", "serta", "plus", "atau", "sm", "dg", "dengan", "lan"})
# A lost document named beside the letter of loss is the letter's subject, not a second request.
LOSS_LETTER = "surat_kehilangan"
LOSS_WORDS = frozenset({"ilang", "hilang", "kehilangan", "ical", "raib", "dicuri", "kecopetan", "dicopet", "ketlisut",
                        "dijambret", "jambret", "dirampok", "dijambak", "kejambretan", "dicolong", "kemalingan",
                        "jatuh", "tiba", "kececer", "tercecer", "ketinggalan", "lenyap", "keselip",
                        "kelangan", "ilange", "hilangnya"})
# Before a weak alias, these make it an event in the resident's life ("baru pindah", "wis nikah").
ALREADY_DONE = frozenset({"baru", "br", "sudah", "udah", "udh", "sdh", "wis", "wes", "uwis", "habis", "abis", "bar",
                          "sampun", "telah", "tlh", "lagi", "lg"})
MOVING_GOODS = frozenset({"barang", "truk", "truck", "jasa", "angkut", "angkutan", "ongkos", "ekspedisi", "pickup", "mobil"})
MOVING_ELSEWHERE = frozenset({"faskes", "bpjs", "puskesmas", "sekolah", "kerja", "kantor", "kamar", "kos", "kost"})
# Words that say "a document" without saying which one.
HEAD_WORDS = frozenset({"surat", "keterangan", "ket", "sk", "pengantar", "akta", "akte", "izin", "ijin", "kartu"})
GENERIC_WORDS = HEAD_WORDS | {"nya", "yang", "yg", "untuk", "utk", "buat", "dari", "e", "el"}
# Words (or word starts, for suffixes like -nya, -e, -ipun) that tell which "akta" is meant.
BIRTH_CONTEXT = ("lahir", "kelahiran", "lair", "babaran", "bayi", "brojol", "dedek", "debay", "baby", "bebi")  # "akta dedek" (set 55)
MARRIAGE_CONTEXT = ("nikah", "menikah", "rabi", "kawin", "krama", "mantu", "akad", "ijab")
# A permit ("izin") beside a party, music or a show is the crowd-event permit, even for a wedding
# party ("izin buat nikahan anak, ada orkesnya"): the marriage letter is "pengantar nikah".
PERMIT_WORDS = frozenset({"izin", "ijin", "idin", "perizinan", "perijinan"})
EVENT_CONTEXT = ("orkes", "dangdut", "organ", "hiburan", "sound", "soundsystem", "panggung", "konser", "pentas",
                 "campursari", "band", "nanggap", "tanggapan", "hajat", "nikahan", "kawinan", "mantenan", "resepsi",
                 "pesta", "keramaian", "karnaval", "pawai", "wayang", "jaranan", "reog", "tenda", "terop", "tarub")
# Events a permit right after "izin" names ("karang taruna mau izin jalan sehat", "ijin pengajian akbar"): the
# crowd permit, whatever the event (set 62's committees).
PERMIT_EVENTS = ("jalan sehat", "jalan santai", "sepeda santai", "gowes", "pengajian", "tabligh", "sholawat", "selawat",
                 "maulid", "halal bihalal", "halalbihalal", "natal", "natalan", "paskah", "tirakatan", "agustusan", "17an",
                 "17 an", "tujuhbelasan", "lomba", "hajatan", "sunatan", "khitanan", "nikahan", "resepsi", "ngunduh mantu",
                 "konser", "pentas", "dangdutan", "wayangan", "karnaval", "pawai", "bazar", "pasar malam", "turnamen",
                 "kerja bakti", "senam")
# Moving a card from one place to another is the moving letter ("mindahin ktp istri ke sini", set 64).
MOVE_WORDS = frozenset({"pindah", "pindahin", "pindahkan", "mindah", "mindahin", "mindahkan", "mindahke", "mindahno",
                        "boyong", "boyongan", "ngepindah"})
# Everyday words one letter away from an alias ("jalan" / "jualan"): never read as a document.
NEVER_FUZZY = frozenset({"jalan", "jalanan", "dalan"})
DEATH_CONTEXT = ("mati", "meninggal", "kematian", "seda", "wafat", "almarhum", "tilar", "pejah", "mendiang")

_TOKEN = re.compile(r"[0-9a-z]+")


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Lowercased words with their character spans in ``text``."""
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer((text or "").lower())]


def normalize(text: str) -> str:
    return " ".join(tok for tok, _, _ in tokenize(text))


@dataclass(frozen=True)
class Match:
    key: str
    start: int  # character offsets in the original text
    end: int
    alias: str
    score: float  # 100 for exact matches

    @property
    def text_span(self) -> tuple[int, int]:
        return self.start, self.end


def _catalog_names() -> dict[str, str]:
    try:
        from kokom.office import load_office

        return {key: info.name for key, info in load_office().documents.items()}
    except Exception:  # noqa: BLE001 - the NLU must work without a valid office file
        return {}


@lru_cache(maxsize=1)
def aliases() -> tuple[tuple[str, str], ...]:
    """(normalized alias, key), longest first."""
    pairs: dict[str, str] = {}
    data = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    for block in data.get("nlu", []):
        key = block.get("synonym")
        if not key:
            continue
        pairs.setdefault(normalize(key.replace("_", " ")), key)
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                alias = normalize(line[2:])
                if alias:
                    pairs.setdefault(alias, key)
    for key, name in _catalog_names().items():
        alias = normalize(name.replace("Ket.", "Keterangan"))
        if alias:
            pairs.setdefault(alias, key)
    return tuple(sorted(pairs.items(), key=lambda pair: (-len(pair[0]), pair[0])))


def keys() -> set[str]:
    return {key for _, key in aliases()}


@lru_cache(maxsize=1)
def _skeletons() -> dict[str, str]:
    """Consonant skeleton of each alias long enough to be unmistakable -> key; skeletons that two
    documents share are dropped."""
    out: dict[str, str] = {}
    clash: set[str] = set()
    for alias, key in aliases():
        sk = " ".join(_skeleton(w) for w in alias.split())
        if len(alias) < FUZZY_MIN_LEN or len(sk.replace(" ", "")) < 5 or any(not part for part in sk.split()):
            continue
        if out.get(sk, key) != key:
            clash.add(sk)
        out.setdefault(sk, key)
    return {sk: key for sk, key in out.items() if sk not in clash}


@lru_cache(maxsize=1)
def _cores() -> tuple[tuple[str, str], ...]:
    """The distinctive part of each alias ("surat keterangan usaha" -> "usaha")."""
    out: dict[str, set[str]] = {}
    for alias, key in aliases():
        core = " ".join(w for w in alias.split() if w not in GENERIC_WORDS)
        if len(core) >= CORE_MIN_LEN:
            out.setdefault(core, set()).add(key)
    # A core shared by two documents says nothing.
    return tuple((core, next(iter(ks))) for core, ks in out.items() if len(ks) == 1)


_ASKED_FOR = re.compile(r"\b(?:bikin|buat|membuat|bkin|bkn|bikinin|buatkan|urus|ngurus|mengurus|ajukan|ngajuin|ngajukan|mengajukan"
                        r"|minta|mohon|nyuwun|njaluk|butuh|perlu|daftar|apply|request|need)\b\W*(?:\w+\W+){0,2}$", re.IGNORECASE)


def asked_for(text: str) -> Match | None:
    """Of the documents named, the one asked for: "dompet hilang isinya ka te pe, mau bikin surat
    keterangan hilang" asks for the loss letter (the one right after "bikin"); None when no name
    follows such a verb."""
    for match in find(text):
        if match.start and _ASKED_FOR.search(text[max(0, match.start - 40):match.start]):
            return match
    return None


def find(text: str) -> list[Match]:
    """Every document named in ``text``, in order of appearance, one match per document."""
    return list(_find(text or ""))


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS = {ch: {row[k] for k in (i - 1, i + 1) if 0 <= k < len(row)} for row in _KEYBOARD_ROWS for i, ch in enumerate(row)}


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[tuple[str, str], ...]:
    """One-word aliases of 4-7 letters with at most one vowel ("sktm", "skck", "skpwni") -> key."""
    return tuple((alias, key) for alias, key in aliases()
                 if " " not in alias and 4 <= len(alias) <= 7 and len(alias) - len(_skeleton(alias)) <= 1)


def _neighbour_slip(word: str, alias: str) -> bool:
    """``word`` is ``alias`` with one letter replaced by the key beside it on the same row."""
    if len(word) != len(alias) or word == alias:
        return False
    diff = [(a, b) for a, b in zip(word, alias) if a != b]
    return len(diff) == 1 and diff[0][0] in _NEIGHBOURS.get(diff[0][1], ())


# The cues ask about the same message several times; fuzzy windows over a long message cost.
@lru_cache(maxsize=256)
def _find(text: str) -> tuple[Match, ...]:
    tokens = tokenize(text)
    if not tokens:
        return []
    words = [old_spelling(t) for t, _, _ in tokens]  # "Kartoe Keloearga", "soerat kematian"
    used = [False] * len(words)
    found: list[tuple[int, int, Match]] = []  # (first token, last token + 1, match)

    def claim(i: int, j: int, key: str, alias: str, score: float) -> None:
        for k in range(i, j):
            used[k] = True
        found.append((i, j, Match(key, tokens[i][1], tokens[j - 1][2], alias, score)))

    def free(i: int, j: int) -> bool:
        return j <= len(words) and not any(used[i:j])

    # Every window of each size once, as a string: RapidFuzz scores an alias against all of them in C,
    # so a long message (WhatsApp allows 4,096 characters) is read in milliseconds, not in a second.
    starts: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        starts.setdefault(w, []).append(i)
    window_texts: dict[int, list[str]] = {}

    def windows(size: int) -> list[str]:
        if size not in window_texts:
            window_texts[size] = [" ".join(words[i:i + size]) for i in range(len(words) - size + 1)]
        return window_texts[size]

    # 0. spelt out letter by letter ("es ka te em" = SKTM, "es ka ce ka" = SKCK)
    known = dict(aliases())
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and words[j] in LETTER_NAMES:
            j += 1
        if j - i >= 2:
            spelt = "".join(LETTER_NAMES[w] for w in words[i:j])
            if spelt in known:
                claim(i, j, known[spelt], spelt, 100.0)
        i = max(j, i + 1)
    # 1. exact
    for alias, key in aliases():
        parts = alias.split()
        n = len(parts)
        for i in starts.get(parts[0], ()):
            if words[i:i + n] == parts and free(i, i + n):
                claim(i, i + n, key, alias, 100.0)
    # 1a. "izin" and the event it is for
    for i, w in enumerate(words):
        if w in PERMIT_WORDS and free(i, i + 1):
            after = " ".join(words[i + 1:i + 5])
            event = next((e for e in PERMIT_EVENTS if (after + " ").startswith(e + " ")
                          or (" " + after + " ").find(" " + e + " ") in range(0, 12)), None)
            if event:
                claim(i, i + 1, "izin_keramaian", w, 95.0)
    # 1b. an abbreviation with one key's neighbour hit instead ("sktn" for SKTM, "skvk" for SKCK): too short for
    # the fuzzy scores below, and a slip of the thumb on a small screen (blind set 39)
    for alias, key in _abbreviations():
        for i, w in enumerate(words):
            if free(i, i + 1) and _neighbour_slip(w, alias):
                claim(i, i + 1, key, alias, 90.0)
    # 2. fuzzy over windows of the alias's length (and one word more or less)
    for alias, key in aliases():
        if len(alias) < FUZZY_MIN_LEN:
            continue
        n = len(alias.split())
        core = " ".join(w for w in alias.split() if w not in GENERIC_WORDS)
        best: tuple[float, int, int] | None = None
        for size in sorted({max(1, n - 1), n, n + 1}):
            hits = process.extract(alias, windows(size), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN, limit=None)
            for window, score, i in sorted(hits, key=lambda hit: hit[2]):
                if not free(i, i + size) or any(w in NEVER_FUZZY for w in words[i:i + size]):
                    continue
                # The generic words ("surat keterangan") must not carry the score alone.
                if core and fuzz.partial_ratio(core, window) < CORE_MIN:
                    continue
                if best is None or score > best[0]:
                    best = (score, i, i + size)
        if best:
            claim(best[1], best[2], key, alias, best[0])
    # 2b. written without vowels, as in SMS ("pngantar nkh", "srat ktrangan usaha"): the consonants match
    skeletons = _skeletons()
    sizes = sorted({len(sk.split()) for sk in skeletons}, reverse=True)
    word_skeletons = [_skeleton(w) for w in words]
    for size in sizes:
        for i in range(len(words) - size + 1):
            if not free(i, i + size):
                continue
            window = words[i:i + size]
            key = skeletons.get(" ".join(word_skeletons[i:i + size]))
            if key:
                claim(i, i + size, key, " ".join(window), float(FUZZY_MIN))
    # 3. a head word followed by a document's distinctive word(s)
    cores = _cores()
    core_texts = [c for c, _ in cores]
    for i, word in enumerate(words):
        if word not in HEAD_WORDS or used[i]:
            continue
        for j in range(i + 1, min(i + 4, len(words))):
            if used[j] or words[j] in GENERIC_WORDS:
                continue
            hit = None
            for size in (2, 1):
                if not free(j, j + size):
                    continue
                candidate = " ".join(words[j:j + size])
                if len(candidate) < CORE_MIN_LEN or any(w in NEVER_FUZZY for w in words[j:j + size]):
                    continue
                result = process.extractOne(candidate, core_texts, scorer=fuzz.ratio, score_cutoff=CORE_MIN)
                if result:
                    hit = (result, size)
                    break
            if hit:
                (core, score, index), size = hit
                claim(i, j + size, cores[index][1], core, float(score))
                break
    # 4. a bare "akta/akte" whose kind the rest of the message tells ("akte nya" after a birth,
    #    "akta kematianipun" with a Javanese suffix)
    if not found:
        for i, word in enumerate(words):
            if word.startswith(("akta", "akte")) and len(word) <= 8 and not used[i]:  # akte, aktenya, aktane
                rest = words[:i] + words[i + 1:]
                if any(w.startswith(BIRTH_CONTEXT) for w in rest):
                    claim(i, i + 1, "akta_kelahiran", word, 80.0)
                elif any(w.startswith(DEATH_CONTEXT) for w in rest):
                    claim(i, i + 1, "akta_kematian", word, 80.0)
                break
    # 5. a bare "pengantar" whose purpose the message tells ("nek arep rabi, pengantar ... kudu nggowo opo")
    if not found:
        for i, word in enumerate(words):
            if word.startswith("pengantar") and not used[i]:
                rest = words[:i] + words[i + 1:]
                if any(w.startswith(MARRIAGE_CONTEXT) for w in rest):
                    claim(i, i + 1, "pengantar_nikah", word, 80.0)
                elif any(w.startswith(("skck", "polisi", "kepolisian", "kelakuan")) for w in rest):
                    claim(i, i + 1, "pengantar_skck", word, 80.0)
                break
    found.sort(key=lambda item: item[0])
    if any(w in PERMIT_WORDS for w in words) and any(w.startswith(EVENT_CONTEXT) for w in words):
        found = [(i, j, replace(m, key="izin_keramaian") if m.key == "pengantar_nikah" else m) for i, j, m in found]
    found = [(i, j, replace(m, key="surat_pindah") if m.key in ("ktp", "kk") and i >= 1 and words[i - 1] in MOVE_WORDS else m)
             for i, j, m in found]
    # "... harus bawa ktp asli", "fotokopi kk cukup ga": a document to bring is a requirement, not
    # the subject, when something else is named.
    items = []
    for i, j, m in found:
        # "syaratnya ktp sama kk": a list of things to bring continues after "sama"/"dan"/","
        chained = bool(items) and items[-1][1] <= i and i - items[-1][1] <= 2 and \
            all(w in ITEM_JOINERS for w in words[items[-1][1]:i])
        need = i - 1 if i >= 1 and words[i - 1] in NEED_BEFORE else \
            i - 2 if i >= 2 and words[i - 1] == "surat" and words[i - 2] in NEED_BEFORE else None
        # (not "dompet ilang isine ktp karo atm, butuh surat kehilangan": a clause that opens with
        # "butuh" and asks nothing says what the resident needs, set 63)
        needed = need is not None and not ((need == 0 or re.search(r"[,.;!\n]", text[tokens[need - 1][2]:tokens[need][1]]))
                                           and "?" not in text[tokens[i][1]:])
        # (and only after another document: "katanya perlu surat domisili soalnya KK nya ..." needs the
        # domicile letter; "sktm butuh ktp" brings the KTP; set 65)
        needed = needed and any(i2 < i and m2.key != m.key for i2, _, m2 in found)
        if chained or needed or any(w in REQUIREMENT_ITEM_BEFORE for w in words[max(0, i - 2):i]) \
                or words[j:j + 1] == ["asli"] or _from_elsewhere(words, j):
            items.append((i, j, m))
    if items and len(items) < len(found):
        found = [item for item in found if item not in items]
    if any(m.alias not in WEAK_ALIASES for _, _, m in found):
        found = [item for item in found if item[2].alias not in WEAK_ALIASES]
    # "awak baru pindah", "wis nikah": what happened to the resident, not a document asked for.
    found = [(i, j, m) for i, j, m in found
             if not (m.alias in WEAK_ALIASES and i >= 1 and words[i - 1] in ALREADY_DONE)
             # "barang pindahan", "truk pindahan", "pindah faskes bpjs" (set 60): moving, not its letter
             and not (m.alias in WEAK_ALIASES and (i >= 1 and words[i - 1] in MOVING_GOODS
                                                   or words[j:j + 1] and words[j] in MOVING_ELSEWHERE))]
    # "KTP ku ilang, arep ngurus surat kehilangan": the lost card is what the letter is about.
    if any(m.key == LOSS_LETTER for _, _, m in found):
        found = [(i, j, m) for i, j, m in found
                 if m.key == LOSS_LETTER or not any(w in LOSS_WORDS for w in words[j:j + 3] + words[max(0, i - 3):i])]
    seen: set[str] = set()
    out = []
    for _, _, match in found:
        if match.key not in seen:
            seen.add(match.key)
            out.append(match)
    return tuple(out)


def _from_elsewhere(words: list[str], j: int) -> bool:
    """ "ktp sy luar kota", "yg ktp nya luar kota": the resident's card is the circumstance, not the request."""
    after = words[j:j + 4]
    return any(w in ("luar", "beda", "bukan") for w in after[:3]) and any(
        w in ("kota", "daerah", "kabupaten", "kab", "provinsi", "pulau", "sogaten", "madiun", "wilayah") for w in after)


def find_keys(text: str) -> list[str]:
    return [m.key for m in find(text)]


def resolve(value: object) -> str | None:
    """A catalog key from an entity value, a key or a name ("Surat Ket. Usaha (SKU)"); None if unknown."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.lower() in keys():
        return text.lower()
    norm = normalize(text.replace("Ket.", "Keterangan"))
    for alias, key in aliases():
        if alias == norm:
            return key
    matches = find(text)
    return matches[0].key if matches else None


# What a document is for, in a resident's words, when asked "which document?" and no name is
# given ("yg buat orang ga mampu itu loh"). Only the document form's question uses this.
_DESCRIPTIONS: tuple[tuple[str, str], ...] = (
    (r"(ga|gak|tidak|tdk|kurang|nggak|ndak|ora|mboten) mampu|miskin|keringanan biaya", "sktm"),
    (r"kehilangan|hilang|ilang|ical|kecopetan|dijambret", "surat_kehilangan"),
    (r"meninggal|wafat|seda|tilar|kematian", "akta_kematian"),
    (r"lahir|kelahiran|bayi|babaran", "akta_kelahiran"),
    (r"nikah|kawin|rabi|krama", "pengantar_nikah"),
    (r"waris|warisan|peninggalan", "ahli_waris"),
    (r"keramaian|hajatan|pesta|acara|panggung|tenda", "izin_keramaian"),
    (r"kelakuan baik|catatan kepolisian|polisi", "pengantar_skck"),
    (r"usaha|dagang|jualan|warung|toko|bengkel", "surat_keterangan_usaha"),
    (r"pindah|boyongan|pindahan", "surat_pindah"),
    (r"tinggal|domisili|kos|ngekos|ngontrak", "surat_domisili"),
    (r"kartu keluarga|anggota keluarga", "kk"),
    (r"ktp|kartu tanda penduduk|e ktp", "ktp"),
)


def by_description(text: str) -> str | None:
    """The catalog key a description points to ("buat orang ga mampu" -> sktm), or None."""
    norm = " " + normalize(text) + " "
    for pattern, key in _DESCRIPTIONS:
        if re.search(r"(?<![0-9a-z])(?:" + pattern + r")(?![0-9a-z])", norm):
            return key
    return None
