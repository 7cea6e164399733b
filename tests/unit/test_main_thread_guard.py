"""Store servers must be started from the main thread (their death signal follows the starting thread)."""

import threading
from pathlib import Path

import pytest

from cluster.process import ServiceProcess
from supervisor import require_main_thread


def test_main_thread_may_start():
    require_main_thread("postgres")  # no error


def test_another_thread_is_refused_before_anything_starts(tmp_path: Path):
    errors = []

    def start() -> None:
        try:
            ServiceProcess("sleeper", ["sleep", "60"], {}, tmp_path / "sleeper.log",
                           as_service_user=False)
        except RuntimeError as error:
            errors.append(str(error))

    worker = threading.Thread(target=start)
    worker.start()
    worker.join()
    assert errors and "main thread" in errors[0]
    assert not (tmp_path / "sleeper.log").exists()  # refused before the log or the process


def test_the_message_names_the_server():
    with pytest.raises(RuntimeError, match="start redis from the main thread"):
        result = []
        thread = threading.Thread(target=lambda: result.append(_call("redis")))
        thread.start()
        thread.join()
        raise result[0]


def _call(name: str) -> Exception:
    try:
        require_main_thread(name)
    except RuntimeError as error:
        return error
    return AssertionError("no error raised")
