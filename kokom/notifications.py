"""What a resident is told over WhatsApp when an officer changes a case's status.

:func:`status_message` builds the Indonesian text for each kind and status
(ticket, the document's name or the complaint's category, and the officer's
note for final states; "siap diambil" lists the originals to bring and the
service hours). :func:`notify_status_change` sends it: as a normal text while
the 24-hour customer-service window is open, otherwise as the approved
template (WhatsApp refuses free text outside the window).

Sending never raises: a failure comes back as ``SendResult(ok=False, error=...)``
so the console can show it. Nothing here logs a NIK.
"""
from __future__ import annotations

import logging
from typing import Any

from kokom import case_states, wording
from kokom.cases import CaseView

logger = logging.getLogger(__name__)



def _office() -> Any:
    """The office settings; a broken file raises (the console shows the failed send)."""
    from kokom.office import load_office

    return load_office()


def document_name(case: CaseView, cfg: Any) -> str:
    doc = cfg.document(case.document_type) if case.document_type else None
    return doc.name if doc else (case.document_type or "dokumen").replace("_", " ")


def category_title(case: CaseView, cfg: Any) -> str | None:
    cat = cfg.category(case.category) if case.category else None
    return cat.title if cat else None


def subject(case: CaseView, cfg: Any | None = None) -> str:
    """"permohonan Surat Keterangan Tidak Mampu" / "pengaduan (Kebersihan)" / "konsultasi"."""
    cfg = cfg if cfg is not None else _office()
    if case.kind == "document":
        return wording.text("utter_subject_document", document=document_name(case, cfg))
    if case.kind == "complaint":
        title = category_title(case, cfg)
        if title:
            return wording.text("utter_subject_complaint_category", category=title)
        return wording.text("utter_subject_complaint")
    return wording.text("utter_subject_consultation")


def _originals(case: CaseView, cfg: Any) -> list[str]:
    doc = cfg.document(case.document_type) if case.document_type else None
    items = list(doc.originals) if doc else []
    return items or [wording.text("utter_status_default_originals")]


# Statuses with their own sentence, per kind; any other status gets utter_status_<kind>_other.
_WORDED = {
    "document": ("diperiksa", "siap_diambil", "sudah_diambil", "ditolak"),
    "complaint": ("diproses", "selesai", "ditolak"),
    "consultation": ("ditangani", "selesai"),
}


def status_message(case: CaseView, note: str | None = None, cfg: Any | None = None) -> str:
    """The resident-facing text for ``case`` having just moved to ``case.status``."""
    from kokom.hours import weekly_schedule_text

    cfg = cfg if cfg is not None else _office()
    kind = case.kind if case.kind in _WORDED else "consultation"
    status = case.status
    note = (note or "").strip()
    final = case_states.is_final(case.kind, status)
    values = {
        "ticket": f"*{case.ticket}*",
        "what": subject(case, cfg),
        "status": case_states.label(status),
        "note": wording.text("utter_status_note", note=note) if note and (final or status == "siap_diambil") else "",
    }
    if kind == "document":
        values["document"] = document_name(case, cfg)
    if status == "siap_diambil":
        values["originals"] = "\n".join(f"• {item}" for item in _originals(case, cfg))
        values["hours"] = weekly_schedule_text(cfg)
    if kind == "complaint":
        title = category_title(case, cfg)
        values["about"] = f" ({title})" if title else ""
    name = f"utter_status_{kind}_{status}" if status in _WORDED[kind] else f"utter_status_{kind}_other"
    body = wording.text(name, **values)
    return f"{body}\n\n{wording.text('utter_status_signature')}"


def template_params(case: CaseView, note: str | None = None, cfg: Any | None = None) -> list[str]:
    """What a case-update template with variables would carry: ticket, subject, status.

    Not sent today (the approved template has no variables); the console shows
    it in the conversation history so officers know what the template stood for.
    """
    cfg = cfg if cfg is not None else _office()
    status = case_states.label(case.status)
    if case_states.is_final(case.kind, case.status) and (note or "").strip():
        status = f"{status} ({(note or '').strip()[:200]})"
    elif case.status == "siap_diambil":
        status = f"{status}; bawa dokumen asli: {', '.join(_originals(case, cfg))}"
    return [case.ticket, subject(case, cfg), status]


def notify_status_change(case_view: CaseView, note: str | None = None, *, sent_by: str | None = None) -> Any:
    """Tell the resident about the case's new status over WhatsApp; returns a SendResult."""
    from kokom.whatsapp import outbound

    cfg = _office()
    wa_id = case_view.sender_id
    try:
        if outbound.within_service_window(wa_id):
            return outbound.send_text_sync(wa_id, status_message(case_view, note, cfg), sent_by=sent_by)
        # The approved template (WHATSAPP_TEMPLATE_NAME) is the channel's generic one
        # without variables, as its own 131047 fallback sends it: it invites the
        # resident to write back, and the assistant then tells the status.
        return outbound.send_template_sync(wa_id, params=None, sent_by=sent_by)
    except Exception as exc:  # noqa: BLE001 - report, never raise into the console
        logger.exception("status notification for %s failed", case_view.ticket)
        from kokom.whatsapp.transport import SendResult

        return SendResult.failed(f"Pengiriman gagal: {type(exc).__name__}: {exc}")


__all__ = ["notify_status_change", "status_message", "subject", "template_params"]
