"""Satisfaction ratings per case and the optional IKM survey over WhatsApp (issue 11).

The one place for the concept: the question and its list (Sangat puas .. Tidak puas, payload
``/rate{"rating": N, "ticket_id": T}``), the rule "asked at most once per case" (a
``rating_requests`` row, unique per case, created before sending), storing the answer as a
:class:`~kokom.models.Feedback` linked to the case, the handoff and the officer, and the
PermenPANRB 14/2017 survey (one question at a time, state in ``ikm_responses``; payload
``/rate{"rating": 1-4, "feedback_kind": "ikm"}``). The console sends the questions (it
knows the officer and records the message); the assistant's ``action_save_rating``
stores the answers; the WhatsApp channel turns a typed reply ("bagus", "3", "lumayan")
to a question just asked into the same payload (:func:`typed_payload`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kokom import case_states, ikm, wording
from kokom.cases import get_or_create_resident
from kokom.db import run_in_transaction
from kokom.models import Case, Feedback, Handoff, IkmResponse, RatingRequest, Resident, utcnow

__all__ = [
    "RATING_CHOICES",
    "RatingOutcome",
    "answer_survey",
    "attach_comment",
    "forget_request",
    "open_request",
    "question_text",
    "rating_buttons",
    "record_rating",
    "start_survey",
    "survey_buttons",
    "survey_due",
    "survey_question_text",
    "typed_payload",
]

RATING_CHOICES: tuple[tuple[int, str], ...] = (
    (5, "Sangat puas"), (4, "Puas"), (3, "Cukup"), (2, "Kurang puas"), (1, "Tidak puas"),
)
TYPED_WINDOW = timedelta(hours=24)  # a typed reply counts as the answer only this long after asking
COMMENT_WINDOW = timedelta(hours=2)

# Domain responses (kokom.wording) of the rating and the survey.
THANKS = "utter_rating_thanks"
ALREADY = "utter_rating_already"
NOT_FOUND = "utter_rating_not_found"
SURVEY_OFFER = "utter_survey_offer"
SURVEY_DONE = "utter_survey_done"
SURVEY_STOPPED = "utter_survey_stopped"
SURVEY_DECLINED = "utter_survey_declined"


def _rate_payload(rating: int, **entities: str) -> str:
    return "/rate" + json.dumps({"rating": rating, **entities}, ensure_ascii=False)


def question_text(kind: str, ticket: str) -> str:
    if kind == "consultation":
        return wording.text("utter_rating_question_consultation")
    if kind in ("complaint", "document"):
        return wording.text(f"utter_rating_question_{kind}", ticket=ticket)
    return wording.text("utter_rating_question_other", ticket=ticket)


def rating_buttons(ticket: str) -> list[dict[str, str]]:
    stars = {5: "⭐⭐⭐⭐⭐", 4: "⭐⭐⭐⭐", 3: "⭐⭐⭐", 2: "⭐⭐", 1: "⭐"}
    return [{"title": f"{stars[n]} {label}", "payload": _rate_payload(n, ticket_id=ticket)} for n, label in RATING_CHOICES]


def open_request(sender_id: str, ticket: str, officer: str | None, handoff_id: int | None = None) -> bool:
    """Remember that the rating question for ``ticket`` is being sent; False when it was asked
    before (a resident who ignored it is not asked again) or the case is not the sender's."""

    def work(session: Session) -> bool:
        case = session.execute(
            select(Case).join(Resident).where(Case.ticket == ticket, Resident.wa_id == sender_id)
        ).scalar_one_or_none()
        if case is None:
            return False
        if session.execute(select(RatingRequest.id).where(RatingRequest.case_id == case.id)).first():
            return False
        session.add(RatingRequest(resident_id=case.resident_id, case_id=case.id, handoff_id=handoff_id,
                                  officer=officer))
        session.flush()
        return True

    try:
        return run_in_transaction(work)
    except IntegrityError:  # asked at the same moment by another request
        return False


def forget_request(ticket: str) -> None:
    """The question could not be sent: it may be asked again later."""

    def work(session: Session) -> None:
        req = session.execute(
            select(RatingRequest).join(Case, Case.id == RatingRequest.case_id)
            .where(Case.ticket == ticket, RatingRequest.answered_at.is_(None))
        ).scalar_one_or_none()
        if req is not None:
            session.delete(req)

    run_in_transaction(work)


@dataclass(frozen=True)
class RatingOutcome:
    status: str  # saved | duplicate | not_found
    message: str
    feedback_id: int | None = None
    case_kind: str | None = None
    case_id: int | None = None


def record_rating(sender_id: str, rating: int, ticket: str | None = None) -> RatingOutcome:
    """Store a 1-5 rating for the sender's case ``ticket`` (or the latest question asked).

    The first answer counts, however late; a second one replaces nothing. A ticket that is
    not the sender's is ignored. A rating without any question (an old button) is kept
    linked to the latest closed handoff, as before.
    """
    if not 1 <= rating <= 5:
        raise ValueError("rating must be 1-5")

    def work(session: Session) -> RatingOutcome:
        resident = get_or_create_resident(session, sender_id)
        query = select(RatingRequest, Case).join(Case, Case.id == RatingRequest.case_id).where(
            RatingRequest.resident_id == resident.id)
        if ticket:
            found = session.execute(select(Case).where(Case.ticket == ticket)).scalar_one_or_none()
            if found is None or found.resident_id != resident.id:
                return RatingOutcome("not_found", wording.text(NOT_FOUND))
            row = session.execute(query.where(RatingRequest.case_id == found.id)).first()
            if row is None and not case_states.is_final(found.kind, found.status):
                return RatingOutcome("not_found", wording.text(NOT_FOUND))  # nothing to rate yet
            if row is None:  # a finished case rated without being asked (an older question): keep it, once
                session.add(RatingRequest(resident_id=resident.id, case_id=found.id, officer=None))
                session.flush()
                row = session.execute(query.where(RatingRequest.case_id == found.id)).first()
        else:
            row = session.execute(query.where(RatingRequest.answered_at.is_(None))
                                  .order_by(RatingRequest.asked_at.desc(), RatingRequest.id.desc())).first()
            if row is None:
                closed = session.execute(
                    select(Handoff).where(Handoff.sender_id == sender_id, Handoff.status == "closed")
                    .order_by(Handoff.id.desc())).scalars().first()
                if closed is not None and session.execute(
                        select(Feedback.id).where(Feedback.handoff_id == closed.id, Feedback.rating.isnot(None))).first():
                    return RatingOutcome("duplicate", wording.text(ALREADY))
                item = Feedback(resident_id=resident.id, rating=rating, handoff_id=closed.id if closed else None,
                                officer=closed.claimed_by if closed else None,
                                case_id=closed.case_id if closed else None)
                session.add(item)
                session.flush()
                return RatingOutcome("saved", wording.text(THANKS), item.id, "consultation" if closed else None,
                                     closed.case_id if closed else None)
        req, case = row
        if req.answered_at is not None:
            return RatingOutcome("duplicate", wording.text(ALREADY), req.feedback_id, case.kind, case.id)
        officer = req.officer
        if officer is None and req.handoff_id is not None:
            officer = session.get(Handoff, req.handoff_id).claimed_by
        item = Feedback(resident_id=resident.id, rating=rating, handoff_id=req.handoff_id, case_id=case.id,
                        officer=officer)
        session.add(item)
        session.flush()
        req.answered_at = utcnow()
        req.feedback_id = item.id
        return RatingOutcome("saved", wording.text(THANKS), item.id, case.kind, case.id)

    return run_in_transaction(work)


def attach_comment(sender_id: str, text: str) -> bool:
    """A suggestion written just after a rating becomes that rating's comment."""
    text = (text or "").strip()
    if not text:
        return False

    def work(session: Session) -> bool:
        since = utcnow() - COMMENT_WINDOW
        fb = session.execute(
            select(Feedback).join(Resident).where(
                Resident.wa_id == sender_id, Feedback.rating.isnot(None), Feedback.text.is_(None),
                Feedback.created_at >= since).order_by(Feedback.id.desc())
        ).scalars().first()
        if fb is None:
            return False
        fb.text = text[:2000]
        return True

    return run_in_transaction(work)


# --- the IKM survey ----------------------------------------------------------------------

def survey_due(sender_id: str, case_kind: str | None) -> bool:
    """Offer the survey? (office settings: offered, after which kinds, at most how often)."""
    from kokom.office import load_office

    settings = load_office().monitoring
    if not settings.survey_offered or (case_kind or "consultation") not in settings.survey_after:
        return False

    def work(session: Session) -> bool:
        since = utcnow() - timedelta(days=settings.survey_min_days_between)
        recent = session.execute(
            select(IkmResponse.id).join(Resident, Resident.id == IkmResponse.resident_id)
            .where(Resident.wa_id == sender_id, IkmResponse.started_at >= since)
        ).first()
        return recent is None

    return run_in_transaction(work)


def survey_buttons() -> list[dict[str, str]]:
    return [
        {"title": wording.text("utter_survey_button_start"), "payload": _rate_payload(0, feedback_kind="ikm_mulai")},
        {"title": wording.text("utter_survey_button_comment"), "payload": "/give_feedback"},
        {"title": wording.text("utter_survey_button_later"), "payload": _rate_payload(0, feedback_kind="ikm_tidak")},
    ]


def survey_question_text(element: ikm.Element) -> str:
    number = ikm.ELEMENT_KEYS.index(element.key) + 1
    options = "\n".join(f"{i}. {w}" for i, w in enumerate(element.answers, start=1))
    return f"Survei {number}/9 — {element.question}\n{options}"


def survey_question_buttons(element: ikm.Element) -> list[dict[str, str]]:
    rows = [{"title": title, "payload": _rate_payload(i, feedback_kind="ikm")}
            for i, title in reversed(list(enumerate(element.short, start=1)))]
    return rows + [{"title": wording.text("utter_survey_button_stop"), "payload": _rate_payload(0, feedback_kind="ikm_berhenti")}]


def _element(key: str | None) -> ikm.Element | None:
    return next((e for e in ikm.ELEMENTS if e.key == key), None)


def start_survey(sender_id: str, case_id: int | None = None) -> ikm.Element | None:
    """Begin a survey (or continue the one running); the first question to ask."""

    def work(session: Session) -> ikm.Element | None:
        resident = get_or_create_resident(session, sender_id)
        running = session.execute(
            select(IkmResponse).where(IkmResponse.resident_id == resident.id, IkmResponse.status == "berjalan")
            .order_by(IkmResponse.id.desc())).scalars().first()
        if running is not None:
            return _element(running.asked)
        session.add(IkmResponse(resident_id=resident.id, case_id=case_id, asked="u1", status="berjalan"))
        return ikm.ELEMENTS[0]

    return run_in_transaction(work)


def answer_survey(sender_id: str, score: int | None) -> tuple[str, ikm.Element | None]:
    """Record the answer to the current question (``None``: the resident stops).

    Returns (state, next question): ("next", element), ("done", None), ("stopped", None)
    or ("none", None) when no survey is running.
    """

    def work(session: Session) -> tuple[str, ikm.Element | None]:
        running = session.execute(
            select(IkmResponse).join(Resident, Resident.id == IkmResponse.resident_id)
            .where(Resident.wa_id == sender_id, IkmResponse.status == "berjalan")
            .order_by(IkmResponse.id.desc())).scalars().first()
        if running is None or running.asked not in ikm.ELEMENT_KEYS:
            return "none", None
        running.updated_at = utcnow()
        if score is None:
            running.status, running.asked = "berhenti", None
            return "stopped", None
        if not 1 <= score <= 4:
            return "next", _element(running.asked)
        setattr(running, running.asked, score)
        index = ikm.ELEMENT_KEYS.index(running.asked)
        if index + 1 >= len(ikm.ELEMENT_KEYS):
            running.status, running.asked = "selesai", None
            return "done", None
        running.asked = ikm.ELEMENT_KEYS[index + 1]
        return "next", ikm.ELEMENTS[index + 1]

    return run_in_transaction(work)


_STOP_WORDS = {"stop", "berhenti", "sudah", "udah", "cukup sekian", "batal", "skip", "lewati"}


def typed_payload(sender_id: str, text: str) -> str | None:
    """A typed reply to a rating or survey question asked in the last 24 hours, as the payload
    its button would have sent; None for anything else (it goes to the assistant unchanged)."""
    if not text or text.startswith("/"):
        return None

    def work(session: Session) -> str | None:
        since = utcnow() - TYPED_WINDOW
        survey = session.execute(
            select(IkmResponse).join(Resident, Resident.id == IkmResponse.resident_id)
            .where(Resident.wa_id == sender_id, IkmResponse.status == "berjalan", IkmResponse.updated_at >= since)
            .order_by(IkmResponse.id.desc())).scalars().first()
        if survey is not None and survey.asked in ikm.ELEMENT_KEYS:
            if " ".join(text.lower().split()) in _STOP_WORDS:
                return _rate_payload(0, feedback_kind="ikm_berhenti")
            score = ikm.parse_score(text, _element(survey.asked), scale=4)
            return _rate_payload(score, feedback_kind="ikm") if score else None
        row = session.execute(
            select(Case.ticket).join(RatingRequest, RatingRequest.case_id == Case.id)
            .join(Resident, Resident.id == RatingRequest.resident_id)
            .where(Resident.wa_id == sender_id, RatingRequest.answered_at.is_(None), RatingRequest.asked_at >= since)
            .order_by(RatingRequest.asked_at.desc(), RatingRequest.id.desc())).first()
        if row is None:
            return None
        score = ikm.parse_score(text, None, scale=5)
        return _rate_payload(score, ticket_id=row[0]) if score else None

    return run_in_transaction(work)


def wants_rating(kind: str, status: str) -> bool:
    """Complaints and document requests are rated when they reach a final status."""
    return kind in ("complaint", "document") and case_states.is_final(kind, status)
