"""SI KoKoM officer console (konsol petugas).

A Flask web app in Indonesian for the officers of the kelurahan: take over
conversations the assistant escalated, reply over WhatsApp, and process the
complaints, document requests and consultations the assistant collected.

This package must stay light to import: ``kokom/migrations/env.py`` imports
:mod:`console.models` in every process (also the action server), so Flask is
only imported by :mod:`console.app` and the modules it uses.
"""
