"""Reading form facts out of what a resident typed (pure functions, no Rasa).

Residents type rather than tap, and often put several facts in one message:
"saya mau buat surat domisili, nama Hendra Wijaya NIK 3577..., alamat jl
cendrawasih 5 rt 1 rw 3, untuk daftar sekolah anak". The functions here find
those facts (name, NIK, address with RT/RW, purpose, document, category,
place, description, photo skip, anonymity) and read typed choices (yes, no,
skip, anonymous, cancel) so that the forms never depend on buttons.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kokom.office import OfficeConfig
from kokom.office.categories import match_category
from kokom.understanding import APPLY_VERB, RELATIVE_OF, SELF_CORRECTION, after_self_correction, dealay, reports_problem
from kokom.validators import number_words_to_digits, parse_rt_rw

try:  # one alias list + fuzzy matcher for document names (issue #8)
    from kokom import doc_names as _doc_names
except Exception:  # noqa: BLE001 - fall back to the NLU synonyms list
    _doc_names = None

# --- words ------------------------------------------------------------------

_WORD = re.compile(r"[0-9a-z]+")


_INNER_APOSTROPHE = re.compile(r"(?<=[a-z])['’`](?=[a-z])")


# Emoji that answer yes or no ("👍", "✅ kirim", "❌"): read as the word they stand for.
_EMOJI_WORDS = {"👍": " ok ", "👌": " ok ", "✅": " ya ", "✔": " ya ", "☑": " ya ", "🆗": " ok ", "❌": " tidak ",
                "✖": " tidak ", "👎": " tidak ", "🚫": " tidak ", "❎": " tidak "}
_EMOJI = re.compile("|".join(map(re.escape, _EMOJI_WORDS)))


def words(text: str) -> list[str]:
    """Lower-case words; an apostrophe inside a word joins it ("na'am", "hu'um", "jum'at"); a yes or
    no emoji is its word."""
    text = _EMOJI.sub(lambda m: _EMOJI_WORDS[m.group(0)], text or "")
    return _WORD.findall(_INNER_APOSTROPHE.sub("", text.lower()))


def norm(text: str) -> str:
    return " ".join(dealay(w) for w in words(text))


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, norm(text)) is not None


FILLER = {
    "min", "admin", "pak", "bu", "bapak", "ibu", "kak", "mas", "mbak", "mba", "dik", "dong", "deh", "aja", "saja",
    "ae", "wae", "mawon", "ya", "yah", "kok", "sih", "nih", "kan", "tuh", "lah", "nya", "semua", "semuanya",
    "data", "datanya", "itu", "ini", "tolong", "segera", "terima", "kasih", "makasih", "matur", "nuwun",
    "sudah", "udah", "udh", "sdh", "sampun", "dah", "cukup", "gitu", "begitu", "kalau", "kalo", "rek", "lur",
    "laporan", "permohonan", "pengaduan", "nggih", "please", "plis", "mohon", "silakan", "silahkan",
    # Javanese: "iyo wis bener", "nggih sampun leres sedaya", "wes pokoke kirim"
    "wis", "wes", "uwis", "mpun", "pun", "kabeh", "sedaya", "sedoyo", "lho", "to", "kuwi", "niku", "menika",
    "pokoke", "lengkap", "insyaallah", "gitu",
    # "Insya Allah sudah benar", "Alhamdulillah betul"
    "insya", "insha", "allah", "alhamdulillah", "bismillah", "amin", "aamiin", "masyaallah",
    # how older residents address the officer ("iya nak kirim saja")
    "nak", "le", "ndhuk", "nduk", "cah", "dek", "dik", "mas", "mbak", "sayang",
    # how retired satpam and hansip address the officer ("siap 86 ndan"; "om", "bos" can open a name)
    "ndan", "komandan",
    "akhi", "ukhti", "akhy", "ukhty", "ustadz", "ustad", "ustadzah",
}
AFFIRM_WORDS = {
    "ya", "iya", "iyaa", "iyaaa", "iye", "iyo", "yo", "y", "yes", "yup", "yap", "ok", "oke", "okey", "okay", "okeh",
    "oce", "sip", "siap", "betul", "benar", "bener", "leres", "nggih", "enggih", "inggih", "injih", "njih", "ngih",
    "kirim", "kirimkan", "kirimin", "kirimlah", "kirimen", "kirimno", "dikirim", "diproses", "proses", "lanjut", "lanjutkan", "setuju", "cocok", "pas", "mantap", "gas",
    "boleh", "yoi", "hooh", "he", "eh", "sampun", "valid", "tepat", "sesuai",
    "yaps", "yups", "yup", "yoa", "iyap", "okee", "oce", "gaskeun", "siip", "sipp", "mantul", "nggeh", "enggeh",
    # Madurese and Sundanese yes ("enggi, betul", "muhun, leres"), "hooh"/"heeh"
    "enggi", "engghi", "iyeh", "bender", "muhun", "sumuhun", "mangga", "monggo", "heeh", "hu'um", "huum",
    # Arabic, as santri write it ("na'am", "aiwa, shohih")
    "naam", "aiwa", "aywa", "tayyib", "thayyib", "shohih", "sahih", "shahih",
    # typed in a hurry or "alay" ("iy bner", "y4", "okk", "btl")
    "iy", "iyy", "ia", "iyah", "yy", "yaa", "yoi", "oyi", "oyii", "iyes", "yess", "okk", "okey", "ok3", "oc",
    "bner", "bnr", "bnar", "benr", "btl", "btul", "betol", "bener2", "leres2", "sep", "cip", "gass", "jos", "mantab",
    "mantep", "lanjoot", "lnjt", "krm", "kirimm", "stju", "setujuu", "cocoque", "pass",
    # English
    "correct", "right", "sure", "yeah", "yea", "yep", "confirm", "confirmed", "send", "submit", "alright", "fine",
    "agree", "please", "go",
    # online sellers' "fix kak", "deal", "noted"; radio slang's "86" (understood), "siap 86 ndan"
    "fix", "fiks", "fixx", "fixs", "deal", "noted", "done", "86", "roger", "copy", "laksanakan", "dilaksanakan", "positif",
}
DENY_WORDS = {
    "tidak", "tdk", "gak", "ga", "gk", "nggak", "ngga", "enggak", "engga", "ndak", "no", "nope", "jangan", "jgn",
    "batal", "batalkan", "mboten", "ora", "belum", "blm", "cancel", "emoh", "moh", "negatif",
}
# Words that never occur in a person's name (they mark a sentence, not a name).
NOT_NAME_WORDS = FILLER | AFFIRM_WORDS | DENY_WORDS | {
    # "I" and "no" in other regions' Indonesian (Betawi, Minang, Batak/Malay, Banjar)
    "aye", "ambo", "awak", "ulun", "ane", "indak", "ado", "kada", "kadada", "takde", "tiada", "kagak", "kaga",
    "engkok", "kaule", "tadha", "tak", "bede", "enje", "bhunten", "terro", "nyo", "on",  # Madurese
    "sogaten", "manguharjo", "madiun",  # "kampung sy Sogaten": the place, not a name
    "q", "qu",  # "aku" in alay spelling
    "hmm", "hm", "hmmm", "ehm", "emm", "umm", "em", "lho", "loh", "weh", "wah", "waduh", "duh",  # sounds, not names
    "mangke", "mengko", "engko", "susul", "susulkan", "orang", "warga",
    # who the person is to the writer, never their name ("atas nama ayahanda kami yang wafat")
    "ayahanda", "ibunda", "kami", "beliau", "almarhum", "almarhumah", "alm", "almh", "kakek", "nenek", "eyang",
    "kleru", "keliru", "kurang", "lengkap", "lengkapnya", "belum", "blm", "nulise", "tulisane", "ketik", "typo", "benerke", "mbenerke", "jeneng", "jenenge", "kk", "ktp",
    "sktm", "sku", "skck", "akta", "akte", "nang", "neng", "ning", "ing", "teng", "kangge", "kanggo", "ganti",
    "ada", "foto", "gambar", "nanti", "ntar", "skip", "lewati", "lewat", "mau", "ingin", "pengen", "minta",
    "saya", "aku", "kulo", "sy", "gue", "gw", "nama", "namanya", "anonim", "rahasia", "rahasiakan", "jl", "jalan",
    "gang", "gg", "rt", "rw", "no", "nomor", "di", "ke", "dari", "yang", "yg", "untuk", "utk", "buat", "bikin",
    "surat", "dokumen", "lapor", "ngadu", "punya", "usah", "perlu", "apa", "kapan", "berapa", "dimana", "mana",
    "gimana", "bagaimana", "kenapa", "bisa", "halo", "hallo", "hai", "assalamualaikum", "permisi", "selamat",
    "pagi", "siang", "sore", "malam", "bentar", "sebentar", "tunggu", "wonten", "gadhah", "sama", "dan", "atau",
    "karena", "soalnya", "kantor", "kelurahan", "alamat", "nik", "keperluan", "lokasi", "tempat", "depan",
    "belakang", "samping", "dekat", "sebelah", "petugas", "salah", "bukan", "ganti", "maaf", "lupa", "tau", "tahu",
    "kirim", "sampah", "rusak", "banjir", "lampu", "got", "rumah", "sekolah", "kerja", "daftar",
    # "nama bapak hilang dari daftar penerima": what happened to a name, not a name
    "hilang", "dicoret", "dihapus", "terhapus", "tercoret", "keluar", "tidak", "belum", "masuk", "terdaftar",
    # "loket panggil nama pakai suara saja": how names are called, not a name
    "pakai", "pake", "suara", "panggil", "dipanggil", "manggil", "saja", "aja",
}
# Written parts of names that are also other words ("Moh Hasan", "Muh. Rizki", "Sri Lestari").
NAME_ABBREVIATIONS = {"moh", "muh", "mohd", "mochammad", "moch", "sri", "dwi", "tri", "eka", "dewi", "bagus", "slamet",
                      "mas", "ayu", "putri", "putra", "ning", "gus"}  # "Ning Suprapti" (set 68)
HONORIFICS = {"pak", "bapak", "bpk", "bu", "ibu", "mas", "mbak", "mba", "kak", "sdr", "saudara", "saudari",
              "ny", "nyonya", "tn", "tuan", "dik", "adik", "mbah", "bude", "pakde", "cak", "mbok", "mbokde", "yu", "ustadz", "ustaz", "ustadzah",
              "ustazah",
              # Sundanese and Betawi forms of address (set 52: "Teh Euis Komalasari")
              "teh", "teteh", "akang", "kang", "ceu", "mpok", "bang", "abang", "om", "tante"}
# Who the person is, written before the name ("Bu Kader Sri Wahyuni", "Linmas, Bpk. Sarwono"): not the name.
ROLE_WORDS = {"sayah", "saia", "kader", "linmas", "relawan", "hansip", "satpam", "ketua", "sekretaris", "bendahara", "tagana", "pengurus",
              "anggota", "takmir", "bidan", "perawat", "guru", "anaknya", "suaminya", "istrinya", "cucunya", "sendiri"}
GREETING_WORDS = {"halo", "hallo", "hai", "hi", "hello", "assalamualaikum", "assalamu", "alaikum", "asalamualaikum",
                  "permisi", "selamat", "pagi", "siang", "sore", "malam", "sugeng", "enjing", "ndalu", "min", "admin",
                  "pak", "bu", "kak", "mas", "mbak", "wr", "wb", "salam", "punten", "sampurasun", "met"}

QUESTION = re.compile(
    r"\?|\b(apa|apakah|apa saja|apa aja|kapan|jam berapa|berapa|dimana|di mana|mana|gimana|gmn|gmana|bagaimana|"
    r"pripun|piye|kenapa|mengapa|knp|bisakah|opo|ngendi|pundi|sinten|siapa|ap|brp|kpn|dmn|gmna|piro|pinten|menapa)\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    return QUESTION.search(text or "") is not None


# What opens the answer after a counter-question: "... ya sudah, Dede Kurniawan", "... ya buat punya ktp".
_ANSWER_LEAD = re.compile(r"^(?:\W|\b(?:ya|yo|iya|iyo|nggih|yaudah|yaudh|yawis|yowis|ya sudah|ya udah|yaa|oke|ok|okelah|deh|dah"
                          r"|lah|sih|gini|begini|jadi|jd|pokoknya|intinya)\b)+", re.IGNORECASE)


def answer_after_counter_question(text: str) -> str | None:
    """ "lho buat apa? ya buat punya ktp lah, syarat daftar kerja" -> "buat punya ktp lah, syarat daftar
    kerja": a short question back first, then the answer (set 52's residents). None when there is no
    such question or nothing after it."""
    raw = text or ""
    cut = raw.rfind("?")
    if cut < 0:
        return None
    head, tail = raw[:cut], raw[cut + 1:]
    # "... kan tadi udah... ya sudah, Dede Kurniawan": the answer comes after giving in
    tail = re.split(r"\b(?:ya sudah|ya udah|yaudah|yaudh|yasudah|yowis|yo wis|yawis|ya wis|ya wes|yowes)\b", tail,
                    flags=re.IGNORECASE)[-1]
    tail = _ANSWER_LEAD.sub("", tail).strip()
    if not tail or len(words(head)) > 6 or not re.search(r"[^\W\d_]{2}", tail):
        return None
    return tail


_CLEAR_GREETINGS = {"halo", "hallo", "hai", "hi", "hello", "assalamualaikum", "asalamualaikum", "assalamu",
                    "permisi", "punten", "sampurasun", "wr", "wb"}


# "selamat pagi", "sugeng enjing": the time of day makes "selamat"/"sugeng" a greeting.
_GREETING_TIMES = {"pagi", "siang", "sore", "malam", "enjing", "ndalu", "met"}


def is_greeting_only(text: str) -> bool:
    """ "halo min", "selamat pagi": but "Sugeng", "Selamat" or "Pak Sugeng" may be a name (set 51's
    reporter was greeted back seventeen times), so only a word that cannot be a name makes it one."""
    ws = words(text)
    if not ws or not all(w in GREETING_WORDS for w in ws):
        return False
    return any(w in _CLEAR_GREETINGS or w in _GREETING_TIMES for w in ws)


def _squeeze(w: str) -> str:
    """ "iyaaa" -> "iya", "okeeee" -> "oke", "siiip" -> "sip" (letters typed long for warmth)."""
    return re.sub(r"(.)\1+", r"\1", w) if re.search(r"(.)\1\1", w) else w


def _plain(w: str) -> str:
    """ "y4" -> "ya", "iyaaa" -> "iya": a word typed with digits for letters or long for warmth."""
    return _squeeze(dealay(w, short_answer=True))


def is_affirm(text: str) -> bool:
    ws = [_plain(w) for w in words(text)]
    if not ws or any(w in DENY_WORDS for w in ws) or any(w in ("salah", "bukan", "keliru", "ganti") for w in ws):
        return False
    return any(w in AFFIRM_WORDS for w in ws) and all(w in AFFIRM_WORDS or w in FILLER for w in ws)


DONE_WORDS = {"sudah", "udah", "udh", "sdh", "wis", "wes", "uwis", "dah", "cukup", "beres", "lengkap"}


def opens_with_yes(text: str) -> bool:
    """ "kirim, tp beneran cuma dipake buat surat ini ya": the first word says yes, then a remark."""
    ws = [_plain(w) for w in words(text)]
    return bool(ws) and ws[0] in AFFIRM_WORDS and ws[0] not in ("he", "eh", "pas", "boleh") \
        and not any(w in DENY_WORDS for w in ws[:3]) and re.match(r"^\W*\w+\W*[,.!]", text or "") is not None


def is_lenient_affirm(text: str) -> bool:
    """At a confirmation: a reply that opens with yes and says nothing against it ("iya betul semua
    sudah pas nak", "oke min gas kirim"); corrections and deny words are checked first."""
    ws = [_plain(w) for w in words(text)]
    if ws and len(ws) <= 4 and any(w in DONE_WORDS for w in ws) and all(w in FILLER or w in AFFIRM_WORDS for w in ws):
        return True  # "sudah", "wis", "udah cukup": done, send it
    core = [w for w in ws if w not in FILLER]  # "Insya Allah sudah benar, terima kasih": "benar" opens it
    if not ws or not (ws[0] in AFFIRM_WORDS or core and core[0] in AFFIRM_WORDS) or len(ws) > 12:
        return False
    if any(ch.isdigit() for ch in "".join(ws)) and re.search(
            r"\b(?:rt|rw|nik|no|nomor|nmr|jl|jln|gg|gang|alamat|nama|blok)\b", " ".join(ws)):
        return False  # "ya rt 5 ya": a correction with a number, not a yes
    if any(w in DENY_WORDS for w in ws) or is_correction(text) or is_question(text):
        return False
    return True


# Words that add nothing to what was told ("itu aja", "udah cukup", "ga ada tambahan", "mboten wonten malih").
_NOTHING_TO_ADD = {"itu", "cuma", "cuman", "tok", "thok", "segitu", "gitu", "begitu", "ngono", "tambahan", "lagi",
                   "malih", "ada", "ono", "onok", "wonten", "cekap", "sih"}


def adds_nothing(text: str) -> bool:
    """A reply to "tell a little more" that tells nothing: yes, no, done, "itu aja", "ga ada tambahan"
    (not a bare "ada", which promises more)."""
    ws = [_plain(w) for w in words(text)]
    known = FILLER | DONE_WORDS | DENY_WORDS | AFFIRM_WORDS | _NOTHING_TO_ADD
    return bool(ws) and all(w in known for w in ws) and any(w not in {"ada", "ono", "onok", "wonten", "lagi"} for w in ws)


def says_yes_somewhere(text: str) -> bool:
    """A yes anywhere in a reply that says nothing against it ("data tersebut benar adanya"): read as
    a yes once the confirmation has been asked twice, so it is never asked a fourth time."""
    ws = [_plain(w) for w in words(text)]
    return any(w in AFFIRM_WORDS for w in ws) and not any(w in DENY_WORDS for w in ws) \
        and not is_correction(text) and not is_question(text) and len(ws) <= 15


def is_deny(text: str) -> bool:
    ws = words(text)
    if not ws or len(ws) > 6:
        return False
    if not any(w in DENY_WORDS for w in ws):
        return _has(r"\b(ga|gak|nggak|tidak|ndak|mboten|ora) (jadi|sido|sios)\b", text)
    return all(w in DENY_WORDS or w in FILLER or w in {"jadi", "kirim", "dikirim", "usah", "perlu", "sido",
                                                       "sios", "dulu", "mau", "deh", "aja"} for w in ws)


CANCEL = re.compile(
    r"\b(batal|batalkan|dibatalkan|cancel|gajadi|gakjadi|gkjadi|gajd|gak jd|ga jd|gk jd|orasido|rasido|ra sido|(?:ga|gak|gk|nggak|ngga|enggak|tidak|tdk|ndak|mboten|ora) (?:jadi|sido|sios)|"
    r"berhenti|stop|udahan|sudahi|ga usah dilanjut|gak usah dilanjut|tidak usah dilanjutkan"
    # Sundanese "teu jadi wae atuh", "teu sios"
    r"|(?:teu|henteu|moal) (?:jadi|sios))\b"
)


def is_cancel(text: str) -> bool:
    """A short, unmistakable "stop": "batal", "gak jadi deh", "stop aja"."""
    ws = words(text)
    return 0 < len(ws) <= 6 and CANCEL.search(norm(text)) is not None


OFFICER = re.compile(r"\b(petugas|operator|manusia|orang|cs|customer service|pegawai|staf|staff|admin asli|"
                     r"admin manusia|pak lurah|bu lurah|lurah)\b")
TALK = re.compile(r"\b(bicara|ngomong|ngobrol|hubungi|hubungkan|sambung|sambungkan|minta|mau|ingin|pengen|chat|"
                  r"telp|telepon|telpon|tanya langsung|dilayani|dengan|sama|kalih|kaliyan)\b")


def asks_for_officer(text: str) -> bool:
    """ "mau bicara dengan petugas", or just "petugas" / "admin" (as the help after two failures offers)."""
    n = norm(text)
    ws = n.split()
    if 0 < len(ws) <= 3 and (OFFICER.search(n) or "admin" in ws or "operator" in ws):
        return all(w in FILLER | {"petugas", "admin", "operator", "cs", "manusia", "orang", "hubungi", "minta",
                                  "mau", "ke", "sama", "dengan", "aja", "saja"} for w in ws)
    return len(ws) <= 10 and OFFICER.search(n) is not None and TALK.search(n) is not None


# --- typed choices ----------------------------------------------------------

SKIP_PHOTO = re.compile(
    r"\b(skip|lewat|lewati|lewatin|lanjut|lanjutkan|nanti|ntar|entar|mengko|mangke|mengke|engko|ngko|susul|susulkan|"
    r"disusulkan|nyusul|kapan kapan|kapan2|"
    r"(?:ga|gak|gk|g|gx|nggak|ngga|enggak|engga|tidak|tdk|tak|ndak|nda|belum|blm|ora|ra|rak|mboten|dereng|kagak|kaga"
    r"|kgk|kaga|bunten|kada|indak|dak|endak|teu|henteu|hana|sonde|tra|tiada|tida|seng|tara) "
    r"(?:ada|ad|ado|ono|onok|ana|punya|pny|wonten|gadhah|gaduh|duwe|nduwe|usah|perlu|sempat|sempet|smpt|bisa|bs|bsa|iso|isa"
    r"|motret|moto|foto|tersedia|memiliki|mempunyai|mengambil|ambil|ngambil|sempat ambil|sempat mengambil|gambar|gambarnya)|"
    # "Foto menyusul, untuk saat ini dilewati saja." (set 53)
    r"dilewati|dilewatin|dilewatkan|menyusul|"
    # "kamera hp sy rusak, gk bs foto" (set 51)
    r"kamera\w* (?:\w+ ){0,2}(?:rusak|error|eror|mati|pecah|burem|buram|ilang|hilang|ga nyala|gak nyala)|"
    r"gada|gaada|gakada|raono|raana|mboten wonten|mboten gadhah|ora ono|ora duwe|no photo|no foto|tanpa foto|"
    # "gapunya fotonya kak", Madurese "sobung foto" (set 57)
    r"gapunya|gakpunya|gkpunya|gapny|sobung|sobhung|tadha'|"
    # other regions: Banjar "kada ada", Minang "indak ado", Malay "takde", Sundanese "teu aya", Kupang "sonde"
    r"kadada|takde|takda|tadak|trada|teu aya|nope|none|nothing|dont have|don't have|no pic\w*|no image|no picture"
    r"|(?:ga|gak|gk|nggak|tidak|tdk|ndak|ora) berani (?:moto|foto|motret|ngefoto|memotret|ambil|ngambil|motoin|fotoin)"
    # "gimana mau foto, gelap dan mereka ngebut", "lwti" typed without vowels (sets 66, 68)
    r"|(?:gimana|gmn|gmana|piye|pripun|bagaimana|mana) (?:mau|bisa|bs|iso|sempat|sempet) (?:foto|moto|motret|ngefoto|fotoin)"
    r"|lwti|lwtin|lwtn|skp"
    # Madurese "tadha' foto", "tak bede"
    r"|tadha|tada|tadhak|(?:tak|ta|tak') (?:bede|bedhe|endi|ngeco))\b"
)


def is_photo_skip(text: str) -> bool:
    """A typed "no photo" at the photo question: "ga ada", "nanti aja", "mboten wonten", "skip"."""
    n = norm(text)
    if not n:
        return False
    if n != re.sub(r"(.)\1+", r"\1", n) and is_photo_skip(re.sub(r"(.)\1+", r"\1", n)):
        return True  # "gaadaa fotonyaa:(", "lewatii" (set 58): letters typed long
    if n in {"tidak", "gak", "ga", "gk", "g", "gx", "nggak", "ngga", "no", "ndak", "nda", "mboten", "ora", "belum", "-",
             "lewat", "kada", "indak", "tak", "dak", "endak", "henteu", "sonde", "tra", "kagak", "kaga", "tiada", "nope",
             "tadha", "enje", "bunten", "bhunten"}:
        return True
    return SKIP_PHOTO.search(n) is not None


def mentions_no_photo(text: str) -> bool:
    """Outside the photo question only an explicit "tidak ada foto" counts."""
    n = norm(text)
    return is_photo_skip(n) and re.search(r"\b(foto|fotonya|gambar|gambarnya|bukti|buktinya)\b", n) is not None


ANONYMOUS = re.compile(
    r"\b(anonim|anonym|anonymous|anon|rahasia|rahasiakan|dirahasiakan|merahasiakan|tanpa nama|hamba allah|"
    r"rahasiain|dirahasiain|rahasiin|sembunyiin|disembunyiin|samarin|disamarin|disamarkan|samarkan|disamarke|"
    r"rahasiakno|dirahasiakno|rahasiake|dirahasiake|rahasiaken|"  # Javanese ngoko (set 49)
    r"sembunyikan|disembunyikan|samarkan|"
    r"(?:(?:ga|gak|gk|nggak|ngga|tidak|tdk|ndak|mboten|ora|jangan|jgn|ojo|ampun) (?:usah |perlu |mau |ingin |purun |kersa )?"
    r"|(?:gausah|gaushah|ngausah|rausah|ndausah|gaperlu|gakusah) )"
    r"(?:pakai |pake |nganggo |sebut |disebut |di sebut |disebutkan |disebutaken |cantumkan |dicantumkan |tulis |ditulis |di tulis |"
    r"dipun serat |diserat |dipun sebut |dipun cantumaken |dicantumke |dicantumin |ditulisin |dipun tulis |"
    r"kasih |menyebutkan |nyebut |disebutke |nyebutke )?(?:nama|nami|asma|identitas|jeneng)(?:nya|ku|ne|ipun)?|"
    # the name first: "nami kulo mboten usah dipun cantumaken", "namaku ga usah ditulis"
    r"(?:nama|namaku|namanya|namane|nami|namipun|asma|jeneng|jenengku|jenenge|identitas|identitasnya)(?: saya| sy| kulo| kula| aku| ku| beliau| mbah| ibu| bapak)? "
    r"(?:ga|gak|gk|nggak|ngga|tidak|tdk|ndak|mboten|ora|jangan|jgn|sanes) (?:usah|perlu|sah|dipun|di)\w*)\b"
)


_CHANGE_OF_MIND = re.compile(
    r"(?:\.{2,}|[,;]|^)\s*(?:eh+|ehm+|tapi|tp|nggak|ga|gak)\b\s*(?:gpp|ga papa|gak papa|nggak papa|ndak papa|boleh|pake|pakai"
    r"|sebut|tulis)\b", re.IGNORECASE)


def last_thought(text: str) -> str:
    """ "anonim aja min... eh gpp deh pake nama, Hartini": what the resident settled on."""
    matches = list(_CHANGE_OF_MIND.finditer(text or ""))
    return text[matches[-1].start():].lstrip(" .,;") if matches and matches[-1].start() > 0 else (text or "")


def is_anonymous(text: str) -> bool:
    n = norm(text)
    return n in {"-", "tidak", "gak", "ga", "no", "mboten"} or ANONYMOUS.search(n) is not None or \
        (text or "").strip() == "-"


# --- names ------------------------------------------------------------------

_NAME_PREFIX = re.compile(
    r"^\s*(?:(?:nama|nm|namanya|nami|asma)\s*(?:saya|sy|aku|kulo|lengkap(?:nya)?|pemohon(?:nya)?|pelapor(?:nya)?|"
    r"ku|kula|q|gue|gw|aye|ambo|awak|ulun)?\s*(?:adalah|yaitu|ialah|:|=)?|saya|sy|aku|kulo|kula|q|atas nama|a\.\s?n\.?|an\.)\s+",
    re.IGNORECASE,
)
_NAME_CHARS = re.compile(r"^[A-Za-z][A-Za-z.'\-]*$")


# "Agung Wicaksono pakai o", "Lestari (pake i)": how to spell it, not part of the name.
_SPELLING_NOTE = re.compile(r"\s*[,(]?\s*(?:pakai|pake|pakek|pk|dengan|dgn|huruf|hurufnya)\s+(?:huruf\s+)?[a-zA-Z]{1,2}"
                            r"(?:\s+(?:bukan|bkn|dudu)\s+[a-zA-Z]{1,2})?\s*\)?\s*$")


def clean_name(text: str) -> str:
    """ "nama saya Agus Salim." -> "Agus Salim"; honorifics and trailing fillers dropped."""
    t = " ".join((text or "").split()).strip(" ,.;:!")
    for _ in range(2):
        t = _NAME_PREFIX.sub("", t).strip(" ,.;:!")
    t = _SPELLING_NOTE.sub("", t).strip(" ,.;:!")
    t = re.sub(r"^(?:Bpk|Bp|Sdr|Sdri)\.\s*(?=[A-Z])", "", t)  # "Bpk. Sarwono" (protected as "Bpk.Sarwono")
    parts = t.split()
    while parts and parts[0].lower().strip(".,") in HONORIFICS | ROLE_WORDS and len(parts) > 1:
        parts = parts[1:]
    while parts and parts[-1].lower().strip(".,!") in FILLER | {"pak", "bu", "min", "kak", "nggih", "ya"}:
        parts = parts[:-1]
    return " ".join(parts).strip(" ,;:!")


_NAME_CHATTER = {"oh", "o", "eh", "ini", "itu", "nama", "namaku", "nami", "asma", "jeneng", "jenengku", "lengkap",
                 "lengkapnya", "saya", "sy", "aku", "kulo", "kula", "gue", "gw", "ya", "yaa", "kak", "pak", "bu", "min",
                 "mas", "mbak", "dek", "nggih", "injih", "nih", "dong", "sih", "kok", "adalah", "yaitu", "atas", "an"}


# "Moh. Sholeh", "Hj. Siti Aminah": the dot of a name's abbreviation ends no sentence.
_NAME_ABBREV_DOT = re.compile(r"\b(M|H|Hj|Moh|Muh|Moch|Mhd|Mochd|Abd|Ir|Dr|Drs|St|Sy|R|Rr|RA|RM|KH|Ny|Tn|Bpk|Bp|Sdr|Sdri)\.\s+(?=[A-Z])")
_NAME_ABBREV_JOINED = re.compile(r"\b(M|H|Hj|Moh|Muh|Moch|Mhd|Mochd|Abd|Ir|Dr|Drs|St|Sy|R|Rr|RA|RM|KH|Ny|Tn|Bpk|Bp|Sdr|Sdri)\.(?=[A-Z])")


def _protect_abbreviations(text: str) -> str:
    return _NAME_ABBREV_DOT.sub(r"\1.", text or "")


def _restore_abbreviations(name: str) -> str:
    return _NAME_ABBREV_JOINED.sub(r"\1. ", name or "")


def name_in_answer(text: str) -> str:
    """The name inside an answer to "what is your name?" with chatter around it:
    "oh nama lengkap ya kak, Ayu Lestari Ningsih", "Sigit Purnomo, ketua RT 05",
    "Sulastri pakai i" (the capitalised run when the rest is lower case)."""
    found = find_name(text)
    if found:
        return found
    candidates, capitalised = [], []
    for segment in re.split(r"[,;]|\.\s|\s-\s", _protect_abbreviations(text)):
        words_ = segment.split()
        while words_ and words_[0].lower().strip(".,!?") in _NAME_CHATTER:
            words_ = words_[1:]
        segment = " ".join(words_)
        # (the lower-case links of a name stay inside it: "Salim bin Abdullah Bawazier", "Siti binti Ahmad")
        caps = re.findall(r"(?:[A-Z][a-zA-Z.'\-]*)(?:\s+(?:(?:bin|binti|bte|van|van der|de|al|el)\s+)?[A-Z][a-zA-Z.'\-]*)*", segment)
        if caps and segment != segment.lower() and (any(ch.islower() for ch in segment) and len(caps[0]) < len(segment)
                                                     or any(ch.islower() for ch in text)):
            capitalised.append(clean_name(max(caps, key=len)))
        candidates.append(clean_name(segment))
    # "saya anaknya, Fatimah Azzahra", "namanya tulis lengkap aja, Wulandari": when the answer mixes
    # lower-case chatter with a capitalised name, the capitalised name is the name.
    if text != text.lower() and any(ch.islower() for ch in text):
        candidates = capitalised + candidates
    else:
        candidates = candidates + capitalised
    for candidate in candidates:
        if looks_like_name(candidate):
            return _restore_abbreviations(candidate)
    return clean_name(text)


# What says a name given before was cut short or misspelt ("namanya kurang, lengkapnya ...", "nama lengkap
# saya ..., tadi kurang", "nami kula jangkepipun ...", "nama yg bener Annisa pakai n dua").
_NAME_FIX_MARK = re.compile(r"\b(?:kurang|lengkap\w*|jangkep\w*|belum lengkap|kepotong|terpotong|ketinggalan|salah ketik|typo"
                            r"|pakai|pake|pk|yg bener|yang benar|yg benar|yang bener|ingkang leres|bukan|dudu|sanes|saja tapi)\b",
                            re.IGNORECASE)
_NAME_MARK_WORDS = {"namanya", "nama", "nami", "jeneng", "jenengku", "asma", "lengkapnya", "lengkap", "jangkepipun", "jangkepe",
                    "sebentar", "maaf", "afwan", "ngapunten", "eh", "ehh", "oh", "kurang", "bukan", "tapi"}


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _in_order(part: list[str], whole: list[str]) -> bool:
    """Every word of ``part`` in ``whole``, in the same order."""
    rest = iter(whole)
    return all(w in rest for w in part)


def completed_name(text: str, current: str) -> str | None:
    """The name ``current`` completed or respelt by ``text``, or None.

    Only a capitalised name in the text that holds the name given before and adds to it ("Hartini" ->
    "Bukan Hartini saja tapi Hartini Sulistyowati, lengkapnya"), or that respells one of its words
    ("Anisa Rahmawati" -> "nama yg bener Annisa pakai n dua"), with words that say so; any other
    message is left to the open question."""
    if not _NAME_FIX_MARK.search(text or "") or not current:
        return None
    have = current.split()
    have_low = [w.lower().strip(".") for w in have]
    for run in re.findall(r"[A-Z][a-zA-Z.'\-]*(?:\s+[A-Z][a-zA-Z.'\-]*)*", _protect_abbreviations(text)):
        parts = run.split()
        while parts and parts[0].lower().strip(".,") in _NAME_MARK_WORDS | HONORIFICS:
            parts = parts[1:]
        candidate = clean_name(" ".join(parts))
        if not candidate or not looks_like_name(candidate):
            continue
        low = [w.lower().strip(".") for w in candidate.split()]
        if len(low) > len(have_low) and low[:len(have_low)] == have_low:
            return _restore_abbreviations(candidate)  # completed
        if len(low) > len(have_low) >= 2 and low[0] == have_low[0] and low[-1] == have_low[-1] \
                and _in_order(have_low, low):
            return _restore_abbreviations(candidate)  # "Putri Maharani" -> "Putri Ayu Maharani" (set 49)
        if len(low) >= len(have_low) and low[:len(have_low) - 1] == have_low[:-1] and len(have_low[-1]) >= 3 \
                and low[len(have_low) - 1].startswith(have_low[-1]) and low != have_low:
            return _restore_abbreviations(candidate)  # "Wulan" -> "Wulandari"
        if len(low) == 1 and low[0] not in have_low:
            close = [i for i, w in enumerate(have_low)
                     if w[:1] == low[0][:1] and _edit_distance(w, low[0]) <= 2 and len(w) >= 3]
            if len(close) == 1:
                fixed = list(have)
                fixed[close[0]] = candidate
                return " ".join(fixed)  # respelt
    return None


def looks_like_name(text: str) -> bool:
    """A person's name: 1-6 words of letters (dots, apostrophes, dashes allowed), no sentence words."""
    parts = (text or "").split()
    if not 1 <= len(parts) <= 6:
        return False
    letters = sum(ch.isalpha() for ch in text)
    if not 2 <= letters <= 100:
        return False
    for part in parts:
        if not _NAME_CHARS.match(part):
            return False
    lowered = [p.lower().strip(".'-") for p in parts]
    if len(parts) == 1 and lowered[0] in {"lwti", "lwtin", "lwtn", "skp", "skip", "lewati", "lewat", "gada", "gaada"}:
        return False  # a refusal typed short at the photo question is no name (set 66: "lwti" saved as the reporter)
    if any((w in NOT_NAME_WORDS or w in ROLE_WORDS) and not (w in NAME_ABBREVIATIONS and part[:1].isupper())
           for w, part in zip(lowered, parts) if len(w) > 1):
        return False
    if any(w.startswith(("foto", "poto", "gambar")) for w in lowered):
        return False  # "teu gaduh fotona", "fotone durung": about the photo, in any language
    return True


# A name ends before a comma, a NIK, an address ... or who the person is ("sy Lilik Sumarni anak sulung ...").
_NAME_STOP = r"(?=\s*(?:[,;]|\.\s|\b[Nn][Ii][Kk]\b|\bnomor\b|\b(?:saya|sy|aku|kulo|kula|gw|gue)\b|\balamat|\btinggal|\bwarga\b|\bdari\b|\bmau\b|\bingin\b|\bpengen\b|" \
             r"\bbadhe\b|\barep\b|\buntuk\b|\butk\b|\bbuat\b|\bkeperluan|\brt\b|\bdi\b|\bno\b|\bumur|\bhp\b|\bwa\b|\d|" \
             r"\b(?:kak|pak|bu|min|mas|mbak|dek|ya|nggih|bang|bro|sis|gan)\b|" \
             r"\b(?:anak|istri|isteri|suami|cucu|adik|kakak|selaku|sebagai|asal|kerja|skrg|sekarang|yang|yg|lagi)\b|$))"
_NAME_IN_TEXT = [
    # ("balik nama sertifikat", "ganti nama" are purposes, not names)
    re.compile(r"(?<!balik )(?<!ganti )(?<!alih )(?<!atas )\b(?:nama|namanya|nami|jenengku|jenengé|jeneng|asmaku"
               r"|asma(?=\s+(?:kulo|kula|dalem|kawula)\b))"
               r"(?:\s+(?:saya|sy|aku|kulo|kula|gw|gue|ane|aye|ambo|awak|ulun|ku|q|lengkap(?:nya)?|pemohon(?:nya)?|pelapor))?\s*"
               r"(?:adalah|yaitu|:|=)?\s+"
               # "masukin nama istri", "nama anak saya Budi": someone else's name, not the resident's
               r"(?!(?:istri|isteri|suami|anak|adik|adek|kakak|mertua|almarhum\w*|alm|bayi|cucu|ortu"
               r"|orang ?tua|kandung|pasangan|calon|saudara|keluarga|jalan|gang|toko|usaha|warung|bojo\w*|garwa"
               r"|(?:ibu|bapak|ayah|bu|pak|mbah|simbah)\s+(?:saya|sy|ku|aku|kulo|kula|gw|kandung|mertua))\b)"
               r"([A-Za-z][A-Za-z.'\- ]{1,80}?)" + _NAME_STOP, re.IGNORECASE),
    re.compile(r"(?:\batas nama|\ba\.\s?n\.?)\s*:?\s*"
               # "a.n. istri sy yg wafat": whose document, not the applicant's name
               r"(?!(?:istri|isteri|suami|anak|adik|kakak|mertua|almarhum\w*|alm|bayi|cucu|ortu|orang ?tua|ibu|bapak|ayah|mbah)\b)"
               r"([A-Za-z][A-Za-z.'\- ]{1,80}?)" + _NAME_STOP, re.IGNORECASE),
    # English: "name Daniel Kurniawan", "my name is Peter Walsh" (capitalised only)
    # (with the particles of Dutch, German, French and Arabic names: "Anneke de Vries", "Omar bin Said")
    re.compile(r"\b(?:[Mm]y (?:full )?name is|[Nn]ame(?: is)?:?|[Ii] am|[Ii]'m)\s+((?:[A-Z][a-z.'\-]+)"
               r"(?:\s+(?:(?:de|van|der|den|von|da|du|la|le|bin|binti|al|el|ter)\s+)*[A-Z][a-z.'\-]+){0,4})"
               + r"(?=\s+[a-z]|" + _NAME_STOP[3:]),
    # "saya Tri Handayani mau ..." only when capitalised as a name.
    re.compile(r"(?<!anak )(?<!istri )(?<!suami )(?<!ibu )(?<!bapak )(?<!ayah )(?<!adik )(?<!kakak )(?<!mertua )"
               r"\b(?:[Ss]aya|[Ss]y|[Aa]ku|[Kk]ulo|[Kk]ula|[Aa]ye|[Aa]mbo|[Aa]wak|[Uu]lun|[Gg]ue|[Gg]w|[Qq]|ana|ane)\s+"
               # (the capitals delimit the name: a lowercase word after it ends it, "Sy Darsono pedagang pasar")
               r"((?:[A-Z][a-z.'\-]+)(?:\s+[A-Z][a-z.'\-]+){0,4})" + r"(?=\s+[a-z]|" + _NAME_STOP[3:]),
    # "sku. Bambang Irawan, nik 3577...": a capitalised name listed right before the NIK.
    re.compile(r"(?:^|[.,;:]\s*)((?:[A-Z][a-z.'\-]+)(?:\s+[A-Z][a-z.'\-]+){1,3})\s*,?\s*(?=[Nn][Ii][Kk]\b)"),
    # "Selamat pagi pak, dengan Hartono." (how callers introduce themselves), capitalised only.
    re.compile(r"(?:^|[,.]\s*|\b(?:pak|bu|min|mas|mbak|kak)\s*,?\s*)(?:[Dd]engan|[Dd]gn)\s+"
               r"((?:[A-Z][a-z.'\-]+)(?:\s+[A-Z][a-z.'\-]+){0,4})" + _NAME_STOP),
]


def find_name(text: str) -> str | None:
    for pattern in _NAME_IN_TEXT:
        for match in pattern.finditer(_protect_abbreviations(text)):
            name = clean_name(match.group(1))
            if looks_like_name(name):
                return _restore_abbreviations(name)
    return None


# --- NIK --------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"(?<![\d])(\d[\d .\-]{6,30}\d)(?![\d])")


def find_nik(text: str) -> str | None:
    """A NIK-looking number in the text (16 digits, separators allowed), or any long
    number right after the word "nik" (so a wrong length can be explained)."""
    after_keyword = re.search(r"\bnik(?:nya| saya| sy| pemohon)?\s*(?:adalah|:|=)?\s*(\d[\d .\-]*\d)", text or "",
                              re.IGNORECASE)
    if after_keyword:
        digits = re.sub(r"\D", "", after_keyword.group(1))
        exact = re.match(r"(\d{16})(?:\s+\d{1,2}\b)", after_keyword.group(1))
        if len(digits) != 16 and exact:
            return exact.group(1)  # "NIK 3577014109990002 4. alamat ...": a numbered list goes on
        return digits
    for match in _DIGIT_RUN.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group(1))
        if len(digits) == 16:
            return digits
    spoken = _spoken_digits(text)
    if spoken and len(spoken) >= 12:  # read out digit by digit (voice typing); a wrong length is explained
        return spoken
    return None


_DIGIT_WORDS = {"nol": "0", "kosong": "0", "satu": "1", "siji": "1", "setunggal": "1", "dua": "2", "loro": "2", "kalih": "2",
                "tiga": "3", "telu": "3", "empat": "4", "papat": "4", "sekawan": "4", "lima": "5", "limo": "5",
                "gangsal": "5", "enam": "6", "enem": "6", "tujuh": "7", "pitu": "7", "delapan": "8", "wolu": "8",
                "sembilan": "9", "songo": "9", "sanga": "9"}


def _spoken_digits(text: str) -> str:
    """ "tiga lima tujuh tujuh nol satu ..." -> "357701...": the longest run of digit words (digits
    typed among them count too); "" unless most of the run was spoken."""
    best, run, spoken_words = ("", 0), "", 0
    for token in re.findall(r"[a-z]+|\d+", (text or "").lower()) + ["."]:
        if token in _DIGIT_WORDS:
            run += _DIGIT_WORDS[token]
            spoken_words += 1
        elif token.isdigit():
            run += token
        else:
            if len(run) > len(best[0]):
                best = (run, spoken_words)
            run, spoken_words = "", 0
    return best[0] if best[1] >= 6 else ""


# --- address / place --------------------------------------------------------

STREET = r"(?:jl|jln|jalan|gg|gang|perum|perumahan|komplek|kompleks|blok|dusun|dsn|kampung|kp|desa|lingkungan|lorong)"
_RT_RW_TEXT = re.compile(
    r"\bRT\.?\s*[:/]?\s*\d{1,3}\b(?:.*?\bRW\.?\s*[:/]?\s*\d{1,3}\b)?|\bRW\.?\s*[:/]?\s*\d{1,3}\b(?:\s*,?\s*RT\.?\s*\d{1,3}\b)?",
    re.IGNORECASE,
)
_FIELD_KEYWORDS = r"(?:nik|nama|keperluan(?:nya)?|untuk|utk|guna|kangge|buat keperluan|tujuan(?:nya)?|no\.? hp|hp|wa)"
_ADDRESS_EXPLICIT = re.compile(
    r"\b(?:alamat(?:nya)?(?:\s+(?:saya|sy|rumah|lengkap(?:nya)?|pemohon|ktp|sesuai ktp|domisili))?|tinggal di|"
    r"beralamat di|rumah saya di|rumahnya di|domisili di|alamate)\s*(?:di|:|adalah|=)?\s+"
    r"(.+?)(?=\s*[,;]\s*(?:buat|gawe|damel)\b|\s*(?:[,;]\s*)?\b" + _FIELD_KEYWORDS + r"\b|$)",
    re.IGNORECASE,
)
_ADDRESS_IMPLICIT = re.compile(
    r"\b(" + STREET + r"\b\.?.{0,60}?\bRT\.?\s*[:/]?\s*\d{1,3}\b(?:.{0,12}?\bRW\.?\s*[:/]?\s*\d{1,3}\b)?)",
    re.IGNORECASE,
)


def clean_value(text: str) -> str:
    return " ".join((text or "").split()).strip(" ,;:.!-")


def find_address(text: str) -> tuple[str | None, bool]:
    """(address, explicit): "alamat ..." (explicit) or a street ... RT/RW stretch."""
    match = _ADDRESS_EXPLICIT.search(text or "")
    if match:
        value = clean_value(match.group(1))
        if value and (parse_rt_rw(value) or re.search(r"\b" + STREET + r"\b", value, re.IGNORECASE)):
            return value, True
    match = _ADDRESS_IMPLICIT.search(text or "")
    if match and parse_rt_rw(match.group(1)):
        return clean_value(match.group(1)), False
    rt_rw = _RT_RW_TEXT.search(text or "")
    if rt_rw and parse_rt_rw(rt_rw.group(0)):
        return clean_value(rt_rw.group(0)), False
    return None, False


def has_rt_rw(text: str) -> bool:
    return parse_rt_rw(text or "") is not None


def has_rt_or_rw(text: str) -> bool:
    return re.search(r"\b(rt|rw)\.?\s*[:/]?\s*\d{1,3}\b", text or "", re.IGNORECASE) is not None


# Landmarks and place words (Indonesian and Javanese).
PLACE_WORDS = {
    "jl", "jln", "jalan", "gg", "gang", "perum", "perumahan", "komplek", "kompleks", "blok", "dusun", "dsn",
    "kampung", "kp", "desa", "lorong", "rt", "rw", "depan", "belakang", "samping", "sebelah", "dekat", "seberang",
    "pojok", "ujung", "tengah", "pinggir", "perempatan", "pertigaan", "simpang", "bundaran", "balai", "masjid",
    "mesjid", "musholla", "mushola", "musala", "langgar", "surau", "gereja", "pura", "klenteng", "sekolah", "sd",
    "sdn", "smp", "smpn", "sma", "sman", "smk", "tk", "paud", "pasar", "toko", "warung", "indomaret", "alfamart",
    "lapangan", "makam", "kuburan", "tpu", "sungai", "kali", "jembatan", "rumah", "griya", "kos", "kost", "kontrakan",
    "kantor", "pos", "gardu", "poskamling", "taman", "stasiun", "terminal", "puskesmas", "posyandu", "rs",
    "sawah", "kebun", "tps", "rel", "loket", "ruang", "ruangan", "halaman", "parkiran", "area", "kawasan",
    "wilayah", "utara", "selatan", "timur", "barat", "lor", "kidul", "wetan", "kulon", "ngajeng", "wingking",
    "mburi", "ngarep", "sandhing", "cedhak", "caket", "margi", "dalan", "lurung", "mergi", "no", "nomor", "kelurahan",
    "kecamatan", "sogaten", "manguharjo", "madiun", "got", "selokan", "saluran", "trotoar", "bank", "mall",
    "gedung", "lingkungan", "sekitar", "pertokoan", "ruko", "sentra", "tikungan", "belokan", "pengkolan", "gapura",
    "mulut", "kos", "asrama", "kontrakan",
    # English: "near the railway crossing", "in front of the mosque"
    "near", "behind", "front", "next", "street", "road", "alley", "lane", "bridge", "market", "mosque", "school",
    "crossing", "corner", "field", "river", "office", "cemetery", "railway", "junction", "intersection", "dpn", "dpan", "blkg", "blk", "smpg", "sbl", "dkt", "dket", "deket", "rmh",
}
# Words that end a place phrase inside a sentence (what happened, when, how bad).
PLACE_STOP = {
    # "helm aku ilang di parkiran kos semalem" (set 61): when, not where
    "semalem", "semalam", "kemarin", "kemaren", "kmrn", "tadi", "td", "wingi", "barusan", "dalu", "bengi",
    # "gang awak" / "gang aye": my alley, which says nothing about where it is
    "awak", "ambo", "aye", "ulun", "ane", "gue", "gw", "sa", "pu", "beta", "ko", "lubang",
    "ambles", "amblas", "pecah", "retak", "jebol", "roboh", "rubuh", "longsor", "mergo", "merga", "amargi", "gara",
    "akibat", "karna", "krn", "soale", "ada", "wonten", "onok", "ono", "ana", "kejeblos", "nyemplung", "meluber",
    "mbleber", "ngganggu", "mengganggu", "rusak", "berlubang", "bolong", "meluap", "mampet", "tersumbat", "mati", "padam", "banjir", "numpuk",
    "menumpuk", "bau", "sudah", "udah", "udh", "sdh", "sejak", "belum", "blm", "tidak", "gak", "ga", "ada", "dan",
    "yang", "yg", "tolong", "mohon", "sangat", "parah", "banget", "bgt", "lagi", "terus", "tiap", "setiap", "kalau",
    "kalo", "bikin", "jadi", "karena", "soalnya", "itu", "ini", "mau", "minta", "ke", "dari", "sama", "berisik",
    "bahaya", "ambruk", "tumbang", "jatuh", "ilang", "hilang", "dicuri", "kena", "ra", "ora", "wis", "sampun",
    "dipun", "nutupi", "diresiki", "diganti", "diperbaiki", "gelap", "macet", "sering", "selalu", "pas", "waktu",
    "saat", "malam", "siang", "pagi", "sore", "hari", "minggu", "bulan", "kemarin", "tadi", "airnya", "air",
    "masuk", "keluar", "sampe", "sampai", "hingga", "dengan", "atau", "untuk", "buat", "juga", "pak", "bu", "min",
    "wonten", "kulo", "saya", "sy", "aku", "warga", "motor", "mobil", "orang", "anak", "di", "neng", "nang", "teng",
    # whose ("gang kami"), when ("parkiran kos td subuh") and more of what happened
    "kami", "kita", "gw", "gue", "kula", "temen", "teman", "td", "tdi", "subuh", "dini", "semalam", "kmrn", "kemaren",
    "wingi", "bengi", "esuk", "dalu", "jam", "pukul", "patah", "bocor", "putus", "copot", "lepas", "hancur", "ambrol",
    "kotor", "penuh", "luber", "miring", "acak", "gede", "besar", "kecil", "lebar",
    # "di kantor kelurahan pekan lalu", "... dimintain 100rb which is ..." (sets 53, 56)
    "pekan", "lalu", "kemarin", "kemarinnya", "barusan", "dimintain", "dimintai", "diminta", "disuruh", "dipalak",
    "ditarik", "dipungut", "which", "basically", "literally",
}
_PLACE_START = re.compile(
    r"\b(?:di|neng|nang|ing|teng|wonten|sekitar|lokasi(?:nya|ne|x|nipun)?|tempat(?:nya|e|ipun)?)\s+|"
    r"\b(?=(?:" + STREET + r"|depan|belakang|samping|sebelah|dekat|seberang|pojok|ujung|ngajeng|wingking|mburi|"
    r"perempatan|pertigaan|balai|masjid|mushola|musholla|rt|rw)\b)",
    re.IGNORECASE,
)
_GENERIC_PLACE_ONLY = {"jalan", "rumah", "trotoar", "got", "selokan", "saluran", "kali", "sungai", "sini", "situ",
                       "margi", "dalan", "depan", "belakang", "samping", "sebelah", "dekat", "kampung", "lingkungan",
                       "tengah", "pinggir", "sekitar", "area", "wilayah", "kawasan"}


_GENERIC_HEADS = _GENERIC_PLACE_ONLY | {"rumah", "rmh", "kebun", "sawah", "lahan", "tanah", "pekarangan", "tegalan", "lorong"}
_DIRECTIONS = {"depan", "belakang", "samping", "sebelah", "dekat", "seberang", "pojok", "ujung", "tengah", "pinggir",
               "dpn", "dpan", "blkg", "blk", "smpg", "sbl", "dkt", "dket", "deket",
               "utara", "selatan", "timur", "barat", "lor", "kidul", "wetan", "kulon", "ngajeng", "wingking", "mburi",
               "ngarep", "sandhing", "cedhak", "caket", "sekitar", "area", "kawasan", "wilayah", "no", "nomor"}
_PLACE_NAMES = {"sogaten", "manguharjo", "madiun"}


def _is_name_token(token: str) -> bool:
    """A word that names a place ("durian", "yos", "al", "3", "sogaten"), not another place word."""
    if re.fullmatch(r"\d{1,4}[a-z]?", token):
        return True
    return (token in _PLACE_NAMES or token not in PLACE_WORDS) and token not in PLACE_STOP


_ABBREVIATIONS = {"jl", "jln", "gg", "no", "kp", "dsn", "rt", "rw", "perum", "kel", "kec", "sdn", "smpn"}


def _clause(text: str) -> str:
    """Up to the end of the clause: a comma, ";", "!", "?" or a full stop that ends no abbreviation."""
    for match in re.finditer(r"[,;!?]|\.(?=\s|$)", text):
        if match.group(0) != ".":
            return text[: match.start()]
        before = re.findall(r"[A-Za-z0-9]+$", text[: match.start()])
        if not before or before[0].lower() not in _ABBREVIATIONS:
            return text[: match.start()]
    return text


def find_place(text: str, strict: bool = False) -> str | None:
    """A specific place inside a sentence ("got di samping balai rw 3 rt 2 meluap" ->
    "samping balai rw 3 rt 2"); None for generic ones ("di trotoar", "ke jalan").
    ``strict`` (a place told in passing in an answer to another question): only with an RT/RW, a
    number or a capitalised name ("jalan gang seueur lubang" in Sundanese is no street's name)."""
    # (who writes is no place: "saya kader posyandu lansia RW 03" is blanked, offsets kept)
    raw = _IDENTITY.sub(lambda m: " " * len(m.group(0)), text or "")
    best: str | None = None
    for start in _PLACE_START.finditer(raw):
        if re.search(r"\b(?:lampu|penerangan|marka|rambu|papan nama)\s*$", raw[:start.start()], re.IGNORECASE):
            continue  # "lampu jalan 2 tiang": the street light is the thing, not the place
        tail = _clause(raw[start.end():])
        if re.match(r"lokasi|tempat(?:nya|e|ipun)\b", start.group(0), re.IGNORECASE) and looks_like_place(tail) \
                and len(words(tail)) <= 12 and has_rt_or_rw(tail) + sum(w in PLACE_WORDS for w in words(tail)) >= 2:
            return clean_value(tail)  # "lokasine los sayur blok B pasar sogaten": said to be the place
        tokens = re.findall(r"[A-Za-z0-9][A-Za-z0-9.'/\-]*", tail)
        kept: list[str] = []
        names_after_place = 0
        for tok in tokens:
            low = tok.lower().strip(".")
            low = re.sub(r"(?<=[a-z])2(?:an|nya|e)?$", "", low)  # "bolong2", "acak2an": the word itself
            if low in PLACE_STOP and not (kept and kept[-1].lower().strip(".") in ("rt", "rw", "no", "nomor")):
                break
            if low in PLACE_WORDS or re.fullmatch(r"\d{1,4}[a-z]?", low):
                kept.append(tok)
                names_after_place = 0
                continue
            if kept and names_after_place < 3 and not (
                    re.fullmatch(r"\d{1,4}[a-z]?", kept[-1].lower()) and len(kept) >= 2
                    and kept[-2].lower().strip(".") in ("rt", "rw")):
                kept.append(tok)  # the name of the street/landmark ("jl yos sudarso", "mushola al huda")
                names_after_place += 1
                continue
            break
        if not kept:
            continue
        if kept[0].lower() in ("rt", "rw") and not start.group(0).strip():
            # "jembatan kayu penghubung RT 2": the landmark before the RT belongs to the place.
            before = re.findall(r"[A-Za-z0-9][A-Za-z0-9.'/\-]*", raw[: start.start()])[-4:]
            for i in range(len(before)):
                low = before[i].lower().strip(".")
                if low in PLACE_WORDS and low not in _GENERIC_PLACE_ONLY | {"no", "nomor", "di"} and not any(
                    b.lower().strip(".") in PLACE_STOP for b in before[i + 1:]
                ):
                    # with the generic words that lead to it ("kali belakang pasar, RT 07 RW 03")
                    while i > 0 and before[i - 1].lower().strip(".") in PLACE_WORDS \
                            and before[i - 1].lower().strip(".") not in {"no", "nomor", "di"}:
                        i -= 1
                    kept = before[i:] + kept
                    break
        phrase = " ".join(kept)
        lows = [k.lower().strip(".") for k in kept]
        # A capital says "a name" only in a message that is not typed in capitals throughout.
        shouting = raw.upper() == raw
        # Specific enough to find: an RT/RW, or a street/landmark followed by its name or number
        # ("gang durian", "jl yos sudarso", "mushola al huda", "gang 3"). "depan SD", "tps belakang
        # pasar" or "di trotoar" are not: the location question is still asked.
        # A generic head ("rumah", "saluran", "perumahan") is specific only with a number or a
        # capitalised name after it ("perumahan Griya Asri", "rumah no 14"), not "rumah ambles".
        # An RT/RW alone ("lansia di RT 07") is an area; with a landmark or street it is a place.
        landmark = any(low in PLACE_WORDS and low not in _DIRECTIONS and low not in ("rt", "rw", "no", "nomor")
                       for low in lows)
        both = re.search(r"\bRT\b", phrase, re.IGNORECASE) and re.search(r"\bRW\b", phrase, re.IGNORECASE)
        specific = (has_rt_or_rw(phrase) and (landmark or both)) or any(
            low in PLACE_WORDS and low not in _DIRECTIONS and low not in ("rt", "rw", "no", "nomor")
            and _is_name_token(nxt) and (low not in _GENERIC_HEADS or re.fullmatch(r"\d{1,4}[a-z]?", nxt)
                                   or (orig[:1].isupper() and not shouting))
            for low, nxt, orig in zip(lows, lows[1:], kept[1:])
        )
        if specific and strict and not (has_rt_or_rw(phrase) or any(re.fullmatch(r"\d{1,4}[a-z]?", low) for low in lows)
                                        or (not shouting and any(k[:1].isupper() for k in kept[1:]))):
            specific = False
        if specific and (best is None or len(phrase) > len(best)):
            best = clean_value(phrase)
    if best:
        # "di warung Bu Darmi, Gg. Jeruk RT 03 RW 04": the landmark before the street belongs to it.
        at = raw.find(best)
        before = _LANDMARK_BEFORE.search(raw[:at]) if at > 0 else None
        if before:
            best = clean_value(f"{before.group(1)}, {best}")
    return best


_LANDMARK_BEFORE = re.compile(
    r"\b(?:di|dekat|depan|samping|belakang|sebelah|deket|dkt|dpn)\s+((?:warung|toko|rumah|masjid|mushola|musholla|langgar"
    r"|balai|pos|kios|bengkel|sekolah|sd|sdn|smp|pasar|makam|lapangan|gereja|kantor|pondok|ponpes|puskesmas|posyandu)"
    r"\b[^,.;!?]{1,30}),\s*$", re.IGNORECASE)


def looks_like_place(text: str) -> bool:
    """An answer to "where?": a street, landmark, RT/RW or named place; not "gak ada foto"."""
    n = norm(text)
    ws = n.split()
    if not ws or is_photo_skip(n) and not any(w in PLACE_WORDS for w in ws if w not in ("no",)):
        return False
    if has_rt_or_rw(text):
        return True
    if is_question(text):
        return False
    if any(w in PLACE_WORDS and w not in ("no", "nomor") for w in ws):
        return True
    # "Cendrawasih 5", "Perum Griya Asri": a named place with a number or two capitalised words
    # (not a time or an amount: "ralat, udah 5 hari bukan 3 hari mampetnya" is no place).
    if re.search(r"[A-Za-z]{3,}\s+\d{1,4}\b(?!\s*(?:hari|hr|minggu|mgg|bulan|bln|tahun|thn|jam|menit|kali|x\b|rb|ribu|juta"
                 r"|orang|org|ekor|kk\b))", text or ""):
        return True
    return False


# --- purpose ----------------------------------------------------------------

_PURPOSE_MARKER = re.compile(
    r"\b(?:untuk keperluan|buat keperluan|keperluan(?:nya)?(?:\s+(?:untuk|buat|utk|ganti|diganti|jadi))?|"
    r"tujuan(?:nya)?(?:\s+(?:untuk|buat))?|dipakai (?:untuk|buat)|digunakan untuk|untuk|utk|untk|tuk|guna|buat|bwt|kangge|"
    r"kanggo|damel|gawe)\s*[:=]?\s+",
    re.IGNORECASE,
)
_PURPOSE_END = re.compile(r"\s*(?:[,;]\s*(?:nik|nama|alamat|daftar(?:in|kan)|tolong|mohon|ya\b)"
                          # ("balik nama" is what an heirship letter is for: set 50's "buat balik nama rumah")
                          r"|\bnik\b|\balamat\b|(?<!balik )(?<!ganti )(?<!ubah )(?<!beda )(?<!salah )(?<!perubahan )\bnama\b|\.\s"
                          # "buat berobat kak, saya cucunya yg ngetik": who is typing, not what it is for (set 50)
                          r"|[,;.]\s*(?:saya|sy|aku|kulo|kula)\s+(?:cucu|anak|putra|putri|menantu|keponakan|ponakan|adik|kakak"
                          r"|suami|istri|yang|yg|sing|ingkang)\w*\b"
                          r"|[,;.]\s*(?:(?:sy|saya|aku|kami|ambo|awak)\s+)?(?:mau|mo|ingin|pengen|nak|minta|butuh|perlu)\b|$)",
                          re.IGNORECASE)
_NOT_PURPOSE_START = re.compile(
    # a person ("untuk suami saya yang meninggal") is who the document is for, not what it is for
    r"^(?:suami|istri|isteri|anak|bapak|ibu|adik|adek|kakak|mbah|nenek|kakek|orang tua|ortu|keluarga|almarhum|"
    r"almarhumah|alm|simbah\w*|simbok|rama|saya|sy|aku|kulo|beliau|dia|mereka|bojo|bojoku|garwa|putra|putri|orang|warga|di sini|disini|sini|"
    r"tetangga\w*|teman\w*|temen\w*|saudara\w*|sodara\w*|ponakan\w*|keponakan\w*|cucu\w*|mertua\w*|kakak\w*|"
    r"adik\w*|adhi\w*|mbakyu|masku|mbak|mbakku|mas|kak|kakak|dik|adek|bapakku|ibuku|anakku|putuku|ortu|mbah\w*|pakde|bude|paklik|bulik|om|tante|"
    r"mak|emak|mamak|mama|mami|amak|abah|ayah|papa|umi|abi|ayahanda|ibunda|inang|amang|ambo|awak|ulun|aye|gue|gw|"
    r"dedek|dede|bayi|baby|si kecil|anakku|putraku|putriku|"
    # the business a Surat Keterangan Usaha is about ("kangge warung soto"), not what it is for
    r"warung|toko|usaha|dagangan|jualan|bengkel|laundry|kios|lapak|"
    r"surat|dokumen|bikin|buat|membuat|bikinin|buatkan|mengurus|ngurus|urus|ajukan|mengajukan|"
    # (but "untuk keperluan pengajuan kredit usaha rakyat" is what it is for)
    r"(?:pengajuan|permohonan)(?!\s+(?:kredit|kur|pinjaman|modal|beasiswa|bantuan|bansos|keringanan|kpr|pembiayaan|dispensasi))|"
    r"minta|saya|sy|aku|kulo|ya|apa|pengantar|akta|akte|kartu|ktp|kk|sktm|sku|skck|n1|serat|layang|anaknya|anake|anakipun)\b",
    re.IGNORECASE,
)


_APPLY_VERBS = {"bikin", "buat", "membuat", "mengurus", "ngurus", "urus", "ajukan", "mengajukan", "minta", "bikinin",
                "buatkan"}


def clean_purpose(text: str) -> str:
    """ "untuk daftar sekolah anak." -> "daftar sekolah anak" """
    value = clean_value(text)
    for _ in range(2):
        value = re.sub(r"^(?:untuk keperluan|buat keperluan|keperluan(?:nya)?|tujuan(?:nya)?|untuk|utk|untk|tuk|buat|bwt|guna|"
                       r"kangge|kanggo|damel|gawe|ganti|diganti|jadi|menjadi)\s*[:=]?\s+", "", value,
                       flags=re.IGNORECASE)
    return clean_value(value)


_NOT_A_PURPOSE_ALONE = {"anyar", "baru", "lagi", "ulang", "maneh", "meneh", "malih", "enggal", "yang", "yg", "itu",
                        "ini", "iku", "niki", "sing", "ingkang"}


_WHEN_ONLY = frozenset(
    "tgl tanggal tg hari hr minggu mgg bulan bln tahun thn jam pukul pagi siang sore malam malem besok besuk sesuk lusa"
    " depan dpn nanti ini iki senin selasa rabu kamis jumat jum'at sabtu ahad januari februari maret april mei juni juli"
    " agustus september oktober november desember jan feb mar apr jun jul agu agt sep okt nov des".split())


def looks_like_purpose(text: str) -> bool:
    ws = words(text)
    if not ws or len(text.strip()) < 3 or len(text.strip()) > 300:
        return False
    if all(w in FILLER or w in AFFIRM_WORDS or w in DENY_WORDS or w in GREETING_WORDS for w in ws):
        return False
    if all(w in _NOT_A_PURPOSE_ALONE for w in ws):
        return False  # "gawe anyar" (make a new one): "anyar" says nothing about what it is for
    if all(w.isdigit() or w in _WHEN_ONLY for w in ws):
        return False  # "izin keramaian untuk tgl 25 malam" (set 62): when, not what for
    return sum(ch.isalpha() for ch in text) >= 3


# "surat pindah ..., mau pindah ikut suami ke Batam": why one moves is what a moving letter is for.
_MOVING_REASON = re.compile(
    r"\b(?:mau|mo|akan|arep|nak|hendak|handak|rencana|rencananya|karena|krn|soalnya)\s+"
    r"((?:pindah|boyongan|ikut)\s+[^,.;!?]{3,80})"
    # "pindahan ke ponorogo ikut istri", "q ikut suami ke sidoarjo"
    r"|\b((?:pindah(?:an)?|boyongan)\s+(?:ke|ikut)\s+[^,.;!?]{3,80}"
    r"|ikut\s+(?:suami|istri|isteri|ortu|orang tua|keluarga|anak|bojo|bapak|ibu)\w*\s+(?:ke|pindah)\s+[^,.;!?]{2,60}"
    # "mutasi kerja ke Semarang", "pindah tugas ke Kediri", "keterima kuliah di Malang"
    r"|(?:mutasi|dimutasi|pindah tugas|penempatan|dinas|keterima|diterima|kerja|kuliah)\s+(?:kerja\s+|tugas\s+|kuliah\s+)?(?:ke|di)\s+[^,.;!?]{3,60}"
    # English: "we move to Denpasar Bali for work"
    r"|(?:we|i)\s+(?:are\s+|am\s+|will\s+)?(?:move|moving|relocate|relocating)\s+to\s+[^,.;!?]{3,60})",
    re.IGNORECASE)
# "mau ganti kepala keluarga di KK krn suami sy sudah meninggal": the change is what a KK/KTP is for.
_DATA_CHANGE = re.compile(
    r"\b((?:ganti|gantos|mengganti|ubah|merubah|mengubah|perubahan|tambah|nambah|nambahin|menambah|menambahkan|masukin"
    r"|memasukkan|pecah|mecah|memecah|hapus|coret|update|perbaiki|benerin|membetulkan|betulin)\s+(?:kepala keluarga|anggota"
    r"|anak|nama|alamat|status|data|foto|agama|pekerjaan|tanggal lahir|tgl lahir)[^,.;!?]{0,60}"
    # "tambah anggota kk, anak br lahir": the reason told right after it belongs to it (sets 49, 51)
    r"(?:,\s*(?:anak|bayi|cucu|adik|istri|isteri|suami|bapak|ibu|mertua|ortu)\w*(?:\s+\w+){0,3}?\s+"
    r"(?:baru\s+|br\s+|sudah\s+|udah\s+|udh\s+|sdh\s+|wis\s+|wes\s+)?(?:lahir|laer|meninggal|wafat|nikah|menikah|cerai|pindah|datang)\w*)?)",
    re.IGNORECASE)


# "sertifikat tanah mau dibalik nama ke anak-anak": what an heirship letter is for.
_ESTATE_USE = re.compile(
    r"\b((?:sertifikat|sertipikat|serifikat|tanah|rumah|sawah|warisan|tabungan|deposito|rekening|motor|mobil|bpkb)\w*"
    r"\s+(?:[^,.;!?]{0,30}?\s+)?(?:mau|akan|arep|badhe|perlu|harus)?\s*(?:di)?(?:balik ?nama|baliknama|dibagi|bagi|dicairkan"
    r"|cairkan|dijual|jual|diurus|dialihkan)[^,.;!?]{0,60}"
    r"|(?:balik ?nama|pembagian warisan|bagi waris|pencairan)\s+[^,.;!?]{3,60})", re.IGNORECASE)


def find_estate_use(text: str) -> str | None:
    match = _ESTATE_USE.search(text or "")
    return clean_value(match.group(1)) if match else None


def find_data_change(text: str) -> str | None:
    match = _DATA_CHANGE.search(text or "")
    return clean_value(match.group(1)) if match else None


# "... pindah ke Surabaya bisa dimulai dari sini nggak ya?": the question asked after the reason.
_QUESTION_TAIL = re.compile(r"\s+(?:bisa|bs|boleh|apa|apakah|apa bisa|dapat|iso|saged)\b[^,.;!]*?"
                            r"\b(?:nggak|ngga|gak|ga|gk|tidak|tdk|ndak|ya|kah|mboten|ora|po|nopo)\b\W*$", re.IGNORECASE)


def drop_question_tail(value: str) -> str:
    return _QUESTION_TAIL.sub("", value or "").strip(" ,;")


def find_moving_reason(text: str) -> str | None:
    match = _MOVING_REASON.search(text or "")
    return drop_question_tail(clean_value(match.group(1) or match.group(2))) if match else None


# "mau ajuin surat pindah soalnya keterima kerja di batam": why the document is needed, said after it.
_REASON = re.compile(r"\b(?:soalnya|soale|karena|karna|krn|krna|sebab|mergo|merga|amargi|berhubung|pasalnya)\s+"
                     r"([^,.;!?]{6,100})", re.IGNORECASE)


# "mau urus pengantar nikah, wedding bulan depan": the wedding is what a marriage letter is for.
_WEDDING = re.compile(r"\b((?:nikah|menikah|nikahan|wedding|akad|resepsi|ijab|lamaran|rabi|ngrabekke)\w*[^,.;!?]{0,50})",
                      re.IGNORECASE)


def find_wedding(text: str, after: int = 0) -> str | None:
    match = _WEDDING.search(text or "", after)
    if not match:
        return None
    # "akadnya bulan depan 😍 nama saya Rizky Ananda" (set 64): the name is the next fact, not the wedding
    value = re.split(r"\s+(?:nama|nami|namaku|nik|alamat|alamatku)\b|[\U0001F000-\U0001FFFF\u2600-\u27BF]", match.group(1),
                     maxsplit=1, flags=re.IGNORECASE)[0]
    return clean_value(value) or None


def find_reason(text: str, after: int = 0) -> str | None:
    """The reason clause after a document's name, read as its purpose when no "untuk ..." is given."""
    for match in _REASON.finditer(text or "", after):
        value = clean_value(match.group(1))
        if len(words(value)) >= 2 and not _NOT_PURPOSE_START.match(value) and looks_like_purpose(value) \
                and not find_nik(value) and not has_rt_or_rw(value):
            return value
    return None


def find_purpose(text: str, document_spans: list[tuple[int, int]] | None = None) -> str | None:
    """ "... surat domisili untuk daftar sekolah anak" -> "daftar sekolah anak"; corrected in the same
    message ("... buat daftar sekolah.. eh bukan ding, buat daftar kerja", set 56), the corrected one."""
    parts = SELF_CORRECTION.split(text or "")
    if len(parts) > 1 and parts[-1].strip():
        corrected = _find_purpose(parts[-1])
        if corrected:
            return corrected
    return _find_purpose(text, document_spans)


def _find_purpose(text: str, document_spans: list[tuple[int, int]] | None = None) -> str | None:
    raw = text or ""
    spans = document_spans or []
    for marker in _PURPOSE_MARKER.finditer(raw):
        rest = raw[marker.end():]
        blocked = _NOT_PURPOSE_START.match(rest)
        if blocked and not (re.match(r"(?:untuk |buat )?(?:keperluan|tujuan)", marker.group(0), re.IGNORECASE)
                            and blocked.group(0).lower() in _APPLY_VERBS):
            continue
        # "buat" before the document is "make", not "for".
        if marker.group(0).strip().lower() in ("buat", "gawe", "damel") and spans and marker.start() < spans[0][0] \
                and spans[0][0] - marker.end() <= 15:
            continue
        end = _PURPOSE_END.search(rest)
        value = clean_purpose(rest[: end.start()] if end else rest)
        value = re.sub(r"\s+(?:ya|yah|min|pak|bu|nggih|kak)$", "", drop_question_tail(value), flags=re.IGNORECASE)
        if looks_like_purpose(value) and len(value) >= 3:
            return value
    return None


# --- documents and categories -------------------------------------------------


@dataclass(frozen=True)
class DocMention:
    key: str
    start: int
    end: int


def find_documents(text: str) -> list[DocMention]:
    """Catalog documents named in the text, in order (aliases, misspellings)."""
    if _doc_names is not None:
        try:
            return [DocMention(m.key, m.start, m.end) for m in _doc_names.find(text or "")]
        except Exception:  # noqa: BLE001
            pass
    from actions.info import detect_documents

    return [DocMention(key, 0, 0) for key in detect_documents(text or "")]


def requested_document(text: str, mentions: list[DocMention]) -> DocMention | None:
    """The document asked for among those named (kokom.doc_names.asked_for), else the first named."""
    if not mentions:
        return None
    corrected = after_self_correction(text or "")
    if corrected != (text or "") and corrected.strip():
        # "Saya ingin membuat surat kematian. Eh maaf autocorrect. Surat keterangan domisili maksud saya."
        # (set 55): the document named after the correction
        told = find_documents(corrected)
        if told and any(m.key == told[0].key for m in mentions):
            return next(m for m in reversed(mentions) if m.key == told[0].key)
    asked = _doc_names.asked_for(text) if _doc_names is not None else None
    if asked is None and len({m.key for m in mentions}) > 1:
        # "Akta kelahirannya sudah jadi ... Tapi di KK belum masuk. Saya mau ajukan perubahan KK": the
        # document right after the last verb of applying, even when it was named before as well
        # (the verbs of applying are the cues' own list, kokom.understanding.APPLY_VERB)
        for verb in reversed(list(APPLY_VERB.finditer((text or "").lower()))):
            after = find_documents(text[verb.end():verb.end() + 50])
            if after:
                return next(m for m in mentions if m.key == after[0].key) if any(
                    m.key == after[0].key for m in mentions) else mentions[0]
    return next((m for m in mentions if asked and m.key == asked.key and m.start == asked.start), mentions[0])


def resolve_document(value: object) -> str | None:
    if _doc_names is not None:
        try:
            return _doc_names.resolve(value)
        except Exception:  # noqa: BLE001
            pass
    from actions.info import resolve_document as resolve

    return resolve(value)


def find_category(cfg: OfficeConfig, text: str, fuzzy: bool = False) -> str | None:
    """A complaint category: number, key, title, keywords; with ``fuzzy`` also misspellings
    ("kebersian", "pelayan", "infrastuktur")."""
    key = match_category(cfg, text or "")
    if key or not fuzzy:
        return key
    ws = [w for w in words(text) if len(w) >= 4]
    if not ws or len(ws) > 4:
        return None
    choices: dict[str, str] = {}
    for cat in cfg.complaint_categories:
        choices[norm(cat.key)] = cat.key
        for part in norm(cat.title).split():
            if len(part) >= 5:
                choices.setdefault(part, cat.key)
        for keyword in cat.keywords:
            if len(keyword) >= 5:
                choices.setdefault(norm(keyword), cat.key)
    best: tuple[float, str] | None = None
    for w in ws + [" ".join(ws)]:
        hit = process.extractOne(w, list(choices), scorer=fuzz.ratio, score_cutoff=80)
        if hit and (best is None or hit[1] > best[0]):
            best = (hit[1], choices[hit[0]])
    return best[1] if best else None


LEAD_IN_WORDS = {
    "pagi", "siang", "sore", "malam", "malem", "selamat", "halo", "hallo", "hai", "assalamualaikum", "permisi", "min",
    "admin", "pak", "bu", "kak", "mas", "mbak", "saya", "sy", "aku", "kulo", "mau", "ingin", "pengen", "badhe",
    "arep", "lapor", "melapor", "laporan", "ngadu", "mengadu", "pengaduan", "aduan", "komplain", "keluhan",
    "mengeluh", "buat", "bikin", "membuat", "nih", "ya", "tolong", "mohon", "ada", "yg", "yang", "ini", "itu",
    "soal", "tentang", "masalah", "sesuatu", "maaf", "mengganggu", "rek", "lur", "dong", "aja", "saja", "saran",
    # Javanese and longer Indonesian lead-ins ("Sugeng enjing, kulo badhe matur laporan")
    "sugeng", "enjing", "siyang", "sonten", "dalu", "matur", "nyuwun", "sewu", "punten", "ngapunten", "nuwun",
    "wr", "wb", "ibu", "bapak", "sampaikan", "menyampaikan", "sampein", "sampaiin", "nyampekne", "ngaturaken",
    # letter style: "Dengan hormat, perkenankan saya menyampaikan sebuah pengaduan."
    "dengan", "hormat", "perkenankan", "izinkan", "ijinkan", "sebuah", "suatu", "bermaksud", "hendak",
    # English: "mau report something"
    "something", "hi", "hello",
    # Madurese: "engkok bede se terro e laporagi" (I have something to report)
    "engkok", "kaule", "terro", "bede", "se", "e", "nyo'on", "nyo", "on",
    # formal abbreviations: "Mhn izin menyampaikan laporan yg bersifat rahasia."
    "mhn", "izin", "ijin", "yth", "bersifat", "rahasia", "perhatian", "sy",
    # reporting again: "min mau lapor lagi, yg kemarin ga masuk"
    "lagi", "lg", "ulang", "kembali",
}


# Talk about the report rather than the report ("tp bingung mulai dr mana", "boleh tanya dulu").
_META = re.compile(
    r"\b(bingung|mulai dari mana|mulai dr mana|gimana caranya|gmn caranya|boleh tanya|mau tanya dulu|bisa lapor"
    r"|bisa ngadu|boleh lapor|boleh ngadu|lewat sini bisa|ada yang mau|ada yg mau|sesuatu|sekalian tanya"
    r"|boleh (?:saya |sy |aku )?(?:cerita|bercerita)|termasuk apa|masuk (?:kategori )?apa"
    r"|perhatian (?:atas|terhadap|pada|pd) (?:kondisi|keadaan|nasib)"
    r"|my indonesian|bahasa indonesia (?:saya|sy|ku) (?:kurang|jelek|belum)|not so good|not good)\b",
    re.IGNORECASE,
)


# "... mau melaporkan soal bantuan": a report's topic in a word or two, not what happened.
_TOPIC_ONLY = re.compile(
    r"\b(?:lapor\w*|melapor\w*|ngadu|mengadu\w*|aduan|pengaduan|komplain|keluhan|matur|ngaturaken\w*|sampaikan|"
    r"menyampaikan)\s+(?:\w+\s+)?(?:soal|tentang|masalah|perihal|mengenai|bab|babagan|terkait|perkara)\s+"
    r"\w+(?:\s+\w+)?\s*[.!?]*\s*$"
    # "mau lapor hal lain pak, bukan jalan bukan sampah": another topic, not yet said
    r"|\b(?:lapor\w*|ngadu|mengadu|komplain)\s+(?:soal\s+|masalah\s+)?(?:hal|yang|yg|masalah)\s+lain\b[^.!?]{0,40}$"
    # "I need to report a road problem": the topic in English
    r"|\b(?:report|complain about|complaint about)\s+(?:a|an|the|some)?\s*\w+(?:\s+\w+)?\s+(?:problem|issue)s?\s*[.!?]*\s*$",
    re.IGNORECASE,
)


_ENDS_WITH_REPORTING = re.compile(
    r"\b(?:(?:want to|wanna|would like to|need to)\s+(?:report|complain|make a complaint|file a complaint|make a report)"
    r"(?:\s+something)?|(?:i have a |a )?complaint|"
    r"(?:mau|mo|ingin|pengen|arep|badhe|ajeng|kate|meh|nak|nk|handak|hendak|mahu|ndak|endak"
    # "membantu mbah menyampaikan pengaduan": reporting for someone
    r"|(?:membantu|bantu|bantuin|mewakili|wakili)(?:\s+(?:mbah|simbah|ibu|bapak|ortu|orang ?tua|nenek|kakek|eyang|warga|tetangga)\w*)?)\s+"
    r"(?:(?:lapor|melapor|ngelapor|ngadu|mengadu|mangadu|komplain|matur|wadul)\w*"
    r"|(?:menyampaikan|sampaikan|nyampaikan|mengajukan|ngajukan|membuat|bikin|buat|ngaturaken)\s+"
    r"(?:pengaduan|aduan|laporan|keluhan)))"
    # on someone's behalf: "mau lapor buat ortu sy di sogaten"
    r"(?:\s+(?:buat|untuk|utk|mewakili|atas nama|kanggo|kangge)\s+(?:(?:rumah|rmh|omah|kampung|keluarga)\s+)?(?:ortu|orang ?tua|ibu|bapak|ayah|emak|mbah|warga|tetangga"
    r"|keluarga|kakak|adik|saudara|teman|kami)\w*(?:\s+(?:sy|saya|ku|kami))?(?:\s+di\s+\w+)?)?"
    r"(?:[\s,]+(?:pak|bu|min|kak|mas|mbak|nggih|ya|dong|nih|ciek|sakali|sebentar|bentar|sedikit|dikit|urgent|urgen|lagi|lg|ulang|kembali"
    r"|penting|segera|darurat|cepat|please|plis|tolong))*\s*[.!?]*\s*$", re.IGNORECASE)


# Who writes, not where the problem is: "kami dari pengurus RT 05 RW 02", "atas nama ibu-ibu PKK RW 03".
_IDENTITY = re.compile(
    # "saya cucunya Mbah Wariyem", "ini anaknya Pak Darmo": who is typing for whom
    r"\b" + RELATIVE_OF + r"\s+[A-Za-z]+|"
    # "sy ketua PKK RW 04 mau menyampaikan laporan"
    # "saya kader posyandu lansia RW 03. Mbah Painem RT 02 ...": who writes, not where it happened
    r"\b(?:sy|saya|kami|aku)\s+(?:ketua|pengurus|kader|anggota|sekretaris|bendahara|relawan)\s+(?:pkk|rt|rw|karang taruna|posyandu"
    r"|dasawisma|linmas|tagana)(?:\s+(?!(?:rt|rw)\b)[a-z]+)?(?:\s+(?:rt|rw)\.?\s*\d+)*|"
    r"\b(?:atas nama|mewakili|kami dari|saya dari|sy dari|dari|selaku|sebagai)\s+(?:(?:para|pengurus|ketua|warga|ibu-ibu|ibu ibu"
    r"|bapak-bapak|bapak bapak|kader|pkk|posyandu|karang taruna|lingkungan|kami)\s+)*(?:rt|rw)\.?\s*\d+"
    r"(?:\s*(?:/|rw|rt)\.?\s*\d+)*",
    re.IGNORECASE,
)


_REPORTING = re.compile(r"\b(?:(?:buat|bikin|membuat|kasih|menyampaikan|sampaikan|ajukan|mengajukan)\s+(?:sebuah\s+|suatu\s+|satu\s+)?)?"
                        r"(?:aduan|pengaduan|laporan|keluhan|lapor\w*|melapor\w*|ngadu|mengadu|mangadu|komplain|komplen"
                        r"|complain|report|laporagi|laporaghi|alapor)\b",
                        re.IGNORECASE)
_FROM_PLACE = re.compile(r"\b(?:dr|dari|di|kat|dekat|kampung|asal)\s+(?:sy|saya|aku|ambo|awak\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?"
                         r"|\b(?:boleh|bisa|bs)\s*(?:ke|kah|gak|ga|nggak)?\b"
                         # "pak erte menyuruh saya melapor lewat sini": who sent the resident, and where to
                         r"|(?i:\b(?:(?:pak|bu|ketua)\s+)?(?:erte|rt|rw|erwe|lurah|tetangga|kader)?\s*(?:menyuruh|nyuruh|suruh|disuruh"
                         r"|dikon|dikongkon|dikengken)\b|\b(?:lewat|liwat|via|ke)\s*(?:sini|sni|mriki|kene|wa|whatsapp|chat)\b)")


# "sy mau lapor tapi jangan sampai tetangga tau ya": asking for discretion, not telling what happened.
_DISCRETION = re.compile(r"\b(?:jangan sampai|jgn sampe|jangan sampe|ojo nganti|asal jangan)\s+(?:\w+\s+)?(?:tau|tahu|ngerti|weruh)"
                         r"|\b(?:takut ketahuan|identitas(?:nya)? (?:dirahasiakan|aman))\b", re.IGNORECASE)


def _dealay_text(text: str) -> str:
    return re.sub(r"[0-9A-Za-z]+", lambda m: dealay(m.group(0).lower()) if dealay(m.group(0).lower()) != m.group(0).lower()
                  else m.group(0), text or "")


def is_meta_opening(text: str) -> bool:
    """An opening that speaks about reporting, with no problem in it: not a description."""
    text = _IDENTITY.sub(" ", _dealay_text(text))
    if _DISCRETION.search(text) and _REPORTING.search(text) and not reports_problem(_DISCRETION.sub(" ", text)) \
            and content_words(_REPORTING.sub(" ", _DISCRETION.sub(" ", re.split(r"\b(?:tapi|tp|tetapi)\b", text)[0]))) <= 3:
        return True
    if _TOPIC_ONLY.search(text or "") and not reports_problem(drop_negated(text or "")):
        return True
    if _ENDS_WITH_REPORTING.search(text or "") and not reports_problem(_ENDS_WITH_REPORTING.sub("", text or "")):
        return True
    if _META.search(text or "") is not None and content_words(text) <= 8 and not reports_problem(text or ""):
        return True
    # "boleh ke sy buat aduan dr Malaysia? kampung sy Sogaten": asking to report, saying where one
    # writes from, nothing about what happened.
    if _REPORTING.search(text or "") and not reports_problem(text or ""):
        rest = _FROM_PLACE.sub(" ", _REPORTING.sub(" ", text or ""))
        return content_words(rest) <= 3
    return False


def after_reporting(text: str) -> str:
    """What follows the last "lapor"/"komplain" ("sy mau komplain pelayanan kelurahan" -> "pelayanan
    kelurahan"); empty when nothing is reported. Who writes comes before it ("saya pendamping anak
    disabilitas, mau mengadukan sesuatu")."""
    text = _dealay_text(text)
    last = None
    for last in _REPORTING.finditer(text):
        pass
    return text[last.end():] if last else ""


# When it happened or how long it has lasted ("sejak senin", "udah 3 hari", "tiap malem", "tadi subuh").
_WHEN = re.compile(
    r"\b(?:sejak|semenjak|mulai|udah|sudah|sdh|udh|wis|wes|sampun|dah)\s+(?:\w+\s+)?(?:hari|minggu|bulan|tahun|jam|seminggu"
    r"|sebulan|setahun|kemarin|kemaren|kmrn|tadi|pagi|siang|sore|malam|malem|lama|lalu|\d+)"
    r"|\b(?:sejak|semenjak|kawit|wiwit|tiap|setiap|saben|tiap2)\b|\b(?:tadi|td|kemarin|kemaren|kmrn|semalam|semalem|wingi|barusan|subuh|dalu|bengi)\b"
    r"|\b\d+\s*(?:hari|hr|minggu|mgg|bulan|bln|tahun|thn|jam)\b|\b(?:seminggu|sebulan|setahun|berhari-hari|berminggu-minggu"
    r"|berbulan-bulan|sering|terus-terusan|terus menerus)\b|\bjam\s*\d", re.IGNORECASE)


def tells_when(text: str) -> bool:
    """The text says when something happened or how long it has lasted."""
    return _WHEN.search(text or "") is not None


def content_words(text: str) -> int:
    """Words left after greetings and "mau lapor"-style lead-ins."""
    return sum(1 for w in words(text) if w not in LEAD_IN_WORDS)


def strip_lead_in(text: str) -> str:
    """ "pagi min, mau lapor jalan rusak" -> "jalan rusak" (keeps the resident's own spelling)."""
    tokens = re.split(r"(\s+)", (text or "").strip())
    parts = (text or "").strip().split()
    i = 0
    while i < len(parts) and (parts[i].lower().strip(",.!:;") in LEAD_IN_WORDS or
                              re.fullmatch(r"[,.!:;]+", parts[i])):
        i += 1
    del tokens
    return " ".join(parts[i:]).strip(" ,.;:") if i < len(parts) else ""


# --- corrections --------------------------------------------------------------

CORRECTION_MARKER = re.compile(
    r"\b(bukan|bkn|bukane|dudu|sanes|salah|slh|keliru|kleru|klentu|ralat|ganti|gantinya|diganti|ubah|diubah|rubah|dirubah|koreksi|maksud(?:nya|ku| saya| sy|e)?|"
    r"yang benar|yg benar|yang bener|yg bener|yang betul|yg betul|harusnya|seharusnya|mestinya|sing bener|ingkang leres|lepat|salah ketik|typo"
    r"|wrong|not correct|incorrect|should be|instead of)\b",
    re.IGNORECASE,
)
_NEW_VALUE = re.compile(
    r"\b(?:tapi|tetapi|tp|melainkan|yang benar|yg benar|yang bener|yg bener|yang betul|yg betul|harusnya|seharusnya|mestinya|"
    r"seharuse|sing bener|ingkang leres|sing leres|yang bujur|yg bujur|jadi|menjadi|dadi|maksud(?:nya|ku| saya| sy|e)?|yang saya butuhkan|"
    r"yg saya butuhkan|yang saya perlukan|yang dibutuhkan|ganti(?:nya)?|diganti|diubah|ubah|rubah"
    r"|should be|it should be|it is|it's|its|the right one is|correct is)\s*(?:jadi|ke|menjadi)?"
    r"\s*[:=]?\s*",
    re.IGNORECASE,
)


def is_correction(text: str) -> bool:
    return CORRECTION_MARKER.search(text or "") is not None


def drop_negated(text: str) -> str:
    """Remove "bukan X" parts: "bukan SKTM tapi surat domisili" -> " tapi surat domisili"."""
    return re.sub(r"\b(?:bukan|bkn|bukane|dudu|sanes|not)\s+.+?(?=\b(?:tapi|tetapi|tp|melainkan|namun|nanging|ning|but)\b|[,;]|\.\s|$)", " ",
                  text or "", flags=re.IGNORECASE)


_RT_ONLY = re.compile(r"\b(RT|RW)(?:\s?-?(?:nya|ne|na|nipun|ipun|e))?(?:\s+(?:saya|sy|aku|kami|kulo|kula))?\.?\s*[:/]?\s*0*(\d{1,3})\b",
                      re.IGNORECASE)


def patch_rt_rw(current: str | None, text: str) -> str | None:
    """ "rt 06 bukan rt 05" / "RW-ne 3" against the address already given: the address with
    that RT/RW changed, or None when the text says more than an RT/RW (a new address)."""
    if not current:
        return None
    current, text = number_words_to_digits(current), number_words_to_digits(text)  # "rt empat bukan rt dua"
    # "rt nya salah bukan 3 tapi 13" (set 63): the kind named once, the numbers after "bukan ... tapi"
    text = re.sub(r"\b(rt|rw)(?:[-\s]?(?:nya|ne|na))?\s+(?:salah|keliru|kleru|slh)?[\s,]*(?:bukan|bkn|dudu|sanes)\s+0*\d{1,3}\s*,?\s*"
                  r"(?:tapi|tp|tetapi|melainkan|ning|nanging)\s+0*(\d{1,3})\b", r"\1 \2", text, flags=re.IGNORECASE)
    kept = re.sub(r"\b(?:rt|rw)(?:[-\s]?(?:nya|ne|na))?\s+(?:tetep|tetap|sama|masih|ajeg|podo|pada)\s*\d*", " ", drop_negated(text),
                  flags=re.IGNORECASE)
    found = _RT_ONLY.findall(kept)
    rest = _RT_ONLY.sub(" ", kept)
    if not found or re.search(r"\b" + STREET + r"\b|\d", rest, re.IGNORECASE) or len(words(rest)) > 6:
        return None
    # "yang bujur RT 03 RW 04 dekat jembatan kuning": words the address does not have make it a new one.
    told = set(words(current))
    if any(w not in told and w not in _PATCH_TALK and len(w) > 3 for w in words(rest)):
        return None
    value = current
    for kind, number in {k.upper(): n for k, n in found}.items():
        pattern = re.compile(r"\b(" + kind + r"\.?\s*[:/]?\s*)(\d{1,3})\b", re.IGNORECASE)
        match = pattern.search(value)
        if match:  # keep the resident's own spelling and width ("rt 05" -> "rt 06", "RT 3" -> "RT 4")
            digits = str(int(number)).zfill(len(match.group(2)))
            value = value[:match.start(2)] + digits + value[match.end(2):]
        else:
            value = f"{value} {kind} {int(number):02d}"
    return value if value != current else None


# Words around an RT/RW or a swapped word that are talk about the correction, not part of the value.
_PATCH_TALK = FILLER | {
    "eh", "maaf", "sori", "sorry", "ralat", "koreksi", "bukan", "bkn", "bukane", "dudu", "sanes", "salah", "slh",
    "keliru", "kleru", "klentu", "lepat", "ketik", "typo", "yang", "yg", "benar", "bener", "betul", "leres", "bujur",
    "harusnya", "seharusnya", "mestinya", "jadi", "menjadi", "dadi", "ganti", "diganti", "ubah", "diubah", "tetap",
    "tetep", "sama", "masih", "tapi", "tetapi", "melainkan", "nyuwun", "sewu", "ngapunten", "pangapunten", "mohon",
    "sing", "ingkang", "maksud", "maksudnya", "maksudku", "saya", "sy", "aku", "kulo", "kula", "punya", "punyaku",
    "lokasi", "lokasinya", "lokasine", "lokasix", "lokasinipun", "alamat", "alamatnya", "alamate", "alamatipun",
    "tempat", "tempatnya", "nama", "namanya", "namaku", "nami", "keterangan", "keterangannya", "ne", "nggih", "pian",
    "waduh", "aduh", "astaga", "astagfirullah", "oh", "iya", "lupa", "nomor", "nomer", "no",
    "ding", "lho", "kok", "yah", "hehe", "wkwk", "sorry", "pak", "bu",
    "bentar", "sebentar", "tunggu", "wait", "sik", "sek", "eits", "ups", "oops",  # "bentar, rw nya 2 bukan 1" (set 52)
    "tadi", "td", "barusan", "sebelumnya", "eee", "ee", "anu",  # "eh alamat tadi keliru, rt nya 5 bukan 4" (sets 62-63)
}
_SWAP_AFTER = re.compile(  # "pintu barat bkn timur", "TPS kilen pasar, sanes wetan"
    r"^(?P<new>.*?\w.*?)[\s,]*\b(?:bukan|bkn|bukane|dudu|sanes|instead of|not)\s+(?P<old>[^\s,.;!?]+(?:\s+[^\s,.;!?]+){0,2})"
    r"\s*[,.;!?]*\s*$", re.IGNORECASE)
_SWAP_BEFORE = re.compile(  # "bukan timur tapi barat", "dudu wetan ning kilen"
    r"\b(?:bukan|bkn|bukane|dudu|sanes)\s+(?P<old>[^\s,.;!?]+(?:\s+[^\s,.;!?]+){0,2})\s*[,]?\s*"
    r"\b(?:tapi|tetapi|tp|melainkan|namun|nanging|ning|but)\s+(?P<new>.+?)\s*[.!]*\s*$", re.IGNORECASE)


# One place word in its written forms: "bukan jalan cendana" corrects "jl. cendana" (set 63).
_SAME_WORD = {}
for _forms in (("jalan", "jl", "jln"), ("gang", "gg"), ("nomor", "nomer", "no"), ("perumahan", "perum")):
    for _form in _forms:
        _SAME_WORD[_form] = _forms


def _token_pattern(token: str) -> str:
    forms = _SAME_WORD.get(token.lower())
    return r"(?:" + "|".join(forms) + r")\.?" if forms else re.escape(token)


def _phrase(tokens: list[str], forms: bool = True) -> re.Pattern[str]:
    pattern = _token_pattern if forms else re.escape
    return re.compile(r"(?<![0-9A-Za-z])" + r"\s*".join(map(pattern, tokens)) + r"(?![0-9A-Za-z])", re.IGNORECASE)


# A correction of one value is short; the swap regexes backtrack on long texts (5,000 characters took up to
# 0.8 s), so longer messages are not read as such (they are answers or stories, read elsewhere).
MAX_CORRECTION_CHARS = 300


def swap_words(current: str | None, text: str) -> str | None:
    """ "pintu barat bkn timur" against "makam pintu timur rt 6": the value with the negated
    word(s) replaced by the new one(s) ("makam pintu barat rt 6"), or None when the text does
    not read as such a swap within this value. Words as written first ("gang 3 dudu gg 2" gives
    "gang 3"); then "jalan" for "jl." and "gang" for "gg" ("bukan jalan cendana tapi jalan cempaka")."""
    return _swap_words(current, text, forms=False) or _swap_words(current, text, forms=True)


def _swap_words(current: str | None, text: str, forms: bool) -> str | None:
    if not current or not text or len(text) > MAX_CORRECTION_CHARS:
        return None
    match = _SWAP_AFTER.search(text) or _SWAP_BEFORE.search(text)
    if not match:
        return None
    old = re.findall(r"[0-9A-Za-z]+", match.group("old"))
    where = _phrase(old, forms).search(current) if old else None
    if not where or len(_phrase(old, forms).findall(current)) > 1:
        return None  # not there, or there twice ("RT 03 RW 03": which one?)
    start, end = where.start(), where.end()
    same = (lambda w: _SAME_WORD.get(w, (w,))) if forms else (lambda w: (w,))
    # "gg 5 no 12 bukan gg 3": only the words the new telling does not repeat are replaced.
    repeated = {form for w in words(match.group("new")) for form in same(w)}
    kept = [w for w in old if w.lower() not in repeated]
    if kept and len(kept) < len(old):
        inner = _phrase(kept, forms).search(current, start, end)
        if inner:
            start, end = inner.start(), inner.end()
    told = {form for w in words(current) for form in same(w)}
    # The new word(s): the run of words the value does not have, nearest the negation.
    runs: list[list[str]] = [[]]
    ends: list[int] = [0]  # where each run ends in the new telling
    for found in re.finditer(r"[0-9A-Za-z][0-9A-Za-z'.\-]*", match.group("new")):
        token = found.group(0)
        plain = token.lower().strip(".'-")
        if plain in told or plain in _PATCH_TALK:
            runs.append([])
            ends.append(found.end())
        else:
            runs[-1].append(token.rstrip("."))
            ends[-1] = found.end()
    kept_runs = [(run, stop) for run, stop in zip(runs, ends) if run]
    if not kept_runs and kept and len(kept) < len(old):
        # "bkn gg 4 tp gg 6" in "gg 4 jl rajawali rt 6 rw 1" (set 61): the new number is told elsewhere in
        # the value ("rt 6"), so it is not new there; it is new right after the words both tellings share
        labels = [w.lower() for w in old if w.lower() in repeated]
        new_tokens = re.findall(r"[0-9A-Za-z][0-9A-Za-z'.\-]*", match.group("new"))
        lowered = [t.lower().strip(".") for t in new_tokens]
        for k in range(len(lowered) - len(labels)):
            if [_SAME_WORD.get(w, (w,))[0] for w in lowered[k:k + len(labels)]] == \
                    [_SAME_WORD.get(w, (w,))[0] for w in labels]:
                follow = new_tokens[k + len(labels):k + len(labels) + len(kept)]
                if follow and all(t.lower().strip(".") not in _PATCH_TALK for t in follow):
                    kept_runs = [([t.rstrip(".") for t in follow], 0)]
                break
    if not kept_runs:
        return None
    run, stop = kept_runs[-1] if match.re is _SWAP_AFTER else kept_runs[0]
    if len(run) > 3:
        return None
    value = current[:start] + " ".join(run) + current[end:]
    if match.re is _SWAP_BEFORE and len(kept_runs) > 1:
        # "dudu rt 7 tapi rt 8 rw 3, cedhak musholla an nur": what follows the new word is added, not lost
        tail = match.group("new")[stop:].strip(" ,.;")
        tail = re.sub(r"^(?:(?:rt|rw)\.?\s*\d+[\s,/]*)+", "", tail, flags=re.IGNORECASE).strip(" ,.;")
        if tail and any(w not in told and w not in _PATCH_TALK for w in words(tail)):
            value = f"{value.rstrip(' ,.;')}, {tail}"
    return value if value != current else None


_PLACE_LEAD = frozenset({"di", "ke", "dari", "dr", "nang", "ning", "neng", "ten", "wonten", "dekat", "dkt", "depan", "dpn"})


def negates_what_is_not_there(current: str | None, text: str) -> bool:
    """ "alamatnya salah, bukan no 9 tapi no 19, rt rw nya sama" when the place kept is "parkiran kos"
    (set 61): the resident corrects something the form never took down, and what they give instead is
    no place by itself; the field is asked again rather than replaced by "no 19, rt rw nya sama"."""
    if not current or not text or len(text) > MAX_CORRECTION_CHARS:
        return False
    match = _SWAP_AFTER.search(text) or _SWAP_BEFORE.search(text)
    if not match:
        return False
    old = [w for w in re.findall(r"[0-9A-Za-z]+", match.group("old")) if w.lower() not in _PLACE_LEAD]
    told = {form for w in words(current) for form in _SAME_WORD.get(w, (w,))}
    if not old or _phrase(old).search(current) or any(w.lower() in told for w in old if not w.isdigit() and len(w) > 2):
        return False  # (not "bukan di ruang pelayanan tapi ...": "ruang pelayanan" was taken down)
    new = match.group("new")
    said = [w for w in words(new) if w not in _PATCH_TALK and w not in ("rt", "rw")]
    # what is given instead is no place by itself: "no 19, rt rw nya sama" (not "di meja kasi lantai 2")
    return not has_rt_rw(new) and not re.search(r"\b" + STREET + r"\b", new, re.IGNORECASE) and len(said) <= 2


# An answer that corrects itself before it is sent: "Dimas Prakoso, eh lengkapnya Dimas Adi Prakoso",
# "3577...02 eh salah, 3577...03", "jl. sogaten 40 rt 1 rw 1, eh rt 2 ding" (set 68's self-correctors).
_FIX_WORDS = (r"(?:lengkapnya|lengkape|nulisnya|tulisannya|ejaannya|yang bener(?:nya)?|yg bener(?:nya)?|yang benar|yg benar"
              r"|yang betul|yg betul|maksudnya|maksud saya|maksudku|harusnya|seharusnya)")
_FIXED_IN_ANSWER = re.compile(
    r"^(?P<first>.*?\w.*?)[\s,.;]+(?:\b(?:eh+|ehm|eits|ups|oops)\b[\s,.:]*(?:bukan\b|salah\b|keliru\b|ralat\b)?[\s,.:]*"
    r"(?:" + _FIX_WORDS + r"\b[\s,.:]*)?"
    # "maaf" only with the correction said ("..., maaf lama balesnya" is an apology, set 5)
    r"|\b(?:maaf|sori|sorry)\b[\s,.:]*(?:(?:bukan|salah|keliru|ralat)\b[\s,.:]*(?:" + _FIX_WORDS + r"\b[\s,.:]*)?|"
    + _FIX_WORDS + r"\b[\s,.:]*))"
    r"(?P<then>\w.*?)[\s,.!]*(?:\b(?:ding|dink|deh|aja|saja)\b[\s.!]*)?$",
    re.IGNORECASE | re.DOTALL)


def fixed_in_answer(text: str) -> tuple[str, str] | None:
    """(what was typed first, what replaces it) when an answer corrects itself, else None."""
    if len(text or "") > MAX_CORRECTION_CHARS:
        return None
    match = _FIXED_IN_ANSWER.match((text or "").strip())
    if not match or not match.group("then").strip():
        return None
    return match.group("first").strip(" ,.;"), match.group("then").strip(" ,.;")


def new_value_part(text: str) -> str | None:
    """The part after "tapi/yang benar/jadi/maksud saya ..." (the new value), if any."""
    last = None
    for match in _NEW_VALUE.finditer(text or ""):
        last = match
    if last is None:
        if ":" in (text or ""):
            return clean_value(text.split(":", 1)[1]) or None
        return None
    value = clean_value(text[last.end():])
    return value or None
