"""Rasa custom channel for the WhatsApp Business Cloud API (``channels.whatsapp.WhatsAppInput``).

Routes (under ``/webhooks/whatsapp``):
- ``GET /webhook``: Meta's verification (``hub.mode``, ``hub.verify_token``, ``hub.challenge``).
- ``POST /webhook``: deliveries. The ``X-Hub-Signature-256`` header is checked against the
  raw body first (403 when missing or wrong, nothing processed); a malformed body is
  400; otherwise the delivery is written to the spool (:mod:`kokom.whatsapp.spool`) and
  200 is answered at once. In the background the ingester records it in the database
  (messages de-duplicated on their id, status events stored) and the dispatcher hands
  the messages to the assistant, in order per sender (:mod:`kokom.whatsapp.inbound`).
- ``GET /health``: the channel's mode.
- ``/sandbox...``: the local simulator, only in sandbox mode (:mod:`channels.whatsapp_sandbox`).

Settings come from environment variables (see :mod:`kokom.whatsapp.config` and
docs/whatsapp.md); ``credentials.yml`` may only hold non-secret overrides.
"""
from __future__ import annotations

import asyncio
import dataclasses
import hmac
import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from kokom import logs, metrics, wording
from kokom.validators import mask_phone
from kokom.whatsapp import formatting, payloads, signature, store
from kokom.whatsapp.client import AsyncClient, SendResult
from kokom.whatsapp.config import ConfigError, WhatsAppConfig, load_config
from kokom.whatsapp.inbound import Conversion, InboundDispatcher, Ingester
from kokom.whatsapp.payloads import StoredMessage
from kokom.whatsapp.spool import Spool

logger = logging.getLogger(__name__)

CHANNEL_NAME = "whatsapp"
# Meta's deliveries are a few kilobytes; anything near this is not from Meta.
MAX_WEBHOOK_BODY = 1024 * 1024


async def read_capped(request: Request, limit: int) -> Optional[bytes]:
    """The body of a streamed request, or None as soon as it is known to exceed ``limit``.

    A declared Content-Length over the limit is refused before anything is read; a body
    sent without one (chunked) is read only up to the limit.
    """
    declared = (request.headers.get("content-length") or "").strip()
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = await request.stream.read()  # type: ignore[union-attr]
        if chunk is None:
            break
        total += len(chunk)
        if total > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def configure_claims(spool_dir: Any, port: Any = None) -> None:
    """This instance's id and the claim lease (KOKOM_INSTANCE_ID, KOKOM_CLAIM_LEASE_SECONDS).

    The default id is host, spool folder and Rasa's port: stable across restarts of one instance
    (which then takes its own claims back at once) and different for instances sharing the spool.
    """
    import socket

    from kokom import settings
    from kokom.whatsapp import store

    default = f"{socket.gethostname()}:{spool_dir}" + (f":{port}" if port else "")
    store.configure_instance(settings.instance_id(default), settings.claim_lease_seconds())


class WhatsAppOutput(OutputChannel):
    """Sends the assistant's messages with WhatsApp's limits applied (see kokom.whatsapp.formatting)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    def __init__(self, client: AsyncClient, sent_by: str | None = "bot",
                 already_sent: list[tuple[str, str | None]] | None = None) -> None:
        self.client = client
        self.sent_by = sent_by
        self.results: list[SendResult] = []
        self.planned = 0  # messages the assistant produced for this turn
        # A turn handled again after its instance died: what the first attempt already sent
        # (type, body), skipped while this attempt plans the same messages in the same order.
        self.already_sent = list(already_sent or [])
        self.skipped = 0

    def _not_sent_yet(self, plan: formatting.Plan) -> formatting.Plan:
        if not self.already_sent:
            return plan
        remaining = []
        for outgoing in plan.messages:
            if self.already_sent and self.already_sent[0] == (outgoing.msg_type, outgoing.body):
                self.already_sent.pop(0)
                self.skipped += 1
                continue
            self.already_sent = []  # the turns differ from here on: send everything
            remaining.append(outgoing)
        return dataclasses.replace(plan, messages=remaining)

    async def _send(self, recipient_id: Text, plan: formatting.Plan) -> None:
        if not plan.messages:
            return
        self.planned += len(plan.messages)
        choices = plan.choices
        plan = self._not_sent_yet(plan)
        if not plan.messages:
            logger.info("a reply to %s was sent before its instance stopped: not sent again",
                        mask_phone(recipient_id))
            if choices:  # the numbered menu sent then still answers the next message
                await asyncio.get_running_loop().run_in_executor(None, store.save_choices, recipient_id, choices)
            return
        try:
            sent = await self.client.send_plan(recipient_id, plan, self.sent_by)
            self.results.extend(sent)
            metrics.record_sends(sent, self.sent_by)
        except Exception:  # noqa: BLE001 - never break the conversation because a send failed
            logger.exception("sending to %s failed", mask_phone(recipient_id))

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """One bot message (text, buttons, image, attachment, custom location) in WhatsApp form."""
        await self._send(recipient_id, formatting.plan_bot_message(message))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send(recipient_id, formatting.Plan(formatting.text_messages(text)))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: list, **kwargs: Any) -> None:
        await self._send(recipient_id, formatting.plan_buttons(text, buttons))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self._send(recipient_id, formatting.plan_bot_message({"image": image}))

    async def send_attachment(self, recipient_id: Text, attachment: Any, **kwargs: Any) -> None:
        await self._send(recipient_id, formatting.plan_bot_message({"attachment": attachment}))

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self._send(recipient_id, formatting.plan_bot_message({"custom": json_message}))


class WhatsAppInput(InputChannel):
    """The resident-facing channel: Meta's webhook in, the Cloud API out."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WhatsAppInput":
        try:
            cfg = load_config(credentials or {})
            cfg.require_real_credentials()
        except ConfigError as exc:
            raise RasaException(str(exc)) from None
        return cls(cfg)

    def __init__(self, cfg: WhatsAppConfig) -> None:
        self.cfg = cfg
        self.client = AsyncClient(cfg)
        self.dispatcher: InboundDispatcher | None = None
        self.spool = Spool(cfg.spool_dir)
        self.ingester: Ingester | None = None
        self._on_new_message: Callable[[UserMessage], Awaitable[Any]] | None = None
        if cfg.sandbox:
            logger.warning(
                "WhatsApp channel in SANDBOX mode: nothing is sent to Meta; open "
                "http://localhost:<port>/webhooks/whatsapp/sandbox to chat as a resident."
            )
        else:
            logger.info("WhatsApp channel: phone number id %s, API %s", cfg.phone_number_id, cfg.api_url)
            if not cfg.verify_token:
                logger.warning("WHATSAPP_VERIFY_TOKEN is not set: Meta's webhook verification will be refused")

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WhatsAppOutput(self.client)

    # --- handling ------------------------------------------------------------
    async def _deliver(self, row: StoredMessage, conversion: Conversion) -> None:
        assert self._on_new_message is not None
        with logs.bound(sender=mask_phone(row.wa_id), message_id=row.wamid):
            try:
                await self._deliver_logged(row, conversion)
            except Exception:
                metrics.MESSAGES_HANDLED.labels("error").inc()
                raise
        metrics.MESSAGES_HANDLED.labels("ok").inc()
        received = row.received_at
        if received is not None:  # naive UTC (kokom.models.utcnow)
            from kokom.models import utcnow

            metrics.REPLY_LATENCY.observe(max(0.0, (utcnow() - received).total_seconds()))

    async def _deliver_logged(self, row: StoredMessage, conversion: Conversion) -> None:
        assert self._on_new_message is not None
        already_sent: list[tuple[str, str | None]] = []
        if row.attempts > 1:  # handled again: its instance died mid-turn (kokom/whatsapp/store.py)
            try:
                already_sent = await asyncio.get_running_loop().run_in_executor(
                    None, store.replies_of_earlier_attempts, row.id)
            except Exception:  # noqa: BLE001 - better an answer twice than none
                logger.exception("could not read what the first attempt sent; answering in full")
        output = WhatsAppOutput(self.client, already_sent=already_sent)
        message = UserMessage(
            text=conversion.text,
            output_channel=output,
            sender_id=row.wa_id,
            input_channel=self.name(),
            message_id=row.wamid,
            metadata=conversion.metadata,
        )
        await self._on_new_message(message)
        if output.planned == 0 and not await self._officer_holds(row.wa_id):
            # Every turn of the assistant answers something; silence means a part of it
            # failed (the action server down, say: Rasa logs it and carries on). The
            # resident hears that, and the conversation (a half-filled form too) stays as
            # it was, so the next message continues once the part is back.
            logger.warning("no reply for a message from %s: telling the resident", mask_phone(row.wa_id))
            await self._reply(row.wa_id, wording.text("utter_service_trouble"))

    async def _officer_holds(self, wa_id: str) -> bool:
        from kokom.handoffs import active_for_sender

        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, active_for_sender, wa_id) is not None
        except Exception:  # noqa: BLE001 - when in doubt, do not speak over an officer
            logger.exception("could not check whether an officer holds the conversation")
            return True

    async def _reply(self, wa_id: str, text: str) -> None:
        await WhatsAppOutput(self.client).send_text_message(wa_id, text)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self._on_new_message = on_new_message
        bp = Blueprint("whatsapp_webhook", __name__)
        channel = self

        @bp.listener("after_server_start")
        async def start(app: Any, loop: Any) -> None:
            from kokom.db import init_db

            await loop.run_in_executor(None, init_db)
            agent = getattr(app.ctx, "agent", None)

            def ready() -> bool:
                current = getattr(app.ctx, "agent", None)
                return current is not None and current.is_ready()

            async def was_handled(wa_id: str, wamid: str) -> bool:
                current = getattr(app.ctx, "agent", None) or agent
                if current is None:
                    return False
                tracker = await current.tracker_store.retrieve(wa_id)
                if tracker is None:
                    return False
                return any(getattr(e, "message_id", None) == wamid for e in tracker.events)

            async def is_paused(wa_id: str) -> bool:
                # The handoff queue says whether an officer has the conversation; asking the
                # tracker store would load the whole conversation on the event loop per message.
                from kokom.handoffs import active_for_sender

                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(None, active_for_sender, wa_id) is not None

            channel.dispatcher = InboundDispatcher(channel.client, channel._deliver, channel._reply, ready,
                                                   concurrency=channel.cfg.concurrency, is_paused=is_paused)
            # Several instances on one database: claims carry this instance's id (kokom/whatsapp/store.py).
            configure_claims(channel.cfg.spool_dir, getattr(getattr(app, "state", None), "port", None))
            # Unfinished messages first (older), then deliveries acknowledged but not yet recorded.
            await channel.dispatcher.recover(was_handled)
            channel.ingester = Ingester(channel.spool, channel.dispatcher.submit)
            channel.ingester.start()
            # What another (stopped) instance left is taken over here.
            channel.sweeper = asyncio.get_running_loop().create_task(channel.dispatcher.run_sweeper(was_handled))

        @bp.listener("before_server_stop")
        async def stop(app: Any, loop: Any) -> None:
            if getattr(channel, "sweeper", None) is not None:
                channel.sweeper.cancel()
            if channel.ingester is not None:
                await channel.ingester.stop()
            if channel.dispatcher is not None:
                await channel.dispatcher.stop()
            await channel.client.close()

        @bp.route("/health", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "sandbox": channel.cfg.sandbox})

        # /healthz, /readyz, /metrics (loopback only) beside the webhook (channels/ops.py).
        from channels.ops import add_ops_routes

        add_ops_routes(bp, channel.cfg.spool_dir)

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            mode = request.args.get("hub.mode")
            token = request.args.get("hub.verify_token") or ""
            challenge = request.args.get("hub.challenge") or ""
            expected = channel.cfg.verify_token
            if mode == "subscribe" and expected and hmac.compare_digest(token.encode(), expected.encode()):
                return response.text(challenge)
            return response.text("forbidden", status=403)

        @bp.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            started = time.perf_counter()
            raw = await read_capped(request, MAX_WEBHOOK_BODY)
            if raw is None:
                logger.warning("WhatsApp webhook: body over %d bytes refused from %s", MAX_WEBHOOK_BODY, request.ip)
                return response.json({"error": "payload too large"}, status=413)
            if not signature.verify(channel.cfg.app_secret, raw, request.headers.get(signature.HEADER)):
                logger.warning("WhatsApp webhook: missing or wrong signature from %s", request.ip)
                return response.text("invalid signature", status=403)
            try:
                delivery = payloads.parse_delivery(payloads.parse_body(raw))
            except payloads.MalformedPayload as exc:
                logger.warning("WhatsApp webhook: malformed delivery (%s)", exc)
                return response.json({"error": "malformed payload"}, status=400)
            try:
                # No waiting here (no database, no await): the 200 goes out at once and the
                # ingester records the delivery (de-duplicated) right after.
                path = channel.spool.put(raw)
            except OSError:
                logger.exception("WhatsApp webhook: could not store the delivery")
                return response.json({"error": "temporarily unavailable"}, status=503)
            if channel.ingester is not None:
                # This instance's workers take these residents' messages once they are recorded
                # (by whichever instance holds the shared spool's ingest lock).
                channel.ingester.received(path, [message.wa_id for message in delivery.messages])
            metrics.MESSAGES_IN.inc(len(delivery.messages))
            metrics.WEBHOOK_SECONDS.observe(time.perf_counter() - started)
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.debug("WhatsApp webhook: %d message(s), %d status(es) accepted in %.1f ms",
                         len(delivery.messages), len(delivery.statuses), elapsed_ms)
            return response.json({"status": "ok"}, headers={"Server-Timing": f"accept;dur={elapsed_ms:.1f}"})

        if channel.cfg.serve_simulator:
            from channels.whatsapp_sandbox import add_routes

            add_routes(bp, channel.cfg)
        elif channel.cfg.sandbox:
            logger.warning("WhatsApp sandbox without its simulator (real credentials set or KOKOM_ENV=production)")
        return bp
