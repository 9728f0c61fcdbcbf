"""Who is asking: direct loopback clients versus anything relayed or remote.

Developer doors (the REST channel, the sandbox simulator) answer only a client on
this machine that talks to the server directly. A request relayed by a reverse proxy
carries ``X-Forwarded-For``/``Forwarded``/``X-Real-IP`` and comes from the proxy's
loopback address, so those headers alone are enough to refuse it.
"""
from __future__ import annotations

import ipaddress
from typing import Any, Mapping

PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host", "via")


def is_loopback_ip(ip: str | None) -> bool:
    text = (ip or "").strip().strip("[]")
    if text == "localhost":
        return True
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return False
    if getattr(addr, "ipv4_mapped", None):
        addr = addr.ipv4_mapped  # type: ignore[union-attr]
    return addr.is_loopback


def relayed(headers: Mapping[str, Any]) -> bool:
    lowered = {str(k).lower() for k in headers.keys()}
    return any(h in lowered for h in PROXY_HEADERS)


def is_direct_loopback(request: Any) -> bool:
    """A Sanic request from this machine, not relayed by a proxy."""
    ip = getattr(request, "ip", None)
    if not ip:
        conn = getattr(request, "conn_info", None)
        ip = getattr(conn, "client_ip", None) if conn else None
    return is_loopback_ip(ip) and not relayed(request.headers)
