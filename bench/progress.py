"""Progress lines on the terminal: the benchmark takes many minutes."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

_START = time.monotonic()


def progress(message: str) -> None:
    """One progress line with the time elapsed since the start."""
    print(f"[bench {time.monotonic() - _START:6.0f} s] {message}", flush=True)


@contextmanager
def ticking(what: str, every_s: float = 30.0) -> Iterator[None]:
    """Print "still <what> (N s)" every ``every_s`` seconds while the block runs."""
    done = threading.Event()
    start = time.monotonic()

    def tick() -> None:
        while not done.wait(every_s):
            progress(f"  still {what} ({time.monotonic() - start:.0f} s)")

    thread = threading.Thread(target=tick, name="bench-ticker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=1)
