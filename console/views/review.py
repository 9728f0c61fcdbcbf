"""The maintainers' pages (blueprint ``review``, roles admin and pemelihara): the review queue of
misunderstood messages, decisions, evaluation reports, retrain/deploy/rollback in the background.
Officers of every role may flag a message from a transcript ("Asisten salah paham")."""
from __future__ import annotations

import re
import time
from functools import wraps
from typing import Any, Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from console import model_jobs
from console.views.common import _sender, client_ip, me
from kokom import doc_names, model_ops, review
from kokom.console_tables import MAINTAINER_ROLES
from kokom.db import run_in_transaction

review_bp = Blueprint("review", __name__, url_prefix="/ulasan")


def maintainer_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        if not current_user.is_authenticated or current_user.role not in MAINTAINER_ROLES:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def is_maintainer() -> bool:
    return current_user.is_authenticated and current_user.role in MAINTAINER_ROLES


@review_bp.app_context_processor
def _nav() -> dict[str, Any]:
    return {"is_maintainer": is_maintainer}


@review_bp.route("")
@maintainer_required
def queue():  # type: ignore[no-untyped-def]
    try:
        since = time.time() - review.WINDOW_DAYS * 86400
        groups = run_in_transaction(lambda s: review.queue(s, since=since))
        error = None
    except Exception as exc:  # noqa: BLE001 - the tracker store unreachable: say so, keep the page
        groups, error = [], f"Riwayat percakapan tidak dapat dibaca: {type(exc).__name__}"
    return render_template("review.html", groups=groups[:200], total=len(groups), error=error,
                           intents=review.assignable_intents(), doc_types=sorted(doc_names.keys()),
                           decided=run_in_transaction(review.decided)[:100], reasons=review.REASONS)


def _span(text: str, surface: str) -> dict[str, int] | None:
    surface = (surface or "").strip()
    if not surface:
        return None
    m = re.search(rf"(?<!\w){re.escape(surface)}(?!\w)", text, flags=re.IGNORECASE)
    if m is None:
        raise review.ReviewError(f"'{surface}' tidak ditemukan sebagai kata utuh di pesan.")
    return {"start": m.start(), "end": m.end()}


@review_bp.route("/tetapkan", methods=["POST"])
@maintainer_required
def assign():  # type: ignore[no-untyped-def]
    text = (request.form.get("text") or "").strip()
    intent = request.form.get("intent") or ""
    count = request.form.get("count", type=int) or 0
    try:
        entities = []
        span = _span(text, request.form.get("doc_surface") or "")
        if span is not None:
            entities.append({**span, "value": request.form.get("doc_value") or ""})
        run_in_transaction(lambda s: review.assign(s, text, intent, me(), entities=entities, count=count,
                                                   ip=client_ip()))
    except review.ReviewError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Ditetapkan sebagai {intent}: {text}", "success")
    return redirect(url_for("review.queue"))


@review_bp.route("/abaikan", methods=["POST"])
@maintainer_required
def dismiss():  # type: ignore[no-untyped-def]
    text = (request.form.get("text") or "").strip()
    try:
        run_in_transaction(lambda s: review.dismiss(s, text, me(), count=request.form.get("count", type=int) or 0,
                                                    ip=client_ip()))
    except review.ReviewError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Diabaikan: {text}", "success")
    return redirect(url_for("review.queue"))


@review_bp.route("/keputusan/<int:decision_id>/batalkan", methods=["POST"])
@maintainer_required
def revoke(decision_id: int):  # type: ignore[no-untyped-def]
    try:
        run_in_transaction(lambda s: review.revoke(s, decision_id, me(), client_ip()))
    except review.ReviewError as exc:
        flash(str(exc), "error")
    else:
        flash("Keputusan dibatalkan; pesannya kembali ke antrean.", "success")
    return redirect(url_for("review.queue"))


@review_bp.route("/tandai/<sender_id>", methods=["POST"])
def flag(sender_id: str):  # type: ignore[no-untyped-def]
    """Any officer: "Asisten salah paham" on one resident message of a transcript."""
    sender_id = _sender(sender_id)
    ms = request.form.get("ts_ms", type=int)  # the message's tracker timestamp in milliseconds
    target = url_for("main.conversation", sender_id=sender_id)
    if ms is None:
        abort(400)
    ts = ms / 1000
    try:
        run_in_transaction(lambda s: review.flag_message(s, sender_id, ts, me(), ip=client_ip()))
    except review.ReviewError as exc:
        flash(str(exc), "error")
    else:
        flash("Pesan ditandai 'Asisten salah paham' dan masuk antrean ulasan.", "success")
    return redirect(target)


# ---------------------------------------------------------------------------
# Models: reports, retrain, deploy, rollback
# ---------------------------------------------------------------------------


@review_bp.route("/model")
@maintainer_required
def models():  # type: ignore[no-untyped-def]
    job = model_jobs.current()
    return render_template("review_models.html", reports=model_ops.list_reports(), state=model_ops.read_state(),
                           running=model_ops.running_model(), job=job)


@review_bp.route("/laporan/<name>")
@maintainer_required
def report(name: str):  # type: ignore[no-untyped-def]
    data = model_ops.load_report(name)
    if data is None:
        abort(404)
    return render_template("review_report.html", r=data)


@review_bp.route("/model/jalankan", methods=["POST"])
@maintainer_required
def run_job():  # type: ignore[no-untyped-def]
    command = request.form.get("command") or ""
    model = request.form.get("model") or None
    force = request.form.get("force") == "1"
    if model is not None and model_ops.load_report(model) is None:
        abort(404)
    try:
        model_jobs.start(command, me(), model=model, force=force)
    except model_jobs.JobError as exc:
        flash(str(exc), "error")
    else:
        from console.auth import audit

        audit(me(), f"model.{command}" + ("_paksa" if force else ""), model or "model", "dimulai dari konsol",
              client_ip())
        flash("Pekerjaan dimulai; kemajuannya tampil di bawah.", "success")
    return redirect(url_for("review.models"))
