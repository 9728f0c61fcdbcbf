"""Handling accepted inbound messages in the background, in order per sender.

One message, one type: the webhook checks Meta's signature and the body's shape, and keeps
Meta's exact bytes in the spool (what was acknowledged); the ingester parses them once into
``payloads.InboundMessage`` and records it (``store.accept_delivery``); the queue hands it
back as ``payloads.StoredMessage``, which :func:`convert` turns into what the channel gives
Rasa as its ``UserMessage``.

The webhook only records a delivery (``store.accept_delivery``) and answers 200;
:class:`InboundDispatcher` then works through each sender's pending messages one
at a time (the oldest first), in parallel across senders. A message is claimed
(``pending`` -> ``processing``) before it is handled and marked ``done`` after,
so after a restart :meth:`InboundDispatcher.recover` finds what was accepted but
not handled.

:func:`convert` turns a stored message into what the assistant receives: text (a
button/list tap's id is the payload; a number answering a numbered menu becomes
that option's payload), ``/share_media`` with ``metadata.media`` (the file is
downloaded first), ``/share_location`` with ``metadata.location``, shared contacts
as text ("Kontak: ..."), nothing for reactions and stickers, and a polite reply for
unsupported messages.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

from kokom import wording
from kokom.validators import mask_phone
from kokom.whatsapp import formatting, models as m, payloads, store
from kokom.whatsapp.client import AsyncClient, MediaError
from kokom.whatsapp.payloads import StoredMessage
from kokom.whatsapp.spool import Spool

logger = logging.getLogger(__name__)

UNSUPPORTED_REPLY = "utter_unsupported_message"  # domain responses (kokom.wording)
MEDIA_FAILED_REPLY = "utter_media_failed"
SILENT_TYPES = frozenset({"reaction", "sticker"})
IGNORED_TYPES = frozenset({"system", "ephemeral", "request_welcome"})
MEDIA_KINDS = {"image": "image", "document": "document", "audio": "audio", "video": "video"}


@dataclass
class Conversion:
    """What to do with one inbound message."""

    text: str | None = None  # for the assistant; None: nothing to hand over
    metadata: dict[str, Any] = field(default_factory=dict)
    reply: str | None = None  # answered directly by the channel (not the assistant)
    typing: bool = True  # show the typing indicator with the read receipt


def base_metadata(row: StoredMessage) -> dict[str, Any]:
    message = row.message
    context = message.get("context") if isinstance(message.get("context"), dict) else {}
    return {
        "whatsapp": {
            "message_id": row.wamid,
            "wa_id": row.wa_id,
            "profile_name": row.profile_name,
            "type": row.msg_type,
            "timestamp": message.get("timestamp"),
            "context_message_id": context.get("id"),
            "phone_number_id": row.phone_number_id,
        }
    }


async def convert(row: StoredMessage, client: AsyncClient) -> Conversion:
    message = row.message
    kind = row.msg_type
    metadata = base_metadata(row)
    if kind in SILENT_TYPES:
        return Conversion(typing=False)
    if kind in IGNORED_TYPES:
        return Conversion(typing=False)
    if kind == "text":
        body = (message.get("text") or {}).get("body") if isinstance(message.get("text"), dict) else None
        return Conversion(text=str(body or ""), metadata=metadata)
    if kind in ("interactive", "button"):
        reply = payloads.interactive_reply(message)
        if reply is None:
            return Conversion(reply=wording.text(UNSUPPORTED_REPLY), metadata=metadata)
        payload, title = reply
        metadata["whatsapp"]["reply_title"] = title
        return Conversion(text=payload, metadata=metadata)
    if kind in MEDIA_KINDS:
        media = message.get(kind) if isinstance(message.get(kind), dict) else {}
        media_id = str(media.get("id") or "")
        if not media_id:
            return Conversion(reply=wording.text(MEDIA_FAILED_REPLY), metadata=metadata)
        try:
            saved = await client.download_media(media_id, media.get("mime_type"), kind)
        except (MediaError, OSError) as exc:
            logger.warning("media of a message from %s not received: %s", mask_phone(row.wa_id), exc)
            return Conversion(reply=wording.text(MEDIA_FAILED_REPLY), metadata=metadata)
        info: dict[str, Any] = {
            "type": MEDIA_KINDS[kind],
            "path": saved.path,
            "mime_type": saved.mime_type,
            "size": saved.size,
            "caption": media.get("caption") or None,
            "filename": media.get("filename") or None,  # as sent; never used as a path
            "media_id": media_id,
        }
        if kind == "audio":
            info["voice"] = bool(media.get("voice"))
        metadata["media"] = info
        return Conversion(text="/share_media", metadata=metadata)
    if kind == "location":
        location = message.get("location") if isinstance(message.get("location"), dict) else {}
        try:
            latitude, longitude = float(location["latitude"]), float(location["longitude"])
        except (KeyError, TypeError, ValueError):
            return Conversion(reply=wording.text(UNSUPPORTED_REPLY), metadata=metadata)
        metadata["location"] = {
            "latitude": latitude,
            "longitude": longitude,
            "name": location.get("name") or None,
            "address": location.get("address") or None,
            "url": location.get("url") or None,
        }
        return Conversion(text="/share_location", metadata=metadata)
    if kind == "contacts":
        metadata["contacts"] = message.get("contacts") if isinstance(message.get("contacts"), list) else []
        return Conversion(text=payloads.contacts_text(message), metadata=metadata)
    return Conversion(reply=wording.text(UNSUPPORTED_REPLY), metadata=metadata)


def apply_choice(conversion: Conversion, choices: list[dict[str, str]] | None) -> None:
    """A bare number answering the numbered menu sent just before becomes that option's payload."""
    if not choices or conversion.text is None or conversion.metadata.get("whatsapp", {}).get("type") != "text":
        return
    number = formatting.choice_number(conversion.text)
    if number is not None and 1 <= number <= len(choices):
        conversion.metadata["whatsapp"]["choice"] = {"number": number, "title": choices[number - 1]["title"]}
        conversion.text = choices[number - 1]["payload"]


Deliver = Callable[[StoredMessage, Conversion], Awaitable[None]]
Reply = Callable[[str, str], Awaitable[None]]


class InboundDispatcher:
    """One worker per sender with pending messages; handled strictly one after another."""

    def __init__(self, client: AsyncClient, deliver: Deliver, reply: Reply,
                 is_ready: Callable[[], bool] = lambda: True, concurrency: int = 8,
                 is_paused: Callable[[str], Awaitable[bool]] | None = None) -> None:
        self.client = client
        self.deliver = deliver
        self.reply = reply
        self.is_ready = is_ready
        self.is_paused = is_paused
        self._workers: dict[str, asyncio.Task] = {}
        self._wanted: set[str] = set()
        self._limit = asyncio.Semaphore(concurrency)

    async def _blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    def submit(self, wa_id: str) -> None:
        """Tell the dispatcher that ``wa_id`` has pending messages."""
        self._wanted.add(wa_id)
        worker = self._workers.get(wa_id)
        if worker is None or worker.done():
            self._workers[wa_id] = asyncio.get_running_loop().create_task(self._work(wa_id))

    async def _work(self, wa_id: str) -> None:
        try:
            while wa_id in self._wanted:
                self._wanted.discard(wa_id)
                while not self.is_ready():
                    await asyncio.sleep(1)
                while True:
                    row = await self._blocking(store.claim_next, wa_id)
                    if row is None:
                        break
                    async with self._limit:
                        await self.handle(row)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - a database outage: the rows stay pending for recover()
            logger.exception("inbound worker for %s stopped", mask_phone(wa_id))
        finally:
            if self._workers.get(wa_id) is asyncio.current_task():
                del self._workers[wa_id]

    async def handle(self, row: StoredMessage) -> None:
        read_task = None
        try:
            conversion = await convert(row, self.client)
            typing = conversion.typing and conversion.reply is None
            if typing and self.is_paused is not None:
                try:
                    # an officer has the conversation: the assistant will not answer, so no "typing..."
                    typing = not await self.is_paused(row.wa_id)
                except Exception:  # noqa: BLE001
                    logger.debug("could not check whether the conversation is paused", exc_info=True)
            read_task = asyncio.get_running_loop().create_task(self.client.mark_read(row.wamid, typing=typing))
            if conversion.text is None and conversion.reply is None:
                await self._blocking(store.finish_inbound, row.id, m.IGNORED)
                return
            if conversion.text is not None:
                choices = await self._blocking(store.take_choices, row.wa_id)
                apply_choice(conversion, choices)
                await self._typed_rating(row.wa_id, conversion)
                await self.deliver(row, conversion)
            else:
                await self.reply(row.wa_id, conversion.reply or "")
            await self._blocking(store.finish_inbound, row.id, m.DONE)
        except asyncio.CancelledError:
            raise  # stopping: the row stays "processing" and recover() decides after the restart
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop the sender's queue
            logger.exception("handling a WhatsApp message from %s failed", mask_phone(row.wa_id))
            try:
                await self._blocking(store.finish_inbound, row.id, m.FAILED, f"{exc.__class__.__name__}: {exc}")
            except Exception:  # noqa: BLE001
                logger.exception("could not mark the message failed")
        finally:
            if read_task is not None:
                try:
                    await read_task
                except Exception:  # noqa: BLE001
                    pass

    async def _typed_rating(self, wa_id: str, conversion: Conversion) -> None:
        """Issue 11: a typed reply ("bagus", "3") to a rating/survey question just asked becomes
        that question's payload; anything else goes to the assistant unchanged."""
        if conversion.text is None or conversion.metadata.get("whatsapp", {}).get("type") != "text":
            return
        try:
            from kokom.ratings import typed_payload

            payload = await self._blocking(typed_payload, wa_id, conversion.text)
        except Exception:  # noqa: BLE001 - never lose the message over this
            logger.exception("could not check for a pending rating question")
            return
        if payload:
            conversion.metadata["whatsapp"]["typed_answer"] = conversion.text
            conversion.text = payload

    async def recover(self, was_handled: Callable[[str, str], Awaitable[bool]]) -> int:
        """After a start: hand every unfinished message (again) to its sender's worker.

        A message left ``processing`` by a stop is handled again unless the
        assistant's tracker already holds it (``was_handled(wa_id, wamid)``): then
        its answers went out and it is only marked done, so nothing is answered twice.
        """
        rows = await self._blocking(store.unfinished_inbound)
        senders: list[str] = []
        for row in rows:
            if row.status == m.PROCESSING:
                try:
                    handled = await was_handled(row.wa_id, row.wamid)
                except Exception:  # noqa: BLE001
                    logger.exception("could not check the tracker; handling the message again")
                    handled = False
                if handled:
                    await self._blocking(store.finish_inbound, row.id, m.DONE, "recovered: already in tracker")
                    continue
                await self._blocking(store.release_inbound, row.id)
            if row.wa_id not in senders:
                senders.append(row.wa_id)
        for wa_id in senders:
            self.submit(wa_id)
        if rows:
            logger.info("WhatsApp: %d unfinished message(s) from %d sender(s) resumed", len(rows), len(senders))
        return len(rows)

    async def sweep(self, was_handled: Callable[[str, str], Awaitable[bool]],
                    pending_grace_seconds: float = 5.0) -> int:
        """Take over what a stopped instance left (several instances share one database).

        A message whose claim expired (its instance was killed mid-turn) is marked done when the
        shared tracker already holds it, else put back to pending; every resident with pending
        messages older than the grace is given to a worker here. Returns the residents submitted.
        """
        stale, waiting = await self._blocking(store.abandoned_inbound, pending_grace_seconds)
        senders: list[str] = []
        for row in stale:
            try:
                handled = await was_handled(row.wa_id, row.wamid)
            except Exception:  # noqa: BLE001 - the tracker store is unavailable: try next time
                logger.warning("could not check an abandoned message of %s", mask_phone(row.wa_id))
                continue
            status = m.DONE if handled else m.PENDING
            note = "taken over: already in tracker" if handled else None
            if await self._blocking(store.take_over_inbound, row.id, row.claimed_at, status, note):
                logger.info("WhatsApp: took over a message of %s left by a stopped instance (%s)",
                            mask_phone(row.wa_id), "done" if handled else "again")
                if row.wa_id not in senders:
                    senders.append(row.wa_id)
        for wa_id in waiting:
            if wa_id not in senders:
                senders.append(wa_id)
        for wa_id in senders:
            worker = self._workers.get(wa_id)
            if worker is None or worker.done():
                self.submit(wa_id)
        return len(senders)

    async def run_sweeper(self, was_handled: Callable[[str, str], Awaitable[bool]], interval: float = 5.0) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.sweep(was_handled)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database is unavailable: next round
                logger.warning("WhatsApp sweeper: database unavailable", exc_info=True)

    async def idle(self, timeout: float = 30.0) -> bool:
        """Wait until no worker runs (tests, shutdown)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._workers:
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def stop(self) -> None:
        for task in list(self._workers.values()):
            task.cancel()
        for task in list(self._workers.values()):
            try:
                await task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        self._workers.clear()


def ingest_file(path: Path) -> list[str]:
    """Record one spooled delivery in the database; the senders that have new messages."""
    delivery = payloads.parse_delivery(payloads.parse_body(path.read_bytes()))
    new_ids = store.accept_delivery(delivery.messages, delivery.statuses)
    return list(dict.fromkeys(m.wa_id for m in delivery.messages)) if new_ids else []


class Ingester:
    """Moves spooled deliveries into the database, oldest first, and wakes the senders' workers.

    The spool may be shared by several instances (kokom/whatsapp/spool.py): one ingester at a
    time holds its lock and records every instance's files, in arrival order. The residents of a
    delivery are handed to the workers of the instance that received it (:meth:`received`), so
    the load is shared as the load balancer shares it; a delivery of another instance that is
    older than ``orphan_after`` seconds (its instance died before recording it) is handed to
    this instance's workers. Each ingester also looks every ``poll`` seconds.
    """

    def __init__(self, spool: Spool, submit: Callable[[str], None], retry_delay: float = 1.0,
                 poll: float = 1.0, orphan_after: float = 1.0) -> None:
        self.spool = spool
        self.submit = submit
        self.retry_delay = retry_delay
        self.poll = poll
        self.orphan_after = orphan_after
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._mine: dict[str, list[str]] = {}  # spooled here, not yet seen recorded: file name -> senders

    def wake(self) -> None:
        self._wake.set()

    def received(self, path: Path, senders: list[str]) -> None:
        """The webhook of this instance spooled ``path`` with messages of ``senders``."""
        self._mine[path.name] = list(dict.fromkeys(senders))
        self._wake.set()

    async def drain(self, lock_wait: float = 2.0) -> int:
        """Ingest every spooled delivery now; returns how many files were moved in.

        When another instance is ingesting, wait up to ``lock_wait`` seconds for its turn (it
        records our files too, in arrival order); after that the next poll tries again.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + lock_wait
        done = 0
        while True:
            with self.spool.ingesting() as mine:
                if mine:
                    done = await self._drain_locked(loop)
            # What the lock holder recorded meanwhile goes to our workers at once.
            self._hand_over_recorded()
            if mine or not self.spool.pending() or loop.time() > deadline:
                return done
            await asyncio.sleep(0.01)

    def _hand_over_recorded(self) -> None:
        """Our deliveries another instance recorded (their files are gone): wake our workers."""
        if not self._mine:
            return
        for name in [n for n in self._mine if not (self.spool.folder / n).exists()]:
            for wa_id in self._mine.pop(name):
                self.submit(wa_id)

    async def _drain_locked(self, loop: asyncio.AbstractEventLoop) -> int:
        done = 0
        for path in self.spool.pending():
            try:
                senders = await loop.run_in_executor(None, ingest_file, path)
            except payloads.MalformedPayload:
                logger.error("spooled delivery %s is unreadable; kept as .bad", path.name)
                self._mine.pop(path.name, None)
                try:
                    path.rename(path.with_suffix(".bad"))
                except FileNotFoundError:
                    pass
                continue
            except FileNotFoundError:
                continue
            self.spool.remove(path)
            done += 1
            ours = self._mine.pop(path.name, None) is not None or self.spool.is_own(path)
            arrived = self.spool.arrived_ns(path)
            orphan = arrived is None or time.time_ns() - arrived > self.orphan_after * 1e9
            if ours or orphan:
                for wa_id in senders:
                    self.submit(wa_id)
        return done

    async def run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll)
            except asyncio.TimeoutError:
                if not self._mine and not self.spool.pending():
                    continue
            self._wake.clear()
            try:
                await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database is unavailable: keep the files, try again
                logger.exception("could not record spooled WhatsApp deliveries; retrying")
                await asyncio.sleep(self.retry_delay)
                self._wake.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self.run())
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
