"""The WhatsApp channel end to end: a running Rasa (real mode) against the fake Graph API.

The session's ``assistant`` runs REST and the WhatsApp channel; every test uses its own
made-up WhatsApp id (the shared samples are rewritten), so tests do not interfere.
"""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from kokom import wording
from kokom.whatsapp import payloads
from harness.fake_graph import (
    TEMPLATE_NAME,
    TINY_JPEG,
    VERIFY_TOKEN,
    first_message,
    message_ids,
    new_wa_id,
    post_signed,
    sample,
    sign,
)


class Resident:
    """One made-up resident chatting through the webhook."""

    def __init__(self, assistant: Any, name: str = "Sri Wahyuni") -> None:
        self.assistant = assistant
        self.graph = assistant.fake_graph
        self.wa_id = new_wa_id()
        self.name = name
        self.handled = 0
        self.seen = 0

    def deliver(self, data: dict[str, Any], wait: bool = True) -> requests.Response:
        response = post_signed(self.assistant.webhook_url, data)
        assert response.status_code == 200, response.text
        self.handled += len(message_ids(data))
        if wait:
            self.assistant.wait_handled(self.wa_id, self.handled)
        return response

    def send(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one message object (``payloads.text_message(...)`` etc.); return the new replies."""
        self.deliver(payloads.build_delivery(self.wa_id, message, profile_name=self.name,
                                             phone_number_id="109876543210123"))
        return self.new_replies()

    def say(self, text: str) -> list[dict[str, Any]]:
        return self.send(payloads.text_message(text))

    def sample(self, name: str) -> list[dict[str, Any]]:
        self.deliver(sample(name, self.wa_id))
        return self.new_replies()

    def new_replies(self) -> list[dict[str, Any]]:
        sends = self.graph.sends(self.wa_id)
        new, self.seen = sends[self.seen:], len(sends)
        return new

    def tracker_user_events(self) -> list[dict[str, Any]]:
        return [e for e in self.assistant.tracker(self.wa_id)["events"] if e["event"] == "user"]


def texts(replies: list[dict[str, Any]]) -> list[str]:
    out = []
    for reply in replies:
        if reply["type"] == "text":
            out.append(reply["text"]["body"])
        elif reply["type"] == "interactive":
            out.append(reply["interactive"]["body"]["text"])
    return out


def interactive(replies: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [r["interactive"] for r in replies if r["type"] == "interactive" and r["interactive"]["type"] == kind]
    assert found, f"no {kind} message in {json.dumps(replies, ensure_ascii=False)[:2000]}"
    return found[-1]


@pytest.fixture()
def resident(assistant) -> Resident:
    return Resident(assistant)


# --- webhook verification and signatures ---------------------------------------

def test_webhook_verification(assistant):
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    ok = requests.get(assistant.webhook_url, params=params, timeout=10)
    assert ok.status_code == 200 and ok.text == "1158201444"
    for bad in ({**params, "hub.verify_token": "wrong"}, {**params, "hub.mode": "unsubscribe"},
                {"hub.challenge": "1"}, {}):
        assert requests.get(assistant.webhook_url, params=bad, timeout=10).status_code == 403


def test_missing_or_wrong_signature_is_403_and_nothing_is_processed(assistant, resident):
    data = sample("text", resident.wa_id)
    raw = json.dumps(data).encode()
    assert requests.post(assistant.webhook_url, data=raw, headers={"Content-Type": "application/json"},
                         timeout=10).status_code == 403
    assert post_signed(assistant.webhook_url, data, secret="not-the-app-secret").status_code == 403
    assert post_signed(assistant.webhook_url, data, signature="sha256=" + "0" * 64).status_code == 403
    assert post_signed(assistant.webhook_url, data, signature="garbage").status_code == 403
    # a valid signature of another body
    other = json.dumps(sample("text", resident.wa_id)).encode()
    assert post_signed(assistant.webhook_url, None, raw=raw, signature=sign(other)).status_code == 403
    # even a malformed body is refused for its signature first (403, not 400)
    assert post_signed(assistant.webhook_url, None, raw=b"not json", secret="wrong").status_code == 403
    # A valid message afterwards: once it is answered, anything a refused one had started would show.
    resident.say("halo")
    assert [row["status"] for row in assistant.inbound(resident.wa_id)] == ["done"]
    assert [event["text"] for event in resident.tracker_user_events()] == ["halo"]


def test_sandbox_routes_are_off_in_real_mode(assistant):
    assert requests.get(f"{assistant.whatsapp_url}/sandbox", timeout=10).status_code == 404
    assert requests.post(f"{assistant.whatsapp_url}/sandbox/send", json={}, timeout=10).status_code == 404
    health = requests.get(f"{assistant.whatsapp_url}/health", timeout=10).json()
    assert health == {"status": "ok", "sandbox": False}


# --- inbound ----------------------------------------------------------------------

def test_text_is_acknowledged_fast_answered_and_marked_read(assistant, resident):
    data = sample("text", resident.wa_id)
    wamid = first_message(data)["id"]
    response = resident.deliver(data)
    # How fast the 200 comes is measured by the benchmark (make bench), not asserted here.
    assert float(response.headers["Server-Timing"].split("dur=")[1]) >= 0
    replies = resident.new_replies()
    assert replies and all(r["to"] == resident.wa_id for r in replies)
    assert any("KTP" in t or "ktp" in t.lower() for t in texts(replies)), texts(replies)
    (read,) = resident.graph.reads(wamid)
    assert read == {"messaging_product": "whatsapp", "status": "read", "message_id": wamid,
                    "typing_indicator": {"type": "text"}}
    (row,) = assistant.query("SELECT * FROM residents WHERE wa_id = :w", w=resident.wa_id)
    assert row["profile_name"] == "Sri Wahyuni" and row["last_inbound_at"] is not None
    (event,) = resident.tracker_user_events()
    assert event["text"] == first_message(data)["text"]["body"]
    assert event["input_channel"] == "whatsapp" and event["message_id"] == wamid
    assert event["metadata"]["whatsapp"]["profile_name"] == "Sri Wahyuni"
    # every reply is recorded with its wamid
    recorded = assistant.outbound(resident.wa_id)
    assert len(recorded) == len(replies) and all(r["status"] == "sent" and r["wamid"] for r in recorded)


def test_the_same_message_delivered_three_times_at_once_is_answered_once(assistant, resident):
    data = payloads.build_delivery(resident.wa_id, payloads.text_message("halo"), profile_name="Sri")
    with ThreadPoolExecutor(3) as pool:
        statuses = list(pool.map(lambda _: post_signed(assistant.webhook_url, data).status_code, range(3)))
    assert statuses == [200, 200, 200]
    assistant.wait_handled(resident.wa_id, 1)
    assert post_signed(assistant.webhook_url, data).status_code == 200  # Meta's retry, later
    # Then a new message: one resident's messages are handled in order, so once this one is
    # answered, a duplicate handling of "halo" would have happened before it.
    follow_up = payloads.build_delivery(resident.wa_id, payloads.text_message("terima kasih"), profile_name="Sri")
    assert post_signed(assistant.webhook_url, follow_up).status_code == 200
    assistant.wait_handled(resident.wa_id, 2)
    assert [row["wamid"] for row in assistant.inbound(resident.wa_id)] == [
        first_message(data)["id"], first_message(follow_up)["id"]]
    replies = resident.graph.sends(resident.wa_id)
    bodies = texts(replies)
    assert replies and len(bodies) == len(set(bodies)), bodies
    assert [event["text"] for event in resident.tracker_user_events()] == ["halo", "terima kasih"]
    assert len(resident.graph.reads(first_message(data)["id"])) == 1


def test_button_and_list_replies_pass_their_id_as_payload(assistant, resident):
    assert resident.sample("interactive_button_reply")
    replies = resident.sample("interactive_list_reply")
    events = resident.tracker_user_events()
    assert [e["text"] for e in events] == ["/affirm", '/ask_requirements{"document_type":"kk"}']
    assert events[1]["parse_data"]["intent"]["name"] == "ask_requirements"
    assert any("Kartu Keluarga" in t for t in texts(replies)), texts(replies)


@pytest.mark.parametrize("name,kind,suffix", [
    ("image", "image", ".jpg"),
    ("document", "document", ".pdf"),
    ("audio_voice", "audio", ".ogg"),
])
def test_media_is_downloaded_stored_and_passed_on(assistant, resident, name, kind, suffix):
    data = sample(name, resident.wa_id)
    media_id = first_message(data)[kind]["id"]
    resident.deliver(data)
    lookups = resident.graph.recorded(lambda r: r.method == "GET" and r.path.endswith("/" + media_id))
    downloads = resident.graph.recorded(lambda r: r.method == "GET" and r.path == f"/download/{media_id}")
    assert lookups and downloads
    assert downloads[-1].headers["authorization"] == "Bearer test-access-token"
    (event,) = resident.tracker_user_events()
    assert event["text"] == "/share_media"
    media = event["metadata"]["media"]
    path = Path(media["path"])
    assert media["type"] == kind and path.suffix == suffix and path.is_file()
    assert Path(assistant.workdir / "media").resolve() in path.parents
    assert path.read_bytes() == resident.graph.media[media_id][0]
    if name == "image":
        assert media["caption"] == "jalan berlubang depan SD"
    assert resident.new_replies(), "the assistant answers a photo outside a form"


def test_video_and_contacts(assistant, resident):
    video_id = resident.graph.add_media(b"\x00\x00\x00\x18ftypmp42", "video/mp4")
    resident.send({"type": "video", "video": {"id": video_id, "mime_type": "video/mp4"}})
    resident.send({"type": "contacts", "contacts": [
        {"name": {"formatted_name": "Pak RT 04"}, "phones": [{"phone": "+62 812-1111-2222", "wa_id": "6281211112222"}]}]})
    video, contact = resident.tracker_user_events()
    assert video["metadata"]["media"]["type"] == "video" and video["metadata"]["media"]["path"].endswith(".mp4")
    assert contact["text"] == "Kontak: Pak RT 04 6281211112222"


def test_location_is_passed_as_metadata(assistant, resident):
    resident.sample("location")
    (event,) = resident.tracker_user_events()
    assert event["text"] == "/share_location"
    assert event["metadata"]["location"]["latitude"] == -7.6239
    assert event["metadata"]["location"]["longitude"] == 111.5082


@pytest.mark.parametrize("name", ["reaction", "sticker"])
def test_reactions_and_stickers_get_no_reply(assistant, resident, name):
    data = sample(name, resident.wa_id)
    resident.deliver(data)
    assert assistant.inbound(resident.wa_id)[0]["status"] == "ignored"
    assert resident.new_replies() == []
    # A text afterwards is answered in order: nothing of the reaction/sticker comes before it.
    resident.say("halo")
    assert wording.text("utter_unsupported_message") not in texts(resident.graph.sends(resident.wa_id))
    assert [event["text"] for event in resident.tracker_user_events()] == ["halo"]
    (read,) = resident.graph.reads(first_message(data)["id"])
    assert "typing_indicator" not in read


def test_unsupported_message_gets_a_polite_reply(assistant, resident):
    (reply,) = resident.sample("unsupported")
    assert reply["type"] == "text" and "belum bisa kami proses" in reply["text"]["body"]


def test_every_message_of_a_delivery_is_handled_in_order(assistant, resident):
    data = sample("two_messages", resident.wa_id)
    # and a second entry in the same delivery
    extra = sample("text", resident.wa_id)
    first_message(extra)["text"]["body"] = "tolong dicek ya"
    data["entry"].append(extra["entry"][0])
    resident.deliver(data)
    assert [e["text"] for e in resident.tracker_user_events()] == [
        "lampu pju di rt 04 mati", "sudah seminggu", "tolong dicek ya"]


def test_empty_and_very_long_text_are_answered(assistant, resident):
    assert resident.say("")
    long_text = ("jalan di depan rumah saya rusak parah dan berlubang " * 100)[:5000]
    replies = resident.say(long_text)
    assert replies
    assert all(len(t) <= 4096 for t in texts(replies))
    assert [len(e["text"]) for e in resident.tracker_user_events()] == [0, 5000]


def test_malformed_body_is_400_and_the_server_stays_alive(assistant, resident):
    for raw in (b"not json", b"[]", b'{"object": "page"}', json.dumps({
        "object": "whatsapp_business_account",
        "entry": [{"changes": [{"field": "messages", "value": {"messages": [{"from": resident.wa_id}]}}]}],
    }).encode(), "\u00ff".encode("latin-1")):
        assert post_signed(assistant.webhook_url, None, raw=raw).status_code == 400
    assert requests.get(f"{assistant.whatsapp_url}/health", timeout=10).status_code == 200
    assert resident.say("halo")


# --- outbound -----------------------------------------------------------------------

def test_menu_with_eight_options_is_a_list_message(assistant, resident):
    replies = resident.say("menu")
    menu = interactive(replies, "list")
    rows = menu["action"]["sections"][0]["rows"]
    assert menu["action"]["button"] == "Pilih" and len(rows) == 8
    assert all(len(r["title"]) <= 24 for r in rows)
    assert {r["id"] for r in rows} >= {"/file_complaint", "/request_human"}


def test_more_than_ten_options_become_numbered_text_and_a_number_maps_back(assistant, resident):
    replies = resident.send(payloads.list_reply_message("/ask_requirements", "Info syarat dokumen"))
    numbered = [t for t in texts(replies) if "\n1. " in t]
    assert numbered and "angka" in numbered[-1], texts(replies)
    lines = [line for line in numbered[-1].splitlines() if line[:1].isdigit()]
    assert len(lines) > 10
    second = lines[1].split(". ", 1)[1]
    replies = resident.say("2")
    event = resident.tracker_user_events()[-1]
    assert event["text"].startswith("/ask_requirements{") and event["metadata"]["whatsapp"]["choice"]["number"] == 2
    assert any(second in t for t in texts(replies)), (second, texts(replies))
    # the menu answered that message only
    resident.say("2")
    assert resident.tracker_user_events()[-1]["text"] == "2"


def test_office_location_is_sent_as_a_location_message(assistant, resident):
    replies = resident.send(payloads.list_reply_message("/ask_office_location", "Lokasi kantor"))
    kinds = [r["type"] for r in replies]
    assert "text" in kinds and "location" in kinds
    location = next(r["location"] for r in replies if r["type"] == "location")
    assert isinstance(location["latitude"], float) and isinstance(location["longitude"], float)
    assert location["name"]


def test_retry_after_a_500(assistant, resident):
    resident.graph.fail_next(1, status=500, to=resident.wa_id)
    resident.say("halo")
    attempts = resident.graph.sends_records(resident.wa_id)
    assert attempts[0].status == 500 and attempts[1].status == 200
    assert attempts[0].json == attempts[1].json
    rows = assistant.outbound(resident.wa_id)
    assert all(r["status"] == "sent" for r in rows) and rows[0]["attempts"] == 2


def test_template_is_sent_after_131047(assistant, resident):
    resident.graph.fail_next(1, code=131047, to=resident.wa_id)
    resident.say("halo")
    attempts = resident.graph.sends_records(resident.wa_id)
    assert attempts[0].status == 400 and attempts[0].json["type"] != "template"
    assert attempts[1].status == 200 and attempts[1].json["type"] == "template"
    assert attempts[1].json["template"]["name"] == TEMPLATE_NAME
    first = assistant.outbound(resident.wa_id)[0]
    assert first["used_template"] and first["status"] == "sent" and first["error_code"] == 131047


def test_a_send_that_finally_fails_is_recorded_with_its_error(assistant, resident):
    resident.graph.fail_next(40, status=503, to=resident.wa_id)
    resident.say("halo")
    rows = assistant.outbound(resident.wa_id)
    assert rows and all(r["status"] == "failed" and "HTTP 503" in r["error"] and r["attempts"] == 4 for r in rows)
    (inbound,) = assistant.inbound(resident.wa_id)
    assert inbound["status"] == "done"  # the conversation went on; the failure is on the outbound rows


def test_status_events_are_recorded_not_treated_as_input(assistant, resident):
    resident.say("halo")
    wamid = assistant.outbound(resident.wa_id)[0]["wamid"]
    for name, status in (("status_delivered", "delivered"), ("status_failed", "failed")):
        data = sample(name, resident.wa_id)
        data["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = wamid
        assert post_signed(assistant.webhook_url, data).status_code == 200
    unknown = sample("status_delivered", resident.wa_id)
    unknown["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = "wamid.UNKNOWN." + resident.wa_id
    assert post_signed(assistant.webhook_url, unknown).status_code == 200
    deadline = time.time() + 30  # recorded in the background, right after the 200
    while True:
        events = assistant.query("SELECT * FROM wa_status_events WHERE recipient_id = :w ORDER BY id",
                                 w=resident.wa_id)
        if len(events) >= 3 or time.time() > deadline:
            break
        time.sleep(0.05)
    assert [(e["status"], e["outbound_id"] is not None) for e in events] == [
        ("delivered", True), ("failed", True), ("delivered", False)]
    row = assistant.outbound(resident.wa_id)[0]
    assert row["status"] == "failed" and "131047" in row["error"]
    assert len(resident.tracker_user_events()) == 1
    assert len(assistant.inbound(resident.wa_id)) == 1


# --- a whole complaint over WhatsApp -------------------------------------------------

def test_complaint_with_list_tap_location_photo_and_button(assistant, resident):
    # "Buat pengaduan" tapped in the menu list: the category is asked as a list of 7
    replies = resident.send(payloads.list_reply_message("/file_complaint", "Buat pengaduan"))
    photo_id = resident.graph.add_media(TINY_JPEG, "image/jpeg")
    asked = []
    for _ in range(10):
        tracker = assistant.tracker(resident.wa_id)
        requested = tracker["slots"].get("requested_slot")
        asked.append(requested)
        if requested == "complaint_category":
            rows = interactive(replies, "list")["action"]["sections"][0]["rows"]
            assert len(rows) == 7
            row = next((r for r in rows if "jalan" in r["title"].lower() or "infra" in r["id"]), rows[0])
            replies = resident.send(payloads.list_reply_message(row["id"], row["title"]))
        elif requested == "complaint_description":
            replies = resident.say("Jalan berlubang besar di depan SD, membahayakan pengendara motor")
        elif requested == "complaint_location":
            replies = resident.send(payloads.location_message(-7.6239, 111.5082, "Gang Mawar",
                                                              "Sogaten, Manguharjo, Kota Madiun"))
        elif requested == "complaint_photo":
            replies = resident.send({"type": "image", "image": {"id": photo_id, "mime_type": "image/jpeg",
                                                                "caption": "lubangnya"}})
        elif requested == "reporter_name":
            replies = resident.say("Sri Wahyuni")
        elif requested == "complaint_confirm":
            buttons = interactive(replies, "button")["action"]["buttons"]
            yes = next(b["reply"] for b in buttons if b["reply"]["id"] == "/affirm")
            replies = resident.send(payloads.button_reply_message(yes["id"], yes["title"]))
            break
        else:
            pytest.fail(f"unexpected state {requested}: {texts(replies)}")
    assert {"complaint_category", "complaint_location", "complaint_photo", "complaint_confirm"} <= set(asked), asked
    assert any("ADU-" in t for t in texts(replies)), texts(replies)
    (case,) = assistant.query(
        "SELECT c.* FROM cases c JOIN residents r ON r.id = c.resident_id WHERE r.wa_id = :w", w=resident.wa_id)
    assert case["ticket"].startswith("ADU-") and case["kind"] == "complaint"
    assert case["latitude"] == pytest.approx(-7.6239) and case["longitude"] == pytest.approx(111.5082)
    photo = Path(case["photo_path"])
    assert photo.is_file() and photo.read_bytes() == TINY_JPEG
    assert Path(assistant.workdir / "media").resolve() in photo.parents
