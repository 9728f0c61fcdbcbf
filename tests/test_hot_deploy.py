"""A model deployed into the running Rasa while residents keep writing over signed WhatsApp webhooks
(real mode against the fake Graph API): every message is answered once, in order; a half-filled
form continues after the switch; then a one-step rollback.

The "new" model is the same file under a second name (no training in tests); Rasa still loads
it from scratch through ``PUT /model`` (kokom.model_ops.deploy), which is what matters here.
"""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from harness.fake_graph import new_wa_id, post_signed, whatsapp_env
from harness.servers import TOKEN, WHATSAPP_CHANNEL, AssistantServers
from kokom import model_ops, rasa_api
from kokom.whatsapp import payloads

STREAM = ["halo", "jam buka kantor kapan ya", "alamat kantor kelurahan dimana", "syarat bikin kk apa aja",
          "makasih min", "mau tanya jam pelayanan", "kantornya di jalan apa", "terima kasih"]


@pytest.fixture(scope="module")
def servers(model_path, tmp_path_factory, fake_graph):
    servers = AssistantServers(model_path, tmp_path_factory.mktemp("hot-deploy"),
                               extra_credentials={WHATSAPP_CHANNEL: None}, extra_env=whatsapp_env(fake_graph))
    servers.start()
    yield servers
    servers.stop()


def send(servers: AssistantServers, wa_id: str, text: str) -> str:
    data = payloads.build_delivery(wa_id, payloads.text_message(text), profile_name="Warga Uji",
                                   phone_number_id="109876543210123")
    response = post_signed(servers.webhook_url, data)
    assert response.status_code == 200, response.text
    return data["entry"][0]["changes"][0]["value"]["messages"][0]["id"]


def user_turns(servers: AssistantServers, wa_id: str) -> list[tuple[str, int]]:
    """(message id, bot messages that followed it) per user event of the conversation."""
    out: list[list] = []
    for event in servers.tracker(wa_id)["events"]:
        if event["event"] == "user":
            out.append([event.get("message_id"), 0])
        elif event["event"] == "bot" and out:
            out[-1][1] += 1
    return [(m, n) for m, n in out]


def test_deploy_under_a_webhook_stream_loses_nothing_and_keeps_the_form(servers, model_path, fake_graph,
                                                                         tmp_path, monkeypatch):
    monkeypatch.setenv("RASA_URL", servers.url)
    monkeypatch.setenv("RASA_TOKEN", TOKEN)
    original = Path(rasa_api.status()["model_file"]).name
    second = tmp_path / "kokom-hotdeploy-second.tar.gz"
    shutil.copyfile(model_path, second)
    model_ops.save_report(model_ops.compare(*[{"per_intent": {}, "macro_f1": 0.9, "confusions": []}] * 2,
                                            new_model=second.name, old_model=original), tmp_path / "reports")

    # a complaint form half filled before the switch
    form_wa = new_wa_id()
    send(servers, form_wa, "mau lapor jalan rusak depan balai rw")
    servers.wait_handled(form_wa, 1)
    slots = servers.tracker(form_wa)["slots"]
    assert servers.tracker(form_wa)["active_loop"]["name"] == "complaint_form"
    asked_before = slots["requested_slot"]

    residents = [new_wa_id() for _ in range(3)]
    sent: dict[str, list[str]] = {wa: [] for wa in residents}
    errors: list[BaseException] = []
    started = threading.Event()

    def stream() -> None:
        try:
            for i, text in enumerate(STREAM):
                for wa in residents:
                    sent[wa].append(send(servers, wa, text))
                if i == 1:
                    started.set()
                time.sleep(0.4)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
            started.set()

    thread = threading.Thread(target=stream)
    thread.start()
    started.wait(60)
    done = model_ops.deploy(second, "uji", reports=tmp_path / "reports", base=tmp_path / "deployed")
    thread.join(300)
    assert not errors, errors
    assert done["model"] == second.name and done["previous"] == original
    assert Path(rasa_api.status()["model_file"]).name == second.name

    for wa in residents:
        rows = servers.wait_handled(wa, len(STREAM), timeout=240)
        assert [r["status"] for r in rows] == ["done"] * len(STREAM)
        turns = user_turns(servers, wa)
        # every message once, in the order sent, each answered before the next was handled
        assert [m for m, _ in turns] == sent[wa]
        assert all(n >= 1 for _, n in turns), turns
        assert len(fake_graph.sends(wa)) >= len(STREAM)

    # the half-filled form continues under the new model
    if asked_before == "complaint_category":
        send(servers, form_wa, "infrastruktur")
    else:
        send(servers, form_wa, "jalan berlubang besar di depan balai RW 03, bahaya buat motor")
    servers.wait_handled(form_wa, 2)
    tracker = servers.tracker(form_wa)
    assert tracker["active_loop"]["name"] == "complaint_form"
    assert tracker["slots"]["requested_slot"] != asked_before
    assert [m for m, n in user_turns(servers, form_wa) if n == 0] == []

    # one-step rollback to the model that ran before
    back = model_ops.rollback("uji", base=tmp_path / "deployed")
    assert back["model"] == original
    assert Path(rasa_api.status()["model_file"]).name == original
    wa = new_wa_id()
    send(servers, wa, "halo")
    servers.wait_handled(wa, 1)
    assert fake_graph.sends(wa)
