"""Property-based fuzzing of the WhatsApp webhook with validly signed deliveries.

Whatever Meta (or someone holding the app secret) sends, the webhook answers 200 or a
clean 4xx, never a 500; every message it accepted ends handled (done, ignored or
failed), none stuck; and the server keeps answering residents afterwards.
"""
from __future__ import annotations

import json
import time

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kokom.whatsapp import payloads
from harness.fake_graph import new_wa_id, post_signed

pytestmark = pytest.mark.e2e

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=600)
kinds = st.sampled_from(["text", "image", "document", "audio", "video", "sticker", "location", "contacts",
                         "interactive", "button", "reaction", "unsupported", "system", "order", "", "x"])


@st.composite
def messages(draw):  # type: ignore[no-untyped-def]
    kind = draw(kinds)
    wa_id = "628" + str(draw(st.integers(min_value=10**8, max_value=10**10 - 1)))
    wamid = "wamid.FUZZ" + draw(st.uuids()).hex
    message = {"from": draw(st.sampled_from([wa_id, "", "abc", "+62 812", None, 6281234567890])),
               "id": draw(st.sampled_from([wamid, "", None, 12])),
               "timestamp": draw(st.sampled_from([str(int(time.time())), "x", None, -1, 10**15])),
               "type": kind}
    body = draw(st.one_of(
        st.fixed_dictionaries({"body": texts}),
        st.fixed_dictionaries({"id": st.text(max_size=30), "caption": texts, "mime_type": st.text(max_size=20)}),
        st.fixed_dictionaries({"latitude": st.floats(), "longitude": st.floats(), "name": texts}),
        st.fixed_dictionaries({"type": st.text(max_size=12), "button_reply": st.dictionaries(
            st.sampled_from(["id", "title"]), st.text(max_size=40))}),
        json_values,
    ))
    message[kind or "text"] = body
    if draw(st.booleans()):
        message["context"] = draw(json_values)
    return message


@given(data=json_values)
@FUZZ
def test_random_signed_json_never_breaks_the_webhook(assistant, data):
    response = post_signed(assistant.webhook_url, data)
    assert response.status_code in (200, 400), response.text


@given(batch=st.lists(messages(), min_size=1, max_size=3), name=texts,
       sender=st.integers(min_value=10**8, max_value=10**10 - 1))
@FUZZ
def test_random_messages_in_a_valid_envelope_are_acknowledged_and_handled(assistant, batch, name, sender):
    delivery = payloads.build_delivery(f"628{sender}", payloads.text_message("x"), profile_name=name[:60] or None)
    value = delivery["entry"][0]["changes"][0]["value"]
    value["messages"] = batch
    response = post_signed(assistant.webhook_url, delivery)
    assert response.status_code in (200, 400), response.text
    raw = json.dumps(delivery, ensure_ascii=False).encode("utf-8")
    assert post_signed(assistant.webhook_url, None, raw=raw).status_code in (200, 400)


def test_after_the_fuzzing_nothing_is_stuck_and_residents_are_answered(assistant):
    deadline = time.time() + 120
    stuck: list = []
    while time.time() < deadline:
        stuck = assistant.query("select wamid, status from wa_inbound_messages "
                                "where wamid like 'wamid.FUZZ%' and status not in ('done', 'ignored', 'failed')")
        if not stuck:
            break
        time.sleep(0.5)
    assert stuck == []
    assert requests.get(f"{assistant.whatsapp_url}/health", timeout=10).status_code == 200
    wa_id = new_wa_id()
    delivery = payloads.build_delivery(wa_id, payloads.text_message("halo"), profile_name="Warga")
    assert post_signed(assistant.webhook_url, delivery).status_code == 200
    assistant.wait_handled(wa_id, 1)
    assert assistant.fake_graph.sends(wa_id)
