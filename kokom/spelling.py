"""Old Indonesian spelling read as today's, one word at a time.

Pensioners and veterans still write the spelling they learnt before 1972 ("soerat", "djalan",
"pentjoerian", "sjarat", "Kartoe Keloearga", "Bapak Loerah jang terhormat"). The cues
(``kokom.understanding.normalized``) and the document names (``kokom.doc_names``) read such a word
as its modern form; the resident's own text is never rewritten (a name such as "Soemardjo" or
"Djoko" is saved as written). The classifier is not given these forms: feeding them to the
featurizers was measured and not kept (docs/nlu-eval.md, "Tried and not kept").

Only unambiguous rules run on every word: "oe" -> "u", "dj" -> "j", "tj" -> "c", "sj" -> "sy" (no
word of today's spelling holds them, except the few English and Javanese words kept below). The old
"j" for "y" is read only in a short list of words, because "saja" and "jalan" are words today too.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Words of today that hold "oe" (English and Javanese words residents also write).
_KEEP = frozenset({"does", "goes", "shoe", "shoes", "toe", "toes", "poem", "poems", "poet", "koe", "joe", "aloe",
                   "hoe", "foe", "doe", "noel", "phoenix", "canoe", "oboe", "coed", "boeing"})
_MARKS = ("oe", "dj", "tj", "sj")
# Old "j" for today's "y", after the rules above ("soepaja" -> "supaja" -> "supaya").
_OLD_Y = {
    "jang": "yang", "jth": "yth", "ja": "ya", "tanja": "tanya", "bertanja": "bertanya", "menanjakan": "menanyakan",
    "ditanjakan": "ditanyakan", "hanja": "hanya", "biaja": "biaya", "bajar": "bayar", "membajar": "membayar",
    "dibajar": "dibayar", "pembajaran": "pembayaran", "supaja": "supaya", "jaitu": "yaitu", "kaja": "kaya",
    "sajang": "sayang", "bahaja": "bahaya", "karja": "karya",
}


@lru_cache(maxsize=4096)
def old_spelling(word: str) -> str:
    """ "soerat" -> "surat", "djalan" -> "jalan", "pentjoerian" -> "pencurian", "sjaratnja" ->
    "syaratnya", "jang" -> "yang"; any other word unchanged. ``word`` is lower case."""
    if word in _KEEP:
        return word
    if any(mark in word for mark in _MARKS):
        word = word.replace("oe", "u").replace("dj", "j").replace("tj", "c").replace("sj", "sy")
        # "-nja" was "-nya" ("sjaratnja"); only in a word that was old-spelt, because "manja",
        # "senja" and "banjir" are today's words
        if len(word) >= 6 and word.endswith("nja"):
            word = word[:-3] + "nya"
    return _OLD_Y.get(word, word)


_VOWELS = re.compile(r"[aeiou]")


def skeleton(word: str) -> str:
    """The consonants of a word ("pengantar" -> "pngntr", "sampah" -> "smph"), digits kept: how a
    word typed without vowels is matched (document names, complaint categories)."""
    return _VOWELS.sub("", word)
