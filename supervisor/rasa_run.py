"""``rasa run`` with the HTTP API token taken from the environment, never from the command line.

Any local user can read a process's command line (``ps``); the environment of
another user's process is private. The supervisor starts
``python -m supervisor.rasa_run <rasa run options>``; with ``--enable-api``
this adds ``--auth-token`` from ``RASA_AUTH_TOKEN`` to Rasa's own argument
list inside the process, so the token never appears in ``/proc/<pid>/cmdline``.
"""

from __future__ import annotations

import os
import sys
from typing import Any, List, Mapping, Optional, Tuple

from supervisor import (
    action_schema,
    event_lookup,
    heap_freeze,
    long_sessions,
    memory_store,
    model_loading,
    store_errors,
)
from supervisor.rasa_version import UnsupportedRasaVersion

TOKEN_ENV = "RASA_AUTH_TOKEN"


def rasa_argv(args: List[str], environ: Mapping[str, str]) -> List[str]:
    """Rasa's argument list: ``run`` + ``args``, plus the token when the API is enabled.

    Refuses (ValueError) a token on the command line, and an API without a token.
    """
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in args):
        raise ValueError("the auth token must come from the environment, not the command line")
    argv = ["rasa", "run", *args]
    if "--enable-api" in args:
        token = environ.get(TOKEN_ENV, "")
        if not token:
            raise ValueError(f"--enable-api needs {TOKEN_ENV} in the environment")
        # "=" form: a url-safe token may start with "-", which argparse takes for an option.
        argv.append(f"--auth-token={token}")
    return argv


def version_free(path: str) -> Optional[Tuple[int, str]]:
    """The neutral answer (status, text) for a route where Rasa tells anyone its version.

    "/" stays for readiness checks, without the version; "/version" is gone.
    """
    if path == "/":
        return 200, "ok"
    if path == "/version":
        return 404, "not found"
    return None


def hide_version() -> None:
    """Make every Rasa web app built in this process keep its version to itself."""
    import rasa.core.run
    from sanic import response

    original = rasa.core.run.configure_app

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)

        @app.on_request
        async def no_version(request: Any) -> Any:
            answer = version_free(request.path) if request.method in ("GET", "HEAD") else None
            return response.text(answer[1], status=answer[0]) if answer else None

        return app

    rasa.core.run.configure_app = configure_app


def main() -> None:
    """Replace this process's argument list and hand over to Rasa's command line."""
    try:
        sys.argv = rasa_argv(sys.argv[1:], os.environ)
    except ValueError as error:
        sys.exit(f"supervisor.rasa_run: {error}")
    hide_version()
    try:
        action_schema.install()
        event_lookup.install()
        heap_freeze.install()
        long_sessions.install()
        memory_store.install()
        model_loading.install()
        store_errors.install()
    except (ValueError, UnsupportedRasaVersion) as error:
        sys.exit(f"supervisor.rasa_run: {error}")
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
