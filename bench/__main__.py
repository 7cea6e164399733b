"""``python -m bench``: train both pipelines, measure them, write the results.

Steps: train ours (config.yml) and stock (bench/stock_config.yml) without the
training cache; evaluate NLU on tests/nlu; for each model start the action
server and ``rasa run`` on free loopback ports and send c1/c20/c100
conversations through the REST channel while sampling memory; write
results.json, results.md and latency.png.

Options: ``--quick`` sends far fewer latency requests (same training, for
development; results go to bench/.work/quick-results unless ``--out``);
``--reuse-models`` skips training and reuses the models and training times of
the previous run in bench/.work/models; ``--rewrite-report`` only rewrites
results.md and latency.png from the last run's figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench import plan
from bench.cluster import measure_cluster
from bench.conversations import load_examples, long_questions, make_conversations
from bench.load import saturation_throughput, summary_ms
from bench.machine import load_average, machine_info, spacy_label
from bench.nlu import evaluate, routing_mistakes
from bench.progress import progress
from bench.report import build_results, check_schema, write_all
from bench.servers import QUIET_ENV
from bench.serving import Serving, measure_serving
from bench.training import Trained, train

INPUT_PATHS = ("config.yml", "domain.yml", "data", "tests/nlu", "actions", "components", "bench")


def git_commit() -> str:
    """Short commit id, and which benchmark inputs differ from it in the work tree."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=plan.ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", *INPUT_PATHS],
                                 cwd=plan.ROOT, text=True, capture_output=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    dirty = sorted({line[3:].split("/")[0] for line in changed if len(line) > 3})
    return head + (f" + uncommitted changes in {', '.join(dirty)}" if dirty else "")


def snapshot_inputs(run_dir: Path) -> plan.Inputs:
    """Copy configs, domain, data and held-out split: edits made during a long run cannot mix in."""
    target = run_dir / "inputs"
    target.mkdir(parents=True)
    configs: Dict[str, Path] = {}
    for name, config in plan.CONFIGS.items():
        configs[name] = target / f"config-{name}.yml"
        shutil.copy2(config, configs[name])
    shutil.copy2(plan.DOMAIN, target / "domain.yml")
    shutil.copytree(plan.DATA, target / "data")
    shutil.copytree(plan.HELDOUT, target / "heldout")
    return plan.Inputs(configs=configs, domain=target / "domain.yml", data=target / "data",
                       heldout=target / "heldout")


def train_all(models_dir: Path, inputs: plan.Inputs, reuse: bool) -> Dict[str, Trained]:
    """Train both configurations (or reuse the previous run's models)."""
    record = models_dir / "train.json"
    if reuse:
        saved = json.loads(record.read_text())
        progress(f"reusing models and training times from {models_dir}")
        return {m: Trained(Path(v["model"]), v["seconds"], v["size_mb"]) for m, v in saved.items()}
    shutil.rmtree(models_dir, ignore_errors=True)
    trained: Dict[str, Trained] = {}
    for name, config in inputs.configs.items():
        progress(f"training {name} ({plan.CONFIGS[name].relative_to(plan.ROOT)}), cache disabled")
        trained[name] = train(name, config, inputs.domain, inputs.data, models_dir,
                              models_dir / f"train-{name}.log")
        progress(f"  trained {name} in {trained[name].seconds} s, model {trained[name].size_mb} MB")
    record.write_text(json.dumps({m: {"model": str(t.model), "seconds": t.seconds, "size_mb": t.size_mb}
                                  for m, t in trained.items()}, indent=2))
    return trained


def plan_text(load_plan: plan.LoadPlan) -> str:
    """The load plan in one sentence for the report."""
    parts = [f"{lvl} = {load_plan.workers[lvl]} x {load_plan.conversations_per_worker[lvl]} "
             f"conversation(s) of {load_plan.conversation_length} messages ({load_plan.messages(lvl)})"
             for lvl in plan.LEVELS]
    return (f"Plan: {'; '.join(parts)}; after {load_plan.warmup_messages} unmeasured warm-up messages; "
            f"a level sends nothing new after {load_plan.level_deadline_s:.0f} s; request timeout "
            f"{load_plan.request_timeout_s:.0f} s.")


def run(args: argparse.Namespace) -> Path:
    """The whole benchmark; returns the output directory."""
    load_plan = plan.QUICK if args.quick else plan.FULL
    out_dir = args.out or (plan.WORK_DIR / "quick-results" if args.quick else plan.BENCH_DIR)
    run_dir = plan.WORK_DIR / ("run-quick" if args.quick else "run-full")
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    spacy_model, machine, commit = spacy_label(), machine_info(), git_commit()
    inputs = snapshot_inputs(run_dir)
    progress(f"commit {commit}; inputs copied to {inputs.domain.parent}")
    progress(f"spaCy model: {spacy_model}")
    progress(f"machine: {machine}")
    progress(f"mode: {'QUICK' if args.quick else 'full'}; scratch files in {plan.WORK_DIR}")

    trained = train_all(plan.WORK_DIR / "models", inputs, args.reuse_models)

    nlu: Dict[str, Dict[str, Optional[float]]] = {}
    for name in plan.MODELS:
        progress(f"NLU evaluation of {name} on {plan.HELDOUT.relative_to(plan.ROOT)}")
        out = run_dir / f"nlu-{name}"
        nlu[name] = evaluate(trained[name].model, inputs.heldout, out, QUIET_ENV,
                             run_dir / f"nlu-{name}.log")
        progress(f"  {name}: {nlu[name]}")

    examples = load_examples(inputs.heldout)
    count = sum(load_plan.workers[lvl] * load_plan.conversations_per_worker[lvl] for lvl in plan.LEVELS)
    conversations = make_conversations(examples, count, load_plan.conversation_length)
    questions = long_questions(examples, plan.LONG_QUESTIONS)
    served: Dict[str, Serving] = {}
    for name in plan.MODELS:
        progress(f"serving {name}: latency, throughput, CPU and cost by turn through REST")
        served[name] = measure_serving(name, trained[name].model, run_dir, conversations, questions,
                                       load_plan)
    levels = {m: served[m].levels for m in plan.MODELS}
    rss = {m: served[m].rss_mb for m in plan.MODELS}
    progress("cluster: the c20 load on one Rasa process, then on two behind nginx")
    cluster = measure_cluster(trained["ours"].model, conversations, load_plan)

    results = build_results(
        nlu=nlu,
        latency={m: {lvl: summary_ms(levels[m][lvl].latencies_s) for lvl in plan.LEVELS}
                 for m in plan.MODELS},
        by_turn={m: served[m].by_turn for m in plan.MODELS},
        cpu_ms_per_msg={m: served[m].cpu_ms_per_msg for m in plan.MODELS},
        profile_top=served["ours"].profile_top,
        cluster=cluster,
        throughput={m: saturation_throughput(levels[m]) for m in plan.MODELS},
        errors={m: sum(r.errors for r in levels[m].values()) for m in plan.MODELS},
        rss_mb=rss["ours"],
        train_s={m: trained[m].seconds for m in plan.MODELS},
        model_mb={m: trained[m].size_mb for m in plan.MODELS},
        spacy_model=spacy_model,
        machine=machine,
    )
    details: Dict[str, Any] = {
        "quick": args.quick,
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": commit,
        "load_avg_end": load_average(),
        "plan_text": plan_text(load_plan),
        "stock_rss": rss["stock"],
        "long_questions": questions,
        "long_runs": load_plan.long_repeats,
        "cpu_ms_per_msg_by_level": {m: served[m].cpu_ms_per_msg_by_level for m in plan.MODELS},
        "long_errors": {m: served[m].long_errors for m in plan.MODELS},
        "stock_profile_top": served["stock"].profile_top,
        "levels": {m: [{"level": r.level, "workers": r.workers, "sent": r.sent,
                        "replies": len(r.latencies_s), "errors": r.errors,
                        "wall_s": round(r.wall_s, 1), "msgs_per_s": round(r.throughput, 1)}
                       for r in levels[m].values()] for m in plan.MODELS},
        "mistakes": routing_mistakes(run_dir / "nlu-ours"),
        "notes": [f"First errors, {m} {r.level}: {'; '.join(r.error_samples)}"
                  for m in plan.MODELS for r in levels[m].values() if r.error_samples],
    }
    if git_commit() != commit:
        details["notes"].append(f"The work tree changed during the run (now {git_commit()}); the figures "
                                "are for the inputs copied when it started.")
    if args.reuse_models:
        details["notes"].append("Models and training times reused from an earlier run (--reuse-models).")
    tuned = {k: v for k, v in os.environ.items() if k.startswith("SANIC_")}
    if tuned:
        details["notes"].append(f"Server settings from the environment: {tuned}.")
    (run_dir / "details.json").write_text(json.dumps(details, indent=2, ensure_ascii=False))
    for path in write_all(results, details, out_dir):
        progress(f"wrote {path}")
    return out_dir


def rewrite_report(args: argparse.Namespace) -> None:
    """Rewrite results.md and latency.png from results.json and the saved run details."""
    out_dir = args.out or (plan.WORK_DIR / "quick-results" if args.quick else plan.BENCH_DIR)
    run_dir = plan.WORK_DIR / ("run-quick" if args.quick else "run-full")
    results = json.loads((out_dir / "results.json").read_text())
    details = json.loads((run_dir / "details.json").read_text())
    for path in write_all(results, details, out_dir):
        progress(f"wrote {path}")


def cluster_only(args: argparse.Namespace) -> None:
    """Measure the cluster with the last run's model and add it to that run's results."""
    load_plan = plan.QUICK if args.quick else plan.FULL
    out_dir = args.out or (plan.WORK_DIR / "quick-results" if args.quick else plan.BENCH_DIR)
    run_dir = plan.WORK_DIR / ("run-quick" if args.quick else "run-full")
    results = json.loads((out_dir / "results.json").read_text())
    details = json.loads((run_dir / "details.json").read_text())
    model = Path(json.loads((plan.WORK_DIR / "models" / "train.json").read_text())["ours"]["model"])
    examples = load_examples(plan.HELDOUT)
    count = load_plan.workers["c20"] * load_plan.conversations_per_worker["c20"] * 2
    conversations = make_conversations(examples, count, load_plan.conversation_length)
    results["cluster"] = {"throughput_msgs_per_s": measure_cluster(model, conversations, load_plan)}
    check_schema(results)
    details.setdefault("notes", []).append(
        f"Cluster throughput measured afterwards ({datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
        f"commit {git_commit()}) with this run's model (--cluster-only).")
    (run_dir / "details.json").write_text(json.dumps(details, indent=2, ensure_ascii=False))
    for path in write_all(results, details, out_dir):
        progress(f"wrote {path}")


def main(argv: Optional[List[str]] = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="far fewer latency requests (development only; not for commit)")
    parser.add_argument("--reuse-models", action="store_true",
                        help="skip training, reuse bench/.work/models from the previous run")
    parser.add_argument("--out", type=Path, default=None, help="where to write the results")
    parser.add_argument("--rewrite-report", action="store_true",
                        help="only rewrite results.md and latency.png from the last run's saved figures")
    parser.add_argument("--cluster-only", action="store_true",
                        help="only measure the local cluster (last run's model), add it to its results")
    args = parser.parse_args(argv)
    try:
        if args.rewrite_report:
            rewrite_report(args)
        elif args.cluster_only:
            cluster_only(args)
        else:
            run(args)
    except KeyboardInterrupt:
        progress("interrupted; servers stopped")
        return 130
    except Exception as error:  # noqa: BLE001 - report any failure and exit non-zero
        traceback.print_exc()
        progress(f"FAILED: {type(error).__name__}: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
