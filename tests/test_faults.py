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
