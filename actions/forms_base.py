"""One behaviour for every form that listens (issue #9).

A form's validation action (``validate_<form>``) does all the talking for its form:

- **take what was said**: the opening message and every answer are read for all the
  form's facts (name, NIK, address, purpose, document, category, place, ...); the
  form then asks only for what is still missing;
- **an answer is an answer**: while a question is open the reply is read as its answer;
  only an unmistakable change of topic (a question about something else, "batal",
  asking for an officer) is handed to the rules, and the form resumes afterwards;
- **typed answers** for every choice (yes/no, skip, anonymous, names of categories
  and documents, misspelt too);
- **corrections** ("bukan X tapi Y", "salah, maksud saya ...", "ganti alamatnya jadi ...",
  "alamatnya salah") change one answer, keep the others and say what changed;
- **no loops**: a failed answer gets one message; the second failure in a row explains
  with an example and offers skip (optional fields), an officer, or cancelling.

How it plugs into Rasa 3.6: Rasa calls ``validate_<form>`` from ``action_extract_slots``
after every message (we do nothing there) and from the form itself (activation, each
answer, the return after an interruption). The domain has no ``utter_ask_<slot>`` /
``action_ask_<slot>`` for these forms, so each turn's single message comes from here:
what was understood, the error if any, and the next question or the summary. Returning
no events for an open question rejects the form, which lets the rules answer a question
or cancel; every other answer returns at least ``form_state``.
"""
from __future__ import annotations

import logging
import re
from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import form_facts as ff
from actions.common import ESCAPE_INTENTS, hand_over, is_payload, latest_intent, latest_text, reset_events
from kokom import wording
from kokom.tickets import TICKET_RE as TICKET
from kokom.understanding import OTHER_AGENCY, normalized, status_cue

logger = logging.getLogger(__name__)

STATE_SLOT = "form_state"
STRIKES_BEFORE_HELP = 2
# The fourth answer in a row that does not fit the same question ends the form and hands the
# conversation to an officer, who reads everything already written: no question is asked a fifth time.
STRIKES_BEFORE_OFFICER = 4
# "... bisa diurus di sini / di kelurahan?": a question about this office, not a purpose.
HERE = re.compile(r"(di ?sini|disini|dsini|ng kene|nang kene|mriki|kelurahan|kalurahan|dibantu|diurus)")
QUESTION_INTENTS = {"ask_office_hours", "ask_office_location", "ask_requirements", "check_status", "bot_challenge"}
MEDIA_INTENTS = {"share_media", "share_location"}

# Words that follow a field's name in a correction and are not the new value.
_CORRECTION_FILLER = re.compile(
    r"^(?:\s|[,.:;=!-]|\b(?:nya|ne|e|salah ketik|ketik|typo|salah|keliru|kleru|klentu|lepat|yang|yg|benar|bener|betul|leres|sing|ingkang|jadi|menjadi|dadi|"
    r"harusnya|seharusnya|mestinya|ganti|gantinya|diganti|diubah|ubah|rubah|dirubah|ke|itu|ya|mohon|tolong|min|pak|"
    r"bu|saya|sy|pemohon|pelapor|adalah|maksud|maksudnya|maksud saya|tapi|tetapi|tp|mau|minta|dong"
    r"|om|gan|bos|ndan|kak|mas|mbak|bang)\b)+",
    re.IGNORECASE,
)


# The lead of a retold answer: "ralat min,", "eh maaf salah,", "koreksi:".
_RETELL_LEAD = re.compile(
    r"^\W*(?:(?:eh|maaf|mohon maaf|ralat|koreksi|salah|keliru|kleru|sori|sorry|ngapunten|typo|salah ketik)\b\W*"
    r"(?:(?:min|pak|bu|kak|mas|mbak|nggih|ya)\b\W*)?)+",
    re.IGNORECASE,
)


@dataclass
class Answer:
    """What one message says for one slot: a value, or why it does not fit."""

    value: Any = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # other slots set with it (coordinates)
    note: str | None = None  # say this even though it fits ("Foto dilewati")
    no_strike: bool = False  # not an answer, not a failure either ("sebentar ya")

    @property
    def ok(self) -> bool:
        return self.value is not None and self.error is None


@dataclass
class Turn:
    """Everything one message changes and everything the reply will say."""

    changes: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    error_slot: str | None = None
    help_buttons: list[dict[str, str]] | None = None
    intro: str | None = None
    resumed: bool = False
    done: bool = False  # end the form now (cancelled by a typed "batal")
    no_question: bool = False  # the notes already ask something: do not repeat the question
    brief: dict[str, str] = field(default_factory=dict)  # slot -> a short telling kept for it (see ListeningForm.brief)
    asked_again: bool = False  # the same aside twice at the same question: not answered twice


def _context(tracker: Tracker, form: str) -> str:
    """Who is calling: "extract" (action_extract_slots), "activate", "answer" or "resume"."""
    events = tracker.events or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    after = events[last_user + 1:]
    if any(e.get("event") == "active_loop" and e.get("name") == form for e in after):
        return "activate"
    actions = [e.get("name") for e in after if e.get("event") == "action"]
    if form not in actions:
        return "extract"
    rejected = any(e.get("event") == "action_execution_rejected" for e in after)
    if rejected or any(name not in (form, "action_listen", None) for name in actions):
        return "resume"
    return "answer"


def handed_to_officer(tracker: Tracker, form: str) -> bool:
    """The form ended because its question did not get an answer that fits, four times in a row."""
    state = tracker.get_slot(STATE_SLOT)
    return isinstance(state, dict) and state.get("form") == form and bool(state.get("handoff"))


def hand_over_from_form(dispatcher: CollectingDispatcher, tracker: Tracker, slots: list[str]) -> list[dict[str, Any]]:
    # (if the queue cannot be reached the resident is told so, and the form's answers are still
    # forgotten: a later form must not start filled with them)
    return hand_over(dispatcher, tracker, "fallback", "utter_form_handoff", [*slots, "requested_slot"]) \
        or reset_events(slots)


class ListeningForm(FormValidationAction):
    """Base of complaint_form and document_form validation; subclasses describe their slots."""

    #: required slots in asking order; the last one is the Ya/Tidak confirmation
    required: list[str] = []
    #: every slot the form owns (reset together)
    form_slots: list[str] = []
    #: how a slot is called in messages ("alamat", "NIK")
    labels: dict[str, str] = {}
    #: optional slots and the value that means "skipped"
    optional: dict[str, str] = {}
    #: slots holding an address whose RT/RW alone can be corrected ("rt 06 bukan rt 05")
    rt_rw_slots: tuple[str, ...] = ()
    # Questions answered in the resident's own words (a story, a purpose): a status word in the
    # answer ("sudah 12 hari belum selesai") is part of the story, only a ticket number leaves.
    free_text_slots: tuple[str, ...] = ()
    story_slots: tuple[str, ...] = ()  # read whole, even after a question ("... kapan diperbaiki? sudah 2 bulan")
    # The slot that holds a person's name: completed or respelt from any question ("namanya kurang,
    # lengkapnya ...").
    name_slots: tuple[str, ...] = ()
    #: a regex per slot that names the field inside a correction ("alamatnya salah")
    field_words: dict[str, str] = {}
    #: "pengaduan" / "permohonan": used in "Kita lanjutkan ..."
    what: str = "pengisian"
    #: requests that stop this form when they follow a stop in one message ("ga jadi, mau ...")
    switches_away: frozenset[str] = frozenset()

    # --- to implement ------------------------------------------------------
    @abstractmethod
    def name(self) -> str:
        """validate_<form>"""

    def facts(self, text: str, tracker: Tracker, slots: dict[str, Any], activating: bool) -> dict[str, tuple[Any, bool]]:
        """Facts in ``text``: slot -> (value, explicit). Explicit facts ("alamat ...") may
        overwrite an earlier answer; implicit ones only fill empty slots."""
        raise NotImplementedError

    def answer(self, slot: str, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        """``text`` read as the answer to the open question ``slot``."""
        raise NotImplementedError

    def question(self, slot: str, slots: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
        raise NotImplementedError

    def summary(self, slots: dict[str, Any]) -> str:
        raise NotImplementedError

    def intro(self, slots: dict[str, Any]) -> str:
        raise NotImplementedError

    def example(self, slot: str) -> str:
        """One example answer for the help after two failures."""
        return ""

    def display(self, slot: str, value: Any) -> str:
        return str(value)

    def extra_slots(self, slot: str) -> list[str]:
        """Slots that travel with ``slot`` (cleared with it)."""
        return []

    def brief(self, text: str, slots: dict[str, Any]) -> dict[str, str]:
        """Facts of the opening too short to fill their slot ("lapor min, ono maling neng gangku"):
        slot -> the text. They are kept, the slot's question asks for a little more
        (``brief_question``) and the answer is read together with them."""
        return {}

    def brief_question(self, slot: str, brief: str) -> str | None:
        return None

    # --- the turn -------------------------------------------------------------
    @property
    def confirm_slot(self) -> str:
        return self.required[-1]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        form = self.form_name()
        context = _context(tracker, form)
        if context == "extract":
            return []
        slots = {s: tracker.get_slot(s) for s in self.form_slots}
        state = tracker.get_slot(STATE_SLOT)
        state = dict(state) if isinstance(state, dict) and state.get("form") == form else {"form": form}
        requested = tracker.get_slot("requested_slot") if context != "activate" else None
        if requested not in self.required:
            requested = None
        text = latest_text(tracker)
        turn = Turn()

        if context == "activate":
            state = {"form": form}
            typed = not is_payload(text)
            if typed:
                self._take_facts(text, tracker, slots, turn, activating=True)
                merged = self._merged(slots, turn)
                brief = {s: v for s, v in self.brief(text, merged).items() if merged.get(s) is None}
                if brief:
                    state["brief"] = brief
            self._take_entities(tracker, slots, turn, only_empty=typed)
            turn.intro = self.intro(self._merged(slots, turn))
        elif context == "resume" or requested is None:
            turn.resumed = True
            if context == "resume" and requested and not is_payload(text):
                # what the rules just answered, so that the same aside at the same question is not
                # answered again and again (the form resumes, the resident asks it again, ...)
                state["aside"] = {"slot": requested, "text": ff.norm(text)}
        else:
            aside = state.pop("aside", None)
            again = isinstance(aside, dict) and aside.get("slot") == requested and aside.get("text") == ff.norm(text)
            if not again and self.should_escape(tracker, requested, text):
                # (never log the text itself: it may hold a NIK)
                logger.debug("form %s: the reply to %s is left to the rules", form, requested)
                return []
            self._answer_turn(text, tracker, requested, slots, state, turn)
            if again and turn.error and turn.error_slot == requested:
                # answered above already: say so, ask again, and offer the ways out at once
                turn.error = wording.text("utter_form_aside_answered") + "\n" + self.question(requested, self._merged(slots, turn))[0]
                turn.asked_again = True

        merged = self._merged(slots, turn)
        next_slot = None if turn.done else next((s for s in self.required if merged.get(s) is None), None)

        # Strikes: failed answers in a row to the same question.
        previous = state.get("strikes") or {}
        if turn.error and turn.error_slot:
            count = int(previous.get("n", 0)) + 1 if previous.get("slot") == turn.error_slot else 1
            state["strikes"] = {"slot": turn.error_slot, "n": count}
            if count >= STRIKES_BEFORE_OFFICER:
                state["handoff"] = True
                turn.changes[self.confirm_slot] = False
                turn.done, next_slot = True, None
            elif count >= STRIKES_BEFORE_HELP or turn.asked_again:
                self._help(turn, turn.error_slot)
        elif previous.get("slot") != next_slot:
            state.pop("strikes", None)
        state["slot"] = next_slot
        if context == "answer" and requested and requested in turn.changes:
            state["last"] = requested
        if state.get("brief"):  # kept only until its slot is answered
            state["brief"] = {s: v for s, v in state["brief"].items() if merged.get(s) is None}
            if not state["brief"]:
                state.pop("brief")
        turn.brief = dict(state.get("brief") or {})

        if not turn.done:
            self._say(dispatcher, turn, next_slot, merged)
        events = [{"event": "slot", "timestamp": None, "name": k, "value": v} for k, v in turn.changes.items()]
        events.append({"event": "slot", "timestamp": None, "name": STATE_SLOT, "value": state})
        events.append({"event": "slot", "timestamp": None, "name": "requested_slot", "value": next_slot})
        return events

    # --- reading one answer ----------------------------------------------------
    def _answer_turn(self, text: str, tracker: Tracker, requested: str, slots: dict[str, Any],
                     state: dict[str, Any], turn: Turn) -> None:
        intent, _ = latest_intent(tracker)
        if is_payload(text) and intent in MEDIA_INTENTS:
            text = ""  # a photo or pin: the slot's answer reads it from the channel metadata
        elif is_payload(text):
            if intent == "affirm":
                text = "ya"
            elif intent == "deny":
                text = "tidak"
            elif intent == "cancel":
                turn.changes[self.confirm_slot] = False
                turn.done = True
                return
            if self._take_payload_entities(tracker, slots, turn) and requested != self.confirm_slot:
                return
            if intent not in ("affirm", "deny"):
                return  # a button of another menu: ask the open question again
        if ff.is_cancel(text) and not ff.is_photo_skip(text):
            # A typed "batal" the classifier did not read as cancel: end here, nothing is saved.
            turn.changes[self.confirm_slot] = False
            turn.done = True
            return
        if ff.is_greeting_only(text) and state.get("greeted") != requested:
            # greeted back once per question: a second greeting is read as the answer it stands for
            state["greeted"] = requested
            turn.notes.append(wording.text("utter_form_greeting_back"))
            return
        if requested == self.confirm_slot:
            self._confirm_turn(text, tracker, slots, state, turn)
            return
        if self._name_completed(text, requested, slots, turn):
            return
        if self._fixed_in_answer(text, tracker, requested, slots, turn):
            return
        if ff.is_correction(text) and not self._answers_despite_correction_words(requested, text, tracker, slots, turn) \
                and self._correction(text, tracker, requested, slots, state, turn):
            return
        answer = self._answer_after_question(requested, text, tracker, self._merged(slots, turn)) \
            or self.answer(requested, text, tracker, self._merged(slots, turn))
        if answer.ok:
            self._set(turn, slots, requested, answer.value, say=False)
            turn.changes.update(answer.extra)
            if answer.note:
                turn.notes.append(answer.note)
            self._take_facts(text, tracker, slots, turn, activating=False, skip={requested})
        elif answer.no_strike:
            if answer.note:
                turn.notes.append(answer.note)
        else:
            # Even a failed answer may carry other facts ("gak ada foto" at the location question).
            before = dict(turn.changes)
            self._take_facts(text, tracker, slots, turn, activating=False, skip={requested})
            if turn.changes != before and not answer.value:
                return  # it answered something else: say so and ask again, no strike
            turn.error = answer.error or wording.text("utter_form_answer_unfit")
            turn.error_slot = requested

    def _fixed_in_answer(self, text: str, tracker: Tracker, requested: str, slots: dict[str, Any], turn: Turn) -> bool:
        """An answer that corrects itself ("Dimas Prakoso, eh lengkapnya Dimas Adi Prakoso", "3577...02 eh
        salah, 3577...03", "jl. sogaten 40 rt 1 rw 1, eh rt 2 ding"): the corrected value is the answer.
        Free-text answers keep the whole telling (an officer reads it)."""
        if not (requested in self.name_slots or requested in self.rt_rw_slots
                or requested in ("nik", "complaint_category", "request_document_type")):
            return False  # (free text is read whole; "..., maaf panik" at the photo question is no new answer)
        parts = ff.fixed_in_answer(text)
        if parts is None:
            return False
        first, then = parts
        merged = self._merged(slots, turn)
        candidates = [then]
        if requested in self.rt_rw_slots:
            given = self.answer(requested, first, tracker, merged)
            patched = ff.patch_rt_rw(given.value, then) if given.ok and isinstance(given.value, str) else None
            candidates = [patched] if patched else ([then] if ff.has_rt_rw(then) else [])
        for candidate in candidates:
            answer = self.answer(requested, candidate, tracker, merged)
            if answer.ok:
                self._set(turn, slots, requested, answer.value, say=False)
                turn.changes.update(answer.extra)
                if answer.note:
                    turn.notes.append(answer.note)
                return True
        return False

    def _confirm_turn(self, text: str, tracker: Tracker, slots: dict[str, Any], state: dict[str, Any],
                      turn: Turn) -> None:
        confirm = self.confirm_slot
        if ff.is_affirm(text):
            turn.changes[confirm] = True
            return
        if ff.is_deny(text) and not self._named_field(text):
            turn.changes[confirm] = False
            return
        if ff.opens_with_yes(text) and not self._named_field(text) and not ff.is_correction(text) \
                and not re.search(r"\d", text):
            # "kirim, tp beneran cuma dipake buat surat ini ya" (set 58): yes, and a remark; the remark
            # is no new purpose (it changed the purpose and showed the summary again, 20 times)
            turn.changes[confirm] = True
            return
        before = self._merged(slots, turn)
        if self._correction(text, tracker, confirm, slots, state, turn):
            if self._merged(slots, turn) != before or turn.error or turn.notes:
                return
            # (a "correction" that changes nothing is no answer: it is counted below like any other)
        if ff.is_lenient_affirm(text) or (
                self.failed_answers(tracker, confirm) >= STRIKES_BEFORE_HELP and ff.says_yes_somewhere(text)):
            turn.changes[confirm] = True
            return
        if re.search(r"\b(salah|keliru|lepat|ralat|koreksi|ganti|ubah|perbaiki|revisi)\b", ff.norm(text)):
            # "ada yang salah" without saying what: ask which part; counted like any unfit answer, so the
            # same words again and again end with the help and then an officer, never a loop
            turn.error = wording.text("utter_form_which_part")
            turn.error_slot = confirm
            return
        turn.error = wording.text("utter_form_confirm_again")
        turn.error_slot = confirm

    def _answers_despite_correction_words(self, requested: str, text: str, tracker: Tracker,
                                          slots: dict[str, Any], turn: Turn) -> bool:
        """An answer is an answer: "mbenerke jeneng sing salah ketik nang kk" asked for the purpose
        is the purpose, not a change of the name. Only an explicit new value ("bukan X tapi Y",
        "... jadi Y", "yang benar Y") or the field asked about makes it a correction."""
        named = self._named_field(text)
        if named and named[0] == requested:
            # "3577024910820005 (NIK saya, bukan almarhum)" asked for the NIK (set 60): a field with no
            # value yet cannot be corrected, so it is the answer (it was cleared and asked again, 18 times)
            return self._merged(slots, turn).get(requested) is None \
                and self.answer(requested, text, tracker, self._merged(slots, turn)).ok
        if requested in self.free_text_slots and ff.find_documents(text) and not re.search(
                r"\b(?:salah|keliru|ralat|bukan|dudu|sanes|yang benar|yg bener|yg benar)\b", text, re.IGNORECASE):
            # "ganti alamat ktp ke madiun" asked for the purpose: what the document is for.
            return self.answer(requested, text, tracker, self._merged(slots, turn)).ok
        if ff.new_value_part(text) is not None or re.search(r"\b(?:bukan|dudu|sanes)\b", text, re.IGNORECASE):
            return False
        return self.answer(requested, text, tracker, self._merged(slots, turn)).ok

    # --- corrections -------------------------------------------------------------
    def _named_field(self, text: str) -> tuple[str, int] | None:
        """The first field named in the text ("alamatnya salah" -> applicant_address) and where it ends."""
        best: tuple[int, str, int] | None = None
        for slot, pattern in self.field_words.items():
            match = re.search(pattern, text, re.IGNORECASE)
            if match and (best is None or match.start() < best[0]):
                best = (match.start(), slot, match.end())
        return (best[1], best[2]) if best else None

    def _name_completed(self, text: str, requested: str, slots: dict[str, Any], turn: Turn) -> bool:
        """ "Namanya kurang. Lengkapnya Nur Aini Rahmawati Putri" typed at the NIK question, "nama yg
        bener Annisa pakai n dua" at the confirmation: the name given before, completed or respelt
        (set 41-44's residents), whatever question is open. The open question stays open."""
        for slot in self.name_slots:
            current = self._merged(slots, turn).get(slot)
            if slot == requested or not isinstance(current, str) or not current.strip():
                continue
            value = ff.completed_name(text, current)
            if value and value != current:
                self._set(turn, slots, slot, value, say=True)
                return True
        return False

    def _correction(self, text: str, tracker: Tracker, requested: str, slots: dict[str, Any],
                    state: dict[str, Any], turn: Turn) -> bool:
        """Apply a correction; True when the message was one (handled, with its own reply)."""
        if self._name_completed(text, requested, slots, turn):
            return True
        named = self._named_field(text)
        if named:
            slot, end = named
            if self.answers_despite_question(slot, text):
                # "wait, aku mau anonim aja please, jangan pake nama" at the confirmation (set 53): the
                # change is itself the answer, not a field to clear and ask again
                answer = self.answer(slot, text, tracker, self._merged(slots, turn))
                if answer.ok:
                    self._set(turn, slots, slot, answer.value, say=True)
                    return True
            rest = _CORRECTION_FILLER.sub("", ff.drop_negated(text[end:])).strip(" ,.;")
            if not rest or not ff.words(rest):
                # "bukan 3577...01 tapi 3577...11, salah ketik nik": the new value came before the field's name
                before = ff.new_value_part(text[:end])
                answer = self.answer(slot, before, tracker, self._merged(slots, turn)) if before else None
                if answer is not None and answer.ok:
                    self._set(turn, slots, slot, answer.value, say=True)
                    turn.changes.update(answer.extra)
                    return True
                if self._merged(slots, turn).get(slot) is None:
                    return False  # nothing to clear: not a correction, read as an answer (and counted)
                self._clear(turn, slots, slot)
                turn.notes.append(wording.text("utter_form_field_cleared", field=self.labels.get(slot, slot)))
                return True
            patched = ff.patch_rt_rw(self._merged(slots, turn).get(slot), rest) if slot in self.rt_rw_slots else None
            if patched:  # "alamate kleru, rt 06 dudu rt 05": only the RT/RW changes
                self._set(turn, slots, slot, patched, say=True)
                return True
            if self._swapped(text, [slot], tracker, slots, turn):  # "lokasix salah, pintu barat bkn timur"
                return True
            if slot in self.rt_rw_slots and ff.negates_what_is_not_there(self._merged(slots, turn).get(slot), text[end:]):
                # "alamatnya salah, bukan no 9 tapi no 19" when no "no 9" was taken down (set 61): asked again
                self._clear(turn, slots, slot)
                turn.notes.append(wording.text("utter_form_field_cleared", field=self.labels.get(slot, slot)))
                return True
            rest = ff.new_value_part(ff.drop_negated(text[end:])) or rest  # "lokasinya salah, yang benar ..."
            if slot in self.rt_rw_slots and len(re.findall(r"\b(?:rt|rw)\b", rest, re.IGNORECASE)) >= 3:
                # "alamat salah om, rt nya 4 bukan 2. jl kenanga 17 rt 4 rw 2": what is wrong, then the
                # whole address told again, which is the new value
                # (only an address with its street: "rt 5 rw 3, lapangan voli belakang balai rw" is a
                # place told whole, not an address inside talk)
                address, _ = ff.find_address(rest)
                if address and ff.has_rt_rw(address) and len(address) < len(rest) \
                        and re.search(r"\b" + ff.STREET + r"\b", address, re.IGNORECASE):
                    rest = address
            old = self._merged(slots, turn).get(slot)
            if slot in self.story_slots and isinstance(old, str) and len(ff.words(rest)) < 6 \
                    and len(ff.words(old)) > 2 * len(ff.words(rest)):
                # "maaf deskripsinya ralat, harinya selasa bukan senin" (set 54): a detail of the story
                # corrected, not a new story; the officer reads both
                fix = _RETELL_LEAD.sub("", text[end:].strip(" ,.:;")).strip(" ,.:;") or rest
                self._set(turn, slots, slot, f"{old} (ralat: {fix})", say=True)
                return True
            answer = self.answer(slot, rest, tracker, self._merged(slots, turn))
            if answer.ok:
                self._set(turn, slots, slot, answer.value, say=True)
                turn.changes.update(answer.extra)
                return True
            turn.error = answer.error
            turn.error_slot = slot
            self._clear(turn, slots, slot)
            return True
        # No field named: "rt 06 bukan rt 05" changes the RT of the address given.
        for slot in self.rt_rw_slots:
            patched = ff.patch_rt_rw(self._merged(slots, turn).get(slot), text)
            if patched and (ff.is_correction(text) or re.search(r"\b(eh|maaf|sori|sorry|tetep|tetap)\b", text, re.I)):
                self._set(turn, slots, slot, patched, say=True)
                return True
        # "TPS kilen pasar, sanes wetan": a word of one answer swapped for another.
        if self._swapped(text, [s for s in self.required if s != self.confirm_slot], tracker, slots, turn):
            return True
        # A free-text answer told again with the mistake fixed.
        if ff.is_correction(text) and self._retold(text, tracker, slots, turn):
            return True
        # No field named: the facts in the corrected part decide what changes.
        new_part = ff.new_value_part(text)
        kept = ff.drop_negated(text)
        found = self.facts(new_part or kept, tracker, self._merged(slots, turn), activating=False)
        changed = False
        for slot, (value, _explicit) in found.items():
            if value is not None and self._merged(slots, turn).get(slot) != value and slot in self.required:
                self._set(turn, slots, slot, value, say=True)
                changed = True
        if changed:
            return True
        if new_part:
            # "salah, maksud saya Budi Santoso": the answer just given (or the open question).
            target = requested if requested != self.confirm_slot else state.get("last")
            if target in self.required and target != self.confirm_slot:
                answer = self.answer(target, new_part, tracker, self._merged(slots, turn))
                if answer.ok:
                    self._set(turn, slots, target, answer.value, say=target != requested)
                    turn.changes.update(answer.extra)
                    return True
        return False

    def _swapped(self, text: str, candidates: list[str], tracker: Tracker, slots: dict[str, Any], turn: Turn) -> bool:
        """Every one of these answers in which the text swaps a word ("X bukan Y") takes the swap:
        "bukan dpn toko besi tp dpn bengkel" changes the place where the description also told it
        (set 45 changed only the description and kept the wrong place)."""
        swapped = False
        for slot in candidates:
            current = self._merged(slots, turn).get(slot)
            value = ff.swap_words(current, text) if isinstance(current, str) else None
            if value is None:
                continue
            answer = self.answer(slot, value, tracker, self._merged(slots, turn))
            if answer.ok:
                self._set(turn, slots, slot, answer.value, say=True)
                turn.changes.update(answer.extra)
                swapped = True
        return swapped

    def _retold(self, text: str, tracker: Tracker, slots: dict[str, Any], turn: Turn) -> bool:
        """ "ralat min, lampu jalan yg mati 4 tiang bukan 2": a free-text answer told again with the
        mistake fixed. The answer it shares most words with (two at least) takes the new telling."""
        body = _RETELL_LEAD.sub("", text or "").strip(" ,.;:")
        said = {w for w in ff.words(body) if w not in ff.FILLER and len(w) > 2}
        best: tuple[int, str] | None = None
        for slot in self.free_text_slots:
            current = str(self._merged(slots, turn).get(slot) or "")
            overlap = len(said & {w for w in ff.words(current) if len(w) > 2})
            if current and overlap >= 2 and (best is None or overlap > best[0]):
                best = (overlap, slot)
        if best is None:
            return False
        answer = self.answer(best[1], body, tracker, self._merged(slots, turn))
        if not answer.ok:
            return False
        self._set(turn, slots, best[1], answer.value, say=True)
        return True

    # --- facts ------------------------------------------------------------------
    def _take_facts(self, text: str, tracker: Tracker, slots: dict[str, Any], turn: Turn, activating: bool,
                    skip: set[str] | None = None) -> None:
        found = self.facts(text, tracker, self._merged(slots, turn), activating)
        taken = []
        for slot, (value, explicit) in found.items():
            if value is None or slot in (skip or set()) or slot == self.confirm_slot:
                continue
            current = self._merged(slots, turn).get(slot)
            if current is None:
                turn.changes[slot] = value
                taken.append(slot)
            elif explicit and current != value and not activating:
                self._set(turn, slots, slot, value, say=True)
        if taken and not activating:
            listed = ", ".join(f"{self.labels.get(s, s)} *{self.display(s, turn.changes[s])}*" for s in taken)
            turn.notes.append(wording.text("utter_form_also_noted", listed=listed))
        elif taken and [s for s in taken if s != self.required[0]]:
            # (the document or category is already named by the intro)
            turn.notes.append(wording.text("utter_form_already_noted", listed=", ".join(
                f"{self.labels.get(s, s)} *{self.display(s, turn.changes[s])}*"
                for s in self.required if s in taken and s != self.required[0]
            )))

    def _take_entities(self, tracker: Tracker, slots: dict[str, Any], turn: Turn, only_empty: bool) -> None:
        """The NLU's entities of the opening message. A button's payload carries its answer and always
        counts; in typed text the form's own reading of the words comes first ("isinya ktp ..., mau bikin
        surat kehilangan": the entity is the lost card, the request the letter), so entities only fill
        what that reading left empty (Rasa also validates an activating message twice, the second time
        with the slot already set)."""
        if not only_empty:
            self._take_payload_entities(tracker, slots, turn)
            return
        scratch = Turn()
        self._take_payload_entities(tracker, self._merged(slots, turn), scratch)
        for slot, value in scratch.changes.items():
            if self._merged(slots, turn).get(slot) is None:
                turn.changes[slot] = value

    def _take_payload_entities(self, tracker: Tracker, slots: dict[str, Any], turn: Turn) -> bool:
        """Button payloads ('/inform{"complaint_category": "x"}') carry their answer as entities."""
        return False

    # --- escapes ----------------------------------------------------------------
    def accepts_media(self, slot: str, tracker: Tracker) -> bool:
        return False

    def answers_despite_question(self, slot: str, text: str) -> bool:
        """The reply holds the answer to ``slot`` whatever else it asks ("harus ya pake foto? ga ada,
        lewati aja" at the photo question): it is that answer, not a question to leave for."""
        return False

    def should_escape(self, tracker: Tracker, requested: str, text: str) -> bool:
        """Only an unmistakable change of topic leaves the open question."""
        intent, confidence = latest_intent(tracker)
        if is_payload(text):
            if intent in MEDIA_INTENTS:
                return not self.accepts_media(requested, tracker)
            return intent in ESCAPE_INTENTS
        if intent in MEDIA_INTENTS:
            return not self.accepts_media(requested, tracker)
        switch = tracker.latest_message.get("switch") or {}
        if switch.get("intent") == intent and (intent in self.switches_away or intent in ESCAPE_INTENTS):
            # "ga jadi deh, sy mau bikin sktm aja": this form stops, the other request starts;
            # "eh tak jadi, sy nak tanya syarat akta kematian aja": the question is answered.
            return True
        if intent == "out_of_scope" and (confidence >= 0.5 or tracker.latest_message.get("cue") == "other_agency") \
                and OTHER_AGENCY.search(normalized(text)) \
                and ff.is_question(text) and (requested != "purpose" or HERE.search(normalized(text))):
            # "sebenernya yg sy butuh paspor, itu bisa diurus disini?": answered, then the form goes on
            # ("buat bikin paspor" is a purpose, not a question).
            return True
        if intent not in ESCAPE_INTENTS or confidence < 0.5:
            return False
        if intent == "cancel":
            return ff.is_cancel(text)
        if intent == "request_human":
            return ff.asks_for_officer(text)
        if intent == "check_status":
            # "eh batal, sy mau cek laporan yg kemarin aja ADU-...": a status question, not an answer;
            # "bak sampah sdh penuh 10 hari tdk diambil, belatung kemana mana" told as the description is
            # the story (it left the question and came back to it until the 20-turn limit).
            return bool(TICKET.search(text) or (status_cue(text) and requested not in self.free_text_slots))
        if intent in QUESTION_INTENTS:
            # (set 45: "harus ya pake foto? ga ada, lewati aja" left the photo question for the
            # requirements and came back to it, again and again, until the 20-turn limit)
            return ff.is_question(text) and not self.answers_despite_question(requested, text) \
                and self._answer_after_question(requested, text, tracker) is None
        return False

    def _answer_after_question(self, requested: str, text: str, tracker: Tracker,
                               slots: dict[str, Any] | None = None) -> Answer | None:
        """ "lho kok nama lengkap? kan tadi udah... ya sudah, Dede Kurniawan": a short question back,
        then the answer (set 52). The answer after it when it fits ``requested``; a story at the
        description question is read whole."""
        if requested == self.confirm_slot or requested in self.story_slots:
            return None
        tail = ff.answer_after_counter_question(text)
        if not tail:
            return None
        slots = slots if slots is not None else {s: tracker.get_slot(s) for s in self.form_slots}
        answer = self.answer(requested, tail, tracker, slots)
        return answer if answer.ok else None

    # --- helpers --------------------------------------------------------------------
    def failed_answers(self, tracker: Tracker, slot: str) -> int:
        """How many answers in a row to ``slot`` did not fit (before this one)."""
        state = tracker.get_slot(STATE_SLOT)
        strikes = state.get("strikes") if isinstance(state, dict) and state.get("form") == self.form_name() else None
        return int(strikes.get("n", 0)) if isinstance(strikes, dict) and strikes.get("slot") == slot else 0

    @staticmethod
    def _merged(slots: dict[str, Any], turn: Turn) -> dict[str, Any]:
        return {**slots, **turn.changes}

    def _set(self, turn: Turn, slots: dict[str, Any], slot: str, value: Any, say: bool) -> None:
        old = self._merged(slots, turn).get(slot)
        turn.changes[slot] = value
        if say and old is not None and old != value:
            turn.notes.append(wording.text("utter_form_field_changed", field=self.labels.get(slot, slot),
                                           value=self.display(slot, value)))
        elif say and old is None:
            turn.notes.append(wording.text("utter_form_field_noted", field=self.labels.get(slot, slot),
                                           value=self.display(slot, value)))

    def _clear(self, turn: Turn, slots: dict[str, Any], slot: str) -> None:
        turn.changes[slot] = None
        for extra in self.extra_slots(slot):
            turn.changes[extra] = None

    def _help(self, turn: Turn, slot: str) -> None:
        example = self.example(slot)
        help_name = "utter_form_help_optional" if slot in self.optional else "utter_form_help"
        if example and "contoh" not in (turn.error or "").lower():
            turn.error = f"{turn.error}\n{example}"
        turn.error = f"{turn.error}\n{wording.text(help_name)}"
        turn.help_buttons = wording.buttons(help_name)

    def _say(self, dispatcher: CollectingDispatcher, turn: Turn, next_slot: str | None,
             slots: dict[str, Any]) -> None:
        lines: list[str] = []
        buttons: list[dict[str, str]] = []
        if turn.intro:
            lines.append(turn.intro)
        if turn.resumed:
            lines.append(wording.text("utter_form_resumed", what=self.what))
        lines += turn.notes
        if turn.error:
            lines.append(turn.error)
            if turn.help_buttons is not None:
                buttons = turn.help_buttons
            elif turn.error_slot and next_slot == turn.error_slot:
                buttons = self.question(next_slot, slots)[1]
            elif next_slot:
                text, buttons = self.question(next_slot, slots)
                lines.append(text)
        elif turn.no_question:
            pass
        elif next_slot == self.confirm_slot:
            lines.append(self.summary(slots))
            buttons = wording.buttons("utter_form_confirm")
        elif next_slot:
            text, buttons = self.question(next_slot, slots)
            if next_slot in turn.brief:
                text = self.brief_question(next_slot, turn.brief[next_slot]) or text
            lines.append(text)
        message = "\n".join(line.strip() for line in lines if line and line.strip())
        message = re.sub(r"\n{2,}", "\n", message)
        if not message:
            return
        if buttons:
            dispatcher.utter_message(text=message, buttons=buttons)
        else:
            dispatcher.utter_message(text=message)

