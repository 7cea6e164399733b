"""The benchmark's action server and Rasa server, started through the supervisor."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Mapping, Optional

import yaml

from bench.plan import ACTION_SETTINGS, ROOT
from bench.progress import ticking
from supervisor import HOST, LIMITS_ENV, QUIET_ENV, Server, actions_command, free_port, rasa_command, tail

__all__ = ["QUIET_ENV", "BenchServer", "free_port", "start_actions", "start_rasa", "tail",
           "write_runtime_files"]


class BenchServer(Server):
    """A supervisor server whose wait shows progress on the terminal."""

    def wait_ready(self, url: str, timeout_s: float, json_key: Optional[str] = None) -> float:
        with ticking(f"waiting for the {self.name}"):
            return super().wait_ready(url, timeout_s, json_key)


#: The action server's token for this run (Rasa reads it from the environment too).
_ACTION_TOKEN = secrets.token_urlsafe(24)


def _env(extra: Mapping[str, str]) -> dict:
    return {**os.environ, **QUIET_ENV, **LIMITS_ENV, "PROVIDER_SETTINGS": str(ACTION_SETTINGS),
            "ACTION_SERVER_TOKEN": _ACTION_TOKEN,
            "TICKETS_PER_CLIENT_PER_HOUR": "100000",  # the load comes from one address
            **extra}


def deployed_broker(db: Path) -> dict:
    """The event broker section of the project's endpoints.yml, writing to the SQLite file ``db``."""
    section = yaml.safe_load((ROOT / "endpoints.yml").read_text())["event_broker"]
    return {**section, "dialect": "sqlite", "db": str(db)}


def write_runtime_files(directory: Path, action_port: int,
                        event_broker: bool = False) -> tuple[Path, Path]:
    """Credentials with only the REST channel (limits raised) and endpoints with the action server.

    ``event_broker`` adds the event broker as deployed (the project's
    endpoints.yml, its SQLite file here in ``directory``), so its cost per
    event is measured.
    """
    directory.mkdir(parents=True, exist_ok=True)
    credentials = directory / "credentials.yml"
    # The load comes from one address and the long conversations from one sender each:
    # the channel's rate limits are raised so the benchmark measures the assistant.
    credentials.write_text("channels.rest.SafeRestInput:\n" + "".join(
        f"  {key}: 1000000\n" for key in ("rate_limit_burst", "rate_limit_per_minute",
                                          "address_rate_limit_burst", "address_rate_limit_per_minute")))
    endpoints = directory / "endpoints.yml"
    broker = yaml.safe_dump({"event_broker": deployed_broker(directory / "analytics_events.sqlite3")}
                            ) if event_broker else ""
    endpoints.write_text(f'action_endpoint:\n  url: "http://{HOST}:{action_port}/webhook"\n'
                         "  token: ${ACTION_SERVER_TOKEN}\n" + broker)
    return credentials, endpoints


def start_actions(port: int, work: Path, log: Path) -> BenchServer:
    """The project's action server, with the closed-desk test settings.

    Tickets opened during the run go to a throw-away SQLite file.
    """
    env = _env({"SANIC_HOST": HOST, "TICKETS_DB_URL": f"sqlite:///{work / 'tickets.sqlite3'}"})
    return BenchServer("action server", [*actions_command(port), "--quiet"], env, log)


def start_rasa(model: Path, port: int, credentials: Path, endpoints: Path, log: Path,
               extra_env: Optional[Mapping[str, str]] = None, stock_runtime: bool = False) -> BenchServer:
    """``rasa run`` with the REST channel only, bound to the loopback interface.

    Through the project's runtime (``supervisor.rasa_run``), or Rasa's own
    command line with ``stock_runtime``.
    """
    command = rasa_command(model, port, credentials, endpoints, HOST, extra=["--quiet"])
    if stock_runtime:
        command[1:3] = ["-m", "rasa", "run"]
    return BenchServer("rasa server", command, _env(extra_env or {}), log)
