"""Load generation through the REST channel, and the statistics of its timings."""

from __future__ import annotations

import asyncio
import itertools
import math
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional, Sequence

import aiohttp

from bench.plan import LoadPlan

Progress = Callable[[str], None]


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) with linear interpolation (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError("p must be within 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(latencies_s: Sequence[float]) -> Dict[str, Optional[float]]:
    """p50/p95/p99 in milliseconds (None when nothing succeeded)."""
    if not latencies_s:
        return {"p50": None, "p95": None, "p99": None}
    return {f"p{p}": round(percentile(latencies_s, p) * 1000, 1) for p in (50, 95, 99)}


@dataclass
class LevelResult:
    """What one concurrency level measured."""

    level: str
    workers: int
    latencies_s: List[float] = field(default_factory=list)
    errors: int = 0
    sent: int = 0
    wall_s: float = 0.0
    error_samples: List[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        """Successful replies per second over the level's wall time."""
        return len(self.latencies_s) / self.wall_s if self.wall_s else 0.0

    def record_error(self, what: str) -> None:
        """Count an error and keep the first few for the report."""
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what)


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str,
               result: LevelResult) -> None:
    """Send one message and wait for the bot's reply; record time or error."""
    result.sent += 1
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None) if response.status == 200 else None
            elapsed = time.perf_counter() - start
            if response.status != 200:
                result.record_error(f"HTTP {response.status}")
            elif not isinstance(body, list) or not body:
                result.record_error(f"empty reply to {text!r}")
            else:
                result.latencies_s.append(elapsed)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        result.record_error(f"{type(error).__name__}: {error}")


async def run_level(url: str, level: str, workers: int, conversations: Iterator[List[str]],
                    conversations_per_worker: int, plan: LoadPlan, prefix: str) -> LevelResult:
    """``workers`` customers at once, each holding its conversations one after the other."""
    result = LevelResult(level=level, workers=workers)
    deadline = time.monotonic() + plan.level_deadline_s
    timeout = aiohttp.ClientTimeout(total=plan.request_timeout_s)
    connector = aiohttp.TCPConnector(limit=workers)
    # Hand the conversations out up front: each worker gets its own.
    assigned = [[next(conversations) for _ in range(conversations_per_worker)]
                for _ in range(workers)]

    async def customer(index: int, session: aiohttp.ClientSession) -> None:
        for number, turns in enumerate(assigned[index]):
            sender = f"{prefix}-{level}-{index}-{number}-{uuid.uuid4().hex[:8]}"
            for text in turns:
                if time.monotonic() > deadline:
                    return
                await send(session, url, sender, text, result)

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(customer(i, session) for i in range(workers)))
        result.wall_s = time.perf_counter() - start
    return result


async def warm_up(url: str, texts: Sequence[str], plan: LoadPlan) -> None:
    """A few unmeasured messages: the first ones pay for lazy initialisation."""
    result = LevelResult(level="warmup", workers=1)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=plan.request_timeout_s)) as session:
        for text in texts:
            await send(session, url, f"bench-warmup-{uuid.uuid4().hex[:8]}", text, result)
    if result.errors:
        raise RuntimeError(f"warm-up failed: {result.error_samples}")


LevelHook = Callable[[str, Optional[LevelResult]], None]


async def run_all(url: str, conversations: List[List[str]], plan: LoadPlan, prefix: str,
                  progress: Progress, hook: Optional[LevelHook] = None) -> Dict[str, LevelResult]:
    """Warm up, then c1, c20 and c100 in turn.

    ``hook(level, None)`` runs just before a level and ``hook(level, result)``
    just after it (CPU readings, the profiler).
    """
    pool = itertools.cycle(conversations)
    first_turns = [turn for conversation in conversations for turn in conversation]
    await warm_up(url, first_turns[:plan.warmup_messages], plan)
    results: Dict[str, LevelResult] = {}
    for level, workers in plan.workers.items():
        progress(f"  {level}: {workers} concurrent conversation(s), {plan.messages(level)} messages")
        if hook:
            hook(level, None)
        result = await run_level(url, level, workers, pool, plan.conversations_per_worker[level],
                                 plan, prefix)
        if hook:
            hook(level, result)
        stats = summary_ms(result.latencies_s)
        progress(f"  {level}: p50 {stats['p50']} ms, p95 {stats['p95']} ms, p99 {stats['p99']} ms, "
                 f"{result.throughput:.1f} msg/s, {result.errors} error(s) in {result.wall_s:.1f} s")
        results[level] = result
    return results


def saturation_throughput(results: Dict[str, LevelResult]) -> float:
    """Throughput at saturation: the best of the concurrent levels (msgs/s)."""
    concurrent = [r.throughput for r in results.values() if r.workers > 1]
    return round(max(concurrent, default=0.0), 1)


async def run_long(url: str, questions: Sequence[str], turns: int, repeats: int,
                   prefix: str, plan: LoadPlan) -> List[List[Optional[float]]]:
    """``repeats`` conversations of ``turns`` messages cycling through ``questions``, one at a time.

    Returns, per conversation, each turn's latency in seconds (None for an error),
    so the cost can be read against the length of the conversation so far.
    """
    timeout = aiohttp.ClientTimeout(total=plan.request_timeout_s)
    runs: List[List[Optional[float]]] = []
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for number in range(repeats):
            sender = f"{prefix}-long-{number}-{uuid.uuid4().hex[:8]}"
            result = LevelResult(level="long", workers=1)
            latencies: List[Optional[float]] = []
            for turn in range(turns):
                before = len(result.latencies_s)
                await send(session, url, sender, questions[turn % len(questions)], result)
                latencies.append(result.latencies_s[-1] if len(result.latencies_s) > before else None)
            runs.append(latencies)
    return runs


def by_turn_p50_ms(runs: Sequence[Sequence[Optional[float]]], turns: Sequence[int],
                   half_window: int) -> Dict[str, Dict[str, Optional[float]]]:
    """p50 (ms) of the turns within ``half_window`` of each turn (1-based), over every run."""
    summary: Dict[str, Dict[str, Optional[float]]] = {}
    for turn in turns:
        window = [latency for run in runs
                  for index, latency in enumerate(run, start=1)
                  if abs(index - turn) <= half_window and latency is not None]
        summary[str(turn)] = {"p50": round(percentile(window, 50) * 1000, 1) if window else None}
    return summary
