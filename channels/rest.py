"""Rasa's REST channel, fenced for SI KoKoM (``channels.rest.LocalRestInput``).

The REST channel is for development, tests and the benchmark; it proves nobody's
identity. So, unlike Rasa's own :class:`rasa.core.channels.rest.RestInput`:

- it answers direct loopback clients only (a request relayed by a proxy, with
  ``X-Forwarded-For``, ``Forwarded`` or ``X-Real-IP``, is refused), whatever
  interface the server listens on;
- its conversations live in their own namespace: sender ``x`` is the conversation
  ``rest:x``, so ``"6281234567890"`` over REST is never the WhatsApp resident
  6281234567890 (their cases, their form, an officer's live conversation);
- metadata in the request body is dropped: media, locations and channel facts come
  only from the WhatsApp channel, which checks Meta's signature;
- it refuses to start in the production profile (``KOKOM_ENV=production``).

The routes are Rasa's (``POST /webhooks/rest/webhook``), so tools keep working.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request

from kokom.netguard import is_direct_loopback
from kokom.settings import is_production

NAMESPACE = "rest:"


def namespaced(sender: Any) -> str:
    """The conversation id of a REST sender (idempotent)."""
    text = str(sender if sender not in (None, "") else "default")
    return text if text.startswith(NAMESPACE) else NAMESPACE + text


class LocalRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "LocalRestInput":
        if is_production():
            raise RasaException(
                "The REST channel must not run in production (KOKOM_ENV=production): "
                "remove it from the credentials file (see deploy/credentials.yml)."
            )
        return cls()

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        body = req.json if isinstance(req.json, dict) else {}
        return namespaced(body.get("sender"))

    def _extract_message(self, req: Request) -> Optional[Text]:
        body = req.json if isinstance(req.json, dict) else {}
        message = body.get("message")
        return message if isinstance(message, str) else None

    def _extract_input_channel(self, req: Request) -> Text:
        # Never the body's "input_channel": a REST message is never a WhatsApp message.
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        bp = super().blueprint(on_new_message)

        @bp.middleware("request")
        async def loopback_only(request: Request) -> Any:
            if not is_direct_loopback(request):
                return response.json({"error": "forbidden"}, status=403)
            if request.method == "POST" and not isinstance(request.json, dict):
                return response.json({"error": "expected a JSON object"}, status=400)
            return None

        return bp
