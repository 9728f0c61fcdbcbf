"""Secrets generated once into var/ (Rasa token, console key, sandbox app secret)."""
import stat
import threading

from kokom.local_secrets import env_or_file_secret, file_secret, read_env_or_file


def test_generated_once_private_and_shared_by_concurrent_callers(tmp_path):
    path = tmp_path / "var" / "token"
    values = []
    threads = [threading.Thread(target=lambda: values.append(file_secret(path))) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(values)) == 1 and len(values[0]) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_environment_wins_and_readers_never_generate(tmp_path, monkeypatch):
    path = tmp_path / "token"
    assert read_env_or_file("KOKOM_TEST_SECRET", path) is None and not path.exists()
    monkeypatch.setenv("KOKOM_TEST_SECRET", "from-env")
    assert env_or_file_secret("KOKOM_TEST_SECRET", path) == "from-env" and not path.exists()
