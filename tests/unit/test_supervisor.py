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


def test_the_rasa_command_line_carries_no_token():
    from supervisor import rasa_command

    command = rasa_command(Path("m.tar.gz"), 5005, Path("c.yml"), Path("e.yml"), api=True)
    assert "--enable-api" in command and not any("token" in part for part in command)


def test_the_token_is_added_inside_the_process_from_the_environment():
    from supervisor.rasa_run import rasa_argv

    argv = rasa_argv(["--enable-api", "-p", "5005"], {"RASA_AUTH_TOKEN": "-abc"})
    # "=" form: a token starting with "-" stays the option's value
    assert argv[:2] == ["rasa", "run"] and argv[-1] == "--auth-token=-abc" and "-abc" not in argv
    assert "--auth-token" not in " ".join(rasa_argv(["-p", "5005"], {"RASA_AUTH_TOKEN": "x"}))


@pytest.mark.parametrize(
    "args, environ",
    [(["--enable-api"], {}),  # an API without a token
     (["--enable-api", "--auth-token=x"], {"RASA_AUTH_TOKEN": "x"}),  # a token on the command line
     (["--auth-token", "x"], {})],
)
def test_unsafe_rasa_options_are_refused(args, environ):
    from supervisor.rasa_run import rasa_argv

    with pytest.raises(ValueError):
        rasa_argv(args, environ)


def test_rasa_s_version_routes_answer_without_the_version():
    from supervisor.rasa_run import version_free

    assert version_free("/") == (200, "ok")
    assert version_free("/version")[0] == 404
    assert version_free("/status") is None and version_free("/webhooks/rest/webhook") is None
