"""What the benchmark ran on: CPU, cores, memory, load, spaCy model."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Optional, Union

Info = Dict[str, Union[str, int, float, None]]


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The CPU's "model name" from /proc/cpuinfo ("unknown" when absent)."""
    try:
        for line in cpuinfo.read_text().splitlines():
            if line.lower().startswith("model name") and ":" in line:
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def memory_gb(meminfo: Path = Path("/proc/meminfo")) -> Optional[float]:
    """Total RAM in GB (2**30 bytes) from /proc/meminfo."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def load_average() -> Optional[float]:
    """One-minute load average (a sign of other work on the machine)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def machine_info() -> Info:
    """CPU model, cores, memory and the load when the run started."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": memory_gb(),
        "load_avg_1m_at_start": load_average(),
    }


def spacy_label() -> str:
    """Label of the installed spaCy model, saying whether it is the offline stand-in."""
    from components.model_info import spacy_model_info

    return str(spacy_model_info()["label"])
