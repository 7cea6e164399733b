"""The supervisor starts real child processes, waits for them and stops them."""

import sys
from pathlib import Path

import pytest

from supervisor import Ports, Server, free_port, module_command


def test_ports_have_one_source_with_environment_overrides():
    assert Ports.from_env({}) == Ports()
    assert Ports.from_env({"RASA_PORT": "6005", "CONSOLE_PORT": "9090"}) == Ports(rasa=6005, console=9090)


def test_a_server_is_waited_for_and_stopped(tmp_path: Path):
    port = free_port()
    server = Server("web", module_command("http.server", str(port), "--bind", "127.0.0.1"),
                    {"PATH": "/usr/bin:/bin"}, tmp_path / "web.log")
    try:
        assert server.wait_ready(f"http://127.0.0.1:{port}/", 30) >= 0
    finally:
        server.stop(grace_s=5)
    assert server.process.poll() is not None


def test_a_server_that_dies_is_reported_with_its_log(tmp_path: Path):
    server = Server("broken", [sys.executable, "-c", "print('boom'); raise SystemExit(3)"], {},
                    tmp_path / "broken.log")
    with pytest.raises(RuntimeError, match="exited with 3(.|\n)*boom"):
        server.wait_ready("http://127.0.0.1:9/", 30)


def test_a_token_starting_with_a_dash_stays_the_option_value():
    from supervisor import rasa_command

    command = rasa_command(Path("m.tar.gz"), 5005, Path("c.yml"), Path("e.yml"), auth_token="-abc")
    assert "--auth-token=-abc" in command and "-abc" not in command
