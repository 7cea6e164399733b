"""The results: the fixed JSON schema, the Markdown report with targets, the plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

from bench import plan
from bench.nlu import NLU_KEYS
from bench.serving import PROFILED_LEVEL

PERCENTILES = ("p50", "p95", "p99")
TOP_LEVEL = ("nlu", "latency_ms", "throughput_msgs_per_s", "errors", "rss_mb", "train_s",
             "model_mb", "spacy_model", "machine", "cpu_ms_per_msg", "profile_top")
CONCURRENCY = {"c1": 1, "c20": 20, "c100": 100}
#: Rasa process counts of the cluster measurement (bench/cluster.py).
CLUSTER_PROCESSES = ("1", "2")


def expected_paths() -> Set[str]:
    """Every key path results.json must have, and no other (``machine`` and ``profile_top`` are leaves)."""
    paths = {f"nlu.{m}.{k}" for m in plan.MODELS for k in NLU_KEYS}
    paths |= {f"latency_ms.{m}.{c}.{p}" for m in plan.MODELS for c in plan.LEVELS for p in PERCENTILES}
    paths |= {f"latency_ms.{m}.by_turn.{t}.p50" for m in plan.MODELS for t in plan.BY_TURN}
    for key in ("throughput_msgs_per_s", "errors", "train_s", "model_mb", "cpu_ms_per_msg"):
        paths |= {f"{key}.{m}" for m in plan.MODELS}
    paths |= {"rss_mb.rasa", "rss_mb.actions", "spacy_model", "machine", "profile_top"}
    paths |= {f"cluster.throughput_msgs_per_s.{n}" for n in CLUSTER_PROCESSES}
    return paths


def key_paths(results: Mapping[str, Any], prefix: str = "") -> Set[str]:
    """Dotted paths of the leaves of ``results``; ``machine`` counts as a leaf."""
    paths: Set[str] = set()
    for key, value in results.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and path not in ("machine", "profile_top"):
            paths |= key_paths(value, f"{path}.")
        else:
            paths.add(path)
    return paths


def check_schema(results: Mapping[str, Any]) -> None:
    """Raise ValueError when results.json would not have exactly the agreed keys."""
    found, expected = key_paths(results), expected_paths()
    if found != expected:
        raise ValueError(f"results keys differ: missing {sorted(expected - found)}, "
                         f"extra {sorted(found - expected)}")


def build_results(nlu: Mapping[str, Mapping[str, Optional[float]]],
                  latency: Mapping[str, Mapping[str, Mapping[str, Optional[float]]]],
                  throughput: Mapping[str, float], errors: Mapping[str, int],
                  rss_mb: Mapping[str, Optional[float]], train_s: Mapping[str, float],
                  model_mb: Mapping[str, float], spacy_model: str,
                  machine: Mapping[str, Any],
                  by_turn: Mapping[str, Mapping[str, Mapping[str, Optional[float]]]],
                  cpu_ms_per_msg: Mapping[str, Optional[float]],
                  profile_top: List[Dict[str, Any]],
                  cluster: Mapping[str, Optional[float]]) -> Dict[str, Any]:
    """The results document, keys in the agreed order, checked against the schema."""
    results: Dict[str, Any] = {
        "nlu": {m: {k: nlu[m].get(k) for k in NLU_KEYS} for m in plan.MODELS},
        "latency_ms": {m: {**{c: {p: latency[m][c][p] for p in PERCENTILES} for c in plan.LEVELS},
                           "by_turn": {str(t): {"p50": by_turn[m][str(t)]["p50"]} for t in plan.BY_TURN}}
                       for m in plan.MODELS},
        "throughput_msgs_per_s": {m: throughput[m] for m in plan.MODELS},
        "errors": {m: int(errors[m]) for m in plan.MODELS},
        "rss_mb": {"rasa": rss_mb["rasa"], "actions": rss_mb["actions"]},
        "train_s": {m: train_s[m] for m in plan.MODELS},
        "model_mb": {m: model_mb[m] for m in plan.MODELS},
        "spacy_model": spacy_model,
        "machine": dict(machine),
        "cpu_ms_per_msg": {m: cpu_ms_per_msg[m] for m in plan.MODELS},
        "profile_top": [dict(entry) for entry in profile_top],
        "cluster": {"throughput_msgs_per_s": {n: cluster.get(n) for n in CLUSTER_PROCESSES}},
    }
    check_schema(results)
    return results


def _ge(value: Optional[float], bound: float) -> Optional[bool]:
    return None if value is None else value >= bound


def _le(value: Optional[float], bound: float) -> Optional[bool]:
    return None if value is None else value <= bound


def _both(*flags: Optional[bool]) -> Optional[bool]:
    return None if any(f is None for f in flags) else all(flags)


def targets(results: Mapping[str, Any]) -> List[Tuple[str, str, Optional[bool]]]:
    """(target, our figure, met?) for every target of the benchmark; None when unmeasured."""
    ours, stock = results["nlu"]["ours"], results["nlu"]["stock"]
    acc, stock_acc = ours["intent_accuracy"], stock["intent_accuracy"]
    p95, stock_p95 = (results["latency_ms"][m]["c20"]["p95"] for m in ("ours", "stock"))
    ratio = round(p95 / stock_p95, 2) if p95 is not None and stock_p95 else None
    rate, errs = results["throughput_msgs_per_s"]["ours"], results["errors"]["ours"]
    rss, train = results["rss_mb"]["rasa"], results["train_s"]["ours"]
    cpu, stock_cpu = (results["cpu_ms_per_msg"][m] for m in ("ours", "stock"))
    cpu_ratio = round(cpu / stock_cpu, 2) if cpu is not None and stock_cpu else None
    turns = results["latency_ms"]["ours"]["by_turn"]
    first, last = turns[str(plan.BY_TURN[0])]["p50"], turns[str(plan.BY_TURN[-1])]["p50"]
    turn_ratio = round(last / first, 2) if first and last is not None else None
    return [
        (f"held-out intent accuracy >= {plan.TARGET_INTENT_ACCURACY} and >= stock",
         f"{acc} (stock {stock_acc})",
         _both(_ge(acc, plan.TARGET_INTENT_ACCURACY),
               None if stock_acc is None else _ge(acc, stock_acc))),
        (f"out-of-scope routed >= {plan.TARGET_OOS_ROUTED} with false fallback <= "
         f"{plan.TARGET_FALSE_FALLBACK}",
         f"{ours['oos_routed']} routed, {ours['false_fallback']} false fallback",
         _both(_ge(ours["oos_routed"], plan.TARGET_OOS_ROUTED),
               _le(ours["false_fallback"], plan.TARGET_FALSE_FALLBACK))),
        (f"p95 at 20 concurrent <= {plan.TARGET_P95_C20_RATIO:g}x stock",
         f"{p95} ms vs stock {stock_p95} ms ({ratio}x)",
         _le(ratio, plan.TARGET_P95_C20_RATIO)),
        (f">= {plan.TARGET_THROUGHPUT:g} msg/s with 0 errors", f"{rate} msg/s, {errs} errors",
         _both(_ge(rate, plan.TARGET_THROUGHPUT), errs == 0)),
        (f"Rasa server <= {plan.TARGET_RASA_RSS_MB:g} MB", f"{rss} MB", _le(rss, plan.TARGET_RASA_RSS_MB)),
        (f"training <= {plan.TARGET_TRAIN_S:g} s", f"{train} s", _le(train, plan.TARGET_TRAIN_S)),
        (f"CPU per message <= {plan.TARGET_CPU_RATIO:g}x stock",
         f"{cpu} ms vs stock {stock_cpu} ms ({cpu_ratio}x)", _le(cpu_ratio, plan.TARGET_CPU_RATIO)),
        (f"p50 at turn {plan.BY_TURN[-1]} <= {plan.TARGET_TURN_RATIO:g}x turn {plan.BY_TURN[0]}",
         f"{last} ms vs {first} ms ({turn_ratio}x)", _le(turn_ratio, plan.TARGET_TURN_RATIO)),
    ]


def _mark(met: Optional[bool]) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def _table(header: List[str], rows: List[List[Any]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("-" if v is None else str(v) for v in row) + " |" for row in rows]
    return lines


def markdown(results: Mapping[str, Any], details: Mapping[str, Any]) -> str:
    """results.md: the figures as tables, the targets, and how they were measured."""
    r = results
    machine = r["machine"]
    mode = " in QUICK mode (not for commit)" if details.get("quick") else ""
    lines: List[str] = [
        "# Benchmark: our assistant vs the stock Rasa pipeline",
        "",
        f"Generated by `python -m bench` (`make bench`){mode} on {details.get('date', '?')}, "
        f"commit {details.get('commit', '?')}. "
        "Figures in [results.json](results.json); plot: [latency.png](latency.png); "
        "before → after figures of each cost change: [changes.md](changes.md).",
        "",
        f"- **spaCy model:** {r['spacy_model']}",
        f"- **Machine:** {machine.get('cpu')}, {machine.get('cores')} cores, "
        f"{machine.get('memory_gb')} GB RAM; load average {machine.get('load_avg_1m_at_start')} at start, "
        f"{details.get('load_avg_end', '?')} at end.",
        "- **Noise:** the machine is shared (other sessions use the CPU during the run), the load "
        "generator runs on the same 2 cores as the servers, and each figure comes from one run: "
        "treat differences of a few tens of percent in latency or throughput as noise.",
        "- **Stock** = `bench/stock_config.yml`: Rasa 3.6's own default configuration "
        "(rasa/engine/recipes/config_files/default_config.yml, what a `rasa init` project trains with), "
        "language `it`. **Ours** = `config.yml`. Both trained in the same run on the same `domain.yml` and "
        "`data/`, with Rasa's training cache disabled. Both are served with the project's action server; "
        "ours runs on the project's runtime (`supervisor.rasa_run`) with the SQL event broker of "
        "`endpoints.yml` (SQLite) as deployed, stock on plain `rasa run` without a broker.",
        "",
        "## Targets",
        "",
        *_table(["target", "ours", "status"], [[t, v, _mark(m)] for t, v, m in targets(r)]),
        "",
        "## NLU on the held-out split (`tests/nlu`, never trained on)",
        "",
        *_table(["", "intent accuracy", "macro F1", "entity F1", "OOS routed", "false fallback"],
                [[m, *(r["nlu"][m][k] for k in NLU_KEYS)] for m in plan.MODELS]),
        "",
        "Intent accuracy, macro F1 and entity F1 (macro average of DIET's entity report) are Rasa's "
        "own evaluation (`rasa test nlu`), which undoes FallbackClassifier predictions. OOS routed and "
        "false fallback use the final intent after the whole pipeline, fallback included: OOS routed = "
        "share of out-of-scope examples (oos_*, chitchat, out_of_scope) predicted as any of those, "
        "`nlu_fallback` or `request_human`; false fallback = share of in-scope examples predicted as "
        "one of those routed intents other than their own.",
        "",
        "## Latency through the REST channel (ms, action server running)",
        "",
        *_table(["", *(f"{c} {p}" for c in plan.LEVELS for p in PERCENTILES)],
                [[m, *(r["latency_ms"][m][c][p] for c in plan.LEVELS for p in PERCENTILES)]
                 for m in plan.MODELS]),
        "",
        *_table(["", "level", "concurrent conversations", "messages sent", "replies", "errors",
                 "wall s", "msg/s"],
                [[m, row["level"], row["workers"], row["sent"], row["replies"], row["errors"],
                  row["wall_s"], row["msgs_per_s"]]
                 for m in plan.MODELS for row in details.get("levels", {}).get(m, [])]),
        "",
        "Each conversation has its own sender id and sends realistic Italian messages from the held-out "
        "file one after the other (greeting, topic questions with about one in five off topic, thanks "
        "or goodbye), each only after the previous reply. An error is a non-200 answer, an exception or "
        "timeout, or an empty reply. "
        f"{details.get('plan_text', '')}",
        "",
        "## CPU per message and cost by conversation length",
        "",
        *_table(["", "CPU ms/message (all levels)",
                 *(f"CPU ms/message {c}" for c in plan.LEVELS),
                 *(f"p50 turn {t} ms" for t in plan.BY_TURN)],
                [[m, r["cpu_ms_per_msg"][m],
                  *(details.get("cpu_ms_per_msg_by_level", {}).get(m, {}).get(c) for c in plan.LEVELS),
                  *(r["latency_ms"][m]["by_turn"][str(t)]["p50"] for t in plan.BY_TURN)]
                 for m in plan.MODELS]),
        "",
        "CPU ms/message = user + system CPU time of the Rasa process (and its children), read from "
        "`/proc` before and after each load level, divided by the messages sent in it: unlike wall "
        "times, it does not grow when other programs share the machine. Cost by turn: "
        f"{details.get('long_runs', 'several')} conversation(s) of {plan.LONG_TURNS} messages, one at a "
        f"time, cycling through {plan.LONG_QUESTIONS} held-out topic questions "
        f"({'; '.join(repr(q) for q in details.get('long_questions', []))}); the p50 at turn N is over "
        f"turns N-{plan.BY_TURN_HALF_WINDOW}..N+{plan.BY_TURN_HALF_WINDOW} of every such conversation.",
        "",
        f"Hottest Rasa functions while serving {PROFILED_LEVEL} (py-spy, each sample charged to the "
        "innermost Rasa frame, so time in TensorFlow or jsonschema counts for the Rasa function that "
        "called it):",
        "",
        *_table(["", "function", "share of samples"],
                [[m, entry["function"], entry["share"]]
                 for m, entries in (("ours", r["profile_top"]),
                                    ("stock", details.get("stock_profile_top", [])))
                 for entry in entries]),
        "",
        "## Throughput, errors, memory, training, model size",
        "",
        *_table(["", "throughput msg/s (saturation)", "errors", "peak RSS Rasa MB", "peak RSS actions MB",
                 "train s", "model MB"],
                [["ours", r["throughput_msgs_per_s"]["ours"], r["errors"]["ours"], r["rss_mb"]["rasa"],
                  r["rss_mb"]["actions"], r["train_s"]["ours"], r["model_mb"]["ours"]],
                 ["stock", r["throughput_msgs_per_s"]["stock"], r["errors"]["stock"],
                  details.get("stock_rss", {}).get("rasa"), details.get("stock_rss", {}).get("actions"),
                  r["train_s"]["stock"], r["model_mb"]["stock"]]]),
        "",
        "Throughput at saturation is the best of the 20- and 100-conversation levels (replies per second "
        "of wall time; one Rasa process is CPU-bound well before 20). Peak RSS is sampled every 0.2 s over "
        "the server's whole life (model loading included), process plus children; `rss_mb` in "
        "results.json is our assistant's, the stock column here is for comparison. MB = 2^20 bytes.",
        "",
        "## Scaling out (local cluster)",
        "",
        *_table(["Rasa processes", "c20 throughput msg/s"],
                [[n, (r.get("cluster") or {}).get("throughput_msgs_per_s", {}).get(n)]
                 for n in CLUSTER_PROCESSES]),
        "",
        "The same c20 REST load (our model) on the local cluster of `make cluster` (PostgreSQL tracker "
        "store, Redis lock store, nginx, two action servers): first straight to one Rasa process, then "
        "through nginx to two. On this 2-core machine the second process can add at most one core.",
    ]
    mistakes = details.get("mistakes", {})
    if mistakes:
        lines += ["", "## Routing mistakes of our assistant (first few)", ""]
        for title, key in (("Out of scope, not routed", "oos_not_routed"),
                           ("In scope, sent to fallback/decline/person", "in_scope_routed")):
            items = mistakes.get(key, [])
            lines.append(f"- {title}: " + ("none" if not items else ""))
            lines += [f"  - {item}" for item in items]
    if details.get("notes"):
        lines += ["", "## Notes", "", *(f"- {n}" for n in details["notes"])]
    return "\n".join(lines) + "\n"


def plot(results: Mapping[str, Any], path: Path) -> None:
    """latency.png: p50 and p95 against concurrency, and p50 by turn, for both pipelines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (axes, by_turn) = plt.subplots(1, 2, figsize=(12, 4.5), dpi=110)
    styles = {"ours": "tab:blue", "stock": "tab:orange"}
    x = [CONCURRENCY[c] for c in plan.LEVELS]
    for model in plan.MODELS:
        for p, dash in (("p50", "-"), ("p95", "--")):
            y = [results["latency_ms"][model][c][p] for c in plan.LEVELS]
            if any(v is None for v in y):
                continue
            axes.plot(x, y, dash, marker="o", color=styles.get(model), label=f"{model} {p}")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(x)
    axes.set_xticklabels([str(v) for v in x])
    axes.set_xlabel("concurrent conversations")
    axes.set_ylabel("latency per message (ms, log scale)")
    axes.set_title("REST latency vs concurrency (action server running)")
    axes.grid(True, alpha=0.3)
    axes.legend()
    turns = list(plan.BY_TURN)
    for model in plan.MODELS:
        y = [results["latency_ms"][model]["by_turn"][str(t)]["p50"] for t in turns]
        if all(v is not None for v in y):
            by_turn.plot(turns, y, "-", marker="o", color=styles.get(model), label=f"{model} p50")
    by_turn.set_xticks(turns)
    by_turn.set_xlabel("turn of the conversation")
    by_turn.set_ylabel("latency per message (ms)")
    by_turn.set_ylim(bottom=0)
    by_turn.set_title("Latency by conversation length (one at a time)")
    by_turn.grid(True, alpha=0.3)
    by_turn.legend()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def write_all(results: Mapping[str, Any], details: Mapping[str, Any], out_dir: Path) -> List[Path]:
    """results.json, results.md and latency.png into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path, png_path = out_dir / "results.json", out_dir / "results.md", out_dir / "latency.png"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    md_path.write_text(markdown(results, details))
    plot(results, png_path)
    return [json_path, md_path, png_path]
