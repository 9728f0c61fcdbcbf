"""Restarts that must lose nothing: Rasa in the middle of a form, the whole stack with
deliveries acknowledged but not yet answered (they are answered after the start, once).

These start their own servers (they are stopped and started), so the session's
``assistant`` is left alone.
"""
from __future__ import annotations

import os
import signal
from collections import Counter

import pytest

from harness.fake_graph import FakeGraph, new_wa_id, post_signed, whatsapp_env
from harness.servers import WHATSAPP_CHANNEL, AssistantServers
from kokom.whatsapp import payloads

pytestmark = pytest.mark.e2e

NIK = "3577011203850001"


@pytest.fixture(scope="module")
def stack(model_path, tmp_path_factory):
    graph = FakeGraph().start()
    servers = AssistantServers(model_path, tmp_path_factory.mktemp("restart"),
                               extra_credentials={WHATSAPP_CHANNEL: None}, extra_env=whatsapp_env(graph))
    servers.fake_graph = graph
    servers.start()
    yield servers
    servers.stop()
    graph.stop()


def texts(sends: list[dict]) -> str:
    out = []
    for sent in sends:
        if sent["type"] == "text":
            out.append(sent["text"]["body"])
        elif sent["type"] == "interactive":
            out.append(sent["interactive"]["body"]["text"])
    return "\n".join(out)


def post(stack: AssistantServers, wa_id: str, text: str) -> str:
    delivery = payloads.build_delivery(wa_id, payloads.text_message(text), profile_name="Budi")
    response = post_signed(stack.webhook_url, delivery)
    assert response.status_code == 200, response.text
    return payloads.parse_delivery(delivery).messages[0].wamid


def say(stack: AssistantServers, wa_id: str, text: str) -> str:
    seen = len(stack.fake_graph.sends(wa_id))
    before = len(stack.inbound(wa_id))
    post(stack, wa_id, text)
    stack.wait_handled(wa_id, before + 1, timeout=180)
    return texts(stack.fake_graph.sends(wa_id)[seen:])


def user_message_ids(stack: AssistantServers, wa_id: str) -> Counter:
    events = stack.tracker(wa_id)["events"]
    return Counter(e.get("message_id") for e in events if e.get("event") == "user")


def test_rasa_restarted_in_the_middle_of_a_form_continues_it(stack):
    wa_id = new_wa_id()
    say(stack, wa_id, "mau ajukan surat keterangan tidak mampu")
    assert "nik" in say(stack, wa_id, "Budi Santoso").lower()
    stack.stop_rasa()
    stack.start_rasa()
    reply = say(stack, wa_id, NIK)
    assert "alamat" in reply.lower(), reply  # the next question of the same form
    slots = stack.tracker(wa_id)["slots"]
    assert slots.get("applicant_name") == "Budi Santoso" and slots.get("nik") == NIK
    assert all(n == 1 for n in user_message_ids(stack, wa_id).values())


def test_deliveries_acknowledged_before_a_crash_are_answered_once_after_the_start(stack):
    residents = [new_wa_id() for _ in range(3)]
    wamids = {wa_id: [post(stack, wa_id, text) for text in ("halo", "syarat bikin kk apa saja")]
              for wa_id in residents}
    # Every delivery was acknowledged (200); now both servers die at once, as in a power cut
    # or `make run` killed, before the assistant could answer all of them.
    for proc in stack.procs:
        os.killpg(proc.pid, signal.SIGKILL)
    for proc in stack.procs:
        proc.wait(timeout=30)
    spooled = len(list((stack.workdir / "whatsapp-spool").glob("*.json")))
    unhandled = [r for wa_id in residents for r in stack.inbound(wa_id) if r["status"] != "done"]
    assert spooled + len(unhandled) > 0, "everything was answered before the crash: nothing tested"

    stack.procs.clear()
    stack.start()
    for wa_id in residents:
        rows = stack.wait_handled(wa_id, 2, timeout=240)
        assert [r["wamid"] for r in rows] == wamids[wa_id]  # recorded once each, in order
        assert all(r["status"] == "done" for r in rows)
        counts = user_message_ids(stack, wa_id)
        assert {mid: counts.get(mid) for mid in wamids[wa_id]} == {mid: 1 for mid in wamids[wa_id]}, counts
        assert stack.fake_graph.sends(wa_id), "no answer at all"
    assert not list((stack.workdir / "whatsapp-spool").glob("*.json"))
