"""Faults that must lose nothing: a crashed action server in the middle of a form."""
from __future__ import annotations

import pytest

from channels.whatsapp import SERVICE_TROUBLE_REPLY
from kokom.whatsapp import payloads
from tests.fake_graph import new_wa_id, post_signed

pytestmark = pytest.mark.e2e

NIK = "3577011203850001"


def test_a_crashed_action_server_gets_an_apology_and_the_form_goes_on_after_the_restart(assistant):
    wa_id = new_wa_id()
    graph = assistant.fake_graph
    handled = [0]

    def say(text: str) -> str:
        seen = len(graph.sends(wa_id))
        delivery = payloads.build_delivery(wa_id, payloads.text_message(text), profile_name="Budi")
        assert post_signed(assistant.webhook_url, delivery).status_code == 200
        handled[0] += 1
        assistant.wait_handled(wa_id, handled[0])
        out = []
        for sent in graph.sends(wa_id)[seen:]:
            if sent["type"] == "text":
                out.append(sent["text"]["body"])
            elif sent["type"] == "interactive":
                out.append(sent["interactive"]["body"]["text"])
        return "\n".join(out)

    say("mau ajukan surat keterangan tidak mampu")
    assert "nik" in say("Budi Santoso").lower()
    assistant.kill_actions()
    try:
        reply = say(NIK)
        assert SERVICE_TROUBLE_REPLY in reply  # not silence
    finally:
        assistant.start_actions()
    # The form was not lost: the same answer now goes through and the next question follows.
    reply = say(NIK)
    assert "alamat" in reply.lower(), reply
    slots = assistant.tracker(wa_id)["slots"]
    assert slots.get("applicant_name") == "Budi Santoso" and slots.get("nik") == NIK


def test_a_full_disk_while_spooling_answers_5xx_so_meta_retries(assistant):
    """The webhook never acknowledges a delivery it could not keep."""
    import subprocess

    spool = assistant.workdir / "whatsapp-spool"
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", str(spool)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tiny filesystem here: {mounted.stderr.decode()[:200]}")
    wa_id = new_wa_id()
    delivery = payloads.build_delivery(wa_id, payloads.text_message("halo, lampu jalan mati " * 40),
                                       profile_name="Budi")
    try:
        with open(spool / "filler.bin", "wb", buffering=0) as handle:  # fill it up
            try:
                while True:
                    handle.write(b"x" * 1024)
            except OSError:
                pass
        response = post_signed(assistant.webhook_url, delivery)
        assert response.status_code >= 500, response.text
        assert assistant.inbound(wa_id) == []
    finally:
        subprocess.run(["umount", str(spool)], check=True)
    # Meta retries the same delivery once the disk has room: accepted and answered once.
    assert post_signed(assistant.webhook_url, delivery).status_code == 200
    assistant.wait_handled(wa_id, 1)
    assert len(assistant.inbound(wa_id)) == 1 and assistant.fake_graph.sends(wa_id)
