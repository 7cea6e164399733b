"""Pure parts of the benchmark: percentiles, NLU figures, conversations, results schema."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List

import pytest

from bench import plan
from bench.conversations import (
    LONG_INTENTS,
    load_examples,
    long_questions,
    make_conversations,
    strip_annotations,
)
from bench.cpu import cpu_seconds, ms_per_message
from bench.load import LevelResult, by_turn_p50_ms, percentile, saturation_throughput, summary_ms
from bench.machine import cpu_model, memory_gb
from bench.nlu import routing_rates, summarise
from bench.profile import hottest_rasa_functions
from bench.report import build_results, check_schema, expected_paths, key_paths, markdown, targets

# --- percentiles -----------------------------------------------------------------

def test_percentile_interpolates_linearly_like_numpy() -> None:
    values = [float(v) for v in range(1, 11)]  # 1..10
    assert percentile(values, 50) == pytest.approx(5.5)
    assert percentile(values, 95) == pytest.approx(9.55)
    assert percentile(values, 99) == pytest.approx(9.91)
    assert percentile(values, 0) == 1.0 and percentile(values, 100) == 10.0


def test_percentile_ignores_order_and_handles_one_value() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([0.25], 99) == 0.25


@pytest.mark.parametrize("values, p", [([], 50), ([1.0], -1), ([1.0], 101)])
def test_percentile_rejects_bad_input(values: List[float], p: float) -> None:
    with pytest.raises(ValueError):
        percentile(values, p)


def test_summary_in_milliseconds_and_empty() -> None:
    assert summary_ms([0.010, 0.020, 0.030]) == {"p50": 20.0, "p95": 29.0, "p99": 29.8}
    assert summary_ms([]) == {"p50": None, "p95": None, "p99": None}


def test_saturation_is_best_concurrent_level() -> None:
    c1 = LevelResult("c1", 1, latencies_s=[0.01] * 100, wall_s=1.0)  # 100/s but not concurrent
    c20 = LevelResult("c20", 20, latencies_s=[0.1] * 60, wall_s=2.0)
    c100 = LevelResult("c100", 100, latencies_s=[0.5] * 50, wall_s=2.0)
    assert saturation_throughput({"c1": c1, "c20": c20, "c100": c100}) == 30.0


def test_level_result_keeps_only_a_few_error_samples() -> None:
    result = LevelResult("c20", 20)
    for i in range(8):
        result.record_error(f"HTTP {500 + i}")
    assert result.errors == 8 and len(result.error_samples) == 5


# --- NLU figures -----------------------------------------------------------------

def _prediction(intent: str, predicted: str) -> Dict[str, object]:
    return {"text": f"{intent}?", "intent": intent, "predicted": predicted, "confidence": 0.9}


def test_routing_rates() -> None:
    predictions = [
        _prediction("oos_billing", "oos_billing"),      # routed
        _prediction("chitchat", "nlu_fallback"),        # routed (fallback)
        _prediction("out_of_scope", "request_human"),   # routed (a person)
        _prediction("oos_hacked", "ask_webmail"),       # missed
        _prediction("ask_cost", "ask_cost"),            # fine
        _prediction("ask_cost", "nlu_fallback"),        # false fallback
        _prediction("ask_webmail", "oos_contract"),     # false fallback (declined)
        _prediction("request_human", "request_human"),  # correct escalation: not false
        _prediction("greet", "thank"),                  # wrong but not routed
    ]
    assert routing_rates(predictions) == {"oos_routed": 0.75, "false_fallback": 0.4}


def test_routing_rates_without_examples() -> None:
    assert routing_rates([]) == {"oos_routed": None, "false_fallback": None}


def _fake_report_dir(tmp_path: Path, with_entities: bool = True) -> Path:
    report = tmp_path / "report"
    report.mkdir()
    (report / "intent_report.json").write_text(json.dumps({
        "ask_cost": {"precision": 1.0, "recall": 0.5, "f1-score": 0.6667, "support": 2},
        "oos_billing": {"precision": 0.5, "recall": 1.0, "f1-score": 0.6667, "support": 1},
        "accuracy": 0.6667,
        "macro avg": {"precision": 0.75, "recall": 0.75, "f1-score": 0.66666, "support": 3},
        "weighted avg": {"precision": 0.8, "recall": 0.6, "f1-score": 0.6, "support": 3},
    }))
    if with_entities:
        (report / "DIETClassifier_report.json").write_text(json.dumps({
            "protocol": {"f1-score": 0.9, "support": 4},
            "macro avg": {"precision": 0.8, "recall": 0.8, "f1-score": 0.81234, "support": 4},
        }))
    (tmp_path / "predictions.json").write_text(json.dumps([
        _prediction("ask_cost", "ask_cost"),
        _prediction("ask_cost", "nlu_fallback"),
        _prediction("oos_billing", "oos_billing"),
    ]))
    return tmp_path


def test_summarise_a_report_dir(tmp_path: Path) -> None:
    assert summarise(_fake_report_dir(tmp_path)) == {
        "intent_accuracy": 0.6667, "macro_f1": 0.6667, "entity_f1": 0.8123,
        "oos_routed": 1.0, "false_fallback": 0.5,
    }


def test_summarise_without_entity_report(tmp_path: Path) -> None:
    assert summarise(_fake_report_dir(tmp_path, with_entities=False))["entity_f1"] is None


# --- conversations ----------------------------------------------------------------

def test_strip_annotations() -> None:
    assert strip_annotations("uso [imap](protocol) sul [telefono]{\"entity\": \"device\"}") == \
        "uso imap sul telefono"


def test_conversations_from_heldout_files(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(
        'version: "3.1"\nnlu:\n'
        "- intent: greet\n  examples: |\n    - ciao\n"
        "- intent: thank\n  examples: |\n    - grazie\n"
        "- intent: ask_cost\n  examples: |\n    - quanto costa [imap](protocol)?\n    - e il prezzo?\n"
        "- intent: request_human\n  examples: |\n    - operatore\n"
        "- synonym: imap\n  examples: |\n    - IMAP\n")
    examples = load_examples(tmp_path)
    assert examples["ask_cost"] == ["quanto costa imap?", "e il prezzo?"]
    conversations = make_conversations(examples, count=4, length=4)
    assert len(conversations) == 4
    for turns in conversations:
        assert turns[0] == "ciao" and turns[-1] == "grazie" and len(turns) == 4
        assert "operatore" not in turns  # hand-overs are left out
    assert make_conversations(examples, 4, 4) == conversations  # reproducible


# --- machine -----------------------------------------------------------------------

def test_cpu_and_memory_from_proc_files(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: Test CPU @ 2.0GHz\n")
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24576000 kB\n")
    assert cpu_model(cpuinfo) == "Test CPU @ 2.0GHz"
    assert cpu_model(tmp_path / "missing") == "unknown"
    assert memory_gb(meminfo) == 23.4


# --- results schema ----------------------------------------------------------------

def _results() -> Dict[str, object]:
    nlu = {"intent_accuracy": 0.96, "macro_f1": 0.95, "entity_f1": 0.9, "oos_routed": 0.92,
           "false_fallback": 0.03}
    latency = {c: {"p50": 40.0, "p95": 80.0, "p99": 120.0} for c in plan.LEVELS}
    return build_results(
        nlu={"ours": nlu, "stock": {**nlu, "intent_accuracy": 0.9}},
        latency={"ours": latency, "stock": latency},
        throughput={"ours": 60.0, "stock": 70.0}, errors={"ours": 0, "stock": 0},
        rss_mb={"rasa": 900.0, "actions": 120.0}, train_s={"ours": 100.0, "stock": 150.0},
        model_mb={"ours": 30.0, "stock": 25.0}, spacy_model="it_core_news_sm 3.4.0 (official)",
        machine={"cpu": "Test CPU", "cores": 2},
        by_turn={m: {str(t): {"p50": 50.0 + t * 0.05} for t in plan.BY_TURN} for m in plan.MODELS},
        cpu_ms_per_msg={"ours": 30.0, "stock": 80.0},
        profile_top=[{"function": "rasa/core/processor.py:handle_message", "share": 0.4}],
        cluster={"1": 10.0, "2": 17.5},
    )


def test_results_have_exactly_the_agreed_keys() -> None:
    results = _results()
    assert list(results) == ["nlu", "latency_ms", "throughput_msgs_per_s", "errors", "rss_mb",
                             "train_s", "model_mb", "spacy_model", "machine", "cpu_ms_per_msg",
                             "profile_top", "cluster"]
    assert key_paths(results) == expected_paths()
    assert "cluster.throughput_msgs_per_s.2" in expected_paths()
    assert "latency_ms.stock.c100.p99" in expected_paths()
    assert "nlu.ours.false_fallback" in expected_paths()
    assert "latency_ms.ours.by_turn.100.p50" in expected_paths()
    assert "cpu_ms_per_msg.stock" in expected_paths()
    assert len(expected_paths()) == 10 + 18 + 8 + 8 + 2 + 2 + 2 + 1 + 2
    json.dumps(results)  # serialisable


def test_schema_check_rejects_extra_or_missing_keys() -> None:
    results = _results()
    with pytest.raises(ValueError, match="extra"):
        check_schema({**results, "notes": "x"})
    broken = json.loads(json.dumps(results))
    del broken["latency_ms"]["ours"]["c20"]["p95"]
    with pytest.raises(ValueError, match="latency_ms.ours.c20.p95"):
        check_schema(broken)


def test_targets_and_markdown() -> None:
    results = _results()
    status = [met for _, _, met in targets(results)]
    assert status == [True, True, True, True, True, True, True, True]
    results["errors"]["ours"] = 1  # type: ignore[index]
    results["rss_mb"]["rasa"] = None  # type: ignore[index]
    status = [met for _, _, met in targets(results)]
    assert status[3] is False and status[4] is None
    results["latency_ms"]["ours"]["by_turn"]["100"]["p50"] = 200.0  # type: ignore[index]
    results["cpu_ms_per_msg"]["stock"] = None  # type: ignore[index]
    status = [met for _, _, met in targets(results)]
    assert status[6] is None and status[7] is False
    text = markdown(results, {"levels": {}, "date": "today", "commit": "abc"})
    assert "## Targets" in text and "**not met**" in text and "not measured" in text
    assert "rasa/core/processor.py:handle_message" in text


# --- CPU, profile, cost by turn ------------------------------------------------------

def test_cpu_per_message() -> None:
    assert ms_per_message(0.5, 10) == 50.0
    assert ms_per_message(0.5, 0) is None
    assert cpu_seconds(os.getpid()) > 0
    assert cpu_seconds(2 ** 22 + 12345) == 0.0  # no such process


def test_hottest_rasa_functions_charge_the_innermost_rasa_frame() -> None:
    lines = [
        "<module> (rasa:8);run (rasa/core/processor.py:10);validate (jsonschema/validators.py:5) 6\n",
        "<module> (rasa:8);run (rasa/core/processor.py:10);predict (rasa/core/policies/ted.py:3) 3\n",
        "<module> (rasa:8);poll (asyncio/events.py:1) 1\n",
        "_bootstrap (threading.py:9);_worker (/usr/lib/python3.10/concurrent/futures/thread.py:81) 90\n",
        "garbage line\n",
    ]
    top = hottest_rasa_functions(lines, top=5)
    assert top == [{"function": "rasa/core/processor.py:run", "share": 0.6},
                   {"function": "rasa/core/policies/ted.py:predict", "share": 0.3}]
    assert hottest_rasa_functions([]) == []


def test_by_turn_window_and_errors() -> None:
    runs = [[0.1, 0.1, 0.1, 0.2, 0.3, 0.3, None], [0.1, None, 0.1, 0.2, 0.3, 0.5, 0.5]]
    summary = by_turn_p50_ms(runs, (1, 6), half_window=1)
    assert summary == {"1": {"p50": 100.0}, "6": {"p50": 300.0}}
    assert by_turn_p50_ms([[None]], (1,), 2) == {"1": {"p50": None}}


def test_long_questions_take_one_per_topic() -> None:
    examples = {intent: [f"{intent} a", f"{intent} b"] for intent in LONG_INTENTS}
    assert long_questions(examples, 3) == [f"{intent} a" for intent in LONG_INTENTS[:3]]
    with pytest.raises(ValueError):
        long_questions({"ask_offline": ["x"]}, 2)
