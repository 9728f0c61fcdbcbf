"""Inbound handling without Rasa: de-duplication, per-sender order, restart recovery, conversion."""
from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

from kokom import wording
from kokom.db import session_scope
from kokom.models import Resident
from kokom.whatsapp import models as m, payloads, store
from kokom.whatsapp.client import AsyncClient, extension_for
from kokom.whatsapp.config import load_config
from kokom.whatsapp.inbound import UNSUPPORTED_REPLY, InboundDispatcher, convert
from kokom.whatsapp.sandbox import SandboxMedia
from harness.fake_graph import TINY_JPEG, new_wa_id, sample


def inbound_row(inbound_id: int) -> payloads.StoredMessage:
    """A stored inbound message as the dispatcher gets it (read straight from the table)."""
    from kokom.db import run_in_transaction
    from kokom.whatsapp import models as wm
    from kokom.whatsapp.store import _stored

    return run_in_transaction(lambda s: _stored(s.get(wm.WaInboundMessage, inbound_id)))


def accept(data: dict) -> list[int]:
    delivery = payloads.parse_delivery(data)
    return store.accept_delivery(delivery.messages, delivery.statuses)


def text_delivery(wa_id: str, body: str, name: str = "Warga") -> dict:
    return payloads.build_delivery(wa_id, payloads.text_message(body), profile_name=name)


class Recorder:
    """Stands in for Rasa: records what the assistant would receive."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delivered: list[tuple[str, str, dict]] = []
        self.replies: list[tuple[str, str]] = []
        self.delay = delay
        self.active: dict[str, int] = {}
        self.overlap = False
        self.most_at_once = 0  # residents handled at the same time

    async def deliver(self, row, conversion) -> None:
        self.active[row.wa_id] = self.active.get(row.wa_id, 0) + 1
        if self.active[row.wa_id] > 1:
            self.overlap = True
        self.most_at_once = max(self.most_at_once, sum(1 for n in self.active.values() if n))
        await asyncio.sleep(self.delay)
        self.delivered.append((row.wa_id, conversion.text, conversion.metadata))
        self.active[row.wa_id] -= 1

    async def reply(self, wa_id: str, text: str) -> None:
        self.replies.append((wa_id, text))


def test_same_message_three_times_at_once_is_recorded_once(wa_sandbox):
    wa_id = new_wa_id()
    data = sample("text", wa_id)
    results: list[list[int]] = []
    barrier = threading.Barrier(3)

    def deliver() -> None:
        barrier.wait()
        results.append(accept(data))

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(r) for r in results) == [0, 0, 1]
    assert accept(data) == []  # and again later (a retry, or after a restart)
    with session_scope() as s:
        assert s.query(m.WaInboundMessage).filter_by(wa_id=wa_id).count() == 1
        resident = s.query(Resident).filter_by(wa_id=wa_id).one()
        assert resident.profile_name == "Sri Wahyuni" and resident.last_inbound_at is not None


def test_profile_name_follows_the_latest_delivery(wa_sandbox):
    wa_id = new_wa_id()
    accept(text_delivery(wa_id, "halo", "Sri"))
    accept(text_delivery(wa_id, "halo lagi", "Sri Wahyuni"))
    with session_scope() as s:
        assert s.query(Resident).filter_by(wa_id=wa_id).one().profile_name == "Sri Wahyuni"


def test_messages_are_handled_in_order_per_sender_and_in_parallel_across_senders(wa_sandbox):
    senders = [new_wa_id() for _ in range(3)]
    for i in range(4):
        for wa_id in senders:
            accept(text_delivery(wa_id, f"pesan {i}"))

    async def run() -> Recorder:
        recorder = Recorder(delay=0.3)
        dispatcher = InboundDispatcher(AsyncClient(load_config({})), recorder.deliver, recorder.reply)
        for wa_id in senders:
            dispatcher.submit(wa_id)
            dispatcher.submit(wa_id)  # a second notice must not start a second worker
        assert await dispatcher.idle(20)
        return recorder

    recorder = asyncio.run(run())
    assert not recorder.overlap
    for wa_id in senders:
        assert [text for w, text, _ in recorder.delivered if w == wa_id] == [f"pesan {i}" for i in range(4)]
    assert recorder.most_at_once > 1  # different residents in parallel
    with session_scope() as s:
        assert {r.status for r in s.query(m.WaInboundMessage)} == {m.DONE}
        assert all(r.read_at is not None for r in s.query(m.WaInboundMessage))


def test_recovery_after_a_stop_handles_what_was_not_handled(wa_sandbox):
    wa_id = new_wa_id()
    ids = [accept(text_delivery(wa_id, text))[0] for text in ("satu", "dua", "tiga")]
    # "satu" reached the assistant before the stop (it is in the tracker); "dua" was being
    # handled but never reached it; "tiga" was only accepted.
    for inbound_id in ids[:2]:
        assert store.claim_inbound(inbound_id)
    handled_wamid = inbound_row(ids[0]).wamid

    async def was_handled(sender: str, wamid: str) -> bool:
        return wamid == handled_wamid

    async def run() -> Recorder:
        recorder = Recorder()
        dispatcher = InboundDispatcher(AsyncClient(load_config({})), recorder.deliver, recorder.reply)
        assert await dispatcher.recover(was_handled) == 3
        assert await dispatcher.idle(20)
        return recorder

    recorder = asyncio.run(run())
    assert [text for _, text, _ in recorder.delivered] == ["dua", "tiga"]
    assert [inbound_row(i).status for i in ids] == [m.DONE] * 3


def test_a_failing_message_does_not_block_the_next(wa_sandbox):
    wa_id = new_wa_id()
    accept(text_delivery(wa_id, "rusak"))
    accept(text_delivery(wa_id, "baik"))

    async def run() -> list[str]:
        seen = []

        async def deliver(row, conversion):
            seen.append(conversion.text)
            if conversion.text == "rusak":
                raise RuntimeError("boom")

        async def reply(wa, text):
            pass

        dispatcher = InboundDispatcher(AsyncClient(load_config({})), deliver, reply)
        dispatcher.submit(wa_id)
        await dispatcher.idle(10)
        return seen

    assert asyncio.run(run()) == ["rusak", "baik"]
    statuses = [r.status for r in store.inbound_messages(wa_id)]
    assert statuses == [m.FAILED, m.DONE]
    assert "boom" in store.inbound_messages(wa_id)[0].error


def test_a_number_answers_the_numbered_menu_sent_just_before(wa_sandbox):
    wa_id = new_wa_id()
    options = [{"title": f"Dokumen {i}", "payload": f'/ask_requirements{{"document_type": "d{i}"}}'}
               for i in range(1, 14)]
    store.save_choices(wa_id, options)
    accept(text_delivery(wa_id, "12"))
    accept(text_delivery(wa_id, "3"))  # the menu answers only the next message

    async def run() -> Recorder:
        recorder = Recorder()
        dispatcher = InboundDispatcher(AsyncClient(load_config({})), recorder.deliver, recorder.reply)
        dispatcher.submit(wa_id)
        await dispatcher.idle(10)
        return recorder

    recorder = asyncio.run(run())
    assert [text for _, text, _ in recorder.delivered] == ['/ask_requirements{"document_type": "d12"}', "3"]
    assert recorder.delivered[0][2]["whatsapp"]["choice"] == {"number": 12, "title": "Dokumen 12"}


def run_convert(data: dict, client: AsyncClient):
    (message,) = payloads.parse_delivery(data).messages
    inbound_id = store.accept_delivery([message], [])[0]
    row = inbound_row(inbound_id)
    return asyncio.run(convert(row, client))


def test_conversions(wa_sandbox):
    client = AsyncClient(load_config({}))
    wa_id = new_wa_id()
    conv = run_convert(sample("interactive_list_reply", wa_id), client)
    assert conv.text == '/ask_requirements{"document_type":"kk"}'
    assert conv.metadata["whatsapp"]["wa_id"] == wa_id and conv.metadata["whatsapp"]["profile_name"] == "Sri Wahyuni"
    assert conv.metadata["whatsapp"]["context_message_id"] == "wamid.OUTBOUND0002"
    conv = run_convert(sample("location", wa_id), client)
    assert conv.text == "/share_location"
    assert conv.metadata["location"]["latitude"] == -7.6239 and conv.metadata["location"]["name"] == "Gang Mawar"
    for name in ("reaction", "sticker"):
        conv = run_convert(sample(name, wa_id), client)
        assert conv.text is None and conv.reply is None and not conv.typing
    conv = run_convert(sample("unsupported", wa_id), client)
    assert conv.text is None and conv.reply == wording.text(UNSUPPORTED_REPLY)
    contacts = payloads.build_delivery(wa_id, {"type": "contacts", "contacts": [
        {"name": {"formatted_name": "Pak RT"}, "phones": [{"phone": "+62 812 1", "wa_id": "628121"}]}]})
    conv = run_convert(contacts, client)
    assert conv.text == "Kontak: Pak RT 628121" and conv.metadata["contacts"][0]["name"]["formatted_name"] == "Pak RT"
    # a media id that cannot be fetched: a polite reply, nothing for the assistant
    conv = run_convert(sample("image", wa_id), client)
    assert conv.text is None and "kirim ulang" in conv.reply


def test_media_is_downloaded_and_saved_with_a_safe_name(wa_sandbox):
    client = AsyncClient(load_config({}))
    meta = SandboxMedia(load_config({})).save(TINY_JPEG)
    wa_id = new_wa_id()
    data = payloads.build_delivery(wa_id, {"type": "image", "image": {
        "id": meta["id"], "mime_type": "image/jpeg", "caption": "jalan berlubang", "filename": "../../etc/passwd"}})
    conv = run_convert(data, client)
    assert conv.text == "/share_media"
    media = conv.metadata["media"]
    path = Path(media["path"])
    media_dir = (wa_sandbox / "media").resolve()
    assert media_dir in path.parents and path.suffix == ".jpg" and "passwd" not in path.name
    assert path.read_bytes() == TINY_JPEG
    assert media["type"] == "image" and media["caption"] == "jalan berlubang" and media["mime_type"] == "image/jpeg"
    json.dumps(conv.metadata)  # stored in the tracker: must be JSON


def test_extension_comes_from_the_mime_type_only():
    assert extension_for("image/jpeg") == ".jpg"
    assert extension_for("audio/ogg; codecs=opus") == ".ogg"
    assert extension_for("application/pdf") == ".pdf"
    assert extension_for("application/x-sh") == ".bin"
    assert extension_for(None) == ".bin"


def test_spool_keeps_arrival_order_and_drops_unfinished_writes(tmp_path):
    from kokom.whatsapp.spool import Spool

    spool = Spool(tmp_path / "spool")
    paths = [spool.put(f"{i}".encode()) for i in range(5)]
    assert spool.pending() == paths
    (tmp_path / "spool" / "00000000000000000001-1-00000000.tmp").write_bytes(b"half")
    again = Spool(tmp_path / "spool")  # a restart
    assert [p.read_bytes() for p in again.pending()] == [b"0", b"1", b"2", b"3", b"4"]
    assert not list((tmp_path / "spool").glob("*.tmp"))


def test_ingester_records_spooled_deliveries_once_and_in_order(wa_sandbox):
    from kokom.whatsapp.inbound import Ingester
    from kokom.whatsapp.spool import Spool

    spool = Spool(wa_sandbox / "spool")
    wa_id = new_wa_id()
    first = json.dumps(text_delivery(wa_id, "satu")).encode()
    for raw in (first, first, json.dumps(text_delivery(wa_id, "dua")).encode(), first, b"{broken"):
        spool.put(raw)
    submitted: list[str] = []

    async def run() -> int:
        ingester = Ingester(spool, submitted.append)
        return await ingester.drain()

    assert asyncio.run(run()) == 4
    rows = store.inbound_messages(wa_id)
    assert [r.message["text"]["body"] for r in rows] == ["satu", "dua"]
    assert submitted == [wa_id, wa_id]  # only deliveries with new messages wake the worker
    assert spool.pending() == [] and len(list((wa_sandbox / "spool").glob("*.bad"))) == 1
