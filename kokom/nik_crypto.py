"""NIKs at rest: encrypted (Fernet, from ``cryptography``) and found by a keyed hash.

- :class:`EncryptedNik` is the column type of ``cases.nik``: the ORM writes a Fernet token
  and reads the NIK back, so code using ``Case.nik`` is unchanged. A value that is not a
  token (a row from before migration 0009) is returned as it is, and encrypted by the
  migration or the next ``rotate-nik-key``.
- :func:`blind_index` is HMAC-SHA256 of the NIK under ``KOKOM_NIK_INDEX_KEY``: the column
  ``cases.nik_hash`` lets a lookup by NIK (an erasure request) use an index without
  decrypting every row; :func:`set_nik_hash` keeps it in step on every insert/update.
- Keys come from :func:`kokom.settings.nik_keys` (newest first; MultiFernet decrypts with
  any, encrypts with the first): :func:`rotate_all` re-encrypts every row with the newest.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

from kokom import settings

TOKEN_PREFIX = "gAAAAA"  # every Fernet token (version byte 0x80) starts so in base64
_lock = threading.Lock()
_cache: dict[tuple[str, ...], MultiFernet] = {}


def _fernet_key(secret: str) -> bytes:
    """A Fernet key from any secret of 32+ characters (a real Fernet key is used as it is)."""
    try:
        raw = base64.urlsafe_b64decode(secret.encode())
        if len(raw) == 32 and len(secret) == 44:
            return secret.encode()
    except (ValueError, TypeError):
        pass
    return base64.urlsafe_b64encode(hmac.new(b"kokom-nik-fernet", secret.encode(), hashlib.sha256).digest())


def cipher(keys: list[str] | None = None) -> MultiFernet:
    keys = keys or settings.nik_keys()
    with _lock:
        found = _cache.get(tuple(keys))
        if found is None:
            found = MultiFernet([Fernet(_fernet_key(k)) for k in keys])
            _cache[tuple(keys)] = found
        return found


def is_token(value: str | None) -> bool:
    return bool(value) and str(value).startswith(TOKEN_PREFIX)


def encrypt(nik: str | None, keys: list[str] | None = None) -> str | None:
    if nik is None or nik == "":
        return nik
    return cipher(keys).encrypt(nik.encode()).decode()


def decrypt(value: str | None, keys: list[str] | None = None) -> str | None:
    if value is None or not is_token(value):
        return value
    try:
        return cipher(keys).decrypt(value.encode()).decode()
    except InvalidToken:
        raise NikKeyError("a stored NIK cannot be decrypted: KOKOM_NIK_KEYS lacks the key it was written with")


class NikKeyError(RuntimeError):
    """The configured keys cannot read a stored NIK."""


def blind_index(nik: str | None, key: str | None = None) -> str | None:
    digits = "".join(ch for ch in (nik or "") if ch.isdigit())
    if not digits:
        return None
    secret = (key or settings.nik_index_key()).encode()
    return hmac.new(secret, digits.encode(), hashlib.sha256).hexdigest()


class EncryptedNik(TypeDecorator):
    """A NIK stored as a Fernet token (String(255))."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None or is_token(value):
            return value
        return encrypt(str(value))

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return decrypt(value)


def set_nik_hash(target: Any) -> None:
    """Mapper hook: ``nik_hash`` follows ``nik`` (see kokom.models)."""
    nik = getattr(target, "nik", None)
    target.nik_hash = blind_index(nik) if nik and not is_token(nik) else (
        blind_index(decrypt(nik)) if nik else None)


def rotate_all(connection: Any, keys: list[str] | None = None, index_key: str | None = None) -> int:
    """Re-encrypt every stored NIK with the newest key and recompute its hash; returns the rows changed.

    Works on a plain SQLAlchemy connection (also from the migration)."""
    from sqlalchemy import text

    keys = keys or settings.nik_keys()
    rows = connection.execute(text("SELECT id, nik FROM cases WHERE nik IS NOT NULL AND nik <> ''")).all()
    changed = 0
    for row_id, stored in rows:
        nik = decrypt(stored, keys)
        token = cipher(keys).encrypt(nik.encode()).decode()
        connection.execute(text("UPDATE cases SET nik = :nik, nik_hash = :h WHERE id = :id"),
                           {"nik": token, "h": blind_index(nik, index_key), "id": row_id})
        changed += 1
    return changed
