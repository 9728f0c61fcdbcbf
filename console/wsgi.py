"""The console for a production WSGI server: ``gunicorn -c deploy/gunicorn.conf.py console.wsgi:app``.

Secure cookies and HSTS are on (``KOKOM_CONSOLE_INSECURE_COOKIES`` is ignored with
``KOKOM_ENV=production``); new files are private and NIKs are masked in the logs.
"""
from kokom.privacy import secure_process

secure_process()

from console.app import create_app  # noqa: E402

app = create_app()
