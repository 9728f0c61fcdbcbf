"""Ratings asked once per case and the IKM survey (kokom.ratings), units and over signed webhooks."""
from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from kokom import cases, ratings
from kokom.db import reset_engines, session_scope
from kokom.models import Feedback, IkmResponse, RatingRequest
from tests.console_fixtures import *  # noqa: F401,F403
from tests.console_fixtures import logged_in, open_window, outbox

W1, W2 = "6281200000001", "6281200000002"


def finished_complaint(wa_id: str) -> str:
    view = cases.create_complaint(wa_id, category="kebersihan", description="Sampah menumpuk di selokan")
    cases.change_status(view.ticket, "diproses", actor="budi")
    cases.change_status(view.ticket, "selesai", actor="budi", note="Sudah dibersihkan")
    return view.ticket


def age_requests(by: timedelta) -> None:
    with session_scope() as s:
        for req in s.execute(select(RatingRequest)).scalars():
            req.asked_at = req.asked_at - by


def test_asked_once_answered_once_linked_to_officer(db_url):
    ticket = finished_complaint(W1)
    assert ratings.open_request(W1, ticket, "budi") is True
    assert ratings.open_request(W1, ticket, "budi") is False  # never asked twice, even if ignored
    assert ratings.open_request(W2, ticket, "budi") is False  # not W2's case
    # a late answer (a week later) still counts
    age_requests(timedelta(days=7))
    first = ratings.record_rating(W1, 4, ticket)
    assert first.status == "saved" and first.case_kind == "complaint"
    second = ratings.record_rating(W1, 1, ticket)
    assert second.status == "duplicate" and "sudah kami terima" in second.message
    with session_scope() as s:
        rows = s.execute(select(Feedback.rating, Feedback.officer)).all()
    assert rows == [(4, "budi")]


def test_rating_for_someone_elses_case_is_ignored(db_url):
    ticket = finished_complaint(W1)
    ratings.open_request(W1, ticket, "budi")
    assert ratings.record_rating(W2, 5, ticket).status == "not_found"
    assert ratings.record_rating(W2, 5, "ADU-20990101-0001").status == "not_found"
    with session_scope() as s:
        assert s.execute(select(Feedback)).first() is None


def test_an_open_case_cannot_be_rated_yet(db_url):
    view = cases.create_complaint(W1, category="kebersihan", description="Sampah menumpuk di selokan")
    assert ratings.record_rating(W1, 5, view.ticket).status == "not_found"
    with session_scope() as s:
        assert s.execute(select(Feedback)).first() is None


def test_typed_answers_only_right_after_a_question(db_url):
    ticket = finished_complaint(W1)
    assert ratings.typed_payload(W1, "bagus") is None  # nothing asked
    ratings.open_request(W1, ticket, "budi")
    assert json.loads(ratings.typed_payload(W1, "bagus")[5:]) == {"rating": 4, "ticket_id": ticket}
    assert json.loads(ratings.typed_payload(W1, "3")[5:])["rating"] == 3
    assert ratings.typed_payload(W1, "mau bikin surat domisili untuk anak saya") is None
    age_requests(timedelta(days=2))  # asked more than a day ago: typed text is a new message
    assert ratings.typed_payload(W1, "bagus") is None


def test_survey_partial_and_settings(db_url):
    assert ratings.survey_due(W1, "complaint") is True  # offered in the shipped office file
    first = ratings.start_survey(W1)
    assert first.key == "u1"
    assert json.loads(ratings.typed_payload(W1, "sangat sesuai")[5:]) == {"rating": 4, "feedback_kind": "ikm"}
    assert ratings.answer_survey(W1, 4)[1].key == "u2"
    assert ratings.answer_survey(W1, 3)[1].key == "u3"
    assert ratings.typed_payload(W1, "berhenti").endswith('"ikm_berhenti"}')
    assert ratings.answer_survey(W1, None) == ("stopped", None)
    assert ratings.answer_survey(W1, 2) == ("none", None)
    with session_scope() as s:
        r = s.execute(select(IkmResponse)).scalar_one()
        assert (r.u1, r.u2, r.u3, r.status) == (4, 3, None, "berhenti")
    assert ratings.survey_due(W1, "complaint") is False  # at most once per 30 days


def test_comment_attaches_to_the_rating_just_given(db_url):
    ticket = finished_complaint(W1)
    ratings.open_request(W1, ticket, "budi")
    ratings.record_rating(W1, 2, ticket)
    assert ratings.attach_comment(W1, "Petugas lambat membalas") is True
    with session_scope() as s:
        assert s.execute(select(Feedback.rating, Feedback.text)).one() == (2, "Petugas lambat membalas")


# --- the console asks (once, inside the 24-hour window) -------------------------------------

def rating_questions(wa_id: str) -> list[dict]:
    return [m for m in outbox(wa_id) if m["type"] == "interactive" and "/rate" in json.dumps(m["payload"])]


def test_console_asks_once_when_a_case_is_final(app):
    view = cases.create_complaint(W1, category="kebersihan", description="Sampah menumpuk")
    open_window(W1)
    budi = logged_in(app, "budi")
    budi.post(f"/kasus/{view.ticket}/status", {"status": "diproses"})
    assert rating_questions(W1) == []  # not final yet
    budi.post(f"/kasus/{view.ticket}/status", {"status": "selesai", "note": "Sudah diangkut"})
    asked = rating_questions(W1)
    assert len(asked) == 1
    payload = json.dumps(asked[0]["payload"], ensure_ascii=False)
    for label in ("Sangat puas", "Puas", "Cukup", "Kurang puas", "Tidak puas"):
        assert label in payload
    assert view.ticket in payload
    with session_scope() as s:
        req = s.execute(select(RatingRequest)).scalar_one()
        assert req.officer == "budi" and req.answered_at is None


def test_console_does_not_ask_outside_the_window(app, monkeypatch):
    monkeypatch.setenv("WHATSAPP_TEMPLATE_NAME", "kokom_pembaruan")
    view = cases.create_complaint(W2, category="kebersihan", description="Sampah menumpuk")
    budi = logged_in(app, "budi")
    budi.post(f"/kasus/{view.ticket}/status", {"status": "ditolak", "note": "Bukan wewenang kelurahan"})
    assert outbox(W2)[-1]["type"] == "template"
    assert rating_questions(W2) == []
    with session_scope() as s:
        assert s.execute(select(RatingRequest)).first() is None  # may still be asked later


# --- over signed webhooks against the real assistant ----------------------------------------

@pytest.mark.e2e
def test_rating_and_survey_over_whatsapp(assistant, monkeypatch):
    from harness.fake_graph import new_wa_id, post_signed
    from kokom.whatsapp import payloads

    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    reset_engines()
    graph = assistant.fake_graph
    wa_id, other = new_wa_id(), new_wa_id()
    handled = {wa_id: 0, other: 0}

    def send(who: str, message: dict) -> list[str]:
        before = len(graph.sends(who))
        response = post_signed(assistant.webhook_url, payloads.build_delivery(who, message, profile_name="Warga"))
        assert response.status_code == 200
        handled[who] += 1
        assistant.wait_handled(who, handled[who])
        deadline = time.time() + 20
        while time.time() < deadline and len(graph.sends(who)) == before:
            time.sleep(0.1)
        time.sleep(0.3)
        return [json.dumps(p, ensure_ascii=False) for p in graph.sends(who)[before:]]

    def stored(sql: str, **kw):
        return assistant.query(sql, **kw)

    send(wa_id, payloads.text_message("halo"))
    send(other, payloads.text_message("halo"))
    try:
        ticket = finished_complaint(wa_id)
        assert ratings.open_request(wa_id, ticket, "budi")
        tap = lambda n, t=ticket: payloads.list_reply_message(json.dumps({"rating": n, "ticket_id": t}).join(("/rate", "")), "x")  # noqa: E731

        # someone else's ticket: ignored
        out = send(other, tap(1))
        assert any("tidak dapat kami catat" in o for o in out)
        # typed answer to the question just asked
        out = send(wa_id, payloads.text_message("lumayan"))
        assert any("Terima kasih atas penilaiannya" in o for o in out)
        assert any("survei kepuasan" in o for o in out)  # offered (office settings)
        mine = "JOIN residents r ON r.id = f.resident_id WHERE r.wa_id = :w"
        rows = stored(f"SELECT f.rating, f.officer, c.ticket FROM feedback f JOIN cases c ON c.id = f.case_id {mine}",
                      w=wa_id)
        assert rows == [{"rating": 3, "officer": "budi", "ticket": ticket}]
        # a second rating replaces nothing and is answered politely
        out = send(wa_id, tap(5))
        assert any("sudah kami terima" in o for o in out)
        assert stored(f"SELECT f.rating FROM feedback f {mine} AND f.rating IS NOT NULL", w=wa_id) == [{"rating": 3}]
        assert stored("SELECT f.rating FROM feedback f JOIN residents r ON r.id = f.resident_id "
                      "WHERE r.wa_id = :w AND f.rating IS NOT NULL", w=other) == []
        # the survey: start, one tap, one typed answer, stop
        out = send(wa_id, payloads.button_reply_message('/rate{"rating": 0, "feedback_kind": "ikm_mulai"}',
                                                        "Ya, isi survei"))
        assert any("Survei 1/9" in o for o in out)
        out = send(wa_id, payloads.list_reply_message('/rate{"rating": 3, "feedback_kind": "ikm"}', "Sesuai"))
        assert any("Survei 2/9" in o for o in out)
        out = send(wa_id, payloads.text_message("sangat mudah"))
        assert any("Survei 3/9" in o for o in out)
        out = send(wa_id, payloads.text_message("berhenti"))
        assert any("survei dihentikan" in o for o in out)
        survey = stored("SELECT u1, u2, u3, status FROM ikm_responses i JOIN residents r ON r.id = i.resident_id "
                        "WHERE r.wa_id = :w", w=wa_id)
        assert survey == [{"u1": 3, "u2": 4, "u3": None, "status": "berhenti"}]
        # a comment, through the suggestion flow, becomes the rating's comment
        out = send(wa_id, payloads.button_reply_message("/give_feedback", "Tambah komentar"))
        send(wa_id, payloads.text_message("Petugasnya ramah tetapi balasannya agak lama sekali"))
        out = send(wa_id, payloads.button_reply_message('/inform{"feedback_kind": "saran"}', "Ya, kirim saran"))
        assert any("Terima kasih atas saran" in o for o in out)
        assert stored(f"SELECT f.rating, f.text FROM feedback f {mine}", w=wa_id) == [
            {"rating": 3, "text": "Petugasnya ramah tetapi balasannya agak lama sekali"}]
    finally:
        reset_engines()
