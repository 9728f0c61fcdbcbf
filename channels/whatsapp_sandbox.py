"""The sandbox simulator's web routes, added to the WhatsApp channel's blueprint.

Served only in sandbox mode without real credentials and outside production
(:attr:`kokom.whatsapp.config.WhatsAppConfig.serve_simulator`), and only to direct
loopback clients: a request relayed by a proxy is refused, because the simulator
posts webhook deliveries as any resident. The page sends deliveries shaped and
signed exactly as Meta's to the real webhook route, so the real verification and
handling code runs.
"""
from __future__ import annotations

import json
from typing import Any

from kokom.validators import normalize_wa_id
from kokom.whatsapp import payloads
from kokom.whatsapp.config import SANDBOX_DISPLAY_NUMBER, WhatsAppConfig
from kokom.whatsapp.sandbox import STATIC_DIR, SandboxMedia, build_sandbox_message, timeline


def add_routes(blueprint: Any, cfg: WhatsAppConfig, webhook_path: str = "/webhook") -> None:
    """The simulator page and its endpoints (call only in sandbox mode)."""
    from sanic import response

    media = SandboxMedia(cfg)

    from kokom.netguard import is_direct_loopback

    if not cfg.serve_simulator:
        raise RuntimeError("the simulator is only served in sandbox mode without real credentials")

    def allowed(request: Any) -> bool:
        return is_direct_loopback(request)

    def forbidden() -> Any:
        return response.json({"error": "Sandbox hanya bisa dibuka dari komputer ini."}, status=403)

    async def run_sync(fn: Any, *args: Any) -> Any:
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    @blueprint.route("/sandbox", methods=["GET"])
    async def page(request: Any) -> Any:
        if not allowed(request):
            return forbidden()
        html = (STATIC_DIR / "simulator.html").read_text(encoding="utf-8")
        return response.html(html, headers={"Cache-Control": "no-store"})

    @blueprint.route("/sandbox/info", methods=["GET"])
    async def info(request: Any) -> Any:
        if not allowed(request):
            return forbidden()
        name = "Kelurahan"
        try:
            from kokom.office import load_office

            name = f"Kelurahan {load_office().name}".replace("Kelurahan Kelurahan", "Kelurahan")
        except Exception:  # noqa: BLE001 - a title is not worth an error
            pass
        return response.json({"office": name, "display_phone_number": SANDBOX_DISPLAY_NUMBER})

    @blueprint.route("/sandbox/send", methods=["POST"])
    async def send(request: Any) -> Any:
        if not allowed(request):
            return forbidden()
        data = request.json if isinstance(request.json, dict) else {}
        wa_id = normalize_wa_id(str(data.get("wa_id") or ""))
        if not wa_id:
            return response.json({"error": "Nomor WhatsApp tidak valid (contoh: 081234567890)."}, status=400)
        try:
            message = build_sandbox_message(data)
        except ValueError as exc:
            return response.json({"error": str(exc)}, status=400)
        name = str(data.get("name") or "").strip()[:100] or None
        delivery = payloads.build_delivery(wa_id, message, profile_name=name, phone_number_id=cfg.phone_number_id,
                                           display_phone_number=SANDBOX_DISPLAY_NUMBER)
        raw = json.dumps(delivery, ensure_ascii=False).encode("utf-8")
        from kokom.whatsapp.signature import HEADER, sign

        info = request.conn_info
        scheme = "https" if info and info.ssl else "http"
        prefix = request.path[: -len("/sandbox/send")]  # the channel's mount point, e.g. /webhooks/whatsapp
        url = f"{scheme}://{info.server if info else '127.0.0.1'}{prefix}{webhook_path}"
        import aiohttp

        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            async with session.post(url, data=raw, headers={"Content-Type": "application/json",
                                                            HEADER: sign(cfg.app_secret, raw)}, ssl=False) as resp:
                status = resp.status
        wamid = delivery["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
        return response.json({"ok": status == 200, "status": status, "wamid": wamid, "wa_id": wa_id},
                             status=200 if status == 200 else 502)

    @blueprint.route("/sandbox/upload", methods=["POST"])
    async def upload(request: Any) -> Any:
        if not allowed(request):
            return forbidden()
        upload_file = request.files.get("file") if request.files else None
        if upload_file is None:
            return response.json({"error": "Pilih file foto."}, status=400)
        try:
            meta = await run_sync(media.save, upload_file.body)
        except ValueError as exc:
            return response.json({"error": str(exc)}, status=400)
        return response.json({"media_id": meta["id"], "mime_type": meta["mime_type"], "sha256": meta["sha256"]})

    @blueprint.route("/sandbox/media/<media_id>", methods=["GET"])
    async def media_file(request: Any, media_id: str) -> Any:
        if not allowed(request):
            return forbidden()
        found = await run_sync(media.content, media_id)
        if found is None:
            return response.json({"error": "not found"}, status=404)
        content, mime_type = found
        return response.raw(content, content_type=mime_type, headers={"Cache-Control": "private, max-age=3600"})

    @blueprint.route("/sandbox/messages", methods=["GET"])
    async def messages(request: Any) -> Any:
        if not allowed(request):
            return forbidden()
        wa_id = normalize_wa_id(request.args.get("wa_id", ""))
        if not wa_id:
            return response.json({"error": "Nomor WhatsApp tidak valid."}, status=400)
        items = await run_sync(timeline, wa_id)
        return response.json({"wa_id": wa_id, "items": items}, headers={"Cache-Control": "no-store"})

