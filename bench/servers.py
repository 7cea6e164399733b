"""Start and stop the action server and the Rasa server on free local ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import List, Mapping, Optional

from bench.plan import ACTION_SETTINGS, ROOT
from bench.progress import ticking

HOST = "127.0.0.1"
# Rasa must not phone home during a benchmark, nor write to the project's cache.
QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONUNBUFFERED": "1",
}


def free_port() -> int:
    """A TCP port nobody listens on right now on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Server:
    """A child process with its own process group and log file."""

    def __init__(self, name: str, command: List[str], env: Mapping[str, str], log: Path) -> None:
        """Start ``command`` from the repository root."""
        self.name = name
        self.log = log
        self._sink = log.open("w")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **QUIET_ENV, **env},
            stdout=self._sink, stderr=subprocess.STDOUT, start_new_session=True,
        )

    @property
    def pid(self) -> int:
        """Process id of the server."""
        return self.process.pid

    def wait_ready(self, url: str, timeout_s: float) -> float:
        """Poll ``url`` until it answers 200; return the seconds it took."""
        start = time.monotonic()
        with ticking(f"waiting for the {self.name}"):
            while time.monotonic() - start < timeout_s:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n"
                                       f"{tail(self.log)}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                        if response.status == 200:
                            return time.monotonic() - start
                except (urllib.error.URLError, OSError):
                    pass
                time.sleep(0.5)
        raise TimeoutError(f"{self.name} not ready after {timeout_s:.0f} s:\n{tail(self.log)}")

    def stop(self, grace_s: float = 20.0) -> None:
        """SIGTERM, then SIGKILL to the process group this object started."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)
        self._sink.close()


def write_runtime_files(directory: Path, action_port: int) -> tuple[Path, Path]:
    """Credentials with only the REST channel and endpoints with the action server."""
    directory.mkdir(parents=True, exist_ok=True)
    credentials = directory / "credentials.yml"
    credentials.write_text("channels.rest.SafeRestInput:\n")
    endpoints = directory / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://{HOST}:{action_port}/webhook"\n')
    return credentials, endpoints


def start_actions(port: int, work: Path, log: Path) -> Server:
    """The project's action server, with the closed-desk test settings.

    rasa_sdk 3.6 has no interface option: it binds ``SANIC_HOST``. Tickets
    opened during the run go to a throw-away SQLite file.
    """
    env = {
        "SANIC_HOST": HOST,
        "PROVIDER_SETTINGS": str(ACTION_SETTINGS),
        "TICKETS_DB_URL": f"sqlite:///{work / 'tickets.sqlite3'}",
    }
    return Server("action server", [sys.executable, "-m", "rasa", "run", "actions", "--actions",
                                    "actions", "-p", str(port), "--quiet"], env, log)


def start_rasa(model: Path, port: int, credentials: Path, endpoints: Path, log: Path,
               extra_env: Optional[Mapping[str, str]] = None) -> Server:
    """``rasa run`` with the REST channel only, bound to the loopback interface."""
    command = [sys.executable, "-m", "rasa", "run", "--model", str(model),
               "--credentials", str(credentials), "--endpoints", str(endpoints),
               "-i", HOST, "-p", str(port), "--quiet"]
    env = {"PROVIDER_SETTINGS": str(ACTION_SETTINGS), **(extra_env or {})}
    return Server("rasa server", command, env, log)
