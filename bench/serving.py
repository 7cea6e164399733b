"""Serve one model and measure it: load levels, CPU per message, cost by turn, profile, memory."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bench import plan
from bench.cpu import cpu_seconds, ms_per_message
from bench.load import LevelResult, by_turn_p50_ms, run_all, run_long
from bench.memory import PeakRss
from bench.profile import Sampler, hottest_rasa_functions
from bench.progress import progress
from bench.servers import free_port, start_actions, start_rasa, write_runtime_files

PROFILED_LEVEL = "c1"


@dataclass
class Serving:
    """Everything measured while one model was served."""

    levels: Dict[str, LevelResult]
    rss_mb: Dict[str, Optional[float]]
    cpu_ms_per_msg: Optional[float] = None
    cpu_ms_per_msg_by_level: Dict[str, Optional[float]] = field(default_factory=dict)
    by_turn: Dict[str, Dict[str, Optional[float]]] = field(default_factory=dict)
    long_errors: int = 0
    profile_top: List[Dict[str, object]] = field(default_factory=list)


class LevelMeter:
    """CPU of the Rasa process around each load level, and a profile of one level."""

    def __init__(self, rasa_pid: int, profile_path: Path) -> None:
        """Nothing is read until the first level starts."""
        self.rasa_pid = rasa_pid
        self.profile_path = profile_path
        self._started_s: Dict[str, float] = {}
        self.cpu_s: Dict[str, float] = {}
        self.messages: Dict[str, int] = {}
        self.by_level: Dict[str, Optional[float]] = {}
        self._sampler: Optional[Sampler] = None

    def __call__(self, level: str, result: Optional[LevelResult]) -> None:
        """Hook for :func:`bench.load.run_all`."""
        if result is None:
            if level == PROFILED_LEVEL:
                self._sampler = Sampler(self.rasa_pid, self.profile_path)
            self._started_s[level] = cpu_seconds(self.rasa_pid)
            return
        self.cpu_s[level] = cpu_seconds(self.rasa_pid) - self._started_s[level]
        self.messages[level] = result.sent
        self.by_level[level] = ms_per_message(self.cpu_s[level], result.sent)
        if level == PROFILED_LEVEL and self._sampler:
            self._sampler.stop()

    def overall_ms(self) -> Optional[float]:
        """CPU ms per message over every level."""
        return ms_per_message(sum(self.cpu_s.values()), sum(self.messages.values()))

    def profile_top(self) -> List[Dict[str, object]]:
        """The hottest Rasa functions of the profiled level (empty without py-spy)."""
        if not self.profile_path.exists():
            return []
        with self.profile_path.open() as lines:
            return hottest_rasa_functions(lines)


def measure_serving(name: str, model: Path, run_dir: Path, conversations: List[List[str]],
                    long_questions: List[str], load_plan: plan.LoadPlan) -> Serving:
    """Start the action server and Rasa with ``model``, measure, stop both.

    The stock model runs on plain ``rasa run``; ours on the project's runtime
    (``supervisor.rasa_run``, with its patches) and with the SQL event broker
    the analytics read, as deployed.
    """
    work = run_dir / f"serve-{name}"
    shutil.rmtree(work, ignore_errors=True)
    action_port, rasa_port = free_port(), free_port()
    credentials, endpoints = write_runtime_files(work, action_port, event_broker=name != "stock")
    servers = []
    with PeakRss() as memory:
        try:
            actions = start_actions(action_port, work, work / "actions.log")
            servers.append(actions)
            memory.watch("actions", actions.pid)
            took = actions.wait_ready(f"http://127.0.0.1:{action_port}/health", 120)
            progress(f"{name}: action server up on port {action_port} ({took:.0f} s)")
            rasa = start_rasa(model, rasa_port, credentials, endpoints, work / "rasa.log",
                              stock_runtime=name == "stock")
            servers.append(rasa)
            memory.watch("rasa", rasa.pid)
            took = rasa.wait_ready(f"http://127.0.0.1:{rasa_port}/", 600)
            progress(f"{name}: Rasa server up on port {rasa_port} ({took:.0f} s)")
            url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
            meter = LevelMeter(rasa.pid, work / "profile.raw")
            levels = asyncio.run(run_all(url, conversations, load_plan, f"bench-{name}", progress, meter))
            progress(f"  {name}: {plan.LONG_TURNS}-turn conversations x {load_plan.long_repeats}")
            runs = asyncio.run(run_long(url, long_questions, plan.LONG_TURNS, load_plan.long_repeats,
                                        f"bench-{name}", load_plan))
        finally:
            for server in reversed(servers):
                server.stop()
    serving = Serving(
        levels=levels, rss_mb={"rasa": memory.peak_mb("rasa"), "actions": memory.peak_mb("actions")},
        cpu_ms_per_msg=meter.overall_ms(), cpu_ms_per_msg_by_level=meter.by_level,
        by_turn=by_turn_p50_ms(runs, plan.BY_TURN, plan.BY_TURN_HALF_WINDOW),
        long_errors=sum(1 for run in runs for latency in run if latency is None),
        profile_top=meter.profile_top())
    progress(f"  {name}: CPU {serving.cpu_ms_per_msg} ms/message, by turn {serving.by_turn}, "
             f"peak RSS Rasa {serving.rss_mb['rasa']} MB")
    return serving
