"""The production files in deploy/ stay consistent with the code they start (docs/deploy.md)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def test_units_start_files_that_exist_and_are_hardened():
    assert {u.name for u in UNITS} >= {"kokom-rasa@.service", "kokom-actions@.service", "kokom-console.service",
                                       "kokom-retention.service", "kokom-backup.service"}
    for unit in UNITS:
        body = unit.read_text()
        start = re.search(r"^ExecStart=(.+)$", body, re.M).group(1)
        for arg in start.split():
            if arg.startswith(("scripts/", "deploy/")):
                assert (ROOT / arg).exists(), (unit.name, arg)
        module = re.search(r"-m (kokom\.\w+)", start)
        if module:
            assert (ROOT / (module.group(1).replace(".", "/") + ".py")).exists()
        for option in ("User=kokom", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                       "UMask=0077", "EnvironmentFile=/etc/kokom/kokom.env"):
            assert option in body, (unit.name, option)
        if "Type=oneshot" not in body:
            assert "Restart=on-failure" in body, unit.name


def test_rasa_unit_uses_the_production_channels_and_endpoints():
    body = (DEPLOY / "systemd" / "kokom-rasa@.service").read_text()
    assert "--credentials deploy/credentials.yml" in body and "--endpoints deploy/endpoints.yml" in body
    channels = yaml.safe_load((DEPLOY / "credentials.yml").read_text())
    assert set(channels) == {"channels.whatsapp.WhatsAppInput", "channels.ops.OpsInput"}  # no REST
    endpoints = yaml.safe_load((DEPLOY / "endpoints.yml").read_text())
    assert endpoints["lock_store"]["type"] == "kokom.lock_store.UrlLockStore"
    assert endpoints["tracker_store"]["type"] == "kokom.tracker_store.UrlSQLTrackerStore"
    assert endpoints["action_endpoint"]["url"] == "${KOKOM_ACTION_URL}"


def test_rasa_instances_share_one_spool_and_have_their_own_names():
    body = (DEPLOY / "systemd" / "kokom-rasa@.service").read_text()
    spool = re.search(r"^Environment=WHATSAPP_SPOOL_DIR=(\S+)$", body, re.M).group(1)
    assert "%i" not in spool  # any instance may receive any delivery (kokom/whatsapp/spool.py)
    assert re.search(r"^Environment=KOKOM_INSTANCE_ID=\S*%i", body, re.M)


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_units_parse(tmp_path):
    for unit in [*UNITS, *sorted((DEPLOY / "systemd").glob("*.timer"))]:
        result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True,
                                text=True, cwd=tmp_path)
        problems = [line for line in result.stderr.splitlines()
                    if line.strip() and not re.search(r"not executable|No such file|kokom\.target|Failed to prepare|"
                                                      r"\.service: Unit .* not found|kokom-.*\.service", line)]
        assert not problems, (unit.name, problems)


def test_nginx_refuses_metrics_and_readiness_from_outside():
    conf = (DEPLOY / "nginx-kokom.conf").read_text()
    for path in ("/metrics", "/readyz"):
        assert re.search(rf"location = {re.escape(path)} \{{\s*return 404;", conf), path
    assert "location /webhooks/ {\n        return 404;" in conf


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx not installed")
def test_nginx_configuration_is_valid(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=test"], check=True, capture_output=True)
    site = (DEPLOY / "nginx-kokom.conf").read_text()
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run(["nginx", "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
