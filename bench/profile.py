"""A sampling profile of the Rasa process (py-spy), summarised as its hottest Rasa functions."""

from __future__ import annotations

import collections
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional

# A py-spy frame: "function (path/to/file.py:line)".
_FRAME = re.compile(r"^(?P<function>.+) \((?P<file>[^():]+):\d+\)$")
_RASA_PACKAGE = re.compile(r"(?:^|/)(rasa/.+)$")


def py_spy() -> Optional[str]:
    """The py-spy executable next to this Python, or on PATH (None when missing)."""
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


class Sampler:
    """``py-spy record`` on one process until ``stop``; raw collapsed stacks in ``output``."""

    def __init__(self, pid: int, output: Path, rate: int = 100) -> None:
        """Start sampling ``pid`` (no-op when py-spy is not installed)."""
        self.output = output
        executable = py_spy()
        self._process = None if executable is None else subprocess.Popen(
            [executable, "record", "-p", str(pid), "-r", str(rate), "-f", "raw", "-o", str(output),
             "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> bool:
        """Stop sampling and write the profile; True when a profile was written."""
        if self._process is None:
            return False
        self._process.send_signal(signal.SIGINT)
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
        return self.output.exists() and self.output.stat().st_size > 0


def _rasa_function(frame: str) -> Optional[str]:
    """``module/file.py:function`` for a frame inside Rasa's own package, else None."""
    match = _FRAME.match(frame.strip())
    package = _RASA_PACKAGE.search(match["file"]) if match else None
    return f"{package[1]}:{match['function']}" if match and package else None


def is_idle_wait(stack: str) -> bool:
    """True for a sample of a thread-pool worker waiting for work (its innermost frame is the wait).

    py-spy cannot tell that a thread blocked in C on the pool's queue is idle,
    so without this the pool's waiting threads dilute every share.
    """
    innermost = stack.rsplit(";", 1)[-1].strip()
    match = _FRAME.match(innermost)
    return bool(match) and match["function"] == "_worker" and match["file"].endswith(
        "concurrent/futures/thread.py")


def hottest_rasa_functions(lines: Iterable[str], top: int = 5) -> List[Dict[str, object]]:
    """The ``top`` Rasa functions by share of busy samples, each charged to its innermost Rasa frame.

    A sample spent in a library (TensorFlow, jsonschema, json) is charged to the
    Rasa function that called into it, so the list says where Rasa's time goes.
    Samples of idle pool threads (:func:`is_idle_wait`) are left out.
    """
    charged: Dict[str, int] = collections.Counter()
    total = 0
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit() or is_idle_wait(stack):
            continue
        total += int(count)
        for frame in reversed(stack.split(";")):
            function = _rasa_function(frame)
            if function:
                charged[function] += int(count)
                break
    return [{"function": name, "share": round(samples / total, 3)}
            for name, samples in collections.Counter(charged).most_common(top)] if total else []
