"""PostgreSQL and Redis as child processes with their data in the cluster directory."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any, Callable, Dict, Optional

from cluster.process import ServiceProcess, give_to_service_user, run_as_service

#: Databases the cluster uses, all owned by the role ``rasa``.
DATABASES = ("rasa", "tickets", "analytics")
DB_USER = "rasa"


def postgres_bin(name: str) -> str:
    """``initdb``/``postgres`` from Debian's /usr/lib/postgresql/<newest>/bin, else from PATH."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: apt-get install -y postgresql")
    return found


def _wait(check: Callable[[], Any], what: str, process: ServiceProcess, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    error: Optional[BaseException] = None
    while time.monotonic() < deadline:
        if process.process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.process.returncode}:\n{process.log_tail()}")
        try:
            check()
            return
        except Exception as exc:  # noqa: BLE001 - not ready yet, whatever the reason
            error = exc
        time.sleep(0.3)
    raise RuntimeError(f"{what} not ready after {timeout_s:.0f}s ({error}):\n{process.log_tail()}")


class Postgres:
    """One PostgreSQL server: ``initdb`` once, then ``postgres -D`` as a child process."""

    def __init__(self, data_dir: Path, port: int, admin_password: str, password: str,
                 log: Path) -> None:
        """``data_dir`` holds the cluster; passwords never leave this process's memory and env."""
        self.data_dir = data_dir
        self.port = port
        self.admin_password = admin_password
        self.password = password
        self.log = log
        self.process: Optional[ServiceProcess] = None

    def init_once(self) -> None:
        """``initdb`` (scram-sha-256 everywhere) unless the data directory already holds a cluster."""
        if (self.data_dir / "PG_VERSION").exists():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        pwfile = self.data_dir.parent / ".pg-admin-password"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(self.admin_password + "\n")
        give_to_service_user(self.data_dir)
        give_to_service_user(pwfile)
        try:
            run_as_service([postgres_bin("initdb"), "-D", str(self.data_dir), "-U", "postgres",
                            "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8",
                            "--locale=C.UTF-8"], {"PATH": os.environ.get("PATH", "")})
        finally:
            pwfile.unlink(missing_ok=True)

    def start(self, timeout_s: float = 60.0) -> None:
        """Start the server on 127.0.0.1 (socket in the data dir) and create role and databases."""
        self.init_once()
        command = [postgres_bin("postgres"), "-D", str(self.data_dir), "-p", str(self.port),
                   "-k", str(self.data_dir), "-c", "listen_addresses=127.0.0.1",
                   "-c", "max_connections=200"]
        self.process = ServiceProcess("postgres", command, {"PATH": os.environ.get("PATH", "")},
                                      self.log, stop_signal=signal.SIGINT)
        _wait(lambda: self._connect(admin=True).close(), "postgres", self.process, timeout_s)
        self._create_role_and_databases()

    def stop(self) -> None:
        """Fast shutdown (SIGINT): open client connections are closed, no waiting for them."""
        if self.process is not None:
            self.process.stop(grace_s=30)
            self.process = None

    def _connect(self, admin: bool = False, db: str = "postgres") -> Any:
        import psycopg2

        return psycopg2.connect(
            host="127.0.0.1", port=self.port, dbname=db,
            user="postgres" if admin else DB_USER,
            password=self.admin_password if admin else self.password, connect_timeout=3,
        )

    def _create_role_and_databases(self) -> None:
        connection = self._connect(admin=True)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (DB_USER,))
                verb = "ALTER" if cursor.fetchone() else "CREATE"
                # The password travels as a bound parameter, rendered client-side: never in argv.
                cursor.execute(f"{verb} ROLE {DB_USER} LOGIN PASSWORD %s", (self.password,))
                for name in DATABASES:
                    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                    if not cursor.fetchone():
                        cursor.execute(f"CREATE DATABASE {name} OWNER {DB_USER}")
        finally:
            connection.close()

    def query(self, sql: str, params: tuple = (), db: str = "rasa") -> list:
        """Run one query as the ``rasa`` role (tests count events with it)."""
        connection = self._connect(db=db)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def env(self) -> Dict[str, str]:
        """The variables ``cluster/endpoints.yml`` reads for the tracker store and event broker."""
        return {"TRACKER_DB_HOST": "127.0.0.1", "TRACKER_DB_PORT": str(self.port),
                "TRACKER_DB_NAME": "rasa", "TRACKER_DB_USER": DB_USER,
                "TRACKER_DB_PASSWORD": self.password, "ANALYTICS_DB_NAME": "analytics"}


class Redis:
    """One Redis server, configured by a 0600 file in its directory (password inside, not in argv)."""

    def __init__(self, data_dir: Path, port: int, password: str, log: Path) -> None:
        """Keep nothing on disk: locks and socket.io messages are short-lived."""
        self.data_dir = data_dir
        self.port = port
        self.password = password
        self.log = log
        self.process: Optional[ServiceProcess] = None

    def write_config(self) -> Path:
        """``redis.conf``: loopback only, no persistence, ``requirepass``."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "redis.conf"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(
                f"bind 127.0.0.1\nport {self.port}\ndir {self.data_dir}\nsave \"\"\n"
                f"appendonly no\ndaemonize no\nprotected-mode yes\nrequirepass {self.password}\n"
            )
        give_to_service_user(self.data_dir)
        return path

    def start(self, timeout_s: float = 30.0) -> None:
        """Start ``redis-server <conf>`` and wait for PONG."""
        binary = shutil.which("redis-server")
        if not binary:
            raise FileNotFoundError("redis-server not found: apt-get install -y redis-server")
        self.process = ServiceProcess("redis", [binary, str(self.write_config())],
                                      {"PATH": os.environ.get("PATH", "")}, self.log)
        _wait(lambda: self.client().ping(), "redis", self.process, timeout_s)

    def client(self) -> Any:
        """A redis-py client (tests)."""
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, password=self.password, socket_timeout=3)

    def stop(self) -> None:
        """SIGTERM (Redis saves nothing here) and wait."""
        if self.process is not None:
            self.process.stop(grace_s=15)
            self.process = None

    def env(self) -> Dict[str, str]:
        """Lock store variables of ``cluster/endpoints.yml`` and the socket.io manager URL."""
        return {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.port),
                "REDIS_PASSWORD": self.password,
                "SOCKETIO_REDIS_URL": f"redis://:{self.password}@127.0.0.1:{self.port}/0"}
