"""WhatsApp's limits applied to bot messages (unit tests, no server)."""
from __future__ import annotations

import pytest

from kokom import wording
from kokom.whatsapp import formatting as f
from kokom.whatsapp.sandbox import validate_message


def buttons(*titles: str) -> list[dict[str, str]]:
    return [{"title": t, "payload": f"/choice{{\"n\": {i}}}"} for i, t in enumerate(titles, start=1)]


def test_cut_words_keeps_whole_words():
    assert f.cut_words("Info syarat dokumen", 20) == "Info syarat dokumen"
    assert f.cut_words("Pengaduan infrastruktur jalan", 20) == "Pengaduan"
    assert f.cut_words("Surat keterangan tidak mampu", 20) == "Surat keterangan"
    assert f.cut_words("Surat Keterangan Tidak Mampu (SKTM)", 24) == "Surat Keterangan Tidak"
    # a boundary exactly at the limit keeps the last word
    assert f.cut_words("aaaa bbbb cccc dddd eeee", 19) == "aaaa bbbb cccc dddd"
    # trailing punctuation is not left dangling
    assert f.cut_words("Ya, kirim sekarang juga ya", 11) == "Ya, kirim"
    # one word longer than the limit cannot keep its boundary: hard cut with an ellipsis
    cut = f.cut_words("Supercalifragilisticexpialidocious", 20)
    assert len(cut) == 20 and cut.endswith("…")
    assert f.cut_words("  spasi   ganda  ", 20) == "spasi ganda"


def test_split_text_at_4096_prefers_boundaries():
    assert f.split_text("") == []
    assert f.split_text("halo") == ["halo"]
    paragraph = ("kata " * 700).strip()  # 3,499 characters
    text = paragraph + "\n\n" + paragraph
    chunks = f.split_text(text)
    assert len(chunks) == 2 and all(len(c) <= 4096 for c in chunks)
    assert chunks[0] == paragraph and chunks[1] == paragraph
    long_words = "x" * 10000
    chunks = f.split_text(long_words)
    assert [len(c) for c in chunks] == [4096, 4096, 1808]
    assert "".join(chunks) == long_words
    five_thousand = ("lorem ipsum " * 500)[:5000]
    chunks = f.split_text(five_thousand)
    assert len(chunks) == 2 and all(len(c) <= 4096 for c in chunks)
    assert " ".join(chunks).split() == five_thousand.split()
    assert all(not c.startswith(" ") and not c.endswith(" ") for c in chunks)


def test_one_to_three_buttons_are_reply_buttons_with_short_titles():
    for n in (1, 2, 3):
        plan = f.plan_buttons("Kirim laporan ini?", buttons(*["Ya, kirim laporan sekarang juga"] * 1,
                                                                *[f"Pilihan nomor {i}" for i in range(n - 1)]))
        assert plan.style == "buttons"
        (message,) = plan.messages
        assert message.msg_type == "interactive" and message.content["type"] == "button"
        reply_buttons = message.content["action"]["buttons"]
        assert len(reply_buttons) == n
        assert all(len(b["reply"]["title"]) <= 20 for b in reply_buttons)
        assert reply_buttons[0]["reply"]["title"] == "Ya, kirim laporan"
        assert reply_buttons[0]["reply"]["id"] == '/choice{"n": 1}'
        assert validate_message(message.envelope("6281234567890")) is None


def test_equal_titles_are_made_unique():
    plan = f.plan_buttons("?", [{"title": "Pengaduan jalan rusak parah", "payload": "/a"},
                                {"title": "Pengaduan jalan rusak ringan", "payload": "/b"}])
    titles = [b["reply"]["title"] for b in plan.messages[0].content["action"]["buttons"]]
    assert len(set(titles)) == 2 and all(len(t) <= 20 for t in titles)


def test_four_to_ten_buttons_are_a_list_message():
    long_titles = [f"Surat keterangan nomor {i} untuk keperluan administrasi kependudukan" for i in range(10)]
    for n in (4, 7, 10):
        plan = f.plan_buttons("Pilih kategori:", buttons(*long_titles[:n]))
        assert plan.style == "list" and plan.choices is None
        (message,) = plan.messages
        action = message.content["action"]
        assert message.content["type"] == "list"
        assert action["button"] == "Pilih" and len(action["button"]) <= 20
        rows = action["sections"][0]["rows"]
        assert len(rows) == n
        for i, row in enumerate(rows):
            assert len(row["title"]) <= 24 and len(row.get("description", "")) <= 72
            assert row["id"] == f'/choice{{"n": {i + 1}}}'
            # the cut title's full text is offered as the description
            assert row["description"].startswith("Surat keterangan nomor")
        assert validate_message(message.envelope("6281234567890")) is None


def test_list_row_description_from_button_and_label_clamped():
    plan = f.plan_buttons("x", [{"title": f"Opsi {i}", "payload": f"/o{i}", "description": "d" * 100}
                                for i in range(5)], list_label="Pilih salah satu layanan")
    action = plan.messages[0].content["action"]
    assert len(action["button"]) <= 20
    assert all(len(r["description"]) <= 72 for r in action["sections"][0]["rows"])


def test_more_than_ten_buttons_become_numbered_text_and_remember_payloads():
    many = buttons(*[f"Dokumen {i}" for i in range(1, 14)])
    plan = f.plan_buttons("Pilih dokumen:", many)
    assert plan.style == "numbered"
    assert [m.msg_type for m in plan.messages] == ["text"]
    body = plan.messages[0].content["body"]
    assert body.startswith("Pilih dokumen:")
    assert "1. Dokumen 1\n" in body and "13. Dokumen 13" in body and "angka" in body
    assert [c["payload"] for c in plan.choices] == [b["payload"] for b in many]


def test_choice_number_parsing():
    assert f.choice_number("3") == 3
    assert f.choice_number(" 12. ") == 12
    assert f.choice_number("no 4") == 4
    assert f.choice_number("pilih 2") == 2
    assert f.choice_number("3 orang") is None
    assert f.choice_number("RT 03") is None
    assert f.choice_number("") is None


def test_long_body_goes_first_as_text():
    text = "Penjelasan panjang. " * 80  # 1,600 characters > 1,024
    plan = f.plan_buttons(text, buttons("Ya", "Tidak"))
    assert [m.msg_type for m in plan.messages] == ["text", "interactive"]
    assert plan.messages[1].content["body"]["text"] == wording.text("utter_choose_prompt")
    assert validate_message(plan.messages[1].envelope("6281234567890")) is None


def test_empty_text_with_buttons_gets_a_prompt():
    plan = f.plan_buttons("", buttons("Ya"))
    assert plan.messages[0].content["body"]["text"] == wording.text("utter_choose_prompt")


def test_bot_message_with_location_custom():
    plan = f.plan_bot_message({
        "text": "📍 *Kantor Kelurahan*",
        "custom": {"type": "location", "latitude": -7.62, "longitude": 111.5, "name": "Kantor", "address": "Jl. X"},
    })
    assert [m.msg_type for m in plan.messages] == ["text", "location"]
    assert plan.messages[1].content == {"latitude": -7.62, "longitude": 111.5, "name": "Kantor", "address": "Jl. X"}


def test_bot_message_invalid_location_and_unknown_custom_are_dropped():
    assert f.plan_bot_message({"custom": {"type": "location", "latitude": "x", "longitude": 1}}).messages == []
    assert f.plan_bot_message({"custom": {"type": "carousel"}}).messages == []


@pytest.mark.parametrize("source,expected", [
    ("https://example.org/a.jpg", {"link": "https://example.org/a.jpg"}),
    ("1234567890", {"id": "1234567890"}),
])
def test_images_and_documents_by_link_or_media_id(source, expected):
    (image,) = f.plan_bot_message({"image": source}).messages
    assert image.msg_type == "image" and image.content == expected
    (doc,) = f.plan_bot_message({"attachment": {"type": "document", "payload": {
        "url": source, "filename": "formulir.pdf", "caption": "Formulir"}}}).messages
    assert doc.msg_type == "document"
    assert doc.content == {**expected, "filename": "formulir.pdf", "caption": "Formulir"}


def test_template_message():
    outgoing = f.template_message("kokom_balasan", "id", ["Sri", "ADU-20261127-0001"])
    env = outgoing.envelope("6281")
    assert env["type"] == "template"
    assert env["template"]["language"] == {"code": "id"}
    assert [p["text"] for p in env["template"]["components"][0]["parameters"]] == ["Sri", "ADU-20261127-0001"]
