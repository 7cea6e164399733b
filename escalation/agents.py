"""Console agents: from the settings file and from the database.

Usage:
  python -m escalation.agents add NAME [--db] [--password-stdin]
  python -m escalation.agents remove NAME
  python -m escalation.agents list

``add`` asks for the password twice and prints an entry to paste under
``console.agents`` in settings/escalation.yml; with ``--db`` it stores the
agent in the ticket database instead.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import logging
import os
import re
import sys

from sqlalchemy import delete, select

from escalation.config import ConsoleConfig
from escalation.db import session_scope
from escalation.models import Agent, utcnow
from escalation.passwords import hash_password

logger = logging.getLogger(__name__)
MIN_PASSWORD_CHARS = 10
NAME_PATTERN = re.compile(r"[A-Za-z0-9._@-]{1,100}")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def config_agents(console: ConsoleConfig) -> dict[str, str]:
    """Agents from the settings: name -> password hash.

    An agent with ``password_env`` gets its password from that variable; the
    ``dev_default_password`` is used only when the variable is unset AND the
    console listens on a loopback address (never exposed with a known password).
    """
    result: dict[str, str] = {}
    for agent in console.agents:
        if agent.password_hash:
            result[agent.name] = agent.password_hash
            continue
        password = os.environ.get(agent.password_env) if agent.password_env else None
        if not password and agent.dev_default_password:
            if not is_loopback(console.host):
                logger.warning("agent %s disabled: set %s", agent.name, agent.password_env)
                continue
            logger.warning(
                "agent %s uses the DEV-ONLY default password; set %s",
                agent.name,
                agent.password_env,
            )
            password = agent.dev_default_password
        if password:
            result[agent.name] = hash_password(password)
    return result


def db_agents() -> dict[str, str]:
    """Agents stored in the database: name -> password hash."""
    with session_scope() as session:
        rows = session.execute(select(Agent.name, Agent.password_hash)).all()
    return {name: password_hash for name, password_hash in rows}


def save_agent(name: str, password_hash: str) -> None:
    """Create or update an agent in the database."""
    with session_scope() as session:
        agent = session.get(Agent, name)
        if agent is None:
            session.add(Agent(name=name, password_hash=password_hash, created_at=utcnow()))
        else:
            agent.password_hash = password_hash


def remove_agent(name: str) -> bool:
    """Delete an agent from the database; True if it existed."""
    with session_scope() as session:
        return session.execute(delete(Agent).where(Agent.name == name)).rowcount == 1


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Ripeti la password: "):
        raise SystemExit("the two passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description="Manage agent console accounts.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create a password hash for an agent")
    add.add_argument("name")
    add.add_argument("--db", action="store_true", help="store in the database")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    remove = commands.add_parser("remove", help="delete an agent from the database")
    remove.add_argument("name")
    commands.add_parser("list", help="list agents stored in the database")
    args = parser.parse_args(argv)

    if args.command == "list":
        for name in sorted(db_agents()):
            print(name)
        return 0
    if args.command == "remove":
        return 0 if remove_agent(args.name) else 1
    name = args.name.strip()
    if not NAME_PATTERN.fullmatch(name):
        raise SystemExit("agent name: 1-100 letters, digits, '.', '_', '@' or '-'")
    password = _read_password(args.password_stdin)
    if len(password) < MIN_PASSWORD_CHARS:
        raise SystemExit(f"password too short (at least {MIN_PASSWORD_CHARS} characters)")
    hashed = hash_password(password)
    if args.db:
        save_agent(name, hashed)
        print(f"agent {name} saved in the database")
    else:
        print("# paste under console.agents in settings/escalation.yml")
        print(f'- name: "{name}"')
        print(f'  password_hash: "{hashed}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
