"""Parsing Meta's webhook deliveries and checking their signature (unit tests on the shared samples)."""
from __future__ import annotations

import json

import pytest

from kokom.whatsapp import payloads, signature
from kokom.whatsapp.payloads import MalformedPayload
from harness.fake_graph import SAMPLES, sample

SENDER = "6281234567890"


def parse(name: str) -> payloads.Delivery:
    return payloads.parse_delivery(json.loads((SAMPLES / f"{name}.json").read_text()))


def test_every_sample_parses():
    names = sorted(p.stem for p in SAMPLES.glob("*.json"))
    assert len(names) >= 13
    for name in names:
        delivery = parse(name)
        assert delivery.messages or delivery.statuses, name


def test_text_sample():
    (message,) = parse("text").messages
    assert message.wa_id == SENDER and message.msg_type == "text"
    assert message.profile_name == "Sri Wahyuni"
    assert message.wamid.startswith("wamid.")
    assert message.message["text"]["body"].startswith("assalamualaikum")
    assert message.sent_at is not None and message.phone_number_id == "109876543210123"


def test_interactive_replies_give_their_id_as_payload():
    (button,) = parse("interactive_button_reply").messages
    assert payloads.interactive_reply(button.message) == ("/affirm", "Ya, kirim")
    (row,) = parse("interactive_list_reply").messages
    assert payloads.interactive_reply(row.message) == ('/ask_requirements{"document_type":"kk"}', "Kartu Keluarga")
    template_button = {"type": "button", "button": {"payload": "/request_human", "text": "Hubungi petugas"}}
    assert payloads.interactive_reply(template_button) == ("/request_human", "Hubungi petugas")


def test_two_messages_in_one_delivery_keep_their_order():
    messages = parse("two_messages").messages
    assert [m.message["text"]["body"] for m in messages] == ["lampu pju di rt 04 mati", "sudah seminggu"]


def test_status_events():
    (delivered,) = parse("status_delivered").statuses
    assert (delivered.wamid, delivered.status, delivered.recipient_id) == ("wamid.OUTBOUND0001", "delivered", SENDER)
    (failed,) = parse("status_failed").statuses
    assert failed.status == "failed" and failed.error_code == 131047
    assert "131047" in failed.error and "24 hours" in failed.error
    assert parse("status_failed").messages == []


def test_contacts_as_text():
    message = {"type": "contacts", "contacts": [
        {"name": {"formatted_name": "Pak RT Budi"}, "phones": [{"phone": "+62 812-1111-2222", "wa_id": "6281211112222"}]},
        {"name": {"formatted_name": "Bu Siti"}, "phones": [{"phone": "0813 3333 4444"}]},
    ]}
    assert payloads.contacts_text(message) == "Kontak: Pak RT Budi 6281211112222; Bu Siti 0813 3333 4444"


def test_sender_is_normalised_once():
    data = sample("text", "6281234567890")
    data["entry"][0]["changes"][0]["value"]["messages"][0]["from"] = "+62 812-3456-7890"
    (message,) = payloads.parse_delivery(data).messages
    assert message.wa_id == "6281234567890"


@pytest.mark.parametrize("body", [
    [],
    {"object": "page", "entry": []},
    {"object": "whatsapp_business_account"},
    {"object": "whatsapp_business_account", "entry": {"changes": []}},
    {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": "x"}]}]},
    {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
        "messages": [{"from": SENDER, "type": "text"}]}}]}]},
    {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
        "messages": [{"id": "wamid.1", "from": "abc", "type": "text"}]}}]}]},
    {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
        "statuses": [{"status": "read"}]}}]}]},
])
def test_wrong_shapes_are_malformed(body):
    with pytest.raises(MalformedPayload):
        payloads.parse_delivery(body) if isinstance(body, dict) else payloads.parse_body(json.dumps(body).encode())


def test_not_json_is_malformed():
    for raw in (b"not json", b"\xff\xfe", b""):
        with pytest.raises(MalformedPayload):
            payloads.parse_body(raw)


def test_other_fields_are_ignored():
    body = {"object": "whatsapp_business_account", "entry": [{"changes": [
        {"field": "message_template_status_update", "value": {"event": "APPROVED"}}]}]}
    assert payloads.parse_delivery(body) == payloads.Delivery([], [])


def test_signature():
    raw = (SAMPLES / "text.json").read_bytes()
    header = signature.sign("s3cret", raw)
    assert header.startswith("sha256=") and len(header) == 71
    assert signature.verify("s3cret", raw, header)
    assert signature.verify("s3cret", raw, header.upper().replace("SHA256=", "sha256="))
    assert not signature.verify("other", raw, header)
    assert not signature.verify("s3cret", raw + b" ", header)
    assert not signature.verify("s3cret", raw, None)
    assert not signature.verify("s3cret", raw, "")
    assert not signature.verify("s3cret", raw, header[7:])
    assert not signature.verify("", raw, signature.sign("", raw))  # no secret: never valid
    assert not signature.verify("s3cret", raw, "sha256=ünïcode")


def test_builders_round_trip():
    data = payloads.build_delivery("6285550001111", payloads.location_message(-7.6, 111.5, "Gang", "Sogaten"),
                                   profile_name="Budi")
    (message,) = payloads.parse_delivery(data).messages
    assert message.wa_id == "6285550001111" and message.profile_name == "Budi"
    assert message.message["location"] == {"latitude": -7.6, "longitude": 111.5, "name": "Gang", "address": "Sogaten"}
