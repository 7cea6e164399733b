"""A store's child process: the supervisor's :class:`Server`, run as an unprivileged user when root.

PostgreSQL refuses to run as root, and nothing else of the stores needs root:
when this process is root, the stores run as ``postgres`` (Debian's package
creates it) or else ``nobody``, and their data directory belongs to that user.
"""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import sys
from pathlib import Path
from typing import Mapping, Optional, Sequence

from supervisor import ROOT, Server, _die_with_parent, require_main_thread


def service_user() -> Optional[pwd.struct_passwd]:
    """The user the stores run as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and neither 'postgres' nor 'nobody' exists")


def give_to_service_user(path: Path) -> None:
    """Make ``path`` (recursively) belong to the service user, if there is one."""
    user = service_user()
    if user is None:
        return
    os.chown(path, user.pw_uid, user.pw_gid)
    for root, dirs, files in os.walk(path):
        os.chown(root, user.pw_uid, user.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), user.pw_uid, user.pw_gid, follow_symlinks=False)


def run_as_service(command: Sequence[str], env: Mapping[str, str]) -> None:
    """Run a short command (``initdb``) as the service user; raise with its output on failure."""
    user = service_user()
    result = subprocess.run(
        list(command), env=dict(env), cwd="/", capture_output=True, text=True, check=False,
        user=user.pw_uid if user else None, group=user.pw_gid if user else None,
        extra_groups=[] if user else None,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


class ServiceProcess(Server):
    """:class:`Server` run as the service user, stopped with ``stop_signal`` (SIGINT: fast stop)."""

    def __init__(self, name: str, command: Sequence[str], env: Mapping[str, str], log: Path,
                 stop_signal: int = signal.SIGTERM, as_service_user: bool = True) -> None:
        """Start ``command`` in its own process group, output to ``log`` (main thread only)."""
        require_main_thread(name)
        self.name = name
        self.log_path = log
        self.stop_signal = stop_signal
        self._sink = log.open("ab")
        user = service_user() if as_service_user else None
        self.process = subprocess.Popen(
            list(command), cwd=str(ROOT) if user is None else "/", env=dict(env),
            stdin=subprocess.DEVNULL, stdout=self._sink, stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            user=user.pw_uid if user else None, group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
        )

