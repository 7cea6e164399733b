"""Paths, the two contenders, the load plan and the targets of the benchmark."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, Tuple

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
WORK_DIR = BENCH_DIR / ".work"  # gitignored by bench/.gitignore
HELDOUT = ROOT / "tests" / "nlu"
DOMAIN = ROOT / "domain.yml"
DATA = ROOT / "data"
ACTION_SETTINGS = ROOT / "tests" / "settings" / "provider.closed.yml"

# Our configuration first: it is the one the memory figures are reported for.
CONFIGS: Dict[str, Path] = {
    "ours": ROOT / "config.yml",
    "stock": BENCH_DIR / "stock_config.yml",
}
MODELS: Tuple[str, ...] = tuple(CONFIGS)


@dataclass(frozen=True)
class Inputs:
    """The files a run trains and evaluates on (a snapshot taken when it starts)."""

    configs: Dict[str, Path]
    domain: Path
    data: Path
    heldout: Path


PROJECT_INPUTS = Inputs(configs=CONFIGS, domain=DOMAIN, data=DATA, heldout=HELDOUT)
LEVELS: Tuple[str, ...] = ("c1", "c20", "c100")


@dataclass(frozen=True)
class LoadPlan:
    """How much traffic each concurrency level sends.

    Each worker runs ``conversations_per_worker`` conversations one after the
    other, each with its own sender id and ``conversation_length`` messages
    sent one at a time (the next only after the reply), like a customer.
    """

    conversation_length: int
    conversations_per_worker: Dict[str, int]
    workers: Dict[str, int]
    level_deadline_s: float  # no new message is sent after this (bounded run)
    request_timeout_s: float
    warmup_messages: int
    long_repeats: int = 3  # conversations of LONG_TURNS messages, for the cost by turn

    def messages(self, level: str) -> int:
        """Messages the level sends when it finishes before its deadline."""
        return (self.workers[level] * self.conversations_per_worker[level]
                * self.conversation_length)


FULL = LoadPlan(
    conversation_length=5,
    conversations_per_worker={"c1": 40, "c20": 4, "c100": 2},
    workers={"c1": 1, "c20": 20, "c100": 100},
    level_deadline_s=300.0,
    request_timeout_s=60.0,
    warmup_messages=5,
)
QUICK = replace(
    FULL,
    conversation_length=3,
    conversations_per_worker={"c1": 3, "c20": 1, "c100": 1},
    level_deadline_s=60.0,
    warmup_messages=2,
    long_repeats=1,
)

# Cost against conversation length: conversations of LONG_TURNS messages that
# cycle through LONG_QUESTIONS held-out topic questions; the p50 at each of
# BY_TURN is taken over the turns within BY_TURN_HALF_WINDOW of it, in every run.
LONG_TURNS = 100
LONG_QUESTIONS = 4
BY_TURN: Tuple[int, ...] = (1, 25, 50, 100)
BY_TURN_HALF_WINDOW = 2

# Quality targets of the benchmark (reported, not asserted).
TARGET_INTENT_ACCURACY = 0.95
TARGET_OOS_ROUTED = 0.90
TARGET_FALSE_FALLBACK = 0.05
TARGET_P95_C20_RATIO = 2.0
TARGET_THROUGHPUT = 50.0
TARGET_RASA_RSS_MB = 1200.0
TARGET_TRAIN_S = 180.0
TARGET_CPU_RATIO = 0.5  # CPU per message, ours against stock
TARGET_TURN_RATIO = 1.2  # p50 at the last turn measured against turn 1
