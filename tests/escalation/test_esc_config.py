"""Settings file: shipped example parses, secrets only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from escalation.config import DEFAULT_PATH, ConfigError, load_config, parse_config


def test_shipped_example_is_valid_and_safe(monkeypatch) -> None:
    monkeypatch.setenv("CONSOLE_PORT", "9123")
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:5999/")
    config = load_config(DEFAULT_PATH)
    assert config.retention_days == 30 and config.reference_prefix == "IPT"
    assert [n.name for n in config.notifiers] == ["local-files"]  # others disabled
    assert config.console.port == 9123 and config.console.host == "127.0.0.1"
    assert config.rasa.url == "http://127.0.0.1:5999"
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert "example.org" in text
    raw = yaml.safe_load(text)
    for notifier in raw["notifiers"]:
        assert not {"password", "secret", "token"} & set(notifier)


@pytest.mark.parametrize("key", ["password", "secret", "token"])
def test_literal_secrets_are_refused(key: str) -> None:
    with pytest.raises(ConfigError, match=f"{key}_env"):
        parse_config({"notifiers": [{"type": "smtp", key: "hunter2"}]})


def test_secret_comes_from_the_named_variable(monkeypatch) -> None:
    config = parse_config({"notifiers": [{"type": "webhook", "secret_env": "MY_HOOK_SECRET"}]})
    assert config.notifiers[0].secret("secret") is None
    monkeypatch.setenv("MY_HOOK_SECRET", "s3cr3t")
    assert config.notifiers[0].secret("secret") == "s3cr3t"


def test_invalid_notifiers_are_refused() -> None:
    with pytest.raises(ConfigError):
        parse_config({"notifiers": [{"type": "pigeon"}]})
    with pytest.raises(ConfigError):
        parse_config({"notifiers": [{"type": "smtp", "security": "tls1.0"}]})
    with pytest.raises(ConfigError):
        parse_config({"notifiers": [{"type": "file", "name": "a"}, {"type": "file", "name": "a"}]})


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.yml")
    assert config.retention_days == 30 and config.notifiers == ()


def test_defaults_are_the_dataclasses_and_the_environment_is_an_argument() -> None:
    from escalation.config import ConsoleConfig, EscalationConfig, OutboxConfig

    empty = parse_config({})
    assert empty.outbox == OutboxConfig() and empty.retention_days == EscalationConfig().retention_days
    assert empty.console.port == ConsoleConfig().port
    overridden = parse_config({"console": {"port": 9000}}, {"CONSOLE_PORT": "9200", "RASA_URL": "http://r:1/"})
    assert overridden.console.port == 9200 and overridden.rasa.url == "http://r:1"
    assert overridden.console.public_url == "http://127.0.0.1:9200"
    assert parse_config({"console": {"port": 9000}}).console.port == 9000


def test_an_https_console_always_has_secure_cookies():
    https = parse_config({"console": {"public_url": "https://desk.example.org", "secure_cookies": False}})
    assert https.console.secure_cookies is True
    plain = parse_config({"console": {"public_url": "http://127.0.0.1:8090"}})
    assert plain.console.secure_cookies is False
    assert parse_config({"console": {"secure_cookies": True}}).console.secure_cookies is True
