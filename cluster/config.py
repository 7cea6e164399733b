"""Cluster settings: process counts, ports, paths and the secrets (environment or generated)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping

from supervisor import ROOT, free_port

HERE = Path(__file__).resolve().parent
DATA_DIR = ROOT / "var" / "cluster"
MODEL = ROOT / "models" / "assistant.tar.gz"
ENDPOINTS = HERE / "endpoints.yml"
CREDENTIALS = ROOT / "credentials.yml"

#: Secret name -> environment variable that overrides the generated value.
SECRET_ENV = {
    "db_admin_password": "CLUSTER_DB_ADMIN_PASSWORD",
    "db_password": "TRACKER_DB_PASSWORD",
    "redis_password": "REDIS_PASSWORD",
    "rasa_auth_token": "RASA_AUTH_TOKEN",
    "action_server_token": "ACTION_SERVER_TOKEN",
    "widget_session_secret": "WIDGET_SESSION_SECRET",
}


def load_secrets(path: Path, environ: Mapping[str, str] = os.environ) -> Dict[str, str]:
    """The cluster's secrets: the environment first, then ``path`` (0600), else new ones.

    Generated values are kept in ``path`` so that a restart finds the same
    database passwords and still accepts the widget's signed session ids.
    """
    stored: Dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    values = {name: environ.get(env) or stored.get(name) or secrets.token_urlsafe(24)
              for name, env in SECRET_ENV.items()}
    if values != stored:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(values, handle)
    return values


@dataclass
class ClusterConfig:
    """Where everything lives and listens; ``from_env`` for ``make cluster``, ``ephemeral`` for tests."""

    data_dir: Path
    model: Path
    public_port: int
    actions_lb_port: int
    rasa_ports: List[int]
    actions_ports: List[int]
    postgres_port: int
    redis_port: int
    credentials: Path = CREDENTIALS
    endpoints: Path = ENDPOINTS
    with_web: bool = True
    lock_store: bool = True
    startup_timeout: float = 300.0
    extra_env: Dict[str, str] = field(default_factory=dict)
    cors: List[str] = field(default_factory=list)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "ClusterConfig":
        """``CLUSTER_RASA``/``CLUSTER_ACTIONS`` (default 2 each), ``CLUSTER_PORT`` (5005) and the rest."""
        rasa, actions = int(environ.get("CLUSTER_RASA", 2)), int(environ.get("CLUSTER_ACTIONS", 2))
        base = int(environ.get("CLUSTER_BASE_PORT", 5100))
        return cls(
            data_dir=Path(environ.get("CLUSTER_DATA_DIR") or DATA_DIR),
            model=Path(environ.get("CLUSTER_MODEL") or MODEL),
            public_port=int(environ.get("CLUSTER_PORT", 5005)),
            actions_lb_port=int(environ.get("CLUSTER_ACTIONS_PORT", 5055)),
            rasa_ports=[base + 1 + i for i in range(rasa)],
            actions_ports=[base + 51 + i for i in range(actions)],
            postgres_port=int(environ.get("CLUSTER_POSTGRES_PORT", 5433)),
            redis_port=int(environ.get("CLUSTER_REDIS_PORT", 6380)),
        )

    @classmethod
    def ephemeral(cls, data_dir: Path, model: Path, rasa: int = 2, actions: int = 2,
                  **kwargs: object) -> "ClusterConfig":
        """Every port a free one (tests)."""
        return cls(
            data_dir=data_dir, model=model, public_port=free_port(), actions_lb_port=free_port(),
            rasa_ports=[free_port() for _ in range(rasa)],
            actions_ports=[free_port() for _ in range(actions)],
            postgres_port=free_port(), redis_port=free_port(), **kwargs,  # type: ignore[arg-type]
        )

    @property
    def public_url(self) -> str:
        """The load balancer: REST, socket.io, HTTP API."""
        return f"http://127.0.0.1:{self.public_port}"

    @property
    def rasa_urls(self) -> List[str]:
        """Each Rasa process, directly."""
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    def path(self, *parts: str) -> Path:
        """A path inside the data directory."""
        return self.data_dir.joinpath(*parts)

    def tickets_db_url(self, password: str) -> str:
        """The ticket database (for the action servers, console and worker; environment only)."""
        return f"postgresql://rasa:{password}@127.0.0.1:{self.postgres_port}/tickets"

    def analytics_db_url(self, password: str) -> str:
        """The event broker's database, read by the console's analytics (environment only)."""
        return f"postgresql://rasa:{password}@127.0.0.1:{self.postgres_port}/analytics"
