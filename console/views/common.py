"""What every blueprint of the console uses: the current officer, the client address,
checked path parameters, outcome responses and the admin guard."""
from __future__ import annotations

import re
from functools import wraps
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_login import current_user

from console import chat

SENDER_RE = re.compile(r"^[0-9A-Za-z_.:+-]{1,64}$")
TICKET_RE = re.compile(r"^[A-Z]{3}-\d{8}-\d{4,}$")


def client_ip() -> str:
    return request.remote_addr or "unknown"


def me() -> str:
    return current_user.username


def _sender(sender_id: str) -> str:
    if not SENDER_RE.match(sender_id or ""):
        abort(404)
    return sender_id


def _ticket(ticket: str) -> str:
    ticket = (ticket or "").upper()
    if not TICKET_RE.match(ticket):
        abort(404)
    return ticket


def _respond(outcome: chat.Outcome, redirect_to: str, status_error: int = 409):  # type: ignore[no-untyped-def]
    if wants_json():
        return jsonify(outcome.as_json()), (200 if outcome.ok else status_error)
    flash(outcome.message, "success" if outcome.ok else "error")
    for warning in outcome.warnings:
        flash(warning, "warning")
    return redirect(redirect_to)


def admin_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.inbox")


# ---------------------------------------------------------------------------
# Login / logout / account
# ---------------------------------------------------------------------------



def wants_json() -> bool:
    """True for the polling script's requests (JSON answers, also for errors)."""
    if request.is_json or request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
