"""Train one configuration on the project's domain and data, timed, without the cache."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.plan import ROOT
from bench.progress import ticking
from bench.servers import QUIET_ENV, tail

MB = 1024 * 1024


@dataclass(frozen=True)
class Trained:
    """A trained model archive and what it cost."""

    model: Path
    seconds: float
    size_mb: float


def cache_free_env(cache_dir: Path) -> dict:
    """Environment that disables Rasa's training cache (rasa/engine/caching.py).

    ``RASA_MAX_CACHE_SIZE=0`` turns the cache off (an in-memory stand-in is
    used) and the fresh ``RASA_CACHE_DIRECTORY`` makes sure nothing from
    ``.rasa/cache`` can be reused, so every run trains every component.
    """
    return {"RASA_MAX_CACHE_SIZE": "0", "RASA_CACHE_DIRECTORY": str(cache_dir)}


def train(name: str, config: Path, domain: Path, data: Path, out_dir: Path, log: Path,
          timeout_s: float = 3600) -> Trained:
    """``rasa train`` with ``config``, ``domain`` and ``data`` into ``out_dir/name.tar.gz``.

    Returns the wall time and the size of the archive.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "rasa", "train", "--config", str(config),
               "--domain", str(domain), "--data", str(data), "--out", str(out_dir),
               "--fixed-model-name", name]
    env = {**os.environ, **QUIET_ENV, **cache_free_env(out_dir / "no-cache")}
    start = time.monotonic()
    with ticking(f"training {name}"), log.open("w") as sink:
        completed = subprocess.run(command, cwd=ROOT, env=env, stdout=sink,
                                   stderr=subprocess.STDOUT, timeout=timeout_s)
    seconds = time.monotonic() - start
    model = out_dir / f"{name}.tar.gz"
    if completed.returncode != 0 or not model.exists():
        raise RuntimeError(f"training {name} failed ({completed.returncode}):\n{tail(log)}")
    return Trained(model=model, seconds=round(seconds, 1), size_mb=round(model.stat().st_size / MB, 1))
