"""Log format of every process: plain text (default) or JSON lines (``KOKOM_LOG_FORMAT=json``).

A JSON line has ``ts`` (UTC, ISO 8601), ``level``, ``logger``, ``msg``, the process id
and, where known, the correlation fields of the work being done: ``request_id`` (a console
request), ``sender`` (a resident, masked: ``62812****7890``) and ``message_id`` (Meta's
message id). NIKs are already masked by :func:`kokom.privacy.install_log_masking`, which
every process installs first; message texts are never logged at info level.

:func:`apply` replaces the formatter of every handler configured so far (Rasa, Sanic and
gunicorn configure their own); processes call it after their framework set logging up.
"""
from __future__ import annotations

import contextvars
import json
import logging
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator

from kokom import settings

FORMATS = ("text", "json")

_context: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("kokom_log_context", default={})


def log_format() -> str:
    return settings.log_format()


def bind(**fields: str | None) -> contextvars.Token:
    """Add correlation fields to the current context (an asyncio task or a thread)."""
    current = dict(_context.get())
    current.update({k: str(v) for k, v in fields.items() if v})
    return _context.set(current)


def unbind(token: contextvars.Token) -> None:
    _context.reset(token)


@contextmanager
def bound(**fields: str | None) -> Iterator[None]:
    token = bind(**fields)
    try:
        yield
    finally:
        unbind(token)


def context() -> dict[str, str]:
    return dict(_context.get())


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        entry.update(getattr(record, "kokom_context", None) or context())
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


class ContextFilter(logging.Filter):
    """Text format: appends the correlation fields to the message ("[sender=... message_id=...]")."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = context()
        if fields and not getattr(record, "_kokom_ctx_done", False):
            record.msg = f"{record.getMessage()} [{' '.join(f'{k}={v}' for k, v in sorted(fields.items()))}]"
            record.args = None
            record._kokom_ctx_done = True  # type: ignore[attr-defined]
        return True


def _all_handlers() -> list[logging.Handler]:
    handlers = list(logging.getLogger().handlers)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            handlers.extend(logger.handlers)
    unique: dict[int, logging.Handler] = {id(h): h for h in handlers}
    return list(unique.values())


def apply(fmt: str | None = None) -> str:
    """Put the chosen format on every handler of the process; returns the format.

    With no handler at all yet, a stderr handler is added to the root logger first.
    """
    fmt = fmt or log_format()
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")
    for handler in _all_handlers():
        if fmt == "json":
            if not isinstance(handler.formatter, JsonFormatter):
                handler.setFormatter(JsonFormatter())
        elif not any(isinstance(f, ContextFilter) for f in handler.filters):
            handler.addFilter(ContextFilter())
    return fmt
