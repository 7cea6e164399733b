"""Agent accounts: password hashes and the ``escalation.agents`` command."""

from __future__ import annotations

import io
import re

import pytest

from escalation import agents
from escalation.config import AgentConfig, ConsoleConfig
from escalation.passwords import hash_password, verify_password


def test_hash_and_verify() -> None:
    stored = hash_password("una-password-lunga")
    assert stored.startswith("scrypt$") and "una-password-lunga" not in stored
    assert verify_password("una-password-lunga", stored)
    assert not verify_password("un'altra", stored)
    assert not verify_password("x", "not-a-hash")


def test_add_prints_a_settings_entry(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("password-di-mario\n"))
    assert agents.main(["add", "mario", "--password-stdin"]) == 0
    out = capsys.readouterr().out
    stored = re.search(r'password_hash: "([^"]+)"', out).group(1)
    assert '- name: "mario"' in out and verify_password("password-di-mario", stored)


def test_add_to_database_list_and_remove(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("password-di-anna\n"))
    assert agents.main(["add", "anna", "--db", "--password-stdin"]) == 0
    assert verify_password("password-di-anna", agents.db_agents()["anna"])
    capsys.readouterr()
    agents.main(["list"])
    assert capsys.readouterr().out.split() == ["anna"]
    assert agents.main(["remove", "anna"]) == 0 and agents.db_agents() == {}


@pytest.mark.parametrize(("name", "password"), [("bad name", "password-ok-1"), ("ok", "short")])
def test_add_refuses_bad_input(monkeypatch, name: str, password: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    with pytest.raises(SystemExit):
        agents.main(["add", name, "--password-stdin"])


def test_demo_password_only_on_loopback(monkeypatch) -> None:
    demo = AgentConfig("demo", password_env="CONSOLE_DEMO_PASSWORD", dev_default_password="dev")
    local = agents.config_agents(ConsoleConfig(host="127.0.0.1", agents=(demo,)))
    assert verify_password("dev", local["demo"])
    assert agents.config_agents(ConsoleConfig(host="0.0.0.0", agents=(demo,))) == {}
    monkeypatch.setenv("CONSOLE_DEMO_PASSWORD", "from-the-environment")
    exposed = agents.config_agents(ConsoleConfig(host="0.0.0.0", agents=(demo,)))
    assert verify_password("from-the-environment", exposed["demo"])
