"""Meta's webhook signature: ``X-Hub-Signature-256: sha256=HMAC_SHA256(app_secret, raw body)``."""
from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Hub-Signature-256"
PREFIX = "sha256="


def sign(secret: str, raw_body: bytes) -> str:
    """The header value Meta sends for ``raw_body``."""
    return PREFIX + hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


def verify(secret: str, raw_body: bytes, header_value: str | None) -> bool:
    """Constant-time check of the header against the raw body; False when anything is missing."""
    if not secret or not header_value:
        return False
    header_value = header_value.strip()
    if not header_value.lower().startswith(PREFIX):
        return False
    expected = hmac.new(secret.encode("utf-8"), raw_body or b"", hashlib.sha256).hexdigest()
    received = header_value[len(PREFIX):].strip().lower()
    return hmac.compare_digest(expected.encode("ascii"), received.encode("ascii", "replace"))
