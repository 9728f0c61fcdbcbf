"""A real HTTP server on 127.0.0.1 that plays the WhatsApp Cloud (Graph) API for tests.

Endpoints (``{base}/{version}/...``):
- ``POST /{version}/{phone_number_id}/messages``: a send (answers a ``wamid.FAKE...``) or a
  read receipt (``{"status": "read"}``), after checking the Bearer token;
- ``GET /{version}/{media_id}``: the media URL lookup (``{"url": ...}``);
- ``GET /download/{media_id}``: the media bytes (Bearer token required);
- ``POST /{version}/{phone_number_id}/media``: a multipart upload (``messaging_product``,
  ``type``, ``file``) answered with a new media id; recorded with its fields and bytes
  (:meth:`FakeGraph.uploads`), and downloadable like any other media afterwards.

Every request is recorded. ``fail_next(n, status=500)`` or ``fail_next(n, code=131047)``
makes the next ``n`` sends (optionally only those to one recipient) fail;
``fail_uploads(n, status=500)`` does the same for uploads.
Also helpers for the webhook side: signing and posting sample deliveries.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

import requests

# Copies of the Cloud API sample deliveries (made-up numbers/ids) so tests need nothing
# outside the repository.
SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "whatsapp"
SAMPLE_WA_ID = "6281234567890"
VERSION = "v21.0"
ACCESS_TOKEN = "test-access-token"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
PHONE_NUMBER_ID = "109876543210123"
TEMPLATE_NAME = "kokom_balasan_petugas"

# A minimal valid JPEG (1x1 pixel), a tiny PDF and an OGG header: enough to be stored as files.
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f"
    "141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100"
    "ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000"
    "017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a"
    "3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a9293949596"
    "9798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2"
    "f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TINY_OGG = b"OggS\x00\x02" + b"\x00" * 60


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    json: Any
    status: int
    response: Any
    at: float = field(default_factory=time.time)
    upload: dict[str, Any] | None = None  # a multipart upload: fields, filename, content_type, content


class FakeGraph:
    def __init__(self, access_token: str = ACCESS_TOKEN) -> None:
        self.access_token = access_token
        self.requests: list[Recorded] = []
        self.media: dict[str, tuple[bytes, str]] = {
            "1480374425981234": (TINY_JPEG, "image/jpeg"),
            "1480374425985678": (TINY_PDF, "application/pdf"),
            "1480374425989999": (TINY_OGG, "audio/ogg"),
            "1480374425990000": (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        }
        self._failures: list[dict[str, Any]] = []
        self._upload_failures: list[int] = []
        self._lock = threading.Lock()
        self._counter = 0
        self._server: ThreadingHTTPServer | None = None
        # Called (in the server's thread) with every recorded request; the benchmark uses it
        # to time replies without polling. ``record=False`` keeps memory flat under load.
        self.on_record: Callable[[Recorded], None] | None = None
        self.record = True

    # --- control ------------------------------------------------------------
    def start(self) -> "FakeGraph":
        graph = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                graph._handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                graph._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/{VERSION}"

    def fail_next(self, n: int = 1, *, status: int = 500, code: int | None = None, to: str | None = None,
                  headers: dict[str, str] | None = None) -> None:
        """The next ``n`` sends (to ``to`` only, if given) fail: HTTP ``status`` or Graph error ``code``."""
        with self._lock:
            for _ in range(n):
                self._failures.append({"status": 400 if code and status == 500 else status, "code": code, "to": to,
                                       "headers": headers or {}})

    def fail_uploads(self, n: int = 1, *, status: int = 500) -> None:
        """The next ``n`` media uploads fail with HTTP ``status``."""
        with self._lock:
            self._upload_failures.extend([status] * n)

    def add_media(self, content: bytes, mime_type: str, media_id: str | None = None) -> str:
        media_id = media_id or str(random.randint(10**15, 10**16 - 1))
        self.media[media_id] = (content, mime_type)
        return media_id

    # --- queries ------------------------------------------------------------
    def recorded(self, predicate: Callable[[Recorded], bool] = lambda r: True) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if predicate(r)]

    def sends(self, to: str, ok_only: bool = True) -> list[dict[str, Any]]:
        """Message payloads posted to ``to`` (successful ones unless ok_only=False), in order."""
        return [r.json for r in self.recorded(
            lambda r: r.method == "POST" and isinstance(r.json, dict) and r.json.get("to") == to
            and (r.status == 200 or not ok_only))]

    def sends_records(self, to: str) -> list[Recorded]:
        return self.recorded(lambda r: r.method == "POST" and isinstance(r.json, dict) and r.json.get("to") == to)

    def empty_sends(self) -> list[dict[str, Any]]:
        """Sends a resident would see as an empty bubble: a text or interactive message without text."""
        def empty(body: dict[str, Any]) -> bool:
            kind = body.get("type")
            if kind == "text":
                return not str((body.get("text") or {}).get("body") or "").strip()
            if kind == "interactive":
                return not str(((body.get("interactive") or {}).get("body") or {}).get("text") or "").strip()
            return False

        return [r.json for r in self.recorded(
            lambda r: r.method == "POST" and isinstance(r.json, dict) and r.json.get("status") != "read"
            and empty(r.json))]

    def assert_no_empty_sends(self) -> None:
        """No outbound WhatsApp message so far (in the whole session) was empty."""
        found = self.empty_sends()
        assert not found, f"empty WhatsApp messages sent: {json.dumps(found, ensure_ascii=False)[:1500]}"

    def uploads(self, ok_only: bool = True) -> list[Recorded]:
        """Media uploads received (successful ones unless ok_only=False), in order; ``r.upload`` has
        ``fields``, ``filename``, ``content_type``, ``content`` and ``r.response["id"]`` the media id."""
        return self.recorded(lambda r: r.upload is not None and (r.status == 200 or not ok_only))

    def upload_of(self, media_id: str) -> Recorded | None:
        """The upload that created ``media_id``."""
        found = [r for r in self.uploads() if isinstance(r.response, dict) and r.response.get("id") == media_id]
        return found[-1] if found else None

    def reads(self, wamid: str | None = None) -> list[dict[str, Any]]:
        return [r.json for r in self.recorded(
            lambda r: r.method == "POST" and isinstance(r.json, dict) and r.json.get("status") == "read"
            and (wamid is None or r.json.get("message_id") == wamid))]

    def wamid_of(self, payload: dict[str, Any]) -> str | None:
        for r in self.recorded(lambda r: r.json is payload or r.json == payload):
            if r.status == 200 and isinstance(r.response, dict) and r.response.get("messages"):
                return r.response["messages"][0]["id"]
        return None

    # --- the API --------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        path = handler.path.split("?")[0]
        headers = {k.lower(): v for k, v in handler.headers.items()}
        upload = parse_multipart(headers.get("content-type", ""), raw) if method == "POST" else None
        status, response, content_type, extra = self._route(method, path, headers, body, upload)
        recorded = Recorded(method, path, headers, body, status,
                            response if not isinstance(response, bytes) else None, upload=upload)
        if self.record:
            with self._lock:
                self.requests.append(recorded)
        if self.on_record is not None:
            self.on_record(recorded)
        data = response if isinstance(response, bytes) else json.dumps(response).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        for key, value in extra.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _route(self, method: str, path: str, headers: dict[str, str], body: Any,
               upload: dict[str, Any] | None = None) -> tuple[int, Any, str, dict]:
        json_type = "application/json"
        if headers.get("authorization") != f"Bearer {self.access_token}":
            return 401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException",
                                   "code": 190}}, json_type, {}
        parts = [p for p in path.split("/") if p]
        if method == "POST" and len(parts) == 3 and parts[0] == VERSION and parts[2] == "messages":
            if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
                return 400, {"error": {"message": "Invalid parameter", "code": 100}}, json_type, {}
            if body.get("status") == "read":
                return 200, {"success": True}, json_type, {}
            with self._lock:
                failure = next((f for f in self._failures if f["to"] in (None, body.get("to"))), None)
                if failure is not None:
                    self._failures.remove(failure)
                self._counter += 1
                counter = self._counter
            if failure is not None:
                if failure["code"]:
                    error = {"message": f"(#{failure['code']}) simulated", "type": "OAuthException",
                             "code": failure["code"], "error_data": {"details": "simulated by the fake Graph API"}}
                else:
                    error = {"message": "simulated server error", "type": "OAuthException", "code": 2}
                return failure["status"], {"error": error}, json_type, failure["headers"]
            wamid = f"wamid.FAKE{counter:06d}{uuid.uuid4().hex[:8]}"
            return 200, {"messaging_product": "whatsapp", "contacts": [{"input": body.get("to"),
                                                                        "wa_id": body.get("to")}],
                         "messages": [{"id": wamid}]}, json_type, {}
        if method == "POST" and len(parts) == 3 and parts[0] == VERSION and parts[2] == "media":
            # Meta: multipart with messaging_product=whatsapp, type=<MIME type> and the file.
            if upload is None or upload["fields"].get("messaging_product") != "whatsapp" \
                    or not upload.get("content") or not upload["fields"].get("type"):
                return 400, {"error": {"message": "(#100) Invalid parameter", "type": "OAuthException",
                                       "code": 100}}, json_type, {}
            with self._lock:
                failure = self._upload_failures.pop(0) if self._upload_failures else None
            if failure is not None:
                return failure, {"error": {"message": "simulated upload error", "type": "OAuthException",
                                           "code": 2}}, json_type, {}
            media_id = str(random.randint(10**15, 10**16 - 1))
            self.media[media_id] = (upload["content"], upload["fields"]["type"])
            return 200, {"id": media_id}, json_type, {}
        if method == "GET" and len(parts) == 2 and parts[0] == VERSION:
            media = self.media.get(parts[1])
            if media is None:
                return 404, {"error": {"message": "Unsupported get request", "code": 100}}, json_type, {}
            content, mime_type = media
            return 200, {"messaging_product": "whatsapp", "url": f"{self.base}/download/{parts[1]}?ext=1",
                         "mime_type": mime_type, "sha256": hashlib.sha256(content).hexdigest(),
                         "file_size": len(content), "id": parts[1]}, json_type, {}
        if method == "GET" and len(parts) == 2 and parts[0] == "download":
            media = self.media.get(parts[1])
            if media is None:
                return 404, b"not found", "text/plain", {}
            return 200, media[0], media[1], {}
        return 404, {"error": {"message": "Unknown path", "code": 100}}, json_type, {}


def parse_multipart(content_type: str, raw: bytes) -> dict[str, Any] | None:
    """A multipart/form-data body as {"fields", "filename", "content_type", "content"}; None otherwise."""
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    if not message.is_multipart():
        return None
    found: dict[str, Any] = {"fields": {}, "filename": None, "content_type": None, "content": None}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        data = part.get_payload(decode=True) or b""
        if filename is not None or name == "file":
            found.update(filename=filename, content_type=part.get_content_type(), content=data)
        elif name:
            found["fields"][name] = data.decode("utf-8", "replace")
    return found


# --- webhook side ---------------------------------------------------------------

def sign(raw: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def new_wa_id() -> str:
    """A made-up Indonesian WhatsApp id, unique per test."""
    return "6289" + "".join(random.choice("0123456789") for _ in range(9))


def sample(name: str, wa_id: str | None = None) -> dict[str, Any]:
    """A sample delivery with the sender replaced by ``wa_id`` and fresh message ids."""
    data = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    text = json.dumps(data)
    if wa_id:
        text = text.replace(SAMPLE_WA_ID, wa_id)
    data = json.loads(text)
    suffix = uuid.uuid4().hex[:10].upper()
    for entry in data["entry"]:
        for change in entry["changes"]:
            for message in change["value"].get("messages", []):
                message["id"] = f"{message['id']}.{suffix}"
                message["timestamp"] = str(int(time.time()))
    return data


def message_ids(delivery: dict[str, Any]) -> list[str]:
    return [m["id"] for e in delivery["entry"] for c in e["changes"] for m in c["value"].get("messages", [])]


def first_message(delivery: dict[str, Any]) -> dict[str, Any]:
    return delivery["entry"][0]["changes"][0]["value"]["messages"][0]


def post_signed(url: str, payload: Any, secret: str = APP_SECRET, raw: bytes | None = None,
                signature: str | None = None) -> requests.Response:
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    headers["X-Hub-Signature-256"] = signature if signature is not None else sign(body, secret)
    return requests.post(url, data=body, headers=headers, timeout=30)


def whatsapp_env(graph) -> dict[str, str]:
    """Real-mode WhatsApp settings pointing at the fake Graph API (fast retries)."""
    return {
        "WHATSAPP_SANDBOX": "0",
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_API_URL": graph.api_url,
        "WHATSAPP_TEMPLATE_NAME": TEMPLATE_NAME,
        "WHATSAPP_TEMPLATE_LANG": "id",
        "WHATSAPP_RETRY_BASE_DELAY": "0.05",
        "WHATSAPP_MAX_ATTEMPTS": "4",
    }
