"""The custom actions called directly, with real SQLite and the shipped office YAML.

These check what a resident reads and what is saved, without a Rasa server.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.complaint import ActionSubmitComplaint, ValidateComplaintForm
from actions.dialogue import ActionCancelForm, ActionFallback
from actions.document import ActionSubmitDocument, ValidateDocumentForm, document_summary
from actions.feedback import ActionSaveFeedback, ActionSaveRating, ValidateFeedbackForm
from actions.handoff import ActionRequestHuman
from actions.info import ActionDocumentInfo, ActionGreet, ActionOfficeHours, ActionOfficeLocation
from actions.status import ActionCheckStatus
from kokom import cases
from kokom.db import session_scope
from kokom.models import Case, Feedback, Handoff

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
VALID_NIK = "3577011203850001"


def tracker(
    text: str = "",
    intent: str = "inform",
    confidence: float = 0.95,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    sender: str = "6281200000001",
    active_loop: str | None = None,
    events: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    input_channel: str | None = None,
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    user_event = {"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {},
                  "input_channel": input_channel}
    # A form calls its validation action with these events after the message (activation
    # adds the active_loop event); without them the action knows it runs in action_extract_slots.
    form_events = []
    if active_loop:
        if (slots or {}).get("requested_slot") is None:
            form_events.append({"event": "active_loop", "name": active_loop})
        form_events.append({"event": "action", "name": active_loop})
    return Tracker(
        sender_id=sender,
        slots=dict(slots or {}),
        latest_message=latest,
        events=(events or []) + [user_event] + form_events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, t, DOMAIN)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return dispatcher.messages, result


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture()
def fixed_now(monkeypatch):
    """Thursday 26 Nov 2026, 09:00 WIB: the office is open."""
    monkeypatch.setenv("KOKOM_FAKE_NOW", "2026-11-26T09:00:00+07:00")


# --- document form ----------------------------------------------------


def doc_form_tracker(text: str, requested: str, intent: str = "inform", **slots: Any) -> Tracker:
    base = {"requested_slot": requested, "request_document_type": "sktm"}
    base.update(slots)
    return tracker(text, intent=intent, slots=base, active_loop="document_form")


@pytest.mark.parametrize(
    "nik, fragment",
    [("12345", "16 digit"), ("3577013203850001", "tanggal lahir"), ("35770112038500ab", "angka")],
)
def test_invalid_nik_is_explained_and_asked_again(nik, fragment):
    messages, events = run(ValidateDocumentForm(), doc_form_tracker(nik, "nik", applicant_name="Budi"))
    assert slot_events(events).get("nik") is None
    assert any(fragment in (m.get("text") or "") for m in messages)


def test_valid_nik_is_accepted_even_if_classified_oddly():
    _, events = run(ValidateDocumentForm(), doc_form_tracker(VALID_NIK, "nik", intent="check_status"))
    assert slot_events(events)["nik"] == VALID_NIK


def test_question_mid_form_is_not_taken_as_an_answer():
    _, events = run(
        ValidateDocumentForm(), doc_form_tracker("kantor buka jam berapa ya", "applicant_name", intent="ask_office_hours")
    )
    assert "applicant_name" not in slot_events(events)


def test_address_needs_rt_rw():
    messages, events = run(ValidateDocumentForm(), doc_form_tracker("jalan melati 5", "applicant_address"))
    assert slot_events(events).get("applicant_address") is None
    assert "RT" in messages[0]["text"]


def test_document_type_from_entity_at_activation():
    t = tracker("mau buat sktm", intent="request_document",
                entities=[{"entity": "document_type", "value": "sktm"}], active_loop="document_form")
    _, events = run(ValidateDocumentForm(), t)
    assert slot_events(events)["request_document_type"] == "sktm"


def test_summary_masks_nik():
    text = document_summary({"request_document_type": "sktm", "applicant_name": "Budi", "nik": VALID_NIK,
                             "applicant_address": "RT 1 RW 2", "purpose": "beasiswa"})
    assert VALID_NIK not in text and "3577********0001" in text


def test_confirmed_document_request_is_saved(db_url, fixed_now):
    t = tracker("ya", intent="affirm", slots={
        "request_document_type": "surat_domisili", "applicant_name": "Budi Santoso", "nik": VALID_NIK,
        "applicant_address": "Jl. Melati 5 RT 02 RW 03", "purpose": "melamar kerja", "document_confirm": True})
    messages, events = run(ActionSubmitDocument(), t)
    text = messages[0]["text"]
    assert "DOK-20261126-0001" in text and "asli" in text
    assert all(v is None for v in slot_events(events).values())
    with session_scope() as s:
        case = s.execute(select(Case)).scalar_one()
        assert (case.kind, case.document_type, case.rt, case.rw) == ("document", "surat_domisili", "002", "003")


def test_declined_document_request_saves_nothing(db_url):
    t = tracker("tidak", intent="deny", slots={"request_document_type": "sktm", "document_confirm": False})
    messages, _ = run(ActionSubmitDocument(), t)
    assert "tidak disimpan" in messages[0]["text"]
    with session_scope() as s:
        assert s.execute(select(func.count(Case.id))).scalar_one() == 0


# --- complaint form ---------------------------------------------------


def complaint_tracker(text: str, requested: str | None, intent: str = "inform", **kw: Any) -> Tracker:
    return tracker(text, intent=intent, slots={"requested_slot": requested}, active_loop="complaint_form", **kw)


def test_category_from_list_payload_and_free_text():
    t = complaint_tracker('/inform{"complaint_category": "kebersihan"}', "complaint_category",
                          entities=[{"entity": "complaint_category", "value": "kebersihan"}])
    assert slot_events(run(ValidateComplaintForm(), t)[1])["complaint_category"] == "kebersihan"
    t = complaint_tracker("lampu jalan", "complaint_category")
    assert slot_events(run(ValidateComplaintForm(), t)[1])["complaint_category"] == "infrastruktur"
    messages, events = run(ValidateComplaintForm(), complaint_tracker("zzz", "complaint_category"))
    assert slot_events(events).get("complaint_category") is None and "kategori" in messages[0]["text"]


def test_concrete_report_prefills_category_and_description():
    t = complaint_tracker("mau lapor sampah numpuk di depan gang 3 sudah seminggu", None, intent="file_complaint")
    messages, events = run(ValidateComplaintForm(), t)
    slots = slot_events(events)
    assert slots["complaint_category"] == "kebersihan"
    assert slots["complaint_description"].startswith("mau lapor sampah")
    assert "Kebersihan" in messages[0]["text"]


def test_short_trigger_is_not_taken_as_description():
    t = complaint_tracker("pagi min mau lapor jalan rusak", None, intent="file_complaint")
    slots = slot_events(run(ValidateComplaintForm(), t)[1])
    assert slots["complaint_category"] == "infrastruktur" and "complaint_description" not in slots


def test_a_brief_opening_is_kept_and_the_description_asks_for_a_little_more():
    # Blind set 38: "lapor min, ono maling neng gangku" tells what, not when or what was taken.
    messages, events = run(ValidateComplaintForm(), complaint_tracker("lapor min, ono maling neng gangku", None,
                                                                      intent="file_complaint"))
    slots = slot_events(events)
    assert slots["complaint_category"] == "keamanan" and "complaint_description" not in slots
    assert slots["form_state"]["brief"] == {"complaint_description": "lapor min, ono maling neng gangku"}
    assert slots["requested_slot"] == "complaint_description" and "lebih rinci" in messages[0]["text"]
    # The answer is read together with the brief telling; "itu aja" adds nothing.
    state = slots["form_state"]
    answer = tracker("helm anakku ilang nang teras wingi bengi", slots={
        "requested_slot": "complaint_description", "complaint_category": "keamanan", "form_state": state},
        active_loop="complaint_form")
    description = slot_events(run(ValidateComplaintForm(), answer)[1])["complaint_description"]
    assert description == "lapor min, ono maling neng gangku. helm anakku ilang nang teras wingi bengi"
    nothing = tracker("itu aja kak", slots={"requested_slot": "complaint_description", "complaint_category": "keamanan",
                                            "form_state": state}, active_loop="complaint_form")
    events = run(ValidateComplaintForm(), nothing)[1]
    assert slot_events(events)["complaint_description"] == "lapor min, ono maling neng gangku"
    assert "brief" not in slot_events(events)["form_state"]
    # A long answer is refused as ever (with the room left beside the brief), never cut.
    long = tracker("a " * 1500, slots={"requested_slot": "complaint_description", "complaint_category": "keamanan",
                                        "form_state": state}, active_loop="complaint_form")
    messages, events = run(ValidateComplaintForm(), long)
    assert slot_events(events).get("complaint_description") is None and "panjang" in messages[0]["text"]


def test_an_opening_that_says_when_is_the_whole_description():
    t = complaint_tracker("kak mau lapor balap liar tiap malem minggu", None, intent="file_complaint")
    slots = slot_events(run(ValidateComplaintForm(), t)[1])
    assert slots["complaint_description"] == "kak mau lapor balap liar tiap malem minggu"
    assert "brief" not in slots["form_state"]


@pytest.mark.parametrize("opening", ["sa mau lapor lampu jalan mati", "mau report jalan rusak pls",
                                     "kulo badhe lapor, wonten wit ageng ambruk nutupi margi"])
def test_a_broken_public_thing_in_a_few_words_is_the_whole_description(opening):
    slots = slot_events(run(ValidateComplaintForm(), complaint_tracker(opening, None, intent="file_complaint"))[1])
    assert slots["complaint_description"] == opening and "brief" not in slots["form_state"]


def test_a_nik_corrected_before_naming_the_field_takes_the_new_number():
    # Blind set 37: typed at the address question; the field's name comes last.
    t = doc_form_tracker("bukan 3577022207830001 tapi 3577022207830011, salah ketik nik", "applicant_address",
                         applicant_name="Agus Priyanto", nik="3577022207830001")
    messages, events = run(ValidateDocumentForm(), t)
    assert slot_events(events)["nik"] == "3577022207830011"
    assert slot_events(events)["requested_slot"] == "applicant_address"


def test_description_limits():
    messages, events = run(ValidateComplaintForm(), complaint_tracker("rusak", "complaint_description"))
    assert slot_events(events).get("complaint_description") is None and "singkat" in messages[0]["text"]
    messages, events = run(ValidateComplaintForm(), complaint_tracker("a" * 5000, "complaint_description"))
    assert slot_events(events).get("complaint_description") is None and "panjang" in messages[0]["text"]


def test_shared_location_and_photo_from_channel_metadata():
    t = complaint_tracker("/share_location", "complaint_location", intent="share_location",
                          metadata={"location": {"latitude": -7.61, "longitude": 111.5, "name": "Depan SD"}})
    slots = slot_events(run(ValidateComplaintForm(), t)[1])
    assert slots["complaint_location"] == "Depan SD"
    assert slots["complaint_coords"] == {"latitude": -7.61, "longitude": 111.5}
    t = complaint_tracker("/share_media", "complaint_photo", intent="share_media",
                          metadata={"media": {"type": "image", "path": "var/media/x.jpg"}})
    assert slot_events(run(ValidateComplaintForm(), t)[1])["complaint_photo"] == "var/media/x.jpg"
    messages, events = run(ValidateComplaintForm(), complaint_tracker("ini fotonya", "complaint_photo"))
    assert slot_events(events).get("complaint_photo") is None and "foto" in messages[0]["text"]


def test_anonymous_reporter():
    _, events = run(ValidateComplaintForm(), complaint_tracker("/deny", "reporter_name", intent="deny"))
    assert slot_events(events)["reporter_name"] == "-"


def test_complaint_saved_with_ticket(db_url, fixed_now):
    t = tracker("ya", intent="affirm", slots={
        "complaint_category": "infrastruktur", "complaint_description": "Jalan berlubang depan SD",
        "complaint_location": "Depan SD RT 1 RW 2", "complaint_coords": {"latitude": -7.6, "longitude": 111.5},
        "complaint_photo": "-", "reporter_name": "-", "complaint_confirm": True})
    messages, _ = run(ActionSubmitComplaint(), t)
    assert "ADU-20261126-0001" in messages[0]["text"]
    with session_scope() as s:
        case = s.execute(select(Case)).scalar_one()
        assert case.anonymous and case.latitude == -7.6 and case.photo_path is None


def test_cancel_resets_every_form_slot():
    messages, events = run(ActionCancelForm(), tracker("batal", intent="cancel"))
    assert "dibatalkan" in messages[0]["text"]
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in events if e["event"] == "active_loop"]
    assert slot_events(events)["nik"] is None


# --- information ------------------------------------------------------


def test_greeting_says_whether_office_is_open(fixed_now):
    messages, _ = run(ActionGreet(), tracker("halo", intent="greet"))
    assert "buka" in messages[0]["text"].lower()
    assert len(messages[1]["buttons"]) >= 6


def test_document_info_from_catalog_and_list_when_unnamed():
    messages, events = run(ActionDocumentInfo(), tracker("syarat kk", intent="ask_requirements",
                                                         entities=[{"entity": "document_type", "value": "kk"}]))
    assert "Persyaratan" in messages[0]["text"] and "Gratis" in messages[0]["text"]
    assert slot_events(events)["document_type"] == "kk"
    messages, _ = run(ActionDocumentInfo(), tracker("syaratnya apa", intent="ask_requirements"))
    assert len(messages[0]["buttons"]) == 13


def test_hours_for_tomorrow_and_saturday(fixed_now):
    messages, _ = run(ActionOfficeHours(), tracker("besok buka?", intent="ask_office_hours"))
    assert "27 November 2026" in messages[0]["text"]  # Friday: shorter hours
    messages, _ = run(ActionOfficeHours(), tracker("sabtu buka gak", intent="ask_office_hours"))
    assert "tutup" in messages[0]["text"]


def test_location_has_map_link():
    messages, _ = run(ActionOfficeLocation(), tracker("alamat kantor", intent="ask_office_location",
                                                      input_channel="whatsapp"))
    # the pin first (a WhatsApp location message), then the address as text
    assert messages[0]["custom"]["type"] == "location" and not messages[0].get("text")
    assert "maps" in messages[1]["text"]
    # Elsewhere (REST) no pin: it would arrive as a message without text.
    messages, _ = run(ActionOfficeLocation(), tracker("alamat kantor", intent="ask_office_location",
                                                      input_channel="rest"))
    assert len(messages) == 1 and "maps" in messages[0]["text"] and not messages[0].get("custom")


def test_parking_is_answered_with_the_location_once_the_office_fills_it_in(tmp_path, monkeypatch):
    # The shipped value is a placeholder: never sent; the address answers alone.
    messages, _ = run(ActionOfficeLocation(), tracker("parkir mobil di kelurahan muat ga?", intent="ask_office_location"))
    assert "Parkir" not in messages[0]["text"] and "INFO PARKIR" not in messages[0]["text"]
    source = Path(__file__).resolve().parent.parent / "office" / "kelurahan.yml"
    text = source.read_text(encoding="utf-8").replace(
        'parking: "[ISI INFO PARKIR, misalnya: halaman depan kantor untuk motor dan 3 mobil]"',
        'parking: "halaman depan kantor, muat 3 mobil"')
    file = tmp_path / "kelurahan.yml"
    file.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KOKOM_OFFICE_FILE", str(file))
    messages, _ = run(ActionOfficeLocation(), tracker("parkir mobil di kelurahan muat ga?", intent="ask_office_location"))
    assert "Parkir:* halaman depan kantor, muat 3 mobil" in messages[0]["text"]
    messages, _ = run(ActionOfficeLocation(), tracker("alamat kantor", intent="ask_office_location"))
    assert "Parkir" not in messages[0]["text"]  # only when asked


# --- status, handoff, feedback ---------------------------------------


def test_status_only_for_the_owner(db_url, fixed_now):
    case = cases.create_complaint("6281200000001", category="kebersihan", description="Sampah menumpuk di gang")
    messages, _ = run(ActionCheckStatus(), tracker(f"cek {case.ticket}", intent="check_status",
                                                  entities=[{"entity": "ticket_id", "value": case.ticket}]))
    assert "Diterima" in messages[0]["text"]
    messages, _ = run(ActionCheckStatus(), tracker(f"cek {case.ticket}", intent="check_status", sender="6289900000000"))
    assert "tidak ditemukan" in messages[0]["text"]
    messages, _ = run(ActionCheckStatus(), tracker("laporan saya gimana", intent="check_status"))
    assert case.ticket in messages[0]["text"]


def test_status_with_no_case_on_this_number_offers_what_to_do(db_url, fixed_now):
    # "aduan got mampet minggu lalu kok belum dikerjain" from a number with no case: send the
    # ticket, report again, or ask an officer.
    messages, _ = run(ActionCheckStatus(), tracker("aduan got mampet minggu lalu kok belum dikerjain",
                                                  intent="check_status", sender="6289911112222"))
    assert "nomor tiketnya" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/file_complaint", "/request_human"]
    messages, _ = run(ActionCheckStatus(), tracker("sktm saya sudah jadi belum", intent="check_status",
                                                  sender="6289911112222"))
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_document", "/request_human"]
    messages, _ = run(ActionCheckStatus(), tracker("cek status", intent="check_status", sender="6289911112222"))
    assert not messages[0].get("buttons")


def test_request_human_queues_and_pauses(db_url, monkeypatch):
    monkeypatch.setenv("KOKOM_FAKE_NOW", "2026-11-28T10:00:00+07:00")  # Saturday
    messages, events = run(ActionRequestHuman(), tracker("mau bicara dengan petugas", intent="request_human"))
    assert "KON-20261128-0001" in messages[0]["text"]
    assert "Senin, 30 November 2026" in messages[0]["text"]
    assert events[-1]["event"] == "pause"
    with session_scope() as s:
        handoff = s.execute(select(Handoff)).scalar_one()
        assert handoff.outside_hours and handoff.reason == "requested"


def test_second_fallback_offers_an_officer():
    first, _ = run(ActionFallback(), tracker("asdfgh", intent="nlu_fallback"))
    assert "belum memahami" in first[0]["text"]
    previous = [{"event": "user", "text": "qwerty", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    second, _ = run(ActionFallback(), tracker("zxcv", intent="nlu_fallback", events=previous))
    assert any(b["payload"] == "/request_human" for b in second[0]["buttons"])
    empty, _ = run(ActionFallback(), tracker("", intent="nlu_fallback"))
    assert "kosong" in empty[0]["text"]


def test_feedback_saved_and_short_request_asks_for_text(db_url):
    t = tracker("mau kasih saran", intent="give_feedback", active_loop="feedback_form")
    assert "feedback_text" not in slot_events(run(ValidateFeedbackForm(), t)[1])
    # Saved only once confirmed as a suggestion (issue #8).
    messages, _ = run(ActionSaveFeedback(), tracker(slots={"feedback_text": "Antrian sebaiknya pakai nomor online",
                                                           "feedback_kind": "saran"}))
    assert "Terima kasih" in messages[0]["text"]
    run(ActionSaveRating(), tracker('/rate{"rating": 4}', intent="rate", entities=[{"entity": "rating", "value": 4}]))
    with session_scope() as s:
        assert sorted(s.execute(select(Feedback.rating)).scalars(), key=str) == [4, None]


def test_document_names_found_when_the_entity_is_split():
    from actions.info import detect_documents

    assert detect_documents("mau ajukan surat keterangan tidak mampu") == ["sktm"]
    assert detect_documents("syarat kk sama akte lahir") == ["kk", "akta_kelahiran"]
    t = tracker("mau ajukan surat keterangan tidak mampu", intent="request_document",
                entities=[{"entity": "document_type", "value": "surat keterangan"}], active_loop="document_form")
    assert slot_events(run(ValidateDocumentForm(), t)[1])["request_document_type"] == "sktm"


def test_other_messages_are_never_kept_as_a_suggestion():
    """Rasa runs the feedback form's extraction on every message: a document request with
    its NIK must not land in feedback_text (it would be offered back as a suggestion)."""
    text = f"saya mau buat sktm nama Budi NIK {VALID_NIK} alamat jl melati 5"
    t = tracker(text, intent="request_document")
    assert "feedback_text" not in slot_events(run(ValidateFeedbackForm(), t)[1])
    t = tracker("pelayanan di kantor sudah bagus tapi antrean kurang rapi", intent="give_feedback")
    assert slot_events(run(ValidateFeedbackForm(), t)[1]).get("feedback_text", "").startswith("pelayanan")


def test_an_address_told_again_after_saying_what_was_wrong_is_the_new_address():
    # Blind set 40: a correction wrapped in a form of address and an explanation, at the confirmation.
    t = doc_form_tracker("alamat salah om, rt nya 4 bukan 2. jl kenanga 17 rt 4 rw 2", "document_confirm",
                         applicant_name="Bambang Hariyanto", nik="3577010101750019",
                         applicant_address="jl kenanga 17 rt 2 rw 2", purpose="pindah ke sidoarjo")
    assert slot_events(run(ValidateDocumentForm(), t)[1])["applicant_address"] == "jl kenanga 17 rt 4 rw 2"


@pytest.mark.parametrize("text", ["86", "siap 86 ndan", "👍", "✅", "laksanakan"])
def test_radio_slang_and_emoji_confirm(text, db_url, fixed_now):
    t = doc_form_tracker(text, "document_confirm", applicant_name="Bambang Hariyanto", nik="3577010101750019",
                         applicant_address="jl kenanga 17 rt 2 rw 2", purpose="pindah ke sidoarjo")
    assert slot_events(run(ValidateDocumentForm(), t)[1])["document_confirm"] is True
