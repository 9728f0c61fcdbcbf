"""`make cluster`: the production shape on this machine, behind Debian's nginx on loopback.

Starts two action servers, two Rasa servers (``deploy/credentials.yml``: the signed WhatsApp
webhook and the ops routes, no REST; ``deploy/endpoints.yml``: action server per instance from
``KOKOM_ACTION_URL``, conversations in PostgreSQL, the conversation lock in Redis), the officer
console under gunicorn (``deploy/gunicorn.conf.py``) and nginx with ``deploy/nginx-kokom.conf``
rendered for loopback without TLS (both upstream lines enabled; :func:`render_site`), all with
``KOKOM_ENV=production`` and one WhatsApp spool folder shared by both instances.

    make cluster                       # nginx on http://127.0.0.1:8080
    .venv/bin/python scripts/cluster.py --model models/kokom-....tar.gz [--port 8080] [--instances 2]

PostgreSQL and Redis: ``DATABASE_URL``, ``TRACKER_DATABASE_URL`` and ``REDIS_URL`` when set,
else the local servers (``postgresql://postgres@127.0.0.1:5432/kokom_cluster`` and
``.../kokom_cluster_rasa``, created when missing; ``redis://127.0.0.1:6379/1``). Without
``WHATSAPP_ACCESS_TOKEN``/``WHATSAPP_APP_SECRET`` a fake Graph API (harness/fake_graph.py) plays
Meta on loopback: the channel runs its real (non-sandbox) code path, signed deliveries in, HTTP
sends out (post one with ``../shared/tools/post_webhook.py URL sample.json --secret S``; the
secret is printed). A process that dies is started again (scripts/run.py's supervisor); Ctrl-C
or SIGTERM stops everything. The tests (tests/test_cluster_nginx.py) and the benchmark
(bench/instances.py --nginx) start the same :class:`Cluster`.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from kokom.processes import signal_group, stop_groups  # noqa: E402

DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432"
DEFAULT_REDIS = "redis://127.0.0.1:6379/1"


# --- nginx: deploy/nginx-kokom.conf for loopback ------------------------------------------------

def render_site(template: str, rasa_ports: list[int], console_port: int, listen: str) -> str:
    """The production site, changed only where this machine differs: every Rasa port in the
    upstream (the first server line is the model for each), plain HTTP on ``listen`` (no
    redirect server, no certificates), the console's port."""
    upstream = re.search(r"upstream kokom_rasa \{(.*?)\n\}", template, re.S)
    if upstream is None:
        raise ValueError("deploy/nginx-kokom.conf has no 'upstream kokom_rasa' block")
    model = re.search(r"^\s*server 127\.0\.0\.1:\d+(?P<params>[^;]*);", upstream.group(1), re.M)
    if model is None:
        raise ValueError("the kokom_rasa upstream has no enabled 'server 127.0.0.1:PORT ...;' line")
    servers = "".join(f"\n    server 127.0.0.1:{port}{model.group('params')};" for port in rasa_ports)
    site = template[:upstream.start()] + "upstream kokom_rasa {" + servers + "\n}" + template[upstream.end():]
    # The port-80 redirect to HTTPS: nothing to redirect to here.
    site, redirects = re.subn(r"server \{\s*listen 80;[^{}]*?return 301[^{}]*?\}\n*", "", site, flags=re.S)
    site, listens = re.subn(r"listen 443 ssl;", f"listen {listen};", site)
    site = re.sub(r"^\s*ssl_\w+\s[^;]*;[^\n]*\n", "", site, flags=re.M)
    site = site.replace("proxy_pass http://127.0.0.1:5002;", f"proxy_pass http://127.0.0.1:{console_port};")
    if redirects != 1 or listens != 1 or "ssl" in re.sub(r"#[^\n]*", "", site):
        raise ValueError("deploy/nginx-kokom.conf changed shape: update scripts/cluster.py render_site")
    return site


def nginx_conf(site: Path, workdir: Path, temp: Path) -> str:
    """The main nginx.conf around the site: foreground, files in ``workdir``, an access log with
    only the upstream each request went to (no URLs: console URLs carry residents' numbers)."""
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\ndaemon off;\npid {workdir}/nginx.pid;\nerror_log {workdir}/nginx-error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    log_format kokom_upstream '$msec|$request_method|$status|$upstream_addr|$upstream_status';\n"
        f"    access_log {workdir}/nginx-access.log kokom_upstream;\n"
        "    default_type application/octet-stream;\n"
        + "".join(f"    {kind}_temp_path {temp}/{kind};\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"    include {site};\n"
        "}\n"
    )


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None)


# --- databases --------------------------------------------------------------------------------

def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist (SQLite: nothing to do)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": parsed.database}).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


# --- the cluster ------------------------------------------------------------------------------

class Cluster:
    """Action servers, Rasa servers, console and nginx as subprocesses (each its own process group)."""

    def __init__(self, model: str, workdir: Path, *, instances: int = 2, port: int = 8080,
                 rasa_ports: list[int] | None = None, action_ports: list[int] | None = None,
                 console_port: int = 5002, env: dict[str, str] | None = None, console: bool = True) -> None:
        self.model = str(model)
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port
        self.rasa_ports = (rasa_ports or [5005 + i for i in range(instances)])[:instances]
        self.action_ports = (action_ports or [5055 + i for i in range(instances)])[:instances]
        self.console_port = console_port
        self.with_console = console
        self.procs: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, tuple[list[str], dict[str, str]]] = {}
        self._temp: str | None = None
        base = dict(os.environ, **(env or {}))
        from kokom import settings

        self.env = dict(
            base,
            PYTHONPATH=str(ROOT),
            KOKOM_ENV=base.get("KOKOM_ENV") or "production",
            KOKOM_LOG_FORMAT=base.get("KOKOM_LOG_FORMAT") or "json",
            DATABASE_URL=base.get("DATABASE_URL") or f"{DEFAULT_PG}/kokom_cluster",
            TRACKER_DATABASE_URL=base.get("TRACKER_DATABASE_URL") or f"{DEFAULT_PG}/kokom_cluster_rasa",
            # REDIS_URL="" passed in ``env``: no Redis (each Rasa its in-memory lock; tests without Redis).
            REDIS_URL=(env or {})["REDIS_URL"] if "REDIS_URL" in (env or {}) else base.get("REDIS_URL") or DEFAULT_REDIS,
            KOKOM_LOCK_PREFIX=base.get("KOKOM_LOCK_PREFIX") or "kokomcluster",
            # One folder for both instances: any instance may receive any delivery (kokom/whatsapp/spool.py).
            WHATSAPP_SPOOL_DIR=base.get("WHATSAPP_SPOOL_DIR") or str(self.workdir / "whatsapp-spool"),
            KOKOM_CONSOLE_TRUST_PROXY="1",
            KOKOM_CONSOLE_BIND=f"127.0.0.1:{console_port}",
            RASA_URL=f"http://127.0.0.1:{self.rasa_ports[0]}",
            RASA_TELEMETRY_ENABLED="false",
        )
        # Secrets travel in the environment, never on a command line (generated into var/ once).
        if not self.env.get("RASA_TOKEN"):
            self.env["RASA_TOKEN"] = settings.rasa_token()
        if not self.env.get("KOKOM_ACTION_TOKEN"):
            self.env["KOKOM_ACTION_TOKEN"] = settings.action_token()
        if not self.env.get("KOKOM_CONSOLE_SECRET"):
            self.env["KOKOM_CONSOLE_SECRET"] = settings.console_secret()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/webhooks/whatsapp/webhook"

    def rasa_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[index]}"

    # --- processes ------------------------------------------------------------------------
    def _spawn(self, name: str) -> subprocess.Popen:
        cmd, env = self.commands[name]
        log = (self.workdir / f"{name}.log").open("a")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def _define(self) -> None:
        for i, (rasa_port, action_port) in enumerate(zip(self.rasa_ports, self.action_ports)):
            self.commands[f"actions-{action_port}"] = (
                [sys.executable, str(ROOT / "scripts" / "action_server.py"), "--actions", "actions",
                 "--port", str(action_port)], self.env)
            rasa_env = dict(self.env, KOKOM_ACTION_URL=f"http://127.0.0.1:{action_port}/webhook",
                            KOKOM_INSTANCE_ID=f"cluster:{rasa_port}")
            self.commands[f"rasa-{rasa_port}"] = (
                [sys.executable, str(ROOT / "scripts" / "rasa_server.py"), "run", "--model", self.model,
                 "--enable-api", "--port", str(rasa_port), "--credentials", str(DEPLOY / "credentials.yml"),
                 "--endpoints", str(DEPLOY / "endpoints.yml")], rasa_env)
        if self.with_console:
            self.commands["console"] = ([str(BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"),
                                         "console.wsgi:app"], self.env)
        nginx = nginx_binary()
        if nginx is None:
            raise SystemExit("nginx is not installed: apt-get install nginx-light (make cluster does it)")
        self._temp = tempfile.mkdtemp(prefix="kokom-nginx-")
        if os.geteuid() == 0:  # the workers run as nobody: their buffers must be theirs
            shutil.chown(self._temp, "nobody", "nogroup")
        site = self.workdir / "nginx-site.conf"
        site.write_text(render_site((DEPLOY / "nginx-kokom.conf").read_text(), self.rasa_ports, self.console_port,
                                    f"127.0.0.1:{self.port}"))
        main = self.workdir / "nginx.conf"
        main.write_text(nginx_conf(site, self.workdir, Path(self._temp)))
        # -e: the error log from the start (before the configuration is read), not /var/log/nginx.
        check = subprocess.run([nginx, "-t", "-e", str(self.workdir / "nginx-error.log"), "-c", str(main)],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx configuration refused:\n{check.stderr}")
        self.commands["nginx"] = ([nginx, "-e", str(self.workdir / "nginx-error.log"), "-c", str(main)], self.env)

    def start(self, timeout: float = 300.0) -> None:
        ensure_database(self.env["DATABASE_URL"])
        ensure_database(self.env["TRACKER_DATABASE_URL"])
        # Migrate once before two Rasa instances and the console start (each would try at once).
        subprocess.run([sys.executable, "-c", "from kokom.db import init_db; init_db()"], cwd=ROOT, env=self.env,
                       check=True, timeout=180)
        self._define()
        for name in self.commands:
            self._spawn(name)
        deadline = time.time() + timeout
        for port in self.action_ports:
            self._wait(f"actions-{port}", f"http://127.0.0.1:{port}/health", deadline)
        for i, port in enumerate(self.rasa_ports):
            self._wait(f"rasa-{port}", f"{self.rasa_url(i)}/webhooks/ops/readyz", deadline, ok_only=True)
        if self.with_console:
            self._wait("console", f"http://127.0.0.1:{self.console_port}/login", deadline)
        self._wait("nginx", f"{self.url}/webhooks/whatsapp/webhook?hub.mode=subscribe", deadline)

    def _wait(self, name: str, url: str, deadline: float, ok_only: bool = False) -> None:
        while True:
            proc = self.procs[name]
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited ({proc.returncode}):\n{self.log_tail(name)}")
            try:
                status = requests.get(url, timeout=5).status_code
                if status == 200 or (not ok_only and status < 500):
                    return
            except requests.RequestException:
                pass
            if time.time() > deadline:
                raise RuntimeError(f"{name} not ready at {url}:\n{self.log_tail(name)}")
            time.sleep(0.5)

    def log_tail(self, name: str, chars: int = 4000) -> str:
        try:
            return (self.workdir / f"{name}.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill one process (``rasa-5005``, ``actions-5055``, ``console``, ``nginx``), as in a crash."""
        proc = self.procs[name]
        signal_group(proc, sig)
        proc.wait(timeout=60)

    def restart(self, name: str, timeout: float = 300.0) -> None:
        self._spawn(name)
        if name.startswith("rasa-"):
            index = self.rasa_ports.index(int(name.split("-")[1]))
            self._wait(name, f"{self.rasa_url(index)}/webhooks/ops/readyz", time.time() + timeout, ok_only=True)

    def supervise(self, stop: threading.Event, first_delay: float = 1.0, max_delay: float = 60.0) -> None:
        """Start again every process that dies (back-off per process), until ``stop`` is set."""
        delay = {name: first_delay for name in self.commands}
        due: dict[str, float] = {}
        while not stop.wait(1.0):
            for name, proc in list(self.procs.items()):
                if proc.poll() is None:
                    continue
                now = time.time()
                if name not in due:
                    due[name] = now + delay[name]
                    print(f"[cluster] {name} stopped (exit {proc.returncode}); starting it again in "
                          f"{delay[name]:.0f} s", file=sys.stderr, flush=True)
                elif now >= due.pop(name):
                    self._spawn(name)
                    delay[name] = min(max_delay, delay[name] * 2)
                    print(f"[cluster] {name} started again", file=sys.stderr, flush=True)

    def stop(self) -> None:
        # nginx first (no new deliveries), then Rasa (finishes its turn), then the rest.
        order = sorted(self.procs, key=lambda n: (n != "nginx", not n.startswith("rasa-"), n))
        stop_groups([self.procs[name] for name in order], grace=30)
        if self._temp:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=os.environ.get("KOKOM_MODEL", ""))
    parser.add_argument("--port", type=int, default=8080, help="nginx on 127.0.0.1:PORT (default 8080)")
    parser.add_argument("--instances", type=int, default=2, choices=(1, 2, 3, 4))
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "cluster")
    args = parser.parse_args()
    model = args.model or max((str(p) for p in (ROOT / "models").glob("kokom-*.tar.gz")),
                              key=lambda p: Path(p).stat().st_mtime, default="")
    if not model:
        raise SystemExit("no model: run make train")
    from kokom.privacy import secure_process

    secure_process()
    env: dict[str, str] = {}
    graph = None
    if not (os.environ.get("WHATSAPP_ACCESS_TOKEN") or os.environ.get("WHATSAPP_APP_SECRET")):
        from harness.fake_graph import APP_SECRET, FakeGraph, whatsapp_env

        graph = FakeGraph().start()
        env.update(whatsapp_env(graph))
    cluster = Cluster(model, args.workdir, instances=args.instances, port=args.port, env=env)
    stop = threading.Event()
    # Ctrl-C (also when started from a script that ignores SIGINT in the background) and SIGTERM.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        cluster.start()
        print(f"\nSI KoKoM cluster ({args.instances} Rasa + {args.instances} action servers, console, nginx):\n"
              f"  nginx (the only door):  {cluster.url}\n"
              f"  WhatsApp webhook:       {cluster.webhook_url}\n"
              f"  officer console:        http://localhost:{args.port}/  (first admin: "
              f"DATABASE_URL={cluster.env['DATABASE_URL']} make admin ADMIN=nama)\n"
              + "".join(f"  Rasa {p}: http://127.0.0.1:{p}/webhooks/ops/readyz  actions {a}\n"
                        for p, a in zip(cluster.rasa_ports, cluster.action_ports))
              + f"  databases: {cluster.env['DATABASE_URL']}, {cluster.env['TRACKER_DATABASE_URL']}; "
                f"Redis {cluster.env['REDIS_URL']}\n"
              + (f"  fake Graph API {graph.api_url}; try: python ../shared/tools/post_webhook.py "
                 f"{cluster.webhook_url} ../shared/whatsapp-samples/text.json --secret {APP_SECRET}\n" if graph else "")
              + f"  logs: {args.workdir}/*.log\nPress Ctrl-C to stop.\n", flush=True)
        cluster.supervise(stop)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()
        if graph is not None:
            graph.stop()


if __name__ == "__main__":
    sys.exit(main())
