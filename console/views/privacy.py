"""Admin: a resident's data on request (UU 27/2022 PDP) and the retention simulation
(blueprint ``pdp``, ``/admin/data-pribadi``).

- export: the ZIP of :func:`kokom.pdp.export_resident` (audited);
- erasure: the number typed twice and the admin's own password again, then
  :func:`kokom.pdp.erase_resident` (audited; cases stay as statistics without the person);
- retention: what ``make retention`` would remove now (a dry run; the real run is the
  scheduled command, docs/deploy.md).
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from console import auth
from console.views.common import admin_required, client_ip, me
from kokom import pdp
from kokom.validators import mask_phone, normalize_wa_id

pdp_bp = Blueprint("pdp", __name__, url_prefix="/admin/data-pribadi")


def _number(field: str) -> str | None:
    return normalize_wa_id((request.form.get(field) or "").strip()[:32])


@pdp_bp.route("/", methods=["GET"])
@admin_required
def index():  # type: ignore[no-untyped-def]
    return render_template("admin_privacy.html", report=None)


@pdp_bp.route("/ekspor", methods=["POST"])
@admin_required
def export():  # type: ignore[no-untyped-def]
    wa_id = _number("wa_id")
    if not wa_id:
        flash("Nomor WhatsApp tidak valid.", "error")
        return redirect(url_for("pdp.index"))
    try:
        result = pdp.export_resident(wa_id, actor=me(), ip=client_ip())
    except pdp.PdpError as exc:
        flash(str(exc), "error")
        return redirect(url_for("pdp.index"))
    name = f"data-warga-{mask_phone(wa_id).replace('*', 'x')}.zip"
    return Response(result.data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@pdp_bp.route("/hapus", methods=["POST"])
@admin_required
def erase():  # type: ignore[no-untyped-def]
    wa_id, again = _number("wa_id"), _number("wa_id_confirm")
    if not wa_id or wa_id != again:
        flash("Nomor dan ulangannya harus sama dan valid. Tidak ada yang dihapus.", "error")
        return redirect(url_for("pdp.index"))
    check = auth.login(me(), request.form.get("password") or "", client_ip(), purpose="verifikasi")
    if not check.ok:
        flash("Kata sandi Anda salah" + (" (terlalu banyak percobaan, tunggu sebentar)" if check.blocked else "")
              + ". Tidak ada yang dihapus.", "error")
        return redirect(url_for("pdp.index"))
    try:
        counts = pdp.erase_resident(wa_id, actor=me(), ip=client_ip())
    except pdp.PdpError as exc:
        flash(str(exc), "error")
        return redirect(url_for("pdp.index"))
    summary = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items() if v)
    flash(f"Data warga {mask_phone(wa_id)} dihapus ({summary}).", "success")
    return redirect(url_for("pdp.index"))


@pdp_bp.route("/retensi", methods=["POST"])
@admin_required
def retention_preview():  # type: ignore[no-untyped-def]
    report = pdp.retention(dry_run=True)
    return render_template("admin_privacy.html", report=report)
