"""The WhatsApp Business Cloud API channel of SI KoKoM.

- ``config``: settings from environment variables (one place), sandbox detection.
- ``payloads``: Meta webhook deliveries -> normalised inbound messages and status events.
- ``signature``: X-Hub-Signature-256 check.
- ``formatting``: bot messages -> Cloud API message payloads (WhatsApp's limits).
- ``mediafiles``: files sent to residents: type from the content, WhatsApp's size limits.
- ``client``: sending with retries, template fallback and recording (async and sync), media upload.
- ``store``: database access (de-duplication, outbound records, statuses, numbered menus).
- ``spool``: acknowledged deliveries on disk until recorded (the 200 never waits on the database).
- ``inbound``: recording spooled deliveries and handling messages in order per sender.
- ``outbound``: the synchronous API the officer console uses.
- ``sandbox``: the local simulator (no WhatsApp account needed).

The Rasa channel itself is ``channels/whatsapp.py``.
"""
