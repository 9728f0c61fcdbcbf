"""The Graph API transport's types, shared by the client and the sandbox that stands in for Meta.

:class:`Http` is one request a sending/downloading flow asks for, :class:`HttpResult`
its answer, :class:`SendResult` what a send finally came to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Http:
    method: str
    url: str
    json: dict[str, Any] | None = None
    binary: bool = False  # download: the result carries bytes
    max_bytes: int | None = None
    # multipart upload (POST /{phone_number_id}/media): form fields and one file (name, bytes, MIME type)
    form: dict[str, str] | None = None
    file: tuple[str, bytes, str] | None = field(default=None, repr=False)


@dataclass
class HttpResult:
    status: int  # 0: no HTTP answer (network error, timeout)
    data: Any = None  # parsed JSON (or None)
    content: bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # transport error text

    @property
    def error_code(self) -> int | None:
        if isinstance(self.data, dict) and isinstance(self.data.get("error"), dict):
            try:
                return int(self.data["error"].get("code"))
            except (TypeError, ValueError):
                return None
        return None

    def describe(self) -> str:
        if self.status == 0:
            return f"Tidak dapat menghubungi WhatsApp API: {self.error or 'koneksi gagal'}"
        if isinstance(self.data, dict) and isinstance(self.data.get("error"), dict):
            err = self.data["error"]
            details = (err.get("error_data") or {}).get("details") if isinstance(err.get("error_data"), dict) else None
            text = f"{err.get('code')}: {err.get('message') or err.get('type') or 'error'}"
            if details:
                text += f" — {details}"
            return f"HTTP {self.status} {text}"
        return f"HTTP {self.status}"


@dataclass(frozen=True)
class SendResult:
    ok: bool
    outbound_id: int | None
    wamid: str | None
    error: str | None
    used_template: bool = False

    @classmethod
    def failed(cls, error: str) -> "SendResult":
        """A send that did not happen (the one way to say so, with the reason for officers)."""
        return cls(ok=False, outbound_id=None, wamid=None, error=error)
