"""CPU time a server process spends, read from the kernel (/proc via psutil)."""

from __future__ import annotations

import psutil

from bench.memory import tree_members


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its live children (0 once it is gone)."""
    try:
        members = tree_members(psutil.Process(pid))
    except psutil.Error:
        return 0.0
    total = 0.0
    for member in members:
        try:
            times = member.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def ms_per_message(cpu_s: float, messages: int) -> float | None:
    """CPU milliseconds per handled message (None when nothing was handled)."""
    if messages <= 0:
        return None
    return round(cpu_s * 1000 / messages, 1)
