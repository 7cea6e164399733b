"""Escalation settings, read from ``settings/escalation.yml``.

The path comes from ``ESCALATION_SETTINGS``. Secrets are never read from the
file: each secret is taken from the environment variable the file names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from supervisor import HOST, Ports

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = REPO_ROOT / "settings" / "escalation.yml"
ENV_VAR = "ESCALATION_SETTINGS"
NOTIFIER_TYPES = ("smtp", "webhook", "file")
SMTP_SECURITY = ("starttls", "ssl", "none")
_FORBIDDEN_LITERALS = ("password", "secret", "token", "api_key")


class ConfigError(ValueError):
    """The escalation settings file is invalid."""


@dataclass(frozen=True)
class NotifierConfig:
    """One notification channel; ``options`` holds the type-specific keys."""

    name: str
    type: str
    options: dict[str, Any] = field(default_factory=dict)

    def secret(self, key: str) -> str | None:
        """Value of the environment variable named by ``<key>_env``."""
        env_name = self.options.get(f"{key}_env")
        return os.environ.get(str(env_name)) if env_name else None


@dataclass(frozen=True)
class OutboxConfig:
    """Retry policy of the outbox worker."""

    max_attempts: int = 20
    backoff_base_seconds: float = 10.0
    backoff_max_seconds: float = 900.0
    lease_seconds: float = 120.0
    poll_interval_seconds: float = 2.0


@dataclass(frozen=True)
class AgentConfig:
    """A console agent: a stored hash, or a password from the environment."""

    name: str
    password_hash: str | None = None
    password_env: str | None = None
    dev_default_password: str | None = None


@dataclass(frozen=True)
class ConsoleConfig:
    """Agent console web server."""

    host: str = "127.0.0.1"
    port: int = Ports().console
    public_url: str = f"http://{HOST}:{Ports().console}"
    session_hours: float = 8.0
    refresh_seconds: float = 3.0
    secure_cookies: bool = False
    agents: tuple[AgentConfig, ...] = ()


@dataclass(frozen=True)
class RasaConfig:
    """Where the Rasa HTTP API is and which variable holds its token."""

    url: str = f"http://{HOST}:{Ports().rasa}"
    token_env: str = "RASA_AUTH_TOKEN"

    @property
    def token(self) -> str | None:
        """The Rasa auth token from the environment, if set."""
        return os.environ.get(self.token_env) or None


@dataclass(frozen=True)
class EscalationConfig:
    """All escalation settings."""

    reference_prefix: str = "IPT"
    retention_days: int = 30
    #: Beyond this many tickets in an hour, a conversation gets its latest one
    #: back instead of a new ticket and new notifications.
    tickets_per_conversation_per_hour: int = 3
    notifiers: tuple[NotifierConfig, ...] = ()
    outbox: OutboxConfig = OutboxConfig()
    console: ConsoleConfig = ConsoleConfig()
    rasa: RasaConfig = RasaConfig()

    def notifier(self, name: str) -> NotifierConfig | None:
        """The enabled notifier called ``name``, if any."""
        return next((n for n in self.notifiers if n.name == name), None)


def _check_no_literal_secrets(where: str, raw: dict[str, Any]) -> None:
    for key in raw:
        if key in _FORBIDDEN_LITERALS:
            raise ConfigError(
                f"{where}: '{key}' must not be written in the file; "
                f"use '{key}_env' with the name of an environment variable"
            )


def _notifiers(raw: list[dict[str, Any]]) -> tuple[NotifierConfig, ...]:
    result: list[NotifierConfig] = []
    for index, item in enumerate(raw or []):
        where = f"notifiers[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: expected a mapping")
        _check_no_literal_secrets(where, item)
        kind = str(item.get("type", "")).lower()
        if kind not in NOTIFIER_TYPES:
            raise ConfigError(f"{where}: type must be one of {NOTIFIER_TYPES}")
        name = str(item.get("name") or kind)
        if any(n.name == name for n in result):
            raise ConfigError(f"{where}: duplicate notifier name '{name}'")
        if kind == "smtp":
            security = str(item.get("security", "starttls")).lower()
            if security not in SMTP_SECURITY:
                raise ConfigError(f"{where}: security must be one of {SMTP_SECURITY}")
        if not item.get("enabled", True):
            continue
        options = {k: v for k, v in item.items() if k not in ("name", "type", "enabled")}
        result.append(NotifierConfig(name=name, type=kind, options=options))
    return tuple(result)


def _agents(raw: list[dict[str, Any]]) -> tuple[AgentConfig, ...]:
    agents = []
    for index, item in enumerate(raw or []):
        _check_no_literal_secrets(f"console.agents[{index}]", item)
        agents.append(
            AgentConfig(
                name=str(item["name"]),
                password_hash=item.get("password_hash") or None,
                password_env=item.get("password_env") or None,
                dev_default_password=item.get("dev_default_password") or None,
            )
        )
    return tuple(agents)


def _value(section: Mapping[str, Any], key: str, default: Any) -> Any:
    """``section[key]`` converted to the type of ``default``; the default when absent or empty."""
    value = section.get(key)
    if value is None or value == "":
        return default
    return type(default)(value)


def parse_config(raw: dict[str, Any], environ: Mapping[str, str] = MappingProxyType({})) -> EscalationConfig:
    """Build the settings from the parsed YAML mapping and the given environment.

    Every default is the dataclass's own. The environment is an argument (the
    loader passes ``os.environ``): ``CONSOLE_PORT`` and ``RASA_URL`` override
    the file.
    """
    tickets = raw.get("tickets") or {}
    outbox = raw.get("outbox") or {}
    console = raw.get("console") or {}
    rasa = raw.get("rasa") or {}
    _check_no_literal_secrets("rasa", rasa)
    base, box, desk, assistant = EscalationConfig(), OutboxConfig(), ConsoleConfig(), RasaConfig()
    port = int(environ.get("CONSOLE_PORT") or _value(console, "port", desk.port))
    public_url = str(_value(console, "public_url", f"http://{desk.host}:{port}")).rstrip("/")
    return EscalationConfig(
        reference_prefix=_value(tickets, "reference_prefix", base.reference_prefix).upper(),
        retention_days=_value(tickets, "retention_days", base.retention_days),
        tickets_per_conversation_per_hour=int(_value(
            tickets, "per_conversation_per_hour", base.tickets_per_conversation_per_hour)),
        notifiers=_notifiers(raw.get("notifiers") or []),
        outbox=OutboxConfig(
            max_attempts=_value(outbox, "max_attempts", box.max_attempts),
            backoff_base_seconds=_value(outbox, "backoff_base_seconds", box.backoff_base_seconds),
            backoff_max_seconds=_value(outbox, "backoff_max_seconds", box.backoff_max_seconds),
            lease_seconds=_value(outbox, "lease_seconds", box.lease_seconds),
            poll_interval_seconds=_value(outbox, "poll_interval_seconds", box.poll_interval_seconds),
        ),
        console=ConsoleConfig(
            host=_value(console, "host", desk.host),
            port=port,
            public_url=public_url,
            session_hours=_value(console, "session_hours", desk.session_hours),
            refresh_seconds=_value(console, "refresh_seconds", desk.refresh_seconds),
            # An https console always gets Secure cookies, whatever the setting says.
            secure_cookies=bool(_value(console, "secure_cookies", desk.secure_cookies))
            or public_url.lower().startswith("https://"),
            agents=_agents(console.get("agents") or []),
        ),
        rasa=RasaConfig(
            url=str(environ.get("RASA_URL") or _value(rasa, "url", assistant.url)).rstrip("/"),
            token_env=_value(rasa, "token_env", assistant.token_env),
        ),
    )


def config_path() -> Path:
    """Path of the settings file in use."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


def load_config(path: Path | None = None) -> EscalationConfig:
    """Read the settings file (a missing file gives the defaults)."""
    target = Path(path or config_path())
    if not target.exists():
        return parse_config({}, os.environ)
    with open(target, encoding="utf-8") as handle:
        return parse_config(yaml.safe_load(handle) or {}, os.environ)


def resolve_path(value: str) -> Path:
    """A path from the settings; relative paths are relative to the repository."""
    path = Path(value)
    return path if path.is_absolute() else REPO_ROOT / path
