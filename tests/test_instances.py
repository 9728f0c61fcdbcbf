"""Several instances on one database: per resident one message at a time and in order across
instances, what a killed instance left is taken over by another (SQLite and PostgreSQL), one spool
folder shared by every instance, and a turn handled again without resending its answers."""
from __future__ import annotations

import asyncio
import json
import time

import pytest

from harness.fake_graph import new_wa_id
from kokom.whatsapp import models as m, store
from kokom.whatsapp.client import AsyncClient
from kokom.whatsapp.config import load_config
from kokom.whatsapp.inbound import InboundDispatcher
from tests.test_whatsapp_inbound import Recorder, accept, inbound_row, text_delivery


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_db(request, tmp_path, monkeypatch):
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_db_url")
    for key in ("WHATSAPP_APP_SECRET", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_API_URL", "WHATSAPP_PHONE_NUMBER_ID"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("WHATSAPP_SANDBOX", "1")
    monkeypatch.setenv("WHATSAPP_SANDBOX_DIR", str(tmp_path / "sandbox"))
    monkeypatch.setenv("KOKOM_MEDIA_DIR", str(tmp_path / "media"))
    monkeypatch.setenv("WHATSAPP_CREDENTIALS_FILE", str(tmp_path / "no-credentials.yml"))
    yield url
    store.configure_instance("local", 120.0)


def dispatcher(recorder: Recorder) -> InboundDispatcher:
    return InboundDispatcher(AsyncClient(load_config({})), recorder.deliver, recorder.reply)


async def never_handled(_wa_id: str, _wamid: str) -> bool:
    return False


def test_two_instances_take_one_residents_messages_one_at_a_time_in_order(shared_db):
    senders = [new_wa_id() for _ in range(3)]
    for i in range(4):
        for wa_id in senders:
            accept(text_delivery(wa_id, f"pesan {i}"))

    async def run() -> Recorder:
        recorder = Recorder(delay=0.15)
        first, second = dispatcher(recorder), dispatcher(recorder)
        for wa_id in senders:  # deliveries of every resident landed on both instances
            first.submit(wa_id)
            second.submit(wa_id)
        for _ in range(40):  # each instance's sweeper too
            await asyncio.gather(first.sweep(never_handled, 0), second.sweep(never_handled, 0))
            if await first.idle(0.1) and await second.idle(0.1) and len(recorder.delivered) == 12:
                break
        return recorder

    recorder = asyncio.run(run())
    assert not recorder.overlap
    for wa_id in senders:
        assert [text for w, text, _ in recorder.delivered if w == wa_id] == [f"pesan {i}" for i in range(4)]


def test_a_later_message_never_overtakes_an_expired_claim_before_it_is_taken_over(shared_db):
    """The failover race seen once in the nginx cluster test: a killed instance's claim had
    expired, the sweeper had not handed it back yet, and the resident's next message went first."""
    wa_id = new_wa_id()
    first, second = (accept(text_delivery(wa_id, text))[0] for text in ("halo", "jam buka kapan"))
    assert store.claim_next(wa_id).id == first  # the instance that is then killed
    with store_lease(0.4):
        time.sleep(0.5)  # the claim is past its lease, not yet past three
        assert store.claim_next(wa_id) is None  # expired, but not handed back: "halo" keeps its place
        stale, _ = store.abandoned_inbound()
        row = next(r for r in stale if r.id == first)
        assert store.take_over_inbound(row.id, row.claimed_at, "pending")
    assert store.claim_next(wa_id).id == first
    store.finish_inbound(first, "done")
    assert store.claim_next(wa_id).id == second


def test_a_killed_instances_messages_are_taken_over_after_the_lease(shared_db):
    wa_id = new_wa_id()
    ids = [accept(text_delivery(wa_id, text))[0] for text in ("satu", "dua")]
    other = new_wa_id()
    handled_id = accept(text_delivery(other, "sudah"))[0]
    # Instance A took "satu" (and the other resident's message, which reached the assistant), then was killed.
    store.configure_instance("A", 1.0)
    assert store.claim_next(wa_id).id == ids[0]
    assert store.claim_next(other).id == handled_id
    handled_wamid = inbound_row(handled_id).wamid

    async def was_handled(_wa_id: str, wamid: str) -> bool:
        return wamid == handled_wamid

    async def run() -> Recorder:
        recorder = Recorder()
        store.configure_instance("B", 1.0)
        b = dispatcher(recorder)
        # B starts: A's live claim is not B's to recover; "dua" must wait behind "satu".
        await b.recover(was_handled)
        await b.idle(5)
        assert recorder.delivered == []
        assert inbound_row(ids[0]).status == m.PROCESSING
        await asyncio.sleep(1.2)  # A's claim expires
        assert await b.sweep(was_handled) == 2
        await b.idle(10)
        return recorder

    recorder = asyncio.run(run())
    assert [text for w, text, _ in recorder.delivered if w == wa_id] == ["satu", "dua"]
    assert [text for w, text, _ in recorder.delivered if w == other] == []  # not answered twice
    assert [inbound_row(i).status for i in (*ids, handled_id)] == [m.DONE] * 3


def test_a_restarted_instance_recovers_its_own_claims_at_once(shared_db):
    wa_id = new_wa_id()
    inbound_id = accept(text_delivery(wa_id, "halo"))[0]
    store.configure_instance("host:var/whatsapp-spool", 120.0)
    assert store.claim_next(wa_id)  # then the process was killed

    async def run() -> Recorder:
        recorder = Recorder()
        started = time.monotonic()
        b = dispatcher(recorder)  # the same instance, started again (same id)
        assert await b.recover(never_handled) == 1
        await b.idle(10)
        assert time.monotonic() - started < 10  # no waiting for the lease
        return recorder

    recorder = asyncio.run(run())
    assert [text for _, text, _ in recorder.delivered] == ["halo"]
    assert inbound_row(inbound_id).status == m.DONE


def test_a_turn_handled_again_does_not_send_what_its_first_attempt_sent(wa_real):
    """Instance A sent the first answer of a turn and died before Rasa stored the turn; B handles the
    message again (the tracker does not hold it): the answer already sent is not sent twice, the
    rest of the turn is sent, and the next message's answers are never mistaken for it."""
    from channels.whatsapp import WhatsAppOutput

    graph = wa_real
    wa_id = new_wa_id()
    first, second = (accept(text_delivery(wa_id, body))[0] for body in ("halo", "menu"))
    store.configure_instance("A", 5.0)
    assert store.claim_next(wa_id).id == first
    assert store.replies_of_earlier_attempts(first) == []  # a first attempt resends nothing

    async def turn(inbound_id: int, texts: list[str]) -> WhatsAppOutput:
        client = AsyncClient(load_config({}))
        try:
            already = store.replies_of_earlier_attempts(inbound_id)
            output = WhatsAppOutput(client, already_sent=already)
            for text in texts:
                await output.send_text_message(wa_id, text)
            return output
        finally:
            await client.close()

    asyncio.run(turn(first, ["Halo, selamat datang."]))  # then A is killed mid-turn
    # B takes it over after the lease and handles it again: the same turn, planned again.
    time.sleep(0.01)
    with store_lease(0.0):
        row = store.abandoned_inbound(0)[0][0]
        assert store.take_over_inbound(row.id, row.claimed_at, m.PENDING)
    store.configure_instance("B", 5.0)
    assert store.claim_next(wa_id).id == first
    assert store.replies_of_earlier_attempts(first) == [("text", "Halo, selamat datang.")]
    output = asyncio.run(turn(first, ["Halo, selamat datang.", "Ada yang bisa kami bantu?"]))
    assert output.skipped == 1 and output.planned == 2
    store.finish_inbound(first, m.DONE)
    assert [s["text"]["body"] for s in graph.sends(wa_id)] == ["Halo, selamat datang.", "Ada yang bisa kami bantu?"]
    # The next message, handled once, sends its answers even when they repeat earlier ones.
    assert store.claim_next(wa_id).id == second
    assert store.replies_of_earlier_attempts(second) == []
    asyncio.run(turn(second, ["Halo, selamat datang."]))
    assert len(graph.sends(wa_id)) == 3
    store.configure_instance("local", 120.0)


class store_lease:
    """Temporarily another claim lease (a killed instance's claim expires at once)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        self.saved = store.CLAIM_LEASE_SECONDS
        store.CLAIM_LEASE_SECONDS = self.seconds

    def __exit__(self, *_: object) -> None:
        store.CLAIM_LEASE_SECONDS = self.saved


# --- the spool shared by every instance (WHATSAPP_SPOOL_DIR on one folder) -----------------------

def test_a_shared_spool_lists_every_instances_deliveries_in_arrival_order(tmp_path):
    from kokom.whatsapp.spool import Spool

    a, b = Spool(tmp_path / "spool"), Spool(tmp_path / "spool")  # two instances, one folder
    paths = [a.put(b"1"), b.put(b"2"), a.put(b"3"), b.put(b"4")]
    assert a.pending() == b.pending() == paths
    (tmp_path / "spool" / f"{time.time_ns():020d}-x-1-1.tmp").write_bytes(b"being written")
    Spool(tmp_path / "spool")  # another instance starting: a live writer's file stays
    assert len(list((tmp_path / "spool").glob("*.tmp"))) == 1
    with a.ingesting() as first:
        with b.ingesting() as second:
            assert first and not second  # one ingester at a time


def test_each_delivery_goes_to_the_workers_of_the_instance_that_received_it(shared_db, tmp_path):
    """Whichever instance records a delivery, the one whose webhook took it hands its resident to its
    own workers (the load is shared as nginx shares it); the recorder does not, unless it is old."""
    from kokom.whatsapp.inbound import Ingester
    from kokom.whatsapp.spool import Spool

    wa_a, wa_b = new_wa_id(), new_wa_id()
    a_got, b_got = [], []
    a = Ingester(Spool(tmp_path / "spool", owner="hostA-0000001"), a_got.append)
    b = Ingester(Spool(tmp_path / "spool", owner="hostB-0000002"), b_got.append)
    a.received(a.spool.put(json.dumps(text_delivery(wa_a, "lewat A")).encode()), [wa_a])
    b.received(b.spool.put(json.dumps(text_delivery(wa_b, "lewat B")).encode()), [wa_b])

    async def run() -> tuple[int, int]:
        recorded = await b.drain()  # B holds the lock and records both
        return recorded, await a.drain()  # A finds its file recorded

    assert asyncio.run(run()) == (2, 0)
    assert b_got == [wa_b] and a_got == [wa_a]
    assert [r.message["text"]["body"] for r in store.inbound_messages(wa_a)] == ["lewat A"]


def test_what_a_killed_instance_acknowledged_is_ingested_by_another(shared_db, tmp_path):
    """Instance A acknowledged two deliveries (spooled, 200 sent) and died while ingesting, holding
    the ingest lock; instance B, on the same folder, records them in order and answers them."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from kokom.whatsapp.inbound import Ingester
    from kokom.whatsapp.spool import Spool

    folder = tmp_path / "shared-spool"
    wa_id = new_wa_id()
    code = (
        "import json, sys, time\n"
        "from pathlib import Path\n"
        "from kokom.whatsapp.spool import Spool\n"
        "spool = Spool(Path(sys.argv[1]))\n"
        "for raw in sys.argv[2:]:\n"
        "    spool.put(raw.encode())\n"
        "with spool.ingesting() as mine:\n"
        "    assert mine\n"
        "    print('holding', flush=True)\n"
        "    time.sleep(600)\n"
    )
    raws = [json.dumps(text_delivery(wa_id, body)) for body in ("satu", "dua")]
    a = subprocess.Popen([sys.executable, "-c", code, str(folder), *raws], stdout=subprocess.PIPE, text=True,
                         cwd=Path(__file__).resolve().parent.parent, start_new_session=True)
    try:
        assert a.stdout.readline().strip() == "holding"
        b_spool = Spool(folder)
        submitted: list[str] = []

        async def drain(wait: float) -> int:
            # orphan_after=0: A's deliveries are handed to B's workers at once (default: after 1 s).
            return await Ingester(b_spool, submitted.append, orphan_after=0).drain(lock_wait=wait)

        assert asyncio.run(drain(0.2)) == 0  # A still ingests: B waits for its turn
        os.killpg(a.pid, signal.SIGKILL)
        a.wait(timeout=10)
        assert asyncio.run(drain(2.0)) == 2
    finally:
        if a.poll() is None:
            os.killpg(a.pid, signal.SIGKILL)
            a.wait(timeout=10)
    assert [r.message["text"]["body"] for r in store.inbound_messages(wa_id)] == ["satu", "dua"]
    assert submitted == [wa_id, wa_id] and b_spool.pending() == []

    async def answer() -> Recorder:
        recorder = Recorder()
        b = dispatcher(recorder)
        b.submit(wa_id)
        await b.idle(10)
        return recorder

    assert [text for _, text, _ in asyncio.run(answer()).delivered] == ["satu", "dua"]


# End to end (two Rasa instances on PostgreSQL + Redis behind nginx, one killed under load):
# tests/test_cluster_nginx.py, with `make cluster`'s own code.
