"""Start and stop the whole cluster; kill, restart and inspect its parts (tests use this too)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from cluster.balancer import Nginx
from cluster.config import ClusterConfig, load_secrets
from cluster.process import service_user
from cluster.stores import Postgres, Redis
from supervisor import (
    LIMITS_ENV,
    PYTHON,
    QUIET_ENV,
    ROOT,
    Server,
    actions_command,
    module_command,
    rasa_command,
)


class Cluster:
    """PostgreSQL, Redis, N action servers, N Rasa processes, nginx (and web app, console, worker)."""

    def __init__(self, config: ClusterConfig) -> None:
        """Prepare directories and secrets; nothing starts before :meth:`start`."""
        self.config = config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        if service_user() is not None:
            config.data_dir.chmod(0o711)  # the stores' user must reach its own subdirectories
        self.logs = config.path("logs")
        self.logs.mkdir(exist_ok=True)
        self.secrets = load_secrets(config.path("secrets.json"))
        self.postgres = Postgres(config.path("postgres"), config.postgres_port,
                                 self.secrets["db_admin_password"], self.secrets["db_password"],
                                 self.logs / "postgres.log")
        self.redis = Redis(config.path("redis"), config.redis_port, self.secrets["redis_password"],
                           self.logs / "redis.log")
        self.nginx = Nginx(config.path("nginx"), config.public_port, config.rasa_ports,
                           config.actions_lb_port, config.actions_ports)
        self.rasa: List[Optional[Server]] = [None] * len(config.rasa_ports)
        self.actions: List[Optional[Server]] = [None] * len(config.actions_ports)
        self.web: List[Server] = []

    # ----------------------------------------------------------- environment
    @property
    def auth_token(self) -> str:
        """Rasa's HTTP API token."""
        return self.secrets["rasa_auth_token"]

    def env(self) -> Dict[str, str]:
        """The environment of every server: secrets and store settings live here only."""
        env = dict(os.environ)
        env.update(QUIET_ENV)
        env.update(LIMITS_ENV)
        env.update(self.postgres.env())
        env.update(self.redis.env())
        env.update({
            "RASA_AUTH_TOKEN": self.auth_token,
            "ACTION_SERVER_TOKEN": self.secrets["action_server_token"],
            "WIDGET_SESSION_SECRET": self.secrets["widget_session_secret"],
            "TICKETS_DB_URL": self.config.tickets_db_url(self.secrets["db_password"]),
            "ANALYTICS_DB_URL": self.config.analytics_db_url(self.secrets["db_password"]),
            "CLUSTER_ACTIONS_URL": f"http://127.0.0.1:{self.config.actions_lb_port}/webhook",
            "RASA_URL": self.config.public_url,
            "WIDGET_SOCKET_URL": self.config.public_url,
            "SANIC_KEEP_ALIVE_TIMEOUT": "75",
            "SANIC_HOST": "127.0.0.1",
        })
        env.update(self.config.extra_env)
        return env

    def endpoints(self) -> Path:
        """The endpoints file; without the lock store a copy lacking it (only to prove the lock matters)."""
        if self.config.lock_store:
            return self.config.endpoints
        raw = yaml.safe_load(self.config.endpoints.read_text(encoding="utf-8"))
        raw.pop("lock_store", None)
        path = self.config.path("endpoints-no-lock.yml")
        path.write_text(yaml.safe_dump(raw), encoding="utf-8")
        return path

    # ----------------------------------------------------------- processes
    def start(self) -> "Cluster":
        """Everything, in dependency order; on any failure everything started is stopped."""
        try:
            self.postgres.start()
            self.redis.start()
            self.nginx.start()
            self._prepare_schema()
            for index in range(len(self.actions)):
                self.start_actions(index, wait=False)
            for index in range(len(self.rasa)):
                self.start_rasa(index, wait=False)
            if self.config.with_web:
                self._start_web()
            for index, server in enumerate(self.actions):
                assert server is not None
                server.wait_ready(f"http://127.0.0.1:{self.config.actions_ports[index]}/health", 120)
            for index in range(len(self.rasa)):
                self.wait_rasa(index)
        except BaseException:
            self.stop()
            raise
        return self

    def _prepare_schema(self) -> None:
        result = subprocess.run([PYTHON, "-m", "cluster.schema"], cwd=str(ROOT), env=self.env(),
                                capture_output=True, text=True, timeout=300, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"cluster.schema failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")

    def start_actions(self, index: int, wait: bool = True) -> None:
        """Action server ``index`` on its own port (behind the balancer's internal port)."""
        port = self.config.actions_ports[index]
        self.actions[index] = Server(f"actions{index}", actions_command(port), self.env(),
                                     self.logs / f"actions{index}.log")
        if wait:
            self.actions[index].wait_ready(f"http://127.0.0.1:{port}/health", 120)

    def start_rasa(self, index: int, wait: bool = True) -> None:
        """Rasa process ``index`` (REST, widget, HTTP API behind the token) on its own port."""
        port = self.config.rasa_ports[index]
        command = rasa_command(self.config.model, port, self.config.credentials, self.endpoints(),
                               api=True, cors=self.config.cors)
        self.rasa[index] = Server(f"rasa{index}", command, self.env(), self.logs / f"rasa{index}.log")
        if wait:
            self.wait_rasa(index)

    def wait_rasa(self, index: int) -> float:
        """Seconds until Rasa ``index`` has loaded its model."""
        server = self.rasa[index]
        assert server is not None
        url = f"{self.config.rasa_urls[index]}/status?token={self.auth_token}"
        return server.wait_ready(url, self.config.startup_timeout, json_key="model_file")

    def kill_rasa(self, index: int) -> None:
        """SIGKILL Rasa ``index`` (its whole process group), as a crash would."""
        server = self.rasa[index]
        if server is not None and server.process.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
        if server is not None:
            server.stop()

    def _start_web(self) -> None:
        env = self.env()
        for name, module in (("website", "webapp"), ("agent console", "escalation.console"),
                             ("notification worker", "escalation.worker")):
            self.web.append(Server(name, module_command(module), env,
                                   self.logs / f"{module.replace('.', '-')}.log"))

    def servers(self) -> List[Server]:
        """Every application server running now (not the stores, not nginx)."""
        return [s for s in (*self.actions, *self.rasa, *self.web) if s is not None]

    def stop(self) -> None:
        """Everything, in reverse order; a part that fails to stop does not keep the others running."""
        steps = [server.stop for server in reversed(self.web)]
        steps += [server.stop for server in (*self.rasa, *self.actions) if server is not None]
        steps += [self.nginx.stop, self.redis.stop, self.postgres.stop]
        self.web = []
        self.rasa = [None] * len(self.rasa)
        self.actions = [None] * len(self.actions)
        for step in steps:
            try:
                step()
            except Exception as error:  # noqa: BLE001 - report it, then stop the rest
                print(f"cluster: stopping failed: {error!r}", file=sys.stderr)
