"""``cluster.throughput_msgs_per_s.{1,2}``: the same c20 REST load on one Rasa process and on two.

Starts the local cluster of ``cluster/`` (PostgreSQL, Redis, nginx, two Rasa
and two action servers) with the benchmark's model and REST limits, sends the
c20 level straight to the first Rasa process, then the same level through the
load balancer to both. Both runs share the stores, so the difference is the
second process alone.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

from bench.load import run_level, warm_up
from bench.plan import ACTION_SETTINGS, LoadPlan
from bench.progress import progress, ticking

LEVEL = "c20"


def _credentials(directory: Path) -> Path:
    """The REST channel only, limits raised: the load comes from one address."""
    path = directory / "credentials.yml"
    path.write_text("channels.rest.SafeRestInput:\n" + "".join(
        f"  {key}: 1000000\n" for key in ("rate_limit_burst", "rate_limit_per_minute",
                                          "address_rate_limit_burst", "address_rate_limit_per_minute")))
    return path


async def _throughput(url: str, conversations: List[List[str]], load_plan: LoadPlan, prefix: str) -> float:
    pool = itertools.cycle(conversations)
    await warm_up(f"{url}/webhooks/rest/webhook", [turn for c in conversations[:2] for turn in c], load_plan)
    result = await run_level(f"{url}/webhooks/rest/webhook", LEVEL, load_plan.workers[LEVEL], pool,
                             load_plan.conversations_per_worker[LEVEL], load_plan, prefix)
    if result.errors:
        progress(f"  {prefix}: {result.errors} errors, first: {result.error_samples[:2]}")
    return round(result.throughput, 1)


def measure_cluster(model: Path, conversations: List[List[str]],
                    load_plan: LoadPlan) -> Dict[str, Optional[float]]:
    """{"1": msgs/s on one process, "2": msgs/s through the balancer to two}; None when it cannot run."""
    try:
        from cluster.config import ClusterConfig
        from cluster.runner import Cluster
        from cluster.stores import postgres_bin

        postgres_bin("postgres")
        nginx = shutil.which("nginx") or Path("/usr/sbin/nginx").exists()
        if not nginx or not shutil.which("redis-server"):
            raise FileNotFoundError("nginx or redis-server")
    except (ImportError, FileNotFoundError) as error:
        progress(f"cluster skipped ({error}): bash scripts/setup_cluster_deps.sh")
        return {"1": None, "2": None}
    data_dir = Path(tempfile.mkdtemp(prefix="imap-bench-cluster-"))
    config = ClusterConfig.ephemeral(
        data_dir, model, credentials=_credentials(data_dir), with_web=False,
        extra_env={"PROVIDER_SETTINGS": str(ACTION_SETTINGS), "TICKETS_PER_CLIENT_PER_HOUR": "100000"})
    cluster = Cluster(config)
    try:
        with ticking("starting the cluster (PostgreSQL, Redis, nginx, 2 Rasa, 2 action servers)"):
            cluster.start()
        one = asyncio.run(_throughput(config.rasa_urls[0], conversations, load_plan, "cluster-one"))
        progress(f"  one Rasa process: {one} msg/s")
        two = asyncio.run(_throughput(config.public_url, conversations, load_plan, "cluster-two"))
        progress(f"  two Rasa processes behind nginx: {two} msg/s")
        return {"1": one, "2": two}
    finally:
        cluster.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
