"""``make run``: start the whole assistant on this machine; Ctrl-C stops everything.

Action server, Rasa server (REST + widget socket.io, HTTP API with a token),
website with the widget and auto-configuration files, agent console and the
notification worker. Secrets come from the environment; the ones missing are
generated for this run.
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
import time
from typing import Dict, List

from supervisor import (
    HOST,
    LIMITS_ENV,
    QUIET_ENV,
    ROOT,
    Ports,
    Server,
    actions_command,
    module_command,
    rasa_command,
)

MODEL = ROOT / "models" / "assistant.tar.gz"


def environment(ports: Ports) -> Dict[str, str]:
    """The servers' environment: this process's, plus generated secrets and derived URLs."""
    env = dict(os.environ)
    env.setdefault("RASA_AUTH_TOKEN", secrets.token_urlsafe(32))
    env.setdefault("ACTION_SERVER_TOKEN", secrets.token_urlsafe(32))
    env.setdefault("WIDGET_SESSION_SECRET", secrets.token_urlsafe(32))
    env.setdefault("RASA_URL", f"http://{HOST}:{ports.rasa}")
    env.setdefault("WIDGET_SOCKET_URL", env["RASA_URL"])
    # Idle keep-alive connections must outlive what a busy Rasa may wait before
    # sending on them (the action server otherwise drops them under load).
    env.setdefault("SANIC_KEEP_ALIVE_TIMEOUT", "75")
    env.update({"WEB_PORT": str(ports.web), "CONSOLE_PORT": str(ports.console)})
    env.setdefault("RASA_TELEMETRY_ENABLED", QUIET_ENV["RASA_TELEMETRY_ENABLED"])
    env.update(LIMITS_ENV)
    return env


def main() -> int:
    from components.model_info import spacy_model_info

    print("spaCy model:", spacy_model_info()["label"])
    (ROOT / "var").mkdir(exist_ok=True)
    ports = Ports.from_env()
    host = os.environ.get("BIND_HOST", HOST)
    env = environment(ports)
    servers: List[Server] = [
        Server("action server", actions_command(ports.actions),
               {**env, "SANIC_HOST": os.environ.get("ACTIONS_HOST", HOST)}),
        Server("rasa", rasa_command(MODEL, ports.rasa, ROOT / "credentials.yml",
                                    ROOT / "endpoints.yml", host, api=True), env),
        Server("website", module_command("webapp"), env),
        Server("notification worker", module_command("escalation.worker"), env),
        Server("agent console", module_command("escalation.console"), env),
    ]
    print(f"\n  Chat (REST):      http://{host}:{ports.rasa}/webhooks/rest/webhook")
    print(f"  Website + widget: http://{HOST}:{ports.web}/")
    print(f"  Agent console:    http://{HOST}:{ports.console}/")
    print("  Press Ctrl-C to stop.\n", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        while all(server.process.poll() is None for server in servers):
            time.sleep(1)
        stopped = next(s for s in servers if s.process.poll() is not None)
        print(f"{stopped.name} exited with {stopped.process.returncode}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        print("\nStopping...")
        for server in reversed(servers):
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
