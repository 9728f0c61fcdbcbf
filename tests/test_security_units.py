"""Privacy and door-keeping helpers: NIK masking (text and logs), private files, loopback checks."""
from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kokom.netguard import is_loopback_ip, relayed
from kokom.privacy import make_private, mask_niks

ROOT = Path(__file__).resolve().parent.parent
NIK = "3577011203850001"


@pytest.mark.parametrize("text", [
    NIK, "3577/0112/0385/0001", "3577 0112 0385 0001", "3577.0112.0385.0001", "3577-0112-0385-0001",
    "3577_0112_0385_0001", "3577 -0112 -0385 -0001", "NIK:3577011203850001,",
])
def test_every_spelling_of_a_nik_is_masked(text):
    masked = mask_niks(f"nik saya {text} ya")
    assert "0112" not in masked and "3577" in masked and "0001" in masked, masked


@pytest.mark.parametrize("text", ["081234567890", "6281234567890", "ADU-20261203-0001", "rt 02 rw 03",
                                  "1.500.000", "12345678901234567"])
def test_other_numbers_are_left_alone(text):
    assert mask_niks(text) == text


def test_logs_mask_niks_at_every_level_and_in_tracebacks(tmp_path):
    # A separate process: the record factory is process-wide.
    code = (
        "import logging, sys\n"
        "from kokom.privacy import install_log_masking\n"
        "install_log_masking()\n"
        "logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format='%(levelname)s %(message)s')\n"
        "log = logging.getLogger('x')\n"
        f"log.debug('debug %s', '3577/0112/0385/0001')\n"
        f"log.info('info {NIK}')\n"
        f"log.warning('warn %(n)s', {{'n': '{NIK}'}})\n"
        "try:\n"
        f"    raise ValueError('bad nik {NIK}')\n"
        "except ValueError:\n"
        "    log.exception('failed')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr
    assert "0112" not in out.stdout and out.stdout.count("3577") >= 4, out.stdout
    assert "ValueError" in out.stdout


def test_an_old_var_tree_is_made_private(tmp_path):
    root = tmp_path / "var"
    (root / "media" / "2026-12").mkdir(parents=True)
    (root / "kokom.db").write_text("x")
    (root / "media" / "2026-12" / "a.jpg").write_text("x")
    for p in [root, root / "media", root / "media" / "2026-12"]:
        p.chmod(0o755)
    for p in [root / "kokom.db", root / "media" / "2026-12" / "a.jpg"]:
        p.chmod(0o644)
    make_private(root)
    for p in root.rglob("*"):
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), (p, oct(mode))


def test_files_made_by_kokom_are_private_whatever_the_umask(tmp_path):
    code = (
        "import os, sys\n"
        "os.umask(0o022)\n"
        "from pathlib import Path\n"
        "from kokom.db import init_db\n"
        "from kokom.local_secrets import file_secret\n"
        "from kokom.whatsapp.spool import Spool\n"
        "from kokom.whatsapp.client import save_media_file\n"
        "d = Path(sys.argv[1])\n"
        "init_db(f'sqlite:///{d}/db/kokom.db')\n"
        "file_secret(d / 'secrets' / 'token')\n"
        "Spool(d / 'spool').put(b'{}')\n"
        "save_media_file(d / 'media', b'data', 'image/jpeg')\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr
    made = [tmp_path / "db" / "kokom.db", tmp_path / "secrets" / "token", tmp_path / "spool",
            tmp_path / "media"] + list((tmp_path / "spool").iterdir()) + list((tmp_path / "media").rglob("*"))
    for p in made:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode & 0o077 == 0, (p, oct(mode))


def test_loopback_and_relay_detection():
    assert is_loopback_ip("127.0.0.1") and is_loopback_ip("::1") and is_loopback_ip("::ffff:127.0.0.1")
    assert not is_loopback_ip("10.0.0.5") and not is_loopback_ip("") and not is_loopback_ip("127.0.0.1.evil")
    assert relayed({"X-Forwarded-For": "1.2.3.4"}) and relayed({"forwarded": "for=1.2.3.4"})
    assert relayed({"X-Real-IP": "1.2.3.4"}) and not relayed({"Host": "localhost"})


def test_the_rest_channel_refuses_to_start_in_production(monkeypatch):
    from rasa.shared.exceptions import RasaException

    from channels.rest import LocalRestInput, namespaced

    monkeypatch.setenv("KOKOM_ENV", "production")
    with pytest.raises(RasaException):
        LocalRestInput.from_credentials(None)
    monkeypatch.setenv("KOKOM_ENV", "development")
    assert isinstance(LocalRestInput.from_credentials(None), LocalRestInput)
    assert namespaced("6281234567890") == "rest:6281234567890" == namespaced("rest:6281234567890")


def test_the_simulator_is_never_served_with_real_credentials_or_in_production(monkeypatch, tmp_path):
    from kokom.whatsapp.config import load_config

    env = {"WHATSAPP_SANDBOX": "1", "WHATSAPP_SANDBOX_DIR": str(tmp_path)}
    assert load_config({}, env).serve_simulator
    assert not load_config({}, {**env, "WHATSAPP_ACCESS_TOKEN": "EAAG-real"}).serve_simulator
    assert not load_config({}, {**env, "WHATSAPP_APP_SECRET": "real-secret"}).serve_simulator
    monkeypatch.setenv("KOKOM_ENV", "production")
    assert not load_config({}, env).serve_simulator


def test_media_downloads_take_only_numeric_ids_and_meta_urls_within_the_type_limit(wa_real):
    from kokom.whatsapp.client import MediaError, SyncClient, allowed_media_url
    from kokom.whatsapp.config import load_config

    cfg = load_config({})
    client = SyncClient(cfg)
    for bad in ("../../etc/passwd", "123/../456", "abc", "", "1" * 40):
        with pytest.raises(MediaError):
            client.run(__import__("kokom.whatsapp.client", fromlist=["x"]).download_media_flow(cfg, bad))
    assert not wa_real.recorded(lambda r: r.method == "GET")  # nothing was even asked
    assert allowed_media_url(cfg, "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1")
    assert allowed_media_url(cfg, f"{wa_real.base}/download/1")  # the configured API's own host
    for url in ("http://lookaside.fbsbx.com/x", "https://evil.example/x", "https://lookaside.fbsbx.com.evil.io/x",
                "https://user:pw@lookaside.fbsbx.com/x", "file:///etc/passwd", "https://127.0.0.2/x",
                "https://lookaside.fbsbx.com:8443/x"):
        assert not allowed_media_url(cfg, url), url
    from kokom.whatsapp.client import download_media_flow

    # an image over WhatsApp's 5 MB image limit is refused before it is downloaded
    big = wa_real.add_media(b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024 + 10), "image/jpeg")
    with pytest.raises(MediaError, match="too large"):
        client.run(download_media_flow(cfg, big, "image/jpeg", "image"))
    assert not wa_real.recorded(lambda r: r.method == "GET" and "/download/" in r.path)
    # the same bytes as a document are fine (100 MB limit)
    saved = client.run(download_media_flow(cfg, big, "application/pdf", "document"))
    assert saved.size > 5 * 1024 * 1024
