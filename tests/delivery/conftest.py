import pytest


@pytest.fixture(autouse=True)
def _log_keys_in_tmp(settings, tmp_path, monkeypatch):
    """Each test's signing keys live in its own directory; no key comes from the environment."""
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("LAWBRIDGE_LOG_SIGNING_KEY", raising=False)
    monkeypatch.delenv("LAWBRIDGE_LOG_ORIGIN", raising=False)
