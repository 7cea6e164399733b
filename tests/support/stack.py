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
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence

import yaml

ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = ROOT / "models"
PYTHON = sys.executable


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def latest_model(models_dir: Path = MODELS_DIR) -> Optional[Path]:
    """Newest ``*.tar.gz`` in ``models_dir`` or None."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


@dataclass
class Server:
    """One running subprocess and its log file."""

    name: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 15.0) -> None:
        """Terminate this process (and only this one), then kill it if it lingers."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


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


def _wait_http(url: str, server: Server, timeout: float, expect_json_key: Optional[str] = None) -> None:
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    if expect_json_key is None:
                        return
                    payload = json.loads(response.read().decode("utf-8"))
                    if payload.get(expect_json_key):
                        return
        except (urllib.error.URLError, OSError, ValueError) as error:
            last_error = str(error)
        time.sleep(0.5)
    raise RuntimeError(
        f"{server.name} not ready at {url} after {timeout:.0f}s ({last_error}):\n{server.log_tail()}"
    )


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies (Linux), so no server is orphaned."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort, other systems just skip it
        pass


def _spawn(name: str, cmd: Sequence[str], env: Mapping[str, str], tmp_dir: Path) -> Server:
    log_path = tmp_dir / f"{name}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        list(cmd), cwd=str(ROOT), env=dict(env), stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    log.close()
    return Server(name=name, process=process, log_path=log_path)


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
    session_secret = secrets.token_urlsafe(32)

    settings_path = write_settings(tmp_dir, origins, webapp_url)
    credentials_path = tmp_dir / "credentials.yml"
    credentials_path.write_text(
        yaml.safe_dump(credentials or {"channels.widget.WidgetInput": {"socketio_path": "/socket.io"},
                                       "rest": None}),
        encoding="utf-8",
    )
    endpoints: Dict[str, Any] = {}
    if actions_port:
        endpoints["action_endpoint"] = {"url": f"http://127.0.0.1:{actions_port}/webhook"}
    endpoints.update(endpoints_extra or {})
    endpoints_path = tmp_dir / "endpoints.yml"
    endpoints_path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")

    env = dict(os.environ)
    env.update(
        {
            "PROVIDER_SETTINGS": str(settings_path),
            "RASA_AUTH_TOKEN": auth_token,
            "WIDGET_SESSION_SECRET": session_secret,
            "WIDGET_SOCKET_URL": rasa_url,
            "WEB_HOST": "127.0.0.1",
            "WEB_PORT": str(web_port),
            "SANIC_HOST": "127.0.0.1",  # rasa_sdk action server: loopback only
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONUNBUFFERED": "1",
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
            actions = _spawn(
                "actions",
                [PYTHON, "-m", "rasa", "run", "actions", "--actions", "actions",
                 "--port", str(actions_port)],
                env, tmp_dir,
            )
            stack.servers.append(actions)
        rasa = _spawn(
            "rasa",
            [PYTHON, "-m", "rasa", "run", "--enable-api", "--auth-token", auth_token,
             "--credentials", str(credentials_path), "--endpoints", str(endpoints_path),
             "--model", str(model), "-i", "127.0.0.1", "-p", str(rasa_port),
             "--cors", *origins, *rasa_args],
            env, tmp_dir,
        )
        stack.servers.append(rasa)
        if with_webapp:
            webapp = _spawn("webapp", [PYTHON, "-m", "webapp"], env, tmp_dir)
            stack.servers.append(webapp)
            _wait_http(f"{webapp_url}/healthz", webapp, 60)
        if actions_port:
            _wait_http(f"{stack.actions_url}/health", stack.server("actions"), 120)
        _wait_http(f"{rasa_url}/status?token={auth_token}", rasa, startup_timeout, "model_file")
    except BaseException:
        stack.stop()
        raise
    return stack


def stack_or_skip(tmp_dir: Path, **kwargs: Any) -> Stack:
    """``start_stack``, but skip (or fail under CI) when no model is trained."""
    import pytest

    if latest_model() is None and "model" not in kwargs:
        message = f"no trained model in {MODELS_DIR}: run `make train` first"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
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
