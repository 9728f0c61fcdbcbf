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

from kokom import case_states
from kokom.cases import CaseView

logger = logging.getLogger(__name__)



def _office() -> Any | None:
    try:
        from kokom.office import load_office

        return load_office()
    except Exception:  # noqa: BLE001 - a broken office file must not stop notifications
        logger.exception("office file could not be loaded for a notification")
        return None


def _office_name(cfg: Any | None) -> str:
    return getattr(cfg, "name", None) or "Kelurahan Sogaten"


def document_name(case: CaseView, cfg: Any | None) -> str:
    doc = cfg.document(case.document_type) if cfg is not None and case.document_type else None
    return doc.name if doc else (case.document_type or "dokumen").replace("_", " ")


def category_title(case: CaseView, cfg: Any | None) -> str | None:
    cat = cfg.category(case.category) if cfg is not None and case.category else None
    return cat.title if cat else None


def subject(case: CaseView, cfg: Any | None = None) -> str:
    """"permohonan Surat Keterangan Tidak Mampu" / "pengaduan (Kebersihan)" / "konsultasi"."""
    cfg = cfg if cfg is not None else _office()
    if case.kind == "document":
        return f"permohonan {document_name(case, cfg)}"
    if case.kind == "complaint":
        title = category_title(case, cfg)
        return f"pengaduan ({title})" if title else "pengaduan"
    return "konsultasi"


def _note_line(note: str | None) -> str:
    note = (note or "").strip()
    return f"\n\nCatatan petugas: {note}" if note else ""


def _originals(case: CaseView, cfg: Any | None) -> list[str]:
    doc = cfg.document(case.document_type) if cfg is not None and case.document_type else None
    items = list(doc.originals) if doc else []
    return items or ["KTP-el dan Kartu Keluarga (KK) asli"]


def _hours(cfg: Any | None) -> str:
    if cfg is None:
        return "pada jam layanan kantor kelurahan"
    try:
        from kokom.hours import weekly_schedule_text

        return weekly_schedule_text(cfg)
    except Exception:  # noqa: BLE001
        logger.exception("weekly schedule could not be formatted")
        return "pada jam layanan kantor kelurahan"


def status_message(case: CaseView, note: str | None = None, cfg: Any | None = None) -> str:
    """The resident-facing text for ``case`` having just moved to ``case.status``."""
    cfg = cfg if cfg is not None else _office()
    office = _office_name(cfg)
    what = subject(case, cfg)
    ticket = f"*{case.ticket}*"
    final = case_states.is_final(case.kind, case.status)
    note_text = _note_line(note) if final else ""
    status = case.status

    if case.kind == "document":
        doc = document_name(case, cfg)
        if status == "diperiksa":
            body = (f"Permohonan Bapak/Ibu nomor {ticket} ({doc}) sedang *diperiksa* "
                    f"oleh petugas {office}. Kami kabari lagi bila dokumen sudah siap.")
        elif status == "siap_diambil":
            originals = "\n".join(f"• {item}" for item in _originals(case, cfg))
            body = (
                f"Kabar baik! Dokumen {doc} dengan nomor permohonan {ticket} "
                f"*siap diambil* di kantor {office}.\n\n"
                f"Mohon membawa dokumen asli berikut:\n{originals}\n\n"
                f"Silakan datang pada jam layanan:\n{_hours(cfg)}\n\n"
                f"Sebutkan nomor permohonan {ticket} kepada petugas."
            )
            if (note or "").strip():
                body += _note_line(note)
        elif status == "sudah_diambil":
            body = (f"Dokumen {doc} dengan nomor permohonan {ticket} tercatat *sudah diambil*. "
                    f"Terima kasih telah menggunakan layanan {office}.{note_text}")
        elif status == "ditolak":
            body = (f"Mohon maaf, {what} nomor {ticket} *tidak dapat diproses*.{note_text}\n\n"
                    "Bapak/Ibu dapat mengajukan permohonan baru setelah melengkapi persyaratan, "
                    "atau membalas pesan ini untuk bertanya.")
        else:
            body = f"Status {what} nomor {ticket} kini: *{case_states.label(status)}*.{note_text}"
    elif case.kind == "complaint":
        if status == "diproses":
            title = category_title(case, cfg)
            about = f" ({title})" if title else ""
            body = (f"Pengaduan Bapak/Ibu nomor {ticket}{about} sedang *diproses* "
                    f"oleh petugas {office}. Terima kasih atas laporannya.")
        elif status == "selesai":
            body = (f"Pengaduan Bapak/Ibu nomor {ticket} telah *selesai* ditindaklanjuti.{note_text}\n\n"
                    f"Terima kasih telah ikut menjaga lingkungan {office}.")
        elif status == "ditolak":
            body = (f"Mohon maaf, pengaduan Bapak/Ibu nomor {ticket} *tidak dapat ditindaklanjuti* "
                    f"oleh kelurahan.{note_text}")
        else:
            body = f"Status pengaduan nomor {ticket} kini: *{case_states.label(status)}*.{note_text}"
    else:
        if status == "ditangani":
            body = f"Konsultasi Bapak/Ibu nomor {ticket} sedang *ditangani* petugas {office}."
        elif status == "selesai":
            body = f"Konsultasi Bapak/Ibu nomor {ticket} telah *selesai*.{note_text}"
        else:
            body = f"Status konsultasi nomor {ticket} kini: *{case_states.label(status)}*.{note_text}"
    return f"{body}\n\n— Petugas {office}"


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
