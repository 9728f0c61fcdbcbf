"""Cases: list with filters, CSV export, case page, status changes, audited reveals (blueprint ``cases``)."""
from __future__ import annotations

import mimetypes
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from console import auth, chat, queries
from kokom.privacy import mask_niks
from kokom import case_states, handoffs
from kokom.models import utcnow
from console.views.conversations import conversation_data, media_dir
from console.views.common import admin_required, client_ip, me, _ticket

cases_bp = Blueprint("cases", __name__, url_prefix="/kasus")



def _category_options() -> list[tuple[str, str]]:
    try:
        from kokom.office import load_office

        cfg = load_office()
    except Exception:  # noqa: BLE001
        return []
    options = [(c.key, f"Pengaduan: {c.title}") for c in cfg.complaint_categories]
    options += [(key, f"Dokumen: {doc.name}") for key, doc in cfg.documents.items()]
    return options


@cases_bp.route("/")
def list_cases():  # type: ignore[no-untyped-def]
    filters = queries.CaseFilters.from_args(request.args)
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    rows, total = queries.list_cases(filters, page)
    pages = max(1, (total + queries.PER_PAGE - 1) // queries.PER_PAGE)
    return render_template(
        "cases.html", rows=rows, total=total, page=page, pages=pages, filters=filters,
        args=filters.as_args(), statuses=queries.all_statuses(), categories=_category_options(),
        counts=queries.counts_by_kind_status(),
    )


@cases_bp.route("/ekspor.csv")
def export_cases():  # type: ignore[no-untyped-def]
    filters = queries.CaseFilters.from_args(request.args)
    body = queries.export_csv(filters)
    args = {k: (mask_niks(v) if isinstance(v, str) else v) for k, v in filters.as_args().items()}
    auth.audit(me(), "kasus.ekspor", None, str(args), client_ip())
    name = f"kasus-kokom-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@cases_bp.route("/<ticket>")
def case_page(ticket: str):  # type: ignore[no-untyped-def]
    ticket = _ticket(ticket)
    detail = queries.case_detail(ticket)
    if detail is None:
        abort(404)
    return _render_case(detail)


def _render_case(detail: dict[str, Any], revealed: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    case = detail["case"]
    office = None
    try:
        from kokom.office import load_office

        office = load_office()
    except Exception:  # noqa: BLE001
        pass
    photo_rel = chat.media_relpath(case.photo_path, media_dir()) if case.photo_path else None
    anonymous = detail["anonymous"]
    # An anonymous complaint's page has no way to the resident: no number, no transcript,
    # no take-over (only an admin's audited reveal).
    active = None if anonymous else handoffs.active_for_sender(case.sender_id)
    consult_locked = case.kind == "consultation" and active is not None and active.ticket == case.ticket
    return render_template(
        "case.html", detail=detail, case=case, office=office, photo_rel=photo_rel,
        photo_is_image=(mimetypes.guess_type(photo_rel or "")[0] or "").startswith("image/"),
        active=active, consult_locked=consult_locked, final_states=case_states.MACHINES[case.kind].final,
        data=None if anonymous else conversation_data(case.sender_id), anonymous=anonymous,
        revealed=revealed, reveal_min=REVEAL_REASON_MIN,
    )


REVEAL_REASON_MIN = 10


@cases_bp.route("/<ticket>/pelapor", methods=["POST"])
@admin_required
def reveal_reporter(ticket: str):  # type: ignore[no-untyped-def]
    """An admin reveals an anonymous reporter, with a stated reason; the look is audited."""
    ticket = _ticket(ticket)
    detail = queries.case_detail(ticket)
    if detail is None or not detail["anonymous"]:
        abort(404)
    reason = " ".join((request.form.get("reason") or "").split())[:500]
    if len(reason) < REVEAL_REASON_MIN:
        flash(f"Tuliskan alasan membuka identitas pelapor (minimal {REVEAL_REASON_MIN} karakter).", "error")
        return redirect(url_for("cases.case_page", ticket=ticket))
    identity = queries.reporter_identity(ticket)
    if identity is None:
        abort(404)
    # The audit names the case and the reason, never the identity revealed.
    auth.audit(me(), "kasus.buka_pelapor", ticket, f"alasan: {mask_niks(reason)}", client_ip())
    return _render_case(detail, revealed=identity)


@cases_bp.route("/<ticket>/status", methods=["POST"])
def change_status(ticket: str):  # type: ignore[no-untyped-def]
    from kokom.cases import change_status as do_change
    from kokom.notifications import notify_status_change, status_message, template_params

    ticket = _ticket(ticket)
    target = url_for("cases.case_page", ticket=ticket)
    detail = queries.case_detail(ticket)
    if detail is None:
        abort(404)
    case = detail["case"]
    new_status = (request.form.get("status") or "").strip()
    note = (request.form.get("note") or "").strip()
    active = None if detail["anonymous"] else handoffs.active_for_sender(case.sender_id)
    if case.kind == "consultation" and active is not None and active.ticket == case.ticket:
        flash("Konsultasi ini masih terhubung dengan percakapan aktif: selesaikan lewat halaman percakapan.", "error")
        return redirect(target)
    try:
        updated = do_change(ticket, new_status, actor=me(), note=note or None)
    except case_states.TransitionError as exc:
        flash(str(exc), "error")
        return redirect(target)
    auth.audit(me(), "kasus.status", ticket, f"{case.status} -> {new_status}", client_ip())
    result = notify_status_change(updated, note or None, sent_by=me())
    text = status_message(updated, note or None) if not result.used_template else (
        "[Template resmi, jendela 24 jam tertutup] Pembaruan " + " | ".join(template_params(updated, note or None)))
    chat.record_notification(updated.sender_id, me(), text, result)
    flash(f"Status {ticket} diubah menjadi '{case_states.label(new_status)}'.", "success")
    if result.ok:
        how = "template (jendela 24 jam tertutup)" if result.used_template else "pesan WhatsApp"
        flash(f"Warga sudah diberi tahu lewat {how}.", "success")
    else:
        flash(f"Notifikasi ke warga GAGAL terkirim: {result.error or 'tanpa keterangan'}", "error")
    from kokom.ratings import wants_rating

    if result.ok and not result.used_template and wants_rating(updated.kind, updated.status):
        # Issue 11: the resident is asked once to rate the finished case (inside the 24-hour window).
        for warning in chat.ask_rating(updated.sender_id, me(), updated.ticket, updated.kind):
            flash(warning, "error")
    return redirect(target)


@cases_bp.route("/<ticket>/nik", methods=["POST"])
def reveal_nik(ticket: str):  # type: ignore[no-untyped-def]
    """The full NIK for processing a document request; every look is audited."""
    ticket = _ticket(ticket)
    nik = queries.full_nik(ticket)
    if nik is None:
        abort(404)
    auth.audit(me(), "kasus.lihat_nik", ticket, None, client_ip())
    return jsonify(ok=True, nik=nik)


# ---------------------------------------------------------------------------
# Admin: officers, canned replies, audit log
# ---------------------------------------------------------------------------

