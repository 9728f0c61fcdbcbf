"""A small month of use (November 2026) for the monitoring tests, every figure counted by hand.

Times are written in WIB and stored in UTC (7 hours earlier), as the application stores them.
Used by tests/test_monitoring.py and tests/test_console_monitoring.py.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import create_engine, text

from kokom.console_tables import OfficerReply
from kokom.db import session_scope
from kokom.models import Case, CaseEvent, Feedback, Handoff, IkmResponse, Resident
from kokom.whatsapp.models import IGNORED, WaInboundMessage, WaOutboundMessage

R1, R2, R3 = "6281100000001", "6281100000002", "6281100000003"


def wib(y, m, d, hh=0, mm=0, ss=0) -> datetime:
    """A WIB wall-clock time as the naive UTC the database stores."""
    return datetime(y, m, d, hh, mm, ss) - timedelta(hours=7)


def build(tracker_path=None) -> None:
    with session_scope() as s:
        r1, r2, r3 = (Resident(wa_id=w, profile_name=n) for w, n in ((R1, "Sri"), (R2, "Budi W"), (R3, "Anon")))
        s.add_all([r1, r2, r3])
        s.flush()
        n = 0

        def inbound(wa, at, status="done"):
            nonlocal n
            n += 1
            s.add(WaInboundMessage(wamid=f"wamid.{n}", wa_id=wa, msg_type="text", payload="{}",
                                   received_at=at, status=status))

        # 6 messages counted; r1 two conversations, r2 two, r3 one (Sunday 1 Nov 00:00 WIB)
        inbound(R1, wib(2026, 11, 2, 8, 0))
        inbound(R1, wib(2026, 11, 2, 8, 5))
        inbound(R1, wib(2026, 11, 5, 10, 0))
        inbound(R2, wib(2026, 11, 3, 16, 0))
        inbound(R2, wib(2026, 11, 3, 16, 1), status=IGNORED)  # a reaction: not counted
        inbound(R2, wib(2026, 11, 6, 15, 59))
        inbound(R3, wib(2026, 11, 1, 0, 0))
        inbound(R3, wib(2026, 10, 31, 23, 59))  # October: outside
        for i in range(3):
            s.add(WaOutboundMessage(wa_id=R1, msg_type="text", payload="{}", sent_by="bot",
                                    created_at=wib(2026, 11, 2, 8, 1 + i)))
        s.add(WaOutboundMessage(wa_id=R1, msg_type="text", payload="{}", sent_by="budi",
                                created_at=wib(2026, 11, 5, 10, 30, 30)))

        def case(ticket, kind, status, created, resident, **kw):
            c = Case(ticket=ticket, kind=kind, status=status, resident_id=resident.id, created_at=created, **kw)
            s.add(c)
            s.flush()
            return c

        c1 = case("ADU-20261102-0001", "complaint", "selesai", wib(2026, 11, 2, 8, 10), r1,
                  category="kebersihan", rt="001", rw="002")
        s.add_all([CaseEvent(case_id=c1.id, at=wib(2026, 11, 2, 9, 0), actor="budi", from_status="diterima",
                             to_status="diproses"),
                   CaseEvent(case_id=c1.id, at=wib(2026, 11, 3, 9, 10), actor="budi", from_status="diproses",
                             to_status="selesai", note="dibersihkan")])
        case("ADU-20261102-0002", "complaint", "diterima", wib(2026, 11, 2, 9, 0), r3,
             category="keamanan", rt="003", rw="002", anonymous=True, reporter_name="RAHASIA")
        c3 = case("DOK-20261109-0001", "document", "sudah_diambil", wib(2026, 11, 9, 9, 0), r2,
                  document_type="izin_keramaian", rt="001", rw="002", nik="3577010101010001")
        s.add(CaseEvent(case_id=c3.id, at=wib(2026, 11, 16, 9, 0), actor="sari", from_status="siap_diambil",
                        to_status="sudah_diambil", note="diambil"))
        case("ADU-20261020-0001", "complaint", "diterima", wib(2026, 10, 20, 9, 0), r1, category="infrastruktur")
        k1 = case("KON-20261105-0001", "consultation", "selesai", wib(2026, 11, 5, 10, 0, 30), r1)
        s.add(CaseEvent(case_id=k1.id, at=wib(2026, 11, 5, 11, 0), actor="budi", from_status="ditangani",
                        to_status="selesai", note="selesai"))
        k2 = case("KON-20261106-0001", "consultation", "ditangani", wib(2026, 11, 6, 16, 0), r2)
        k3 = case("KON-20261110-0001", "consultation", "selesai", wib(2026, 11, 10, 9, 0), r3)

        h1 = Handoff(sender_id=R1, resident_id=r1.id, case_id=k1.id, reason="requested", status="closed",
                     requested_at=wib(2026, 11, 5, 10, 0, 30), claimed_by="budi", claimed_at=wib(2026, 11, 5, 10, 20),
                     closed_at=wib(2026, 11, 5, 11, 0))
        h2 = Handoff(sender_id=R2, resident_id=r2.id, case_id=k2.id, reason="fallback", status="claimed",
                     requested_at=wib(2026, 11, 6, 16, 0), claimed_by="sari", claimed_at=wib(2026, 11, 9, 8, 0))
        h3 = Handoff(sender_id=R3, resident_id=r3.id, case_id=k3.id, reason="proactive", status="closed",
                     requested_at=wib(2026, 11, 10, 9, 0), claimed_by="sari", claimed_at=wib(2026, 11, 10, 9, 0))
        s.add_all([h1, h2, h3])
        s.flush()
        # first responses: h1 30 service minutes, h2 Friday 16:00 -> Monday 08:30 = 60 minutes
        s.add_all([
            OfficerReply(sender_id=R1, handoff_id=h1.id, officer="budi", kind="text", text="Halo", ok=True,
                         created_at=wib(2026, 11, 5, 10, 30, 30)),
            OfficerReply(sender_id=R1, handoff_id=h1.id, officer="budi", kind="closing", text="Terima kasih",
                         ok=True, created_at=wib(2026, 11, 5, 11, 0)),
            OfficerReply(sender_id=R2, handoff_id=h2.id, officer="sari", kind="text", text="x", ok=False,
                         created_at=wib(2026, 11, 9, 8, 10)),  # failed: not an answer
            OfficerReply(sender_id=R2, handoff_id=h2.id, officer="sari", kind="text", text="Halo", ok=True,
                         created_at=wib(2026, 11, 9, 8, 30)),
            OfficerReply(sender_id=R3, handoff_id=h3.id, officer="sari", kind="text", text="Halo", ok=True,
                         created_at=wib(2026, 11, 10, 9, 5)),
        ])
        s.add_all([
            Feedback(resident_id=r1.id, rating=5, case_id=c1.id, officer="budi", created_at=wib(2026, 11, 4, 9)),
            Feedback(resident_id=r1.id, rating=4, handoff_id=h1.id, created_at=wib(2026, 11, 5, 11, 5)),
            Feedback(resident_id=r2.id, rating=2, case_id=c3.id, officer="sari", created_at=wib(2026, 11, 16, 10)),
            Feedback(resident_id=r2.id, rating=1, officer="sari", created_at=wib(2026, 10, 30, 10)),  # October
            Feedback(resident_id=r2.id, text="saran saja", created_at=wib(2026, 11, 16, 10)),  # no rating
        ])
        s.add_all([
            IkmResponse(resident_id=r1.id, started_at=wib(2026, 11, 10, 9), status="selesai",
                        **{f"u{i}": 3 for i in range(1, 10)}),
            IkmResponse(resident_id=r2.id, started_at=wib(2026, 11, 20, 9), status="berhenti", u1=4, u2=4),
            IkmResponse(resident_id=r3.id, started_at=wib(2026, 10, 20, 9), status="selesai",
                        **{f"u{i}": 1 for i in range(1, 10)}),
        ])
    if tracker_path is not None:
        engine = create_engine(f"sqlite:///{tracker_path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                              "timestamp FLOAT, intent_name TEXT, action_name TEXT, data TEXT)"))
            for at, intent, said in ((wib(2026, 11, 2, 8), "greet", "halo"),
                                     (wib(2026, 11, 2, 8, 5), "nlu_fallback", "asdfgh"),
                                     (wib(2026, 11, 4, 8), "rate", '/rate{"rating": 5}'),
                                     (wib(2026, 10, 4, 8), "nlu_fallback", "zzz")):
                ts = (at - datetime(1970, 1, 1)).total_seconds()
                conn.execute(text("INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) "
                                  "VALUES ('x', 'user', :ts, :i, :d)"),
                             {"ts": ts, "i": intent, "d": json.dumps({"text": said})})
        engine.dispose()
