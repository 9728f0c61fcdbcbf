"""Shared domain code of SI KoKoM.

The Rasa action server (``actions/``), the WhatsApp channel and the officer
console all import this package, so tickets, office hours, NIK/phone
validation, the case state machine and the database exist in one place.
"""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"
