"""Peak resident memory of server processes, sampled in a background thread."""

from __future__ import annotations

import threading
from typing import Dict, List, Optional

import psutil

MB = 1024 * 1024


def tree_members(process: psutil.Process) -> List[psutil.Process]:
    """A process and all its descendants (raises psutil.Error once it is gone)."""
    return [process, *process.children(recursive=True)]


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants (0 once it is gone)."""
    total = 0
    try:
        members = tree_members(process)
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


class PeakRss:
    """Samples the RSS of named process trees every ``interval`` seconds.

    Use as a context manager; ``watch`` adds a process as soon as it is
    started, so the model loading peak is seen too.
    """

    def __init__(self, interval: float = 0.2) -> None:
        """Nothing is sampled until ``start`` (or ``with``)."""
        self.interval = interval
        self.peak_bytes: Dict[str, int] = {}
        self._processes: Dict[str, psutil.Process] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def watch(self, name: str, pid: int) -> None:
        """Follow the process ``pid`` (and its children) under ``name``."""
        with self._lock:
            self._processes[name] = psutil.Process(pid)
            self.peak_bytes.setdefault(name, 0)
        self.sample()

    def sample(self) -> None:
        """Take one sample of every watched tree."""
        with self._lock:
            for name, process in self._processes.items():
                self.peak_bytes[name] = max(self.peak_bytes[name], tree_rss(process))

    def peak_mb(self, name: str) -> Optional[float]:
        """Peak of ``name`` in MB (2**20 bytes), None if it was never watched."""
        value = self.peak_bytes.get(name)
        return round(value / MB, 1) if value else None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> "PeakRss":
        """Start the sampling thread."""
        self._thread = threading.Thread(target=self._run, name="peak-rss", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Take a last sample and stop the thread."""
        self.sample()
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> "PeakRss":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
