"""The handoff queue (kokom.handoffs): order, atomic claims under threads, finishing, proactive takeover."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from kokom import cases, handoffs
from kokom.db import run_in_transaction, session_scope
from kokom.models import Case, CaseEvent, Handoff, utcnow

DAY = date(2026, 11, 27)


def queue(sender: str, reason: str = "requested", minutes_ago: int = 0, outside: bool = False) -> int:
    h = handoffs.request_handoff(sender, reason=reason, outside_hours=outside, today=DAY)
    if minutes_ago:
        run_in_transaction(lambda s: s.execute(
            update(Handoff).where(Handoff.id == h.id).values(requested_at=utcnow() - timedelta(minutes=minutes_ago))))
    return h.id


def case_of(handoff_id: int) -> tuple[str, list[tuple[str, str | None, str | None]]]:
    with session_scope() as s:
        h = s.get(Handoff, handoff_id)
        events = s.execute(select(CaseEvent).where(CaseEvent.case_id == h.case_id).order_by(CaseEvent.id)).scalars()
        return h.case.status, [(e.actor, e.to_status, e.note) for e in events]


def test_waiting_list_is_oldest_first_with_reason_and_hours(db_url):
    new = queue("6281000000001", minutes_ago=1)
    old = queue("6281000000002", reason="fallback", minutes_ago=30, outside=True)
    mid = queue("6281000000003", minutes_ago=10)
    items = handoffs.list_waiting()
    assert [i.id for i in items] == [old, mid, new]
    first = items[0]
    assert first.reason_label == "Asisten tidak paham berulang kali" and first.outside_hours
    assert first.ticket.startswith("KON-") and first.case_status == "menunggu"
    assert 29 * 60 <= first.waiting_seconds() <= 31 * 60


def test_claim_moves_consultation_to_ditangani_and_only_once(db_url):
    hid = queue("6281000000004")
    first = handoffs.claim(hid, "budi")
    assert first.ok and first.item.status == "claimed" and first.item.claimed_by == "budi"
    second = handoffs.claim(hid, "sari")
    assert not second.ok and "budi" in second.message
    assert handoffs.list_waiting() == []
    status, events = case_of(hid)
    assert status == "ditangani"
    assert events[-1][:2] == ("budi", "ditangani")
    # claiming again by the same officer is harmless (no second history entry)
    again = handoffs.claim(hid, "budi")
    assert again.ok and len(case_of(hid)[1]) == len(events)


def test_concurrent_claims_have_exactly_one_winner(db_url):
    hid = queue("6281000000005")
    results: list[handoffs.ClaimResult] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            results.append(handoffs.claim(hid, f"petugas{n}"))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    winners = [r for r in results if r.ok]
    assert len(results) == 8 and len(winners) == 1
    with session_scope() as s:
        h = s.get(Handoff, hid)
        assert h.claimed_by == winners[0].item.claimed_by
        events = s.execute(select(CaseEvent).where(CaseEvent.case_id == h.case_id,
                                                   CaseEvent.to_status == "ditangani")).scalars().all()
        assert len(events) == 1


def test_finish_closes_handoff_and_case_with_note(db_url):
    hid = queue("6281000000006")
    with pytest.raises(handoffs.HandoffError, match="Ambil alih"):
        handoffs.finish(hid, "budi")
    handoffs.claim(hid, "budi")
    with pytest.raises(handoffs.HandoffError, match="budi"):
        handoffs.finish(hid, "sari")
    item = handoffs.finish(hid, "budi", "Sudah dijelaskan syarat SKTM")
    assert item.status == "closed" and item.closed_at is not None
    status, events = case_of(hid)
    assert status == "selesai" and events[-1] == ("budi", "selesai", "Sudah dijelaskan syarat SKTM")
    with pytest.raises(handoffs.HandoffError, match="sudah selesai"):
        handoffs.finish(hid, "budi")
    assert handoffs.active_for_sender("6281000000006") is None


def test_admin_may_finish_anyones_and_default_note(db_url):
    hid = queue("6281000000007")
    handoffs.claim(hid, "budi")
    handoffs.finish(hid, "admin", force=True)
    status, events = case_of(hid)
    assert status == "selesai" and events[-1][2] == handoffs.DEFAULT_FINISH_NOTE


def test_proactive_takeover(db_url):
    assert not handoffs.take_over("6289999999999", "budi").ok  # never wrote to us
    cases.create_complaint("6281000000008", category="kebersihan", description="Sampah", today=DAY)
    result = handoffs.take_over("6281000000008", "budi")
    assert result.ok and result.item.reason == "proactive" and result.item.status == "claimed"
    assert handoffs.active_for_sender("6281000000008").id == result.item.id
    # someone else cannot take it while budi has it
    other = handoffs.take_over("6281000000008", "sari")
    assert not other.ok and "budi" in other.message
    with session_scope() as s:
        kon = s.execute(select(Case).where(Case.kind == "consultation")).scalar_one()
        assert kon.status == "ditangani"


def test_takeover_of_waiting_conversation_claims_it(db_url):
    hid = queue("6281000000009")
    result = handoffs.take_over("6281000000009", "sari")
    assert result.ok and result.item.id == hid and result.item.reason == "requested"
