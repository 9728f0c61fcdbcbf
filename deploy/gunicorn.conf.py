# gunicorn settings for the officer console in production (docs/deploy.md):
#   KOKOM_ENV=production gunicorn -c deploy/gunicorn.conf.py console.wsgi:app
# Loopback only: nginx in front terminates TLS and is the only way in.
import os

bind = os.environ.get("KOKOM_CONSOLE_BIND", "127.0.0.1:5002")
workers = int(os.environ.get("KOKOM_CONSOLE_WORKERS", "2"))
threads = 4
worker_class = "gthread"
timeout = 60
# X-Forwarded-* are believed from the local nginx only (and the console reads the client
# address from them only with KOKOM_CONSOLE_TRUST_PROXY=1).
forwarded_allow_ips = "127.0.0.1,::1"
# URLs carry residents' numbers: no access log by default.
accesslog = None
errorlog = "-"
loglevel = "info"
umask = 0o077


def post_fork(server, worker):  # noqa: ANN001, ARG001
    from kokom import logs
    from kokom.privacy import install_log_masking

    install_log_masking()
    logs.apply()  # KOKOM_LOG_FORMAT=json: JSON lines from gunicorn's and the console's loggers
