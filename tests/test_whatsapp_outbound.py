"""The synchronous sending API (officer console) against the fake Graph API and in sandbox mode."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from kokom.db import session_scope
from kokom.models import Resident, utcnow
from kokom.whatsapp import outbound, payloads, store
from harness.fake_graph import TEMPLATE_NAME, new_wa_id


def resident_wrote(wa_id: str, ago: timedelta = timedelta(minutes=5)) -> None:
    """Record an inbound message (the 24-hour window opens)."""
    data = payloads.build_delivery(wa_id, payloads.text_message("halo"), profile_name="Warga")
    delivery = payloads.parse_delivery(data)
    store.accept_delivery(delivery.messages, delivery.statuses)
    with session_scope() as s:
        s.query(Resident).filter_by(wa_id=wa_id).one().last_inbound_at = utcnow() - ago


def test_send_text_recorded_with_wamid(wa_real):
    wa_id = new_wa_id()
    result = outbound.send_text_sync("0" + wa_id[2:], "Selamat pagi, laporan sedang kami proses.", sent_by="petugas1")
    assert result.ok and result.error is None and not result.used_template
    assert result.wamid.startswith("wamid.FAKE") and result.outbound_id
    (sent,) = wa_real.sends(wa_id)
    assert sent["type"] == "text" and sent["text"]["body"].startswith("Selamat pagi")
    auth = wa_real.recorded(lambda r: r.json is not None and r.json.get("to") == wa_id)[0].headers["authorization"]
    assert auth == "Bearer test-access-token"
    (row,) = outbound.outbound_messages(wa_id)
    assert row["id"] == result.outbound_id and row["status"] == "sent" and row["wamid"] == result.wamid
    assert row["sent_by"] == "petugas1" and row["text"].startswith("Selamat pagi") and row["attempts"] == 1
    assert isinstance(row["created_at"], datetime)


def test_long_text_is_split(wa_real):
    wa_id = new_wa_id()
    result = outbound.send_text_sync(wa_id, "kalimat panjang. " * 400)  # 6,800 characters
    assert result.ok
    bodies = [s["text"]["body"] for s in wa_real.sends(wa_id)]
    assert len(bodies) == 2 and all(len(b) <= 4096 for b in bodies)
    assert [r["status"] for r in outbound.outbound_messages(wa_id)] == ["sent", "sent"]


def test_buttons_use_the_same_clamping(wa_real):
    wa_id = new_wa_id()
    result = outbound.send_buttons_sync(wa_id, "Apakah masalah sudah selesai?", [
        {"title": "Sudah selesai, terima kasih banyak", "payload": "/affirm"},
        {"title": "Belum", "payload": "/deny"},
    ])
    assert result.ok
    (sent,) = wa_real.sends(wa_id)
    titles = [b["reply"]["title"] for b in sent["interactive"]["action"]["buttons"]]
    assert titles == ["Sudah selesai", "Belum"]
    many = [{"title": f"Pilihan {i}", "payload": f"/p{i}"} for i in range(12)]
    assert outbound.send_buttons_sync(wa_id, "Pilih:", many).ok
    numbered = wa_real.sends(wa_id)[-1]
    assert numbered["type"] == "text" and "12. Pilihan 11" in numbered["text"]["body"]


def test_retry_after_500_then_success(wa_real):
    wa_id = new_wa_id()
    wa_real.fail_next(2, status=500, to=wa_id)
    result = outbound.send_text_sync(wa_id, "coba lagi")
    assert result.ok
    attempts = wa_real.sends_records(wa_id)
    assert [r.status for r in attempts] == [500, 500, 200]
    assert outbound.outbound_messages(wa_id)[0]["attempts"] == 3


@pytest.mark.parametrize("failure", [dict(status=429), dict(code=130429), dict(code=131056), dict(status=503)])
def test_retry_on_rate_limits(wa_real, failure):
    wa_id = new_wa_id()
    wa_real.fail_next(1, to=wa_id, **failure)
    assert outbound.send_text_sync(wa_id, "halo").ok
    assert len(wa_real.sends_records(wa_id)) == 2


def test_no_retry_on_other_errors_and_failure_is_recorded(wa_real):
    wa_id = new_wa_id()
    wa_real.fail_next(1, code=131026, to=wa_id)  # message undeliverable: retrying does not help
    result = outbound.send_text_sync(wa_id, "halo", sent_by="petugas2")
    assert not result.ok and "131026" in result.error
    assert len(wa_real.sends_records(wa_id)) == 1
    (row,) = outbound.outbound_messages(wa_id)
    assert row["status"] == "failed" and "131026" in row["error"] and row["error_code"] == 131026


def test_send_that_finally_fails_is_recorded_with_its_error(wa_real):
    wa_id = new_wa_id()
    wa_real.fail_next(4, status=500, to=wa_id)
    result = outbound.send_text_sync(wa_id, "tidak akan sampai")
    assert not result.ok and "500" in result.error
    assert len(wa_real.sends_records(wa_id)) == 4  # WHATSAPP_MAX_ATTEMPTS
    (row,) = outbound.outbound_messages(wa_id)
    assert row["status"] == "failed" and "HTTP 500" in row["error"] and row["attempts"] == 4


def test_outside_24h_window_sends_the_template_instead(wa_real):
    wa_id = new_wa_id()
    resident_wrote(wa_id, ago=timedelta(hours=30))
    assert not outbound.within_service_window(wa_id)
    wa_real.fail_next(1, code=131047, to=wa_id)
    result = outbound.send_text_sync(wa_id, "Balasan petugas setelah 30 jam", sent_by="petugas1")
    assert result.ok and result.used_template
    first, template = wa_real.sends_records(wa_id)
    assert first.status == 400 and first.json["type"] == "text"
    assert template.status == 200 and template.json["type"] == "template"
    assert template.json["template"] == {"name": TEMPLATE_NAME, "language": {"code": "id"}}
    (row,) = outbound.outbound_messages(wa_id)
    assert row["used_template"] and row["status"] == "sent" and row["error_code"] == 131047
    assert row["text"] == "Balasan petugas setelah 30 jam" and row["payload"]["type"] == "template"
    # a second message while the template is unanswered: no second template, failure recorded
    wa_real.fail_next(1, code=131047, to=wa_id)
    again = outbound.send_text_sync(wa_id, "Pesan kedua")
    assert not again.ok and "131047" in again.error
    assert len(wa_real.sends_records(wa_id)) == 3


def test_template_not_configured(wa_real, monkeypatch):
    monkeypatch.delenv("WHATSAPP_TEMPLATE_NAME")
    wa_id = new_wa_id()
    result = outbound.send_template_sync(wa_id, params=["Sri"])
    assert not result.ok and "WHATSAPP_TEMPLATE_NAME" in result.error and result.outbound_id
    wa_real.fail_next(1, code=131047, to=wa_id)
    result = outbound.send_text_sync(wa_id, "halo")
    assert not result.ok and "template" in result.error.lower()
    assert [r["status"] for r in outbound.outbound_messages(wa_id)] == ["failed", "failed"]


def test_send_template_with_params(wa_real):
    wa_id = new_wa_id()
    result = outbound.send_template_sync(wa_id, params=["Sri", "ADU-20261127-0001"], sent_by="petugas1")
    assert result.ok and result.used_template
    (sent,) = wa_real.sends(wa_id)
    params = sent["template"]["components"][0]["parameters"]
    assert [p["text"] for p in params] == ["Sri", "ADU-20261127-0001"]
    (row,) = outbound.outbound_messages(wa_id)
    assert row["type"] == "template" and row["used_template"] and row["sent_by"] == "petugas1"


def test_within_service_window(wa_real):
    wa_id = new_wa_id()
    assert not outbound.within_service_window(wa_id)
    resident_wrote(wa_id, ago=timedelta(hours=23, minutes=59))
    assert outbound.within_service_window(wa_id)
    assert not outbound.within_service_window(wa_id, now=utcnow() + timedelta(minutes=2))
    from datetime import timezone

    assert outbound.within_service_window(wa_id, now=datetime.now(timezone.utc))


def test_status_events_update_outbound_rows(wa_real):
    wa_id = new_wa_id()
    result = outbound.send_text_sync(wa_id, "halo")
    for status in ("delivered", "read", "delivered"):  # out of order: never goes back
        delivery = payloads.parse_delivery(payloads.build_status_delivery(result.wamid, status, wa_id))
        store.accept_delivery(delivery.messages, delivery.statuses)
    assert outbound.outbound_messages(wa_id)[0]["status"] == "read"
    failed = payloads.build_status_delivery(result.wamid, "failed", wa_id, errors=[
        {"code": 131047, "title": "Re-engagement message", "error_data": {"details": "more than 24 hours"}}])
    delivery = payloads.parse_delivery(failed)
    store.accept_delivery(delivery.messages, delivery.statuses)
    row = outbound.outbound_messages(wa_id)[0]
    assert row["status"] == "failed" and "131047" in row["error"]
    from sqlalchemy import select

    from kokom.db import run_in_transaction
    from kokom.whatsapp import models as wm

    statuses = run_in_transaction(lambda s: list(s.execute(
        select(wm.WaStatusEvent.status).where(wm.WaStatusEvent.wamid == result.wamid).order_by(wm.WaStatusEvent.id)
    ).scalars()))
    assert statuses == ["delivered", "read", "failed"]


def test_invalid_recipient_and_missing_credentials(wa_real, monkeypatch):
    assert not outbound.send_text_sync("abc", "halo").ok
    monkeypatch.delenv("WHATSAPP_ACCESS_TOKEN")
    result = outbound.send_text_sync(new_wa_id(), "halo")
    assert not result.ok and "WHATSAPP_ACCESS_TOKEN" in result.error and "test-" not in result.error


def test_sandbox_mode_writes_to_the_outbox(wa_sandbox):
    wa_id = new_wa_id()
    resident_wrote(wa_id)
    result = outbound.send_buttons_sync(wa_id, "Pilih:", [{"title": f"Opsi {i}", "payload": f"/o{i}"}
                                                          for i in range(5)], sent_by="petugas1")
    assert result.ok and result.wamid.startswith("wamid.SANDBOX.")
    (row,) = outbound.outbound_messages(wa_id)
    assert row["sandbox"] and row["payload"]["interactive"]["type"] == "list" and row["status"] == "sent"
    # outside the window the sandbox answers like Meta (131047) and the template is used
    other = new_wa_id()
    resident_wrote(other, ago=timedelta(days=2))
    result = outbound.send_text_sync(other, "halo")
    assert not result.ok and "WHATSAPP_TEMPLATE_NAME" in result.error


def test_concurrent_sends_from_threads(wa_real):
    wa_id = new_wa_id()
    results = []
    threads = [threading.Thread(target=lambda i=i: results.append(outbound.send_text_sync(wa_id, f"pesan {i}")))
               for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in results) and len({r.wamid for r in results}) == 6
    assert len(outbound.outbound_messages(wa_id)) == 6
