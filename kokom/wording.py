"""What residents read: the responses of the Rasa domain, for every part of SI KoKoM.

Rasa's convention keeps an assistant's wording in the domain (``responses:`` in
``domain.yml``) so a maintainer changes a sentence without touching code. The actions,
the WhatsApp channel and the console's messages to residents all read that one
source through :func:`text`; rules that utter a response directly are rendered by
Rasa from the same entries.

Placeholders are Rasa's: ``{name}``. :func:`text` fills them from its keyword
arguments and from the office settings (``{office_name}``, ``{office_address}``,
``{office_city}``, ``{office_kecamatan}``), so facts such as the office's name live
once, in ``office/kelurahan.yml``. A missing response or an unfilled placeholder is
a programming error (``WordingError``); ``tests/test_wording.py`` checks every
``text("...")`` call site against the domain.

The domain file is read again when it changes (mtime), like the office file, so a
reworded response reaches the channel and the console without a restart.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import yaml

from kokom import REPO_ROOT

__all__ = ["DOMAIN_FILE", "WordingError", "buttons", "has", "responses", "text"]

DOMAIN_FILE: Path = REPO_ROOT / "domain.yml"

_PLACEHOLDER = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)}")
_cache: dict[Path, tuple[tuple[int, int], dict[str, list[dict[str, Any]]]]] = {}
_lock = threading.Lock()


class WordingError(KeyError):
    """A response that does not exist, or a placeholder left without a value."""


def responses(path: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every response of the domain: name -> list of variants (Rasa's shape)."""
    file = Path(path) if path is not None else DOMAIN_FILE
    st = file.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    with _lock:
        cached = _cache.get(file)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    found = data.get("responses") or {}
    if not isinstance(found, dict):
        raise WordingError(f"{file}: responses must be a mapping")
    with _lock:
        _cache[file] = (stamp, found)
    return found


def has(name: str) -> bool:
    return name in responses()


def _variant(name: str) -> dict[str, Any]:
    variants = responses().get(name)
    if not variants:
        raise WordingError(f"no response {name!r} in {DOMAIN_FILE.name}")
    return variants[0]  # the first variant: residents get the same answer every time


def _office_values() -> dict[str, str]:
    from kokom.office import load_office  # the office module imports settings only

    cfg = load_office()
    return {
        "office_name": cfg.name,
        "office_address": cfg.public_address,  # never an [ISI ...] placeholder
        "office_city": cfg.city,
        "office_kecamatan": cfg.kecamatan,
    }


def fill(template: str, values: dict[str, Any], name: str = "?") -> str:
    """Replace ``{placeholder}``s; office values are read only when the template names one."""
    wanted = set(_PLACEHOLDER.findall(template))
    if not wanted:
        return template
    if wanted - set(values) and any(w.startswith("office_") for w in wanted):
        values = {**_office_values(), **values}
    missing = wanted - set(values)
    if missing:
        raise WordingError(f"response {name!r} needs {sorted(missing)}")
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)


def text(name: str, /, **values: Any) -> str:
    """The text of response ``name`` with its placeholders filled."""
    return fill(str(_variant(name).get("text", "")), values, name)


def buttons(name: str, /, **values: Any) -> list[dict[str, str]]:
    """The buttons of response ``name`` (titles filled like the text)."""
    return [
        {"title": fill(str(b["title"]), values, name), "payload": fill(str(b["payload"]), values, name)}
        for b in _variant(name).get("buttons") or []
    ]
