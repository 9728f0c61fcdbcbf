"""A small synchronous client for Rasa's HTTP API (the officer console uses it).

- ``RASA_URL``: base URL of the Rasa server (default ``http://127.0.0.1:5005``).
- ``RASA_TOKEN``: the server's ``--auth-token``; when unset, the token that
  ``make run`` generated into ``var/rasa_token`` is used.

Every call has a timeout and raises :class:`RasaApiError` with a message that
says what failed (in Indonesian, shown to officers), never a bare
``requests`` exception. Settings are read at call time so tests and the
console can point at another server without re-importing.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from kokom import settings
from kokom import VAR_DIR
from kokom.local_secrets import read_env_or_file

DEFAULT_URL = "http://127.0.0.1:5005"
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 15.0


class RasaApiError(RuntimeError):
    """Rasa could not be reached or refused the request."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def base_url() -> str:
    return settings.get().rasa_url


def token() -> str | None:
    return read_env_or_file("RASA_TOKEN", VAR_DIR / "rasa_token")


def _url(sender_id: str, suffix: str = "") -> str:
    return f"{base_url()}/conversations/{quote(sender_id, safe='')}/tracker{suffix}"


def _request(method: str, url: str, *, what: str, params: dict[str, Any] | None = None,
             json: Any = None, timeout: float | None = None) -> Any:
    query = dict(params or {})
    tok = token()
    if tok:
        query["token"] = tok
    try:
        response = requests.request(
            method, url, params=query, json=json,
            timeout=(CONNECT_TIMEOUT, timeout or READ_TIMEOUT),
        )
    except requests.Timeout as exc:
        raise RasaApiError(f"{what}: Rasa tidak menjawab dalam batas waktu ({base_url()}).") from exc
    except requests.RequestException as exc:
        raise RasaApiError(f"{what}: Rasa tidak dapat dihubungi di {base_url()} ({type(exc).__name__}).") from exc
    if response.status_code in (401, 403):
        raise RasaApiError(f"{what}: token Rasa ditolak (periksa RASA_TOKEN).", response.status_code)
    if response.status_code >= 400:
        detail = response.text[:200].replace("\n", " ")
        raise RasaApiError(f"{what}: Rasa menjawab HTTP {response.status_code}: {detail}", response.status_code)
    try:
        return response.json()
    except ValueError as exc:
        raise RasaApiError(f"{what}: jawaban Rasa bukan JSON.", response.status_code) from exc


def get_tracker(sender_id: str, include_events: str = "ALL") -> dict[str, Any]:
    """The conversation's tracker (``events`` holds every user/bot message)."""
    return _request("GET", _url(sender_id), what="Memuat percakapan",
                    params={"include_events": include_events})


def append_events(sender_id: str, events: list[dict[str, Any]], *, what: str) -> dict[str, Any]:
    return _request("POST", _url(sender_id, "/events"), what=what, json=events,
                    params={"include_events": "NONE"})


def pause(sender_id: str, *, end_form: bool = False) -> None:
    """Stop the assistant from answering this conversation (an officer handles it).

    ``end_form`` also ends a half-filled form, as the assistant itself does when
    it hands over (a proactive takeover can interrupt one).
    """
    events: list[dict[str, Any]] = []
    if end_form:
        events += [{"event": "active_loop", "name": None}, {"event": "slot", "name": "requested_slot", "value": None}]
    append_events(sender_id, events + [{"event": "pause"}], what="Menjeda asisten")


def resume(sender_id: str) -> None:
    """Hand the conversation back to the assistant.

    While paused, Rasa logs the resident's messages without predicting, so the
    tracker does not end in ``action_listen``; adding it makes the resident's
    next message a normal turn (otherwise the policies see an unfinished turn
    and loop on the fallback).
    """
    append_events(
        sender_id,
        [{"event": "resume"}, {"event": "action", "name": "action_listen"}],
        what="Mengaktifkan kembali asisten",
    )


def is_paused(sender_id: str) -> bool:
    return bool(get_tracker(sender_id, include_events="NONE").get("paused"))


def append_bot_message(sender_id: str, text: str, officer: str, **metadata: Any) -> None:
    """Record a message an officer sent in the conversation's history."""
    append_events(
        sender_id,
        [{"event": "bot", "text": text, "metadata": {"officer": officer, **metadata}}],
        what="Mencatat pesan petugas di riwayat percakapan",
    )


def status() -> dict[str, Any]:
    """Which model the server runs (``model_file`` is the file's name)."""
    return _request("GET", f"{base_url()}/status", what="Memeriksa model yang berjalan")


MODEL_LOAD_TIMEOUT = 900.0


def load_model(model_path: str) -> None:
    """Load another model into the running server (``PUT /model``; the answer comes once it is loaded).

    Rasa answers 204 without a body; conversations stay in the tracker store.
    """
    query = {"token": token()} if token() else {}
    url = f"{base_url()}/model"
    try:
        response = requests.put(url, params=query, json={"model_file": str(model_path)},
                                timeout=(CONNECT_TIMEOUT, MODEL_LOAD_TIMEOUT))
    except requests.RequestException as exc:
        raise RasaApiError(f"Memuat model: Rasa tidak dapat dihubungi di {base_url()} ({type(exc).__name__}).") from exc
    if response.status_code in (401, 403):
        raise RasaApiError("Memuat model: token Rasa ditolak (periksa RASA_TOKEN).", response.status_code)
    if response.status_code >= 400:
        detail = response.text[:300].replace("\n", " ")
        raise RasaApiError(f"Memuat model: Rasa menjawab HTTP {response.status_code}: {detail}", response.status_code)


__all__ = [
    "RasaApiError",
    "append_bot_message",
    "append_events",
    "base_url",
    "get_tracker",
    "is_paused",
    "load_model",
    "status",
    "pause",
    "resume",
    "token",
]
