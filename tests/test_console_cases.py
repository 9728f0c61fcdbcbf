"""Cases in the console: lists with filters and search, masked NIK, CSV export, the case page,
and status changes through the state machine with the resident notified."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from sqlalchemy import select, update

from kokom.console_tables import AuditLog
from kokom import cases, handoffs
from kokom.db import run_in_transaction, session_scope
from kokom.models import Case, CaseEvent
from tests.console_fixtures import *  # noqa: F401,F403
from tests.console_fixtures import logged_in, open_window, outbox

NIK = "3577011203850001"
DAY = date(2026, 11, 27)


def document(sender: str = "6281200000001", name: str = "Budi Santoso", address: str = "Jl. Melati 5 RT 02 RW 03",
             doc: str = "sktm"):
    return cases.create_document_request(sender, document_type=doc, full_name=name, nik=NIK, address=address,
                                         purpose="Beasiswa", today=DAY)


def complaint(sender: str = "6281200000002", category: str = "kebersihan", description: str = "Sampah menumpuk"):
    return cases.create_complaint(sender, category=category, description=description, today=DAY,
                                  latitude=-7.6161, longitude=111.5012, location_text="Gang 3")


def tickets(html: str) -> set[str]:
    import re

    return set(re.findall(r"(?:ADU|DOK|KON)-\d{8}-\d{4}", html))


def test_lists_filter_and_search(app):
    dok = document()
    dok2 = document("6281200000003", name="Siti Aminah", address="Jl. Mawar RT 05 RW 01", doc="surat_domisili")
    adu = complaint()
    adu2 = complaint("6281200000004", category="infrastruktur", description="Jalan rusak")
    kon = handoffs.request_handoff("6281200000005", reason="requested", outside_hours=False, today=DAY)
    run_in_transaction(lambda s: s.execute(update(Case).where(Case.ticket == adu2.ticket)
                                           .values(created_at=datetime(2026, 10, 1, 3, 0))))
    officer = logged_in(app, "budi")

    def found(**query):
        response = officer.get("/kasus/", query_string=query)
        assert response.status_code == 200
        return tickets(response.get_data(as_text=True))

    assert found() == {dok.ticket, dok2.ticket, adu.ticket, adu2.ticket, kon.ticket}
    assert found(kind="document") == {dok.ticket, dok2.ticket}
    assert found(kind="consultation") == {kon.ticket}
    assert found(status="menunggu") == {kon.ticket}
    assert found(category="infrastruktur") == {adu2.ticket}
    assert found(category="surat_domisili") == {dok2.ticket}
    assert found(rt="5") == {dok2.ticket} and found(rw="03") == {dok.ticket}
    assert found(date_from="2026-11-01") == {dok.ticket, dok2.ticket, adu.ticket, kon.ticket}
    assert found(date_to="2026-10-31") == {adu2.ticket}
    assert found(q="siti") == {dok2.ticket}
    assert found(q=adu.ticket.lower()) == {adu.ticket}
    # adu2 is anonymous (no reporter name): its reporter's number never finds it
    assert found(q="081200000004") == set()
    assert found(q="081200000003") == {dok2.ticket}  # local spelling of the number
    assert found(q="6281200000001") == {dok.ticket}
    assert found(kind="bukan-jenis") == found()  # unknown filter values are ignored


def test_nik_is_masked_in_lists_and_export(app):
    dok = document()
    officer = logged_in(app, "budi")
    html = officer.get("/kasus/").get_data(as_text=True)
    assert NIK not in html and "3577********0001" in html
    page = officer.get(f"/kasus/{dok.ticket}").get_data(as_text=True)
    assert NIK not in page and "3577********0001" in page
    body = officer.get("/kasus/ekspor.csv").get_data(as_text=True)
    assert NIK not in body and "3577********0001" in body
    # revealing the full NIK is a deliberate, audited action
    response = officer.post_json(f"/kasus/{dok.ticket}/nik")
    assert response.json["nik"] == NIK
    with session_scope() as s:
        entry = s.execute(select(AuditLog).where(AuditLog.action == "kasus.lihat_nik")).scalar_one()
        assert entry.actor == "budi" and entry.target == dok.ticket and NIK not in (entry.detail or "")


def test_csv_export_follows_filters_and_defuses_formulas(app):
    document()
    adu = complaint(description="=HYPERLINK(\"http://x\")")
    officer = logged_in(app, "budi")
    response = officer.get("/kasus/ekspor.csv", query_string={"kind": "complaint"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Tiket" and len(rows) == 2
    assert rows[1][0] == adu.ticket and rows[1][1] == "Pengaduan"
    assert rows[1][-1].startswith("'=")
    with session_scope() as s:
        assert s.execute(select(AuditLog).where(AuditLog.action == "kasus.ekspor")).scalar_one().actor == "budi"


def test_case_page_shows_details_location_and_history(app, console_env):
    photo = console_env["media"] / "wa-aduan.jpg"
    photo.write_bytes(b"\xff\xd8\xff")
    adu = cases.create_complaint("6281200000002", category="kebersihan", description="Sampah menumpuk",
                                 location_text="Gang 3", latitude=-7.6161, longitude=111.5012,
                                 photo_path=str(photo), reporter_name="Sari", today=DAY)
    officer = logged_in(app, "budi")
    html = officer.get(f"/kasus/{adu.ticket}").get_data(as_text=True)
    for text in ("Sampah menumpuk", "Gang 3", "Sari", "Kebersihan", "openstreetmap.org/?mlat=-7.6161",
                 "/media/wa-aduan.jpg", "Dibuat lewat WhatsApp", "Sedang diproses"):
        assert text in html, text
    assert officer.get("/kasus/ADU-20991231-9999").status_code == 404
    assert officer.get("/kasus/bukan-tiket").status_code == 404


def test_status_changes_follow_the_state_machine_and_notify(app):
    dok = document()
    open_window(dok.sender_id)
    officer = logged_in(app, "budi")
    url = f"/kasus/{dok.ticket}/status"

    def status() -> str:
        with session_scope() as s:
            return s.execute(select(Case.status).where(Case.ticket == dok.ticket)).scalar_one()

    response = officer.post(url, {"status": "siap_diambil"}, follow_redirects=True)  # skips "diperiksa"
    assert "tidak bisa diubah" in response.get_data(as_text=True) and status() == "diterima"
    response = officer.post(url, {"status": "bukan-status"}, follow_redirects=True)
    assert status() == "diterima" and outbox(dok.sender_id) == []

    response = officer.post(url, {"status": "diperiksa"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert status() == "diperiksa" and "Warga sudah diberi tahu lewat pesan WhatsApp" in html
    response = officer.post(url, {"status": "siap_diambil", "note": "Ambil di loket 2"}, follow_redirects=True)
    assert status() == "siap_diambil"
    sent = outbox(dok.sender_id)[-1]
    assert sent["sent_by"] == "budi" and dok.ticket in sent["text"] and "siap diambil" in sent["text"]
    from kokom.office import load_office

    assert load_office().document("sktm").name in sent["text"]
    assert "dokumen asli" in sent["text"] and NIK not in sent["text"]

    response = officer.post(url, {"status": "sudah_diambil", "note": ""}, follow_redirects=True)
    assert "wajib disertai catatan" in response.get_data(as_text=True) and status() == "siap_diambil"
    officer.post(url, {"status": "sudah_diambil", "note": "Diambil sendiri oleh pemohon"})
    assert status() == "sudah_diambil"
    # the notification, then (issue 11) the one rating question of the finished request
    assert "Diambil sendiri oleh pemohon" in outbox(dok.sender_id)[-2]["text"]
    assert "Bagaimana penilaian" in outbox(dok.sender_id)[-1]["text"]
    html = officer.get(f"/kasus/{dok.ticket}").get_data(as_text=True)
    assert "Status akhir" in html and 'id="status-form"' not in html
    with session_scope() as s:
        events = s.execute(select(CaseEvent.actor, CaseEvent.from_status, CaseEvent.to_status)
                           .join(Case).where(Case.ticket == dok.ticket).order_by(CaseEvent.id)).all()
        audits = s.execute(select(AuditLog.detail).where(AuditLog.action == "kasus.status")).scalars().all()
    assert events[1:] == [("budi", "diterima", "diperiksa"), ("budi", "diperiksa", "siap_diambil"),
                          ("budi", "siap_diambil", "sudah_diambil")]
    assert audits == ["diterima -> diperiksa", "diperiksa -> siap_diambil", "siap_diambil -> sudah_diambil"]


def test_notification_outside_window_uses_template_and_failures_are_shown(app, monkeypatch):
    adu = complaint()
    officer = logged_in(app, "budi")
    response = officer.post(f"/kasus/{adu.ticket}/status", {"status": "diproses"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Status" in html and "GAGAL terkirim" in html and "WHATSAPP_TEMPLATE_NAME" in html
    monkeypatch.setenv("WHATSAPP_TEMPLATE_NAME", "kokom_pembaruan")
    response = officer.post(f"/kasus/{adu.ticket}/status", {"status": "selesai", "note": "Sudah diangkut"},
                            follow_redirects=True)
    assert "lewat template" in response.get_data(as_text=True)
    assert outbox(adu.sender_id)[-1]["type"] == "template"


def test_consultation_with_an_active_conversation_is_closed_from_the_chat(app, fake_rasa):
    kon = handoffs.request_handoff("6281200000009", reason="requested", outside_hours=True, today=DAY)
    officer = logged_in(app, "budi")
    html = officer.get(f"/kasus/{kon.ticket}").get_data(as_text=True)
    assert "halaman percakapan" in html
    officer.post(f"/kasus/{kon.ticket}/status", {"status": "selesai", "note": "x"})
    with session_scope() as s:
        assert s.execute(select(Case.status).where(Case.ticket == kon.ticket)).scalar_one() == "menunggu"


def test_pagination(app):
    for n in range(55):
        cases.create_complaint(f"62812000{n:05d}", category="lainnya", description=f"aduan {n}", today=DAY)
    officer = logged_in(app, "budi")
    first = tickets(officer.get("/kasus/").get_data(as_text=True))
    second = tickets(officer.get("/kasus/", query_string={"page": 2}).get_data(as_text=True))
    assert len(first) == 50 and len(second) == 5 and not first & second
