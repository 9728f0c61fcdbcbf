"""Issue #8: understand before acting. Units for the matcher and cues (fast), then each case of
the issue as a conversation over the REST channel against the real servers."""
from __future__ import annotations

import json
import re

import pytest
import requests

from kokom import doc_names
from kokom.understanding import (
    candidate_services,
    decide_intent,
    document_entities,
    normalized,
    question_cue,
    reports_problem,
    should_ask,
    status_cue,
)

TICKET = re.compile(r"\b(ADU|DOK|KON)-\d{8}-\d{4}\b")


# --- document names --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, keys",
    [
        ("kulo badhe nyuwun surat pengantar skck pripun nggih", ["pengantar_skck"]),
        ("mau bikin surat keterngan usaha", ["surat_keterangan_usaha"]),  # typo
        ("surat keterangan buat usaha warung", ["surat_keterangan_usaha"]),  # "surat keterangan" + a word
        ("akte kelairan anak saya", ["akta_kelahiran"]),
        ("kartu kluwarga sama e-ktp", ["kk", "ktp"]),
        ("surat ora mampu kangge sekolah", ["sktm"]),  # Javanese
        ("surat keterangan lahir", ["akta_kelahiran"]),  # not "surat keterangan usah"
        ("syarat bikin paspor", []),  # another agency's document
        ("jalan rusak parah di rt 4", []),
        # a neighbouring key hit in an abbreviation (blind set 39); not any one-letter change
        ("mau bikin sktn buat keringanan rumah sakit bapak", ["sktm"]),
        ("skvk buat kerja", ["pengantar_skck"]),
        ("skct", []),
    ],
)
def test_document_names_map_to_the_catalog(text, keys):
    assert doc_names.find_keys(text) == keys


@pytest.mark.parametrize("text, key", [
    ("anak saya baru lahir, buatin akte nya sekalian", "akta_kelahiran"),
    ("mbah seda wingi, nyuwun damelaken akta kematianipun", "akta_kematian"),
    ("bapak meninggal minggu lalu, aktenya gimana", "akta_kematian"),
    ("akte saya salah tulis namanya", None),  # nothing says which
])
def test_a_bare_akta_takes_its_kind_from_the_message(text, key):
    from kokom import doc_names

    assert (doc_names.find_keys(text) or [None])[0] == key


@pytest.mark.parametrize("word, modern", [
    ("soerat", "surat"), ("djalan", "jalan"), ("pentjoerian", "pencurian"), ("sjaratnja", "syaratnya"),
    ("jang", "yang"), ("soepaja", "supaya"), ("keloearga", "keluarga"),
    # today's words stay: English "does", Javanese "koe", and "saja"/"jalan"/"banjir"/"manja"
    ("does", "does"), ("koe", "koe"), ("saja", "saja"), ("jalan", "jalan"), ("banjir", "banjir"), ("manja", "manja"),
])
def test_old_spelling_is_read_as_today_s(word, modern):
    from kokom.spelling import old_spelling

    assert old_spelling(word) == modern


def test_old_spelling_reaches_the_cues_and_document_names_but_not_the_text():
    from kokom.understanding import normalized

    assert doc_names.find_keys("Saja maoe membikin Kartoe Keloearga") == ["kk"]
    assert doc_names.find_keys("sjarat soerat keterangan ahli waris") == ["ahli_waris"]
    assert " surat " in normalized("Soerat kematian") and " jalan " in normalized("lampoe djalan padam")
    match = doc_names.find("minta Soerat Keterangan Oesaha")[0]
    assert match.key == "surat_keterangan_usaha"
    assert "minta Soerat Keterangan Oesaha"[match.start:match.end] == "Soerat Keterangan Oesaha"


def test_resolve_accepts_keys_names_and_aliases():
    assert doc_names.resolve("kk") == "kk"
    assert doc_names.resolve("Surat Ket. Usaha (SKU)") == "surat_keterangan_usaha"
    assert doc_names.resolve("Pengantar SKCK") == "pengantar_skck"
    assert doc_names.resolve("paspor") is None


@pytest.mark.parametrize("text, keys", [
    ("mau ngajukan es ka te em buat kuliah", ["sktm"]),  # spelt out letter by letter
    ("HP dan KTP saya hilang, mau bikin surat kehilangan", ["surat_kehilangan"]),  # the lost card is the subject
    ("mau bikin ktp baru dan surat kehilangan", ["ktp", "surat_kehilangan"]),
    ("syarat surat domisili utk anak kos apa ya, ktp sy luar kota", ["surat_domisili"]),  # the card is circumstance
    ("syarat bikin kk baru setelah nikah apa aja min", ["kk"]),
    # written without vowels, as in SMS
    ("pngantar nkh mau ngajuin", ["pengantar_nikah"]),
    ("mo bkin srat ktrangan usaha", ["surat_keterangan_usaha"]),
    ("ngurus kartu kluarga baru abis nikah", ["kk"]),  # "nikah" beside a named document is no document
    ("kalo ktp ilang ngurusnya gmn, fotokopi kk cukup ga", ["ktp"]),  # a document to bring is a requirement
    ("domisili buat ngekos harus bawa ktp asli?", ["surat_domisili"]),
    ("hp sama ktp sy dijambret, mau bikin surat kehilangan", ["surat_kehilangan"]),
    ("nek arep rabi, pengantar teko kelurahan kudu nggowo opo?", ["pengantar_nikah"]),
    # things to bring, in a list after "syaratnya"/"perlu": the subject is the other document
    ("domisili syaratnya cuma ktp sama kk kah?", ["surat_domisili"]),
    ("surat kehilangan perlu surat polisi dulu gk min", ["surat_kehilangan"]),
    ("mau bikin ktp baru dan surat kehilangan", ["ktp", "surat_kehilangan"]),
    ("syarat surat domisili utk anak kos apa ya, ktp sy luar kota", ["surat_domisili"]),  # the card is circumstance
    ("syarat bikin kk baru setelah nikah apa aja min", ["kk"]),
    # written without vowels, as in SMS
    ("pngantar nkh mau ngajuin", ["pengantar_nikah"]),
    ("mo bkin srat ktrangan usaha", ["surat_keterangan_usaha"]),
    # A permit for a wedding party with music is the crowd-event permit; the marriage letter stays.
    ("mau ngurus izin buat nikahan anak, ada orkesnya juga", ["izin_keramaian"]),
    ("ijin hajatan nanggap campursari", ["izin_keramaian"]),
    ("surat pengantar nikah, resepsinya bulan depan", ["pengantar_nikah"]),
    # "izin" and its event; "jalan" is no "jualan"; moving a card is the moving letter (sets 62-64)
    ("karang taruna mau izin jalan sehat", ["izin_keramaian"]),
    ("ijin pengajian akbar tgl 25", ["izin_keramaian"]),
    ("kak kami baru nikah, mau mindahin ktp istri ke sini", ["surat_pindah"]),
    ("ktp saya rusak, mau cetak ulang ktp", ["ktp"]),
    # "..., butuh surat kehilangan" says what is needed; the lost card is its subject (set 63)
    ("dompet ilang isine ktp karo atm, butuh surat kehilangan", ["surat_kehilangan"]),
    ("bikin ktp karena hilang, perlu surat kehilangan gak?", ["ktp"]),
    # "perlu" before the only document named first is what is needed, not a thing to bring (set 65)
    ("anakku mau daftar SMP, katanya perlu surat domisili soalnya KK nya masih ikut mbahnya", ["surat_domisili", "kk"]),
])
def test_document_names_in_context(text, keys):
    assert doc_names.find_keys(text) == keys


def test_split_names_from_the_extractor_are_corrected_and_missing_ones_added():
    text = "mau bikin surat keterngan usaha sama kk"
    fragment = {"entity": "document_type", "value": "surat", "start": 10, "end": 15}
    entities = document_entities(text, [fragment])
    assert [(e["value"], text[e["start"]:e["end"]]) for e in entities] == [
        ("surat_keterangan_usaha", "surat keterngan usaha"), ("kk", "kk")]


# --- cues and when to ask ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["mau lacak pengaduan", "ktp saya sudah selesai belum?",
                                  "akte anak saya udah jadi blm", "laporan yg saya kirim minggu lalu gimana"])
def test_status_questions_without_a_ticket(text):
    assert status_cue(text)


@pytest.mark.parametrize("text", ["mau bikin kk", "mau lapor jalan rusak sudah lama", "syarat ubah status di kk"])
def test_not_status_questions(text):
    assert not status_cue(text)


def test_questions_are_answered_unless_the_resident_asks_to_apply_now():
    assert question_cue("kulo badhe nyuwun surat pengantar skck pripun nggih")
    assert question_cue("mau bikin kk bawa apa aja")
    assert not question_cue("mau ajukan sktm")
    assert not question_cue("ajukan sekarang sktm syaratnya sudah lengkap")
    assert question_cue("bikin ktp perlu foto sendiri atau difoto disana?")  # a choice of two ways (set 36)


@pytest.mark.parametrize("text, applies", [
    # enrolling elsewhere is why the letter is asked about, not an application (set 35)
    ("pengantar nikah berapa hari jadi, sy buru2 mau daftar kua", False),
    ("anak sy mau daftar sekolah, butuh sktm, sy mau ngajuin", True),
    ("syarat sktm apa aja, sy mau daftar", True),
])
def test_the_last_clause_applies_only_for_the_document(text, applies):
    from kokom.understanding import applies_last

    assert applies_last(text) is applies


def test_decide_intent_applies_cues():
    ranking = [{"name": "request_document", "confidence": 0.8}, {"name": "ask_requirements", "confidence": 0.1}]
    intent, new_ranking, cue = decide_intent("ktp saya sudah jadi belum", ranking[0], ranking)
    assert (intent["name"], cue, new_ranking[0]["name"]) == ("check_status", "status", "check_status")
    intent, _, cue = decide_intent("syarat bikin kk gimana", ranking[0], ranking)
    assert (intent["name"], cue) == ("ask_requirements", "question")
    greet = [{"name": "greet", "confidence": 0.6}, {"name": "ask_office_hours", "confidence": 0.3}]
    intent, _, cue = decide_intent("assalamualaikum min maaf mengganggu kantor besok buka jam berapa", greet[0], greet)
    assert (intent["name"], cue) == ("ask_office_hours", "greeting_first")
    intent, _, cue = decide_intent("selamat pagi min", greet[0], greet)
    assert (intent["name"], cue) == ("greet", "only_greeting")  # the cue agrees: no question asked
    # A cue that would make a runner-up the top reading confirms a top reading that is unsure.
    menu = [{"name": "show_menu", "confidence": 0.42}, {"name": "ask_requirements", "confidence": 0.41}]
    intent, _, cue = decide_intent("iso nggo opo ae cak?", menu[0], menu)
    assert (intent["name"], cue) == ("show_menu", "what_can_you_do")


@pytest.mark.parametrize("text, read_as", [
    ("selamat siang pak, pengaduan", "greet"),
    ("Sugeng enjing, kulo badhe matur laporan", "check_status"),
    ("halo min mau lapor", "greet"),
])
def test_a_greeting_with_a_report_is_a_complaint(text, read_as):
    ranking = [{"name": read_as, "confidence": 0.9}, {"name": "file_complaint", "confidence": 0.05}]
    intent, _, cue = decide_intent(text, ranking[0], ranking)
    assert intent["name"] == "file_complaint", cue
    # ... but a question about a report already made stays a status question
    intent, _, _ = decide_intent("selamat pagi, laporan saya kemarin sudah diproses?", ranking[0], ranking)
    assert intent["name"] == "check_status"


def test_a_message_with_a_nik_and_a_document_is_an_application():
    ranking = [{"name": "ask_requirements", "confidence": 0.74}, {"name": "inform", "confidence": 0.25}]
    text = "min mau ngajuin sktm a.n. Wulan Sari nik 3577025203050001 alamat jl gelatik 3, buat syarat beasiswa"
    intent, _, cue = decide_intent(text, ranking[0], ranking)
    assert intent["name"] == "request_document" and cue == "facts_given"
    intent, _, _ = decide_intent("syarat sktm apa saja min", ranking[0], ranking)
    assert intent["name"] == "ask_requirements"


@pytest.mark.parametrize("text, read_as", [
    ("mau bikin SKTM buat daftar beasiswa anak", "request_document"),
    ("arep ngurus kk anyar, anakku lair wingi", "request_document"),
    ("pengen ngurus surat domisili min", "request_document"),
    ("mau bikin sktm syaratnya apa", "ask_requirements"),
    ("butuh pengantar rt gak kalau mau bikin sktm", "ask_requirements"),
    ("kulo badhe nyuwun surat pengantar skck pripun nggih", "ask_requirements"),
    ("mau bikin kartu nama", "ask_requirements"),  # no document of the catalog: left as read
    # A cost word in the purpose is not a cost question; asking to apply here is applying.
    ("mau bikin sktm buat keringanan biaya rumah sakit", "request_document"),
    ("biaya bikin sktm berapa", "ask_requirements"),
    ("sy perlu surat domisili buat buka rekening, bisa diajukan lewat wa ini?", "request_document"),
    ("isi formulir surat pindah sekarang ya", "request_document"),
    ("aku meh gawe kk anyar", "request_document"),  # Madiun ngoko "meh" = mau
])
def test_wanting_a_document_is_an_application_unless_it_asks_how(text, read_as):
    ranking = [{"name": "ask_requirements", "confidence": 0.7}, {"name": "request_document", "confidence": 0.25}]
    intent, _, _ = decide_intent(text, ranking[0], ranking)
    assert intent["name"] == read_as


@pytest.mark.parametrize("text, read, read_as", [
    # "... itu resmi ga sih? sy mau lapor": the resident says it is a report.
    ("kemarin dimintai uang 50rb pas ngurus surat, boleh gitu? sy mau lapor", "ask_requirements", "file_complaint"),
    # An explicit request for a named document, whatever the classifier thought.
    ("usaha saya butuh surat keterangan usaha dari kelurahan buat kredit bank. mohon dibuatkan", "file_complaint",
     "request_document"),
    ("lampu jalan mati mohon diperbaiki", "file_complaint", "file_complaint"),
    # Blame about a public matter is a complaint, not a status question.
    ("bantuan sembako kok malah dapet yang kaya", "check_status", "file_complaint"),
    ("bansos saya kapan cair ya", "check_status", "check_status"),
    ("assalamualaikum, ada yg mau saya sampaikan soal bansos", "request_document", "file_complaint"),
    ("mau menyampaikan saran soal parkir", "give_feedback", "give_feedback"),
    # An order that opens with applying, or wanting it done ("mau diurus"), applies.
    ("urus kk ya min, istri sy baru melahirkan", "ask_requirements", "request_document"),
    ("bayi kami lahir minggu lalu, mau dibuatkan akte kelahirannya", "file_complaint", "request_document"),
    ("urus kk syaratnya apa", "ask_requirements", "ask_requirements"),
    # My report not acted on yet is a status question.
    ("aduan saya soal got mampet kok belum ada tindak lanjut", "file_complaint", "check_status"),
    # Thanks for a fix is praise; a fix that failed again is a complaint.
    ("terima kasih, got depan rumah sudah dibersihkan, cepat sekali", "file_complaint", "give_feedback"),
    ("lampu jalan sudah diperbaiki tapi mati lagi, tolong dicek", "file_complaint", "file_complaint"),
    # Other timetables are not the office's hours.
    ("jadwal kereta ke surabaya besok jam berapa", "ask_office_hours", "out_of_scope"),
    ("jam pelayanan kantor hari sabtu", "ask_office_hours", "ask_office_hours"),
    # A bare report opening in slang; applying now, right after the requirements.
    ("min mo ngadu nih", "cancel", "file_complaint"),
    ("gak jadi lapor", "cancel", "cancel"),
    ("wis lengkap, langsung ajukan wae", "inform", "request_document"),
    # A requirement of someone else is the purpose; not knowing how is a reason to be guided.
    ("sy mau mengajukan surat keterangan domisili untuk syarat beasiswa", "ask_requirements", "request_document"),
    ("saya nggak paham caranya, mau minta sktm buat berobat", "ask_requirements", "request_document"),
    ("syarat domisili apa", "ask_requirements", "ask_requirements"),
    # Only saying thanks is praise.
    ("cuma mau bilang terima kasih, pak RT dan petugasnya ramah sekali", "check_status", "give_feedback"),
    ("pak sy perlu bikin surat", "ask_requirements", "request_document"),  # which one: the form asks
    ("perlu bikin surat apa aja buat nikah", "ask_requirements", "ask_requirements"),
    ("nyuwun sewu pak, kulo badhe matur", "request_human", "file_complaint"),
    ("kulo badhe matur kaliyan petugas", "request_human", "request_human"),
    # A ticket asks about its case; a document with a requirement question is a requirements question.
    ("gimana hasil pengaduan sy ADU 20261201 0022", "file_complaint", "check_status"),
    ("untuk bikin akta kematian persyaratannya apa saja, bapak saya meninggal di rumah", "file_complaint",
     "ask_requirements"),
    ("menawi badhe damel kk, punapa kemawon ingkang kedah dipunbekta?", "request_document", "ask_requirements"),
    # Other agencies' utilities, forwarded chain texts; praise; the way to the office.
    ("listrik di rumah padam sejak pagi, kapan nyala", "file_complaint", "out_of_scope"),
    ("lampu jalan di gang 3 mati, listrik tiangnya konslet", "file_complaint", "file_complaint"),
    ("kabel internet menjuntai di jalan, bahaya buat pengendara", "file_complaint", "file_complaint"),
    ("token listrik habis, belinya di mana", "file_complaint", "out_of_scope"),
    ("Diteruskan: bantuan kuota gratis, klik link ini", "ask_requirements", "out_of_scope"),
    ("salut sama petugasnya, sabar banget", "check_status", "give_feedback"),
    ("kantor kelurahan patokane apa? aku ra ngerti dalane", "ask_requirements", "ask_office_location"),
    ("min aku wadul", "out_of_scope", "file_complaint"),  # Javanese "wadul" = report
    ("arep ngurus layang", "greet", "request_document"),  # "layang" = letter
    ("laporan got mampet saya kok sepi kabar", "file_complaint", "check_status"),
    ("makasih min, sdh cukup", "affirm", "thank"),
    ("jadwal imsak hari ini jam berapa", "ask_office_hours", "out_of_scope"),
    ("7 dikali 8 berapa min", "greet", "out_of_scope"),
    ("jam 08:30 sudah buka?", "ask_office_hours", "ask_office_hours"),
    ("syarat daftar cpns apa saja", "ask_requirements", "out_of_scope"),
    ("ini dibalas sistem otomatis ya?", "request_human", "bot_challenge"),
    ("mau bicara sama orang, bukan bot", "request_human", "request_human"),
    ("saya butuh petugas, bukan bot", "request_human", "request_human"),
    # Greeting or apology only: small talk, not a service.
    ("selamat siang para petugas kelurahan", "greet", "greet"),
    ("maaf min baru sempat chat", "give_feedback", "greet"),
    # The resident corrects themselves mid-message: what follows the correction counts.
    ("mau tanya sedikit, eh maksudnya mau langsung mengajukan pengantar SKCK", "ask_requirements", "request_document"),
    ("kulo nyuwun surat domisili kagem syarat", "ask_requirements", "request_document"),  # krama "for a requirement"
    ("sktm saya masih proses ya min? besok mau dipake", "request_document", "check_status"),
    ("mau kasih apresiasi buat pak lurah, kerja baktinya rutin skrg", "request_document", "give_feedback"),
    # Other agencies' services, whatever the classifier thought.
    ("bayar pajak mobil bisa lewat sini?", "show_menu", "out_of_scope"),
    ("kartu bpjs anak sy belum jadi, tanya kemana ya", "check_status", "out_of_scope"),
    ("token listrik sy gagal masuk, bisa dibantu isi ulang disini?", "request_document", "out_of_scope"),
    ("kalo skck di polres madiun kota buka jam berapa?", "ask_requirements", "out_of_scope"),
    ("kantor kelurahan buka jam berapa?", "ask_office_hours", "ask_office_hours"),
    ("pengaduan saya soal bpjs kok belum ditanggapi", "check_status", "check_status"),
    # From sets 9 and 10 (after measuring them).
    ("kelurahan iku cedhak endi to mas, aku lali", "check_status", "ask_office_location"),
    ("mboten mudheng kula, tiyang mawon ingkang mbales", "show_menu", "request_human"),
    ("gw butuh org asli, bot nya gk ngerti2", "bot_challenge", "request_human"),
    ("ini orang asli atau bot?", "bot_challenge", "bot_challenge"),
    ("sampean asline ngendi mas", "check_status", "out_of_scope"),
    ("cara lapor penipuan online ke polisi gimana", "ask_requirements", "out_of_scope"),
    ("mau lapor ke polres soal penipuan online, alamat polres dmn", "file_complaint", "out_of_scope"),
    ("mau lapor pencurian motor di gang 3, apa harus lapor ke polisi juga?", "file_complaint", "file_complaint"),
    ("bis Sumber Selamat jurusan Solo lewat terminal Purboyo jam pinten", "ask_office_hours", "out_of_scope"),
    ("transfer antar bank kena biaya brp", "ask_requirements", "out_of_scope"),
    ("ktp ku rusak cak, njaluk ganti sing anyar", "ask_requirements", "request_document"),
    ("aduan dalan rusakku kok durung onok kabar rek", "file_complaint", "check_status"),
    ("pelayanane mantep rek, gak mbulet", "ask_office_hours", "give_feedback"),
    ("mas2 loket kmrn helpful bgt, respect", "file_complaint", "give_feedback"),
    ("petugas loket lambat banget, saya nunggu 2 jam", "file_complaint", "file_complaint"),
    ("iso nggo opo ae cak?", "ask_requirements", "show_menu"),
    ("aku butuh surat cak", "greet", "request_document"),
    ("10 dibagi 2 berapa", "inform", "out_of_scope"),
    ("bener ini orang beneran bukan?", "request_human", "bot_challenge"),
    ("isuk cak, onok wong ta?", "request_human", "greet"),
    ("ada orang yg bisa bantu saya?", "request_human", "request_human"),
    ("kangge ngurus pensiun bapak", "ask_requirements", "inform"),  # a purpose typed alone
    ("buat sktm syaratnya apa", "ask_requirements", "ask_requirements"),
    ("Dimas Arya Saputra", "cancel", "inform"),  # a name typed alone
    ("polres madiun kota alamatnya dmn", "ask_requirements", "out_of_scope"),
    ("kelurahan sogaten alamatnya dmn", "ask_office_location", "ask_office_location"),
    ("harga iphone 15 second brp ya", "ask_requirements", "out_of_scope"),
    ("kulo badhe tumbas tiket bis dateng Solo", "check_status", "out_of_scope"),
    ("bantuin ngerjain tugas PKn dong hehe", "request_human", "out_of_scope"),
    ("saya mau bikin paspor buat umroh bulan depan", "file_complaint", "out_of_scope"),
    ("paspor saya hilang mau lapor", "file_complaint", "file_complaint"),
    ("e ktp ibu saya patah jadi dua mau diganti baru pak", "file_complaint", "request_document"),
    ("surat domisiliku wes mari durung rek?", "ask_requirements", "check_status"),
    ("kk yg gw ajuin minggu lalu kpn jadinya", "request_document", "check_status"),
    ("min yg aduan pungli kmrn ada update ga", "file_complaint", "check_status"),
    ("sktm jadi gak saya ajukan ya", "request_document", "request_document"),
    # A report without "lapor": a public thing broken or overflowing, trouble in the street, bad service.
    ("aspal baru sebulan udh ngelupas, kualitasnya gimana ini", "out_of_scope", "file_complaint"),
    ("sampahe nang TPS mburi pasar wis munjung, kirik-kirik podo ngacak-acak", "check_status", "file_complaint"),
    ("nyuwun pangapunten, wonten tiyang sade ciu wonten warung pojok, tiyang-tiyang sami mendem",
     "ask_requirements", "file_complaint"),
    ("kemarin ngurus surat di kantor kelurahan nunggu 3 jam ga dilayani, petugasnya main hp",
     "ask_office_location", "file_complaint"),
    ("listrik rumah padam dari pagi", "out_of_scope", "out_of_scope"),
    ("oh iya, saran sy ada papan petunjuk arah ke kantor biar ga nyasar", "ask_office_location", "give_feedback"),
    ("kok lama bgt, mau ngomong sama petugas aja", "request_human", "request_human"),
    ("ngurus pengantar skck butuh pas foto ga", "request_document", "ask_requirements"),
    ("update kk dong, mau masukin nama istri", "request_document", "request_document"),
    ("sekadar masukan, website kelurahan belum update sejak tahun lalu", "give_feedback", "give_feedback"),
    ("nyuwun pirsa, layanan ing mriki menapa kemawon", "ask_requirements", "show_menu"),
    ("kuis: ibu kota jawa timur apa?", "ask_requirements", "out_of_scope"),
    ("jual kambing buat aqiqah min, ada yg butuh?", "check_status", "out_of_scope"),
    # From sets 11 and 12 (after measuring them).
    ("tolong proseskan sktm anak sy, mau masuk SMA negeri jalur afirmasi", "out_of_scope", "request_document"),
    ("ngurus akta kematian perlu surat dr rumah sakit gak?", "request_document", "ask_requirements"),
    ("kelurahan iku sak dalan karo SD opo piye? aku rung tau mrono", "out_of_scope", "ask_office_location"),
    ("mbok disediani pojok dolanan bocah nang ruang tunggu", "ask_requirements", "give_feedback"),
    ("atm ketelen mesin, hubungi siapa", "bot_challenge", "out_of_scope"),
    ("nomor wa polres madiun kota ada gk", "ask_requirements", "out_of_scope"),
    ("kmrn sy lapor sampah sdh diangkut blm ya", "file_complaint", "check_status"),
    ("nggo daftar sekolah anak", "inform", "inform"),
    ("min ada laporan dr warga sy", "check_status", "file_complaint"),
    ("pngantar nikah brp hri jdi", "inform", "ask_requirements"),
    ("Mohon maaf, permohonan saya dibatalkan saja.", "check_status", "cancel"),
    ("permohonan saya dibatalkan kenapa?", "check_status", "check_status"),
    ("Mohon maaf, apakah saya sedang berbicara dengan petugas atau dengan sistem otomatis?", "request_human",
     "bot_challenge"),
    ("iso ngurus opo wae lewat wa iki", "ask_requirements", "show_menu"),
    ("akta kematian iso diurus lewat wa po kudu teko kantor? syarat e opo wae", "request_document", "ask_requirements"),
    ("ibu sy lansia tdk dpt bantuan pkh pdhl orang ga mampu", "request_human", "file_complaint"),
    ("gak, belum bener", "affirm", "deny"),
    ("kulo Ngatini", "affirm", "inform"),
    ("buat pengantar nikah status janda cerai perlu akta cerai jg ya?", "check_status", "ask_requirements"),
    ("pak sy mau ngadu soal keamanan", "inform", "file_complaint"),
    ("gimana laporan jalan rusak saya kemarin", "file_complaint", "check_status"),
    ("cuma mau bilang mksh, lampu jalan yg kemarin rusak udah dibenerin cepet, mantap", "file_complaint",
     "give_feedback"),
    ("kemaren sy ngurus surat di kelurahan, ditarik sepuluh ribu tanpa kwitansi. itu pungli bukan? sy keberatan",
     "check_status", "file_complaint"),    # From sets 13 and 14 (after measuring them).
    ("mau ngajuin kk baru buat ortu, sekalian mau tanya jam buka tp kk dulu ya", "ask_requirements", "request_document"),
    ("apply surat keterangan usaha for my mom's laundry", "ask_requirements", "request_document"),
    ("hi min, want to report something", "greet", "file_complaint"),
    ("where is the office exactly? bapak sy mau ke sana besok", "check_status", "ask_office_location"),
    ("min ngelawak dong", "request_human", "out_of_scope"),
    ("daftar akte kelahiran bayi saya lahir kemarin di puskesmas", "out_of_scope", "request_document"),
    ("sabtu pelayanannya ada ga", "give_feedback", "ask_office_hours"),
    ("kantor kelurahan menika caket menapa nggih", "ask_office_hours", "ask_office_location"),
    ("anu yang saya laporin soal pungli kemarin ada kabar belum", "file_complaint", "check_status"),
    ("eh tunggu, masih ada yg mau ditanya, layanannya apa aja sih", "give_feedback", "show_menu"),
    ("list service nya dong", "request_human", "show_menu"),
    ("ini yg bales orang beneran atau bot?", "bot_challenge", "bot_challenge"),
    ("aku lagi chat karo komputer po piye", "out_of_scope", "bot_challenge"),
    ("nggak jadi lapor, masalahnya udah beres sendiri", "file_complaint", "cancel"),
    ("asu liar akeh nang kampung, anakku meh dicokot", "check_status", "file_complaint"),
    ("hp ku rusak iso didandani ora", "file_complaint", "out_of_scope"),
    ("akta kelahiran anakku wis metu durung", "request_document", "check_status"),
    ("Mohon info tindak lanjut pengaduan kami tentang lampu jalan gang Melati minggu lalu", "file_complaint",
     "check_status"),
    ("akta lahir anak sy kok blm ada kabar, daftarnya tgl 1", "request_document", "check_status"),
    ("gang kenanga nomer dua belas rt tiga rw satu", "file_complaint", "inform"),
    ("tiga lima tujuh tujuh nol satu satu dua nol tiga delapan sembilan nol nol nol enam", "file_complaint", "inform"),
    ("cuma mau bilang mksh, lampu jalan yg kemarin rusak udah dibenerin cepet, mantap", "check_status", "give_feedback"),
    # A phone's capitals make no name of a yes or a no; waiting is not cancelling.
    ("Ya Betul", "affirm", "affirm"),
    ("Tidak Jadi", "cancel", "cancel"),
    ("sktm saya kok ga jadi jadi", "request_document", "request_document"),
    # Blind sets 37-38: a report made earlier, followed up, is a status question; a new report stays one.
    ("aduan got mampet minggu lalu kok belum dikerjain ya", "file_complaint", "check_status"),
    ("aduan sampah tanggal 2 kok ga ada kabar", "file_complaint", "check_status"),
    ("udah seminggu lapor got mampet, gimana tindak lanjutnya", "file_complaint", "check_status"),
    ("akta lahir keponakan yg diajukan kakak saya kemarin sudah kelar?", "request_document", "check_status"),
    ("mau lapor jalan depan rumah udah 3 bulan belum diperbaiki", "check_status", "file_complaint"),
    # Other offices' and the school's days; online sellers; what to type; a suggestion about hours.
    ("kua sabtu buka ga buat akad", "ask_office_hours", "out_of_scope"),
    ("besok anak sekolah libur ga", "ask_office_hours", "out_of_scope"),
    ("kantor tetap buka pas libur sekolah gak?", "ask_office_hours", "ask_office_hours"),
    # (reading "jln" as a public thing here made these two complaints: measured and taken back)
    ("aduan jln rusak kmrn ditindak gk", "check_status", "check_status"),
    ("laporan q soal jln ambles ud d tindak lnjt?", "check_status", "check_status"),
    ("kak ready tas import? 😍", "check_status", "out_of_scope"),
    ("kak open reseller gak? aku mau jualin skincare", "request_document", "out_of_scope"),
    ("aku kudu ngetik apa", "ask_requirements", "show_menu"),
    ("usul, kantor buka sabtu setengah hari biar warga yang kerja bisa ngurus", "give_feedback", "give_feedback"),
    ("pohon tumbang nutup jalan rt 6", "inform", "file_complaint"),
    ("gawe surat rek", "inform", "request_document"),
    # Blind set 40: emoji alone, radio slang's "86", e-KTP recording.
    ("👍", "deny", "affirm"),
    ("✅", "deny", "affirm"),
    ("🙏🙏🙏", "deny", "thank"),
    ("👋🙏", "deny", "greet"),
    ("🤖?", "deny", "bot_challenge"),
    ("86", "inform", "affirm"),
    ("siap 86 ndan", "greet", "affirm"),
    ("😭 jalan rusak", "file_complaint", "file_complaint"),
    ("bang gw udh 17 nih, mau rekam ktp", "check_status", "request_document"),
])
def test_cues_that_decide_the_service(text, read, read_as):
    ranking = [{"name": read, "confidence": 0.7}, {"name": "request_human", "confidence": 0.2}]
    intent, _, _ = decide_intent(text, ranking[0], ranking)
    assert intent["name"] == read_as


def test_a_low_confidence_application_the_cues_confirm_needs_no_clarifying_question():
    ranking = [{"name": "request_document", "confidence": 0.3}, {"name": "ask_requirements", "confidence": 0.28}]
    intent, _, cue = decide_intent("pgn bkin srat domisili min", ranking[0], ranking)
    assert intent["name"] == "request_document" and cue == "wants_to_apply"
    intent, _, cue = decide_intent("srat domisili syaratnya apa", ranking[0], ranking)
    assert cue != "wants_to_apply"


def test_urgent_alone_asks_whether_to_report_or_talk_to_an_officer():
    ranking = [{"name": "out_of_scope", "confidence": 0.3}]
    intent, ranking, cue = decide_intent("min urgent", ranking[0], ranking)
    assert intent["name"] == "nlu_fallback" and cue == "urgent"
    assert candidate_services(ranking) == ["file_complaint", "request_human"]


def test_ask_only_when_unsure_between_different_services():
    def r(*pairs):
        return [{"name": n, "confidence": c} for n, c in pairs]

    close = r(("give_feedback", 0.48), ("file_complaint", 0.44))
    assert should_ask(close[0], close, threshold=0.4, ambiguity=0.1)
    assert candidate_services(close) == ["give_feedback", "file_complaint"]
    chat = r(("greet", 0.5), ("thank", 0.45))  # same group: no question needed
    assert not should_ask(chat[0], chat, threshold=0.4, ambiguity=0.1)
    low = r(("file_complaint", 0.3), ("greet", 0.1))
    assert should_ask(low[0], low, threshold=0.4, ambiguity=0.1)
    # A lone service is offered beside its usual confusion ("min butuh surat": apply or ask?).
    assert candidate_services(low) == ["file_complaint", "give_feedback"]
    assert candidate_services(r(("ask_requirements", 0.3), ("greet", 0.1))) == ["ask_requirements", "request_document"]
    assert candidate_services(r(("ask_office_hours", 0.3), ("greet", 0.1))) == ["ask_office_hours"]
    # The words say "I report" or name a broken thing: the complaint is offered, whatever the ranking (set 40).
    assert candidate_services(r(("show_menu", 0.35), ("request_human", 0.13)),
                              text="maaf baru sempat, mau lapor soal bantuan ibu saya") == ["file_complaint", "request_human"]
    assert candidate_services(r(("request_document", 0.52), ("give_feedback", 0.33)),
                              text="mas Anton, tolong ya kayak kemarin, got depan rumah saya mampet lagi") \
        == ["file_complaint", "request_document"]
    assert candidate_services(r(("check_status", 0.3), ("file_complaint", 0.2)),
                              text="laporan saya kemarin soal got mampet belum dikerjain") == ["check_status", "file_complaint"]
    sure = r(("file_complaint", 0.9), ("give_feedback", 0.05))
    assert not should_ask(sure[0], sure, threshold=0.4, ambiguity=0.1)


def test_concrete_problems_in_suggestions():
    assert reports_problem("jalan rusak parah di rt 4 mohon diperbaiki")
    assert reports_problem("saluran air depan rumah mampet bau sekali tolong ditindaklanjuti")
    assert not reports_problem("pelayanan di loket sudah ramah, semoga dipertahankan")


# --- conversations over REST against the real servers ------------------------------------


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages) -> list[str]:
    return [b.get("payload") or "" for m in messages for b in (m.get("buttons") or [])]


def db(assistant, sql: str, **params):
    return assistant.query(sql, **params)


def drive_complaint_to_ticket(assistant, sender: str, reply) -> str:
    """Answer whatever the complaint flow asks (never the description) until a ticket is given."""
    for _ in range(12):
        joined = texts(reply)
        found = TICKET.search(joined)
        if found:
            return found.group(0)
        last = (reply[-1].get("text") or "").lower() if reply else ""
        buttons = payloads(reply)
        if any('"feedback_kind": "pengaduan"' in p for p in buttons):
            answer = '/inform{"feedback_kind": "pengaduan"}'
        elif any('"service": "file_complaint"' in p for p in buttons):
            answer = '/choose_service{"service": "file_complaint"}'
        elif "kirim laporan" in last or "kirim?" in last or "/affirm" in buttons and "foto" not in last:
            answer = "/affirm"
        elif "ceritakan" in last:
            pytest.fail(f"the description was asked again: {joined}")
        elif "foto" in last:
            answer = "/deny"
        elif "nama" in last:
            answer = "/deny"
        elif "lokasi" in last:
            answer = "depan musala RT 04 RW 02 Sogaten"
        elif any("complaint_category" in p for p in buttons):
            answer = next(p for p in buttons if "complaint_category" in p)
        else:
            pytest.fail(f"unexpected turn in the complaint flow: {joined} {buttons}")
        reply = assistant.say(sender, answer)
    pytest.fail("no ticket after 12 turns")


@pytest.mark.e2e
@pytest.mark.parametrize("message", [
    "jalan rusak parah di rt 4 mohon diperbaiki",
    "saluran air depan rumah mampet bau sekali tolong ditindaklanjuti",
])
def test_polite_complaint_ends_as_a_complaint_with_its_text(assistant, message):
    from harness.servers import rest_sender

    sender = f"u8-polite-{abs(hash(message)) % 100000}"
    reply = assistant.say(sender, message)
    assert "Terima kasih atas saran" not in texts(reply)
    ticket = drive_complaint_to_ticket(assistant, sender, reply)
    assert ticket.startswith("ADU-")
    rows = db(assistant, "select kind, description from cases where ticket = :t", t=ticket)
    assert rows[0]["kind"] == "complaint" and message in rows[0]["description"]
    saved = db(assistant, "select count(*) as n from feedback f join residents r on r.id = f.resident_id "
                          "where r.wa_id = :s", s=rest_sender(sender))
    assert saved[0]["n"] == 0


@pytest.mark.e2e
def test_suggestion_reporting_a_problem_becomes_a_complaint_with_the_original_text(assistant):
    from harness.servers import rest_sender

    sender = "u8-feedback-problem"
    text = "lampu jalan di gang kenanga mati semua sejak kemarin, tolong segera diganti"
    assistant.say(sender, "/give_feedback")
    reply = assistant.say(sender, text)
    assert "Apakah ini laporan yang perlu ditindaklanjuti petugas?" in texts(reply)
    assert db(assistant, "select count(*) as n from feedback f join residents r on r.id = f.resident_id "
                         "where r.wa_id = :s", s=rest_sender(sender))[0]["n"] == 0
    reply = assistant.say(sender, '/inform{"feedback_kind": "pengaduan"}')
    ticket = drive_complaint_to_ticket(assistant, sender, reply)
    assert ticket.startswith("ADU-")
    rows = db(assistant, "select kind, description from cases where ticket = :t", t=ticket)
    assert rows == [{"kind": "complaint", "description": text}]


@pytest.mark.e2e
def test_suggestion_is_saved_only_after_confirmation(assistant):
    from harness.servers import rest_sender

    sender = "u8-feedback-confirm"
    count = ("select count(*) as n from feedback f join residents r on r.id = f.resident_id "
             "where r.wa_id = :s and f.text is not null")
    assistant.say(sender, "/give_feedback")
    reply = assistant.say(sender, "petugas loketnya ramah dan sabar, semoga dipertahankan terus")
    assert "Kirim ini sebagai saran" in texts(reply)
    assert db(assistant, count, s=rest_sender(sender))[0]["n"] == 0
    reply = assistant.say(sender, '/inform{"feedback_kind": "saran"}')
    assert "Terima kasih atas saran" in texts(reply)
    assert db(assistant, count, s=rest_sender(sender))[0]["n"] == 1


@pytest.mark.e2e
def test_clarifying_question_then_the_choice_continues_with_the_original_message(assistant):
    """The unsure reading is injected through the HTTP API (a trained model's confidences move
    with every retraining); the question and the follow-up run on the real servers."""
    from harness.servers import TOKEN, rest_sender

    sender = "u8-clarify"
    message = "got di gang 3 meluap tiap hujan, airnya masuk ke rumah warga"
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "give_feedback", "confidence": 0.41},
               {"name": "file_complaint", "confidence": 0.38}, {"name": "greet", "confidence": 0.05}]
    conversation = f"{assistant.url}/conversations/{rest_sender(sender)}"
    assistant.say(sender, "halo")  # a session exists, so the injected turn is not reset by a session start
    events = [{"event": "action", "name": "action_listen"},
              {"event": "user", "text": message, "input_channel": "rest",
               "parse_data": {"text": message, "intent": ranking[0], "intent_ranking": ranking, "entities": []}}]
    requests.post(f"{conversation}/tracker/events", params={"token": TOKEN}, json=events, timeout=30).raise_for_status()
    response = requests.post(f"{conversation}/execute", params={"token": TOKEN},
                             json={"name": "action_fallback"}, timeout=60)
    response.raise_for_status()
    messages = response.json()["messages"]
    # /execute runs the one action; the assistant would listen next, so say so.
    requests.post(f"{conversation}/tracker/events", params={"token": TOKEN},
                  json=[{"event": "action", "name": "action_listen"}], timeout=30).raise_for_status()
    titles = [b["title"] for m in messages for b in m.get("buttons") or []]
    assert titles == ["Kirim saran", "Lapor masalah", "Lainnya"]

    reply = assistant.say(sender, '/choose_service{"service": "file_complaint"}')
    tracker = assistant.tracker(rest_sender(sender))
    assert tracker["active_loop"].get("name") == "complaint_form"
    assert tracker["slots"]["complaint_description"] == message
    ticket = drive_complaint_to_ticket(assistant, sender, reply)
    rows = db(assistant, "select kind, description from cases where ticket = :t", t=ticket)
    assert rows == [{"kind": "complaint", "description": message}]


@pytest.mark.e2e
def test_lainnya_shows_the_menu(assistant):
    reply = assistant.say("u8-lainnya", '/choose_service{"service": "other"}')
    assert "kalimat lain" in texts(reply) and "/ask_requirements" in payloads(reply)


@pytest.mark.e2e
def test_status_without_a_ticket_lists_own_open_cases_of_that_kind(assistant, monkeypatch):
    from kokom import db as kdb
    from kokom.cases import create_complaint, create_document_request
    from harness.servers import rest_sender

    sender = "u8-status"
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    kdb.reset_engines()
    try:
        complaint = create_complaint(rest_sender(sender), category="infrastruktur",
                                     description="jalan berlubang di gang 2 dekat masjid", location_text="gang 2")
        request = create_document_request(rest_sender(sender), document_type="ktp", full_name="Sri Wahyuni",
                                          nik="3577011203850001", address="Jl. Melati 5 RT 02 RW 03",
                                          purpose="ganti ktp rusak")
    finally:
        kdb.reset_engines()

    reply = texts(assistant.say(sender, "mau lacak pengaduan"))
    assert complaint.ticket in reply and request.ticket not in reply
    assert assistant.tracker(rest_sender(sender))["active_loop"] in ({}, None) or \
        not assistant.tracker(rest_sender(sender))["active_loop"].get("name")

    reply = texts(assistant.say(sender, "ktp saya sudah selesai belum?"))
    assert request.ticket in reply and complaint.ticket not in reply


@pytest.mark.e2e
def test_question_about_a_document_is_answered_then_offered(assistant):
    from harness.servers import rest_sender

    sender = "u8-question"
    reply = assistant.say(sender, "kulo badhe nyuwun surat pengantar skck pripun nggih")
    joined = texts(reply)
    assert "Pengantar SKCK" in joined and "Persyaratan" in joined
    offer = [p for p in payloads(reply) if p.startswith("/request_document")]
    assert offer and "pengantar_skck" in offer[0]
    tracker = assistant.tracker(rest_sender(sender))
    assert not (tracker.get("active_loop") or {}).get("name")
    # "Ajukan sekarang" is the clear request that starts the form, for that document.
    assistant.say(sender, offer[0])
    tracker = assistant.tracker(rest_sender(sender))
    assert tracker["active_loop"].get("name") == "document_form"
    assert tracker["slots"]["request_document_type"] == "pengantar_skck"


@pytest.mark.e2e
def test_long_message_opening_with_a_greeting_is_handled_by_what_it_asks(assistant):
    reply = texts(assistant.say("u8-greeting-first", "assalamualaikum min, maaf mengganggu malam malam, "
                                                     "mau tanya kalau bikin kartu keluarga baru syaratnya apa saja"))
    assert "Kartu Keluarga" in reply and "Persyaratan" in reply


def test_payload_helper_is_json():
    # The clarifying buttons carry JSON the REST/WhatsApp channels pass through unchanged.
    from actions.dialogue import choice_payload

    assert json.loads(choice_payload("file_complaint")[len("/choose_service"):]) == {"service": "file_complaint"}


def test_long_messages_are_read_without_backtracking():
    """WhatsApp allows 4,096 characters: a long run of digits once made the quiz pattern backtrack
    for minutes (it runs on every message). Read once, quietly, as nothing special."""
    for text in ("1" * 4000 + " berapa", "berapa " + "1 " * 2000, "x" * 4096):
        intent, _, cue = decide_intent(text, {"name": "out_of_scope", "confidence": 0.5}, [])
        assert cue is None and intent["name"] == "out_of_scope"


@pytest.mark.parametrize("text, rest, intent", [
    ("ga jadi deh, sy mau bikin sktm aja buat berobat ibu", "sy mau bikin sktm aja buat berobat ibu",
     "request_document"),
    ("batal min. mau kasih saran aja: antrean di loket tolong dikasih nomor",
     "mau kasih saran aja: antrean di loket tolong dikasih nomor", "give_feedback"),
    ("eh gak jadi lapor, mau ngurus surat domisili aja", "mau ngurus surat domisili aja", "request_document"),
    ("nggak jadi deh mau lapor aja lampu jalan gang 3 mati", "mau lapor aja lampu jalan gang 3 mati",
     "file_complaint"),
    ("ga jadi, syarat kk apa aja ya", "syarat kk apa aja ya", "ask_requirements"),
])
def test_a_stop_and_a_new_request_in_one_message(text, rest, intent):
    from kokom.understanding import cancel_then, switch_intent

    assert cancel_then(text) == rest
    # Whatever the classifier said about the whole message, the words after the stop decide.
    assert switch_intent(rest, "cancel", []) == intent


@pytest.mark.parametrize("text", ["batal", "ga jadi deh", "gak jadi lapor deh", "batal aja min, makasih ya",
                                  "ga usah pake nama", "nggak jadi kirim foto", "ga jadi, sudah dibetulin kok"])
def test_a_plain_stop_carries_no_new_request(text):
    from kokom.understanding import cancel_then, switch_intent

    rest = cancel_then(text)
    assert rest is None or switch_intent(rest, "cancel", []) is None


CUES_FOR_WRITERS_15_16 = [
    # Malay, Minang, Banjar and Betawi "want" and "I" (writers 15 and 16)
    ("ambo nak mambuek ktp baru", "ask_requirements", "request_document"),
    ("boleh ke saya buat aduan dari Taiwan? rumah ortu di sogaten", "check_status", "file_complaint"),
    ("ini kelurahan kah? aku nak urus dokumen", "ask_requirements", "request_document"),
    ("mau ganti kk karena anak sy lahir", "check_status", "request_document"),
    # status in other words
    ("aduan sy soal lampu mati kok belum ada yg datang ngecek?", "file_complaint", "check_status"),
    ("awak dah lapor got mampet 3 hari lalu, kapan dibetulin?", "file_complaint", "check_status"),
    ("sktm sy blm dibales min", "ask_requirements", "check_status"),
    ("laporan pohon tumbang bulan lalu nasibnya gimana", "file_complaint", "check_status"),
    ("surat domisili ambo alah salasai alun?", "ask_office_location", "check_status"),
    # a document named first as an order; apply now after the requirements
    ("surat kehilangan ya min, dompet sy ilang", "check_status", "request_document"),
    ("sip udh lengkap semua, daftarin skrg", "check_status", "request_document"),
    # praise, menu, bot questions, hours in English, other agencies, chit-chat
    ("tolong disampaikan terima kasih sy buat petugas loket", "file_complaint", "give_feedback"),
    ("good service, thank you kelurahan", "request_human", "give_feedback"),
    ("di sini bisa urus apo sajo ya", "file_complaint", "show_menu"),
    ("admin nya orang bukan sih", "request_human", "bot_challenge"),
    ("what time does the office open", "goodbye", "ask_office_hours"),
    ("cara daftar ulang kampus gimana", "ask_requirements", "out_of_scope"),
    ("harga tiket pesawat ke hongkong brp", "check_status", "out_of_scope"),
    ("min jawab teka teki dong", "ask_requirements", "out_of_scope"),
]


def test_a_life_event_is_not_a_document():
    # "baru pindah" (just moved) names no moving letter; "mau ngurus pindah" still does.
    assert not doc_names.find("layanan apa aja di sini? sy baru pindah")
    assert [m.key for m in doc_names.find("mau ngurus pindah ke surabaya")] == ["surat_pindah"]


CUES_FOR_WRITERS_17_18 = [
    # "alay" spelling: digits for letters, q for aku
    ("min m4u l4p0r", "out_of_scope", "file_complaint"),
    ("q m4u bkin srt kehilangan, dompet q ilang", "ask_requirements", "request_document"),
    # an officer asking for money is a report, a document named or not
    ("petugas minta uang rokok pas sy ngurus sktm, emang wajar?", "ask_requirements", "file_complaint"),
    # aid never received after registering is a complaint, not a status question
    ("bapak sy gk pernah dapat bansos, udah daftar dua kali", "check_status", "file_complaint"),
    # a declaration of applying, a document and what it is for, deciding on one
    ("Kami mengajukan izin keramaian untuk pengajian akbar tanggal 20", "file_complaint", "request_document"),
    ("sktm buat beasiswa anak sy", "ask_requirements", "request_document"),
    ("oke kalo gitu sy ngurus akta kelahiran aja dulu", "ask_requirements", "request_document"),
    ("udah lengkap, ajukan ae skrg", "give_feedback", "request_document"),
    # questions in other words
    ("akta kematian hrs ada surat rs tah", "request_document", "ask_requirements"),
    ("ahli waris cukup pakai surat kuasa gk?", "file_complaint", "ask_requirements"),
    # status, a person, menu, other agencies and chit-chat
    ("surat domisili sy kok lama, smpe mn", "ask_requirements", "check_status"),
    ("tolong saya dihubungkan dengan petugas saja", "file_complaint", "request_human"),
    ("transfer ke cs dong", "out_of_scope", "request_human"),
    ("saged kangge menapa mawon", "ask_requirements", "show_menu"),
    ("hahaha wkwk", "show_menu", "out_of_scope"),
    ("cara klaim asuransi jiwa gimana", "ask_requirements", "out_of_scope"),
]


def test_alay_spelling_is_read_and_numbers_are_not():
    from kokom.understanding import normalized

    assert normalized("q m4u l4p0r") == " aku mau lapor "
    assert normalized("akte lahirx") == " akte lahirnya "
    # RT/RW, NIKs, "17an" and "bolong2" are not spelling
    assert normalized("rt02 rw03 17an bolong2 3577015006650004") == " rt02 rw03 17an bolong2 3577015006650004 "


# Writers 21-22: Madurese (read through REGIONAL_WORDS), market traders, letter style, code-mixing.
CUES_FOR_WRITERS_21_22 = [
    ("minta surat keterangan hilang, buku tabungan jatuh di pasar", "ask_requirements", "request_document"),
    ("engkok terro aghebay ka ka anyar", "ask_requirements", "request_document"),
    ("kaule nyo'on ngoros ktp anyar ghi", "ask_requirements", "request_document"),
    ("surat domisili engkok la mare?", "request_document", "check_status"),
    ("dhika, surat pindah engkok gi' e proses?", "request_document", "check_status"),
    ("engkok bede se terro e laporagi", "check_status", "file_complaint"),
    ("engkok terro acaca kalaban oreng, ta' robot", "bot_challenge", "request_human"),
    ("coba tunjukkan pilihan layanannya pak saya tidak tahu", "give_feedback", "show_menu"),
    ("engkok terro ajual motor, bede se mele?", "check_status", "out_of_scope"),
    ("izin edar bpom buat jamu", "ask_requirements", "out_of_scope"),
    ("harga bawang merah hari ini berapa", "ask_requirements", "out_of_scope"),
    ("pls process pengantar skck gue asap, interview lusa", "ask_requirements", "request_document"),
    ("jual sepatu running size 42, masih bagus", "give_feedback", "out_of_scope"),
    ("mau tanya cara cek nilai utbk", "give_feedback", "out_of_scope"),
    ("Atas perhatian dan bantuan Bapak/Ibu, saya ucapkan terima kasih yang sebesar-besarnya.", "ask_requirements", "thank"),
    ("Mohon permohonan ini dibatalkan saja, terima kasih.", "thank", "cancel"),
    ("any update soal laporan jalan rusak kemarin?", "file_complaint", "check_status"),
    ("tolong dicek permohonan akte kelahiran cucu saya atas nama ahmad fauzi", "request_document", "check_status"),
    ("pengen chat sama petugasnya aja, ribet kalo sama bot", "request_human", "request_human"),
    ("istirahat siang jam berapa pak soalnya saya mau datang sehabis dzuhur", "ask_office_hours", "ask_office_hours"),
    ("kamu suka kopi ga min?", "bot_challenge", "out_of_scope"),
    ("hi min, mau report something", "request_document", "file_complaint"),
]

# Writers 23-24: farmers, religious leaders, families writing for someone; teachers and nurses,
# one-line lowercase writers, residents who describe a situation instead of naming a document.
CUES_FOR_WRITERS_23_24 = [
    ("Apakah pembuatan surat keterangan usaha dipungut biaya?", "request_document", "ask_requirements"),
    ("anak saya mau daftar SMP, kata sekolah harus ada surat keterangan tidak mampu dari kelurahan, saya mau ngajuin",
     "request_document", "request_document"),
    ("sktm", "request_document", "inform"),
    ("yg SKU aja", "ask_requirements", "inform"),
    ("saran: tolong dibuatkan ramp di pintu masuk kantor", "request_document", "give_feedback"),
    ("aku butuh surat dr kelurahan buat ngurus beasiswa tp bingung surat apa", "ask_requirements", "request_document"),
    ("Selamat siang, saya perawat puskesmas, izin menyapa", "out_of_scope", "greet"),
    ("pagi pak, sy dari kelompok tani sri rejeki", "greet", "greet"),
    ("selamat siang, sy undur diri dulu", "inform", "goodbye"),
    ("okee makasiii", "affirm", "thank"),
    ("kulanuwun lurr", "thank", "greet"),
    ("kolam bekas galian nang pinggir sawah ora dipager, mbebayani bocah", "out_of_scope", "file_complaint"),
    ("jual gabah kering giling 2 ton, ada yg minat?", "file_complaint", "out_of_scope"),
    ("saya lupa nomor tiket, bisa cek pengajuan saya atas nama Dwi Rahayu?", "out_of_scope", "check_status"),
    ("aduan soal pungli kemarin ada tindak lanjutnya?", "file_complaint", "check_status"),
    ("admin asli mana? pengen chat manusia", "request_human", "request_human"),
    ("saya nggak tahu mau ngurus apa, tolong tunjukkan pilihannya", "request_document", "show_menu"),
    ("gawe ktp anyar nggo anakku sing wis 17 taun", "ask_requirements", "request_document"),
    ("surat domisili pak pendeta kami kapan selesainya ya?", "ask_requirements", "check_status"),
    ("ngurus ahli waris itu semua anak harus datang ya, kakak sy di kalimantan", "request_document", "ask_requirements"),
    ("kapan pembagian rapor semester ganjil SD negeri?", "file_complaint", "out_of_scope"),
    ("sewa traktor tangan per hari biasanya berapa ya", "ask_requirements", "out_of_scope"),
    ("saya nggak tahu ini termasuk apa, tapi boleh saya cerita?", "check_status", "file_complaint"),
    ("bapak saya meninggal tadi subuh, katanya harus urus surat di kelurahan, saya nggak ngerti suratnya apa",
     "ask_requirements", "request_document"),
    ("saya mau kerja di luar negeri, katanya perlu surat-surat dari kelurahan dulu", "ask_requirements", "request_document"),
    ("I want to complain about service at the kelurahan office: the officer at the counter asked me 50 thousand for a "
     "domisili letter which should be free", "ask_requirements", "file_complaint"),
    ("ada yg berantem pake botol di warung kopi, udah ada yg berdarah!!", "check_status", "file_complaint"),
    # the retrained classifier's new readings, caught in the tuned run
    ("mohon maaf sebelumnya pak bu saya orang tidak bisa nulis bagus mau lapor", "request_human", "file_complaint"),
    ("aku arep ngurus layang", "file_complaint", "request_document"),
    ("assalamualaikum, ada yg mau sy sampaikan soal bantuan", "show_menu", "file_complaint"),
    ("min aku mau curhat sekaligus lapor nih", "greet", "file_complaint"),
    ("Mohon izin, saya ingin melaporkan", "request_document", "file_complaint"),
    ("hi, can you help me apply a document", "show_menu", "request_document"),
    ("Yth. Bapak/Ibu, mhn perhatian atas kondisi salah seorang warga kami.", "ask_requirements", "file_complaint"),
    # writers 25-26
    ("aduan soal preman parkir gmn lanjutannya", "file_complaint", "check_status"),
    ("klaim jaminan hari tua prosedurnya", "ask_requirements", "out_of_scope"),
    ("sktm beta yang ajukan kemarin su jadi ka?", "request_document", "check_status"),
    ("besok mendung ka kaka?", "show_menu", "out_of_scope"),
    # writers 29-30 and the split, read by the model trained with two more writers' lines
    ("min manusia plis, aku butuh dijelasin langsung", "request_document", "request_human"),
    ("akhi antum beneran orang?", "request_human", "bot_challenge"),
    ("syukron katsiron akhi", "request_document", "thank"),
    ("Mohon informasi letak Kantor Kelurahan Sogaten, saya pensiunan yang baru pindah ke wilayah ini.",
     "request_document", "ask_office_location"),
    ("akta kematian tuh jadinya brp hari min, buat ngurus asuransi", "request_document", "ask_requirements"),
    ("kalo mau ngurus sktm, bisa lewat wa aja atau harus ke kantor? saya pakai kursi roda", "request_document",
     "ask_requirements"),
    ("sabaraha lami ngadamel akta lahir teh?", "request_document", "ask_requirements"),
    ("resep nasi goreng", "request_document", "out_of_scope"),
    ("bikinin puisi buat ibu dong min", "request_document", "out_of_scope"),
    ("habis idul fitri mulai masuk kerja tanggal berapa", "out_of_scope", "ask_office_hours"),
    ("Assalamualaikum, ini cucunya Mbah Karsih", "request_document", "greet"),
    ("oh ga bisa ya. yaudah aku butuh surat kehilangan aja buat sim yg ilang", "ask_requirements", "request_document"),
    # the retrained model's new readings of older sets, and writers 31-32
    ("assalamualaikum, ada yg mau sy sampaikan soal bantuan", "ask_requirements", "file_complaint"),
    ("selamat siang kaka, beta mau lapor soal pelayanan petugas", "request_human", "file_complaint"),
    ("Mhn izin menyampaikan laporan yg bersifat rahasia.", "ask_requirements", "file_complaint"),
    ("akte lhr b4y1 q dunk, br lahir kmrn", "check_status", "request_document"),
    ("FORM PENGAJUAN: SKTM", "ask_requirements", "request_document"),
    ("bikinin surat lamaran kerja dong", "request_document", "out_of_scope"),
    ("FWD: Pengajuan izin keramaian\nNama: Agus Wibowo\nNIK: 3577012506800010\nKeperluan: lomba 17 Agustus", "out_of_scope",
     "request_document"),
    ("sy ulangi lagi ya datanya: surat kehilangan, nama Hartono, NIK 3577010702770011, untuk lapor STNK motor hilang ke polsek",
     "file_complaint", "request_document"),
]

CUES_FOR_WRITERS_19_20 = [
    ("ada laporan lain nih min", "check_status", "file_complaint"),
    ("Nyuwun sewu, kula badhe ngajengaken serat", "ask_requirements", "request_document"),
    ("hello, complaint please", "greet", "file_complaint"),
    ("jam 7 pagi sudah ada petugas belum", "file_complaint", "ask_office_hours"),
    ("kalo bisa ada kursi tunggu yg lebih banyak", "ask_requirements", "give_feedback"),
    ("keep up the good work kelurahan", "ask_office_location", "give_feedback"),
    ("izin keramaian buat pengajian di masjid harus ngurus kemana aja", "ask_requirements", "ask_requirements"),
]


@pytest.mark.parametrize("text, classifier, expected",
                         CUES_FOR_WRITERS_15_16 + CUES_FOR_WRITERS_17_18 + CUES_FOR_WRITERS_19_20
                         + CUES_FOR_WRITERS_21_22 + CUES_FOR_WRITERS_23_24)
def test_cues_for_fresh_writers(text, classifier, expected):
    """What writers 15-24 showed, each as the classifier's uncertain reading and what the cues make of it."""
    intent, _, _ = decide_intent(text, {"name": classifier, "confidence": 0.5}, [{"name": classifier, "confidence": 0.5}])
    assert intent["name"] == expected


def test_follow_ups_after_the_requirements():
    # "bayar ga?" read as the menu by an unsure classifier; "gass daftar skrg" read as a greeting
    menu = [{"name": "show_menu", "confidence": 0.21}, {"name": "out_of_scope", "confidence": 0.14}]
    assert decide_intent("bayar ga?", menu[0], menu)[0]["name"] == "ask_requirements"
    greet = [{"name": "greet", "confidence": 0.4}, {"name": "inform", "confidence": 0.34}]
    assert decide_intent("gass daftar skrg", greet[0], greet)[0]["name"] == "request_document"


@pytest.mark.parametrize("text", ["minnn tolongin 😭", "tolong min", "help pls"])
def test_a_bare_plea_asks_report_or_officer(text):
    # Nothing but "help": ask whether to report something or talk to an officer (as for "urgent").
    intent, ranking, cue = decide_intent(text, {"name": "request_human", "confidence": 0.85},
                                         [{"name": "request_human", "confidence": 0.85}])
    assert cue == "urgent" and intent["name"] == "nlu_fallback"
    assert [r["name"] for r in ranking[:2]] == ["file_complaint", "request_human"]


# Writers 41-44 (devout and fragmenting writers, landlords and vowel-less typists, hedging interns,
# husbands and wives and number-heavy volunteers): the classifier's reading and what the cues make of it.
CUES_FOR_WRITERS_41_44 = [
    ("bismillah, saya ingin membuat pengaduan terkait saluran air yang tersumbat di rw 4, sekalian mau tanya syarat sktm",
     "request_document", "file_complaint"),
    ("afwan, mau minta dibuatkan SKTM, sekalian tanya kantor buka sampai jam berapa", "ask_office_hours",
     "request_document"),
    ("nggawe surat domisili butuh pengantar rt ta?", "request_document", "ask_requirements"),
    ("parkir mobil di kelurahan muat ga?", "file_complaint", "ask_office_location"),
    ("ada tempat parkir mobil gak di kelurahan", "file_complaint", "ask_office_location"),
    ("Afwan, bisa minta nomor WA petugas pelayanan? mohon dibantu nggih", "give_feedback", "request_human"),
    ("minta tolong petugas yg ngurusin kk hubungi sy", "request_document", "request_human"),
    ("tlg dbntu bkn sku utk usaha fotokopi dpn kmps", "ask_requirements", "request_document"),
    ("kntr lrh bk jm brp y, sy krj shift", "ask_requirements", "ask_office_hours"),
    ("lyn ap sj y", "affirm", "show_menu"),
    ("btl y", "affirm", "cancel"),
    ("selamat sore, maaf mau menanyakan pengaduan jalan berlubang minggu lalu, nomor tiketnya lupa", "file_complaint",
     "check_status"),
    ("aduan saya soal pungli di loket ADU-2026-00150, tindak lanjutnya apa", "file_complaint", "check_status"),
    ("adu 2026 00145 ?", "inform", "check_status"),
    ("Serat SKTM ingkang kula ajukaken wingi sampun saged dipun pendhet?", "request_document", "check_status"),
    ("istirahat siang jam 12-13 ya? saya mau kesana jam 12.30", "check_status", "ask_office_hours"),
    ("iso nyilih duit kanggo mbayar kos ra?", "ask_requirements", "out_of_scope"),
    ("jual kavling murah 100jt lokasi strategis dekat kelurahan, minat hub 0852 0000 7788", "file_complaint",
     "out_of_scope"),
    ("calon istri saya minta saya cepet urus pengantar nikah N1 sampai N4, akad tgl 10-10-2026", "check_status",
     "request_document"),
    ("Karang Taruna RW 05 mengajukan izin keramaian untuk lomba 17 Agustus, tgl 16-08-2026 pukul 19.00-23.00",
     "check_status", "request_document"),
    ("disuruh ibu ngurus surat nikah buat mbak sy, yg n1 n2 itu", "ask_requirements", "request_document"),
    ("permisi, kami kader posyandu mau info syarat2 umum ngurus surat di kelurahan", "give_feedback",
     "ask_requirements"),
    # not moved: a stolen motorbike in the car park is a report; a status question keeps its kind
    ("motor sy hilang di parkiran kelurahan tadi, tolong ditindak", "file_complaint", "file_complaint"),
    ("sktm yang saya ajukan kemarin sudah bisa diambil?", "check_status", "check_status"),
]



def test_vowel_less_words_are_read_and_bukan_stays_bukan():
    assert normalized("kntr lrh bk jm brp y") == " kantor lurah buka jam brp ya "
    assert " bikin surat " in normalized("mw bkn srt kt dmsl")
    assert " bkn " in normalized("itu bkn punya saya")
    assert normalized("lyn ap sj") == " layanan apa saja "  # "sj" is "saja" here, not the old "sy"


def test_aid_never_received_offers_the_complaint_when_unsure():
    ranking = [{"name": "give_feedback", "confidence": 0.41}, {"name": "check_status", "confidence": 0.3}]
    text = "dari kader posyandu: ada balita gizi kurang di rt 06, keluarganya belum terima bantuan apapun, mohon ditinjau"
    assert candidate_services(ranking, text=text)[0] == "file_complaint"


# Suggestions about hours and requirement boards stay suggestions.
SUGGESTIONS_STAY = [
    ("kalau bisa jam pelayanan ditambah", "give_feedback", "give_feedback"),
    ("sebaiknya papan info syarat surat dipasang di depan biar warga tau", "give_feedback", "give_feedback"),
    ("saran kak, info syarat di ig dibuat lebih lengkap", "give_feedback", "give_feedback"),
    ("kurang papan informasi syarat di ruang tunggu", "give_feedback", "give_feedback"),
]


CUES_FOR_WRITERS_45_48 = [
    ("harus ya lapor lewat sini? yaudah, tabung gas di warung sy dicolong semalem", "request_document", "file_complaint"),
    ("surat domisili buat pedagang luar kota syaratnya gmn, abis itu sy mau daftar", "request_document",
     "ask_requirements"),
    ("kok laporan got mampet sy ga ditanggapi2 sih", "file_complaint", "check_status"),
    ("kmrn udh sy chat soal sktm, tp skrg ada yg lebih penting: ada maling masuk rumah tetangga tadi subuh",
     "check_status", "file_complaint"),
    ("min td sy nanya jam buka, skrg mau ajuin surat pindah datang aja lah", "ask_requirements", "request_document"),
    ("kmrn sy lapor jalan rusak, eh sekalian nanya, surat ahli waris syaratnya apa aja", "check_status",
     "ask_requirements"),
    ("Dengan hormat, kami ingin menanyakan: 1. persyaratan pecah KK, 2. apakah dapat diproses dalam satu hari.",
     "request_document", "ask_requirements"),
    ("sayah kemaren ngajuin sktm udah jadi belom", "request_document", "check_status"),
    ("laporan lampu mati kok blm ada yg benerin sampe skrg", "file_complaint", "check_status"),
    ("nomer tiket DOK 2026 1204 0021 tolong dicek", "file_complaint", "check_status"),
    ("sayah ga ngerti ngetik, mintatolong orang nya langsung", "request_document", "request_human"),
    ("kmrn sy nanya ktp, skrg mau nanya bikin sim c dmn ya", "ask_requirements", "out_of_scope"),
    ("gimana kalo sabtu dibuka setengah hari, buat yg kerja senin-jumat", "ask_office_hours", "give_feedback"),
    ("Nak, kantor Taspen cabang Madiun itu buka jam berapa nggih?", "ask_office_hours", "out_of_scope"),
    ("balik nama sertifikat tanah warisan, kelurahan iso ngurus ora?", "ask_requirements", "out_of_scope"),
    ("nitip nggih, warga saya mau pecah kk soalnya sudah nikah dan ngontrak sendiri", "check_status", "request_document"),
    ("min kmrn sy udh lapor soal lampu, tiketnya ADU-20261201-0003, tp skrg ada yg lain, motor adik sy dicuri semalem",
     "check_status", "file_complaint"),
    ("min kmrn sy udh nanya syarat pecah kk, skrg mau langsung ajuin aja", "ask_requirements", "request_document"),
    ("Pak, saya punya anak kecil yang sering batuk. Awalnya saya kira karena cuaca. Ternyata tetangga belakang rumah "
     "tiap sore bakar sampah plastik dan asapnya masuk ke kamar. Mohon dibantu.", "out_of_scope", "file_complaint"),
    ("Selamat pagi pak. Anak saya keterima di SMK tapi biaya seragamnya berat. Suami kerja serabutan. Kata wali kelas "
     "bisa minta keringanan pakai SKTM. Saya mau ajukan SKTM atas nama saya, Siti Aminah.", "request_document",
     "request_document"),
    ("PENGANTAR SKCK!!! BUAT LAMARAN KERJA!!! CEPAT!!!", "give_feedback", "request_document"),
    # this office's heirship letter for the land office stays this office's
    ("surat keterangan ahli waris untuk balik nama sertifikat tanah bapak", "request_document", "request_document"),
]



# Parking trouble and suggestions about the car park are not the office's location; another
# company's customer service is not an officer here.
CUES_KEEP_THEIR_LIMITS = [
    ("masukan aj, parkiran motor di kantor kelurahan kalo bisa diperluas", "give_feedback", "give_feedback"),
    ("ada yg nyolong helm di parkiran kos 2x minggu ini", "file_complaint", "file_complaint"),
    ("min td jam 3 subuh ada yg nyoba nyongkel motor di parkiran kos, tolong patroli", "file_complaint", "file_complaint"),
    ("ada malang motor di parkiran masjid td subuh", "file_complaint", "file_complaint"),
    ("wifi rumah lemot, nomor cs provider nya berapa", "out_of_scope", "out_of_scope"),
]


CUES_FOR_WRITERS_49_52 = [
    # an illegal fee told is a report, however it asks ("... katanya gratis?? ini pungli kan")
    ("td disuruh bayar 75rb buat pengantar skck, katanya gratis?? ini pungli kan", "ask_requirements", "file_complaint"),
    ("kemaren diminta bayar seratus ribu buat surat pengantar padahal katanya gratis, ini gimana ya", "ask_requirements",
     "file_complaint"),
    ("halo, mau ngadu soal pelayanan: kemarin di loket sy dimintai uang 'administrasi' 100rb buat pengantar kk. "
     "bukannya gratis??", "file_complaint", "file_complaint"),
    ("biaya sktm berapa? takut kena pungli", "ask_requirements", "ask_requirements"),
    # asking first, not applying yet
    ("kak mau tanya dulu buat mbah, bikin surat ahli waris itu saksinya berapa orang ya? blm mau ngajuin sekarang",
     "request_document", "ask_requirements"),
    ("permisi, mau tanya dulu syarat bikin sktm apa aja, belum mau ngajuin", "ask_requirements", "ask_requirements"),
    ("berkas buat pecah kk apa aja kak, mbah mau misah dari kk om saya", "request_document", "ask_requirements"),
    # a report made before, asked after
    ("laporan got mampet yg minggu lalu gmn, udah ada yg ngecek?", "file_complaint", "check_status"),
    ("aduan soal pungli di loket td siang udh dibaca blm?", "file_complaint", "check_status"),
    ("gue lapor lampu mati dari minggu lalu kok belum dibenerin sih", "file_complaint", "check_status"),
    ("lampu jalan mati dari minggu lalu kok belum dibenerin", "file_complaint", "file_complaint"),
    ("mau lapor, lampu jalan mati dari minggu lalu kok belum dibenerin", "file_complaint", "file_complaint"),
    # one word of reporting; someone left without care; a Sundanese drain
    ("aduan", "check_status", "file_complaint"),
    ("ada nenek hidup sendirian ga ada yang ngurus di belakang kos", "ask_requirements", "file_complaint"),
    ("punten, solokan payun bumi abdi mampet", "request_document", "file_complaint"),
    # the office's line, the office moved, online loans, two wishes joined by "sama"
    ("telp kelurahan brp", "ask_requirements", "request_human"),
    ("kantor kelurahan pindah apa masih di tempat lama?", "ask_requirements", "ask_office_location"),
    ("mau ngurus surat pindah di kantor kelurahan", "request_document", "request_document"),
    ("got depan rumah saya mampet", "request_document", "file_complaint"),
    ("pinjol yang aman apa ya kak, lagi butuh buat bayar kos 😭", "ask_requirements", "out_of_scope"),
    ("mau bikin surat domisili sama nanya jam buka kantor", "ask_office_hours", "request_document"),
]


CUES_FOR_WRITERS_53_56 = [
    ("Permohonan surat keterangan ahli waris atas nama almarhum Bapak Sudarmo.", "check_status", "request_document"),
    ("Menapa kemawon ingkang saged dipun bantu lewat ngriki?", "out_of_scope", "show_menu"),
    ("aku wis bosen rek, dorone tonggo nek isuk ngeluk terus, teleke nang jemuranku. iki iso dilaporke ra?",
     "check_status", "file_complaint"),
    ("apa aja yg perlu disiapin buat ngurus surat-surat di kelurahan? sy mau siapin dr rumah dulu biar sekali jalan",
     "ask_requirements", "ask_requirements"),
    ("kelurahan sogaten itu di jl apa ya, sy dr luar kota", "ask_requirements", "ask_office_location"),
    ("nek soko alun2 madiun arahe nang ndi", "out_of_scope", "ask_office_location"),
    ("dari stasiun ke rumah sakit arahnya kemana", "out_of_scope", "out_of_scope"),
    ("koh, minyak goreng 2 liter masih ada stok?", "check_status", "out_of_scope"),
    ("1. buat sktm 2. tanya jam buka", "ask_requirements", "request_document"),
    ("pengantar nikahku gimana kak, acaranya 2 minggu lagi 😣", "ask_requirements", "check_status"),
    ("sktmku gimana caranya bikin", "ask_requirements", "ask_requirements"),
    ("wkwk adminnya udh nikah blm", "check_status", "out_of_scope"),
    ("domisili buat kos2an mahasiswa syaratnya apa.. eh maksudnya buat anak kos, bisa ga", "inform", "ask_requirements"),
    ("wis telung dino lapor banjir ra ono sing teko", "file_complaint", "check_status"),
    ("mau lapor banjir, dari kemarin ra ono sing teko", "file_complaint", "file_complaint"),
    ("Di sebelah mana letak ruang pelayanan, sebab saya menggunakan kursi roda?", "give_feedback", "ask_office_location"),
    ("mau komplain.. eh bukan komplain sih, saran aja: formulirnya dibikin online biar ga bolak balik", "file_complaint",
     "give_feedback"),
    ("kalo bisa bot nya dikasih pilihan bahasa jawa wkwk", "show_menu", "give_feedback"),
    ("laporan jalan rusak kmrn gmn ya", "file_complaint", "check_status"),
    ("Mohon maaf mengganggu waktu Bapak/Ibu", "file_complaint", "greet"),
    ("mohon maaf, jalan depan rumah rusak", "file_complaint", "file_complaint"),
    ("motor ibu2 posyandu ilang di parkiran tadi pagi 😭 gimana ini min", "out_of_scope", "file_complaint"),
    ("Saya tuli. Kemarin di kantor kelurahan petugas bicara dengan nada tinggi dan tidak mau menulis, saya jadi "
     "tidak paham.", "request_human", "file_complaint"),
    ("mohon maaf, saya mau bicara dengan petugas", "request_human", "request_human"),
    ("lek, tikus nang sawah akeh pol, irigasi yo mampet", "give_feedback", "file_complaint"),
    ("jalan depan kantor rusak, sebaiknya segera diperbaiki", "give_feedback", "give_feedback"),
    ("hi kokom, need surat buat daftar kuliah", "out_of_scope", "request_document"),
    ("butuh surat dari dokter buat izin kerja", "out_of_scope", "out_of_scope"),
    ("mau bikin paspor", "out_of_scope", "out_of_scope"),
    # the same opening words asking after an application (sets 37-45 and 56)
    ("pengajuan kk saya nyampe mana", "check_status", "check_status"),
    ("pengajuan sku sy udh seminggu blm ada info", "check_status", "check_status"),
    ("Permohonan pengantar nikah putra saya sudah sejauh mana prosesnya?", "check_status", "check_status"),
    ("1. ktp hilang 2. syarat ngurus ulang apa 3. berapa lama", "ask_requirements", "ask_requirements"),
]


CUES_FOR_WRITERS_57_60 = [
    ("bule terro aghabay surat keterangan usaha kaangguy warung sate", "ask_requirements", "request_document"),
    ("assalamualaikum, saya kader pkk rw 05. ada beberapa lansia yg bansosnya belum cair: mbah sarni, mbah kasiyo",
     "out_of_scope", "file_complaint"),
    ("petugas pelayanan kemarin ngebentak sy pas tanya syarat pindah datang", "ask_requirements", "file_complaint"),
    ("syarat ktp apa aja? kata tetangga petugasnya judes", "ask_requirements", "ask_requirements"),
    ("mbah kakung sy hilang dr maghrib, pikun, tlg bantu umumkan", "request_document", "file_complaint"),
    ("ktp saya hilang, mau bikin surat kehilangan", "request_document", "request_document"),
    ("SKU se bule ajukan minggu lalu, gi' tak deddi?", "request_document", "check_status"),
    ("engkok terro acaca bi' oreng, ta' bi' mesin", "out_of_scope", "request_human"),
    ("mbenjing bukak mboten pak?", "show_menu", "ask_office_hours"),
    ("udah lapor pohon tumbang dr jam 9, kok blm ada yg dtg, kabelnya msh melintang", "file_complaint", "check_status"),
    ("nomer telpon kelurahan brp, mau telp aj", "ask_requirements", "request_human"),
    ("sy warga baru, wa ini bs buat urus apa aj ya", "ask_requirements", "show_menu"),
    ("kemarin ngurus surat pindah disuruh bayar 'uang rokok' 75rb sama oknum, sy keberatan dan mau lapor",
     "ask_requirements", "file_complaint"),
    ("ada jasa angkut barang pindahan ga min? (dari sby)", "file_complaint", "out_of_scope"),
    ("bisa minta info ongkos truk pindahan madiun - jakarta?", "ask_requirements", "out_of_scope"),
    ("pindah faskes bpjs ke puskesmas sini caranya?", "ask_requirements", "out_of_scope"),
    ("mau urus surat pindah ke surabaya", "request_document", "request_document"),
]


CUES_FOR_WRITERS_61_64 = [
    # pasted and forwarded text: the resident's own words under it ask (set 62)
    ("[Diteruskan] 'akta kematian skrg bisa diurus di kelurahan'\nbener? syaratnya apa", "out_of_scope", "ask_requirements"),
    ("[Diteruskan dari mas Andi]\n'Dik, nanti tolong urus N1-N4 di kelurahan ya, aku masih di Batam'\n\n"
     "saya mau ngurusin pengantar nikah kakak saya", "out_of_scope", "request_document"),
    ("[Diteruskan] Syarat pecah KK: fc KK lama, fc buku nikah, surat pengantar RT.\nitu udah lengkap belum ya pak?",
     "out_of_scope", "ask_requirements"),
    ("Copas: 'Jual sound system lengkap buat hajatan, harga nego'\nada yg minat min? share ke warga dong",
     "file_complaint", "out_of_scope"),
    ("Diteruskan: bantuan kuota gratis, klik link ini", "ask_requirements", "out_of_scope"),
    # traders' shorthand (set 61)
    ("lprn lampu mati kmrn kok blm dibetulin", "file_complaint", "check_status"),
    ("izin keramaian utk tgl 20 udh kluar?", "request_document", "check_status"),
    ("dr psr sleko ke klrhn lwt mn", "file_complaint", "ask_office_location"),
    ("hrg bawang merah grosir brp", "ask_requirements", "out_of_scope"),
    ("bkn sku", "deny", "request_document"),
    ("Nak, kalau mau ganti data penerima pensiun di kantor pos itu bagaimana caranya?", "ask_requirements", "out_of_scope"),
    ("I need to talk to a real person, bukan bot", "bot_challenge", "request_human"),
    ("Bantuan PKH saya berhenti sejak suami meninggal, padahal sekarang saya sendirian dan tidak punya penghasilan. "
     "Mohon bisa dibantu dicek nggih.", "request_document", "file_complaint"),
    ("Mohon maaf Bu, untuk surat keterangan ahli waris apakah perlu membawa surat nikah saya dengan almarhum?",
     "check_status", "ask_requirements"),
    # committees, caregivers (set 62)
    ("Assalamualaikum, panitia pengajian akbar Maulid Nabi mau ngurus izin keramaian, acaranya tgl 5 malam di halaman "
     "masjid. syaratnya sekalian dikirim ya", "ask_requirements", "request_document"),
    ("ngecek aduan pungli saya dong", "file_complaint", "check_status"),
    ("help", "file_complaint", "show_menu"),
    # Arekan slang (set 63)
    ("wkwk min jomblo ta?", "deny", "out_of_scope"),
    ("pengantar skck cak", "ask_requirements", "inform"),
    ("nambah anak nang kk, bayiku wes lair", "ask_requirements", "request_document"),
    ("dompet ilang isine ktp karo atm, butuh surat kehilangan", "ask_requirements", "request_document"),
    # shift workers, newlyweds, third-person reporters (set 64)
    ("bansos bapak saya kok ga keluar2 ya, yg lain satu rt udah terima semua", "inform", "file_complaint"),
    ("pecah kk dari ortu, udh nikah", "check_status", "request_document"),
    ("tetangga saya minta diajukan izin hajatan sunatan anaknya, dia ga punya hp", "ask_requirements", "request_document"),
    ("lapor got mampet minggu lalu belum ada yg dateng", "file_complaint", "check_status"),
    ("mending ada formulir online jadi ga bolak balik", "cancel", "give_feedback"),
    ("min kami kemarin ngurus pengantar nikah, dimintain 100rb sama oknum katanya biar cepet. itu resmi ga sih? "
     "kami mau lapor aja deh", "check_status", "file_complaint"),
    ("I need to talk to a real person, bukan bot", "request_human", "request_human"),
    ("mau perpanjang paspor, bs bantu?", "out_of_scope", "out_of_scope"),
    ("Kula namung badhe matur, pelayananipun sakmenika langkung cepet, matur nuwun", "give_feedback", "give_feedback"),
    ("panitia pengajian mau ngurus izin keramaian, acaranya tgl 5 malam. syaratnya sekalian dikirim ya",
     "request_document", "request_document"),
    # sets 65-68, measured on the fixes above, then read
    ("pengaduan jalan rusak kok ga ada kabar", "file_complaint", "check_status"),
    ("pengaduan lampu mati kok durung didandani", "file_complaint", "check_status"),
    ("laporanku soal got mampet kemarin kok diem aja", "file_complaint", "check_status"),
    ("laporan pungli yg kemarin ditindak ga sih, penasaran", "file_complaint", "check_status"),
    ("kalo bisa ada layanan khusus buat TKI yg mau urus surat keluarga dari jauh", "request_document", "give_feedback"),
    ("sebaiknya ada petugas yg bisa dihubungi malam, soalnya keributan itu kejadiannya malam semua", "request_human",
     "give_feedback"),
    ("ada kambing lepas tiap hari makanin tanaman warga, yg punya cuek aja", "give_feedback", "file_complaint"),
    ("akta kelahiran buat anak umur 2 taun, telat ngurus kena denda gk", "request_document", "ask_requirements"),
    ("surat2 buat usaha kecil apa aja yg bisa diurus di kelurahan dan syaratnya apa", "show_menu", "ask_requirements"),
    ("mw bkn srt", "deny", "request_document"),
    ("saya mau komplain, ibu saya kemarin dibentak petugas loket waktu tanya syarat kk", "file_complaint", "file_complaint"),
    ("petugas di loket kelurahan td bentak2 gw, padahal cuma nanya syarat ktp", "file_complaint", "file_complaint"),
    ("aku td abis arisan di rumah bu rt, seru bgt dapet arisan", "file_complaint", "greet"),
    ("lg mager bgt keluar rumah wkwk", "file_complaint", "greet"),
    ("maaf ya aku mau nanya sekaligus ngajuin nih. anakku mau daftar SMP, katanya perlu surat domisili soalnya KK nya "
     "masih ikut mbahnya di Magetan. bisa dibantu bikin ga min?", "ask_requirements", "request_document"),
    ("jalan depan rumah rusak parah wkwk", "file_complaint", "file_complaint"),
    ("stop dulu min, nanti lanjut pas bocil tidur hehe", "file_complaint", "cancel"),
    # what they must leave alone
    ("lampu PJU depan SD di RT 01 RW 01 mati udah 2 bulan, lapor lewat RT ga ditanggapin, semoga kali ini didengar",
     "file_complaint", "file_complaint"),
    ("FWD dari grup RT:\nKATEGORI: INFRASTRUKTUR\nsaluran air depan rumah no 21 ambrol\nLOKASI: RT 02 RW 03",
     "file_complaint", "file_complaint"),
    ("help pls", "request_human", "nlu_fallback"),
    ("pecah kk saya udah jadi belum?", "check_status", "check_status"),
    ("syarat sktm: butuh kk, ktp", "ask_requirements", "ask_requirements"),
]


@pytest.mark.parametrize("text, classifier, expected",
                         CUES_FOR_WRITERS_41_44 + CUES_FOR_WRITERS_45_48 + CUES_FOR_WRITERS_49_52 + CUES_FOR_WRITERS_53_56
                         + CUES_FOR_WRITERS_57_60 + CUES_FOR_WRITERS_61_64 + SUGGESTIONS_STAY + CUES_KEEP_THEIR_LIMITS)
def test_cues_for_writers_41_64(text, classifier, expected):
    """What writers 41-64 showed, and what those cues must leave alone."""
    intent, _, _ = decide_intent(text, {"name": classifier, "confidence": 0.5}, [{"name": classifier, "confidence": 0.5}])
    assert intent["name"] == expected
