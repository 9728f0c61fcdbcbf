"""A message that reads like form answers, outside any form, may still be a request.

"pak saya mau buat surat domisili, nama Hendra Wijaya NIK 3577..., alamat ..." is
full of names, numbers and addresses, so the classifier can read it as ``inform`` (a
bare answer). Outside a form that used to end in "Mohon maaf, saya belum memahami".
When such a message names a document (or a complaint with its problem) and asks for
it or carries its facts, the right form starts and reads every fact from the message.
"""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import form_facts as ff
from actions.common import doc_name, is_payload, latest_text, office
from kokom import wording

REQUEST_WORDS = re.compile(
    r"\b(mau|ingin|pengen|pingin|badhe|arep|buat|bikin|bikinin|buatkan|buatin|ngajuin|ajukan|mengajukan|"
    r"ngajukaken|ngajukke|urus|ngurus|mengurus|minta|daftar|perlu|butuh|bantu|proses|tolong)\b",
    re.IGNORECASE,
)
REPORT_WORDS = re.compile(r"\b(lapor|melapor|laporan|ngadu|mengadu|aduan|pengaduan|komplain|keluhan|mengeluh)\b",
                          re.IGNORECASE)


def form_for(text: str) -> str | None:
    """document_form / complaint_form when the message clearly asks for one, else None."""
    if not text or is_payload(text) or ff.is_question(text):
        return None
    documents = [m for m in ff.find_documents(text) if office().document(m.key)]
    if documents:
        facts = [ff.find_name(text), ff.find_nik(text), ff.find_address(text)[0],
                 ff.find_purpose(text, [(m.start, m.end) for m in documents])]
        if any(facts) or REQUEST_WORDS.search(text):
            return "document_form"
    if REPORT_WORDS.search(text) and (ff.find_category(office(), text) or ff.find_place(text)):
        return "complaint_form"
    return None


class ActionBareAnswer(Action):
    """``inform`` outside any form: start the form it asks for, otherwise the usual fallback."""

    def name(self) -> str:
        return "action_bare_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        form = form_for(text)
        if form:
            return [FollowupAction(form)]
        from actions.dialogue import ActionFallback, clarification_buttons

        documents = [m for m in ff.find_documents(text) if office().document(m.key)]
        if tracker.latest_message.get("cue") == "bare_document" and len({m.key for m in documents}) == 1:
            # "akta lhr anak" alone: apply for it, or see what it needs? (the choice goes on with this
            # message, as the clarifying question does)
            buttons = clarification_buttons([{"name": "request_document"}, {"name": "ask_requirements"}])
            dispatcher.utter_message(text=wording.text("utter_clarify_document", document=doc_name(documents[0].key)),
                                     buttons=buttons)
            return []
        # The usual answer, given here: a FollowupAction to it would leave no rule to end the
        # turn, and the fallback would repeat until Rasa's prediction limit.
        return ActionFallback().run(dispatcher, tracker, domain)
