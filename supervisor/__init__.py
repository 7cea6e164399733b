"""Start the assistant's servers as child processes: one home for commands, ports and readiness.

``make run`` (``python -m supervisor``), the tests (``tests/support/stack.py``)
and the benchmark (``bench/servers.py``) all start the action server, Rasa,
the website, the notification worker and the agent console through here.
Ports come from :class:`Ports` (environment variables with the defaults below).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import List, Mapping, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PYTHON = sys.executable
#: Rasa must not phone home, nor fill logs with TensorFlow chatter.
QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONUNBUFFERED": "1",
}
#: Bounded work: Rasa's web server answers 413 to a body above this (the action
#: server, which receives whole trackers, sets its own larger limit).
LIMITS_ENV = {"SANIC_REQUEST_MAX_SIZE": str(64 * 1024)}


@dataclass(frozen=True)
class Ports:
    """The ports of the servers: one settings source for all of them."""

    rasa: int = 5005  #: Rasa: REST and socket.io channels, HTTP API
    actions: int = 5055  #: action server
    web: int = 8080  #: website, widget, auto-configuration files
    console: int = 8090  #: agent console

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Ports":
        """Defaults, overridden by RASA_PORT, ACTIONS_PORT, WEB_PORT and CONSOLE_PORT."""
        base = cls()
        return cls(
            rasa=int(environ.get("RASA_PORT") or base.rasa),
            actions=int(environ.get("ACTIONS_PORT") or base.actions),
            web=int(environ.get("WEB_PORT") or base.web),
            console=int(environ.get("CONSOLE_PORT") or base.console),
        )


def free_port() -> int:
    """A TCP port nobody listens on right now on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def require_main_thread(name: str) -> None:
    """Refuse to start ``name`` from another thread: its death signal would fire when that thread ends.

    PostgreSQL reads that SIGTERM as a "smart" shutdown: the connections it has
    go on working, new ones are refused ("the database system is shutting
    down"), which is how a restart run through ``asyncio.to_thread`` once broke
    ticket writes long after the restart.
    """
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError(f"start {name} from the main thread: the child gets SIGTERM when "
                           f"the thread that started it ends")


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the parent dies (Linux), so no server is orphaned.

    Linux sends it when the *thread* that started the child ends, not only the
    process: start long-lived servers from the main thread (see
    :func:`require_main_thread`).
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort; other systems skip it
        pass


class Server:
    """A child process in its own process group, logging to a file (or to the terminal)."""

    def __init__(self, name: str, command: Sequence[str], env: Mapping[str, str],
                 log: Optional[Path] = None) -> None:
        """Start ``command`` from the repository root with ``env`` (a full environment)."""
        self.name = name
        self.log_path = log
        self._sink = log.open("wb") if log else None
        self.process = subprocess.Popen(
            list(command), cwd=str(ROOT), env=dict(env), stdin=subprocess.DEVNULL,
            stdout=self._sink, stderr=subprocess.STDOUT if self._sink else None,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    @property
    def pid(self) -> int:
        """Process id of the server."""
        return self.process.pid

    def log_tail(self, lines: int = 60) -> str:
        """The end of the log, for error messages."""
        return tail(self.log_path, lines) if self.log_path else ""

    def wait_ready(self, url: str, timeout_s: float, json_key: Optional[str] = None) -> float:
        """Poll ``url`` until it answers 200 (with ``json_key`` set, if given); return seconds."""
        start = time.monotonic()
        last_error = ""
        while time.monotonic() - start < timeout_s:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                    if response.status == 200 and (
                        json_key is None or json.loads(response.read().decode("utf-8")).get(json_key)
                    ):
                        return time.monotonic() - start
            except (urllib.error.URLError, OSError, ValueError) as error:
                last_error = str(error)
            time.sleep(0.5)
        raise RuntimeError(
            f"{self.name} not ready at {url} after {timeout_s:.0f}s ({last_error}):\n{self.log_tail()}")

    #: The polite stop signal (a subclass may prefer another one).
    stop_signal: int = signal.SIGTERM

    def stop(self, grace_s: float = 20.0) -> None:
        """``stop_signal``, then SIGKILL to the process group this object started."""
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)
        if self._sink and not self._sink.closed:
            self._sink.close()


# --------------------------------------------------------------- commands

def actions_command(port: int) -> List[str]:
    """The action server behind its token (:mod:`supervisor.action_server`; host: ``SANIC_HOST``)."""
    return [PYTHON, "-m", "supervisor.action_server", "-p", str(port)]


def rasa_command(model: Path, port: int, credentials: Path, endpoints: Path, host: str = HOST,
                 api: bool = False, cors: Sequence[str] = (),
                 extra: Sequence[str] = ()) -> List[str]:
    """``rasa run`` through :mod:`supervisor.rasa_run`.

    With ``api`` the HTTP API is enabled, protected by the token in the
    server's ``RASA_AUTH_TOKEN`` environment variable (never an argument).
    """
    command = [PYTHON, "-m", "supervisor.rasa_run", "--model", str(model),
               "--credentials", str(credentials), "--endpoints", str(endpoints),
               "-i", host, "-p", str(port)]
    if api:
        command.append("--enable-api")
    if cors:
        command += ["--cors", *cors]
    return command + list(extra)


def module_command(module: str, *args: str) -> List[str]:
    """``python -m <module>`` (webapp, escalation.worker, escalation.console)."""
    return [PYTHON, "-m", module, *args]
