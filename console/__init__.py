"""SI KoKoM officer console (konsol petugas).

A Flask web app in Indonesian for the officers of the kelurahan: take over
conversations the assistant escalated, reply over WhatsApp, and process the
complaints, document requests and consultations the assistant collected.

The console's tables live in :mod:`kokom.console_tables`, beside the domain tables,
so the one migration history never imports this package.
"""
