"""Talking to the Graph API: sending (retries, template fallback, recording), read receipts, media.

The rules are written once, as generators that *yield* what they need done
(:class:`Http`, :class:`Sleep`, :class:`Blocking`) and receive the result. Two
drivers run them: :class:`AsyncClient` (aiohttp, used by the Rasa channel) and
:class:`SyncClient` (requests, used by the officer console through
:mod:`kokom.whatsapp.outbound`). In sandbox mode both use the sandbox transport
(:mod:`kokom.whatsapp.sandbox`) instead of HTTP to Meta.

Sending rules:
- retry with exponential backoff (and ``Retry-After``) on network errors, HTTP 5xx,
  HTTP 429 and the rate-limit error codes 130429 and 131056;
- error 131047 (more than 24 hours since the resident's last message) sends the
  configured approved template instead (once per silence: not again while an
  earlier template is unanswered);
- every message is recorded in ``wa_outbound_messages`` before it is sent; a send
  that finally fails keeps its error there for the officer console.
"""
from __future__ import annotations

import asyncio
import logging
import random
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Generator, TypeVar
from urllib.parse import urlparse

from kokom.privacy import private_dir
from kokom.validators import mask_phone
from kokom.whatsapp import formatting, store
from kokom.whatsapp.config import WhatsAppConfig
from kokom.whatsapp.formatting import Outgoing
from kokom.whatsapp.mediafiles import FileRejected, OutboundFile, read_file
from kokom.whatsapp.transport import Http, HttpResult, SendResult

logger = logging.getLogger(__name__)
T = TypeVar("T")

RETRY_CODES = frozenset({130429, 131056})
OUTSIDE_WINDOW = 131047


# --- operations the generators yield -----------------------------------------

@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Blocking:
    fn: Callable[[], Any]


Flow = Generator[Any, Any, T]


# --- the rules ----------------------------------------------------------------

def is_retryable(result: HttpResult) -> bool:
    return result.status == 0 or result.status >= 500 or result.status == 429 or result.error_code in RETRY_CODES


def backoff(cfg: WhatsAppConfig, attempt: int, result: HttpResult | None = None) -> float:
    """Exponential backoff with jitter; ``Retry-After`` (seconds) wins when larger."""
    delay = cfg.retry_base_delay * (2 ** (attempt - 1))
    delay = min(cfg.retry_max_delay, delay) * random.uniform(0.8, 1.2)
    if result is not None:
        retry_after = (result.headers or {}).get("retry-after")
        try:
            if retry_after is not None:
                delay = max(delay, min(cfg.retry_max_delay, float(retry_after)))
        except ValueError:
            pass
    return delay


def request_with_retry(cfg: WhatsAppConfig, op: Http, attempts: int | None = None) -> Flow[tuple[HttpResult, int]]:
    """Run ``op`` until it succeeds, fails for good, or attempts run out; returns (result, attempts used)."""
    attempts = attempts or cfg.max_attempts
    result = HttpResult(0, error="not attempted")
    for attempt in range(1, attempts + 1):
        result = yield op
        if 200 <= result.status < 300:
            return result, attempt
        if not is_retryable(result) or attempt == attempts:
            return result, attempt
        delay = backoff(cfg, attempt, result)
        logger.info("WhatsApp API %s (attempt %d/%d); retrying in %.2fs", result.describe(), attempt, attempts, delay)
        yield Sleep(delay)
    return result, attempts


def _wamid(result: HttpResult) -> str | None:
    if isinstance(result.data, dict):
        messages = result.data.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return messages[0].get("id")
    return None


def upload_flow(cfg: WhatsAppConfig, file: OutboundFile) -> Flow[tuple[str | None, str | None, int]]:
    """POST the file to ``/{phone_number_id}/media`` (multipart, with retries): (media id, error, attempts)."""
    op = Http("POST", cfg.media_upload_url(), form={"messaging_product": "whatsapp", "type": file.mime_type},
              file=(file.filename, file.content, file.mime_type))
    result, attempts = yield from request_with_retry(cfg, op)
    media_id = result.data.get("id") if isinstance(result.data, dict) else None
    if 200 <= result.status < 300 and media_id and _MEDIA_ID.match(str(media_id)):
        return str(media_id), None, attempts
    reason = result.describe() if not (200 <= result.status < 300) else "jawaban tanpa media id"
    return None, f"Unggah berkas ke WhatsApp gagal: {reason}", attempts


def _load_upload(upload: OutboundFile | Path) -> OutboundFile:
    return upload if isinstance(upload, OutboundFile) else read_file(Path(upload))


def send_flow(cfg: WhatsAppConfig, wa_id: str, outgoing: Outgoing, *, sent_by: str | None,
              is_template: bool = False) -> Flow[SendResult]:
    """Record, (upload a file,) send (with retries), fall back to the template on 131047, record the outcome."""
    payload = outgoing.envelope(wa_id)
    try:
        outbound_id = yield Blocking(
            lambda: store.create_outbound(wa_id, outgoing.msg_type, outgoing.body, payload, sent_by=sent_by,
                                          sandbox=cfg.sandbox)
        )
    except Exception as exc:  # noqa: BLE001 - the database is down: say so, never raise into Rasa
        logger.exception("could not record an outbound WhatsApp message")
        return SendResult(False, None, None, f"Gagal mencatat pesan: {exc.__class__.__name__}")
    if outgoing.upload is not None:
        # The file is uploaded for this message only and its id used at once, for this
        # recipient: a media id is never looked up again or shared between residents.
        upload = outgoing.upload
        error: str | None = None
        attempts = 0
        try:
            file = yield Blocking(lambda: _load_upload(upload))
        except (FileRejected, OSError) as exc:
            error = str(exc) if isinstance(exc, FileRejected) else f"Berkas tidak dapat dibaca: {exc.__class__.__name__}"
        else:
            media_id, error, attempts = yield from upload_flow(cfg, file)
            if media_id:
                outgoing = outgoing.with_media_id(media_id, file.kind)
                payload = outgoing.envelope(wa_id)
        if error is not None:
            logger.warning("WhatsApp upload for %s failed: %s", mask_phone(wa_id), error)
            failed_attempts = attempts
            yield Blocking(lambda: store.finish_outbound(outbound_id, ok=False, wamid=None, attempts=failed_attempts,
                                                         error=error, error_code=None, used_template=False))
            return SendResult(False, outbound_id, None, error)
    result = yield from _deliver_flow(cfg, wa_id, outgoing, payload, outbound_id, is_template)
    return result


def _deliver_flow(cfg: WhatsAppConfig, wa_id: str, outgoing: Outgoing, payload: dict[str, Any], outbound_id: int,
                  is_template: bool) -> Flow[SendResult]:
    result, attempts = yield from request_with_retry(cfg, Http("POST", cfg.messages_url(), json=payload))
    used_template = is_template
    error: str | None = None
    error_code = result.error_code
    if 200 <= result.status < 300:
        wamid, ok = _wamid(result), True
    else:
        wamid, ok = None, False
        error = result.describe()
        if error_code == OUTSIDE_WINDOW and outgoing.msg_type != "template":
            template_result = yield from _template_fallback(cfg, wa_id)
            if template_result is not None:
                t_result, t_attempts, template_payload = template_result
                attempts += t_attempts
                if 200 <= t_result.status < 300:
                    ok, wamid, used_template, error, payload = True, _wamid(t_result), True, None, template_payload
                else:
                    error = (f"Di luar jendela 24 jam (131047); template gagal dikirim: {t_result.describe()}")
                    used_template, payload = True, template_payload
            elif not cfg.template_name:
                error = ("Di luar jendela 24 jam (131047) dan template WhatsApp belum diatur "
                         "(WHATSAPP_TEMPLATE_NAME).")
            else:
                error = "Di luar jendela 24 jam (131047); template sudah dikirim dan belum dibalas warga."
        if not ok:
            logger.warning("WhatsApp send to %s failed: %s", mask_phone(wa_id), error)
    final_payload = payload

    yield Blocking(lambda: store.finish_outbound(outbound_id, ok=ok, wamid=wamid, attempts=attempts, error=error,
                                                 error_code=error_code, used_template=used_template,
                                                 payload=final_payload))
    return SendResult(ok, outbound_id, wamid, error, used_template)


def _template_fallback(cfg: WhatsAppConfig, wa_id: str) -> Flow[tuple[HttpResult, int, dict] | None]:
    """Send the approved template once per silence of the resident; None when not sent."""
    if not cfg.template_name:
        return None
    last_inbound = yield Blocking(lambda: store.last_inbound_at(wa_id))
    since = last_inbound or datetime(1970, 1, 1)
    already = yield Blocking(lambda: store.template_sent_since(wa_id, since))
    if already:
        return None
    template = formatting.template_message(cfg.template_name, cfg.template_lang).envelope(wa_id)
    result, attempts = yield from request_with_retry(cfg, Http("POST", cfg.messages_url(), json=template))
    return result, attempts, template


def template_flow(cfg: WhatsAppConfig, wa_id: str, params: list[str] | None, sent_by: str | None) -> Flow[SendResult]:
    if not cfg.template_name:
        outgoing = formatting.template_message("(belum diatur)", cfg.template_lang, params)
        outbound_id = yield Blocking(
            lambda: store.create_outbound(wa_id, "template", outgoing.body, outgoing.envelope(wa_id),
                                          sent_by=sent_by, sandbox=cfg.sandbox)
        )
        error = "Template WhatsApp belum diatur (WHATSAPP_TEMPLATE_NAME)."
        yield Blocking(lambda: store.finish_outbound(outbound_id, ok=False, wamid=None, attempts=0, error=error,
                                                     error_code=None, used_template=True))
        return SendResult(False, outbound_id, None, error, True)
    outgoing = formatting.template_message(cfg.template_name, cfg.template_lang, params)
    result = yield from send_flow(cfg, wa_id, outgoing, sent_by=sent_by, is_template=True)
    return result


def plan_flow(cfg: WhatsAppConfig, wa_id: str, plan: formatting.Plan, sent_by: str | None) -> Flow[list[SendResult]]:
    """Send every message of a plan in order; remember a numbered menu once it is sent."""
    results = []
    for outgoing in plan.messages:
        result = yield from send_flow(cfg, wa_id, outgoing, sent_by=sent_by)
        results.append(result)
    if plan.choices and results and results[-1].ok:
        choices, last_id = plan.choices, results[-1].outbound_id
        yield Blocking(lambda: store.save_choices(wa_id, choices, last_id))
    return results


def combine(results: list[SendResult]) -> SendResult:
    """One result for a message that needed several WhatsApp messages."""
    if not results:
        return SendResult(False, None, None, "Pesan kosong, tidak ada yang dikirim.")
    failed = [r for r in results if not r.ok]
    last = results[-1]
    if failed:
        first = failed[0]
        return SendResult(False, first.outbound_id, first.wamid, first.error, any(r.used_template for r in results))
    return SendResult(True, last.outbound_id, last.wamid, None, any(r.used_template for r in results))


def mark_read_flow(cfg: WhatsAppConfig, wamid: str, typing: bool = True) -> Flow[bool]:
    payload: dict[str, Any] = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
    if typing:
        payload["typing_indicator"] = {"type": "text"}
    result, _ = yield from request_with_retry(cfg, Http("POST", cfg.messages_url(), json=payload), attempts=2)
    if 200 <= result.status < 300:
        yield Blocking(lambda: store.mark_inbound_read(wamid))
        return True
    logger.info("read receipt for a message failed: %s", result.describe())
    return False


# --- media ----------------------------------------------------------------------

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "text/plain": ".txt",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
    "audio/amr": ".amr",
    "video/mp4": ".mp4",
    "video/3gpp": ".3gp",
}


def extension_for(mime_type: str | None) -> str:
    """A safe extension from the MIME type only (the payload's filename is never used)."""
    base = (mime_type or "").split(";")[0].strip().lower()
    return EXTENSIONS.get(base) or ".bin"


@dataclass(frozen=True)
class SavedMedia:
    path: str
    mime_type: str
    size: int


def save_media_file(media_dir: Path, content: bytes, mime_type: str) -> SavedMedia:
    """Write under ``media_dir/YYYY-MM/`` with a random name; never overwrite, never leave it readable to all."""
    folder = media_dir / datetime.utcnow().strftime("%Y-%m")
    private_dir(media_dir)
    private_dir(folder)
    path = folder / f"wa-{datetime.utcnow():%Y%m%d%H%M%S}-{secrets.token_hex(8)}{extension_for(mime_type)}"
    with open(path, "xb") as handle:
        handle.write(content)
    try:
        path.chmod(0o600)
    except OSError:
        pass
    return SavedMedia(str(path.resolve()), mime_type, len(content))


class MediaError(RuntimeError):
    pass


# WhatsApp's own size limits per media type (Cloud API reference); the configured
# WHATSAPP_MAX_MEDIA_BYTES can only lower them.
MEDIA_LIMITS = {
    "image": 5 * 1024 * 1024,
    "audio": 16 * 1024 * 1024,
    "video": 16 * 1024 * 1024,
    "sticker": 500 * 1024,
    "document": 100 * 1024 * 1024,
}
# Where Meta serves media from (the URL answered for a media id). A configured
# WHATSAPP_API_URL's own host is allowed too, so a local Graph API server works in tests.
META_MEDIA_HOSTS = ("lookaside.fbsbx.com",)
META_MEDIA_HOST_SUFFIXES = (".fbsbx.com", ".fbcdn.net", ".whatsapp.net")
_MEDIA_ID = re.compile(r"^[0-9]{1,32}$")


def media_limit(cfg: WhatsAppConfig, kind: str | None) -> int:
    return min(cfg.max_media_bytes, MEDIA_LIMITS.get(kind or "", MEDIA_LIMITS["document"]))


def allowed_media_url(cfg: WhatsAppConfig, url: str) -> bool:
    """Only https URLs on Meta's media hosts (or the configured API's own host) are fetched."""
    try:
        parsed = urlparse(url)
    except ValueError:
        return False
    if cfg.sandbox:
        return parsed.scheme == "sandbox" and parsed.netloc == "media"
    host = (parsed.hostname or "").lower()
    if not host or parsed.username or parsed.password:
        return False
    api = urlparse(cfg.api_url)
    if (parsed.scheme, host, parsed.port) == (api.scheme, (api.hostname or "").lower(), api.port):
        return True
    if parsed.scheme != "https" or parsed.port not in (None, 443):
        return False
    return host in META_MEDIA_HOSTS or host.endswith(META_MEDIA_HOST_SUFFIXES)


def download_media_flow(cfg: WhatsAppConfig, media_id: str, mime_hint: str | None = None,
                        kind: str | None = None) -> Flow[SavedMedia]:
    """Media id -> URL (valid ~5 minutes) -> bytes, both with the access token -> a file under media_dir.

    The id must be numeric (it becomes part of a URL), the URL must be Meta's, and the
    size is capped per type, announced or not.
    """
    if not _MEDIA_ID.match(str(media_id or "")):
        raise MediaError("media id is not numeric")
    limit = media_limit(cfg, kind)
    info, _ = yield from request_with_retry(cfg, Http("GET", cfg.media_info_url(media_id)), attempts=3)
    if not (200 <= info.status < 300) or not isinstance(info.data, dict) or not info.data.get("url"):
        raise MediaError(f"media lookup failed: {info.describe()}")
    url = str(info.data["url"])
    if not allowed_media_url(cfg, url):
        raise MediaError("media URL is not on Meta's media hosts")
    try:
        size = int(info.data.get("file_size") or 0)
    except (TypeError, ValueError):
        size = 0
    if size > limit:
        raise MediaError(f"media too large: {size} bytes (limit {limit})")
    mime_type = str(info.data.get("mime_type") or mime_hint or "application/octet-stream")
    download, _ = yield from request_with_retry(cfg, Http("GET", url, binary=True, max_bytes=limit), attempts=3)
    if not (200 <= download.status < 300) or download.content is None:
        raise MediaError(f"media download failed: {download.describe()}")
    content = download.content
    saved = yield Blocking(lambda: save_media_file(cfg.media_dir, content, mime_type))
    return saved


# --- drivers ------------------------------------------------------------------------

class SyncClient:
    """Runs the flows with blocking I/O (officer console, scripts)."""

    def __init__(self, cfg: WhatsAppConfig) -> None:
        self.cfg = cfg
        if cfg.sandbox:
            from kokom.whatsapp.sandbox import SandboxTransport

            self._transport: Callable[[Http], HttpResult] = SandboxTransport(cfg).request
        else:
            self._transport = self._http

    def _http(self, op: Http) -> HttpResult:
        import requests

        headers = {"Authorization": f"Bearer {self.cfg.access_token}"}
        try:
            files = {"file": op.file} if op.file is not None else None
            response = requests.request(op.method, op.url, json=op.json, data=op.form, files=files,
                                        headers=headers, timeout=self.cfg.http_timeout, stream=op.binary,
                                        allow_redirects=not op.binary)
            if op.binary and response.status_code < 300:
                chunks, total = [], 0
                for chunk in response.iter_content(65536):
                    total += len(chunk)
                    if op.max_bytes and total > op.max_bytes:
                        return HttpResult(413, error="media too large")
                    chunks.append(chunk)
                return HttpResult(response.status_code, content=b"".join(chunks),
                                  content_type=response.headers.get("Content-Type"))
            try:
                data = response.json()
            except ValueError:
                data = None
            return HttpResult(response.status_code, data=data,
                              headers={k.lower(): v for k, v in response.headers.items()})
        except requests.RequestException as exc:
            return HttpResult(0, error=exc.__class__.__name__)

    def run(self, flow: Flow[T]) -> T:
        value: Any = None
        error: BaseException | None = None
        while True:
            try:
                op = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration as stop:
                return stop.value
            value, error = None, None
            if isinstance(op, Http):
                value = self._transport(op)
            elif isinstance(op, Sleep):
                time.sleep(op.seconds)
            elif isinstance(op, Blocking):
                try:
                    value = op.fn()
                except Exception as exc:  # noqa: BLE001 - handed back into the flow
                    error = exc
            else:  # pragma: no cover
                raise TypeError(f"unknown operation {op!r}")


class AsyncClient:
    """Runs the flows with aiohttp and the event loop (the Rasa channel)."""

    def __init__(self, cfg: WhatsAppConfig) -> None:
        self.cfg = cfg
        self._session: Any = None
        self._sandbox = None
        if cfg.sandbox:
            from kokom.whatsapp.sandbox import SandboxTransport

            self._sandbox = SandboxTransport(cfg)

    async def _http(self, op: Http) -> HttpResult:
        if self._sandbox is not None:
            return await asyncio.get_running_loop().run_in_executor(None, self._sandbox.request, op)
        import aiohttp

        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.cfg.http_timeout))
        headers = {"Authorization": f"Bearer {self.cfg.access_token}"}
        data = None
        if op.file is not None or op.form is not None:
            data = aiohttp.FormData()
            for key, value in (op.form or {}).items():
                data.add_field(key, value)
            if op.file is not None:
                name, content, mime_type = op.file
                data.add_field("file", content, filename=name, content_type=mime_type)
        try:
            async with self._session.request(op.method, op.url, json=op.json, data=data, headers=headers,
                                             allow_redirects=not op.binary) as response:
                if op.binary and response.status < 300:
                    chunks, total = [], 0
                    async for chunk in response.content.iter_chunked(65536):
                        total += len(chunk)
                        if op.max_bytes and total > op.max_bytes:
                            return HttpResult(413, error="media too large")
                        chunks.append(chunk)
                    return HttpResult(response.status, content=b"".join(chunks),
                                      content_type=response.headers.get("Content-Type"))
                try:
                    data = await response.json(content_type=None)
                except ValueError:
                    data = None
                return HttpResult(response.status, data=data,
                                  headers={k.lower(): v for k, v in response.headers.items()})
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            return HttpResult(0, error=exc.__class__.__name__)

    async def run(self, flow: Flow[T]) -> T:
        loop = asyncio.get_running_loop()
        value: Any = None
        error: BaseException | None = None
        while True:
            try:
                op = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration as stop:
                return stop.value
            value, error = None, None
            if isinstance(op, Http):
                value = await self._http(op)
            elif isinstance(op, Sleep):
                await asyncio.sleep(op.seconds)
            elif isinstance(op, Blocking):
                try:
                    value = await loop.run_in_executor(None, op.fn)
                except Exception as exc:  # noqa: BLE001 - handed back into the flow
                    error = exc
            else:  # pragma: no cover
                raise TypeError(f"unknown operation {op!r}")

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    # Conveniences used by the channel
    async def send_plan(self, wa_id: str, plan: formatting.Plan, sent_by: str | None = "bot") -> list[SendResult]:
        return await self.run(plan_flow(self.cfg, wa_id, plan, sent_by))

    async def mark_read(self, wamid: str, typing: bool = True) -> bool:
        try:
            return await self.run(mark_read_flow(self.cfg, wamid, typing))
        except Exception:  # noqa: BLE001 - a read receipt is never worth failing a message
            logger.exception("read receipt failed")
            return False

    async def download_media(self, media_id: str, mime_hint: str | None = None,
                             kind: str | None = None) -> SavedMedia:
        return await self.run(download_media_flow(self.cfg, media_id, mime_hint, kind))


__all__ = [
    "AsyncClient",
    "SyncClient",
    "SendResult",
    "HttpResult",
    "Http",
    "Sleep",
    "Blocking",
    "MediaError",
    "SavedMedia",
    "extension_for",
    "send_flow",
    "upload_flow",
    "plan_flow",
    "template_flow",
    "mark_read_flow",
    "download_media_flow",
    "combine",
]
