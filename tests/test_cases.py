"""The case service against a real SQLite database."""
from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from kokom import case_states, cases, handoffs
from kokom.db import session_scope
from kokom.models import Case, CaseEvent, Feedback, Handoff, Resident
from kokom.tickets import find_tickets, normalize_ticket

DAY = date(2026, 11, 27)
VALID_NIK = "3577011203850001"


def make_complaint(sender: str = "6281111111111", **extra):
    fields = dict(category="kebersihan", description="Sampah menumpuk di depan gang 3", location_text="Gang 3 RT 02 RW 01")
    fields.update(extra)
    return cases.create_complaint(sender, today=DAY, **fields)


def test_complaint_gets_ticket_and_history(db_url):
    case = make_complaint()
    assert case.ticket == "ADU-20261127-0001"
    assert case.status == "diterima" and case.anonymous is True
    second = make_complaint(reporter_name="Siti")
    assert second.ticket == "ADU-20261127-0002" and second.reporter_name == "Siti"
    with session_scope() as s:
        assert s.execute(select(func.count(CaseEvent.id))).scalar_one() == 2


def test_document_request_stores_nik_but_views_mask_it(db_url):
    case = cases.create_document_request(
        "6282222222222", document_type="sktm", full_name="Budi Santoso", nik=VALID_NIK,
        address="Jl. Melati 5 RT 02 RW 03", purpose="Beasiswa", today=DAY,
    )
    assert re.fullmatch(r"DOK-20261127-\d{4}", case.ticket)
    assert case.nik_masked == "3577********0001" and (case.rt, case.rw) == ("002", "003")
    with session_scope() as s:
        assert s.execute(select(Case.nik)).scalar_one() == VALID_NIK


def test_the_same_case_saved_twice_is_filed_once(db_url):
    """A turn handled again after an instance died (or the same form sent twice) files nothing twice."""
    first = cases.create_complaint("6281200000077", category="kebersihan", description="sampah numpuk",
                                   location_text="gang 3 rt 1 rw 2")
    again = cases.create_complaint("6281200000077", category="kebersihan", description="sampah numpuk",
                                   location_text="gang 3 rt 1 rw 2")
    other = cases.create_complaint("6281200000077", category="kebersihan", description="sampah numpuk lagi",
                                   location_text="gang 3 rt 1 rw 2")
    assert again.ticket == first.ticket and other.ticket != first.ticket
    doc = dict(document_type="sktm", full_name="Siti Aminah", nik="3577024812900002", address="jl a rt 1 rw 2",
               purpose="beasiswa")
    assert cases.create_document_request("6281200000077", **doc).ticket == \
        cases.create_document_request("6281200000077", **doc).ticket
    assert cases.create_document_request("6281200000078", **doc).ticket != \
        cases.create_document_request("6281200000077", **doc).ticket


def test_invalid_nik_is_not_saved(db_url):
    with pytest.raises(ValueError):
        cases.create_document_request(
            "6282222222222", document_type="sktm", full_name="Budi", nik="123",
            address="RT 1 RW 2", purpose="x", today=DAY,
        )
    with session_scope() as s:
        assert s.execute(select(func.count(Case.id))).scalar_one() == 0


def test_other_sender_cannot_see_a_case(db_url):
    case = make_complaint("6281111111111")
    assert cases.find_case_for_sender("6281111111111", case.ticket.lower()).ticket == case.ticket
    assert cases.find_case_for_sender("6289999999999", case.ticket) is None
    assert cases.list_cases_for_sender("6289999999999") == []
    assert [c.ticket for c in cases.list_cases_for_sender("6281111111111")] == [case.ticket]


def test_closed_cases_are_not_listed_as_open(db_url):
    case = make_complaint()
    cases.change_status(case.ticket, "diproses", actor="petugas1")
    cases.change_status(case.ticket, "selesai", actor="petugas1", note="Sudah dibersihkan")
    assert cases.list_cases_for_sender("6281111111111") == []
    assert len(cases.list_cases_for_sender("6281111111111", only_open=False)) == 1


def test_state_machine_rejects_skips_and_final_without_note(db_url):
    case = make_complaint()
    with pytest.raises(case_states.TransitionError):
        cases.change_status(case.ticket, "selesai", actor="p", note="x")  # must go through diproses
    cases.change_status(case.ticket, "diproses", actor="p")
    with pytest.raises(case_states.TransitionError):
        cases.change_status(case.ticket, "ditolak", actor="p", note="  ")
    assert case_states.allowed_next("document", "siap_diambil") == ("sudah_diambil",)


def test_fifty_concurrent_cases_get_unique_tickets(db_url):
    tickets: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def worker(i: int) -> None:
        try:
            start.wait()
            case = make_complaint(f"62811000000{i:02d}")
            with lock:
                tickets.append(case.ticket)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(tickets) == 50 and len(set(tickets)) == 50
    assert sorted(tickets)[-1] == "ADU-20261127-0050"
    with session_scope() as s:
        assert s.execute(select(func.count(Case.id))).scalar_one() == 50
        assert s.execute(select(func.count(Resident.id))).scalar_one() == 50


def test_handoff_queues_once_per_sender(db_url):
    first = handoffs.request_handoff("6283333333333", reason="requested", outside_hours=True, today=DAY)
    assert first.ticket == "KON-20261127-0001" and not first.already_waiting
    again = handoffs.request_handoff("6283333333333", reason="requested", outside_hours=True, today=DAY)
    assert again.already_waiting and again.ticket == first.ticket
    with session_scope() as s:
        assert s.execute(select(func.count(Handoff.id))).scalar_one() == 1
        assert s.execute(select(Handoff.status)).scalar_one() == "waiting"


def test_feedback_and_rating(db_url):
    cases.save_feedback("6284444444444", text="Pelayanan cepat, terima kasih")
    cases.save_feedback("6284444444444", rating=5)
    with pytest.raises(ValueError):
        cases.save_feedback("6284444444444", rating=9)
    with session_scope() as s:
        assert s.execute(select(func.count(Feedback.id))).scalar_one() == 2


def test_find_tickets_normalises():
    assert find_tickets("cek ADU-20261127-0003 dan dok-20261120-12") == ["ADU-20261127-0003", "DOK-20261120-0012"]
    assert normalize_ticket("tidak ada") is None
    # Typed without the dashes or with spaces, as residents copy them by hand.
    assert find_tickets("aduan ADU 20261127 0003 sama ADU202611270004") == ["ADU-20261127-0003", "ADU-20261127-0004"]
    assert find_tickets("dok/20261120/12") == ["DOK-20261120-0012"]
    assert find_tickets("nomer hp 081234567890, tgl 20261127") == []


def test_concurrent_handoff_requests_open_one_handoff(db_url):
    results = []
    start = threading.Barrier(10)

    def worker() -> None:
        start.wait()
        results.append(handoffs.request_handoff("6285555555555", reason="requested", outside_hours=False, today=DAY))

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 10 and len({r.id for r in results}) == 1
    with session_scope() as s:
        assert s.execute(select(func.count(Handoff.id))).scalar_one() == 1
