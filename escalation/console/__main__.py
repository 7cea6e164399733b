"""Run the agent console: ``python -m escalation.console`` (127.0.0.1:8090).

The port comes from ``CONSOLE_PORT`` or settings/escalation.yml; Rasa's URL
from ``RASA_URL`` and its token from ``RASA_AUTH_TOKEN``.
"""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from escalation.config import load_config
from escalation.console.app import create_app


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description="Agent console of the escalation service.")
    parser.add_argument("--host", help="bind address (default from the settings: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default CONSOLE_PORT or 8090)")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    config = load_config()
    host = args.host or config.console.host
    if args.host and args.host != config.console.host:
        from dataclasses import replace

        config = replace(config, console=replace(config.console, host=args.host))
    app = create_app(config)
    if not config.rasa.token:
        logging.getLogger("escalation.console").warning(
            "%s is not set: calls to Rasa carry no token", config.rasa.token_env
        )
    web.run_app(app, host=host, port=args.port or config.console.port, access_log=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
