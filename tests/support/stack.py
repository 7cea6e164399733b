"""Start the real servers for integration tests: action server, Rasa, webapp.

Every server is a subprocess on a free loopback port, with its own temporary
credentials, endpoints and provider settings (whose ``web.allowed_origins``
is the webapp's origin). Use it as a pytest fixture::

    from tests.support.stack import rasa_stack  # noqa: F401  (in a conftest.py)

    def test_something(rasa_stack):
        rasa_stack.rasa_url, rasa_stack.auth_token, rasa_stack.webapp_url ...

or call ``start_stack(tmp_dir, extra_env={...})`` yourself (it returns a
``Stack``; call ``stack.stop()`` when done, or use ``with start_stack(...)``).

The trained model must be in ``models/`` (``make train``). Without one the
fixture skips the tests, except under CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence

import yaml

from supervisor import (
    LIMITS_ENV,
    QUIET_ENV,
    ROOT,
    Server,
    actions_command,
    free_port,
    module_command,
    rasa_command,
)

MODELS_DIR = ROOT / "models"
__all__ = ["ROOT", "Server", "Stack", "free_port", "model_or_skip", "spawn", "start_stack", "stack_or_skip",
           "write_settings"]


def latest_model(models_dir: Path = MODELS_DIR) -> Optional[Path]:
    """Newest ``*.tar.gz`` in ``models_dir`` or None."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


@dataclass
class Stack:
    """URLs, secrets and processes of a running stack."""

    tmp_dir: Path
    rasa_url: str
    actions_url: Optional[str]
    webapp_url: Optional[str]
    origin: str
    auth_token: str
    session_secret: str
    settings_path: Path
    credentials_path: Path
    endpoints_path: Path
    env: Dict[str, str]
    servers: List[Server] = field(default_factory=list)

    @property
    def socket_url(self) -> str:
        return self.rasa_url

    def server(self, name: str) -> Server:
        return next(s for s in self.servers if s.name == name)

    def api(self, method: str, path: str, body: Any = None, timeout: float = 30) -> Any:
        """Call the Rasa HTTP API with the auth token; returns parsed JSON."""
        sep = "&" if "?" in path else "?"
        url = f"{self.rasa_url}{path}{sep}token={self.auth_token}"
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(
            url, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8") or "null")

    def tracker(self, conversation_id: str) -> Dict[str, Any]:
        """The Rasa tracker of a conversation (all events)."""
        return self.api("GET", f"/conversations/{conversation_id}/tracker?include_events=ALL")

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


#: Every test connects from 127.0.0.1: the per-address limits are raised so that
#: the suites do not throttle each other (tests/security probes the real ones).
TEST_WIDGET = {"socketio_path": "/socket.io", "address_rate_limit_burst": 100_000,
               "address_rate_limit_per_minute": 100_000, "sessions_per_minute": 100_000}


def spawn(name: str, command: Sequence[str], env: Mapping[str, str], tmp_dir: Path) -> Server:
    """Start one server through the supervisor, logging to ``tmp_dir/<name>.log``."""
    return Server(name, command, env, Path(tmp_dir) / f"{name}.log")


def write_settings(tmp_dir: Path, origins: List[str], public_url: str) -> Path:
    """Copy the provider settings with the test origins; return the new path."""
    source = Path(os.environ.get("PROVIDER_SETTINGS") or ROOT / "settings" / "provider.yml")
    raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    web = dict(raw.get("web") or {})
    web["allowed_origins"] = origins
    web["public_url"] = public_url
    raw["web"] = web
    path = tmp_dir / "provider.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def start_stack(
    tmp_dir: Path,
    *,
    extra_env: Optional[Mapping[str, str]] = None,
    model: Optional[Path] = None,
    with_actions: bool = True,
    with_webapp: bool = True,
    credentials: Optional[Dict[str, Any]] = None,
    endpoints_extra: Optional[Dict[str, Any]] = None,
    rasa_args: Sequence[str] = (),
    extra_origins: Sequence[str] = (),
    startup_timeout: float = 240.0,
) -> Stack:
    """Start action server, Rasa (API on, token) and webapp; wait until all answer.

    ``credentials`` replaces the default channels (widget + rest);
    ``endpoints_extra`` is merged into endpoints.yml (e.g. a tracker store);
    ``extra_env`` is added to every process's environment.
    """
    tmp_dir = Path(tmp_dir)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    model = model or latest_model()
    if model is None:
        raise FileNotFoundError(f"no trained model in {MODELS_DIR}: run `make train`")
    rasa_port = free_port()
    actions_port = free_port() if with_actions else None
    web_port = free_port() if with_webapp else free_port()
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    webapp_url = f"http://127.0.0.1:{web_port}"
    origins = [webapp_url, f"http://localhost:{web_port}", *extra_origins]
    auth_token = secrets.token_urlsafe(24)
    action_token = secrets.token_urlsafe(24)
    session_secret = secrets.token_urlsafe(32)

    settings_path = write_settings(tmp_dir, origins, webapp_url)
    credentials_path = tmp_dir / "credentials.yml"
    credentials_path.write_text(
        yaml.safe_dump(credentials or {"channels.widget.WidgetInput": TEST_WIDGET, "rest": None}),
        encoding="utf-8",
    )
    endpoints: Dict[str, Any] = {}
    if actions_port:
        endpoints["action_endpoint"] = {"url": f"http://127.0.0.1:{actions_port}/webhook",
                                        "token": "${ACTION_SERVER_TOKEN}"}
    endpoints.update(endpoints_extra or {})
    endpoints_path = tmp_dir / "endpoints.yml"
    endpoints_path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")

    env = dict(os.environ)
    env.update(
        {
            "PROVIDER_SETTINGS": str(settings_path),
            "RASA_AUTH_TOKEN": auth_token,
            "ACTION_SERVER_TOKEN": action_token,
            "WIDGET_SESSION_SECRET": session_secret,
            "WIDGET_SOCKET_URL": rasa_url,
            "WEB_HOST": "127.0.0.1",
            "WEB_PORT": str(web_port),
            "SANIC_HOST": "127.0.0.1",  # rasa_sdk action server: loopback only
            **QUIET_ENV,
            **LIMITS_ENV,
            # every suite connects from 127.0.0.1 (tests/security keeps the default)
            "TICKETS_PER_CLIENT_PER_HOUR": "100000",
        }
    )
    env.pop("SOCKETIO_REDIS_URL", None)
    env.update(extra_env or {})

    stack = Stack(
        tmp_dir=tmp_dir,
        rasa_url=rasa_url,
        actions_url=f"http://127.0.0.1:{actions_port}" if actions_port else None,
        webapp_url=webapp_url if with_webapp else None,
        origin=webapp_url,
        auth_token=auth_token,
        session_secret=session_secret,
        settings_path=settings_path,
        credentials_path=credentials_path,
        endpoints_path=endpoints_path,
        env=env,
    )
    try:
        if actions_port:
            stack.servers.append(spawn("actions", actions_command(actions_port), env, tmp_dir))
        rasa = spawn("rasa", rasa_command(model, rasa_port, credentials_path, endpoints_path,
                                          api=True, cors=origins, extra=rasa_args),
                     env, tmp_dir)
        stack.servers.append(rasa)
        if with_webapp:
            webapp = spawn("webapp", module_command("webapp"), env, tmp_dir)
            stack.servers.append(webapp)
            webapp.wait_ready(f"{webapp_url}/healthz", 60)
        if actions_port:
            stack.server("actions").wait_ready(f"{stack.actions_url}/health", 120)
        rasa.wait_ready(f"{rasa_url}/status?token={auth_token}", startup_timeout, json_key="model_file")
    except BaseException:
        stack.stop()
        raise
    return stack


def model_or_skip() -> Path:
    """The newest trained model; skip the test (fail it under CI) when there is none."""
    import pytest

    model = latest_model()
    if model is None:
        message = f"no trained model in {MODELS_DIR}: run `make train` first"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return model


def stack_or_skip(tmp_dir: Path, **kwargs: Any) -> Stack:
    """``start_stack``, but skip (or fail under CI) when no model is trained."""
    if "model" not in kwargs:
        model_or_skip()
    return start_stack(tmp_dir, **kwargs)


try:
    import pytest as _pytest
except ImportError:  # pragma: no cover - only for non-test use
    _pytest = None

if _pytest is not None:

    @_pytest.fixture(scope="session")
    def rasa_stack(tmp_path_factory: Any) -> Iterator[Stack]:
        """The whole stack, started once per test session."""
        stack = stack_or_skip(tmp_path_factory.mktemp("stack"))
        try:
            yield stack
        finally:
            stack.stop()
